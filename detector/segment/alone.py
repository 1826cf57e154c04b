"""Choosing a reading by evidence, the steps for digits that stand alone (:mod:`detector.segment.choose`).

A stroke or a small mark by itself has no line of digits to show that it is writing, so
these steps ask more of it: that it is clear of the picture's edge, sure, not cut from a
larger blob it leaves mostly unread, and not a straight bar (``lone_strokes``,
``lone_piece``, ``small_and_alone``, ``not_only_bars``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from detector.segment.blobs import Blob
from detector.segment.params import DEFAULT, SegmentParams

if TYPE_CHECKING:
    from detector.segment.choose import Scored


def lone_strokes(
    lines: list[list[Scored]],
    shape: tuple[int, int] | None,
    params: SegmentParams = DEFAULT,
    scored: list[Scored] | None = None,
) -> list[list[Scored]]:
    """In a reading of nothing but 1s, keep only the strokes that stand clear of the picture's edge and are sure.

    Without other digits to show the scale and the writing, a stroke is a 1 only when it is
    the clear subject of the picture: one that touches the picture's edge is the edge of
    something (a door, a frame, a table), a small one the network doubts at all (less than
    ``lone_sure``) is a mark, a tall one (``lone_small`` of the picture or more: a 1 drawn
    with a ruler) needs ``subject_sure``, one that stands out from its paper by less than
    ``lone_strength`` is a strip of shaded wall or paper between two edges, and one cut from
    a larger blob whose ink the reading leaves unread (:func:`explained`; ``scored`` are all
    the candidates of the polarity) is the side of a frame, and one with another piece of ink
    in its very columns above or below it (:func:`in_column`) is a stretch of a straight line
    that crossing lines cut: a grid of tiles, a door's or a window's frame.
    """
    if any(s.digit != 1 for line in lines for s in line):
        return lines
    m = params.edge_margin

    def clear(s: Scored) -> bool:
        b = s.blob
        inside = shape is None or not at_edge(b, shape, m)
        subject = shape is not None and b.height >= params.lone_small * shape[0]
        sure = s.weight >= (params.subject_sure if subject else params.lone_sure)
        return inside and sure and s.strength >= params.lone_strength and not in_column(s, scored or [])

    lines = [kept for line in lines if (kept := [s for s in line if clear(s)])]
    return explained(lines, scored, params) if scored and params.explain > 0 else lines


def in_column(s: Scored, scored: list[Scored]) -> bool:
    """True when another upright candidate stands wholly above or below ``s`` in the same columns.

    The same columns: the narrower one's lie within the wider one's, give or take half the
    narrower one's width (at least 2 px), so one straight line runs through both. Within, not
    equal: where a crossing line cuts a stretch, the shade or the grain beside it can widen
    one stretch's box and not the next (a mortar joint between two rows of bricks). Upright:
    taller than wide, a stretch of the same line (a plate's border under a row of 1s is not),
    and longer than ``s`` is wide (a speck far below a slanted 1 is no stretch of it).
    """
    b = s.blob

    def within(a: Blob, c: Blob) -> bool:  # a's columns lie in c's, give or take half a's width
        slack = max(2, a.width // 2)
        return a.x0 >= c.x0 - slack and a.x1 <= c.x1 + slack

    return any(
        (o.y1 <= b.y0 or o.y0 >= b.y1) and (within(o, b) if o.width <= b.width else within(b, o))
        for o in (t.blob for t in scored if t is not s)
        if o.height > max(o.width, b.width)
    )


def at_edge(blob: Blob, shape: tuple[int, int], margin: int = 0) -> bool:
    """True when the blob comes within ``margin`` px of the picture's edge."""
    h, w = shape
    return blob.x0 <= margin or blob.y0 <= margin or blob.x1 >= w - margin or blob.y1 >= h - margin


def in_corner(blob: Blob, shape: tuple[int, int], margin: int = 0) -> bool:
    """True when the blob comes within ``margin`` px of two sides of the picture that meet."""
    h, w = shape
    vertical = blob.y0 <= margin or blob.y1 >= h - margin
    return vertical and (blob.x0 <= margin or blob.x1 >= w - margin)


def small_and_alone(
    lines: list[list[Scored]], shape: tuple[int, int] | None, params: SegmentParams = DEFAULT
) -> list[list[Scored]]:
    """Drop the digits that stand alone, small, and that the network doubts (less than ``lone_sure``).

    A number someone photographs or draws fills a good part of the picture, or stands in a
    line of digits that shows it is writing. A lone digit shorter than ``lone_small`` of the
    picture, or a line of one digit beside the number's line, that the network doubts is far
    likelier a blotch of grain or wall, a letter or a speck (and, beside a line clear of the
    picture's edge, a line of one digit that the edge cuts, however sure: the wall or table
    the photo cut there, "97" read "97 4"); a lone digit the network is
    ``lone_digit`` sure is a digit at all, and doubts only which (a 6 or a 0?), is read,
    flagged unsure. A lone digit the picture's edge cuts that stands out from its paper by
    less than ``edge_strength`` is dropped too: the mottling of paper or wall along the edge,
    or the table behind it.
    """
    digits = [s for line in lines for s in line]
    if shape is None or not digits:
        return lines
    if len(digits) == 1:
        s = digits[0]
        doubted = s.weight < params.lone_sure and s.digitness < params.lone_digit
        doubted &= s.blob.height < params.lone_small * shape[0]
        faint_at_edge = at_edge(s.blob, shape, params.edge_margin) and s.strength < params.edge_strength
        return [] if doubted or faint_at_edge else lines
    cut = [any(at_edge(t.blob, shape, params.edge_margin) for t in line) for line in lines]
    if not all(cut):  # beside a line clear of the edge, a line of one digit the edge cuts is what the photo cut
        lines = [line for line, edge in zip(lines, cut, strict=True) if len(line) > 1 or not edge]
    return [line for line in lines if len(line) > 1 or line[0].weight >= params.lone_sure]


def is_bar(blob: Blob, params: SegmentParams = DEFAULT) -> bool:
    """True for a long, straight, solid stroke: a frame side or a door edge, or a ruler-straight 1."""
    return blob.height >= params.bar_aspect * blob.width and blob.mask.mean() >= params.bar_fill


def not_only_bars(lines: list[list[Scored]], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """No reading when every digit chosen is a bar; otherwise the lines as they are."""
    return [] if all(is_bar(s.blob, params) for line in lines for s in line) else lines


def piece_of(s: Scored, scored: list[Scored], params: SegmentParams = DEFAULT) -> Scored | None:
    """The largest candidate that ``s`` was cut from, or None.

    That is a larger candidate whose ink within s's box is exactly s's ink (a split piece's
    blob, not one beside it: a digit inside a frame is not the frame's ink), or holds all of
    it and more where the larger one is a ring around a hole (:func:`is_ring`): a frame whose
    top and bottom were cut away as rules of lined paper leaves its sides as blobs of their own.
    A digit the network is ``lone_sure`` of that no other ink of the larger candidate touches
    was not cut from it but joined to it (:func:`touches`): stacked pieces merged into one
    candidate, a plate's 1 with the pieces of the frame round it.
    """
    b, best = s.blob, None
    for t in scored:
        o = t.blob
        inside = o.y0 <= b.y0 and o.x0 <= b.x0 and b.y1 <= o.y1 and b.x1 <= o.x1
        if not inside or o.height * o.width <= b.height * b.width:
            continue
        if best is not None and o.height * o.width <= best.blob.height * best.blob.width:
            continue
        if s.weight >= params.lone_sure and not touches(b, o):
            continue
        there = o.mask[b.y0 - o.y0 : b.y1 - o.y0, b.x0 - o.x0 : b.x1 - o.x0]
        if np.array_equal(there, b.mask) or (not (b.mask & ~there).any() and is_ring(o, params)):
            best = t
    return best


def touches(b: Blob, o: Blob) -> bool:
    """True when ink of ``o`` outside ``b``'s mask touches it (8-connected), ``b`` lying within ``o``'s box."""
    y0, x0, y1, x1 = max(o.y0, b.y0 - 1), max(o.x0, b.x0 - 1), min(o.y1, b.y1 + 1), min(o.x1, b.x1 + 1)
    around = o.mask[y0 - o.y0 : y1 - o.y0, x0 - o.x0 : x1 - o.x0]
    own = np.zeros_like(around)
    own[b.y0 - y0 : b.y1 - y0, b.x0 - x0 : b.x1 - x0] = b.mask
    grown = ndimage.binary_dilation(own, structure=np.ones((3, 3), bool))
    return bool((grown & around & ~own).any())


def is_ring(blob: Blob, params: SegmentParams = DEFAULT) -> bool:
    """True for a blob around a hole at least ``params.ring_hole`` times its ink: a frame or a plate's border.

    A digit's loops are small beside its strokes (a 0 encloses about its own ink), a frame's
    inside is most of its box.
    """
    hole = int(ndimage.binary_fill_holes(blob.mask).sum()) - int(blob.mask.sum())
    return hole >= params.ring_hole * int(blob.mask.sum())


def lone_piece(lines: list[list[Scored]], scored: list[Scored], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """No reading where its one digit, in doubt, is cut from a blob whose ink it leaves mostly unread.

    :func:`explained` asks it of 1s in any reading. A digit of any kind that stands alone asks
    it too, unless the network is ``piece_sure`` of it: the half of a serif "W" read as a 4, a
    few bricks cut from a wall's mortar read as a 9, are pieces of something the reading does
    not explain, and no line of digits shows that they are writing. At seeds 1 and 6 the eight
    lone digits read right that were such pieces (on a plate joined to its border, a small
    crop cut into it) were all 99.4 % sure or more, the one digit-free picture read that way
    (a wall's 7) 65 %. ``scored`` are all the candidates of the polarity.
    """
    digits = [s for line in lines for s in line]
    if len(digits) != 1 or params.explain <= 0 or digits[0].weight >= params.piece_sure:
        return lines
    return explained(lines, scored, params, every_digit=True)


def explained(
    lines: list[list[Scored]], scored: list[Scored], params: SegmentParams = DEFAULT, *, every_digit: bool = False
) -> list[list[Scored]]:
    """Drop the 1s (``every_digit``: the digits) cut from a blob whose ink the reading leaves mostly unread.

    Splitting a blob says it is several digits side by side; the pieces read as digits must
    then hold at least ``params.explain`` of its ink. The two sides of an empty frame, cut
    from its ring, hold a third of it, and the top and bottom are read as nothing; two
    touching 1s hold all of theirs.
    """
    chosen = [s for line in lines for s in line]
    whole = {id(s): piece_of(s, scored, params) for s in chosen}
    keep = set()
    for s in chosen:
        w = whole[id(s)]
        if w is None or (s.digit != 1 and not every_digit):
            keep.add(id(s))
            continue
        covered = sum(int(t.blob.mask.sum()) for t in chosen if whole[id(t)] is w)
        if covered >= params.explain * int(w.blob.mask.sum()):
            keep.add(id(s))
    return [kept for line in lines if (kept := [s for s in line if id(s) in keep])]
