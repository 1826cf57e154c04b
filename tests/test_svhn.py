"""SVHN loading from a tiny .mat file in the official layout, written by the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from training.data import svhn_available, svhn_split


def write_svhn(folder: Path, digits: list[int], split: str = "train") -> None:
    """Write ``{split}_32x32.mat``: X uint8 (32, 32, 3, N) and y uint8 (N, 1), 10 meaning 0."""
    from PIL import Image, ImageDraw
    from scipy.io import savemat

    images = []
    for i, d in enumerate(digits):
        img = Image.new("RGB", (32, 32), (40 + 20 * i, 90, 160))  # coloured plate
        draw = ImageDraw.Draw(img)
        if d == 1:
            draw.line([(16, 5), (16, 27)], fill=(250, 250, 240), width=4)
        else:
            draw.ellipse([9, 5, 23, 27], outline=(250, 250, 240), width=4)
        images.append(np.asarray(img))
    x = np.stack(images, axis=-1).astype(np.uint8)  # (32, 32, 3, N)
    y = np.array([[10 if d == 0 else d] for d in digits], dtype=np.uint8)
    (folder / "SVHN").mkdir(parents=True, exist_ok=True)
    savemat(folder / "SVHN" / f"{split}_32x32.mat", {"X": x, "y": y})


@pytest.fixture
def no_md5(monkeypatch):
    """torchvision checks the official files' MD5; a test file cannot match it."""
    import torchvision

    monkeypatch.setattr(torchvision.datasets.SVHN, "_check_integrity", lambda self: True)


def test_svhn_split_prepares_mnist_style_digits(tmp_path, no_md5):
    write_svhn(tmp_path, [1, 0, 0, 1, 0])
    assert svhn_available(tmp_path)
    split = svhn_split(tmp_path, "train")
    assert split.images.shape == (5, 28, 28) and split.images.dtype == np.float32
    assert split.labels.tolist() == [1, 0, 0, 1, 0]  # 10 became 0
    assert split.images.min() >= 0 and split.images.max() <= 1
    # Light digits on a dark plate come out bright on black, MNIST style.
    assert split.images[:, 0, :].max() < 0.05 and split.images.max() > 0.9
    ones, zeros = split.images[[0, 3]], split.images[[1, 2, 4]]
    assert ones[:, 14, 14].min() > 0.5 and zeros[:, 14, 14].max() < 0.2  # a stroke vs the hole of the 0


def test_svhn_split_limit_keeps_the_first(tmp_path, no_md5):
    write_svhn(tmp_path, [0, 1, 0])
    split = svhn_split(tmp_path, "train", limit=2)
    assert split.labels.tolist() == [0, 1] and len(split) == 2


def test_svhn_missing_file_is_reported(tmp_path):
    assert not svhn_available(tmp_path)
    with pytest.raises(RuntimeError):
        svhn_split(tmp_path, "train")
