"""Segmentation step 2: remove the long thin horizontal rules of lined paper and signs.

A rule is a horizontal run of ink much longer than the digits it touches. It is cut
out of the mask, and the strokes that crossed it are bridged again.
"""

from __future__ import annotations

import numpy as np

RULE_OVER_DIGIT = 3.0  # a rule is at least this many times longer than the ink near it
MIN_RULE = 15  # shortest run (working pixels) that can be a rule
MIN_INK = 12  # pixels; smaller bits near a rule are specks and do not count
MAX_BRIDGE = 5  # strokes are bridged across rules up to this thick (working pixels)
THIN_RULE = 8  # a rule is at least this many times longer than it is thick


def long_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Return the pixels of ``mask`` that lie in a horizontal run of at least ``length``."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1).ravel()  # (h * (w + 1),)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = ends - starts >= length
    paint = np.zeros(h * (w + 1) + 1, dtype=np.int32)
    np.add.at(paint, starts[keep], 1)
    np.add.at(paint, ends[keep], -1)
    return (np.cumsum(paint)[:-1] > 0).reshape(h, w + 1)[:, :w]


def remove_rules(mask: np.ndarray) -> np.ndarray:
    """Return ``mask`` without horizontal rules; digits crossing a rule keep their strokes."""
    from scipy import ndimage

    runs = long_runs(mask, max(MIN_RULE, mask.shape[1] // 5))
    if not runs.any():
        return mask
    pieces, _n = ndimage.label(runs, structure=np.ones((3, 3)))
    whole, _m = ndimage.label(mask, structure=np.ones((3, 3)))
    spans = ndimage.find_objects(whole)
    rest = mask & ~runs
    rules, thickness = np.zeros_like(mask), 0
    for k, sl in enumerate(ndimage.find_objects(pieces), start=1):
        piece = pieces[sl] == k
        owner = spans[int(whole[sl][piece][0]) - 1][0]  # rows of the blob the run belongs to
        # A digit's own bar is shorter than the digit; a rule outruns what hangs on it.
        if piece.shape[1] >= owner.stop - owner.start and _is_rule(piece, rest, sl):
            rules[sl] |= piece
            thickness = max(thickness, round(piece.sum() / piece.shape[1]))
    if not rules.any():
        return mask
    cleaned = mask & ~rules
    if thickness > MAX_BRIDGE:  # a thick bar (a door's lintel) is not crossed by pen strokes
        return cleaned
    bridge = ndimage.binary_closing(cleaned, structure=np.ones((2 * thickness + 3, 1)))
    return cleaned | (bridge & rules)


def _is_rule(piece: np.ndarray, rest: np.ndarray, sl: tuple[slice, slice]) -> bool:
    """A thin run is a rule when it is much longer than the ink near it (median height, so a few
    tall neighbours such as a door frame do not hide it)."""
    from scipy import ndimage

    length = piece.shape[1]
    if piece.sum() / length * THIN_RULE > length:
        return False
    ys, xs = sl
    window = rest[max(0, ys.start - length) : ys.stop + length, max(0, xs.start - length // 4) : xs.stop + length // 4]
    labels, _n = ndimage.label(window, structure=np.ones((3, 3)))
    sizes = ndimage.sum(window, labels, index=np.arange(1, labels.max() + 1))
    heights = [s[0].stop - s[0].start for s, n in zip(ndimage.find_objects(labels), sizes, strict=True) if n >= MIN_INK]
    return length >= RULE_OVER_DIGIT * float(np.median(heights)) if heights else True
