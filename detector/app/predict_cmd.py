"""The ``predict`` command: read inputs in batch and print one result per image or CSV row.

Results go to stdout (tab-separated text, or JSON Lines with ``--json``); messages about
inputs that could not be read, and a progress line when stderr is a terminal, go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from detector.app.inputs import STDIN, Item, expand, printable, work_units
from detector.errors import DetectorError, ExitCode
from detector.results import Reading, percent

HELP = """\
Read the digit or number in each INPUT and print one result per image or CSV row.

INPUT is an image (PNG, JPEG, BMP, GIF, TIFF, WebP), a CSV of 28x28 pixel rows
(784 pixel columns, optional label column first or last, optional header), a
folder (its images and CSVs, sorted by name; with --recursive its subfolders too)
or - for one picture read from stdin.

Text output: one line per image or CSV row, seven tab-separated fields (split
with cut -f or awk -F'\\t'); "-" marks an empty field:
  source  row  number  confidence  unsure  digits  label
  e.g. menu_data/mnist_7.png  -  7  >99.9%  0  7:>99.9%  -
  confidence is the lowest digit's, as a percentage (never rounded up to 100%);
  unsure is 1 when a digit is below 90%; digits lists digit:confidence, comma-
  separated. With --annotate an eighth field names the annotated picture.
  Inputs that cannot be read are one line each on stderr, not stdout.
--json output: JSON Lines, one object per image or CSV row, with the keys
  source      the path as given ("-" for stdin)
  row         CSV row index from 0, or null for images
  label       the CSV label, or null
  number      the digits read, as a string ("" when none was found)
  confidence  0..1, the lowest confidence of its digits
  unsure      true when any digit is below 90% confidence
  digits      [{"digit", "confidence", "unsure", "box": [x, y, w, h] in source
                pixels, "probabilities": [10 floats]}]
  error       null, or a one-line message when the input could not be read
                (also written to stderr)
  annotated   only with --annotate: the picture written, or null

Exit status: 0 when every input was read, 1 when any failed, 2 for a usage
error, 3 when the model could not be loaded, 130 when stopped with Ctrl-C.
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``predict`` subcommand to ``sub`` (argparse subparsers); return its parser."""
    p = sub.add_parser(
        "predict", help="read images, CSVs and folders; print results", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image, pixel CSV, folder, or - for stdin")
    p.add_argument("--json", action="store_true", help="print JSON Lines instead of text")
    p.add_argument("--model", type=Path, default=None, help="model to use (default: the shipped one in models/)")
    p.add_argument("-r", "--recursive", action="store_true", help="read the subfolders of folders too")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line and no error lines on stderr")
    p.add_argument(
        "--annotate", type=Path, default=None, metavar="DIR", help="write each image with its boxes into DIR"
    )
    p.add_argument(
        "--overwrite", action="store_true", help="with --annotate: replace DIR's earlier pictures (default: new names)"
    )
    return p


def _field(value) -> str:
    return "-" if value is None or value == "" else printable(str(value))


def format_line(reading: Reading, annotated: Path | None = None, annotate: bool = False) -> str:
    """Return the tab-separated text line of one reading (see HELP for its fields)."""
    digits = ",".join(f"{d.digit}:{percent(d.confidence)}" for d in reading.digits)
    fields = [reading.source, reading.row, reading.number, percent(reading.confidence) if reading.digits else None]
    fields += [int(reading.low_confidence), digits, reading.label]
    if annotate:
        fields.append(annotated)
    return "\t".join(_field(v) for v in fields)


def error_line(reading: Reading) -> str:
    """Return the stderr line for a reading that failed."""
    row = "" if reading.row is None else f" row {reading.row}"
    return f"error: {printable(reading.source)}{row}: {reading.error}"


def run_predict(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``predict``: stream one line per result; return the exit status.

    Raises:
        ModelError: The model could not be loaded (the entry point reports it).
    """
    from detector.predict import Predictor

    out, err = out or sys.stdout, err or sys.stderr
    predictor = Predictor.load(args.model)
    items = list(expand(args.inputs, args.recursive))
    progress = Progress(err, work_units(items)) if _wants_progress(args, err) else None
    failed = False
    for reading in _readings(predictor, items):
        annotated = None
        if args.annotate and reading.row is None and reading.error is None:
            reading, annotated = _annotate(reading, args.annotate, args.overwrite)
        failed = failed or reading.error is not None
        if reading.error and not args.quiet:
            (progress or _Plain(err)).message(error_line(reading))
        if args.json:
            obj = reading.to_dict() | ({"annotated": str(annotated) if annotated else None} if args.annotate else {})
            print(json.dumps(obj), file=out, flush=True)
        elif not reading.error:
            print(format_line(reading, annotated, bool(args.annotate)), file=out, flush=True)
        if progress:
            progress.advance()
    if progress:
        progress.done()
    return ExitCode.FAILED if failed else ExitCode.OK


def _wants_progress(args: argparse.Namespace, err: TextIO) -> bool:
    return not args.quiet and hasattr(err, "isatty") and err.isatty()


def _readings(predictor, items: list[Item]) -> Iterator[Reading]:
    for item in items:
        if item.error:
            yield Reading(item.source, error=item.error, threshold=predictor.threshold)
        elif item.source == STDIN:
            yield _read_stdin(predictor)
        else:
            yield from predictor.read_path(item.path)


def _read_stdin(predictor) -> Reading:
    from detector.io import read_image_bytes

    try:
        loaded = read_image_bytes(sys.stdin.buffer.read(), "stdin")
    except DetectorError as err:
        return Reading(STDIN, error=str(err), threshold=predictor.threshold)
    return predictor.read_loaded(loaded, STDIN)


def _annotate(reading: Reading, folder: Path, overwrite: bool) -> tuple[Reading, Path | None]:
    """Write the annotated picture; a failure becomes the reading's error."""
    from detector.annotate import save_annotated

    try:
        return reading, save_annotated(reading, folder, overwrite=overwrite)
    except DetectorError as err:
        return replace(reading, error=str(err)), None


class _Plain:
    def __init__(self, err: TextIO) -> None:
        self.err = err

    def message(self, line: str) -> None:
        print(line, file=self.err, flush=True)


class Progress:
    """A one-line progress report on a terminal's stderr: count, rate and time left.

    Args:
        err: The terminal stream.
        total: Readings expected.
        clock: Time source (tests pass their own).
        every: Seconds between redraws.
        after: Seconds before the first line: short runs show none.
    """

    def __init__(self, err: TextIO, total: int, clock=time.monotonic, every: float = 0.25, after: float = 1.0) -> None:
        self.err, self.total, self.clock, self.every, self.after = err, max(1, total), clock, every, after
        self.count, self.start, self._drawn = 0, None, -every  # the clock starts at the first reading
        self.shown = False

    def line(self) -> str:
        """Return the progress text, e.g. ``1,200/10,000 read  3,400/s  about 3 s left``."""
        elapsed = max(self.clock() - (self.start or 0.0), 1e-9)
        rate = (self.count - 1) / elapsed if self.start is not None else 0.0
        left = (self.total - self.count) / rate if rate > 0 else None
        eta = "" if left is None else f"  about {left:,.0f} s left"
        return f"{self.count:,}/{self.total:,} read  {rate:,.0f}/s{eta}"

    def advance(self) -> None:
        """Count one reading and redraw at most every ``every`` seconds."""
        self.count += 1
        now = self.clock()
        if self.start is None:  # not counting the model's loading and the files' listing
            self.start = now
        if now - self.start >= self.after and now - self._drawn >= self.every:
            self._drawn = now
            self.err.write("\r\x1b[K" + self.line())
            self.err.flush()
            self.shown = True

    def message(self, line: str) -> None:
        """Print a line above the progress line."""
        self.err.write(("\r\x1b[K" if self.shown else "") + line + "\n")
        self.err.flush()
        self._drawn = -self.every  # redraw on the next reading

    def done(self) -> None:
        """Clear the progress line."""
        if self.shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
