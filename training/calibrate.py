"""Confidence calibration: fit the softmax temperature on held-out data.

Label smoothing and dropout leave the raw probabilities timid (a crisp MNIST digit at
70 %), so the low-confidence flag fired on digits the model never gets wrong. One
temperature, fitted by minimising the negative log-likelihood on the validation split
(Guo et al., 2017), fixes the scale without changing any prediction.

    python -m training.calibrate --model models/number_detector.pt --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from detector.paths import DATA_DIR, DEFAULT_CHECKPOINT, PROJECT_ROOT


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of ``labels`` under softmax(logits / temperature)."""
    logp = _log_softmax(logits.astype(np.float64) / temperature)
    return float(-logp[np.arange(len(labels)), labels].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, lo: float = 0.05, hi: float = 10.0) -> float:
    """Return the temperature in [lo, hi] that minimises the NLL (golden-section on log T).

    Args:
        logits: Raw model outputs (N, C).
        labels: True classes (N,).
        lo: Smallest temperature considered.
        hi: Largest temperature considered.
    """
    a, b = np.log(lo), np.log(hi)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    for _ in range(60):  # NLL is convex in 1/T, so one minimum in the bracket
        if nll(logits, labels, np.exp(c)) < nll(logits, labels, np.exp(d)):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    return float(np.exp((a + b) / 2))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Return the ECE: the gap between confidence and accuracy, averaged over confidence bins."""
    conf, pred = probs.max(axis=1), probs.argmax(axis=1)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    gap = 0.0
    for k in range(bins):
        inside = which == k
        if inside.any():
            gap += inside.mean() * abs(conf[inside].mean() - (pred[inside] == labels[inside]).mean())
    return float(gap)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Return softmax(logits / temperature) row by row."""
    return np.exp(_log_softmax(logits.astype(np.float64) / temperature))


def calibrate(model, config, images: np.ndarray, labels: np.ndarray) -> tuple[float, dict]:
    """Fit the temperature on (images, labels); return it and before/after figures.

    Returns:
        (temperature, {"temperature", "val_nll_before", "val_nll_after", "val_ece_before",
        "val_ece_after", "val_mean_confidence_after"}).
    """
    from training.evaluate import model_logits

    logits = model_logits(model, config, images)
    t = fit_temperature(logits, labels)
    after = softmax(logits, t)
    report = {
        "temperature": round(t, 4),
        "val_nll_before": nll(logits, labels, 1.0),
        "val_nll_after": nll(logits, labels, t),
        "val_ece_before": expected_calibration_error(softmax(logits), labels),
        "val_ece_after": expected_calibration_error(after, labels),
        "val_mean_confidence_after": float(after.max(axis=1).mean()),
    }
    return round(t, 4), report


def _update_metrics(path: Path, temperature: float, report: dict) -> None:
    """Record the calibration in the run's metrics.json, when the checkpoint has one beside it."""
    import json

    if not path.is_file():
        return
    metrics = json.loads(path.read_text())
    metrics["calibration"] = report
    metrics.setdefault("model_config", {})["temperature"] = temperature
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(metrics, indent=2))
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Fit the temperature of an existing checkpoint on its training run's validation split."""
    from dataclasses import replace

    from rich.console import Console

    from detector.checkpoint import load_checkpoint, save_checkpoint
    from training.train import TrainConfig, load_datasets

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=DEFAULT_CHECKPOINT, help="checkpoint to calibrate (rewritten)")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)
    p.add_argument("--cache-dir", type=Path, default=PROJECT_ROOT / ".cache")
    p.add_argument("--seed", type=int, default=0, help="the training run's seed (picks the same split)")
    args = p.parse_args(argv)
    model, config, meta = load_checkpoint(args.model)
    sets = load_datasets(TrainConfig(data_dir=args.data_dir, cache_dir=args.cache_dir, seed=args.seed))
    t, report = calibrate(model, replace(config, temperature=1.0), sets.val.images, sets.val.labels)
    save_checkpoint(args.model, model, replace(config, temperature=t), {**meta, "calibration": report})
    _update_metrics(args.model.parent / "metrics.json", t, report)
    before, after = report["val_ece_before"], report["val_ece_after"]
    Console().print(f"temperature {t:.3f}: validation calibration error {before:.4f} -> {after:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
