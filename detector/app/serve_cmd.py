"""The ``serve`` command: the browser page and its API on a local web server."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SERVE_HELP = """\
Serve the browser page: draw a digit with a mouse, finger or pen and watch the ten
probabilities, or drop a photo and see every digit boxed. The API (POST /api/predict,
GET /api/health) answers the same JSON as predict --json; see the README.

It binds to 127.0.0.1 (this machine only) unless --host says otherwise; --host 0.0.0.0
serves other devices (a phone on the same network, Docker's -p 8000:8000) and warns.
Nothing is written except the drawings you Save (into menu_data/ or $ND_MENU_DIR).

Exit status: 0 after Ctrl-C, 1 when the address cannot be used, 3 for a model problem.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` subcommand to the top-level parser's subparsers."""
    s = sub.add_parser(
        "serve", help="serve the browser page (draw, drop a photo) and its API", description=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    s.add_argument("--open", action="store_true", help="open the page in the browser once it is served")
    s.add_argument("--model", type=Path, default=None, help="the .onnx model (default: models/number_detector.onnx)")


def run_serve(args: argparse.Namespace) -> int:
    """Run ``serve``: load the model, bind, print the address and serve until Ctrl-C; return the exit status.

    Raises:
        DetectorError: The address cannot be used or the model cannot be loaded (``main`` reports it).
    """
    from detector import paths
    from detector.app.web import runner
    from detector.app.web.server import create_app

    sock = runner.bind(args.host, args.port)
    try:
        app = create_app(None, args.model, Path(os.environ.get("ND_MENU_DIR") or paths.MENU_DATA_DIR))
    except BaseException:
        sock.close()
        raise
    warning = runner.exposure_warning(args.host)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    url = runner.page_url(args.host, sock.getsockname()[1])
    print(f"Serving the page at {url} (Ctrl-C stops)", flush=True)
    runner.serve_forever(app, sock, (lambda: _open_page(url)) if args.open else None)
    return 0


def _open_page(url: str) -> None:
    from detector.app.web.runner import open_browser

    if not open_browser(url):
        print("No browser here: open the address yourself.", flush=True)
