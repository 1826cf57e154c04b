"""Punctuation: a stroke that carries a dot ("?", "!", "i", "j") and a percent sign are not digits.

No digit has a dot of its own directly above or below it, while the hook of a "?" reads
as a sure 7 and the stem of an "!" or an "i" as a sure 1. The dot is a separate speck the
proposals never offer the network, so it is looked for here, in the ink mask itself: a
small round blob, alone, straight above or below a stroke and close to it
(:func:`dotted_strokes`). A "%" reads as a 0, a 1 and a 0, or its rings as 0s beside a
number: two small rings, one up and to the left of the other, with a slanted stroke between
them (:func:`percent_signs`). :func:`punctuation` then tells which candidates are such a
stroke, a piece of one or the paper around one, for :func:`detector.segment.choose.choose`
to set aside.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from detector.segment.blobs import Blob, Labelled
from detector.segment.params import DEFAULT, SegmentParams

Box = tuple[int, int, int, int]  # (y0, x0, y1, x1) in working pixels


def marks(labelled: Labelled, *, params: SegmentParams = DEFAULT) -> list[Box]:
    """The boxes of a mask's punctuation: its dotted strokes and percent signs."""
    found = _boxes(labelled)
    return dotted_strokes(labelled, params=params, found=found) + percent_signs(labelled, params=params, found=found)


def _boxes(labelled: Labelled) -> tuple[np.ndarray, np.ndarray]:
    """Each component's box (y0, x0, y1, x1) and its pixel count."""
    boxes = np.array([(s[0].start, s[1].start, s[0].stop, s[1].stop) for s in labelled.objects]).reshape(-1, 4)
    return boxes, np.bincount(labelled.labels.ravel(), minlength=len(boxes) + 1)[1:]


def dotted_strokes(
    labelled: Labelled, *, params: SegmentParams = DEFAULT, found: tuple[np.ndarray, np.ndarray] | None = None
) -> list[Box]:
    """The boxes of the strokes in a mask that carry a dot, each with its dot.

    A dot is a blob whose box is at most ``dot_round`` times longer one way than the other,
    filled at least ``dot_fill`` (a printed or pen dot; a broken-off bit of stroke is long),
    between ``dot_small`` and ``dot_large`` of the stroke's height, its centre within the
    stroke's columns, less than ``dot_gap`` of the stroke's height above or below it, and
    with no other ink within its own size around it (a speck among grain or texture is not a
    dot). Strokes are blobs at least ``min_side`` tall and taller than wide, as the glyphs
    that carry dots are (a plate's border with a speck of wall above it is not one).
    ``found``: the components' boxes and sizes (:func:`_boxes`) when the caller has them.
    """
    if params.dot_large <= 0 or not labelled.objects:
        return []
    boxes, area = found or _boxes(labelled)
    h, w = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    round_ = (np.maximum(h, w) <= params.dot_round * np.minimum(h, w)) & (area >= params.dot_fill * h * w)
    dots = np.flatnonzero(round_ & (area >= 4))
    strokes = np.flatnonzero((h >= params.min_side) & (h >= w))
    out = []
    for d in dots:
        s = _stroke_for(boxes, d, strokes, params)
        if s is not None and _alone(labelled.labels, boxes[d], (d + 1, s + 1)):
            b, t = boxes[s], boxes[d]
            out.append((int(min(b[0], t[0])), int(min(b[1], t[1])), int(max(b[2], t[2])), int(max(b[3], t[3]))))
    return out


def percent_signs(
    labelled: Labelled, *, params: SegmentParams = DEFAULT, found: tuple[np.ndarray, np.ndarray] | None = None
) -> list[Box]:
    """The boxes of the percent signs in a mask: two rings and the slash between them.

    Rings are blobs at least twice ``min_side`` tall and at most a quarter of the picture, no
    more than ``dot_round`` times longer one way than the other, around a hole of a tenth of
    their ink or more. Two whose heights differ by less than half form a "%" when one lies
    below and to the right of the other, its centre half a ring height to 4 lower and half a
    ring width to 2 further right, and one more blob stands within their columns: reaching
    from the upper ring's top quarter to the lower one's bottom quarter, or, where the rings'
    rows are apart, at least across the gap between them (a bold font's short slash). The
    hole is looked for last, in the few pairs placed so (grain has thousands of specks whose
    middle is paper). ``found``: as for :func:`dotted_strokes`.
    """
    if params.dot_large <= 0 or not labelled.objects:
        return []
    boxes, area = found or _boxes(labelled)
    centre = labelled.labels[(boxes[:, 0] + boxes[:, 2]) // 2, (boxes[:, 1] + boxes[:, 3]) // 2]
    hollow = _compact(boxes, params) & (centre != np.arange(1, len(boxes) + 1))  # a ring's middle is its hole
    h, w = labelled.labels.shape
    tall = boxes[:, 2] - boxes[:, 0]
    hollow &= (tall >= 2 * params.min_side) & (4 * tall <= h) & (4 * (boxes[:, 3] - boxes[:, 1]) <= w)
    rings = np.flatnonzero(hollow)
    out = []
    pairs = np.argwhere(_diagonal(boxes[rings]))
    holed: dict[int, bool] = {}
    for a, b in zip(rings[pairs[:, 0]], rings[pairs[:, 1]], strict=True):
        slash = _slash(boxes, a, b)
        if slash is None:
            continue
        for k in (a, b):
            if k not in holed:
                holed[k] = _has_hole(labelled, k, int(area[k]))
        if holed[a] and holed[b]:
            group = boxes[[a, b, slash]]
            y0, x0 = group[:, :2].min(axis=0)
            y1, x1 = group[:, 2:].max(axis=0)
            out.append((int(y0), int(x0), int(y1), int(x1)))
    return out


def _compact(boxes: np.ndarray, p: SegmentParams) -> np.ndarray:
    """Blobs at least ``min_side`` tall and no more than ``dot_round`` times longer one way than the other."""
    h, w = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    return (h >= p.min_side) & (np.maximum(h, w) <= p.dot_round * np.minimum(h, w))


def _has_hole(labelled: Labelled, k: int, ink: int) -> bool:
    """True when component ``k`` encloses paper of at least a tenth of its ink (a bold ring's hole is small)."""
    own = labelled.labels[labelled.objects[k]] == k + 1
    return int(ndimage.binary_fill_holes(own).sum()) - ink >= 0.1 * ink


def _diagonal(r: np.ndarray) -> np.ndarray:
    """(n, n) bool: ring j lies below and to the right of ring i, within two ring widths, the two of about one size."""
    h = (r[:, 2] - r[:, 0]).astype(float)
    ratio = h[None, :] / h[:, None]
    dy = (r[None, :, 0] + r[None, :, 2] - r[:, None, 0] - r[:, None, 2]) / 2
    dx = (r[None, :, 1] + r[None, :, 3] - r[:, None, 1] - r[:, None, 3]) / 2
    width = (r[:, 3] - r[:, 1])[:, None]
    near = (dx >= 0.5 * width) & (dx <= 2 * width)  # a "%" sets its rings side by side, not a number apart
    return (ratio >= 0.67) & (ratio <= 1.5) & (dy >= 0.5 * h[:, None]) & (dy <= 4 * h[:, None]) & near


def _slash(boxes: np.ndarray, a: int, b: int) -> int | None:
    """A blob between rings ``a`` and ``b``, in their columns, that is the slash of a "%".

    It runs from the upper ring's top quarter to the lower one's bottom quarter (DejaVu Sans),
    or, where the lower ring starts below the upper one's bottom, crosses that gap (a bold
    sans serif's short slash, which spans only the middle). Rings whose rows overlap need the
    long slash: a turned line "089" climbs, and its 8 lies between a 0 and a 9 placed so.
    """
    ra, rb = boxes[a], boxes[b]
    top, bottom = ra[0] + (ra[2] - ra[0]) / 4, rb[2] - (rb[2] - rb[0]) / 4
    long = (boxes[:, 0] <= top) & (boxes[:, 2] >= bottom)
    short = (ra[2] <= rb[0]) & (boxes[:, 0] < ra[2]) & (boxes[:, 2] > rb[0])
    inside = (boxes[:, 1] >= ra[1]) & (boxes[:, 3] <= rb[3]) & (long | short)
    inside[[a, b]] = False
    found = np.flatnonzero(inside)
    return int(found[0]) if len(found) else None


def _stroke_for(boxes: np.ndarray, d: int, strokes: np.ndarray, p: SegmentParams) -> int | None:
    """The nearest stroke that the blob ``d`` is the dot of, or None."""
    y0, x0, y1, x1 = boxes[d]
    size, cx = max(y1 - y0, x1 - x0), (x0 + x1) / 2
    b = boxes[strokes]
    height = b[:, 2] - b[:, 0]
    gap = np.where(y0 >= b[:, 2], y0 - b[:, 2], b[:, 0] - y1)  # below the stroke, else above it
    ok = (b[:, 1] <= cx) & (cx <= b[:, 3]) & (gap >= 0) & (gap < p.dot_gap * height)
    ok &= (size >= p.dot_small * height) & (size <= p.dot_large * height) & (strokes != d)
    if not ok.any():
        return None
    return int(strokes[np.flatnonzero(ok)[np.argmin(gap[ok])]])


def _alone(labels: np.ndarray, box: np.ndarray, own: tuple[int, int]) -> bool:
    """True when no ink but the dot's and its stroke's lies within the dot's size around the dot."""
    y0, x0, y1, x1 = (int(v) for v in box)
    r = max(y1 - y0, x1 - x0)
    near = labels[max(0, y0 - r) : y1 + r, max(0, x0 - r) : x1 + r]
    return bool(np.isin(near[near > 0], own).all())


def carried(blob: Blob, strokes: list[Box]) -> bool:
    """True when a candidate lies within a dotted stroke's box: the stroke, its dot, or a piece of them."""
    return any(y0 <= blob.y0 and x0 <= blob.x0 and blob.y1 <= y1 and blob.x1 <= x1 for y0, x0, y1, x1 in strokes)


def wraps(blob: Blob, strokes: list[Box]) -> bool:
    """True when a candidate holds a dotted stroke with room on all sides, the stroke spanning half of it or more.

    That is the paper around the punctuation read in the other polarity: the lighting
    correction leaves a light rim round dark strokes, shaped like them.
    """
    return any(
        blob.y0 < y0 and blob.x0 < x0 and y1 < blob.y1 and x1 < blob.x1
        and 2 * (y1 - y0) >= blob.height and 2 * (x1 - x0) >= blob.width
        for y0, x0, y1, x1 in strokes
    )  # fmt: skip


def punctuation(blob: Blob, own: list[Box], other: list[Box]) -> bool:
    """True for a candidate that is a dotted stroke of its polarity (``own``) or the paper round one of the other."""
    return carried(blob, own) or wraps(blob, other)
