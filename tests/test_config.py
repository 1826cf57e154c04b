"""ModelConfig: what a checkpoint says about the model and the pixels it must be fed."""

from dataclasses import replace

import pytest
import torch

from detector.checkpoint import load_checkpoint
from detector.config import ModelConfig
from detector.errors import ModelError
from detector.model import DigitNet
from detector.paths import DEFAULT_CHECKPOINT

PREPROCESSING = {"input_size": 28, "digit_box": 20, "ink_margin": 0.15, "min_digit_contrast": 0.08}


def test_round_trip_through_a_plain_dict():
    config = ModelConfig(temperature=0.54, digit_box=18, ink_margin=0.1)
    assert ModelConfig.from_dict(config.to_dict()) == config
    assert ModelConfig.from_dict({**config.to_dict(), "from_the_future": 1}) == config


def test_a_checkpoint_older_than_the_preprocessing_fields_loads_with_todays_values():
    old = {k: v for k, v in ModelConfig().to_dict().items() if k not in PREPROCESSING or k == "input_size"}
    config = ModelConfig.from_dict(old)
    assert {k: getattr(config, k) for k in PREPROCESSING} == PREPROCESSING


@pytest.mark.skipif(not DEFAULT_CHECKPOINT.exists(), reason="no shipped model")
def test_the_shipped_checkpoint_reads_with_the_preprocessing_it_was_trained_with():
    raw = torch.load(DEFAULT_CHECKPOINT, map_location="cpu", weights_only=True)["config"]
    config = ModelConfig.from_dict(raw)
    assert {k: getattr(config, k) for k in PREPROCESSING} == PREPROCESSING


@pytest.mark.parametrize(
    "change",
    [{"digit_box": 0}, {"digit_box": 29}, {"digit_box": 20.5}, {"digit_box": "20"}, {"digit_box": True},
     {"ink_margin": 1.0}, {"ink_margin": -0.1}, {"min_digit_contrast": float("nan")}, {"min_digit_contrast": "low"}],
)  # fmt: skip
def test_impossible_preprocessing_numbers_are_refused(change):
    with pytest.raises(ValueError, match=next(iter(change))):
        replace(ModelConfig(), **change)


def test_a_checkpoint_with_impossible_preprocessing_is_a_model_error(tmp_path):
    path = tmp_path / "odd.pt"
    torch.save({"config": {**ModelConfig().to_dict(), "digit_box": 500}, "state_dict": DigitNet().state_dict()}, path)
    with pytest.raises(ModelError, match="config"):
        load_checkpoint(path)
