"""Finding the digits in a picture larger than 32 px, in reading order (library; imports only ``detector`` core).

The pipeline: a working copy (large photos shrunk, tiny crops enlarged), lighting evened
out in the polarity given or guessed (``ink``), rules of lined paper removed
(``rules``), connected components kept (no clutter, frames or holes in solid
shapes), merged and split into digits (``blobs``), grouped into lines with the
specks and the too-tall sides of frames dropped (``lines``) and cut out with
MNIST-like strokes (``strokes``). Boxes are mapped back to the pixels of the given
array. Every number the steps tune is a field of :class:`SegmentParams` (``params``),
passed down from :func:`find_digits`, so a bench can sweep one without patching modules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from detector.preprocess import dark_on_light, fit_to_canvas, ink_box, to_gray
from detector.segment.blobs import (
    Blob,
    components,
    drop_faint,
    drop_frames,
    drop_holes,
    is_clutter,
    is_dash,
    merge_fragments,
    split_touching,
    strength,
    touches_edge,
)
from detector.segment.ink import ink_mask, page_ink, working_copy
from detector.segment.lines import drop_small, drop_tall, group_lines, line_height
from detector.segment.params import DEFAULT, SegmentParams
from detector.segment.rules import remove_rules
from detector.segment.strokes import even_strokes

if TYPE_CHECKING:
    from detector.segment.propose import Candidate

__all__ = [
    "DigitCrop",
    "Proposals",
    "SegmentParams",
    "cut_digit",
    "find_digits",
    "find_digits_both_ways",
    "propose_digits",
]


@dataclass(frozen=True)
class DigitCrop:
    """One digit found in a picture.

    Attributes:
        ink: float32 (h, w) bright-on-black ink of this digit only (other ink masked
            out); it may be resampled, so use ``box`` for its place in the picture.
        box: (x, y, w, h) in the pixels of the array that was segmented.
        line: Text line index, top to bottom.
    """

    ink: np.ndarray
    box: tuple[int, int, int, int]
    line: int


def find_digits(
    gray: np.ndarray, dark_ink: bool | None = None, *, params: SegmentParams | None = None
) -> list[DigitCrop]:
    """Return the digits of a grayscale picture in reading order.

    Args:
        gray: float32 (H, W) in 0..1, either polarity, any lighting.
        dark_ink: Read dark ink on light paper (True) or light on dark (False); None
            decides from the whole picture, which a sign on a contrasting wall can fool
            (:func:`find_digits_both_ways` gives both, for the caller to judge by the readings).
        params: The segmentation numbers; the tuned defaults when None.

    Returns:
        Crops ordered line by line (top to bottom), left to right; empty when the
        picture holds nothing digit-like.

    Raises:
        InputError: ``gray`` is not a picture (wrong shape or dtype, no pixels).
    """
    params = params or DEFAULT
    gray = to_gray(gray)  # any dtype or shape a user can pass; NaN and inf cleaned
    work, scale = working_copy(gray, params=params)
    return _find(work, scale, gray.shape, dark_ink, params)


def find_digits_both_ways(gray: np.ndarray, *, params: SegmentParams | None = None) -> Iterator[list[DigitCrop]]:
    """Yield the digits read in the likelier polarity, then (when asked for) in the other.

    The picture is cleaned and resized once for both; the second reading is only made when
    the caller takes it, so a sure first reading costs nothing more.

    Args:
        gray: As for :func:`find_digits`.
        params: The segmentation numbers; the tuned defaults when None.

    Raises:
        InputError: ``gray`` is not a picture (wrong shape or dtype, no pixels).
    """
    params = params or DEFAULT
    gray = to_gray(gray)
    work, scale = working_copy(gray, params=params)
    likelier = dark_on_light(work, "page")
    yield _find(work, scale, gray.shape, likelier, params)
    yield _find(work, scale, gray.shape, not likelier, params)


@dataclass(frozen=True)
class Proposals:
    """Everything that might be a digit in a picture, ready for the network (:func:`propose_digits`).

    Attributes:
        blobs: Each candidate's box and mask in working pixels.
        dark_ink: The polarity each was read in.
        inputs: float32 (N, 28, 28) the candidates as the network's inputs.
        boxes: (x, y, w, h) of each candidate in the pixels of the given array.
        shape: (height, width) of the working copy the blobs are in.
        sources: How each was made: "blob", "merged", "split" (cut from a larger blob), "core"
            (the strong ink of a blob the picture's edge touches: read only where it fits a line),
            "framed" (held by a frame it touched, :mod:`detector.segment.frames`) or "faint"
            (found only below the ink level: read only beside a line's digits).
        strengths: How far each one's ink stands out from its paper, 0..1 (:func:`~detector.segment.blobs.strength`).
        dotted: Whether each is punctuation ("?", "!", "%") or the paper round it (:mod:`detector.segment.marks`).
        likely_dark: The picture's likelier polarity, True for dark ink on light paper
            (:func:`detector.preprocess.dark_on_light`, ``"page"``); None where unknown.
    """

    blobs: list[Blob]
    dark_ink: list[bool]
    inputs: np.ndarray
    boxes: list[tuple[int, int, int, int]]
    shape: tuple[int, int] = (0, 0)
    sources: list[str] = field(default_factory=list)
    strengths: list[float] = field(default_factory=list)
    dotted: list[bool] = field(default_factory=list)
    likely_dark: bool | None = None


def propose_digits(gray: np.ndarray, *, params: SegmentParams | None = None) -> Proposals:
    """Return every candidate digit of a picture, both polarities, as network inputs.

    The network's probabilities for ``inputs`` then go to :func:`detector.segment.choose.choose`,
    which picks the reading.

    Raises:
        InputError: ``gray`` is not a picture (wrong shape or dtype, no pixels).
    """
    from detector.segment.propose import propose_each

    params = params or DEFAULT
    gray = to_gray(gray)
    work, scale = working_copy(gray, params=params)
    # each polarity's candidates are made network inputs on its own core, as soon as it is found
    prepared, likelier = propose_each(work, lambda c: _prepare(c, params), params=params)
    blobs, dark, inputs, boxes, sources, strengths, dotted = [], [], [], [], [], [], []
    for candidate, (crop, power) in prepared:
        if crop is None:
            continue
        blobs.append(candidate.blob)
        dark.append(candidate.dark_ink)
        inputs.append(crop)
        boxes.append(_box(candidate.blob, scale, gray.shape))
        sources.append(candidate.source)
        strengths.append(power)
        dotted.append(candidate.dotted)
    stacked = np.stack(inputs) if inputs else np.zeros((0, 28, 28), np.float32)
    return Proposals(blobs, dark, stacked, boxes, work.shape, sources, strengths, dotted, likelier)


def _prepare(candidate: Candidate, params: SegmentParams) -> tuple[np.ndarray | None, float]:
    """A candidate's network input (None when its crop holds no ink) and its strength."""
    power = strength(candidate.blob, candidate.ink) if candidate.strength is None else candidate.strength
    crop = cut_digit(candidate.ink, candidate.blob, params, level=power)
    box = ink_box(crop)
    if box is None:
        return None, power
    x, y, w, h = box
    return fit_to_canvas(crop[y : y + h, x : x + w]), power


def _find(
    work: np.ndarray, scale: float, shape: tuple[int, int], dark_ink: bool | None, params: SegmentParams
) -> list[DigitCrop]:
    """The digits of a working copy, boxes in the pixels of a picture of ``shape``."""
    ink = page_ink(work, dark_ink, params=params)
    mask = remove_rules(ink_mask(ink, params=params), params=params)
    crops = []
    for index, line in enumerate(_lines(ink, mask, params)):
        crops.extend(DigitCrop(cut_digit(ink, blob, params), _box(blob, scale, shape), index) for blob in line)
    return crops


def _lines(ink: np.ndarray, mask: np.ndarray, p: SegmentParams) -> list[list[Blob]]:
    """Return the digit blobs of a mask as lines in reading order."""
    blobs = [b for b in components(mask, params=p) if not is_clutter(b, mask.shape, params=p)]
    blobs = drop_faint(drop_holes(drop_frames(blobs, params=p), params=p), ink, params=p)
    merged = merge_fragments(blobs, params=p)
    blobs = [b for b in merged if not (is_clutter(b, mask.shape, params=p) or is_dash(b))]
    lines = drop_small(drop_tall(group_lines(blobs, params=p), params=p), params=p)
    inside = [line for line in lines if not all(touches_edge(b, mask.shape) for b in line)]
    return _split_lines(inside or lines, p)  # a line cut by the picture's edge is background, unless alone


def _split_lines(lines: list[list[Blob]], p: SegmentParams) -> list[list[Blob]]:
    """Split each line's touching digits, dropping the flat streaks a cut can leave."""
    out = []
    for line in lines:
        height = line_height(line, params=p)
        pieces = [piece for blob in line for piece in split_touching(blob, height, params=p)]
        # a cut can leave a streak (a sign's edge, a shadow) that ran into a digit: flat pieces go
        out.append([q for q in pieces if not is_dash(q) and q.height >= p.small_in_line * height] or pieces)
    return out


def cut_digit(
    ink: np.ndarray, blob: Blob, params: SegmentParams = DEFAULT, *, level: float | None = None
) -> np.ndarray:
    """Return the blob's ink, other ink masked out, scaled so its strongest strokes are 1.

    ``level``: the blob's :func:`~detector.segment.blobs.strength` when the caller has measured it.
    """
    own = grow_one(blob.mask)  # keep the soft edge of the strokes
    crop = np.where(own, ink[blob.y0 : blob.y1, blob.x0 : blob.x1], 0.0)
    # MNIST strokes are mostly saturated and its paper is clean: ink at 60 % of the strong
    # strokes counts as full, ink below a quarter of them (tinted paper, glare) as paper.
    if level is None:
        level = strength(blob, ink) if blob.mask.any() else 1.0
    low, high = params.floor * level, params.saturate * level
    crop = np.clip((crop - low) / max(high - low, 1e-3), 0, 1).astype(np.float32)
    return even_strokes(crop, blob.mask, params=params)


def grow_one(mask: np.ndarray) -> np.ndarray:
    """The mask grown by one pixel up, down, left and right: ``scipy.ndimage.binary_dilation(mask)``.

    The same pixels by four shifted ORs, about thirty times faster on a digit's mask (0.4 ms
    of a 274 x 705 one), which :func:`cut_digit` grows for every candidate.

    Example:
        >>> grow_one(np.eye(3, dtype=bool)).astype(int).tolist()
        [[1, 1, 0], [1, 1, 1], [0, 1, 1]]
    """
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def _box(blob: Blob, scale: float, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The blob's box (x, y, w, h) in the pixels of a picture of ``shape``."""
    x0, y0 = int(blob.x0 * scale), int(blob.y0 * scale)
    x1, y1 = min(shape[1], round(blob.x1 * scale)), min(shape[0], round(blob.y1 * scale))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)
