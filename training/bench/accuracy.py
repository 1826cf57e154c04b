"""Exact-number and per-digit accuracy, and time per image, over a labelled folder.

    python -m training.bench.accuracy FOLDER [--model PATH]
    python -m training.bench.accuracy --scenes 500       # generated scenes in a temp folder
    python -m training.bench.accuracy --signs 200        # generated house-number signs
    python -m training.bench.accuracy --plates 200 --seed 1   # bordered plates on walls and doors, unseen seed
    python -m training.bench.accuracy --filled 200       # one digit filling a phone photo
    python -m training.bench.accuracy --turned 200       # sheets turned on a table (background wedges)
    python -m training.bench.accuracy --embossed 200     # raised metallic digits on cards
    python -m training.bench.accuracy --small 200        # house numbers cut small, as SVHN crops
    python -m training.bench.accuracy --blank 300        # digit-free pictures: should answer ""
    python -m training.bench.accuracy --faces 200        # signs and plates in typefaces never trained on
    python -m training.bench.accuracy FOLDER --upscale 12    # each picture enlarged to 12 MP first
    python -m training.bench.accuracy --turned 200 --seed 8 --misses outputs/misses   # annotated misses

FOLDER holds pictures and ``labels.csv`` (filename,number; extra columns are ignored).
Per-digit accuracy compares digits position by position when the number read has as
many digits as the label; a reading of another length counts all the label's digits
as wrong (so a dropped or extra digit is never half-credited by a lucky alignment).
Pictures labelled "" (no digits) also count how often any digit was reported at 90 % or
more: a confident answer where there is nothing to read. ``--misses DIR`` saves each
picture read wrong with its boxes, digits and confidences drawn, and ``misses.csv``
(file, label, read) beside them; nothing already in DIR is replaced.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from detector.annotate import save_annotated
from detector.files import csv_bytes, save_new
from detector.paths import DEFAULT_MODEL
from training.config import CACHE_DIR, DATA_DIR

SURE_JUNK = 0.9  # a digit reported this sure in a digit-free picture is a confident false answer


@dataclass
class BenchResult:
    """Totals of one benchmark run and the files that were read wrong."""

    images: int = 0
    exact: int = 0
    digits: int = 0
    digits_right: int = 0
    seconds: float = 0.0
    blank: int = 0  # pictures labelled "" (no digits) ...
    blank_sure: int = 0  # ... in which some digit was reported at SURE_JUNK or more
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (file, label, read)

    @property
    def exact_accuracy(self) -> float:
        return self.exact / max(1, self.images)

    @property
    def digit_accuracy(self) -> float:
        return self.digits_right / max(1, self.digits)

    @property
    def blank_sure_rate(self) -> float:
        return self.blank_sure / max(1, self.blank)

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


def run(folder: Path, predictor, misses: Path | None = None) -> BenchResult:
    """Read every labelled picture in ``folder`` (timing includes decoding the file).

    The first picture is read once untimed, so imports and warm-up are not counted.
    ``misses``: a folder where each picture read wrong is saved annotated, with ``misses.csv``.
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
        if not label:
            result.blank += 1
            result.blank_sure += any(d.confidence >= SURE_JUNK for d in reading.digits)
        if reading.number != label:
            result.misses.append((name, label, reading.error or reading.number))
            if misses is not None:
                save_annotated(reading, misses)
    if misses is not None and result.misses:
        save_new(misses, "misses", ".csv", csv_bytes(("file", "label", "read"), result.misses))
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
    if result.blank:
        summary += f"\n{result.blank} digit-free: any digit at >= {SURE_JUNK:.0%} in {result.blank_sure_rate:.2%}"
    table = Table("file", "label", "read", title=f"{len(result.misses)} misses")
    for row in result.misses:
        table.add_row(*row)
    return Group(summary, table) if result.misses else Group(summary)


# The newer generated sets: flag -> what the pictures are (pictures come from generated_set).
GENERATED = {
    "plates": "bordered house-number plates on walls, doors and frames",
    "filled": "phone photos of one digit filling the frame",
    "turned": "photos of a sheet turned on a table (background wedges at the edges)",
    "embossed": "raised metallic digits on cards",
    "small": "small, soft crops of house numbers (12-36 px digits, as in street-view sets)",
    "blank": "digit-free pictures (paper, walls, frames, edges, letters)",
    "faces": "house-number signs and plates in typefaces training never saw",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?", help="folder with pictures and labels.csv")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--scenes", type=int, default=0, help="generate N scenes into a temp folder and read them")
    parser.add_argument("--signs", type=int, default=0, help="generate N house-number signs and read them")
    for name, what in GENERATED.items():
        parser.add_argument(f"--{name}", type=int, default=0, metavar="N", help=f"generate N {what} and read them")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated pictures")
    parser.add_argument("--upscale", type=float, default=0, metavar="MP", help="enlarge each picture to MP first")
    parser.add_argument("--misses", type=Path, metavar="DIR", help="save the pictures read wrong, annotated, in DIR")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    counts = [getattr(args, name) > 0 for name in ("scenes", "signs", *GENERATED)]
    if sum((args.folder is not None, *counts)) != 1:
        parser.error("give one of FOLDER, --scenes N, --signs N or " + ", ".join(f"--{n} N" for n in GENERATED))
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
            console.print(render(run(folder, predictor, args.misses), title))
    except (DataError, DetectorError, ModuleNotFoundError) as err:  # the last: a typeface package is missing
        console.print(f"[red]{err}[/]")
        return 1
    return 0


def _pictures(args: argparse.Namespace, tmp: Path) -> tuple[Path, str]:
    """Return the folder to read and its title: the given one, an enlarged copy, or pictures generated in ``tmp``."""
    from training.synthetic.scenes import write_labelled
    from training.synthetic.signs import make_sign

    if args.folder is not None and args.upscale > 0:
        return upscaled_copy(args.folder, tmp, args.upscale), f"{args.folder} enlarged to {args.upscale:g} MP"
    if args.folder is not None:
        return args.folder, str(args.folder)
    if args.signs > 0:
        write_labelled(tmp, args.signs, lambda i: make_sign(i, args.seed), "sign")
        return tmp, f"{args.signs} generated house-number signs"
    for name, what in GENERATED.items():
        count = getattr(args, name)
        if count > 0:
            write_labelled(tmp, count, generated_set(name, args), name)
            return tmp, f"{count} generated {what.split(' (')[0]}, seed {args.seed}"
    from training.synthetic.scenes import write_scenes

    digits, labels = mnist_test_digits(args)
    write_scenes(tmp, args.scenes, digits, labels, args.seed)
    return tmp, f"{args.scenes} generated scenes"


def mnist_test_digits(args: argparse.Namespace):
    """MNIST test digits: generated benchmarks never show a digit the network trained on."""
    from training.data import raw_mnist

    return raw_mnist(args.data_dir, args.cache_dir, train=False)


def generated_set(name: str, args: argparse.Namespace):
    """Return index -> Scene for one of the GENERATED sets at ``args.seed``."""
    import numpy as np

    from training.synthetic import generators

    handwritten = name in ("filled", "turned")  # only these need MNIST test digits
    digits, labels = (
        mnist_test_digits(args) if handwritten else (np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.int64))
    )
    return generators(digits, labels, args.seed)[name]


if __name__ == "__main__":
    raise SystemExit(main())
