"""Training data: MNIST through torchvision, synthetic printed digits, SVHN when present.

Everything is turned into MNIST-style 28x28 inputs by ``detector.preprocess`` (the same
code inference uses) and cached as ``.npz`` so later runs start at once.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.preprocess import to_gray
from detector.preprocess_batch import prepare_batch
from training.synthetic.printed import SynthDigits

log = logging.getLogger(__name__)

MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


@dataclass
class Split:
    """Prepared images (N, 28, 28) float32 in 0..1 and labels (N,) int64."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, n: int) -> Split:
        """Return the first ``n`` samples."""
        return Split(self.images[:n], self.labels[:n])


def raw_mnist(data_dir: Path, cache_dir: Path, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """Load raw MNIST (uint8 (N, 28, 28), labels) with ``torchvision.datasets.MNIST``.

    The shared data folder may be read-only and torchvision extracts beside the archives,
    so the archives are copied into ``cache_dir`` first. With no archives present,
    torchvision downloads them (needs internet).
    """
    import torchvision

    root = cache_dir / "torchvision"
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for src in (data_dir / "MNIST" / "raw").glob("*.gz"):
        if not (raw / src.name).exists():
            shutil.copyfile(src, raw / src.name)
    ds = torchvision.datasets.MNIST(root=str(root), train=train, download=True)
    return ds.data.numpy(), ds.targets.numpy().astype(np.int64)


def mnist_split(data_dir: Path, cache_dir: Path, train: bool, limit: int | None = None) -> Split:
    """Return MNIST train or test, preprocessed like inference input (cached)."""
    name = f"mnist_{'train' if train else 'test'}{'' if limit is None else f'_{limit}'}.npz"
    cached = cache_dir / name
    if cached.exists():
        with np.load(cached) as z:
            return Split(z["images"], z["labels"])
    images, labels = raw_mnist(data_dir, cache_dir, train)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    prepared, _found = prepare_batch(images)
    _save(cached, prepared, labels)
    return Split(prepared, labels)


def synth_split(length: int, seed: int, cache_dir: Path) -> Split:
    """Return ``length`` synthetic printed digits for ``seed`` (cached)."""
    cached = cache_dir / f"synth_{length}_{seed}.npz"
    if cached.exists():
        with np.load(cached) as z:
            return Split(z["images"], z["labels"])
    images, labels = SynthDigits(length, seed).materialize()
    _save(cached, images, labels)
    return Split(images, labels)


def svhn_split(data_dir: Path, split: str, limit: int | None = None) -> Split:
    """Return SVHN crops (format 2 ``.mat`` files) as MNIST-style grayscale digits.

    Args:
        data_dir: Folder holding ``SVHN/{split}_32x32.mat`` (torchvision's layout).
        split: "train", "test" or "extra".
        limit: Keep only the first ``limit`` crops.
    """
    import torchvision

    ds = torchvision.datasets.SVHN(root=str(data_dir / "SVHN"), split=split, download=False)
    images = ds.data[:limit]  # (N, 3, 32, 32) uint8
    labels = np.asarray(ds.labels[:limit], dtype=np.int64) % 10  # torchvision maps 10 -> 0 already
    gray = np.stack([to_gray(im.transpose(1, 2, 0)) for im in images]) if len(images) else np.zeros((0, 32, 32))
    prepared, _found = prepare_batch(gray)
    return Split(prepared, labels)


def svhn_available(data_dir: Path) -> bool:
    """True when SVHN's train ``.mat`` file is in ``data_dir/SVHN``."""
    return (data_dir / "SVHN" / "train_32x32.mat").is_file()


def concat(*splits: Split) -> Split:
    """Join splits into one."""
    return Split(np.concatenate([s.images for s in splits]), np.concatenate([s.labels for s in splits]))


def _save(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, images=images, labels=labels)
    tmp.replace(path)
