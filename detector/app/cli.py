"""Command line: ``number_detector.py`` opens the menu; ``predict`` reads files in batch; ``serve`` the page.

The entry point only parses arguments, calls the library and prints; torch is imported
only when a command needs the model, so the menu appears at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

PREDICT_HELP = """\
Read the digit or number in each INPUT and print one result per image or CSV row.

INPUT is an image (PNG, JPEG, BMP, GIF, TIFF, WebP), a CSV of 28x28 pixel rows
(784 pixel columns, optional label column first or last, optional header) or a
folder (its images and CSVs, sorted by name).

Text output: one line per image or CSV row: source, row, number, confidence.
--json output: JSON Lines, one object per image or CSV row, with the keys
  source      the path as given
  row         CSV row index from 0, or null for images
  label       the CSV label, or null
  number      the digits read, as a string ("" when none was found)
  confidence  0..1, the lowest confidence of its digits
  digits      [{"digit", "confidence", "box": [x, y, w, h] in source pixels,
                "probabilities": [10 floats]}]
  error       null, or a one-line message when the input could not be read

Exit status: 0 when every input was read, 1 when any failed, 2 for a usage error.
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for the top-level command and its ``predict`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="number_detector.py",
        description="Number Detector: recognise handwritten and printed digits. "
        "Without a command it opens the interactive menu (needs a terminal).",
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser(
        "predict", help="read images, CSVs and folders; print results", description=PREDICT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image, pixel CSV or folder")
    p.add_argument("--json", action="store_true", help="print JSON Lines instead of text")
    p.add_argument("--model", type=Path, default=None, help="the .onnx model (default: models/number_detector.onnx)")
    p.add_argument(
        "--annotate", type=Path, default=None, metavar="DIR", help="write each image with its boxes into DIR"
    )
    sub.add_parser("menu", help="open the interactive menu (the default)")
    _add_serve(sub)
    return parser


SERVE_HELP = """\
Serve the browser page: draw a digit with a mouse, finger or pen and watch the ten
probabilities, or drop a photo and see every digit boxed. The API (POST /api/predict,
GET /api/health) answers the same JSON as predict --json; see the README.

It binds to 127.0.0.1 (this machine only) unless --host says otherwise; --host 0.0.0.0
serves other devices (a phone on the same network, Docker's -p 8000:8000) and warns.
Nothing is written except the drawings you Save (into menu_data/ or $ND_MENU_DIR).
"""


def _add_serve(sub) -> None:
    s = sub.add_parser(
        "serve", help="serve the browser page (draw, drop a photo) and its API", description=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    s.add_argument("--open", action="store_true", help="open the page in the browser once it is served")
    s.add_argument("--model", type=Path, default=None, help="model file to use (default: the shipped one in models/)")


def run_serve(args: argparse.Namespace) -> int:
    """Run ``serve``: load the model, bind, print the address and serve until Ctrl-C; return the exit status."""
    from detector import paths
    from detector.app.web import runner
    from detector.app.web.server import create_app
    from detector.errors import DetectorError

    try:
        sock = runner.bind(args.host, args.port)
        app = create_app(None, args.model, Path(os.environ.get("ND_MENU_DIR") or paths.MENU_DATA_DIR))
    except DetectorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    warning = runner.exposure_warning(args.host)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    url = runner.page_url(args.host, sock.getsockname()[1])
    print(f"Serving the page at {url} (Ctrl-C stops)", flush=True)
    runner.serve_forever(app, sock, (lambda: _open_page(url)) if args.open else None)
    return 0


def format_line(reading) -> str:
    """Return the text-mode line for one reading."""
    row = "" if reading.row is None else f"  row {reading.row}"
    if reading.error:
        return f"{reading.source}{row}  error: {reading.error}"
    if not reading.digits:
        return f"{reading.source}{row}  no digit found"
    flag = "  (low confidence)" if reading.low_confidence else ""
    detail = ""
    if len(reading.digits) > 1:
        detail = "  (" + " ".join(f"{d.digit}:{d.confidence:.2f}" for d in reading.digits) + ")"
    label = "" if reading.label is None else f"  label {reading.label}"
    return f"{reading.source}{row}  {reading.number}  conf {reading.confidence:.2f}{detail}{label}{flag}"


def run_predict(args: argparse.Namespace, out=None) -> int:
    """Run ``predict``: stream one line per result; return the exit status."""
    from detector.errors import DetectorError
    from detector.predict import Predictor

    out = out or sys.stdout
    try:
        predictor = Predictor.load(args.model)
    except DetectorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    failed = False
    for reading in predictor.read_inputs(args.inputs):
        if args.annotate and reading.row is None and reading.error is None:
            reading = _annotate(reading, args.annotate)
        failed = failed or reading.error is not None
        print(json.dumps(reading.to_dict()) if args.json else format_line(reading), file=out, flush=True)
    return 1 if failed else 0


def _annotate(reading, folder: Path):
    """Write the annotated picture; a failure becomes the reading's error."""
    from dataclasses import replace

    from detector.errors import DetectorError

    try:
        from detector.annotate import save_annotated

        save_annotated(reading, folder)
    except DetectorError as err:
        return replace(reading, error=str(err))
    return reading


def _open_page(url: str) -> None:
    from detector.app.web.runner import open_browser

    if not open_browser(url):
        print("No browser here: open the address yourself.", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: dispatch to the menu, ``predict`` or ``serve``; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "predict":
            return run_predict(args)
        if args.command == "serve":
            return run_serve(args)
        from detector.app.menu import run_menu

        return run_menu(debug=args.debug)
    except KeyboardInterrupt:
        return 130 if args.command == "predict" else 0
    except BrokenPipeError:  # `predict ... | head` closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # last resort: one line, never a traceback unless --debug
        if args.debug:
            raise
        print(f"error: unexpected {type(err).__name__}: {err} (run with --debug for details)", file=sys.stderr)
        return 1
