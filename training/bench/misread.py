"""Whose miss it is: the network's, on a digit cut from its own box, or the cutting's and the choice's.

    python -m training.bench.misread --scenes 300 --seed 7
    python -m training.bench.misread --turned 200 --seed 5
    python -m training.bench.misread --scenes 300 --seed 7 --figure outputs/misread

Every generated picture knows where each digit of its number is. For each picture read
wrong, each digit is looked up among the candidates the segmentation proposed: the one that
covers the digit's own box best (intersection over union at least ``MATCH``; the picture's
likelier polarity first). Where the network reads that candidate as another digit, or as no
digit, the miss is the network's; where it reads every digit's own candidate right (or a
digit has none), the miss is the cutting's or the choice's. The scenes are drawn from MNIST
test digits, so each of their digits is also read as MNIST drew it (the 28 x 28 image, through
the inference preprocessing): that tells a digit the network doubts in any case from one
that the drawing and the cut spoiled. ``--figure DIR`` draws the two side by side for each
digit the network misread, in a new PNG file in DIR (nothing there is replaced). The
pictures are the accuracy benchmark's (``training.bench.accuracy``, the same seed), saved
and read the same way.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.paths import DEFAULT_MODEL
from detector.results import LOW_CONFIDENCE
from training.config import CACHE_DIR, DATA_DIR

MATCH = 0.5  # a candidate covering a digit's box at least this well (intersection over union) is its own
SETS = ("scenes", "plates", "filled", "turned", "embossed", "small", "faces", "signs")


@dataclass(frozen=True)
class DigitCheck:
    """One digit of a missed picture: the network's reading of its own cut, and of the digit as MNIST drew it.

    ``cut`` and ``cut_probs`` are None where no candidate covers the digit's box;
    ``drawn``, ``drawn_probs`` and ``source`` where the picture was not drawn from MNIST.
    """

    label: int
    cut: np.ndarray | None = None
    cut_probs: np.ndarray | None = None
    drawn: np.ndarray | None = None
    drawn_probs: np.ndarray | None = None
    source: int | None = None  # the index of the image it was drawn from (MNIST test), where known

    @property
    def misread(self) -> bool:
        """The network reads the digit's own cut as another digit or as no digit."""
        return self.cut_probs is not None and int(np.argmax(self.cut_probs)) != self.label


@dataclass(frozen=True)
class Miss:
    """A picture read wrong, and each digit of its number checked."""

    name: str
    number: str
    read: str
    digits: tuple[DigitCheck, ...]

    @property
    def networks(self) -> bool:
        """Some digit's own cut is misread: the network's miss."""
        return any(d.misread for d in self.digits)


def top(probs: np.ndarray | None, count: int = 2) -> str:
    """The ``count`` likeliest answers, as "6 81 %, not a digit 11 %" (class 10 is "not a digit")."""
    if probs is None:
        return "-"
    return ", ".join(f"{'not a digit' if k == 10 else k} {probs[k]:.0%}" for k in np.argsort(-probs)[:count])


def own_candidates(
    boxes: list[tuple[int, int, int, int]], dark: list[bool], likely_dark: bool | None, digit_boxes
) -> list[int | None]:
    """For each digit box (x0, y0, x1, y1), the index of the candidate box (x, y, w, h) that covers it best.

    Candidates of the likelier polarity (dark ink unless ``likely_dark`` is False) come first;
    the other polarity's count only where none of them covers the box at least ``MATCH``.
    None where no candidate does.
    """
    found: list[int | None] = []
    for bx0, by0, bx1, by1 in digit_boxes:
        best = {True: (0.0, None), False: (0.0, None)}  # likelier polarity or not -> (IoU, index)
        for i, (x, y, w, h) in enumerate(boxes):
            ix = max(0, min(x + w, bx1) - max(x, bx0))
            iy = max(0, min(y + h, by1) - max(y, by0))
            iou = ix * iy / (w * h + (bx1 - bx0) * (by1 - by0) - ix * iy)
            likelier = dark[i] == (likely_dark is not False)
            if iou >= MATCH and iou > best[likelier][0]:
                best[likelier] = (iou, i)
        found.append(best[True][1] if best[True][1] is not None else best[False][1])
    return found


def check(path: Path, scene, read: str, predictor, drawn: np.ndarray | None = None) -> Miss:
    """Check each digit of a missed picture saved at ``path``; ``drawn``: its MNIST images, in order, if any."""
    from detector.io import read_image
    from detector.preprocess import to_gray
    from detector.preprocess_batch import prepare_batch
    from detector.segment import propose_digits

    image = read_image(path)
    proposals = propose_digits(to_gray(image.pixels))
    probs = predictor.steady_probabilities(proposals.inputs) if len(proposals.inputs) else proposals.inputs
    boxes = [tuple(round(v / image.scale) for v in box) for box in scene.boxes]
    own = own_candidates(proposals.boxes, proposals.dark_ink, proposals.likely_dark, boxes)
    labels = [int(ch) for ch in scene.number if ch.isdigit()]
    prepared = prepare_batch(drawn)[0] if drawn is not None and len(drawn) == len(labels) else None
    drawn_probs = predictor.steady_probabilities(prepared) if prepared is not None else None
    digits = tuple(
        DigitCheck(
            label,
            None if i is None else proposals.inputs[i],
            None if i is None else probs[i],
            None if prepared is None else prepared[k],
            None if drawn_probs is None else drawn_probs[k],
            scene.sources[k] if prepared is not None and len(scene.sources) == len(labels) else None,
        )
        for k, (label, i) in enumerate(zip(labels, own, strict=False))
    )
    return Miss(path.name, scene.number, read, digits)


def run(make: Callable[[int], object], count: int, predictor, prefix: str, drawn_of=None) -> list[Miss]:
    """Read pictures ``make(0..count-1)`` as the accuracy benchmark does; return the misses, checked.

    ``drawn_of(scene)``: the MNIST images a scene was drawn from, in order (None: not from MNIST).
    """
    from PIL import Image

    misses: list[Miss] = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(count):
            scene = make(index)
            path = Path(tmp) / f"{prefix}_{index:04d}.jpg"
            Image.fromarray(scene.image).save(path, format="JPEG", quality=95)  # as write_labelled saves it
            reading = next(iter(predictor.read_path(path)))
            if reading.number != scene.number:
                drawn = drawn_of(scene) if drawn_of is not None else None
                misses.append(check(path, scene, reading.error or reading.number, predictor, drawn))
    return misses


def render(count: int, misses: list[Miss], title: str):
    """A rich renderable: the summary and, for each miss, each digit the network misreads."""
    from rich.console import Group
    from rich.table import Table

    networks = [m for m in misses if m.networks]
    doubted = [d for m in networks for d in m.digits if d.misread and d.drawn_probs is not None]
    summary = (
        f"{title}: {count} pictures, {len(misses)} read wrong; {len(networks)} of them the network's "
        f"(a digit's own cut misread), {len(misses) - len(networks)} the cutting's or the choice's"
    )
    if doubted:
        weak = sum(d.drawn_probs[d.label] < LOW_CONFIDENCE for d in doubted)
        summary += (
            f"\nof the {len(doubted)} digits misread, {weak} misread "
            f"or below {LOW_CONFIDENCE:.0%} sure even as MNIST drew them"
        )
    table = Table("file", "label", "read", "digit", "as cut", "as drawn", title="each miss")
    for m in misses:
        wrong = [d for d in m.digits if d.misread] or [None]
        for d in wrong:
            table.add_row(
                m.name,
                m.number,
                m.read,
                "" if d is None else str(d.label),
                "every digit's own cut read right" if d is None else top(d.cut_probs),
                "" if d is None else _drawn(d),
            )
    return Group(summary, table) if misses else Group(summary)


def _drawn(d: DigitCheck) -> str:
    """The network's reading of a digit as drawn, after the index of its image where known."""
    return top(d.drawn_probs) if d.source is None else f"#{d.source}: {top(d.drawn_probs)}"


def figure(misses: list[Miss], folder: Path, stem: str) -> Path | None:
    """Draw each misread digit as MNIST drew it (when known) beside its cut, in a new file ``folder/stem*.png``.

    Returns the file's path; None when no digit was misread.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from detector.files import save_new

    rows = [(m, d) for m in misses for d in m.digits if d.misread]
    if not rows:
        return None
    fig, axes = plt.subplots(len(rows), 2, figsize=(4.6, 2.3 * len(rows)), squeeze=False)
    for (m, d), (left, right) in zip(rows, axes, strict=True):
        if d.drawn is not None:
            left.imshow(d.drawn, cmap="gray", vmin=0, vmax=1)
        left.set_title(f'{m.name} "{m.number}", a {d.label}\nas drawn ({_drawn(d)})', fontsize=7)
        right.imshow(d.cut, cmap="gray", vmin=0, vmax=1)
        right.set_title(f"as cut from the picture:\n{top(d.cut_probs)}", fontsize=7)
        left.axis("off")
        right.axis("off")
    fig.tight_layout()
    try:
        return save_new(folder, stem, ".png", lambda fh: fig.savefig(fh, format="png", dpi=110))
    finally:
        plt.close(fig)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in SETS:
        parser.add_argument(
            f"--{name}", type=int, default=0, metavar="N", help=f"generate N {name} and check the misses"
        )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated pictures")
    parser.add_argument(
        "--figure", type=Path, metavar="DIR", help="draw each misread digit, as drawn and as cut, in DIR"
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    args = parser.parse_args(argv)
    if sum(getattr(args, name) > 0 for name in SETS) != 1:
        parser.error("give one of " + ", ".join(f"--{n} N" for n in SETS))
    return args


def main(argv: list[str] | None = None) -> int:
    """Check the misses of one generated set; a missing model or data set is one line."""
    from rich.console import Console

    from detector.errors import DetectorError
    from detector.predict import Predictor
    from training.data import DataError

    args = parse_args(argv)
    name = next(n for n in SETS if getattr(args, n) > 0)
    console = Console()
    try:
        predictor = Predictor.load(args.model)
        make, drawn_of = _pictures(name, args)
        prefix = {"scenes": "scene", "signs": "sign"}.get(name, name)
        count = getattr(args, name)
        misses = run(make, count, predictor, prefix, drawn_of)
        console.print(render(count, misses, f"{name}, seed {args.seed}"))
        if args.figure is not None:
            saved = figure(misses, args.figure, f"{name}-seed{args.seed}-misread")
            console.print(f"figure: {saved}" if saved else "no digit misread: no figure")
    except (DataError, DetectorError, ModuleNotFoundError) as err:
        console.print(f"[red]{err}[/]", soft_wrap=True)  # one line, however long its path
        return 1
    return 0


def _pictures(name: str, args: argparse.Namespace):
    """Index -> picture as the accuracy benchmark draws the set, and scene -> its MNIST images (None but for scenes)."""
    from functools import partial

    from training.bench.accuracy import generated_set, mnist_test_digits
    from training.synthetic.scenes import make_scene
    from training.synthetic.signs import make_sign

    if name == "signs":
        return partial(make_sign, seed=args.seed), None
    if name != "scenes":
        return generated_set(name, args), None
    digits, labels = mnist_test_digits(args)

    def drawn_of(scene) -> np.ndarray:
        return digits[list(scene.sources)]

    return partial(make_scene, digits, labels, seed=args.seed), drawn_of


if __name__ == "__main__":
    raise SystemExit(main())
