"""Shared fixtures: a small random model, the shipped model loaded once, a menu folder (helpers: tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers import blobs_picture, digit_picture, pixel_csv


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """Save an untrained DigitNet checkpoint (random weights, fixed seed) and return its path."""
    import torch

    from detector.checkpoint import save_checkpoint
    from detector.config import ModelConfig
    from detector.model import DigitNet

    torch.manual_seed(0)
    config = ModelConfig()
    path = tmp_path_factory.mktemp("model") / "tiny.pt"
    return save_checkpoint(path, DigitNet(config).eval(), config, {"note": "random weights for tests"})


@pytest.fixture(scope="session")
def tiny_model(tiny_checkpoint) -> Path:
    """The untrained checkpoint exported to ``tiny.onnx`` (verified on random pixels): what recognition loads."""
    from detector.checkpoint import load_checkpoint
    from training.export import export_model

    model, config, meta = load_checkpoint(tiny_checkpoint)
    path = tiny_checkpoint.with_suffix(".onnx")
    export_model(model, config, path, meta)
    return path


@pytest.fixture(scope="session")
def shipped_predictor():
    """The Predictor of the shipped model, loaded once; tests that use it skip without it."""
    from detector.paths import DEFAULT_MODEL
    from detector.predict import Predictor

    if not DEFAULT_MODEL.is_file():
        pytest.skip(f"no trained model at {DEFAULT_MODEL}")
    return Predictor.load(DEFAULT_MODEL)


@pytest.fixture
def menu_dir(tmp_path) -> Path:
    """A menu_data/ with a 28x28 PNG, a larger two-blob JPEG-free PNG and a labelled 3-row CSV."""
    folder = tmp_path / "menu_data"
    folder.mkdir()
    Image.fromarray(digit_picture()).save(folder / "seven.png")
    Image.fromarray(blobs_picture()).save(folder / "two_blobs.png")
    rows = np.stack([digit_picture(), digit_picture(), np.zeros((28, 28), np.uint8)])
    pixel_csv(folder / "rows.csv", rows, [7, 3, 1])
    return folder
