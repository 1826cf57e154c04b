"""Segmentation step 5: give one digit's ink MNIST-like strokes.

A pen line on a big photo is a hair-thin line once the digit is shrunk to 20 px, while
MNIST strokes are about a seventh of the digit's size. Thin strokes are thickened here: the
digit's mask is max-pooled (which keeps a thin line whole, unlike averaging) to about
``SIDE`` px and dilated until its strokes are MNIST-like, so faint and dark parts of
one pen line come out alike.
"""

from __future__ import annotations

import numpy as np

from detector.segment.blobs import Blob

SIDE = 40  # large crops are max-pooled down to about this many px on the longer side
THIN = 0.09  # strokes thinner than this fraction of the longer side are thickened ...
SOFTEN = 0.5  # Gaussian blur (px of a 20 px digit) of widened strokes, as MNIST's antialiasing
TARGET = 0.14  # ... to about this (MNIST strokes measure 0.10-0.34, median 0.2, the same way)
SATURATE = 0.6  # fraction of a digit's strong ink level that is drawn at full brightness
FLOOR = 0.25  # ... and the fraction below which its ink is dropped


def stroke_width(ink: np.ndarray) -> float:
    """Estimate the stroke width in pixels: stroke area per pixel of the strokes' centre lines."""
    from scipy import ndimage

    mask = ink > 0.3 * float(ink.max(initial=0))
    if not mask.any():
        return 0.0
    dist = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    ridge = mask & (dist >= ndimage.maximum_filter(dist, size=3))
    return float(mask.sum() / max(1, ridge.sum()))


def max_pool(ink: np.ndarray, side: int = SIDE) -> np.ndarray:
    """Shrink by a whole factor so the longer side is about ``side``, keeping each block's maximum."""
    f = max(1, max(ink.shape) // side)
    if f == 1:
        return ink
    h, w = ink.shape
    padded = np.zeros((-(-h // f) * f, -(-w // f) * f), dtype=np.float32)
    padded[:h, :w] = ink
    return padded.reshape(padded.shape[0] // f, f, padded.shape[1] // f, f).max(axis=(1, 3))


def _disk(diameter: int) -> np.ndarray:
    r = (diameter - 1) / 2
    yy, xx = np.mgrid[:diameter, :diameter]
    return (yy - r) ** 2 + (xx - r) ** 2 <= r * r + 0.5


def even_strokes(ink: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Return a bright-on-black digit crop whose strokes are at least MNIST-like in width.

    Args:
        ink: float32 (h, w) ink of one digit, 0..1.
        mask: bool (h, w) its thresholded strokes.

    Returns:
        ``ink`` itself when its strokes are wide enough; otherwise the strokes of ``mask``
        max-pooled to about ``SIDE`` px, widened and softened like MNIST's pen.
    """
    from scipy import ndimage

    small = max_pool(mask.astype(np.float32))
    side = max(small.shape)
    width = stroke_width(small)
    if width <= 0 or width >= THIN * side:
        return ink.astype(np.float32)
    grow = round(TARGET * side - width)
    small = np.pad(small, grow // 2 + 2)
    wide = ndimage.binary_dilation(small > 0, structure=_disk(grow + 1)).astype(np.float32)
    return ndimage.gaussian_filter(wide, SOFTEN * side / 20).astype(np.float32)


def cut_digit(ink: np.ndarray, blob: Blob) -> np.ndarray:
    """Return the blob's ink, other ink masked out, scaled so its strongest strokes are 1."""
    from scipy import ndimage

    own = ndimage.binary_dilation(blob.mask)  # keep the soft edge of the strokes
    crop = np.where(own, ink[blob.y0 : blob.y1, blob.x0 : blob.x1], 0.0)
    # MNIST strokes are mostly saturated and its paper is clean: ink at 60 % of the strong
    # strokes counts as full, ink below a quarter of them (tinted paper, glare) as paper.
    level = float(np.percentile(crop[blob.mask], 90)) if blob.mask.any() else 1.0
    low, high = FLOOR * level, SATURATE * level
    return even_strokes(np.clip((crop - low) / max(high - low, 1e-3), 0, 1).astype(np.float32), blob.mask)
