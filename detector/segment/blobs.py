"""Segmentation step 3: connected components of ink, kept, merged or split into digits.

A :class:`Blob` is a box in working pixels plus the mask of its ink inside the box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from detector.segment.params import DEFAULT, SegmentParams


@dataclass(frozen=True)
class Blob:
    """Ink in the box rows y0:y1, columns x0:x1 of the working copy."""

    y0: int
    x0: int
    y1: int
    x1: int
    mask: np.ndarray  # bool (y1 - y0, x1 - x0)

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Labelled:
    """A mask's 8-connected components, labelled once for every step that needs them (:func:`label`)."""

    labels: np.ndarray  # int (H, W): 0 background, k the k-th component
    objects: list[tuple[slice, slice]]  # the box of component k at index k - 1


def keep_labels(labels: np.ndarray, objects: list[tuple[slice, slice]], keep: np.ndarray) -> Labelled:
    """The components that ``keep`` marks (bool by label, index 0 the background), numbered anew in their order.

    Numbered in order, they come as :func:`label` would number them labelled anew, without
    labelling the picture again.
    """
    kept = np.flatnonzero(keep)
    renumber = np.zeros(len(keep), dtype=labels.dtype)
    renumber[kept] = np.arange(1, len(kept) + 1)
    return Labelled(renumber[labels], [objects[k - 1] for k in kept])


def label(mask: np.ndarray) -> Labelled:
    """Label a mask's 8-connected components (``ndimage.label``) and find their boxes."""
    labels, _n = ndimage.label(mask, structure=np.ones((3, 3)))
    return Labelled(labels, ndimage.find_objects(labels))


def components(mask: np.ndarray, *, params: SegmentParams = DEFAULT, labelled: Labelled | None = None) -> list[Blob]:
    """Return the 8-connected components of ``mask`` larger than a speck (``params.min_side``, ``min_area``).

    ``labelled`` is the mask's :func:`label` when a caller has it already (it is made otherwise).

    Example:
        >>> mask = np.zeros((20, 20), bool); mask[2:12, 3:6] = True; mask[15, 15] = True
        >>> [(b.y0, b.x0, b.y1, b.x1) for b in components(mask)]
        [(2, 3, 12, 6)]
    """
    labelled = labelled or label(mask)
    labels = labelled.labels
    blobs = []
    for k, sl in enumerate(labelled.objects, start=1):
        ys, xs = sl
        piece = labels[sl] == k
        if max(ys.stop - ys.start, xs.stop - xs.start) >= params.min_side and piece.sum() >= params.min_area:
            blobs.append(Blob(ys.start, xs.start, ys.stop, xs.stop, piece))
    return blobs


def touches_edge(blob: Blob, shape: tuple[int, int]) -> bool:
    """True when the blob reaches the edge of a picture of ``shape`` (h, w)."""
    return blob.y0 == 0 or blob.x0 == 0 or blob.y1 == shape[0] or blob.x1 == shape[1]


def is_clutter(blob: Blob, shape: tuple[int, int], *, params: SegmentParams = DEFAULT) -> bool:
    """True for page edges, frames, sign borders and solid patches (``params.solid_fill``)."""
    h, w = shape
    touches = touches_edge(blob, shape)
    fill = blob.mask.mean()
    if touches and (blob.height > 0.9 * h or blob.width > 0.9 * w):
        return True
    if blob.height * blob.width > 0.4 * h * w and fill < 0.2:
        return True
    return blob.width > 0.5 * blob.height and fill > params.solid_fill and blob.height > 10


def _inside(inner: Blob, outer: Blob) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1


def drop_frames(blobs: list[Blob], *, params: SegmentParams = DEFAULT) -> list[Blob]:
    """Drop the frames around digits: sign borders, boxes on forms, a circled number.

    A frame is hollow (ink over less than ``params.frame_fill`` of its box) and holds a
    blob at least ``params.frame_content`` of its height wholly inside its box; a digit's
    own loop never holds a separate blob that large.
    """

    def is_frame(outer: Blob) -> bool:
        if outer.mask.mean() >= params.frame_fill:
            return False
        tall = params.frame_content * outer.height
        return any(b is not outer and _inside(b, outer) and b.height >= tall for b in blobs)

    return [b for b in blobs if not is_frame(b)]


def drop_holes(blobs: list[Blob], *, params: SegmentParams = DEFAULT) -> list[Blob]:
    """Drop blobs inside the box of a solid one (ink over ``params.hole_host_fill`` of its
    box, twice as tall): the counters of digits read in the wrong polarity (the two holes
    of an 8 in a sign's body), or specks inside a bold stroke."""

    def is_hole(inner: Blob) -> bool:
        host = params.hole_host_fill
        return any(
            b is not inner and b.mask.mean() >= host and _inside(inner, b) and b.height > 2 * inner.height
            for b in blobs
        )

    return [b for b in blobs if not is_hole(b)]


def is_dash(blob: Blob) -> bool:
    """True for a blob much wider than tall (a dash or a rule left over after merging)."""
    return blob.width > 3 * blob.height


def join(a: Blob, b: Blob) -> Blob:
    """Return one blob holding the ink of both."""
    y0, x0, y1, x1 = min(a.y0, b.y0), min(a.x0, b.x0), max(a.y1, b.y1), max(a.x1, b.x1)
    mask = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for part in (a, b):
        mask[part.y0 - y0 : part.y1 - y0, part.x0 - x0 : part.x1 - x0] |= part.mask
    return Blob(y0, x0, y1, x1, mask)


def _near(a: Blob, b: Blob, distance: int) -> bool:
    """True when some ink of ``a`` lies within ``distance`` px (square) of ink of ``b``."""
    both = join(a, b)
    y0, x0 = both.y0, both.x0
    mask_a = np.zeros_like(both.mask)
    mask_a[a.y0 - y0 : a.y1 - y0, a.x0 - x0 : a.x1 - x0] = a.mask
    grown = ndimage.maximum_filter(mask_a, size=2 * distance + 1)
    return bool((grown[b.y0 - y0 : b.y1 - y0, b.x0 - x0 : b.x1 - x0] & b.mask).any())


def _belong_together(a: Blob, b: Blob, params: SegmentParams) -> bool:
    """Pieces of one digit: overlapping columns, stacked or almost touching, digit-shaped together."""
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    if overlap < 0.3 * min(a.width, b.width):
        return False
    tall = max(a.height, b.height)
    height = max(a.y1, b.y1) - min(a.y0, b.y0)
    width = max(a.x1, b.x1) - min(a.x0, b.x0)
    if (
        max(a.y0, b.y0) - min(a.y1, b.y1) > params.stack_gap * tall
        or height > params.stack_height * tall
        or width > 1.1 * height
    ):
        return False
    stacked = min(a.y1, b.y1) - max(a.y0, b.y0) <= 0.5 * min(a.height, b.height)
    return stacked or overlap >= 0.6 * min(a.width, b.width) or _near(a, b, max(2, round(params.touch * tall)))


def merge_fragments(blobs: list[Blob], *, params: SegmentParams = DEFAULT) -> list[Blob]:
    """Join pieces of one digit stacked above each other (the detached bar of a 5).

    Pieces belong together when their columns overlap and they are at most
    ``params.stack_gap`` of the taller one apart (or ``params.touch`` side by side), and
    together at most ``params.stack_height`` times its height (two digits of one column in
    two lines stand twice their height and more).
    Passes repeat until nothing joins, so a piece can join a blob that grew meanwhile.
    """
    merged = _merge_pass(blobs, params)
    while len(merged) < len(blobs):
        blobs, merged = merged, _merge_pass(merged, params)
    return merged


def _merge_pass(blobs: list[Blob], params: SegmentParams) -> list[Blob]:
    """One pass: each blob, largest first, joins the first kept blob it belongs with."""
    blobs = sorted(blobs, key=lambda b: -b.mask.sum())
    merged: list[Blob] = []
    for blob in blobs:
        for i, kept in enumerate(merged):
            if _belong_together(kept, blob, params):
                merged[i] = join(kept, blob)
                break
        else:
            merged.append(blob)
    return merged


def trim(blob: Blob, c0: int, c1: int) -> Blob | None:
    """Return the part of ``blob`` in its columns c0:c1, box tightened; None when empty."""
    part = blob.mask[:, c0:c1]
    rows, cols = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
    if rows.size == 0:
        return None
    r0, r1, k0, k1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return Blob(blob.y0 + r0, blob.x0 + c0 + k0, blob.y0 + r1, blob.x0 + c0 + k1, part[r0:r1, k0:k1])


def _valley_needed(width: float, line_height: float, params: SegmentParams) -> float:
    """How shallow (fraction of the mean column ink) a cut must be for a blob this wide."""
    ratio = width / max(line_height, 1.0)
    if ratio > params.force_split_width:
        return np.inf
    if ratio > params.split_width:
        return params.valley
    return params.deep_valley if ratio > params.narrow_pair else -1.0


def split_touching(blob: Blob, line_height: float, *, params: SegmentParams = DEFAULT) -> list[Blob]:
    """Cut a blob that is clearly several touching digits at valleys of its column profile.

    The wider the blob against its line's digit height, the shallower a valley suffices:
    two narrow digits that touch leave a deep valley, one wide 4 or 2 does not
    (``params.narrow_pair``, ``split_width`` and ``force_split_width`` set the widths,
    ``deep_valley`` and ``valley`` the depths).
    """
    needed = _valley_needed(blob.width, line_height, params)
    if needed < 0 or blob.width < 8:
        return [blob]
    profile = blob.mask.sum(axis=0).astype(np.float32)
    lo, hi = int(blob.width * 0.3), int(blob.width * 0.7)
    centre = np.abs(np.arange(lo, hi) - blob.width / 2) / blob.width
    cut = lo + int(np.argmin(profile[lo:hi] / max(1.0, profile.mean()) + centre))
    if profile[cut] > needed * profile.mean():
        return [blob]
    parts = [trim(blob, 0, cut), trim(blob, cut, blob.width)]
    return [piece for part in parts if part is not None for piece in split_touching(part, line_height, params=params)]


def strength(blob: Blob, ink: np.ndarray) -> float:
    """How strongly a blob stands out from its paper: the 90th percentile of its ink (0 paper .. 1 full contrast)."""
    return float(np.percentile(ink[blob.y0 : blob.y1, blob.x0 : blob.x1][blob.mask], 90))


def drop_faint(
    blobs: list[Blob], ink: np.ndarray, *, params: SegmentParams = DEFAULT, strengths: list[float] | None = None
) -> list[Blob]:
    """Drop blobs much fainter than the strongest one (shadows, page edges, erased marks).

    A blob whose :func:`strength` is below ``params.faint`` of the strongest blob's is faint.
    The strongest is that of the blobs ``params.min_split`` px or more tall or wide (of all of
    them when none is): specks of dust are often the darkest ink in a photo, and grey pencil
    beside them is not faint. ``strengths``: the blobs' strengths when the caller has them.
    """
    strengths = [strength(b, ink) for b in blobs] if strengths is None else strengths
    sized = [s for b, s in zip(blobs, strengths, strict=True) if max(b.height, b.width) >= params.min_split]
    top = max(sized or strengths, default=0.0)
    return [b for b, s in zip(blobs, strengths, strict=True) if s >= params.faint * top]
