"""The digit network: a compact CNN for 1x28x28 input (about 9 M multiply-adds)."""

from __future__ import annotations

import torch
from torch import nn

from detector.config import ModelConfig


def _conv_block(c_in: int, c_out: int, stride: int, padding: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride=stride, padding=padding, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class DigitNet(nn.Module):
    """Five 3x3 convolutions with BatchNorm, then dropout and one linear layer.

    Spatial sizes: 28 -> 28 -> 14 -> 14 -> 7 -> 5, then 128*5*5 features -> 10 logits.
    """

    def __init__(self, config: ModelConfig | None = None) -> None:
        super().__init__()
        self.config = config or ModelConfig()
        c1, c2, c3, c4, c5 = self.config.channels
        self.features = nn.Sequential(
            _conv_block(1, c1, 1, 1),  # (B, c1, 28, 28)
            _conv_block(c1, c2, 2, 1),  # (B, c2, 14, 14)
            _conv_block(c2, c3, 1, 1),  # (B, c3, 14, 14)
            _conv_block(c3, c4, 2, 1),  # (B, c4, 7, 7)
            _conv_block(c4, c5, 1, 0),  # (B, c5, 5, 5)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(self.config.dropout),
            nn.Linear(c5 * 5 * 5, self.config.num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map a batch (B, 1, 28, 28) of normalised images to logits (B, 10)."""
        return self.classifier(self.features(x))


def count_parameters(model: nn.Module) -> int:
    """Return the number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_macs(model: nn.Module, input_size: int = 28) -> int:
    """Count multiply-accumulates for one image with torch's ``FlopCounterMode``.

    Args:
        model: The network to measure.
        input_size: Side of the square single-channel input.

    Returns:
        Multiply-adds per image; FLOPs are twice this.
    """
    from torch.utils.flop_counter import FlopCounterMode

    was_training = model.training
    model.eval()
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model(torch.zeros(1, 1, input_size, input_size, device=next(model.parameters()).device))
    model.train(was_training)
    return counter.get_total_flops() // 2  # it counts a multiply-add as two FLOPs
