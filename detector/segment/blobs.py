"""Segmentation step 3: connected components of ink, kept, merged or split into digits.

A :class:`Blob` is a box in working pixels plus the mask of its ink inside the box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SIDE = 6  # working pixels; anything smaller is a speck
MIN_AREA = 12
SPLIT_WIDTH = 1.25  # a blob wider than this many line heights may be two touching digits
FORCE_SPLIT_WIDTH = 1.6  # ... and one this wide is split even without a clear valley
VALLEY = 0.6  # a cut column holds at most this fraction of the blob's mean column ink
NARROW_PAIR = 1.0  # blobs wider than this many line heights split at a deep valley ...
DEEP_VALLEY = 0.25  # ... holding at most this fraction of the mean column ink
STACK_GAP = 0.15  # stacked pieces of one digit are at most this far apart (fraction of the height)
TOUCH = 0.04  # side-by-side pieces this close (fraction of the height) are one broken digit
FAINT = 0.45  # blobs whose ink is weaker than this fraction of the strongest are not writing
FRAME_FILL = 0.2  # a frame's ink covers less than this fraction of its box ...
FRAME_CONTENT = 0.3  # ... and it encloses a blob at least this fraction of its height
# A blob at least half as wide as tall with ink over this much of its box is a solid patch
# (a sign's body read in the wrong polarity): digits that wide reach 0.69 at most, measured
# on the real photos, generated scenes and signs.
SOLID_FILL = 0.75
HOLE_HOST_FILL = 0.5  # a blob inside the box of one this solid (and twice as tall) is a hole in it


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


def components(mask: np.ndarray) -> list[Blob]:
    """Return the 8-connected components of ``mask`` that are larger than a speck."""
    from scipy import ndimage

    labels, _n = ndimage.label(mask, structure=np.ones((3, 3)))
    blobs = []
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        ys, xs = sl
        piece = labels[sl] == k
        if max(ys.stop - ys.start, xs.stop - xs.start) >= MIN_SIDE and piece.sum() >= MIN_AREA:
            blobs.append(Blob(ys.start, xs.start, ys.stop, xs.stop, piece))
    return blobs


def touches_edge(blob: Blob, shape: tuple[int, int]) -> bool:
    """True when the blob reaches the edge of a picture of ``shape`` (h, w)."""
    return blob.y0 == 0 or blob.x0 == 0 or blob.y1 == shape[0] or blob.x1 == shape[1]


def is_clutter(blob: Blob, shape: tuple[int, int]) -> bool:
    """True for page edges, frames, sign borders and solid patches."""
    h, w = shape
    touches = touches_edge(blob, shape)
    fill = blob.mask.mean()
    if touches and (blob.height > 0.9 * h or blob.width > 0.9 * w):
        return True
    if blob.height * blob.width > 0.4 * h * w and fill < 0.2:
        return True
    return blob.width > 0.5 * blob.height and fill > SOLID_FILL and blob.height > 10


def _inside(inner: Blob, outer: Blob) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1


def drop_frames(blobs: list[Blob]) -> list[Blob]:
    """Drop the frames around digits: sign borders, boxes on forms, a circled number.

    A frame is hollow (little ink for its box) and holds a digit-sized blob wholly inside
    its box; a digit's own loop never holds a separate blob that large.
    """

    def is_frame(outer: Blob) -> bool:
        if outer.mask.mean() >= FRAME_FILL:
            return False
        return any(b is not outer and _inside(b, outer) and b.height >= FRAME_CONTENT * outer.height for b in blobs)

    return [b for b in blobs if not is_frame(b)]


def drop_holes(blobs: list[Blob]) -> list[Blob]:
    """Drop blobs inside the box of a solid one: the counters of digits read in the wrong
    polarity (the two holes of an 8 in a sign's body), or specks inside a bold stroke."""

    def is_hole(inner: Blob) -> bool:
        return any(
            b is not inner and b.mask.mean() >= HOLE_HOST_FILL and _inside(inner, b) and b.height > 2 * inner.height
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
    from scipy import ndimage

    both = join(a, b)
    y0, x0 = both.y0, both.x0
    mask_a = np.zeros_like(both.mask)
    mask_a[a.y0 - y0 : a.y1 - y0, a.x0 - x0 : a.x1 - x0] = a.mask
    grown = ndimage.maximum_filter(mask_a, size=2 * distance + 1)
    return bool((grown[b.y0 - y0 : b.y1 - y0, b.x0 - x0 : b.x1 - x0] & b.mask).any())


def _belong_together(a: Blob, b: Blob) -> bool:
    """Pieces of one digit: overlapping columns, stacked or almost touching, digit-shaped together."""
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    if overlap < 0.3 * min(a.width, b.width):
        return False
    tall = max(a.height, b.height)
    height = max(a.y1, b.y1) - min(a.y0, b.y0)
    width = max(a.x1, b.x1) - min(a.x0, b.x0)
    if max(a.y0, b.y0) - min(a.y1, b.y1) > STACK_GAP * tall or height > 1.5 * tall or width > 1.1 * height:
        return False
    stacked = min(a.y1, b.y1) - max(a.y0, b.y0) <= 0.5 * min(a.height, b.height)
    return stacked or overlap >= 0.6 * min(a.width, b.width) or _near(a, b, max(2, round(TOUCH * tall)))


def merge_fragments(blobs: list[Blob]) -> list[Blob]:
    """Join pieces of one digit stacked above each other (the detached bar of a 5).

    Passes repeat until nothing joins, so a piece can join a blob that grew meanwhile.
    """
    merged = _merge_pass(blobs)
    while len(merged) < len(blobs):
        blobs, merged = merged, _merge_pass(merged)
    return merged


def _merge_pass(blobs: list[Blob]) -> list[Blob]:
    blobs = sorted(blobs, key=lambda b: -b.mask.sum())
    merged: list[Blob] = []
    for blob in blobs:
        for i, kept in enumerate(merged):
            if _belong_together(kept, blob):
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


def _valley_needed(width: float, line_height: float) -> float:
    """How shallow (fraction of the mean column ink) a cut must be for a blob this wide."""
    ratio = width / max(line_height, 1.0)
    if ratio > FORCE_SPLIT_WIDTH:
        return np.inf
    if ratio > SPLIT_WIDTH:
        return VALLEY
    return DEEP_VALLEY if ratio > NARROW_PAIR else -1.0


def split_touching(blob: Blob, line_height: float) -> list[Blob]:
    """Cut a blob that is clearly several touching digits at valleys of its column profile.

    The wider the blob against its line's digit height, the shallower a valley suffices:
    two narrow digits that touch leave a deep valley, one wide 4 or 2 does not.
    """
    needed = _valley_needed(blob.width, line_height)
    if needed < 0 or blob.width < 8:
        return [blob]
    profile = blob.mask.sum(axis=0).astype(np.float32)
    lo, hi = int(blob.width * 0.3), int(blob.width * 0.7)
    centre = np.abs(np.arange(lo, hi) - blob.width / 2) / blob.width
    cut = lo + int(np.argmin(profile[lo:hi] / max(1.0, profile.mean()) + centre))
    if profile[cut] > needed * profile.mean():
        return [blob]
    parts = [trim(blob, 0, cut), trim(blob, cut, blob.width)]
    return [piece for part in parts if part is not None for piece in split_touching(part, line_height)]


def drop_faint(blobs: list[Blob], ink: np.ndarray, fraction: float = FAINT) -> list[Blob]:
    """Drop blobs much fainter than the strongest one (shadows, page edges, erased marks)."""
    strength = [float(np.percentile(ink[b.y0 : b.y1, b.x0 : b.x1][b.mask], 90)) for b in blobs]
    top = max(strength, default=0.0)
    return [b for b, s in zip(blobs, strength, strict=True) if s >= fraction * top]
