"""Confidence calibration: fit the softmax temperature on held-out data.

Label smoothing and dropout leave the raw probabilities timid (a crisp MNIST digit at
70 %), so the low-confidence flag fired on digits the model never gets wrong. One
temperature, fitted by minimising the negative log-likelihood on the validation split
(Guo et al., 2017), fixes the scale without changing any prediction.

    python -m training.calibrate --model models/number_detector.pt --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax
from scipy.special import softmax as _softmax

from detector.files import write_atomic
from detector.paths import DEFAULT_CHECKPOINT
from training.config import CACHE_DIR, DATA_DIR
from training.forward import model_logits

if TYPE_CHECKING:
    from torch import nn

    from detector.config import ModelConfig


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of ``labels`` under softmax(logits / temperature)."""
    logp = log_softmax(logits.astype(np.float64) / temperature, axis=1)
    return float(-logp[np.arange(len(labels)), labels].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, lo: float = 0.05, hi: float = 10.0) -> float:
    """Return the temperature in [lo, hi] that minimises the NLL (Brent's bounded search on log T).

    Args:
        logits: Raw model outputs (N, C).
        labels: True classes (N,).
        lo: Smallest temperature considered.
        hi: Largest temperature considered.
    """
    # NLL is convex in 1/T, so the bracket holds one minimum.
    found = minimize_scalar(
        lambda log_t: nll(logits, labels, float(np.exp(log_t))),
        bounds=(np.log(lo), np.log(hi)),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return float(np.exp(found.x))


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
    """Return softmax(logits / temperature) row by row, in float64."""
    return _softmax(logits.astype(np.float64) / temperature, axis=1)


def calibrate(model: nn.Module, config: ModelConfig, images: np.ndarray, labels: np.ndarray) -> tuple[float, dict]:
    """Fit the temperature on (images, labels); return it and before/after figures.

    Returns:
        (temperature, {"temperature", "val_nll_before", "val_nll_after", "val_ece_before",
        "val_ece_after", "val_mean_confidence_after"}).
    """
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
    if not path.is_file():
        return
    metrics = json.loads(path.read_text())
    metrics["calibration"] = report
    metrics.setdefault("model_config", {})["temperature"] = temperature
    write_atomic(path, json.dumps(metrics, indent=2).encode())


def _run_config(metrics: Path, data_dir: Path, cache_dir: Path, seed: int | None):
    """The settings of the run that made a checkpoint (its metrics.json beside it), else plain digits.

    The validation split must be the run's own: an 11-class model calibrated on digits alone
    never sees the junk it must be unsure of.
    """
    from dataclasses import replace

    from training.config import TrainConfig, saved_config

    if metrics.is_file() and isinstance(saved := json.loads(metrics.read_text()).get("config"), dict):
        cfg = replace(saved_config(saved), data_dir=data_dir, cache_dir=cache_dir)
        return cfg if seed is None else replace(cfg, seed=seed)
    return TrainConfig(data_dir=data_dir, cache_dir=cache_dir, seed=seed or 0)


def main(argv: list[str] | None = None) -> int:
    """Fit the temperature of an existing checkpoint on its training run's validation split."""
    from dataclasses import replace

    from rich.console import Console

    from detector.checkpoint import load_checkpoint, save_checkpoint
    from detector.errors import DetectorError
    from training.data import DataError, load_datasets

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=DEFAULT_CHECKPOINT, help="checkpoint to calibrate (rewritten)")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with MNIST/ (default: %(default)s)")
    p.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="prepared arrays (default: %(default)s)")
    p.add_argument("--seed", type=int, default=None, help="the run's seed (default: its metrics.json's)")
    args = p.parse_args(argv)
    console = Console()
    try:
        model, config, meta = load_checkpoint(args.model)
        cfg = _run_config(args.model.parent / "metrics.json", args.data_dir, args.cache_dir, args.seed)
        sets = load_datasets(cfg, validation_only=True)
        t, report = calibrate(model, replace(config, temperature=1.0), sets.val.images, sets.val.labels)
        save_checkpoint(args.model, model, replace(config, temperature=t), {**meta, "calibration": report})
        _update_metrics(args.model.parent / "metrics.json", t, report)
    except (DataError, DetectorError) as err:
        console.print(f"[red]{err}[/]")
        return 1
    before, after = report["val_ece_before"], report["val_ece_after"]
    console.print(f"temperature {t:.3f}: validation calibration error {before:.4f} -> {after:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
