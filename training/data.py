"""Training data: MNIST through torchvision, synthetic printed digits, SVHN when present.

Everything is turned into MNIST-style 28x28 inputs by ``detector.preprocess`` (the same
code inference uses) and cached as ``.npz`` so later runs start at once. ``raw_mnist`` is
the one MNIST reader: training, evaluation, the benchmarks and the tests all go through it.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.files import write_atomic
from detector.preprocess import to_gray
from detector.preprocess_batch import prepare_batch
from training.config import TrainConfig

MINED_VERSION = 6  # the labelling and pictures of mined candidates; a change makes new caches

log = logging.getLogger(__name__)


class DataError(Exception):
    """A data set is missing or unreadable; the message says what to do (the entry points print it)."""


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


@dataclass
class Datasets:
    """The training and validation splits of one run."""

    train: Split
    val: Split
    val_mnist: int  # the first val_mnist validation samples are MNIST


def load_datasets(cfg: TrainConfig, validation_only: bool = False) -> Datasets:
    """Prepare train/validation splits from the datasets named in ``cfg``.

    Args:
        cfg: The run's settings (data sets, sizes, seed, folders).
        validation_only: Skip rendering and loading what only training needs (calibration
            of an existing model); ``train`` is then empty.

    Raises:
        DataError: A requested data set is missing and cannot be downloaded.
    """
    rng = np.random.default_rng(cfg.seed)
    trains, vals = [], []
    if "mnist" in cfg.datasets and (not cfg.dry_run or (cfg.data_dir / "MNIST").is_dir()):
        full = mnist_split(cfg.data_dir, cfg.cache_dir, train=True, limit=cfg.mnist_limit)
        order = rng.permutation(len(full))
        vals.append(Split(full.images[order[: cfg.val_size]], full.labels[order[: cfg.val_size]]))
        trains.append(Split(full.images[order[cfg.val_size :]], full.labels[order[cfg.val_size :]]))
    val_mnist = len(vals[0]) if vals else 0
    if "synth" in cfg.datasets or not trains:
        if not validation_only:
            trains.append(synth_split(cfg.synth_count, cfg.seed + 1, cfg.cache_dir))
        vals.append(synth_split(max(cfg.synth_count // 12, 20), cfg.seed + 1000, cfg.cache_dir))
    if "svhn" in cfg.datasets:
        if not svhn_available(cfg.data_dir):
            raise DataError(
                f"SVHN requested but {cfg.data_dir / 'SVHN' / 'train_32x32.mat'} is missing; "
                "put SVHN's train_32x32.mat and test_32x32.mat there or leave svhn out of --datasets"
            )
        if not validation_only:
            trains.append(svhn_split(cfg.data_dir, "train", cfg.svhn_limit))
        vals.append(svhn_split(cfg.data_dir, "test", cfg.svhn_val_size))
    if cfg.negatives > 0:
        if not validation_only:
            trains.append(negatives_split(cfg.negatives, cfg.seed + 1, cfg))
        vals.append(negatives_split(max(cfg.negatives // 12, 20), cfg.seed + 1000, cfg))
    if cfg.mined > 0:
        if not validation_only:
            trains.append(mined_split(cfg.mined, cfg.seed + 2000, cfg))
        vals.append(mined_split(max(cfg.mined // 12, 1), cfg.seed + 3000, cfg))
    train = concat(*trains) if trains else Split(np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64))
    return Datasets(train, concat(*vals), val_mnist)


def raw_mnist(data_dir: Path, cache_dir: Path, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """Load raw MNIST (uint8 (N, 28, 28), labels int64 (N,)) with ``torchvision.datasets.MNIST``.

    The shared data folder may be read-only and torchvision extracts beside the archives,
    so the archives are copied into ``cache_dir`` first. With no archives present,
    torchvision downloads them (needs internet).

    Raises:
        DataError: The archives are absent and cannot be downloaded, or are damaged.
    """
    import torchvision

    root = cache_dir / "torchvision"
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for src in sorted((data_dir / "MNIST" / "raw").glob("*.gz")):
        if not (raw / src.name).exists():
            write_atomic(raw / src.name, lambda fh, src=src: _copy(src, fh))
    try:
        ds = torchvision.datasets.MNIST(root=str(root), train=train, download=True)
    except (RuntimeError, OSError) as err:  # torchvision reports failed downloads as RuntimeError
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(
            f"MNIST is not in {data_dir / 'MNIST' / 'raw'} and could not be downloaded ({first}); "
            "copy the four MNIST .gz files there or connect to the internet"
        ) from err
    return ds.data.numpy(), ds.targets.numpy().astype(np.int64)


def _copy(src: Path, fh) -> None:
    with open(src, "rb") as source:
        shutil.copyfileobj(source, fh)


def mnist_split(data_dir: Path, cache_dir: Path, train: bool, limit: int | None = None) -> Split:
    """Return MNIST train or test, preprocessed like inference input (cached)."""
    name = f"mnist_{'train' if train else 'test'}{'' if limit is None else f'_{limit}'}.npz"
    cached = cache_dir / name
    if (split := _load(cached)) is not None:
        return split
    images, labels = raw_mnist(data_dir, cache_dir, train)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    prepared, _found = prepare_batch(images)
    _save(cached, prepared, labels)
    return Split(prepared, labels)


def synth_split(length: int, seed: int, cache_dir: Path) -> Split:
    """Return ``length`` synthetic printed digits for ``seed`` (cached)."""
    # torch: kept off the import of this module (train --help)
    from training.synthetic.printed import CARD_EVERY, SynthDigits

    cached = cache_dir / f"synth{CARD_EVERY}_{length}_{seed}.npz"
    if (split := _load(cached)) is not None:
        return split
    images, labels = SynthDigits(length, seed).materialize()
    _save(cached, images, labels)
    return Split(images, labels)


def negatives_split(length: int, seed: int, cfg: TrainConfig) -> Split:
    """Return ``length`` not-a-digit crops for ``seed``, labelled ``NOT_DIGIT`` (cached).

    Their half digits and pairs are MNIST *training* digits, so MNIST test stays unseen; the
    digit-free pictures they are cut from are drawn at ``seed``, never a benchmark's 0 or 1.
    """
    from detector.config import NOT_DIGIT
    from training.synthetic.negatives import make_negatives

    cached = cfg.cache_dir / f"negatives_{length}_{seed}.npz"
    if (split := _load(cached)) is not None:
        return split
    digits, _labels = _training_digits(cfg)
    images = make_negatives(length, seed + 100, digits)
    labels = np.full(length, NOT_DIGIT, dtype=np.int64)
    _save(cached, images, labels)
    return Split(images, labels)


def mined_split(pictures: int, seed: int, cfg: TrainConfig, workers: int = 2) -> Split:
    """Return the candidates proposed on ``pictures`` generated pictures of each kind, labelled by their boxes (cached).

    Digits and junk as the segmentation cuts them (:mod:`training.synthetic.mined`); the
    handwriting is MNIST *training* digits and ``seed`` is never a benchmark's. The pictures
    are shared between ``workers`` processes (about 0.2 s each).
    """
    from concurrent.futures import ProcessPoolExecutor

    from training.synthetic import generators
    from training.synthetic.mined import MINED_KINDS, mine

    judge = cfg.judge
    tag = "" if judge is None else "_" + hashlib.sha256(Path(judge).read_bytes()).hexdigest()[:10]
    cached = cfg.cache_dir / f"mined{MINED_VERSION}_{pictures}_{seed}{tag}.npz"
    if (split := _load(cached)) is not None:
        return split
    digits, labels = _training_digits(cfg)
    names = [name for name in generators(digits, labels, seed) if name in MINED_KINDS]
    step = -(-pictures // workers)  # pictures per worker, rounded up
    shares = [(k * step, min(pictures, (k + 1) * step)) for k in range(workers)]
    jobs = [(dict.fromkeys(names, stop - start), seed, digits, labels, start, judge) for start, stop in shares]
    if workers == 1 or pictures < 2 * workers:
        parts = [mine(*job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(mine, *zip(*jobs, strict=True)))
    images = np.concatenate([p[0] for p in parts]).astype(np.float32)
    found = np.concatenate([p[1] for p in parts]).astype(np.int64)
    _save(cached, images, found)
    return Split(images, found)


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


def _training_digits(cfg: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """MNIST *training* digits and labels for generated training data; one blank stand-in without MNIST (dry runs)."""
    if (cfg.data_dir / "MNIST").is_dir():
        return raw_mnist(cfg.data_dir, cfg.cache_dir, train=True)
    return np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.int64)


def _load(path: Path) -> Split | None:
    """The split cached at ``path`` by :func:`_save`, or None when there is none."""
    if not path.exists():
        return None
    with np.load(path) as z:
        return Split(z["images"], z["labels"])


def _save(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda fh: np.savez(fh, images=images, labels=labels))
