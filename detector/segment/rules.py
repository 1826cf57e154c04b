"""Segmentation step 2: remove the long thin horizontal rules of lined paper and signs.

A rule is a horizontal run of ink much longer than the digits it touches. It is cut
out of the mask, and the strokes that crossed it are bridged again.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from detector.segment.blobs import Labelled, label
from detector.segment.params import DEFAULT, SegmentParams


def long_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Return the pixels of ``mask`` that lie in a horizontal run of at least ``length``.

    The same as ``scipy.ndimage.binary_opening(mask, np.ones((1, length)))`` (the tests
    check it), about ten times faster on a working copy: runs are found from the row
    differences and painted back with one cumulative sum.

    Example:
        >>> long_runs(np.array([[1, 1, 1, 0, 1, 1]], bool), 3).astype(int).tolist()
        [[1, 1, 1, 0, 0, 0]]
    """
    h, w = mask.shape
    if not h or mask.sum(axis=1).max() < length:  # no row holds that much ink: no run (most pictures)
        return np.zeros(mask.shape, dtype=bool)
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1).ravel()  # (h * (w + 1),)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = ends - starts >= length
    starts, runs = starts[keep], (ends - starts)[keep]
    # each long run's pixels, by index: its start repeated, plus 0, 1, ... along it
    offsets = np.arange(int(runs.sum())) - np.repeat(np.cumsum(runs) - runs, runs)
    out = np.zeros(h * (w + 1), dtype=bool)
    out[np.repeat(starts, runs) + offsets] = True
    return out.reshape(h, w + 1)[:, :w]


def remove_rules(mask: np.ndarray, *, params: SegmentParams = DEFAULT, labelled: Labelled | None = None) -> np.ndarray:
    """Return ``mask`` without horizontal rules; digits crossing a rule keep their strokes.

    Uses ``params.min_rule``, ``max_bridge`` and (through the rule test) ``thin_rule``,
    ``rule_over_digit`` and ``min_ink``. ``labelled`` is the mask's components when the
    caller has them already (:func:`detector.segment.blobs.label`).
    """
    runs = long_runs(mask, max(params.min_rule, mask.shape[1] // 5))
    if not runs.any():
        return mask
    pieces, _n = ndimage.label(runs, structure=np.ones((3, 3)))
    labelled = labelled or label(mask)
    whole, spans = labelled.labels, labelled.objects
    rest = mask & ~runs
    rules, thickness = np.zeros_like(mask), 0
    for k, sl in enumerate(ndimage.find_objects(pieces), start=1):
        piece = pieces[sl] == k
        owner = spans[int(whole[sl][piece][0]) - 1][0]  # rows of the blob the run belongs to
        # A digit's own bar is shorter than the digit; a rule outruns what hangs on it.
        if piece.shape[1] >= owner.stop - owner.start and _is_rule(piece, rest, sl, params):
            rules[sl] |= piece
            thickness = max(thickness, round(piece.sum() / piece.shape[1]))
    if not rules.any():
        return mask
    cleaned = mask & ~rules
    if thickness > params.max_bridge:  # a thick bar (a door's lintel) is not crossed by pen strokes
        return cleaned
    bridge = ndimage.binary_closing(cleaned, structure=np.ones((2 * thickness + 3, 1)))
    return cleaned | (bridge & rules)


def _is_rule(piece: np.ndarray, rest: np.ndarray, sl: tuple[slice, slice], params: SegmentParams) -> bool:
    """A thin run is a rule when it is much longer than the ink near it (median height, so a few
    tall neighbours such as a door frame do not hide it)."""
    length = piece.shape[1]
    if piece.sum() / length * params.thin_rule > length:
        return False
    ys, xs = sl
    window = rest[max(0, ys.start - length) : ys.stop + length, max(0, xs.start - length // 4) : xs.stop + length // 4]
    labels, n = ndimage.label(window, structure=np.ones((3, 3)))
    sizes = np.bincount(labels.ravel(), minlength=n + 1)[1:]  # each piece's pixels
    boxes = zip(ndimage.find_objects(labels), sizes, strict=True)
    heights = [rows.stop - rows.start for (rows, _cols), n in boxes if n >= params.min_ink]
    return length >= params.rule_over_digit * float(np.median(heights)) if heights else True
