"""Train the digit CNN on MNIST plus synthetic printed digits (plus SVHN when present).

    python -m training.train --data-dir ../shared/data            # the shipped model
    python -m training.train --dry-run --out-dir /tmp/nd-dry       # two tiny batches

A run is prepare the data -> fit (``training.loop``: train_one_epoch + validate, keeping the
best epoch by validation accuracy) -> calibrate -> report -> save: the checkpoint, metrics.json,
accuracy/loss plots (PNG and epoch-by-epoch GIF) and a confusion matrix on MNIST test go into
--out-dir. Every flag below is a field of ``training.config.TrainConfig``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import typing
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from training.config import DATASETS, DRY_RUN, TrainConfig
from training.data import DataError, Datasets, load_datasets
from training.loop import fit, pick_device

if TYPE_CHECKING:
    from rich.progress import Progress

    from detector.config import ModelConfig
    from detector.model import DigitNet


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


def run(cfg: TrainConfig, progress: Progress | None = None, on_epoch: Callable[[dict], None] | None = None) -> dict:
    """Prepare the data, fit, calibrate, report and save.

    Returns:
        The metrics dict also written to ``metrics.json``.

    Raises:
        DataError: A requested data set is missing.
        OutputError: ``cfg.out_dir`` cannot be written.
    """
    from training.calibrate import calibrate

    began = time.perf_counter()
    sets = load_datasets(cfg)
    model, config, history = fit(cfg, sets, progress, on_epoch)
    train_seconds = time.perf_counter() - began
    temperature, calibration = calibrate(model, config, sets.val.images, sets.val.labels)
    config = replace(config, temperature=temperature)
    metrics = report(cfg, sets, model, config, history)
    metrics.update(wall_time_s=train_seconds, calibration=calibration)
    save(cfg, model, config, metrics)
    return metrics


def _datasets(text: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = set(names) - set(DATASETS)
    if unknown or not names:
        wrong = ", ".join(sorted(unknown)) or "none given"
        raise argparse.ArgumentTypeError(f"unknown dataset(s): {wrong}; choose from {', '.join(DATASETS)}")
    return names


def _optional_int(text: str) -> int | None:
    return None if text.lower() in ("none", "all") else int(text)


def _shown(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else "all" if value is None else str(value)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser: one ``--flag`` per :class:`TrainConfig` field, its help and default from the field."""
    parsers = {Path: Path, int: int, float: float, str: str, tuple[str, ...]: _datasets, int | None: _optional_int,
               Path | None: Path}  # fmt: skip
    metavars = {
        Path: "DIR",
        int: "N",
        float: "X",
        str: "NAME",
        tuple[str, ...]: "LIST",
        int | None: "N",
        Path | None: "FILE",
    }
    p = argparse.ArgumentParser(
        prog="python -m training.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    hints, default = typing.get_type_hints(TrainConfig), TrainConfig()
    for f in fields(TrainConfig):
        flag, value, dry = f"--{f.name.replace('_', '-')}", getattr(default, f.name), getattr(DRY_RUN, f.name)
        if hints[f.name] is bool:
            help_text = f"{f.metadata['help']}: the 'dry run' values above, unless a flag is given"
            p.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=help_text)
            continue
        also = f"; dry run: {_shown(dry)}" if dry != value else ""
        kind = hints[f.name]
        p.add_argument(flag, type=parsers[kind], metavar=metavars[kind], default=argparse.SUPPRESS,
                       help=f"{f.metadata['help']} (default: {_shown(value)}{also})")  # fmt: skip
    return p


def parse_args(argv: list[str] | None = None) -> TrainConfig:
    """Turn command-line arguments into a :class:`TrainConfig`: the preset, then the flags given."""
    given = vars(build_parser().parse_args(argv))
    return replace(DRY_RUN if given.pop("dry_run", False) else TrainConfig(), **given)


def format_epoch(row: dict) -> str:
    """Return one line summarising an epoch's history row."""
    return (
        f"epoch {row['epoch']:2d}  train loss {row['train_loss']:.4f} acc {row['train_acc']:.4f}  "
        f"val loss {row['val_loss']:.4f} acc {row['val_acc']:.4f}  ({row['seconds']:.0f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse, train with a progress bar, print the figures; a data or output problem is one red line."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from detector.errors import DetectorError

    cfg = parse_args(argv)
    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            metrics = run(cfg, progress, on_epoch=lambda row: progress.console.print(format_epoch(row)))
    except (DataError, DetectorError) as err:
        console.print(f"[red]{err}[/]")
        return 1
    if "test_accuracy" in metrics:
        console.print(
            f"MNIST test accuracy {metrics['test_accuracy']:.2%}, inverted {metrics['inverted_test_accuracy']:.2%}"
        )
    console.print(f"wrote {cfg.out_dir / 'number_detector.pt'} and plots ({metrics['wall_time_s']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
