"""Segmentation step 1: a working copy of the picture, its ink map and an ink mask.

Lighting is evened out by dividing by a background estimated on a small copy, the
polarity is decided per picture, and the mask is thresholded with Otsu plus hysteresis
so that faint parts of a stroke stay attached to its dark parts.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from detector.preprocess import dark_on_light, every_other, resize
from detector.segment.blobs import Labelled, keep_labels
from detector.segment.params import DEFAULT, SegmentParams


def working_copy(gray: np.ndarray, *, params: SegmentParams = DEFAULT) -> tuple[np.ndarray, float]:
    """Return the picture resized for segmentation and the input pixels per working pixel.

    Large photos shrink to ``params.work_side`` on the longer side; small crops grow to
    ``params.min_work_side`` on the shorter one.

    Example:
        >>> work, scale = working_copy(np.zeros((100, 2400), np.float32))
        >>> work.shape, scale
        ((50, 1200), 2.0)
    """
    h, w = gray.shape
    factor = min(max(1.0, params.min_work_side / min(h, w)), params.work_side / max(h, w))
    if factor == 1.0:
        return gray.astype(np.float32), 1.0
    shape = (max(1, round(h * factor)), max(1, round(w * factor)))
    return resize(gray, shape), w / shape[1]


def otsu(values: np.ndarray) -> float:
    """Return Otsu's threshold of values in 0..1.

    The textbook method, as in scikit-image's ``skimage.filters.threshold_otsu``: the
    level that maximises the variance between the two classes. Unlike scikit-image it bins
    the fixed range 0..1 into 256 bins (not the values' own range) and returns the upper
    edge of the winning bin.

    Example:
        >>> otsu(np.array([0.1] * 9 + [0.8]))
        0.1015625
    """
    bins = np.clip((np.asarray(values, dtype=np.float32) * 256).astype(np.int32), 0, 255)
    hist = np.bincount(bins.ravel(), minlength=256)
    edges = np.arange(257, dtype=np.float64) / 256
    p = hist.astype(np.float64) / max(1, hist.sum())
    omega = np.cumsum(p)
    mu = np.cumsum(p * edges[:-1])
    between = (mu[-1] * omega - mu) ** 2 / np.maximum(omega * (1 - omega), 1e-12)
    return float(edges[int(np.argmax(between)) + 1])


def background(paper: np.ndarray, *, params: SegmentParams = DEFAULT) -> np.ndarray:
    """Estimate the paper brightness under uneven light (paper bright, ink dark).

    A grey closing on a copy of at most ``params.background_side`` px removes every dark
    feature narrower than about a fifth of the picture (the strokes) and keeps gradients
    and shadows.
    """
    h, w = paper.shape
    f = min(1.0, params.background_side / max(h, w))
    small = resize(paper, (max(1, round(h * f)), max(1, round(w * f))))
    k = max(3, min(small.shape) // 5) | 1
    bg = ndimage.grey_closing(small, size=(k, k), mode="nearest")
    bg = ndimage.uniform_filter(bg, size=max(3, k // 2), mode="nearest")
    return np.maximum(resize(bg, paper.shape), paper)


def page_ink(gray: np.ndarray, dark_ink: bool | None = None, *, params: SegmentParams = DEFAULT) -> np.ndarray:
    """Return a page's ink as 0 (paper) .. 1 (ink fully dark against its paper), either polarity.

    Each pixel is measured against the paper around it (the picture divided by its
    :func:`background`), so shadows and lighting gradients cancel out; a crop around one
    digit under even light uses global levels instead
    (:func:`detector.preprocess.digit_ink`).

    Args:
        gray: float32 (H, W) in 0..1.
        dark_ink: True for dark ink on light paper, False for light on dark; None decides
            from the picture (:func:`detector.preprocess.dark_on_light`, ``"page"``).
        params: Segmentation numbers (``background_side``, ``dark_paper``).
    """
    dark = dark_on_light(gray, "page") if dark_ink is None else dark_ink
    paper = gray if dark else 1.0 - gray
    bg = background(paper, params=params)
    # Dividing evens out shadows; the floor keeps the noise of a dark page from growing.
    return np.clip((bg - paper) / np.maximum(bg, params.dark_paper), 0.0, 1.0).astype(np.float32)


def ink_level(ink: np.ndarray, where: np.ndarray | None = None, *, params: SegmentParams = DEFAULT) -> float | None:
    """Return the level above which ink is strong: Otsu's, at least ``params.min_page_contrast``.

    Measured on the pixels ``where`` is True (None: all of them; of a part, every other pixel
    of every other row). None when nothing there stands out from the paper (its 99.9th
    percentile is below ``min_page_contrast``).
    """
    values = ink if where is None else every_other(ink)[every_other(where)]
    sample = every_other(ink) if where is None else values
    if not sample.size or float(np.percentile(sample, 99.9)) < params.min_page_contrast:
        return None
    return max(otsu(values), params.min_page_contrast)


def ink_mask(ink: np.ndarray, *, params: SegmentParams = DEFAULT, level: float | None = None) -> np.ndarray:
    """Return the bool mask of ink pixels (all False when nothing stands out from the paper).

    Hysteresis on Otsu's level, as scikit-image's ``apply_hysteresis_threshold(ink, low,
    high)`` with ``high`` the Otsu level (at least ``params.min_page_contrast``) and
    ``low = params.low_fraction * high``, but with 8-connected regions: weak ink is kept
    where it touches strong ink, diagonally included. ``level``: the strong ink's level when
    the caller measured it (on part of the picture, :func:`ink_level`); None measures it here.

    Example:
        >>> ink = np.zeros((5, 5), np.float32); ink[2, 1:4] = [0.3, 0.9, 0.3]; ink[0, 0] = 0.3
        >>> ink_mask(ink).astype(int)[[0, 2]].tolist()
        [[0, 0, 0, 0, 0], [0, 1, 1, 1, 0]]
    """
    return ink_components(ink, params=params, level=level)[0]


def ink_components(
    ink: np.ndarray, *, params: SegmentParams = DEFAULT, level: float | None = None
) -> tuple[np.ndarray, Labelled]:
    """Return :func:`ink_mask` and its 8-connected components, labelled in the same pass.

    The hysteresis labels the weak ink and keeps the components that hold strong ink: those
    are the mask's own components, numbered in the same order as
    :func:`detector.segment.blobs.label` numbers them (by their first pixel, row by row), so
    the mask need not be labelled again (5 ms of a 1 MP photo, per polarity).
    """
    high = ink_level(ink, params=params) if level is None else level
    if high is None:
        return np.zeros(ink.shape, dtype=bool), Labelled(np.zeros(ink.shape, np.int32), [])
    weak = ink > high * params.low_fraction
    labels, n = ndimage.label(weak, structure=np.ones((3, 3)))
    strong = np.zeros(n + 1, dtype=bool)
    strong[labels[ink > high]] = True
    strong[0] = False
    kept = keep_labels(labels, ndimage.find_objects(labels), strong)
    return kept.labels > 0, kept
