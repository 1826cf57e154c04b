"""prepare_batch (detector.preprocess_batch) gives what prepare_digit gives on each image, for every kind of
stack: uint8, inverted, floats, 16-bit, NaN, huge values, bool, wide, tall, blank and noise, and MNIST."""

import numpy as np
import pytest

from detector.preprocess import prepare_digit
from detector.preprocess_batch import prepare_batch
from tests.helpers import drawn_digits
from training.config import CACHE_DIR, DATA_DIR
from training.data import raw_mnist


def one_by_one(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference: prepare_digit on each image."""
    got = [prepare_digit(image) for image in images]
    found = np.array([g is not None for g in got])
    out = np.stack([g[0] if g is not None else np.zeros((28, 28), np.float32) for g in got])
    return out, found


def stacks() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    small = drawn_digits(120, (28, 28), seed=1)
    nan_rows = (small[:10] / 255.0).astype(np.float32)
    nan_rows[:, 0, 0] = np.nan
    return {
        "uint8": small,
        "dark on light": 255 - small,
        "float 0..1": (small / 255.0).astype(np.float32),
        "float 0..255": small.astype(np.float64),
        "uint16": small.astype(np.uint16) * 257,
        "with NaN": nan_rows,
        "huge floats": np.where(small[:10] > 0, 1e300, 0.0),
        "bool": small[:10] > 100,
        "wide": drawn_digits(40, (30, 70), seed=2),
        "tall": drawn_digits(40, (64, 24), seed=4),
        "blank, faint and noise": np.stack(
            [np.zeros((28, 28)), np.full((28, 28), 0.5), rng.random((28, 28)) * 0.05, rng.random((28, 28))]
        ).astype(np.float32),
    }


@pytest.mark.parametrize("name", list(stacks()))
def test_prepare_batch_equals_prepare_digit_on_each_image(name):
    images = stacks()[name]
    out, found = prepare_batch(images)
    want, want_found = one_by_one(images)
    assert found.tolist() == want_found.tolist()
    assert np.allclose(out, want, atol=1e-6, rtol=0)


@pytest.mark.mnist
def test_prepare_batch_equals_prepare_digit_on_mnist():
    path = DATA_DIR / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz"
    if not path.exists():
        pytest.skip(f"MNIST not found at {path}")
    images = raw_mnist(DATA_DIR, CACHE_DIR, train=False)[0][:1500]
    out, found = prepare_batch(images)
    want, want_found = one_by_one(images)
    assert found.tolist() == want_found.tolist()
    assert np.allclose(out, want, atol=1e-6, rtol=0)
