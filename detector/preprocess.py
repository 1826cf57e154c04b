"""Pixel maths: turn a single-digit image into the model's 28x28 input, MNIST style.

Every function takes arrays, never modifies them, and returns new ones. The numbers that
define the input (digit box, canvas, ink margin, contrast floor) come from the model's
:class:`~detector.config.ModelConfig`; MNIST scaled each digit to 20 px on its longer
side and centred it by centre of mass in 28 x 28.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from detector.config import ModelConfig
from detector.errors import InputError

DEFAULT_CONFIG = ModelConfig()  # the preprocessing of every model trained so far


def checked_pixels(image: object) -> np.ndarray:
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

    A float32 (H, W) array already in 0..1 is returned as it is, not copied.

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
        if arr.dtype == np.float32 and arr.min() >= 0.0 and arr.max() <= 1.0:  # NaN fails both: cleaned below
            return arr  # already grey in 0..1 (a picture read by detector.io): nothing to clean
        arr = np.nan_to_num(arr.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        return np.clip(arr / 255.0 if arr.max(initial=0) > 1.0 else arr, 0, 1)


def ring(image: np.ndarray, width: int = 1) -> np.ndarray:
    """Return the pixels within ``width`` of the edge, each once, flattened per picture.

    Takes one picture (H, W) -> (n,) or a stack (N, H, W) -> (N, n); a picture too small
    for a ring of that width is returned whole.

    Example:
        >>> ring(np.arange(9).reshape(3, 3)).tolist()
        [0, 1, 2, 6, 7, 8, 3, 5]
    """
    lead, (h, w) = image.shape[:-2], image.shape[-2:]
    if min(h, w) <= 2 * width:
        return image.reshape(*lead, -1)
    k = width
    sides = (image[..., :k, :], image[..., -k:, :], image[..., k:-k, :k], image[..., k:-k, -k:])
    return np.concatenate([side.reshape(*lead, -1) for side in sides], axis=-1)


def every_other(image: np.ndarray) -> np.ndarray:
    """Every other pixel of every other row (64 px or more): the same percentiles, a quarter of the sorting."""
    return image[::2, ::2] if min(image.shape) >= 64 else image


def dark_on_light(gray: np.ndarray, strategy: Literal["border", "page"] = "border") -> bool | np.ndarray:
    """Decide polarity: True when the paper is nearer the light end than the ink.

    Ink is the sparse extreme on the far side from the paper; the paper level is compared
    with the middle of the 1st and 99th percentiles, which stays right under a lighting
    gradient (splitting the picture in two classes, as Otsu does, would split the paper).

    Args:
        gray: (H, W) grey levels, or a stack (N, H, W) with ``strategy="border"``.
        strategy: Where the paper level is taken. ``"border"``: the median of the outer
            ring of pixels, right for a crop around one digit. ``"page"``: the mean of the
            median of a border band (a twentieth of the shorter side) and of the whole
            picture, for a photo; either alone is fooled (a border by bricks around a
            door, the whole picture by large bold digits).

    Returns:
        A bool for one picture; a bool array (N,) for a stack.

    Example:
        >>> page = np.ones((28, 28)); page[8:20, 12:16] = 0.0  # a dark bar on white
        >>> dark_on_light(page), dark_on_light(1 - page)
        (True, False)
    """
    if strategy == "border":
        lo, hi = np.percentile(gray, [1, 99], axis=(-2, -1))
        light = np.median(ring(gray), axis=-1) > (lo + hi) / 2
        return bool(light) if light.ndim == 0 else light
    if strategy != "page":
        raise ValueError(f"strategy must be 'border' or 'page', not {strategy!r}")
    sample = every_other(gray)
    lo, hi = np.percentile(sample, [1, 99])
    paper = (float(np.median(ring(gray, max(1, min(gray.shape) // 20)))) + float(np.median(sample))) / 2
    return bool(paper > (lo + hi) / 2)


def resize(image: np.ndarray, shape: tuple[int, int], resample: str = "bilinear") -> np.ndarray:
    """Return a 2-D array resampled by Pillow to ``shape`` (h, w), as float32.

    Pillow's 32-bit float mode ("F") keeps the values as they are (no 8-bit rounding);
    its bilinear filter widens when shrinking, so it also antialiases.

    Args:
        image: (H, W) real numbers.
        shape: (h, w) of the result.
        resample: A Pillow filter by name: "nearest", "box", "bilinear", "bicubic", ...

    Example:
        >>> resize(np.ones((4, 6)), (2, 3)).shape
        (2, 3)
    """
    from PIL import Image  # Pillow is only needed once a picture is resized

    if image.shape == tuple(shape):
        return image.astype(np.float32)
    pil = Image.fromarray(np.ascontiguousarray(image, dtype=np.float32), mode="F")
    return np.asarray(pil.resize((shape[1], shape[0]), Image.Resampling[resample.upper()]), dtype=np.float32)


def digit_ink(gray: np.ndarray, config: ModelConfig | None = None) -> np.ndarray:
    """Return the ink of a crop around one digit as bright on black: paper exactly 0, strongest ink 1.

    The paper level is the median of the crop's outer ring and one linear stretch maps it
    (plus ``config.ink_margin`` of the range, paper texture) to 0 and the strongest ink to
    1: global levels, right for a small crop under even light. Segmentation evens out the
    light of a whole photo first (:func:`detector.segment.ink.page_ink`).

    Args:
        gray: float32 (H, W) in 0..1, either polarity.
        config: The model's preprocessing numbers; today's defaults when None.

    Returns:
        float32 (H, W); all zeros when the image holds no visible ink.

    Raises:
        InputError: ``gray`` is not a 2-D array of real numbers with at least one pixel.
    """
    config = config or DEFAULT_CONFIG
    gray = _checked_gray(gray)
    x = 1.0 - gray if dark_on_light(gray) else gray
    background = float(np.median(ring(x)))
    top = float(x.max())
    spread = top - background
    if spread < config.min_digit_contrast:
        return np.zeros_like(x, dtype=np.float32)
    floor = background + config.ink_margin * spread
    with np.errstate(over="ignore", invalid="ignore"):  # only reached with absurd values (1e308)
        out = np.clip((x - floor) / (top - floor), 0, 1).astype(np.float32)
    return out if np.isfinite(out).all() else np.nan_to_num(out, nan=0.0)


def _checked_gray(gray: np.ndarray) -> np.ndarray:
    """Return a 2-D real array without NaN or inf (replaced by 0, 1 and 0) for :func:`digit_ink`."""
    arr = checked_pixels(gray)
    if arr.ndim != 2:
        raise InputError(f"digit_ink needs one grey channel, got shape {arr.shape}; convert with to_gray first")
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


def fit_to_canvas(ink: np.ndarray, config: ModelConfig | None = None) -> np.ndarray:
    """Scale a cropped ink patch to ``digit_box`` px on its longer side and centre it by mass.

    Args:
        ink: float32 (h, w) bright-on-black crop, tight around the digit.
        config: The model's preprocessing numbers; today's defaults (20 px in 28 x 28)
            when None.

    Returns:
        float32 (input_size, input_size) in 0..1.

    Raises:
        InputError: ``ink`` is not a non-empty 2-D array.
    """
    config = config or DEFAULT_CONFIG
    ink = np.asarray(ink)
    if ink.ndim != 2 or ink.size == 0:
        raise InputError(f"a digit crop must be a non-empty 2-D array, got shape {ink.shape}")

    h, w = ink.shape
    factor = config.digit_box / max(h, w)
    patch = np.clip(resize(ink, (max(1, round(h * factor)), max(1, round(w * factor)))), 0, 1)
    mass = patch.sum()
    ph, pw = patch.shape
    cy, cx = (np.indices(patch.shape) * patch).reshape(2, -1).sum(axis=1) / mass if mass > 0 else (ph / 2, pw / 2)
    side = config.input_size
    top = int(np.clip(round(side / 2 - cy), 0, side - ph))
    left = int(np.clip(round(side / 2 - cx), 0, side - pw))
    canvas = np.zeros((side, side), dtype=np.float32)
    canvas[top : top + ph, left : left + pw] = patch
    return canvas


# An input already in MNIST's own format (``is_mnist_format``) goes to the network as it is:
# re-centring and re-stretching it measured worse (MNIST test: 99.77 % as is, 99.71 % prepared
# with the 10-class model; 99.73 % and 99.64 % with the shipped 11-class one).
MNIST_BACKGROUND = 0.05  # the border pixels of an MNIST digit are black: at most this bright ...
MNIST_CENTRE = 1.0  # ... its centre of mass is within this many px of the canvas's middle ...
MNIST_SIDE = 1  # ... and its ink box's longer side is within this many px of ``digit_box``


def is_mnist_format(x: np.ndarray, config: ModelConfig | None = None) -> np.ndarray:
    """True for each bright-on-black picture that is already an MNIST input: canvas-sized, black border,
    the digit ``digit_box`` px on its longer side and centred by mass (as MNIST's makers did).

    Args:
        x: float (H, W) or (N, H, W) in 0..1, ink bright.
        config: The model's preprocessing numbers; today's defaults when None.

    Returns:
        bool, () for one picture or (N,) for a stack.
    """
    config = config or DEFAULT_CONFIG
    x = np.asarray(x, dtype=np.float32)
    size = config.input_size
    if x.shape[-2:] != (size, size):
        return np.zeros(x.shape[:-2], dtype=bool)
    ink = x > 0.05
    rows, cols = ink.any(axis=-1), ink.any(axis=-2)
    h = size - rows.argmax(axis=-1) - rows[..., ::-1].argmax(axis=-1)
    w = size - cols.argmax(axis=-1) - cols[..., ::-1].argmax(axis=-1)
    mass = x.sum(axis=(-2, -1))
    centre = np.arange(size, dtype=np.float32)
    cy = (x.sum(axis=-1) * centre).sum(axis=-1) / np.maximum(mass, 1e-6)
    cx = (x.sum(axis=-2) * centre).sum(axis=-1) / np.maximum(mass, 1e-6)
    return (
        rows.any(axis=-1)
        & (ring(x).max(axis=-1) <= MNIST_BACKGROUND)
        & (np.abs(np.maximum(h, w) - config.digit_box) <= MNIST_SIDE)
        & (np.abs(cy - size / 2) <= MNIST_CENTRE)
        & (np.abs(cx - size / 2) <= MNIST_CENTRE)
    )


def prepare_digit(
    image: np.ndarray, config: ModelConfig | None = None
) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """Turn one digit image of any polarity into MNIST-style model input.

    A picture already in MNIST's format (:func:`is_mnist_format`, after its polarity is
    set) is returned as it is.

    Args:
        image: A single digit, 2-D or RGB(A), any dtype.
        config: The model's preprocessing numbers; today's defaults when None.

    Returns:
        (float32 (input_size, input_size) in 0..1, ink box (x, y, w, h) in the image's
        pixels), or None when the image is blank.
    """
    gray = to_gray(image)
    ink = digit_ink(gray, config)
    box = ink_box(ink)
    if box is None:
        return None
    bright = 1.0 - gray if dark_on_light(gray) else gray
    if is_mnist_format(bright, config):
        return bright.astype(np.float32), box
    x, y, w, h = box
    return fit_to_canvas(ink[y : y + h, x : x + w], config), box


def normalize(batch: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Return (batch - mean) / std as float32, shape unchanged."""
    return ((np.asarray(batch, dtype=np.float32) - mean) / std).astype(np.float32)
