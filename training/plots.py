"""Plots of a training run: ``draw_*`` functions draw a history or a matrix on an Axes; callers save.

    python -m training.plots models/metrics.json --out-dir /tmp/plots    # redraw a run's plots

Figures are plain ``matplotlib.figure.Figure`` objects (no pyplot, no window), and every file
goes through ``detector.files.write_atomic``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from detector.files import write_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CURVES = ("accuracy", "loss")
MIN_ERROR = 0.01  # percent: the floor of the log axis, so a perfect epoch still has a place
GIF_FRAME_MS = 500


def smoothing_floor(label_smoothing: float, classes: int = 10) -> float:
    """Return the smallest cross-entropy a model can reach against label-smoothed targets."""
    if label_smoothing <= 0:
        return 0.0
    other = label_smoothing / classes
    true = 1 - label_smoothing + other
    return -(true * math.log(true) + (classes - 1) * other * math.log(other))


def draw_curve(
    ax: Axes, history: Sequence[dict], metric: str, upto: int | None = None, label_smoothing: float | None = None
) -> None:
    """Draw train vs validation ``metric`` per epoch on ``ax``.

    Args:
        ax: Where to draw.
        history: The run's per-epoch rows (``train_acc``, ``val_acc``, ``train_loss``, ``val_loss``).
        metric: "accuracy" (drawn as the error rate on a log axis, so late epochs stay apart) or "loss".
        upto: Draw only the first ``upto`` epochs; the axes still span the whole run (GIF frames).
        label_smoothing: The run's label smoothing; the loss plot then explains why train sits above validation.
    """
    from matplotlib.ticker import MaxNLocator

    rows = history[:upto] if upto else history
    epochs = [r["epoch"] for r in rows]
    if metric == "accuracy":
        _draw_error(ax, history, rows, epochs)
    else:
        _draw_loss(ax, history, rows, epochs, label_smoothing)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_xlim(0.5, max(len(history), 1) + 0.5)
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper right")


def _error(row: dict, key: str) -> float:
    return max(100 * (1 - row[key]), MIN_ERROR)


def _draw_error(ax: Axes, history: Sequence[dict], rows: Sequence[dict], epochs: list[int]) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator

    ax.plot(epochs, [_error(r, "train_acc") for r in rows], "o-", ms=3, label="train")
    ax.plot(epochs, [_error(r, "val_acc") for r in rows], "s-", ms=3, label="validation")
    ax.set_yscale("log")
    values = [_error(r, k) for r in history for k in ("train_acc", "val_acc")]
    if values:
        ax.set_ylim(min(values) / 1.3, max(values) * 1.3)
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g} %"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda _v, _pos: ""))
    ax.set_ylabel("error rate (100 % − accuracy), log scale")
    ax.set_title("Model error rate")
    if rows:
        best = max(rows, key=lambda r: r["val_acc"])
        ax.annotate(
            f"best validation {best['val_acc']:.2%} (epoch {best['epoch']})",
            (best["epoch"], _error(best, "val_acc")),
            xytext=(0.03, 0.06),
            textcoords="axes fraction",
            fontsize=8,
            arrowprops={"arrowstyle": "->", "color": "0.4"},
        )


def _draw_loss(
    ax: Axes, history: Sequence[dict], rows: Sequence[dict], epochs: list[int], label_smoothing: float | None
) -> None:
    ax.plot(epochs, [r["train_loss"] for r in rows], "o-", ms=3, label="train")
    ax.plot(epochs, [r["val_loss"] for r in rows], "s-", ms=3, label="validation")
    values = [r[k] for r in history for k in ("train_loss", "val_loss")]
    floor = smoothing_floor(label_smoothing) if label_smoothing else 0.0
    if floor:
        ax.axhline(floor, color="0.5", ls="--", lw=1, label=f"lowest train loss possible ({floor:.2f})")
        values.append(floor)
    if values:
        pad = (max(values) - min(values)) * 0.05 + 1e-6
        ax.set_ylim(max(0.0, min(values) - pad), max(values) + pad)
    ax.set_ylabel("cross-entropy loss")
    ax.set_title("Model loss", pad=22)
    why = "train: augmented batches"
    why += f", label smoothing {label_smoothing:g} (never below the dashed line)" if label_smoothing else ""
    why += "\nvalidation: clean images, plain loss, averaged weights (they lag in the first epochs)"
    ax.text(0.5, 1.01, why, transform=ax.transAxes, ha="center", va="bottom", fontsize=7.5, color="0.35")


def draw_confusion(ax: Axes, matrix: np.ndarray, dataset: str) -> None:
    """Draw a confusion matrix (rows true, columns predicted) with a readable count in every non-empty cell.

    Args:
        ax: Where to draw.
        matrix: Counts (n, n).
        dataset: What was evaluated, for the title (e.g. "MNIST test (10,000 images)").
    """
    matrix = np.asarray(matrix)
    image = ax.imshow(np.log1p(matrix), cmap="Blues")
    n = matrix.shape[0]
    for i in range(n):
        for j in range(n):
            if matrix[i, j]:
                r, g, b, _a = image.cmap(image.norm(np.log1p(matrix[i, j])))
                light = 0.2126 * r + 0.7152 * g + 0.0722 * b  # luminance of the cell's colour
                colour = "black" if light > 0.5 else "white"
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8.5, color=colour)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set_title(f"Confusion matrix, {dataset}\naccuracy {accuracy:.2%} (colour: log of the count)", fontsize=10)


def figure_writer(fig: Figure, fmt: str = "png") -> Callable[[BinaryIO], None]:
    """Return a ``write_atomic`` callback that saves ``fig`` as ``fmt``."""
    return lambda fh: fig.savefig(fh, format=fmt, dpi=110, bbox_inches="tight")


def confusion_writer(matrix: Sequence[Sequence[int]] | np.ndarray, dataset: str, fmt: str = "png"):
    """Return a ``write_atomic``/``save_new`` callback that draws and saves the confusion matrix."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 5.8))
    draw_confusion(fig.subplots(), np.asarray(matrix), dataset)
    return figure_writer(fig, fmt)


def save_confusion(matrix: np.ndarray, path: Path, dataset: str) -> Path:
    """Write the confusion-matrix plot to ``path`` (replacing it: training owns its --out-dir)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(path, confusion_writer(matrix, dataset, path.suffix.lstrip(".") or "png"))


def save_curves(history: Sequence[dict], out_dir: Path, label_smoothing: float | None = None) -> list[Path]:
    """Write accuracy.png, loss.png and their epoch-by-epoch GIFs into ``out_dir``; return the paths."""
    from matplotlib.figure import Figure

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for metric in CURVES:
        fig = Figure(figsize=(6, 4))
        draw_curve(fig.subplots(), history, metric, label_smoothing=label_smoothing)
        written.append(write_atomic(out_dir / f"{metric}.png", figure_writer(fig)))
        frames = _frames(history, metric, label_smoothing)
        written.append(write_atomic(out_dir / f"{metric}.gif", lambda fh, frames=frames: _gif(fh, frames)))
    return written


def _frames(history: Sequence[dict], metric: str, label_smoothing: float | None) -> list:
    """Return one PIL picture per epoch: the curve drawn up to that epoch."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(6, 4), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.14, right=0.97, top=0.84, bottom=0.12)  # room for the labels (the PNG's tight box)
    frames = []
    for upto in range(1, len(history) + 1):
        ax.clear()
        draw_curve(ax, history, metric, upto=upto, label_smoothing=label_smoothing)
        canvas.draw()
        frames.append(Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB"))
    return frames


def _gif(fh: BinaryIO, frames: list) -> None:
    if frames:
        frames[0].save(fh, format="GIF", save_all=True, append_images=frames[1:], duration=GIF_FRAME_MS, loop=0)


def main(argv: list[str] | None = None) -> int:
    """Redraw a run's curves (and its confusion matrix, when metrics.json holds one) into --out-dir."""
    p = argparse.ArgumentParser(prog="python -m training.plots", description=__doc__.splitlines()[0])
    p.add_argument("metrics", type=Path, help="a run's metrics.json")
    p.add_argument("--out-dir", type=Path, required=True, help="where the plots go (files there are replaced)")
    args = p.parse_args(argv)
    metrics = json.loads(args.metrics.read_text())
    smoothing = metrics.get("config", {}).get("label_smoothing")
    written = save_curves(metrics["history"], args.out_dir, smoothing)
    if "test_confusion" in metrics:
        name = f"MNIST test ({metrics.get('test_images', 0):,} images)"
        written.append(save_confusion(np.array(metrics["test_confusion"]), args.out_dir / "confusion_matrix.png", name))
    from rich.console import Console

    Console().print("\n".join(map(str, written)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
