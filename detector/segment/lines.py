"""Segmentation step 4: group digit blobs into text lines and put them in reading order."""

from __future__ import annotations

import numpy as np

from detector.segment.blobs import Blob
from detector.segment.params import DEFAULT, SegmentParams


def _overlap(a: Blob, b: Blob) -> float:
    return (min(a.y1, b.y1) - max(a.y0, b.y0)) / max(1, min(a.height, b.height))


def group_lines(blobs: list[Blob], *, params: SegmentParams = DEFAULT) -> list[list[Blob]]:
    """Return the blobs as lines, top to bottom, each ordered left to right.

    Blobs are visited left to right and join the line whose latest blob overlaps them
    most in height (at least ``params.same_line`` of the shorter one), so a slightly
    rotated line is still followed.
    """
    lines: list[list[Blob]] = []
    for blob in sorted(blobs, key=lambda b: b.x0):
        best = max(lines, key=lambda line: _overlap(line[-1], blob), default=None)
        if best is not None and _overlap(best[-1], blob) >= params.same_line:
            best.append(blob)
        else:
            lines.append([blob])
    return sorted(lines, key=lambda line: float(np.median([b.cy for b in line])))


def line_height(line: list[Blob], *, params: SegmentParams = DEFAULT) -> float:
    """Return the typical digit height of a line: the median of its blobs at least
    ``params.small_in_line`` as tall as its tallest."""
    top = max(b.height for b in line)
    return float(np.median([b.height for b in line if b.height >= params.small_in_line * top]))


def drop_tall(lines: list[list[Blob]], *, params: SegmentParams = DEFAULT) -> list[list[Blob]]:
    """Drop blobs much taller than the digits beside them: a sign's edge, a frame's side.

    Taller than ``params.tall_in_line`` times the line's median height is too tall. Only
    lines of three or more blobs are judged, so that their median height is a digit's.
    """
    out = []
    for line in lines:
        if len(line) >= 3:
            typical = float(np.median([b.height for b in line]))
            line = [b for b in line if b.height <= params.tall_in_line * typical]
        out.append(line)
    return out


def drop_small(lines: list[list[Blob]], *, params: SegmentParams = DEFAULT) -> list[list[Blob]]:
    """Drop specks within a line and lines of much smaller print than the main number.

    Uses ``params.small_in_line`` (specks, against the line's tallest blob) and
    ``params.small_line`` (fine print, against the tallest line).
    """
    small = params.small_in_line
    kept = [[b for b in line if b.height >= small * max(x.height for x in line)] for line in lines]
    tallest = max((line_height(line, params=params) for line in kept), default=0.0)
    return [line for line in kept if line_height(line, params=params) >= params.small_line * tallest]
