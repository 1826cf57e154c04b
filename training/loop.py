"""The training loop: ``prepare`` builds a :class:`Learner`; ``train_one_epoch`` and ``validate``
return metric dicts (as timm's do); ``fit`` loops over epochs and keeps the best one.

Validation runs the shared forward pass (``training.forward``), normalising with the rounded mean/std
that the checkpoint saves and inference uses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from training.config import TrainConfig
from training.data import Datasets, Split

if TYPE_CHECKING:
    import torch
    from rich.progress import Progress
    from torch.optim.swa_utils import AveragedModel

    from detector.config import ModelConfig
    from detector.model import DigitNet

log = logging.getLogger(__name__)


@dataclass
class Learner:
    """The network being trained and everything that steps with it."""

    model: DigitNet
    ema: AveragedModel  # the weight average that is validated and kept
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    config: ModelConfig  # mean/std rounded as saved: training, validation and inference all use these
    generator: torch.Generator  # augmentation draws
    rng: np.random.Generator  # batch order
    device: str
    steps_per_epoch: int
    teacher: DigitNet | None = None  # a trained network whose digit answers the model is kept close to


def pick_device(name: str) -> str:
    """Resolve "auto" to CUDA when available, else CPU."""
    import torch

    if name != "auto":
        return name
    return "cuda" if torch.cuda.is_available() else "cpu"


def prepare(cfg: TrainConfig, train: Split) -> Learner:
    """Build the model (normalised with the training images' statistics), its EMA, optimiser and schedule."""
    import torch
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    from detector.config import DIGITS, NOT_DIGIT, ModelConfig
    from detector.model import DigitNet

    torch.manual_seed(cfg.seed)
    device = pick_device(cfg.device)
    mean, std = round(float(train.images.mean()), 4), round(float(train.images.std()), 4)
    classes = DIGITS + 1 if (train.labels == NOT_DIGIT).any() else DIGITS  # "not a digit" when negatives are in
    config = ModelConfig(mean=mean, std=std, num_classes=classes)
    if cfg.init is not None:
        model, config = start_from(cfg.init, classes)
    else:
        model = DigitNet(config)
    model = model.to(device).to(memory_format=torch.channels_last)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(cfg.ema_decay), use_buffers=True)
    steps = cfg.max_batches or -(-len(train) // cfg.batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps)
    gen, rng = torch.Generator().manual_seed(cfg.seed), np.random.default_rng(cfg.seed)
    teacher = None
    if cfg.distill is not None:
        from detector.checkpoint import load_checkpoint

        teacher = load_checkpoint(cfg.distill, device)[0].eval().requires_grad_(False)
    return Learner(model, ema, opt, sched, config, gen, rng, device, steps, teacher)


def start_from(path: Path, classes: int) -> tuple[DigitNet, ModelConfig]:
    """A trained checkpoint's network and config, its classifier grown to ``classes`` outputs when it has fewer.

    The new outputs start at zero weight and a bias of -2, so the grown network at first
    answers as the trained one did; its normalisation (mean, std) is kept, as the features
    were learned with it.
    """
    import torch

    from detector.checkpoint import load_checkpoint
    from detector.model import DigitNet

    trained, config, _meta = load_checkpoint(path)
    if config.num_classes == classes:
        return trained, replace(config, temperature=1.0)
    grown = DigitNet(replace(config, num_classes=classes, temperature=1.0))
    state = trained.state_dict()
    head = [k for k in state if k.startswith("classifier.") and state[k].shape[0] == config.num_classes][-2:]
    own = grown.state_dict()
    for key, value in state.items():
        if key in head:
            own[key] = torch.cat([value, torch.zeros_like(own[key][config.num_classes :])])
            if key.endswith("bias"):
                own[key][config.num_classes :] = -2.0
        else:
            own[key] = value
    grown.load_state_dict(own)
    return grown, grown.config


def _batches(n: int, batch_size: int, rng: np.random.Generator, limit: int | None):
    order = rng.permutation(n)
    for k, i in enumerate(range(0, n, batch_size)):
        if limit is not None and k >= limit:
            return
        yield order[i : i + batch_size]


def train_one_epoch(
    learner: Learner, train: Split, cfg: TrainConfig, on_batch: Callable[[float], None] | None = None
) -> dict:
    """Run one epoch of augmented, label-smoothed batches; return {"train_loss", "train_acc", "lr"}."""
    import torch
    import torch.nn.functional as F

    from training.augment import augment

    model, config, device = learner.model.train(), learner.config, learner.device
    total_loss = correct = seen = 0
    for idx in _batches(len(train), cfg.batch_size, learner.rng, cfg.max_batches):
        x = augment(torch.from_numpy(train.images[idx]).unsqueeze(1), learner.generator)
        x = ((x - config.mean) / config.std).to(device, memory_format=torch.channels_last)
        y = torch.from_numpy(train.labels[idx]).to(device)
        logits = model(x)
        loss = F.cross_entropy(logits, y, label_smoothing=cfg.label_smoothing)
        if learner.teacher is not None:
            t = learner.teacher.config  # the teacher sees the batch normalised its own way
            taught = learner.teacher((x * config.std + config.mean - t.mean) / t.std)
            loss = loss + cfg.distill_weight * distillation(logits, taught, y)
        learner.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        learner.optimizer.step()
        learner.scheduler.step()
        learner.ema.update_parameters(model)
        total_loss += loss.item() * len(idx)
        correct += (logits.argmax(1) == y).sum().item()
        seen += len(idx)
        if on_batch:
            on_batch(loss.item())
    return {"train_loss": total_loss / seen, "train_acc": correct / seen, "lr": learner.scheduler.get_last_lr()[0]}


DISTILL_T = 2.0  # softmax temperature of distillation: the teacher's second choices carry its knowledge


def distillation(logits: torch.Tensor, taught: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """KL divergence from the teacher's digit answers to the model's, on the samples that are digits.

    Only the ten digits are compared (a teacher without "not a digit" has nothing to say
    about junk), softened by ``DISTILL_T`` and scaled by its square (Hinton et al., 2015).
    """
    import torch
    import torch.nn.functional as F

    from detector.config import DIGITS

    digits = y < DIGITS
    if not digits.any():
        return torch.zeros((), device=logits.device)
    student = F.log_softmax(logits[digits, :DIGITS] / DISTILL_T, dim=1)
    teacher = F.softmax(taught[digits, :DIGITS] / DISTILL_T, dim=1)
    return F.kl_div(student, teacher, reduction="batchmean") * DISTILL_T**2


def validate(model: torch.nn.Module, config: ModelConfig, split: Split, mnist_count: int = 0) -> dict:
    """Return {"val_loss", "val_acc", "val_mnist_acc", "val_other_acc"} through the shared forward pass.

    Args:
        model: The network (the EMA during training).
        config: Its config; the rounded mean/std that inference uses.
        split: Validation images and labels.
        mnist_count: The first ``mnist_count`` samples are MNIST (accuracy reported apart; None when empty).
    """
    import torch
    import torch.nn.functional as F

    from training.forward import model_logits

    logits = model_logits(model, config, split.images)
    loss = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(split.labels)).item()
    right = logits.argmax(1) == split.labels
    m = mnist_count
    return {
        "val_loss": loss,
        "val_acc": float(right.mean()),
        "val_mnist_acc": float(right[:m].mean()) if m else None,
        "val_other_acc": float(right[m:].mean()) if m < len(right) else None,
    }


def fit(
    cfg: TrainConfig,
    sets: Datasets,
    progress: Progress | None = None,
    on_epoch: Callable[[dict], None] | None = None,
) -> tuple[DigitNet, ModelConfig, list[dict]]:
    """Train for ``cfg.epochs``; return (the best epoch's EMA model on CPU, its config, per-epoch history).

    Args:
        cfg: Run settings.
        sets: Prepared training and validation data.
        progress: Optional ``rich.progress.Progress`` to show batches on.
        on_epoch: Optional callback receiving each epoch's history row as it completes.
    """
    from detector.model import DigitNet

    learner = prepare(cfg, sets.train)
    task = progress.add_task("training", total=cfg.epochs * learner.steps_per_epoch) if progress else None
    history, best_acc, best_state = [], -1.0, None
    for epoch in range(1, cfg.epochs + 1):
        start = time.perf_counter()

        def tick(loss: float, epoch: int = epoch) -> None:
            progress.update(task, advance=1, description=f"epoch {epoch}/{cfg.epochs} loss {loss:.3f}")

        row = {"epoch": epoch, **train_one_epoch(learner, sets.train, cfg, tick if progress else None)}
        row.update(validate(learner.ema.module, learner.config, sets.val, sets.val_mnist))
        row["seconds"] = time.perf_counter() - start
        history.append(row)
        log.info("epoch %d: %s", epoch, row)
        if on_epoch:
            on_epoch(row)
        if row["val_acc"] > best_acc:
            best_acc = row["val_acc"]
            best_state = {k: v.detach().cpu().clone() for k, v in learner.ema.module.state_dict().items()}
    best = DigitNet(learner.config)
    best.load_state_dict(best_state)
    return best.eval(), learner.config, history
