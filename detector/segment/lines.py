"""Segmentation step 4: group digit blobs into text lines and put them in reading order."""

from __future__ import annotations

import numpy as np

from detector.segment.blobs import Blob

SAME_LINE = 0.5  # vertical overlap, as a fraction of the shorter blob, that puts two blobs on one line
SMALL_IN_LINE = 0.45  # blobs shorter than this fraction of their line's tallest are specks or marks
TALL_IN_LINE = 1.5  # blobs taller than this many times their line's median height are not digits
SMALL_LINE = 0.5  # lines shorter than this fraction of the tallest line are fine print, not the number


def _overlap(a: Blob, b: Blob) -> float:
    return (min(a.y1, b.y1) - max(a.y0, b.y0)) / max(1, min(a.height, b.height))


def group_lines(blobs: list[Blob]) -> list[list[Blob]]:
    """Return the blobs as lines, top to bottom, each ordered left to right.

    Blobs are visited left to right and join the line whose latest blob overlaps them
    most in height, so a slightly rotated line is still followed.
    """
    lines: list[list[Blob]] = []
    for blob in sorted(blobs, key=lambda b: b.x0):
        best = max(lines, key=lambda line: _overlap(line[-1], blob), default=None)
        if best is not None and _overlap(best[-1], blob) >= SAME_LINE:
            best.append(blob)
        else:
            lines.append([blob])
    return sorted(lines, key=lambda line: float(np.median([b.cy for b in line])))


def line_height(line: list[Blob]) -> float:
    """Return the typical digit height of a line (the median of its tall blobs)."""
    top = max(b.height for b in line)
    return float(np.median([b.height for b in line if b.height >= SMALL_IN_LINE * top]))


def drop_tall(lines: list[list[Blob]]) -> list[list[Blob]]:
    """Drop blobs much taller than the digits beside them: a sign's edge, a frame's side.

    Only lines of three or more blobs are judged, so that their median height is a digit's.
    """
    out = []
    for line in lines:
        if len(line) >= 3:
            typical = float(np.median([b.height for b in line]))
            line = [b for b in line if b.height <= TALL_IN_LINE * typical]
        out.append(line)
    return out


def drop_small(lines: list[list[Blob]]) -> list[list[Blob]]:
    """Drop specks within a line and lines of much smaller print than the main number."""
    kept = [[b for b in line if b.height >= SMALL_IN_LINE * max(x.height for x in line)] for line in lines]
    tallest = max((line_height(line) for line in kept), default=0.0)
    return [line for line in kept if line_height(line) >= SMALL_LINE * tallest]
