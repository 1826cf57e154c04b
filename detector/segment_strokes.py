"""Segmentation step 5: cut one digit's ink out and give it MNIST-like strokes.

A pen line on a big photo is a hair-thin line once the digit is shrunk to 20 px, while
MNIST strokes are about a fifth of the digit's size. Thin strokes are thickened here.
"""

from __future__ import annotations

import numpy as np

from detector.segment_ink import resize

SIDE = 40  # the digit is resampled so that its longer side is this long
THIN = 0.11  # strokes thinner than this fraction of the longer side are thickened ...
TARGET = 0.16  # ... to about this (MNIST digits measure about 0.19 the same way)


def stroke_width(ink: np.ndarray) -> float:
    """Estimate the stroke width in pixels: ink mass per pixel of the strokes' centre lines."""
    from scipy import ndimage

    top = float(ink.max())
    if top <= 0:
        return 0.0
    mask = ink > 0.3 * top
    dist = ndimage.distance_transform_edt(mask)
    ridge = mask & (dist >= ndimage.maximum_filter(dist, size=3))
    return float(ink.sum() / top / max(1, ridge.sum()))


def _scaled(ink: np.ndarray) -> np.ndarray:
    h, w = ink.shape
    factor = SIDE / max(h, w)
    if factor >= 1:
        return ink
    return resize(ink, (max(1, round(h * factor)), max(1, round(w * factor))))


def _disk(diameter: int) -> np.ndarray:
    r = (diameter - 1) / 2
    yy, xx = np.mgrid[:diameter, :diameter]
    return (yy - r) ** 2 + (xx - r) ** 2 <= r * r + 0.5


def even_strokes(ink: np.ndarray) -> np.ndarray:
    """Return a bright-on-black digit crop with strokes at least MNIST-like in width.

    Args:
        ink: float32 (h, w) ink of one digit, 0..1.

    Returns:
        float32 crop in 0..1, at most ``SIDE`` px on its longer side when it was thickened.
    """
    from scipy import ndimage

    small = _scaled(ink)
    side = max(small.shape)
    width = stroke_width(small)
    if width <= 0 or width >= THIN * side:
        return ink.astype(np.float32)
    strong = float(np.percentile(small[small > 0.3 * small.max()], 50))  # thin lines lost contrast when shrunk
    small = np.clip(small / max(strong, 1e-3), 0, 1)
    grow = round(TARGET * side - width)
    pad = grow // 2 + 1
    small = np.pad(small, pad)
    return ndimage.grey_dilation(small, footprint=_disk(grow + 1)).astype(np.float32)
