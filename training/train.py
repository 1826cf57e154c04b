"""Train the digit CNN on MNIST plus synthetic printed digits (plus SVHN when present).

    python -m training.train --data-dir ../shared/data            # the shipped model
    python -m training.train --dry-run --out-dir /tmp/nd-dry       # two tiny batches

Writes the best checkpoint (by validation accuracy), metrics.json, accuracy/loss plots
(PNG and epoch-by-epoch GIF) and a confusion matrix on MNIST test into --out-dir.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from detector.paths import DATA_DIR, MODELS_DIR, PROJECT_ROOT

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Everything a run depends on; saved in metrics.json."""

    data_dir: Path = DATA_DIR
    out_dir: Path = MODELS_DIR
    cache_dir: Path = PROJECT_ROOT / ".cache"
    datasets: tuple[str, ...] = ("mnist", "synth")
    epochs: int = 30
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    label_smoothing: float = 0.05
    ema_decay: float = 0.999
    synth_count: int = 24000
    val_size: int = 5000
    seed: int = 0
    device: str = "auto"
    dry_run: bool = False
    max_batches: int | None = field(default=None)


@dataclass
class Datasets:
    train: object
    val: object
    val_mnist: int  # the first val_mnist validation samples are MNIST


def load_datasets(cfg: TrainConfig) -> Datasets:
    """Prepare train/validation splits from the datasets named in ``cfg``."""
    from training import data

    rng = np.random.default_rng(cfg.seed)
    trains, vals = [], []
    mnist_limit = 600 if cfg.dry_run else None
    if "mnist" in cfg.datasets and (not cfg.dry_run or (cfg.data_dir / "MNIST").is_dir()):
        full = data.mnist_split(cfg.data_dir, cfg.cache_dir, train=True, limit=mnist_limit)
        order = rng.permutation(len(full))
        n_val = 100 if cfg.dry_run else cfg.val_size
        vals.append(data.Split(full.images[order[:n_val]], full.labels[order[:n_val]]))
        trains.append(data.Split(full.images[order[n_val:]], full.labels[order[n_val:]]))
    val_mnist = len(vals[0]) if vals else 0
    if "synth" in cfg.datasets or not trains:
        count = 200 if cfg.dry_run else cfg.synth_count
        trains.append(data.synth_split(count, cfg.seed + 1, cfg.cache_dir))
        vals.append(data.synth_split(max(count // 12, 20), cfg.seed + 1000, cfg.cache_dir))
    if "svhn" in cfg.datasets:
        if not data.svhn_available(cfg.data_dir):
            raise SystemExit(f"SVHN requested but {cfg.data_dir / 'SVHN' / 'train_32x32.mat'} is missing")
        limit = 200 if cfg.dry_run else None
        trains.append(data.svhn_split(cfg.data_dir, "train", limit))
        vals.append(data.svhn_split(cfg.data_dir, "test", 2000 if limit is None else 50))
    return Datasets(data.concat(*trains), data.concat(*vals), val_mnist)


def pick_device(name: str) -> str:
    """Resolve "auto" to CUDA when available, else CPU."""
    import torch

    if name != "auto":
        return name
    return "cuda" if torch.cuda.is_available() else "cpu"


def _batches(n: int, batch_size: int, rng: np.random.Generator, limit: int | None):
    order = rng.permutation(n)
    starts = range(0, n, batch_size)
    for k, i in enumerate(starts):
        if limit is not None and k >= limit:
            return
        yield order[i : i + batch_size]


def evaluate(model, images, labels, mean: float, std: float, device: str) -> tuple[float, float, np.ndarray]:
    """Return (mean loss, accuracy, predictions) of ``model`` on prepared images."""
    import torch
    import torch.nn.functional as F

    model.eval()
    losses, preds = [], []
    with torch.inference_mode():
        for i in range(0, len(labels), 1000):
            x = ((torch.from_numpy(images[i : i + 1000]) - mean) / std).unsqueeze(1).to(device)
            y = torch.from_numpy(labels[i : i + 1000]).to(device)
            logits = model(x)
            losses.append(F.cross_entropy(logits, y, reduction="sum").item())
            preds.append(logits.argmax(1).cpu().numpy())
    pred = np.concatenate(preds)
    return sum(losses) / len(labels), float((pred == labels).mean()), pred


def fit(cfg: TrainConfig, sets: Datasets, progress=None, on_epoch=None) -> tuple[object, object, list[dict]]:
    """Train; return (best model, its config, per-epoch history).

    Args:
        cfg: Run settings.
        sets: Prepared training and validation data.
        progress: Optional ``rich.progress.Progress`` to show batches on.
        on_epoch: Optional callback receiving each epoch's history row as it completes.
    """
    import torch
    import torch.nn.functional as F
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    from detector.config import ModelConfig
    from detector.model import DigitNet
    from training.augment import augment

    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    mean, std = float(sets.train.images.mean()), float(sets.train.images.std())
    config = ModelConfig(mean=round(mean, 4), std=round(std, 4))
    model = DigitNet(config).to(device).to(memory_format=torch.channels_last)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(cfg.ema_decay), use_buffers=True)
    steps = cfg.max_batches or -(-len(sets.train) // cfg.batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps)
    gen, rng = torch.Generator().manual_seed(cfg.seed), np.random.default_rng(cfg.seed)
    history, best_acc, best_state = [], -1.0, None
    task = progress.add_task("training", total=cfg.epochs * steps) if progress else None
    for epoch in range(1, cfg.epochs + 1):
        start, model = time.perf_counter(), model.train()
        total_loss = correct = seen = 0
        for idx in _batches(len(sets.train), cfg.batch_size, rng, cfg.max_batches):
            x = augment(torch.from_numpy(sets.train.images[idx]).unsqueeze(1), gen)
            x = ((x - config.mean) / config.std).to(device, memory_format=torch.channels_last)
            y = torch.from_numpy(sets.train.labels[idx]).to(device)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=cfg.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            ema.update_parameters(model)
            total_loss += loss.item() * len(idx)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(idx)
            if progress:
                progress.update(task, advance=1, description=f"epoch {epoch}/{cfg.epochs} loss {loss.item():.3f}")
        val_loss, val_acc, pred = evaluate(ema.module, sets.val.images, sets.val.labels, mean, std, device)
        m = sets.val_mnist
        row = {
            "epoch": epoch,
            "train_loss": total_loss / seen,
            "train_acc": correct / seen,
            "val_loss": val_loss,
            "val_acc": val_acc,
            "val_mnist_acc": float((pred[:m] == sets.val.labels[:m]).mean()) if m else None,
            "val_other_acc": float((pred[m:] == sets.val.labels[m:]).mean()) if m < len(pred) else None,
            "lr": sched.get_last_lr()[0],
            "seconds": time.perf_counter() - start,
        }
        history.append(row)
        log.info("epoch %d: %s", epoch, row)
        if on_epoch:
            on_epoch(row)
        if val_acc > best_acc:
            best_acc = val_acc
            best_state = {k: v.detach().cpu().clone() for k, v in ema.module.state_dict().items()}
    best = DigitNet(config)
    best.load_state_dict(best_state)
    return best.eval(), config, history


def run(cfg: TrainConfig, progress=None, on_epoch=None) -> dict:
    """Train, evaluate on MNIST test and write checkpoint, metrics and plots.

    Returns:
        The metrics dict also written to ``metrics.json``.
    """
    import torch

    from detector.checkpoint import save_checkpoint
    from detector.model import count_macs, count_parameters
    from training import data
    from training.calibrate import calibrate
    from training.evaluate import evaluate_raw
    from training.export import export_checkpoint
    from training.plots import save_confusion, save_curves

    torch.set_num_threads(max(1, torch.get_num_threads()))
    began = time.perf_counter()
    sets = load_datasets(cfg)
    model, config, history = fit(cfg, sets, progress, on_epoch)
    train_seconds = time.perf_counter() - began
    temperature, calibration = calibrate(model, config, sets.val.images, sets.val.labels)
    config = replace(config, temperature=temperature)
    metrics = {
        "history": history,
        "best_epoch": max(history, key=lambda r: r["val_acc"])["epoch"],
        "best_val_acc": max(r["val_acc"] for r in history),
        "train_samples": len(sets.train),
        "parameters": count_parameters(model),
        "macs_per_image": count_macs(model),
        "mflops_per_image": 2 * count_macs(model) / 1e6,
        "wall_time_s": train_seconds,
        "device": pick_device(cfg.device),
        "cpu": platform.processor() or platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
        "model_config": config.to_dict(),
        "calibration": calibration,
    }
    if "mnist" in cfg.datasets and (cfg.data_dir / "MNIST").is_dir():
        raw, labels = data.raw_mnist(cfg.data_dir, cfg.cache_dir, train=False)
        if cfg.dry_run:
            raw, labels = raw[:200], labels[:200]
        test = evaluate_raw(model, config, raw, labels)
        metrics["test_accuracy"] = test["accuracy"]
        metrics["inverted_test_accuracy"] = test["inverted_accuracy"]
        metrics["test_images"] = len(labels)
        save_confusion(np.array(test["confusion"]), cfg.out_dir / "confusion_matrix.png")
    meta = {k: metrics[k] for k in ("best_val_acc", "parameters", "mflops_per_image") if k in metrics}
    meta.update({k: metrics[k] for k in ("test_accuracy", "inverted_test_accuracy") if k in metrics})
    save_checkpoint(cfg.out_dir / "number_detector.pt", model, config, meta)
    # The .onnx that recognition runs, verified against torch on MNIST test digits (training/export.py).
    metrics["export"] = export_checkpoint(cfg.out_dir / "number_detector.pt", None, cfg.data_dir, cfg.cache_dir)
    save_curves(history, cfg.out_dir)
    _write_json(cfg.out_dir / "metrics.json", metrics)
    return metrics


def _write_json(path: Path, payload: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    tmp.replace(path)


def parse_args(argv: list[str] | None = None) -> TrainConfig:
    """Turn command-line arguments into a :class:`TrainConfig`."""
    d = TrainConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path, default=d.data_dir, help="folder with MNIST/ (and SVHN/)")
    p.add_argument("--out-dir", type=Path, default=None, help="where to write (default models/)")
    p.add_argument("--cache-dir", type=Path, default=d.cache_dir)
    p.add_argument("--datasets", default=",".join(d.datasets), help="comma list of mnist, synth, svhn")
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--synth-count", type=int, default=d.synth_count)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--device", default=d.device, help="auto, cpu or cuda")
    p.add_argument("--dry-run", action="store_true", help="two batches of tiny data (for tests)")
    a = p.parse_args(argv)
    datasets = tuple(s.strip() for s in a.datasets.split(",") if s.strip())
    unknown = set(datasets) - {"mnist", "synth", "svhn"}
    if unknown:
        p.error(f"unknown dataset(s): {', '.join(sorted(unknown))}; choose from mnist, synth, svhn")
    out_dir = a.out_dir or (PROJECT_ROOT / "outputs" / "dry-run" if a.dry_run else d.out_dir)
    return TrainConfig(
        data_dir=a.data_dir, out_dir=out_dir, cache_dir=a.cache_dir, datasets=datasets,
        epochs=1 if a.dry_run else a.epochs, batch_size=32 if a.dry_run else a.batch_size, lr=a.lr,
        synth_count=a.synth_count, seed=a.seed, device=a.device, dry_run=a.dry_run,
        max_batches=2 if a.dry_run else None,
    )  # fmt: skip


def format_epoch(row: dict) -> str:
    """Return one line summarising an epoch's history row."""
    return (
        f"epoch {row['epoch']:2d}  train loss {row['train_loss']:.4f} acc {row['train_acc']:.4f}  "
        f"val loss {row['val_loss']:.4f} acc {row['val_acc']:.4f}  ({row['seconds']:.0f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    cfg = parse_args(argv)
    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        metrics = run(cfg, progress, on_epoch=lambda row: progress.console.print(format_epoch(row)))
    if "test_accuracy" in metrics:
        console.print(
            f"MNIST test accuracy {metrics['test_accuracy']:.2%}, inverted {metrics['inverted_test_accuracy']:.2%}"
        )
    console.print(f"wrote {cfg.out_dir / 'number_detector.pt'} and plots ({metrics['wall_time_s']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
