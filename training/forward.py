"""The one batched forward pass of training: validation, calibration and evaluation all run it.

It normalises with the config's own (rounded) mean and std through ``detector.preprocess.normalize``,
exactly as ``detector.predict.Predictor`` does, so the best epoch is chosen under the preprocessing
inference runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from detector.preprocess import normalize

if TYPE_CHECKING:
    from torch import nn

    from detector.config import ModelConfig


def model_logits(model: nn.Module, config: ModelConfig, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Return raw logits (N, classes) float32 of ``model`` for prepared inputs (N, 28, 28) in 0..1.

    Args:
        model: The network; it is put in eval mode and run on the device its weights are on.
        config: Supplies the mean and std the model was trained with, and the class count.
        images: Prepared inputs, as ``prepare_batch`` returns them.
        batch_size: Images per forward pass.
    """
    import torch

    model.eval()
    device = next(model.parameters()).device
    out = []
    with torch.inference_mode():
        for i in range(0, len(images), batch_size):
            x = torch.from_numpy(normalize(images[i : i + batch_size], config.mean, config.std)).unsqueeze(1)
            out.append(model(x.to(device)).float().cpu().numpy())  # (B, 10)
    return np.concatenate(out) if out else np.zeros((0, config.num_classes), np.float32)


def predict_prepared(model: nn.Module, config: ModelConfig, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Return the likeliest digit (N,) of prepared 28x28 inputs (N, 28, 28) in 0..1.

    Only the ten digits compete, as in what recognition reports (``detector.predict.digit_result``):
    a model's "not a digit" share lowers a digit's confidence, never changes which digit is read.
    """
    from detector.config import DIGITS

    return model_logits(model, config, images, batch_size)[:, :DIGITS].argmax(1)
