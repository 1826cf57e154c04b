"""Exact-number and per-digit accuracy, and time per image, over a labelled folder.

    python -m training.bench.accuracy FOLDER [--model PATH]
    python -m training.bench.accuracy --scenes 500       # generated scenes in a temp folder
    python -m training.bench.accuracy --signs 200        # generated house-number signs
    python -m training.bench.accuracy FOLDER --upscale 12    # each picture enlarged to 12 MP first

FOLDER holds pictures and ``labels.csv`` (filename,number; extra columns are ignored).
Per-digit accuracy compares digits position by position when the number read has as
many digits as the label; a reading of another length counts all the label's digits
as wrong (so a dropped or extra digit is never half-credited by a lucky alignment).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from detector.paths import DEFAULT_MODEL
from training.config import CACHE_DIR, DATA_DIR


@dataclass
class BenchResult:
    """Totals of one benchmark run and the files that were read wrong."""

    images: int = 0
    exact: int = 0
    digits: int = 0
    digits_right: int = 0
    seconds: float = 0.0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (file, label, read)

    @property
    def exact_accuracy(self) -> float:
        return self.exact / max(1, self.images)

    @property
    def digit_accuracy(self) -> float:
        return self.digits_right / max(1, self.digits)

    @property
    def seconds_per_image(self) -> float:
        return self.seconds / max(1, self.images)


def read_labels(folder: Path) -> list[tuple[str, str]]:
    """Return (filename, number) rows of ``folder/labels.csv``."""
    with open(folder / "labels.csv", newline="") as fh:
        return [(row["filename"], row["number"].strip()) for row in csv.DictReader(fh)]


def digits_right(label: str, read: str) -> int:
    """Count matching digits by position; 0 when the digit counts differ (spaces ignored)."""
    a, b = label.replace(" ", ""), read.replace(" ", "")
    return sum(x == y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else 0


def run(folder: Path, predictor) -> BenchResult:
    """Read every labelled picture in ``folder`` (timing includes decoding the file).

    The first picture is read once untimed, so imports and warm-up are not counted.
    """
    result = BenchResult()
    rows = read_labels(folder)
    if rows:
        list(predictor.read_path(folder / rows[0][0]))
    for name, label in rows:
        start = time.perf_counter()
        reading = next(iter(predictor.read_path(folder / name)))
        result.seconds += time.perf_counter() - start
        result.images += 1
        result.exact += reading.number == label
        result.digits += len(label.replace(" ", ""))
        result.digits_right += digits_right(label, reading.number)
        if reading.number != label:
            result.misses.append((name, label, reading.error or reading.number))
    return result


def upscaled_copy(folder: Path, dest: Path, megapixels: float) -> Path:
    """Write every labelled picture of ``folder`` into ``dest`` enlarged to about ``megapixels``.

    The aspect ratio is kept; pictures are saved as JPEG (quality 90) like a phone's, so the
    timing includes decoding a full-size photo. Returns ``dest`` with its own labels.csv.
    """
    from PIL import Image

    from detector.files import write_atomic
    from training.synthetic.scenes import write_labels

    dest.mkdir(parents=True, exist_ok=True)
    rows = read_labels(folder)
    for name, _label in rows:
        with Image.open(folder / name) as img:
            rgb = img.convert("RGB")
        k = (megapixels * 1e6 / (rgb.width * rgb.height)) ** 0.5
        size = (max(1, round(rgb.width * k)), max(1, round(rgb.height * k)))
        big = rgb.resize(size, Image.BICUBIC)
        write_atomic(dest / f"{Path(name).stem}.jpg", lambda fh, big=big: big.save(fh, format="JPEG", quality=90))
    write_labels(dest, [(f"{Path(name).stem}.jpg", label) for name, label in rows])
    return dest


def render(result: BenchResult, title: str):
    """Return a rich renderable: the summary line and the table of misses."""
    from rich.console import Group
    from rich.table import Table

    summary = (
        f"{title}: {result.images} images  exact {result.exact_accuracy:.2%}  "
        f"per digit {result.digit_accuracy:.2%}  {result.seconds_per_image * 1000:.0f} ms/image"
    )
    table = Table("file", "label", "read", title=f"{len(result.misses)} misses")
    for row in result.misses:
        table.add_row(*row)
    return Group(summary, table) if result.misses else Group(summary)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", help="folder with pictures and labels.csv")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--scenes", type=int, default=0, help="generate N scenes into a temp folder and read them")
    parser.add_argument("--signs", type=int, default=0, help="generate N house-number signs and read them")
    parser.add_argument("--seed", type=int, default=0, help="scene and sign seed")
    parser.add_argument("--upscale", type=float, default=0, metavar="MP", help="enlarge each picture to MP first")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    if sum((args.folder is not None, args.scenes > 0, args.signs > 0)) != 1:
        parser.error("give one of FOLDER, --scenes N or --signs N")
    return args


def main(argv: list[str] | None = None) -> int:
    """Read the chosen or generated pictures and print the figures; a missing model or data set is one line."""
    from rich.console import Console

    from detector.errors import DetectorError
    from detector.predict import Predictor
    from training.data import DataError

    args = parse_args(argv)
    console = Console()
    try:
        predictor = Predictor.load(args.model)
        with tempfile.TemporaryDirectory() as tmp:
            folder, title = _pictures(args, Path(tmp))
            console.print(render(run(folder, predictor), title))
    except (DataError, DetectorError) as err:
        console.print(f"[red]{err}[/]")
        return 1
    return 0


def _pictures(args: argparse.Namespace, tmp: Path) -> tuple[Path, str]:
    """Return the folder to read and its title: the given one, an enlarged copy, or pictures generated in ``tmp``."""
    from training.data import raw_mnist
    from training.synthetic.scenes import write_labelled, write_scenes
    from training.synthetic.signs import make_sign

    if args.folder is not None and args.upscale > 0:
        return upscaled_copy(args.folder, tmp, args.upscale), f"{args.folder} enlarged to {args.upscale:g} MP"
    if args.folder is not None:
        return args.folder, str(args.folder)
    if args.signs > 0:
        write_labelled(tmp, args.signs, lambda i: make_sign(i, args.seed), "sign")
        return tmp, f"{args.signs} generated house-number signs"
    digits, labels = raw_mnist(args.data_dir, args.cache_dir, train=False)
    write_scenes(tmp, args.scenes, digits, labels, args.seed)
    return tmp, f"{args.scenes} generated scenes"


if __name__ == "__main__":
    raise SystemExit(main())
