"""Evaluate a checkpoint on MNIST test (and inverted MNIST test); write a confusion matrix.

    python -m training.evaluate --model models/number_detector.pt --data-dir ../shared/data

The confusion matrix goes to a new file under outputs/ (confusion_matrix.png, then
confusion_matrix-001.png, ...): an earlier one is never overwritten.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detector.config import DIGITS
from detector.paths import DEFAULT_CHECKPOINT, OUTPUTS_DIR
from detector.preprocess_batch import prepare_batch
from training.config import CACHE_DIR, DATA_DIR
from training.forward import predict_prepared

if TYPE_CHECKING:
    from torch import nn

    from detector.config import ModelConfig

CHUNK = 1000  # images prepared and read per step (and per progress tick)


def confusion_matrix(labels: np.ndarray, preds: np.ndarray, n: int = 10) -> np.ndarray:
    """Return counts (n, n): rows true label, columns predicted label."""
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (labels, preds), 1)
    return matrix


def evaluate_raw(
    model: nn.Module,
    config: ModelConfig,
    raw: np.ndarray,
    labels: np.ndarray,
    on_chunk: Callable[[int], None] | None = None,
) -> dict:
    """Run raw MNIST-format images through the inference preprocessing, plain and inverted.

    Args:
        model: The network.
        config: Its config (mean and std for the forward pass).
        raw: uint8 (N, 28, 28) images, white ink on black.
        labels: (N,) their labels.
        on_chunk: Called with the number of images just read (plain and inverted), for progress.

    Returns:
        {"accuracy", "inverted_accuracy", "confusion"} with the confusion matrix of the
        plain images as nested lists.
    """
    preds, inv_preds = [], []
    for i in range(0, len(raw), CHUNK):
        chunk = raw[i : i + CHUNK]
        preds.append(predict_prepared(model, config, prepare_batch(chunk)[0]))
        inv_preds.append(predict_prepared(model, config, prepare_batch(255 - chunk)[0]))
        if on_chunk:
            on_chunk(len(chunk))
    pred = np.concatenate(preds) if preds else np.zeros(0, np.int64)
    inv = np.concatenate(inv_preds) if inv_preds else np.zeros(0, np.int64)
    return {
        "accuracy": float((pred == labels).mean()) if len(labels) else 0.0,
        "inverted_accuracy": float((inv == labels).mean()) if len(labels) else 0.0,
        "confusion": confusion_matrix(labels, pred, DIGITS).tolist(),  # only digits are read: 10 x 10
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Turn command-line arguments into options (every default shown in ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m training.evaluate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_CHECKPOINT, help="checkpoint (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with MNIST/ (default: %(default)s)")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="extracted MNIST (default: %(default)s)")
    parser.add_argument(
        "--out",
        type=Path,
        default=OUTPUTS_DIR / "confusion_matrix.png",
        help="confusion-matrix picture; a taken name gets a number (default: %(default)s)",
    )
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N test images (default: all)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Evaluate, show progress, write the confusion matrix under a new name, print the figures."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from detector.checkpoint import load_checkpoint
    from detector.errors import DetectorError
    from detector.files import save_new
    from training.data import DataError, raw_mnist
    from training.plots import confusion_writer

    args = parse_args(argv)
    console = Console()
    try:
        model, config, _meta = load_checkpoint(args.model)
        raw, labels = raw_mnist(args.data_dir, args.cache_dir, train=False)
        raw, labels = raw[: args.limit], labels[: args.limit]
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("MNIST test, plain and inverted", total=len(labels))
            result = evaluate_raw(model, config, raw, labels, lambda n: progress.advance(task, n))
        name = f"MNIST test ({len(labels):,} images)"
        out = save_new(args.out.parent, args.out.stem, args.out.suffix, confusion_writer(result["confusion"], name))
    except (DataError, DetectorError) as err:
        console.print(f"[red]{err}[/]")
        return 1
    console.print(f"MNIST test accuracy: [bold]{result['accuracy']:.2%}[/] on {len(labels)} images")
    console.print(f"Inverted (black on white) accuracy: [bold]{result['inverted_accuracy']:.2%}[/]")
    console.print(f"Confusion matrix: {out}")
    console.print_json(json.dumps({k: v for k, v in result.items() if k != "confusion"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
