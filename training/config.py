"""What a training run depends on: the data folders and :class:`TrainConfig`, with its dry-run preset.

The library never knows these: ``detector/`` reads models, ``training/`` reads data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from detector.paths import MODELS_DIR, PROJECT_ROOT

DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"  # MNIST/raw/*.gz, photos/, SVHN/ when present
CACHE_DIR = PROJECT_ROOT / ".cache"  # prepared arrays (.npz) and torchvision's extracted MNIST
DATASETS = ("mnist", "synth", "svhn")


@dataclass
class TrainConfig:
    """Everything a run depends on; saved in metrics.json. Each field is a ``--flag`` of ``training.train``."""

    data_dir: Path = field(default=DATA_DIR, metadata={"help": "folder with MNIST/ (and SVHN/)"})
    out_dir: Path = field(default=MODELS_DIR, metadata={"help": "where the checkpoint, metrics and plots go"})
    cache_dir: Path = field(default=CACHE_DIR, metadata={"help": "prepared arrays, reused by later runs"})
    datasets: tuple[str, ...] = field(default=("mnist", "synth"), metadata={"help": "comma list of mnist, synth, svhn"})
    epochs: int = field(default=30, metadata={"help": "passes over the training data"})
    batch_size: int = field(default=128, metadata={"help": "images per step"})
    lr: float = field(default=3e-3, metadata={"help": "peak learning rate of the one-cycle schedule"})
    weight_decay: float = field(default=1e-4, metadata={"help": "AdamW weight decay"})
    label_smoothing: float = field(default=0.05, metadata={"help": "share of each target spread over all classes"})
    ema_decay: float = field(default=0.999, metadata={"help": "decay of the weight average that is validated"})
    synth_count: int = field(default=24000, metadata={"help": "synthetic printed digits to train on"})
    negatives: int = field(
        default=0,
        metadata={"help": "not-a-digit crops for an 11th class (the shipped model: 10000); 0: digits only"},
    )
    mined: int = field(
        default=0,
        metadata={
            "help": "generated pictures of each kind whose proposed candidates are labelled and learned; 0: none"
        },
    )
    judge: Path | None = field(
        default=None,
        metadata={"help": "an .onnx model whose mistakes on the mined junk are kept as hard negatives; none: off"},
    )
    init: Path | None = field(
        default=None,
        metadata={"help": "start from this checkpoint's weights and normalisation (fine-tuning); none: from scratch"},
    )
    distill: Path | None = field(
        default=None,
        metadata={"help": "keep the digits' answers close to this checkpoint's (knowledge distillation); none: off"},
    )
    distill_weight: float = field(default=1.0, metadata={"help": "weight of the distillation loss"})
    average: float = field(
        default=0.0,
        metadata={"help": "at the end, mix this share of the --init checkpoint's weights back in (training.average)"},
    )
    val_size: int = field(default=5000, metadata={"help": "MNIST training digits held out for validation"})
    mnist_limit: int | None = field(default=None, metadata={"help": "use only the first N MNIST training digits"})
    svhn_limit: int | None = field(default=None, metadata={"help": "use only the first N SVHN training crops"})
    svhn_val_size: int = field(default=2000, metadata={"help": "SVHN test crops used for validation"})
    test_limit: int | None = field(default=None, metadata={"help": "evaluate only the first N MNIST test digits"})
    max_batches: int | None = field(default=None, metadata={"help": "stop each epoch after N batches"})
    seed: int = field(default=0, metadata={"help": "seeds the split, the synthetic digits and the training"})
    device: str = field(default="auto", metadata={"help": "auto (CUDA when available), cpu or cuda"})
    dry_run: bool = field(default=False, metadata={"help": "one epoch of two tiny batches, for tests"})


def saved_config(saved: dict) -> TrainConfig:
    """Rebuild the :class:`TrainConfig` a run saved in its metrics.json (``"config"``); unknown keys are left out."""
    from dataclasses import fields

    kinds = {f.name: f.type for f in fields(TrainConfig)}
    values = {}
    for name, value in saved.items():
        if name not in kinds:
            continue
        if "Path" in str(kinds[name]) and value is not None:
            value = Path(value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return TrainConfig(**values)


# The dry run: one epoch of two batches on tiny data, written outside models/. MNIST is used
# only when it is already on disk, so a dry run never downloads.
DRY_RUN = TrainConfig(
    out_dir=PROJECT_ROOT / "outputs" / "dry-run",
    epochs=1,
    batch_size=32,
    synth_count=200,
    negatives=24,
    mined=2,
    val_size=100,
    mnist_limit=600,
    svhn_limit=200,
    svhn_val_size=50,
    test_limit=200,
    max_batches=2,
    dry_run=True,
)
