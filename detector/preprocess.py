"""Pixel maths: turn a single-digit image into the model's 28x28 input, MNIST style.

Every function takes arrays, never modifies them, and returns new ones.
"""

from __future__ import annotations

import numpy as np

from detector.errors import InputError

DIGIT_BOX = 20  # MNIST scaled each digit so its longer side is 20 px ...
CANVAS = 28  # ... and centred it by centre of mass in 28 x 28.
MIN_CONTRAST = 0.08  # below this spread between paper and ink there is no digit
INK_MARGIN = 0.15  # fraction of the ink range treated as paper texture and dropped


def checked_pixels(image) -> np.ndarray:
    """Return ``image`` as an array if it can be a picture, else raise InputError.

    A picture is real numbers (bool, int, float) of shape (H, W), (H, W, 3|4) or
    (H, W, 1|2), where grey (+ alpha) becomes (H, W); H and W at least 1.
    """
    try:
        arr = np.asarray(image)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise InputError(f"these pixels are not a rectangular array ({err}); pass one 2-D image") from err
    if arr.dtype.kind not in "biuf":
        raise InputError(f"pixels of type {arr.dtype} are not an image; pass numbers (uint8 0-255 or float 0-1)")
    if arr.ndim == 3 and arr.shape[-1] in (1, 2):
        arr = arr[..., 0]  # grey (+ alpha): the grey channel is the picture
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise InputError(f"pixels of shape {arr.shape} are not an image; pass (H, W) grey or (H, W, 3) colour")
    if arr.size == 0:
        raise InputError(f"the image of shape {arr.shape} has no pixels; pass an image at least 1x1")
    return arr


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return float32 grayscale in 0..1 from uint8/uint16/bool/float, 2-D or RGB(A).

    Raises:
        InputError: ``image`` is not a picture (see :func:`checked_pixels`).
    """
    arr = checked_pixels(image)
    with np.errstate(over="ignore", invalid="ignore"):  # huge floats become inf, then 1
        if arr.ndim == 3:
            lum = arr[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
            lum = np.nan_to_num(lum, nan=0.0, posinf=np.inf, neginf=0.0)
            scale = {np.uint8: 255.0, np.uint16: 65535.0}.get(arr.dtype.type)
            if scale is None:  # float or other ints: 0..1 or 0..255, like grey images
                scale = 255.0 if lum[np.isfinite(lum)].max(initial=0) > 1.0 else 1.0
            return np.clip(np.nan_to_num(lum / scale, posinf=1.0), 0, 1).astype(np.float32)
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

    Raises:
        InputError: ``gray`` is not a 2-D array of real numbers with at least one pixel.
    """
    gray = _checked_gray(gray)
    x = 1.0 - gray if is_dark_on_light(gray) else gray
    background = float(np.median(border(x)))
    top = float(x.max())
    spread = top - background
    if spread < MIN_CONTRAST:
        return np.zeros_like(x, dtype=np.float32)
    floor = background + INK_MARGIN * spread
    with np.errstate(over="ignore", invalid="ignore"):  # only reached with absurd values (1e308)
        out = np.clip((x - floor) / (top - floor), 0, 1).astype(np.float32)
    return out if np.isfinite(out).all() else np.nan_to_num(out, nan=0.0)


def _checked_gray(gray) -> np.ndarray:
    """Return a 2-D real array without NaN or inf (replaced by 0, 1 and 0) for :func:`ink_map`."""
    arr = checked_pixels(gray)
    if arr.ndim != 2:
        raise InputError(f"ink_map needs one grey channel, got shape {arr.shape}; convert with to_gray first")
    if arr.dtype.kind == "b":
        return arr.astype(np.float32)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        return np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=0.0)
    return arr


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

    Raises:
        InputError: ``ink`` is not a non-empty 2-D array.
    """
    from PIL import Image

    ink = np.asarray(ink)
    if ink.ndim != 2 or ink.size == 0:
        raise InputError(f"a digit crop must be a non-empty 2-D array, got shape {ink.shape}")

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


def normalize(batch: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Return (batch - mean) / std as float32, shape unchanged."""
    return ((np.asarray(batch, dtype=np.float32) - mean) / std).astype(np.float32)
