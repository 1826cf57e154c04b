"""The shipped model on MNIST test images read from ../shared/data."""

import pytest

from detector.preprocess_batch import prepare_batch
from training.config import CACHE_DIR, DATA_DIR
from training.data import raw_mnist

pytestmark = [
    pytest.mark.mnist,
    pytest.mark.skipif(
        not (DATA_DIR / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").exists(), reason="MNIST not in ../shared/data"
    ),
]


@pytest.fixture(scope="module")
def mnist_slice():
    images, labels = raw_mnist(DATA_DIR, CACHE_DIR, train=False)
    return images[:2000], labels[:2000]


def accuracy(predictor, images, labels) -> float:
    prepared, _found = prepare_batch(images)
    return float((predictor.probabilities(prepared).argmax(1) == labels).mean())


def test_shipped_model_on_mnist_test_slice(shipped_predictor, mnist_slice):
    assert accuracy(shipped_predictor, *mnist_slice) >= 0.99


def test_shipped_model_on_inverted_mnist_test_slice(shipped_predictor, mnist_slice):
    images, labels = mnist_slice
    assert accuracy(shipped_predictor, 255 - images, labels) >= 0.99
