"""Finding the digits in a picture larger than 32 px: threshold, components, order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.preprocess import ink_map


@dataclass(frozen=True)
class DigitCrop:
    """One digit found in a picture.

    Attributes:
        ink: float32 (h, w) bright-on-black ink of this digit only (other ink masked out).
        box: (x, y, w, h) in the pixels of the array that was segmented.
        line: Text line index, top to bottom.
    """

    ink: np.ndarray
    box: tuple[int, int, int, int]
    line: int


def find_digits(gray: np.ndarray) -> list[DigitCrop]:
    """Return the digits of a grayscale picture in reading order.

    Args:
        gray: float32 (H, W) in 0..1, either polarity.

    Returns:
        Crops ordered line by line, left to right; empty when there is no digit.
    """
    from scipy import ndimage

    ink = ink_map(gray)
    mask = ink > 0.25
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n == 0:
        return []
    slices = ndimage.find_objects(labels)
    h = gray.shape[0]
    crops = []
    for k, sl in enumerate(slices, start=1):
        ys, xs = sl
        bh, bw = ys.stop - ys.start, xs.stop - xs.start
        if bh < max(6, 0.1 * h) or (labels[sl] == k).sum() < 12:
            continue
        piece = np.where(labels[sl] == k, ink[sl], 0).astype(np.float32)
        crops.append(DigitCrop(piece, (xs.start, ys.start, bw, bh), 0))
    return sorted(crops, key=lambda c: (c.line, c.box[0]))
