"""The shipped model on MNIST test images read from ../shared/data."""

import gzip

import numpy as np
import pytest

from detector.paths import DATA_DIR, DEFAULT_MODEL
from detector.predict import Predictor
from detector.preprocess_batch import prepare_batch

RAW = DATA_DIR / "MNIST" / "raw"
pytestmark = [
    pytest.mark.mnist,
    pytest.mark.skipif(not (RAW / "t10k-images-idx3-ubyte.gz").exists(), reason="MNIST not in ../shared/data"),
    pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="models/number_detector.pt not trained yet"),
]


@pytest.fixture(scope="module")
def mnist_slice():
    with gzip.open(RAW / "t10k-images-idx3-ubyte.gz") as fh:
        images = np.frombuffer(fh.read(), np.uint8, offset=16)
    with gzip.open(RAW / "t10k-labels-idx1-ubyte.gz") as fh:
        labels = np.frombuffer(fh.read(), np.uint8, offset=8)
    return images.reshape(-1, 28, 28)[:2000], labels[:2000]


def accuracy(images, labels) -> float:
    predictor = Predictor.load()
    prepared, _found = prepare_batch(images)
    return float((predictor.probabilities(prepared).argmax(1) == labels).mean())


def test_shipped_model_on_mnist_test_slice(mnist_slice):
    assert accuracy(*mnist_slice) >= 0.99


def test_shipped_model_on_inverted_mnist_test_slice(mnist_slice):
    images, labels = mnist_slice
    assert accuracy(255 - images, labels) >= 0.99
