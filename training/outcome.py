"""A finished run's outcome: its metrics (history, size, settings, MNIST test) and the files it saves.

Shared by a training run (``training.train``) and a run finished afterwards
(``training.average``).
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from training.loop import pick_device

if TYPE_CHECKING:
    from detector.config import ModelConfig
    from detector.model import DigitNet
    from training.config import TrainConfig
    from training.data import Datasets


def report(cfg: TrainConfig, sets: Datasets, model: DigitNet, config: ModelConfig, history: list[dict]) -> dict:
    """Return the run's metrics: history, best epoch, size, compute, settings, and MNIST test when present."""
    import torch

    from detector.model import count_macs, count_parameters

    best = max(history, key=lambda r: r["val_acc"])
    macs = count_macs(model)
    metrics = {
        "history": history,
        "best_epoch": best["epoch"],
        "best_val_acc": best["val_acc"],
        "train_samples": len(sets.train),
        "parameters": count_parameters(model),
        "macs_per_image": macs,
        "mflops_per_image": 2 * macs / 1e6,
        "device": pick_device(cfg.device),
        "cpu": platform.processor() or platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
        "model_config": config.to_dict(),
    }
    if "mnist" in cfg.datasets and (cfg.data_dir / "MNIST").is_dir():
        from training.data import raw_mnist
        from training.evaluate import evaluate_raw

        raw, labels = raw_mnist(cfg.data_dir, cfg.cache_dir, train=False)
        raw, labels = raw[: cfg.test_limit], labels[: cfg.test_limit]
        test = evaluate_raw(model, config, raw, labels)
        metrics["test_accuracy"] = test["accuracy"]
        metrics["inverted_test_accuracy"] = test["inverted_accuracy"]
        metrics["test_images"] = len(labels)
        metrics["test_confusion"] = test["confusion"]
    return metrics


def save(cfg: TrainConfig, model: DigitNet, config: ModelConfig, metrics: dict) -> list[Path]:
    """Write the checkpoint, the plots and metrics.json into ``cfg.out_dir``; return the paths.

    Every later artefact of a run (an exported copy of the model, say) is written here too.
    """
    from detector.checkpoint import save_checkpoint
    from detector.files import ensure_folder, write_atomic
    from training.export import export_checkpoint
    from training.plots import save_confusion, save_curves

    out = ensure_folder(cfg.out_dir)
    keys = ("best_val_acc", "parameters", "mflops_per_image", "test_accuracy", "inverted_test_accuracy")
    meta = {k: metrics[k] for k in keys if k in metrics}
    written = [save_checkpoint(out / "number_detector.pt", model, config, meta)]
    # The .onnx that recognition runs, verified against torch on MNIST test digits (training/export.py).
    metrics["export"] = export_checkpoint(written[0], None, cfg.data_dir, cfg.cache_dir)
    written.append(Path(metrics["export"]["path"]))
    written += save_curves(metrics["history"], out, cfg.label_smoothing)
    if "test_confusion" in metrics:
        name = f"MNIST test ({metrics['test_images']:,} images)"
        written.append(save_confusion(np.array(metrics["test_confusion"]), out / "confusion_matrix.png", name))
    written.append(write_atomic(out / "metrics.json", json.dumps(metrics, indent=2).encode()))
    return written


def conclude(cfg: TrainConfig, sets: Datasets, model: DigitNet, config: ModelConfig, history: list[dict], **extra):
    """Calibrate a trained network on ``sets.val``, report and save it; ``extra`` joins the metrics. Returns them."""
    from training.calibrate import calibrate

    temperature, calibration = calibrate(model, replace(config, temperature=1.0), sets.val.images, sets.val.labels)
    config = replace(config, temperature=temperature)
    metrics = report(cfg, sets, model, config, history)
    metrics.update(extra, calibration=calibration)
    save(cfg, model, config, metrics)
    return metrics
