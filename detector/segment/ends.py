"""Choosing a reading by evidence, the steps on a line's ends (:mod:`detector.segment.choose`, step 4).

A line's first and last digits are where what stands beside a number joins it: the side of
its plate or frame, a sliver of a bold stroke, the edge of what a corner or the crop's side
cut off. Each step drops such a digit from the reading (``framed_ends``, ``slivers``,
``cornered_ones``, ``cut_ends``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from detector.segment.alone import in_corner
from detector.segment.params import DEFAULT, SegmentParams

if TYPE_CHECKING:
    from detector.segment.choose import Scored


def framed_ends(lines: list[list[Scored]], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """Drop the 1s at either end of a line that are the side of a plate or frame around it.

    Such a side stands beside the number and overlaps it in height, so it joins the line.
    It either runs past the digits' tops and bottoms by ``side_reach`` of their height or
    more (by ``doubt_reach``, 0.03, where the network doubts it is a 1: a plate's thin side
    in a small crop, read as a 1 at 54-78 %), where a printed or written 1 keeps to the
    line at least at one end, or it stands out from its paper by less than ``side_strength``
    of the digits' median strength: the digits of one number share their paint or ink, and a
    plate's border, an edge's shadow or a patch of wall beside the plate is not of it, thin
    or wide. Measured against the line's digits that are not 1s.
    """
    out = []
    for line in lines:
        line = list(line)
        shaped = [s for s in line if s.digit != 1]
        if shaped and len(line) >= 2:
            top = float(np.median([s.blob.y0 for s in shaped]))
            bottom = float(np.median([s.blob.y1 for s in shaped]))
            height = float(np.median([s.blob.height for s in shaped]))
            reach = {True: params.side_reach * height, False: params.doubt_reach * height}  # by sureness
            faint = params.side_strength * float(np.median([s.strength for s in shaped]))
            for end in (0, -1):
                while len(line) >= 2 and (
                    _side(line[end], top, bottom, reach[line[end].weight >= params.lone_sure])
                    or _faint_one(line[end], faint)
                ):
                    line.pop(end)
        out.append(line)
    return out


def slivers(lines: list[list[Scored]], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """Drop each 1 that touches a wider digit of its line standing out from its paper much more: a sliver of its stroke.

    A bold pen's stroke can leave a thin strip of its soft edge apart from the rest where the
    ink is thresholded, flush against the digit: the network reads a strip as a 1. "8289"
    read 82189 at seed 5: a strip 5 px wide beside its 2 (27 px), strength 0.51 against 0.90.
    A strip touches the digit (within ``touch`` of its height, at least 2 px), is at most half
    as wide, and the digit stands out from its paper by ``halo_margin`` more. A 1 written with
    the same pen stands out as much as its neighbours.
    """
    out = []
    for line in lines:
        kept = [s for s in line if not (s.digit == 1 and any(_sliver_of(s, t, params) for t in line))]
        if kept:
            out.append(kept)
    return out


def _sliver_of(s: Scored, t: Scored, params: SegmentParams) -> bool:
    """True when ``s`` touches ``t`` side by side and is a thin, much fainter strip beside it (:func:`slivers`)."""
    gap = max(2, round(params.touch * s.blob.height))
    apart = max(s.blob.x0 - t.blob.x1, t.blob.x0 - s.blob.x1)
    return (
        t is not s
        and t.digit != 1
        and apart <= gap
        and t.blob.width >= 2 * s.blob.width
        and t.strength >= s.strength + params.halo_margin
    )


def cornered_ones(
    lines: list[list[Scored]], shape: tuple[int, int] | None, params: SegmentParams = DEFAULT
) -> list[list[Scored]]:
    """Drop the 1s that the picture cuts at a corner: they reach two of its sides that meet.

    A stroke running into a corner is the edge of what the photo or the crop cut there (a
    card's rim, a table, a plate's side), or the part of a digit the corner left: either way
    its reading as a 1 says nothing. A digit that is not read as a 1 keeps its shape's
    evidence and stays.
    """
    if shape is None:
        return lines
    return [
        kept
        for line in lines
        if (kept := [s for s in line if not (s.digit == 1 and in_corner(s.blob, shape, params.edge_margin))])
    ]


def cut_ends(
    lines: list[list[Scored]], shape: tuple[int, int] | None, params: SegmentParams = DEFAULT
) -> list[list[Scored]]:
    """Drop the digit ending a line that the picture's side cuts there, much narrower than the line's digits.

    A crop cut close round a number often holds a strip of what lay beside it: the edge of a
    neighbouring plate, a shadow, part of another number. Cut by the picture's side, it is
    narrower than a digit, and the network reads it as a 1 or, a dark strip with a notch, as
    a 4 at 95 % ("95" read 495). At either end of a line of three digits or more, a digit that
    the picture's side cuts at that end (within ``edge_margin``) and is narrower than
    ``cut_width`` of the line's other digits (their median width) is such a strip. A 1 the
    network is ``lone_sure`` of stays: the number's own 1 may touch the crop's side.
    """
    if shape is None:
        return lines
    width, margin = shape[1], params.edge_margin
    out = []
    for line in lines:
        line = list(line)
        for end in (0, -1):
            if len(line) < 3:
                break
            s = line[end]
            cut = s.blob.x0 <= margin if end == 0 else s.blob.x1 >= width - margin
            narrow = s.blob.width < params.cut_width * float(np.median([t.blob.width for t in line if t is not s]))
            if cut and narrow and not (s.digit == 1 and s.weight >= params.lone_sure):
                line.pop(end)
        out.append(line)
    return out


def _side(s: Scored, top: float, bottom: float, reach: float) -> bool:
    """True for a 1 that runs more than ``reach`` above ``top`` and below ``bottom``."""
    return s.digit == 1 and top - s.blob.y0 > reach and s.blob.y1 - bottom > reach


def _faint_one(s: Scored, faint: float) -> bool:
    """True for a 1 weaker than ``faint``."""
    return s.digit == 1 and s.strength < faint
