"""The menu's model loader (detector.app.loader): loads once in the background, keeps its error."""

import time

import numpy as np
import pytest

from detector.app.loader import ModelLoader
from detector.errors import ModelError


def test_model_loader_loads_once_in_background(tiny_model):
    loader = ModelLoader(tiny_model)
    loader.start()
    deadline = time.monotonic() + 30
    while loader._predictor is None and time.monotonic() < deadline:  # loads without anyone asking
        time.sleep(0.05)
    first = loader._predictor
    assert first is not None and loader.get() is first and loader.get() is first
    assert first.read_array(np.zeros((28, 28), np.uint8)).digits == ()


def test_model_loader_keeps_the_error(tmp_path):
    loader = ModelLoader(tmp_path / "none.pt")
    loader.start()
    for _ in range(2):
        with pytest.raises(ModelError, match="no model at"):
            loader.get()
