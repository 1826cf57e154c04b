"""Batched augmentation on tensors, so real handwriting looks like the training data.

Works on (B, 1, 28, 28) in 0..1 without per-sample Python: random affine (rotation,
scale, shear, shift) through one ``affine_grid``, stroke thickening or thinning through
max-pooling, and Gaussian blur.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random changes (degrees, fractions, probabilities)."""

    rotate: float = 12.0
    scale: tuple[float, float] = (0.85, 1.1)
    shear: float = 0.15
    shift: float = 0.12  # of half the side: 0.12 * 14 = about 2 px
    p_thick: float = 0.1
    p_thin: float = 0.05
    p_blur: float = 0.2


def augment(batch: torch.Tensor, generator: torch.Generator, cfg: AugmentConfig = AugmentConfig()) -> torch.Tensor:
    """Return an augmented copy of ``batch`` (B, 1, H, W) in 0..1."""
    out = _affine(batch, generator, cfg)
    out = _stroke(out, generator, cfg)
    out = _blur(out, generator, cfg)
    return out.clamp_(0, 1)


def _uniform(b: int, lo: float, hi: float, g: torch.Generator) -> torch.Tensor:
    return torch.rand(b, generator=g) * (hi - lo) + lo


def _affine(x: torch.Tensor, g: torch.Generator, cfg: AugmentConfig) -> torch.Tensor:
    b = x.shape[0]
    angle = _uniform(b, -cfg.rotate, cfg.rotate, g) * math.pi / 180
    scale = _uniform(b, *cfg.scale, g)
    shear = _uniform(b, -cfg.shear, cfg.shear, g)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1] = cos, -sin + shear
    theta[:, 1, 0], theta[:, 1, 1] = sin, cos
    theta[:, :, 2] = _uniform(2 * b, -cfg.shift, cfg.shift, g).view(b, 2)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _stroke(x: torch.Tensor, g: torch.Generator, cfg: AugmentConfig) -> torch.Tensor:
    r = torch.rand(x.shape[0], generator=g).view(-1, 1, 1, 1)
    thick = torch.maximum(x, 0.8 * F.max_pool2d(x, 3, 1, 1))
    thin = -F.max_pool2d(-x, 2, 1, 0)
    thin = F.pad(thin, (0, 1, 0, 1))
    out = torch.where(r < cfg.p_thick, thick, x)
    return torch.where((r >= cfg.p_thick) & (r < cfg.p_thick + cfg.p_thin), torch.maximum(thin, 0.5 * x), out)


def _blur(x: torch.Tensor, g: torch.Generator, cfg: AugmentConfig) -> torch.Tensor:
    k = torch.tensor([0.25, 0.5, 0.25])
    kernel = (k[:, None] * k[None, :]).view(1, 1, 3, 3)
    blurred = F.conv2d(x, kernel, padding=1)
    pick = (torch.rand(x.shape[0], generator=g) < cfg.p_blur).view(-1, 1, 1, 1)
    return torch.where(pick, blurred, x)
