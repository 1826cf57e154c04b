"""The shared forward pass: the config's own mean/std, any batch size, and the same answers as inference."""

import numpy as np
import torch

from detector.checkpoint import load_checkpoint
from detector.config import ModelConfig
from detector.model import DigitNet
from detector.predict import Predictor
from training.forward import model_logits, predict_prepared


def test_logits_normalise_with_the_configs_mean_and_std():
    torch.manual_seed(0)
    config = ModelConfig(mean=0.2, std=0.3)
    model = DigitNet(config).eval()
    images = np.random.default_rng(0).random((7, 28, 28), dtype=np.float32)
    with torch.no_grad():
        want = model(torch.from_numpy((images - 0.2) / 0.3).unsqueeze(1)).numpy()
    got = model_logits(model, config, images, batch_size=3)
    assert got.shape == (7, 10) and np.allclose(got, want, atol=1e-5)
    other = model_logits(model, ModelConfig(mean=0.25, std=0.3), images)
    assert not np.allclose(other, want, atol=1e-3)  # the numbers come from the config given
    assert (predict_prepared(model, config, images) == want.argmax(1)).all()


def test_no_images_give_no_logits():
    assert model_logits(DigitNet(ModelConfig()), ModelConfig(), np.zeros((0, 28, 28), np.float32)).shape == (0, 10)


def test_training_sees_what_inference_sees(tiny_checkpoint, tiny_model):
    model, config, _meta = load_checkpoint(tiny_checkpoint)
    images = np.random.default_rng(1).random((40, 28, 28), dtype=np.float32)
    logits = model_logits(model, config, images).astype(np.float64) / config.temperature
    ours = np.exp(logits - logits.max(1, keepdims=True))
    ours /= ours.sum(1, keepdims=True)
    assert np.allclose(Predictor.load(tiny_model).probabilities(images), ours, atol=1e-4)
