"""Evaluate a checkpoint on MNIST test (and inverted MNIST test); write a confusion matrix.

python -m training.evaluate --model models/number_detector.pt --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from detector.paths import DATA_DIR, DEFAULT_CHECKPOINT, PROJECT_ROOT
from detector.preprocess import normalize
from detector.preprocess_batch import prepare_batch


def model_logits(model, config, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Return raw logits (N, 10) of ``model`` for prepared inputs (N, 28, 28) in 0..1."""
    import torch

    model.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(images), batch_size):
            x = torch.from_numpy(normalize(images[i : i + batch_size], config.mean, config.std)).unsqueeze(1)
            out.append(model(x).float().cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, config.num_classes), np.float32)


def predict_prepared(model, config, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Return predicted labels (N,) for prepared 28x28 inputs (N, 28, 28) in 0..1."""
    return model_logits(model, config, images, batch_size).argmax(1)


def confusion_matrix(labels: np.ndarray, preds: np.ndarray, n: int = 10) -> np.ndarray:
    """Return counts (n, n): rows true label, columns predicted label."""
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (labels, preds), 1)
    return matrix


def evaluate_raw(model, config, raw: np.ndarray, labels: np.ndarray) -> dict:
    """Run raw MNIST-format images through the inference preprocessing, plain and inverted.

    Returns:
        {"accuracy", "inverted_accuracy", "confusion"} with the confusion matrix of the
        plain images as nested lists.
    """
    prepared, _ = prepare_batch(raw)
    preds = predict_prepared(model, config, prepared)
    inverted, _ = prepare_batch(255 - raw)
    inv_preds = predict_prepared(model, config, inverted)
    return {
        "accuracy": float((preds == labels).mean()),
        "inverted_accuracy": float((inv_preds == labels).mean()),
        "confusion": confusion_matrix(labels, preds).tolist(),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_CHECKPOINT)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--cache-dir", type=Path, default=PROJECT_ROOT / ".cache")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "outputs" / "confusion_matrix.png")
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N test images")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console

    from detector.checkpoint import load_checkpoint
    from training.data import raw_mnist
    from training.plots import save_confusion

    args = parse_args(argv)
    console = Console()
    model, config, _meta = load_checkpoint(args.model)
    raw, labels = raw_mnist(args.data_dir, args.cache_dir, train=False)
    raw, labels = raw[: args.limit], labels[: args.limit]
    result = evaluate_raw(model, config, raw, labels)
    save_confusion(np.array(result["confusion"]), args.out)
    console.print(f"MNIST test accuracy: [bold]{result['accuracy']:.2%}[/] on {len(labels)} images")
    console.print(f"Inverted (black on white) accuracy: [bold]{result['inverted_accuracy']:.2%}[/]")
    console.print(f"Confusion matrix: {args.out}")
    console.print_json(json.dumps({k: v for k, v in result.items() if k != "confusion"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
