"""Pixel maths: turn a single-digit image into the model's 28x28 input, MNIST style.

Every function takes arrays, never modifies them, and returns new ones.
"""

from __future__ import annotations

import numpy as np

DIGIT_BOX = 20  # MNIST scaled each digit so its longer side is 20 px ...
CANVAS = 28  # ... and centred it by centre of mass in 28 x 28.
MIN_CONTRAST = 0.08  # below this spread between paper and ink there is no digit
INK_MARGIN = 0.15  # fraction of the ink range treated as paper texture and dropped


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return float32 grayscale in 0..1 from uint8/uint16/bool/float, 2-D or RGB(A)."""
    arr = np.asarray(image)
    if arr.ndim == 3:
        arr = arr[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        scale = 255.0 if np.asarray(image).dtype == np.uint8 else 1.0
        return np.clip(arr / scale, 0, 1).astype(np.float32)
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / 255.0
    if arr.dtype == np.uint16:
        return arr.astype(np.float32) / 65535.0
    arr = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
    return np.clip(arr / 255.0 if arr.max(initial=0) > 1.0 else arr, 0, 1)


def border(image: np.ndarray) -> np.ndarray:
    """Return the outermost ring of pixels of a 2-D array as a flat array."""
    if min(image.shape) <= 2:
        return image.ravel()
    return np.concatenate([image[0], image[-1], image[1:-1, 0], image[1:-1, -1]])


def is_dark_on_light(gray: np.ndarray) -> bool:
    """Decide polarity: True when the background (the border) is lighter than the ink."""
    lo, hi = np.percentile(gray, [1, 99])
    return float(np.median(border(gray))) > (lo + hi) / 2


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Return the ink as bright on black: background exactly 0, strongest ink 1.

    Args:
        gray: float32 (H, W) in 0..1, either polarity.

    Returns:
        float32 (H, W); all zeros when the image holds no visible ink.
    """
    x = 1.0 - gray if is_dark_on_light(gray) else gray
    background = float(np.median(border(x)))
    top = float(x.max())
    spread = top - background
    if spread < MIN_CONTRAST:
        return np.zeros_like(x, dtype=np.float32)
    floor = background + INK_MARGIN * spread
    return np.clip((x - floor) / (top - floor), 0, 1).astype(np.float32)


def ink_box(ink: np.ndarray, level: float = 0.05) -> tuple[int, int, int, int] | None:
    """Return the (x, y, w, h) box around pixels brighter than ``level``, or None."""
    rows = np.flatnonzero((ink > level).any(axis=1))
    cols = np.flatnonzero((ink > level).any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)


def fit_to_canvas(ink: np.ndarray) -> np.ndarray:
    """Scale a cropped ink patch to 20 px on its longer side and centre it by mass.

    Args:
        ink: float32 (h, w) bright-on-black crop, tight around the digit.

    Returns:
        float32 (28, 28) in 0..1.
    """
    from PIL import Image

    h, w = ink.shape
    factor = DIGIT_BOX / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    patch = np.asarray(
        Image.fromarray(np.ascontiguousarray(ink, dtype=np.float32), mode="F").resize(size, Image.BILINEAR)
    )
    patch = np.clip(patch, 0, 1)
    mass = patch.sum()
    ph, pw = patch.shape
    cy, cx = (np.indices(patch.shape) * patch).reshape(2, -1).sum(axis=1) / mass if mass > 0 else (ph / 2, pw / 2)
    top = int(np.clip(round(CANVAS / 2 - cy), 0, CANVAS - ph))
    left = int(np.clip(round(CANVAS / 2 - cx), 0, CANVAS - pw))
    canvas = np.zeros((CANVAS, CANVAS), dtype=np.float32)
    canvas[top : top + ph, left : left + pw] = patch
    return canvas


def prepare_digit(image: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """Turn one digit image of any polarity into MNIST-style model input.

    Args:
        image: A single digit, 2-D or RGB(A), any dtype.

    Returns:
        (float32 (28, 28) in 0..1, ink box (x, y, w, h) in the image's pixels), or
        None when the image is blank.
    """
    ink = ink_map(to_gray(image))
    box = ink_box(ink)
    if box is None:
        return None
    x, y, w, h = box
    return fit_to_canvas(ink[y : y + h, x : x + w]), box


def prepare_batch(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Prepare many small digit images at once (CSV rows, MNIST).

    Args:
        images: (N, H, W) grayscale, any polarity.

    Returns:
        (float32 (N, 28, 28) inputs, bool (N,) mask of non-blank images); blank ones
        are left as zeros.
    """
    out = np.zeros((len(images), CANVAS, CANVAS), dtype=np.float32)
    found = np.zeros(len(images), dtype=bool)
    for i, image in enumerate(images):
        prepared = prepare_digit(image)
        if prepared is not None:
            out[i], found[i] = prepared[0], True
    return out, found


def normalize(batch: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Return (batch - mean) / std as float32, shape unchanged."""
    return ((np.asarray(batch, dtype=np.float32) - mean) / std).astype(np.float32)
