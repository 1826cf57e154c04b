"""Segmentation step 1: a working copy of the picture, its ink map and an ink mask.

Lighting is evened out by dividing by a background estimated on a small copy, the
polarity is decided per picture, and the mask is thresholded with Otsu plus hysteresis
so that faint parts of a stroke stay attached to its dark parts.
"""

from __future__ import annotations

import numpy as np

WORK_SIDE = 1200  # longer side of the working copy of a large photo
MIN_WORK_SIDE = 96  # tiny crops are enlarged so that strokes span a few pixels
BACKGROUND_SIDE = 128  # the background is estimated on a copy this large
MIN_CONTRAST = 0.12  # ink must be at least this much darker (or lighter) than the paper
DARK_PAPER = 0.3  # paper darker than this is not brightened further
LOW_FRACTION = 0.5  # hysteresis: weak ink counts when it touches ink above the Otsu level


def resize(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Return float32 ``image`` resampled (antialiased bilinear) to ``shape`` (h, w)."""
    from PIL import Image

    if image.shape == shape:
        return image.astype(np.float32)
    pil = Image.fromarray(np.ascontiguousarray(image, dtype=np.float32), mode="F")
    return np.asarray(pil.resize((shape[1], shape[0]), Image.BILINEAR), dtype=np.float32)


def working_copy(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Return the picture resized for segmentation and the input pixels per working pixel."""
    h, w = gray.shape
    factor = min(max(1.0, MIN_WORK_SIDE / min(h, w)), WORK_SIDE / max(h, w))
    if factor == 1.0:
        return gray.astype(np.float32), 1.0
    shape = (max(1, round(h * factor)), max(1, round(w * factor)))
    return resize(gray, shape), w / shape[1]


def otsu(values: np.ndarray) -> float:
    """Return Otsu's threshold of values in 0..1."""
    bins = np.clip((np.asarray(values, dtype=np.float32) * 256).astype(np.int32), 0, 255)
    hist = np.bincount(bins.ravel(), minlength=256)
    edges = np.arange(257, dtype=np.float64) / 256
    p = hist.astype(np.float64) / max(1, hist.sum())
    omega = np.cumsum(p)
    mu = np.cumsum(p * edges[:-1])
    between = (mu[-1] * omega - mu) ** 2 / np.maximum(omega * (1 - omega), 1e-12)
    return float(edges[int(np.argmax(between)) + 1])


def _sample(image: np.ndarray) -> np.ndarray:
    """Every other pixel of every other row: the same percentiles, a quarter of the sorting."""
    return image[::2, ::2] if min(image.shape) >= 64 else image


def _ring(image: np.ndarray) -> np.ndarray:
    k = max(1, min(image.shape) // 20)
    return np.concatenate([image[:k].ravel(), image[-k:].ravel(), image[:, :k].ravel(), image[:, -k:].ravel()])


def dark_on_light(gray: np.ndarray) -> bool:
    """Decide polarity: True when the paper is nearer the light end than the dark end.

    Ink is the sparse extreme on the far side from the paper. The paper level is the mean
    of the border's median and the whole picture's median (either alone is fooled: a
    border by bricks around a door, the picture by large bold digits). Comparing it with
    the 1st and 99th percentiles stays right under a lighting gradient, where splitting
    the picture in two classes (Otsu) would split the paper itself.
    """
    sample = _sample(gray)
    lo, hi = np.percentile(sample, [1, 99])
    paper = (float(np.median(_ring(gray))) + float(np.median(sample))) / 2
    return bool(paper > (lo + hi) / 2)


def background(paper: np.ndarray) -> np.ndarray:
    """Estimate the paper brightness under uneven light (paper bright, ink dark).

    A grey closing on a small copy removes every dark feature narrower than about a
    fifth of the picture (the strokes) and keeps gradients and shadows.
    """
    from scipy import ndimage

    h, w = paper.shape
    f = min(1.0, BACKGROUND_SIDE / max(h, w))
    small = resize(paper, (max(1, round(h * f)), max(1, round(w * f))))
    k = max(3, min(small.shape) // 5) | 1
    bg = ndimage.grey_closing(small, size=(k, k), mode="nearest")
    bg = ndimage.uniform_filter(bg, size=max(3, k // 2), mode="nearest")
    return np.maximum(resize(bg, paper.shape), paper)


def ink_map(gray: np.ndarray, dark_ink: bool | None = None) -> np.ndarray:
    """Return the ink as 0 (paper) .. 1 (ink fully dark against its paper), either polarity.

    Args:
        gray: float32 (H, W) in 0..1.
        dark_ink: True for dark ink on light paper, False for light on dark; None decides
            from the picture (:func:`dark_on_light`).
    """
    dark = dark_on_light(gray) if dark_ink is None else dark_ink
    paper = gray if dark else 1.0 - gray
    bg = background(paper)
    # Dividing evens out shadows; the floor keeps the noise of a dark page from growing.
    return np.clip((bg - paper) / np.maximum(bg, DARK_PAPER), 0.0, 1.0).astype(np.float32)


def ink_mask(ink: np.ndarray) -> np.ndarray:
    """Return the bool mask of ink pixels (all False when nothing stands out from the paper)."""
    from scipy import ndimage

    if float(np.percentile(_sample(ink), 99.9)) < MIN_CONTRAST:
        return np.zeros(ink.shape, dtype=bool)
    high = max(otsu(ink), MIN_CONTRAST)
    weak = ink > high * LOW_FRACTION
    labels, n = ndimage.label(weak, structure=np.ones((3, 3)))
    strong = np.zeros(n + 1, dtype=bool)
    strong[np.unique(labels[ink > high])] = True
    strong[0] = False
    return strong[labels]
