"""Preparing many small digit images at once (CSV rows, MNIST), array by array.

Gives exactly what :func:`detector.preprocess.prepare_digit` gives image by image; the
grey levels, polarity, ink map and ink box are computed for the whole stack, and crops
of one shape are resized together.
"""

from __future__ import annotations

import functools

import numpy as np

from detector.config import ModelConfig
from detector.errors import InputError
from detector.preprocess import (
    DEFAULT_CONFIG,
    dark_on_light,
    fit_to_canvas,
    is_mnist_format,
    prepare_digit,
    resize,
    ring,
)


def prepare_batch(images: np.ndarray, config: ModelConfig | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Prepare many small digit images at once (CSV rows, MNIST).

    Gives the same result as :func:`prepare_digit` on each image: the grey levels,
    polarity, ink map and ink box are computed for the whole stack in a few array
    operations; only the resize of each crop runs per image.

    Args:
        images: (N, H, W) grayscale, any polarity.
        config: The model's preprocessing numbers; today's defaults when None.

    Returns:
        (float32 (N, input_size, input_size) inputs, bool (N,) mask of non-blank
        images); blank ones are left as zeros.

    Raises:
        InputError: ``images`` is not a stack of pictures.
    """
    config = config or DEFAULT_CONFIG
    images = _checked_batch(images)
    out = np.zeros((len(images), config.input_size, config.input_size), dtype=np.float32)
    if images.ndim != 3 or min(images.shape[1:], default=0) <= 2 or len(images) == 0:
        found = np.zeros(len(images), dtype=bool)
        for i, image in enumerate(images):
            prepared = prepare_digit(image, config)
            if prepared is not None:
                out[i], found[i] = prepared[0], True
        return out, found
    gray = _gray_stack(images)
    ink = _ink_stack(gray, config)
    boxes, found = _box_stack(ink)
    bright = np.where(dark_on_light(gray)[:, None, None], 1.0 - gray, gray)
    as_is = found & is_mnist_format(bright, config)  # already MNIST inputs: as they are
    if as_is.any():
        out[as_is] = bright[as_is]
    _fit_stack(out, ink, boxes, found & ~as_is, config)
    return out, found


def _fit_stack(out: np.ndarray, ink: np.ndarray, boxes: np.ndarray, found: np.ndarray, config: ModelConfig) -> None:
    """:func:`fit_to_canvas` of every found crop into ``out``, crops of one shape resized together."""
    groups: dict[tuple[int, int], list[int]] = {}
    for i in np.flatnonzero(found):
        groups.setdefault((int(boxes[i, 3]), int(boxes[i, 2])), []).append(int(i))
    for (h, w), index in groups.items():
        crops = np.stack([ink[i, y : y + h, x : x + w] for i, (x, y) in zip(index, boxes[index, :2], strict=True)])
        patch = _resize_stack(crops, config.digit_box)
        if patch is None:  # a Pillow that resizes some other way: one at a time
            out[index] = [fit_to_canvas(crop, config) for crop in crops]
        else:
            _place_stack(out, np.asarray(index), patch)


def _checked_batch(images: object) -> np.ndarray:
    """Return ``images`` as an (N, H, W) or (N, H, W, C) array of real numbers, else raise InputError."""
    try:
        arr = np.asarray(images)
    except (ValueError, TypeError) as err:  # images of different sizes in one list
        raise InputError(f"a batch must hold images of one size ({err}); prepare them one by one") from err
    if arr.ndim not in (3, 4) or arr.dtype.kind not in "biuf":
        raise InputError(f"a batch must be (N, H, W) or (N, H, W, 3) numbers, got {arr.dtype} {arr.shape}")
    return arr


def _gray_stack(images: np.ndarray) -> np.ndarray:
    """`to_gray` of every 2-D image in an (N, H, W) stack."""
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    if images.dtype == np.uint16:
        return images.astype(np.float32) / 65535.0
    with np.errstate(over="ignore", invalid="ignore"):  # huge floats become inf, then 1, as in to_gray
        arr = np.nan_to_num(images.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
    wide = arr.max(axis=(1, 2), initial=0) > 1.0  # this image holds 0..255 values
    return np.clip(np.where(wide[:, None, None], arr / 255.0, arr), 0, 1)


def _ink_stack(gray: np.ndarray, config: ModelConfig) -> np.ndarray:
    """:func:`digit_ink` of every image in an (N, H, W) stack (same float32 steps)."""
    x = np.where(dark_on_light(gray)[:, None, None], 1.0 - gray, gray)
    background = np.median(ring(x), axis=-1).astype(np.float64)
    top = x.max(axis=(1, 2)).astype(np.float64)
    spread = top - background
    floor = background + config.ink_margin * spread
    # digit_ink subtracts and divides by Python floats: float32 operations on float32 casts.
    blank = spread < config.min_digit_contrast
    span = np.where(blank, 1.0, top - floor).astype(np.float32)
    ink = np.clip((x - floor.astype(np.float32)[:, None, None]) / span[:, None, None], 0, 1).astype(np.float32)
    ink[blank] = 0.0
    return ink


def _box_stack(ink: np.ndarray, level: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ink_box` of every image: ((N, 4) int boxes x, y, w, h; (N,) found mask)."""
    rows, cols = (ink > level).any(axis=2), (ink > level).any(axis=1)
    found = rows.any(axis=1)
    y0, x0 = rows.argmax(axis=1), cols.argmax(axis=1)
    y1 = rows.shape[1] - rows[:, ::-1].argmax(axis=1)
    x1 = cols.shape[1] - cols[:, ::-1].argmax(axis=1)
    return np.stack([x0, y0, x1 - x0, y1 - y0], axis=1), found


def _resize_pass(stack: np.ndarray, size_out: int, axis: int) -> np.ndarray:
    """Pillow BILINEAR along one axis (1: rows, 2: columns) of (n, h, w) in one call.

    The crops are laid side by side (or stacked) into one image: a one-axis Pillow pass
    treats every row (or column) on its own, so each crop comes out as if alone.
    """
    n, h, w = stack.shape
    if axis == 2:
        return resize(stack.reshape(n * h, w), (n * h, size_out)).reshape(n, h, size_out)
    wide = stack.transpose(1, 0, 2).reshape(h, n * w)
    return resize(wide, (size_out, n * w)).reshape(size_out, n, w).transpose(1, 0, 2)


def _two_pass(stack: np.ndarray, size: tuple[int, int], order: str) -> np.ndarray:
    """Resize (n, h, w) to (n, *size) one axis at a time, rows first ("vh") or columns first ("hv")."""
    for axis in (1, 2) if order == "vh" else (2, 1):
        if stack.shape[axis] != size[axis - 1]:
            stack = _resize_pass(stack, size[axis - 1], axis)
    return stack


@functools.lru_cache(maxsize=4096)
def _pass_order(h: int, w: int, ph: int, pw: int) -> str | None:
    """Which pass Pillow runs first for this resize ("hv" or "vh"), probed once; None if neither matches.

    This ties the batch path to how Pillow orders its two passes (it is not documented),
    which is why the probe checks rather than assumes; a Pillow that does otherwise makes
    :func:`prepare_batch` fall back to one crop at a time, never give other pixels.
    """
    probe = np.random.default_rng(h * 1000 + w).random((h, w), dtype=np.float32)
    want = resize(probe, (ph, pw))
    for order in ("hv", "vh"):
        if np.array_equal(_two_pass(probe[None], (ph, pw), order)[0], want):
            return order
    return None


def _resize_stack(crops: np.ndarray, digit_box: int) -> np.ndarray | None:
    """:func:`fit_to_canvas`'s resize of same-shape crops (n, h, w), clipped to 0..1; None if unsure."""
    h, w = crops.shape[1:]
    factor = digit_box / max(h, w)
    ph, pw = max(1, round(h * factor)), max(1, round(w * factor))
    if (ph, pw) == (h, w):
        return np.clip(crops, 0, 1)
    order = _pass_order(h, w, ph, pw)
    return None if order is None else np.clip(_two_pass(crops, (ph, pw), order), 0, 1)


def _place_stack(out: np.ndarray, index: np.ndarray, patch: np.ndarray) -> None:
    """Centre same-shape patches (n, ph, pw) by mass into ``out[index]``, as :func:`fit_to_canvas`."""
    n, ph, pw = patch.shape
    mass = patch.reshape(n, -1).sum(axis=1)
    moments = (np.indices((ph, pw))[None] * patch[:, None]).reshape(n, 2, -1).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.where(mass[:, None] > 0, moments / mass[:, None], [ph / 2, pw / 2])
    side = out.shape[-1]
    top = np.clip(np.rint(side / 2 - centre[:, 0]), 0, side - ph).astype(np.intp)
    left = np.clip(np.rint(side / 2 - centre[:, 1]), 0, side - pw).astype(np.intp)
    rows = top[:, None, None] + np.arange(ph)[None, :, None]
    cols = left[:, None, None] + np.arange(pw)[None, None, :]
    out[index[:, None, None], rows, cols] = patch
