"""Proposing the digits inside a frame that they touch: a plate's border, a box on a form.

A house-number plate's digits often touch its border, or the border touches a pole, a door's
edge or the lines of a tiled wall: digits, border and all are then one blob, which no cut
between columns takes apart. The border encloses the plate's face, a hole in that blob; the
ink inside the face's box, a little in from its sides, is the digits, apart from the border
they touched (:func:`face_ink`). Bold digits as tall as the face cut it into pieces, none
holding a digit whole: the border is then taken off as a ring of its own thickness
(:func:`ring_ink`). The mask with each such frame replaced by its face's ink
(:func:`unframed`) is one more binarisation for the hypotheses: the network reads its pieces
and the choice weighs them against the frame as it is.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from detector.segment.blobs import Blob, Labelled, components
from detector.segment.ink import ink_level
from detector.segment.params import DEFAULT, SegmentParams

Holes = tuple[np.ndarray, set[int]]  # the paper's pieces in a region's box, labelled, and those reaching its side


def face_ink(region: np.ndarray, *, params: SegmentParams = DEFAULT, holes: Holes | None = None) -> np.ndarray | None:
    """The ink of ``region`` inside the faces it frames (bool, its shape), None when it frames none.

    A face is a hole in the region at least ``min_split`` px tall and wide. Its ink is the
    region's ink inside the hole's box, ``face_inset`` of the box's smaller side in from each
    side (the border's inner edge, and its corners where the plate is turned a little), with
    the hole on both sides of it (:func:`enclosed`), kept where it comes in pieces at least
    ``frame_content`` of the face's height, wider than the inset and no thin line
    (:func:`is_line`): a digit, not the tip of a corner, a sliver of a turned border's inner
    edge or the sides of an inner border. Only a hole that :func:`stands_clear` of the
    region's other ink is a face. A digit's own loop (a 0, the top of a 4) holds no such
    piece: its box meets only the loop's own curve.

    ``holes``: the region's paper pieces (:func:`_holes`) when the caller has labelled them.

    Example:
        >>> m = np.zeros((40, 30), bool); m[:3] = m[-3:] = True; m[:, :3] = m[:, -3:] = True
        >>> m[8:32, 20:27] = True  # a bar touching the frame's right side
        >>> inside = face_ink(m)
        >>> inside.any(axis=0).nonzero()[0].tolist(), int(inside[:3].sum())
        ([20, 21, 22, 23, 24, 25], 0)
    """
    if min(region.shape) < 2 * params.min_split:
        return None
    holes, outside = holes or _holes(region)
    out = None
    for k, (ys, xs) in enumerate(ndimage.find_objects(holes), start=1):
        height, width = ys.stop - ys.start, xs.stop - xs.start
        if k in outside or min(height, width) < params.min_split:
            continue
        if not stands_clear(region, ys, xs, params=params):
            continue
        inset = max(1, round(params.face_inset * min(height, width)))
        inner = (slice(ys.start + inset, ys.stop - inset), slice(xs.start + inset, xs.stop - inset))
        face = np.zeros_like(region)
        face[inner] = region[inner] & enclosed(holes[inner] == k)
        for piece in components(face, params=params):
            if piece.height >= params.frame_content * height and piece.width > inset and not is_line(piece, params):
                out = np.zeros_like(region) if out is None else out
                out[piece.y0 : piece.y1, piece.x0 : piece.x1] |= piece.mask
    return out


def ring_ink(region: np.ndarray, *, params: SegmentParams = DEFAULT, holes: Holes | None = None) -> np.ndarray | None:
    """The ink of ``region`` inside the border that rings it (bool, its shape), None when none rings it.

    Bold digits as tall as a plate's face touch its border above and below: they cut the face
    into pieces, none of which holds a digit whole, and :func:`face_ink` finds none. Then:

    - the face is the holes at least ``min_split`` px tall and wide and ``ring_tall`` as tall
      as the tallest, two or more (a digit's loops are less tall, and a face whole is
      face_ink's; :func:`_cut_face`);
    - the region with its holes is plate-shaped (:func:`_plate_shaped`);
    - the border is as thick as the face comes near the outline (:func:`_ring_depth`);
    - taken off, it leaves the digits apart from it: the pieces inside with the face on both
      sides along their rows (:func:`enclosed`; a side of the border thicker than the rest
      has it on one), at least ``frame_content`` of the inside's height tall and no thin line
      (:func:`is_line`).

    ``holes``: the region's paper pieces (:func:`_holes`) when the caller has labelled them.

    Example:
        >>> m = np.zeros((60, 80), bool); m[:3] = m[-3:] = True; m[:, :3] = m[:, -3:] = True
        >>> m[:, 20:30] = m[:, 50:60] = True  # two bars joining the frame above and below
        >>> face_ink(m) is None, ring_ink(m).any(axis=0).nonzero()[0].tolist() == [*range(20, 30), *range(50, 60)]
        (True, True)
    """
    if min(region.shape) < 2 * params.min_split:
        return None
    face, filled = _cut_face(region, holes or _holes(region), params)
    if face is None or not _plate_shaped(face, filled, params):
        return None
    inner = _ring_depth(region, face, filled, params)
    if inner is None:
        return None
    ys = np.flatnonzero(inner.any(axis=1))
    height = ys[-1] - ys[0] + 1  # the inside's
    out = None
    for piece in components(region & inner & enclosed(face, axes=(1,)), params=params):
        if piece.height >= params.frame_content * height and not is_line(piece, params):
            out = np.zeros_like(region) if out is None else out
            out[piece.y0 : piece.y1, piece.x0 : piece.x1] |= piece.mask
    return out


def _cut_face(region: np.ndarray, holes: Holes, params: SegmentParams) -> tuple[np.ndarray | None, np.ndarray]:
    """A face that digits cut into pieces (bool, None when there is none), and the region with its holes.

    The pieces are the region's holes at least ``min_split`` px each way and ``ring_tall`` as
    tall as the tallest (a digit's loops are less tall, and so is a gap in a wall's blob), two
    or more, making at least ``ring_face`` of the region with its holes (a wall's blob round
    the light patches in it makes less).
    """
    holes, outside = holes
    filled = region | ((holes > 0) & ~np.isin(holes, list(outside)))
    sizes = {
        k: (ys.stop - ys.start, xs.stop - xs.start)
        for k, (ys, xs) in enumerate(ndimage.find_objects(holes), start=1)
        if k not in outside
    }
    tallest = max((h for h, w in sizes.values() if min(h, w) >= params.min_split), default=0)
    pieces = [k for k, (h, w) in sizes.items() if min(h, w) >= params.min_split and h >= params.ring_tall * tallest]
    if len(pieces) < 2:
        return None, filled  # a face whole is face_ink's, with nothing in it
    face = np.isin(holes, pieces)
    return (face if face.sum() >= params.ring_face * filled.sum() else None), filled


def _plate_shaped(face: np.ndarray, filled: np.ndarray, params: SegmentParams) -> bool:
    """True when a region with its holes (``filled``) is shaped like a plate round its ``face``.

    Each row and column crosses it once (:func:`crossed_once`, at least ``ring_convex``: the
    paper round a number's strokes dips between them), and the face comes within
    ``frame_side`` of its smaller side (and a pixel) of each side of its box.
    """
    if min(crossed_once(filled), crossed_once(filled.T)) < params.ring_convex:
        return False
    ys, xs = np.flatnonzero(face.any(axis=1)), np.flatnonzero(face.any(axis=0))
    h, w = filled.shape
    reach = params.frame_side * min(h, w) + 1
    return min(ys[0], xs[0], h - 1 - ys[-1], w - 1 - xs[-1]) <= reach


def _ring_depth(region: np.ndarray, face: np.ndarray, filled: np.ndarray, params: SegmentParams) -> np.ndarray | None:
    """Where the region with its holes lies deeper than its ring (bool), None when the ring is no border.

    The ring is as thick as the face comes near the outline: the depth (chessboard steps from
    outside, a fifth of the Euclidean transform's time; a plate's border runs nearly along the
    rows) of the face's pixels along the ink, at its ``ring_depth`` quantile (the digits' sides
    lie deeper), and ``ring_margin`` of that again. It is a border when at most ``ring_side``
    of the region's smaller side thick, with the face on at least ``ring_edge`` of the band
    two steps deep just inside it.
    """
    depth = ndimage.distance_transform_cdt(np.pad(filled, 1), metric="chessboard")[1:-1, 1:-1]  # outside all round
    thick = float(np.quantile(depth[face & ndimage.binary_dilation(region)], params.ring_depth))
    if thick > params.ring_side * min(region.shape):
        return None
    level = thick * (1 + params.ring_margin)
    inner = depth > level
    edge = inner & (depth <= level + 2)
    return inner if edge.any() and face[edge].mean() >= params.ring_edge else None


def crossed_once(mask: np.ndarray) -> float:
    """The share of the span from each row's first pixel of ``mask`` to its last that ``mask`` fills (0: empty).

    1 for a shape each row crosses once (a plate, turned or not, and a line that touches it);
    less where rows cross gaps between its parts.

    Example:
        >>> crossed_once(np.array([[1, 1, 1], [1, 0, 1], [0, 1, 0]], bool))
        0.8571428571428571
    """
    rows = mask.any(axis=1)
    if not rows.any():
        return 0.0
    columns = np.arange(mask.shape[1])
    first = np.where(mask, columns, mask.shape[1]).min(axis=1)[rows]
    last = np.where(mask, columns, -1).max(axis=1)[rows]
    return float(mask.sum() / (last - first + 1).sum())


def _holes(region: np.ndarray) -> Holes:
    """The paper's 4-connected pieces in a region's box, labelled, and the labels of those reaching the box's side.

    As :func:`ndimage.binary_fill_holes` sees them, in one labelling instead of its repeated
    dilations: the pieces that do not reach the side are the region's holes. Label 0 is the
    region's ink.
    """
    holes, _count = ndimage.label(~region)
    outside = set(np.unique(np.concatenate([holes[0], holes[-1], holes[:, 0], holes[:, -1]])).tolist())
    outside.discard(0)
    return holes, outside


def is_line(piece: Blob, params: SegmentParams = DEFAULT) -> bool:
    """True for a piece thinner than ``frame_line`` of its length: a line, not a digit.

    Its thickness is its ink over its length (the longer side of its box, so a line turned a
    little measures as thin as a straight one). A plate's inner border line, turned with the
    plate, comes apart from the outer border into two such sides inside the face (0.02). The
    MNIST test 1s measure 0.15 (median) and 4 of 1,135 measure less than 0.06; its 4s and 7s
    0.08 or more.

    Example:
        >>> is_line(Blob(0, 0, 100, 3, np.ones((100, 3), bool))), is_line(Blob(0, 0, 100, 10, np.ones((100, 10), bool)))
        (True, False)
    """
    return int(piece.mask.sum()) < params.frame_line * max(piece.height, piece.width) ** 2


def stands_clear(region: np.ndarray, ys: slice, xs: slice, *, params: SegmentParams = DEFAULT) -> bool:
    """True when little of the region lies round the box ``ys, xs`` beyond a frame's side.

    A plate's border is thin (at most ``frame_side`` of its face's smaller side) and the wall
    beyond it is clear: in a band as wide again, the region holds ink over at most
    ``frame_clear`` of it (the lines of a tiled wall or a pole that the border touches: 0.0-0.04
    on generated plates). A hole in a mottled wall's ink, or between the strokes of a scrawl, is
    ringed by more of it (0.16-0.98 at seeds 1 and 31).
    """
    side = min(ys.stop - ys.start, xs.stop - xs.start)
    near, far = round(params.frame_side * side), round(2 * params.frame_side * side)
    y0, x0 = max(0, ys.start - far), max(0, xs.start - far)
    around = region[y0 : ys.stop + far, x0 : xs.stop + far]
    band = np.ones(around.shape, dtype=bool)
    band[max(0, ys.start - near) - y0 : ys.stop + near - y0, max(0, xs.start - near) - x0 : xs.stop + near - x0] = False
    return not band.any() or float(around[band].mean()) <= params.frame_clear


def enclosed(hole: np.ndarray, axes: tuple[int, ...] = (0, 1)) -> np.ndarray:
    """Where the hole lies on both sides, along the row or along the column (bool, its shape).

    A digit inside a plate's face has the face on both sides of it, along its rows or its
    columns, even where it touches the border; the side of another frame that only reaches into
    the face's box has it on one side. ``axes`` (1: along the rows only) picks the directions.

    Example:
        >>> enclosed(np.array([[1, 0, 1], [1, 0, 0]], bool)).astype(int).tolist()
        [[1, 1, 1], [1, 0, 0]]
        >>> enclosed(np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1]], bool), axes=(1,)).astype(int).tolist()
        [[1, 0, 0], [0, 1, 0], [1, 1, 1]]
    """
    out = np.zeros(hole.shape, dtype=bool)
    for axis in axes:
        seen = np.logical_or.accumulate(hole, axis=axis)
        ahead = np.flip(np.logical_or.accumulate(np.flip(hole, axis=axis), axis=axis), axis=axis)
        out |= seen & ahead
    return out


def framed(
    blob: Blob, ink: np.ndarray, strong: float | None, *, params: SegmentParams = DEFAULT
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The digits a blob frames (bool, its box; :func:`face_ink`, else :func:`ring_ink`), by its ink and strong ink.

    The blob's own ink frames digits that touch a border. A plate's face a little darker than
    the wall is ink too, one blob with its border and digits (and the wall's lines that touch
    it): the border and digits come apart from it above Otsu's level within the blob (and above
    ``strong``, the level the mask was made at), as :func:`detector.segment.propose.edge_cores`
    takes a digit from the shade it joined, and that border frames them. Each is None when
    it frames none.
    """
    if min(blob.height, blob.width) < 2 * params.min_split:
        return None, None
    crop = ink[blob.y0 : blob.y1, blob.x0 : blob.x1]
    level = None if strong is None else ink_level(crop, blob.mask, params=params)
    by_strong = None if level is None else _inside(blob.mask & (crop >= max(level, strong)), params)
    return _inside(blob.mask, params), by_strong


def _inside(region: np.ndarray, params: SegmentParams) -> np.ndarray | None:
    """The digits a region frames: in a face whole (:func:`face_ink`), else inside its ring (:func:`ring_ink`)."""
    holes = _holes(region)  # labelled once for both
    inside = face_ink(region, params=params, holes=holes)
    return ring_ink(region, params=params, holes=holes) if inside is None else inside


def unframed(
    mask: np.ndarray, ink: np.ndarray, labelled: Labelled, strong: float | None, *, params: SegmentParams = DEFAULT
) -> list[np.ndarray]:
    """The mask with every frame's blob replaced by the digits it frames (:func:`framed`), once by
    its ink and once by its strong ink: each where some blob frames any.

    ``labelled`` is the mask's components (:func:`detector.segment.blobs.label`), ``strong`` the
    level its strong ink was measured at (:func:`detector.segment.ink.ink_level`).
    """
    out: list[np.ndarray | None] = [None, None]
    for blob in components(mask, params=params, labelled=labelled):
        for k, inside in enumerate(framed(blob, ink, strong, params=params)):
            if inside is not None:
                out[k] = mask.copy() if out[k] is None else out[k]
                box = out[k][blob.y0 : blob.y1, blob.x0 : blob.x1]
                box[blob.mask & ~inside] = False
    return [variant for variant in out if variant is not None]
