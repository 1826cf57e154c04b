"""Proposing candidates liberally: every piece of ink that could be a digit, for the network to judge.

Both polarities are read, each with up to four binarisations (the ink mask as it is, with
long horizontal rules cut out, and with frames taken from round the digits they touch, by
the frame's ink or its strong ink, :mod:`detector.segment.frames`; its level measured on the
page alone where wedges of background lie along the picture's sides, :func:`page_mask`),
and each blob comes as it is, merged with the pieces stacked above or below it, and split at
the valleys of its column profile. A blob the picture's edge touches also gives the strong ink inside it, apart
from the weak shade that joined a digit to a table (:func:`edge_cores`), and a mask at a lower
level gives the blobs apart from all that ink (:func:`faint_blobs`: a digit written fainter
than the rest). Only what cannot be
a digit at any size is dropped here: specks of a few pixels, and the ink of the picture's own
edge (:func:`is_border`). The choice among
overlapping candidates is made by :mod:`detector.segment.choose`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
from scipy import ndimage

from detector.preprocess import dark_on_light
from detector.segment.alone import at_edge
from detector.segment.blobs import (
    Blob,
    Labelled,
    components,
    drop_faint,
    keep_labels,
    label,
    merge_fragments,
    split_touching,
    strength,
    trim,
)
from detector.segment.frames import unframed
from detector.segment.ink import ink_components, ink_level, page_ink
from detector.segment.lines import group_lines, line_height
from detector.segment.marks import marks, punctuation
from detector.segment.params import DEFAULT, SegmentParams
from detector.segment.rules import remove_rules

T = TypeVar("T")


@dataclass(frozen=True)
class Candidate:
    """A piece of ink that might be a digit.

    Attributes:
        blob: Its box and mask in working pixels.
        dark_ink: The polarity it was read in.
        ink: The polarity's ink map (shared by all candidates of that polarity).
        source: How it was made: "blob", "merged", "split", "core" (the strong ink of a blob
            the picture's edge touches, :func:`edge_cores`), "framed" (held by a frame it
            touched, :mod:`detector.segment.frames`) or "faint" (found only below the ink
            level, :func:`faint_blobs`).
        dotted: It is punctuation, or its paper (:func:`detector.segment.marks.punctuation`).
        strength: How far its ink stands out from its paper (:func:`detector.segment.blobs.strength`).
    """

    blob: Blob
    dark_ink: bool
    ink: np.ndarray
    source: str
    dotted: bool = False
    strength: float | None = None


def is_border(blob: Blob, shape: tuple[int, int], *, params: SegmentParams = DEFAULT) -> bool:
    """True for ink that belongs to the picture's edge, not inside it.

    That is ink running right across the picture (a door's edge, a table's edge, cut by the
    photo at both ends), or lying flat along a stretch of one side (a wedge of background
    where the photo is turned): it runs along a tenth of the side or more (``edge_run``) and
    reaches into the picture less than a third as far. A digit that touches the edge, even
    with its base, stands up from it. Ink within ``edge_margin`` px of a side touches it: blur
    and the lighting correction leave a thin gap between a wedge and the picture's edge.
    """
    h, w = shape
    m = params.edge_margin
    top, bottom, left, right = blob.y0 <= m, blob.y1 >= h - m, blob.x0 <= m, blob.x1 >= w - m
    return (top and bottom) or (left and right) or lies_along_side(blob, shape, params=params)


def lies_along_side(blob: Blob, shape: tuple[int, int], *, params: SegmentParams = DEFAULT) -> bool:
    """True for ink lying flat along a stretch of one side (:func:`is_border`): a wedge of background."""
    h, w = shape
    m = params.edge_margin
    top, bottom, left, right = blob.y0 <= m, blob.y1 >= h - m, blob.x0 <= m, blob.x1 >= w - m
    mask = blob.mask
    near = m + 1  # rows or columns of the mask within the margin of the picture's side
    sides = (  # (pixels along the edge, side length, reach into the picture)
        (mask[: max(1, near - blob.y0)].any(axis=0).sum() if top else 0, w, blob.height),
        (mask[max(0, h - near - blob.y0) :].any(axis=0).sum() if bottom else 0, w, blob.height),
        (mask[:, : max(1, near - blob.x0)].any(axis=1).sum() if left else 0, h, blob.width),
        (mask[:, max(0, w - near - blob.x0) :].any(axis=1).sum() if right else 0, h, blob.width),
    )
    return any(run >= params.edge_run * side and reach <= params.edge_flat * run for run, side, reach in sides)


def page_mask(
    ink: np.ndarray,
    mask: np.ndarray,
    labelled: Labelled,
    whole: float | None,
    *,
    params: SegmentParams = DEFAULT,
) -> tuple[np.ndarray, Labelled, float | None]:
    """The ink mask again, its level measured on the page alone, when the picture's edge holds ink.

    Otsu's level over the whole picture separates the strongest ink from the rest. Where a dark
    table shows round a turned sheet (ink 1.0 against the sheet), the level lands between the
    table and the sheet's own ink, and grey pencil or a pale marker (0.3-0.4) never counts as
    strong: whole numbers vanish. Leaving out the wedges (:func:`lies_along_side`, widened by
    ``edge_margin`` for their soft rim) measures the level on the sheet. Lines crossing the
    picture are not left out: they are thin, seldom decide the level, and often touch digits
    (a card's coloured band). At the lower level a wedge grows (the shade along the sheet's
    rim joins it, and a corner's wedge no longer lies flat): whatever it grew into is left
    out of the new mask. Returns the mask, its labels and the level of its strong ink: ``mask``,
    ``labelled`` and ``whole`` as they are when no ink lies along
    the edge, when the page's level is not below ``page_level`` of the whole picture's (the
    edge's ink did not decide it), or when it is below ``piece_strength``: then the page holds
    only grain (the faint shadows of an embossed card once its coloured band is left out).
    ``whole`` is the level ``mask`` was made at (:func:`~detector.segment.ink.ink_level`).
    """
    h, w = mask.shape
    m = params.edge_margin
    border = np.zeros(mask.shape, dtype=bool)  # the edge's ink
    rim = np.zeros(mask.shape, dtype=bool)  # ... and its soft rim
    for b in components(mask, params=params, labelled=labelled):
        if params.page_level > 0 and lies_along_side(b, mask.shape, params=params):
            border[b.y0 : b.y1, b.x0 : b.x1] |= b.mask
            y0, x0, y1, x1 = max(0, b.y0 - m), max(0, b.x0 - m), min(h, b.y1 + m), min(w, b.x1 + m)
            rim[y0:y1, x0:x1] |= ndimage.binary_dilation(border[y0:y1, x0:x1], iterations=m)
    if not rim.any() or rim.all():
        return mask, labelled, whole
    page = ink_level(ink, ~rim, params=params)
    if whole is None or page is None or not params.piece_strength <= page < params.page_level * whole:
        return mask, labelled, whole  # the edge did not decide the level, or the page holds only grain
    again, first = ink_components(ink, params=params, level=page)
    labels = first.labels
    grown = np.unique(labels[border])
    again &= ~np.isin(labels, grown[grown > 0])
    return again, label(again), page


def propose(work: np.ndarray, *, params: SegmentParams = DEFAULT, likelier: bool | None = None) -> list[Candidate]:
    """Return the candidates of a working copy, both polarities, the likelier one first.

    Args:
        work: float32 (H, W) in 0..1, as :func:`detector.segment.ink.working_copy` returns it.
        params: The segmentation numbers (speck size, split widths, rules).
        likelier: The likelier polarity (True: dark ink) when the caller has decided it
            (:func:`detector.preprocess.dark_on_light`, ``"page"``); None decides it here.
    """
    return [c for c, _ in propose_each(work, lambda c: None, params=params, likelier=likelier)[0]]


def propose_each(
    work: np.ndarray,
    each: Callable[[Candidate], T],
    *,
    params: SegmentParams = DEFAULT,
    likelier: bool | None = None,
) -> tuple[list[tuple[Candidate, T]], bool]:
    """:func:`propose`, with ``each`` applied to every candidate in its polarity's thread, and the likelier polarity.

    Numpy and scipy let go of the GIL, so each polarity is found on a core of its own, and
    ``each`` (making the network's inputs) runs on it as soon as that polarity is done: the
    dark one, usually the quicker, also decides which polarity is likelier when ``likelier``
    is None. Returns the (candidate, ``each(candidate)``) pairs, the likelier polarity first.
    """

    def side(dark: bool) -> tuple[bool | None, list[Candidate], list[tuple[int, int, int, int]], list[T]]:
        guess = dark_on_light(work, "page") if dark and likelier is None else likelier
        found, dots = _polarity(work, dark, params)
        return guess, found, dots, [each(c) for c in found]

    with ThreadPoolExecutor(max_workers=2) as pool:
        dark, light = pool.map(side, (True, False))
    likely = bool(dark[0])
    halves = (dark, light) if likely else (light, dark)
    dotted = {True: dark[2], False: light[2]}
    pairs = [
        (replace(c, dotted=punctuation(c.blob, dotted[c.dark_ink], dotted[not c.dark_ink])), made)
        for _, found, _, done in halves
        for c, made in zip(found, done, strict=True)
    ]
    return pairs, likely


def _polarity(
    work: np.ndarray, dark: bool, params: SegmentParams
) -> tuple[list[Candidate], list[tuple[int, int, int, int]]]:
    """The candidates of one polarity and the boxes of its punctuation."""
    ink = page_ink(work, dark, params=params)
    level = ink_level(ink, params=params)  # measured once: the mask's, and page_mask's to compare with
    # its components, labelled once, are shared by the rule finder, the dot finder and the hypotheses
    mask, labelled = ink_components(ink, params=params, level=level)
    mask, labelled, strong = page_mask(ink, mask, labelled, level, params=params)
    seen: set[tuple[int, int, int, int]] = set()
    dotted = marks(labelled, params=params)
    found = [
        (blob, "framed" if framed else source, power)
        for variant, framed in _binarisations(mask, ink, labelled, strong, params)
        for blob, source, power in _hypotheses(variant, ink, params, labelled if variant is mask else None)
    ]
    found += [(blob, "core", power) for blob, power in edge_cores(mask, ink, labelled, strong, params=params)]
    found += [(blob, "faint", power) for blob, power in faint_blobs(ink, mask, strong, params=params)]
    out = []
    for blob, source, power in found:
        key = (blob.y0, blob.x0, blob.y1, blob.x1)
        if key not in seen:
            seen.add(key)
            power = strength(blob, ink) if power is None else power
            out.append(Candidate(blob, dark, ink, source, strength=power))
    return out, dotted


def faint_blobs(
    ink: np.ndarray, mask: np.ndarray, strong: float | None, *, params: SegmentParams = DEFAULT
) -> list[tuple[Blob, float]]:
    """The blobs that a lower level finds apart from the mask's: digits written fainter than the rest.

    A pen pressed lightly for one digit, or a pencil beside a pen ("30" on a turned sheet: the
    0 peaks at 0.36 of the ink, the level was 0.37), leaves the digit wholly below the mask's
    level, so the hysteresis never takes it in. A second mask at ``faint_level`` of the level
    (``strong``, :func:`page_mask`) finds it; its components that touch none of the mask's
    ink, not the picture's edge (:func:`is_border`), and standing out from the paper by
    ``min_strength`` are proposed, with their :func:`strength`, as :func:`_hypotheses`
    proposes blobs (the faint among them dropped, the largest ``max_per_mask`` kept). The
    grain of a wall comes up at that level too: the reading takes such a blob only beside the
    digits of a line (:func:`detector.segment.choose.faint_digits`).
    """
    if strong is None or params.faint_level >= 1:
        return []
    level = strong * params.faint_level
    if not (ink[~mask] > level).any():
        return []  # each of the lower mask's components holds ink above its level: all of it the mask's
    low, found = ink_components(ink, params=params, level=level)
    apart = np.ones(len(found.objects) + 1, dtype=bool)  # by label: touches none of the mask's ink
    apart[found.labels[mask]] = False
    apart[0] = False
    blobs = components(low, params=params, labelled=keep_labels(found.labels, found.objects, apart))
    return [(b, s) for b, s in _pieces(blobs, ink, params) if s >= params.min_strength]


def edge_cores(
    mask: np.ndarray, ink: np.ndarray, labelled: Labelled, strong: float | None, *, params: SegmentParams = DEFAULT
) -> list[tuple[Blob, float]]:
    """The strong ink inside blobs that the picture's edge touches, apart from their weak shade.

    A digit written near a turned sheet's side can join the shaded rim and the table beyond
    it through weak ink (the mask's hysteresis): one blob along the side that is never read.
    Its strong ink alone (above Otsu's level within that blob, and above ``strong``, the level
    ``mask`` was made at: weak ink is not a digit's) comes apart into the table and the digit,
    or the digit and the shade that ran from it to the edge. The pieces clear of the edge are
    proposed, marked "core": the reading takes one only into a line of other digits that it
    fits (:func:`detector.segment.choose.fill_gaps`), never alone, since the strong ink of
    wall, grain or table alone is no digit. Each comes with its :func:`strength`.
    """
    m = params.edge_margin
    out: list[tuple[Blob, float]] = []
    if strong is None:
        return out
    for b in components(mask, params=params, labelled=labelled):
        if not at_edge(b, mask.shape, m):
            continue
        crop = ink[b.y0 : b.y1, b.x0 : b.x1]
        level = ink_level(crop, b.mask, params=params)
        if level is None:
            continue
        for c in components(b.mask & (crop >= max(level, strong)), params=params):
            piece = Blob(b.y0 + c.y0, b.x0 + c.x0, b.y0 + c.y1, b.x0 + c.x1, c.mask)
            if not at_edge(piece, mask.shape, m) and (power := strength(piece, ink)) >= params.min_strength:
                out.append((piece, power))
    return sorted(out, key=lambda found: -found[0].height * found[0].width)[: params.max_per_mask]


def _binarisations(
    mask: np.ndarray, ink: np.ndarray, labelled: Labelled, strong: float | None, params: SegmentParams
) -> list[tuple[np.ndarray, bool]]:
    """The mask, the mask with long horizontal rules cut out, and with frames taken from round
    the digits they touch (:func:`detector.segment.frames.unframed`), each that differs from
    those before; each with whether it is one of the last (what frames hold)."""
    variants = [(mask, False)]
    cleaned = remove_rules(mask, params=params, labelled=labelled)
    unframe = unframed(mask, ink, labelled, strong, params=params)
    for variant, framed in [(cleaned, False), *((inside, True) for inside in unframe)]:
        if not any(variant is v or np.array_equal(variant, v) for v, _ in variants):
            variants.append((variant, framed))
    return variants


def _hypotheses(
    mask: np.ndarray, ink: np.ndarray, p: SegmentParams, labelled: Labelled | None = None
) -> list[tuple[Blob, str, float | None]]:
    """The blobs of one mask: as they are, merged with stacked pieces, and split where they look like two.

    Blobs much fainter than the strongest (a shadow, a page edge's shade) are not proposed: the
    old rule ``drop_faint``, kept as a proposal filter because the network reads a faint band as a 1;
    so are blobs weaker than ``min_strength`` in absolute terms: the grain and mottling of
    empty paper or plaster, which the lighting correction lifts to the level of ink. Pieces
    down to ``piece_strength`` still join others into a digit, which must then reach
    ``min_strength`` itself (the faint pieces of an embossed digit's rim). Each comes with its
    :func:`strength` where it was measured (None for the split pieces).
    """
    pieces = _pieces(components(mask, params=p, labelled=labelled), ink, p)
    blobs = [b for b, _ in pieces]
    power = {id(b): s for b, s in pieces}  # each blob's strength, once
    # pieces joined across the picture are its edge as much as one blob across it is
    merged = [
        m
        for m in _joined(blobs, mask.shape, p)
        if not any(m is b for b in blobs) and not is_border(m, mask.shape, params=p)
    ]
    power.update((id(m), strength(m, ink)) for m in merged)
    blobs = [b for b in blobs if power[id(b)] >= p.min_strength]
    merged = [m for m in merged if power[id(m)] >= p.min_strength]
    found: list[tuple[Blob, str, float | None]] = [(b, "blob", power[id(b)]) for b in blobs]
    found += [(m, "merged", power[id(m)]) for m in merged]
    pool = blobs + merged
    for line in group_lines(pool, params=p):
        height = line_height(line, params=p)
        for blob in line:
            if blob.height < p.min_split or blob.width > p.max_pieces * blob.height:
                continue  # a rule or a dash: cutting it up would make a row of specks
            pieces = split_touching(blob, height, params=p) if blob.width > 0.8 * height else [blob]
            if len(pieces) == 1 and blob.width > 1.1 * blob.height:  # wide: maybe two digits, valley or not
                pieces = split_touching(blob, blob.width / (p.force_split_width + 0.01), params=p)
            if 1 < len(pieces) <= p.max_pieces:
                found += [(piece, "split", None) for piece in pieces]
            found += [(piece, "split", None) for piece in equal_parts(blob, height, p)]
    return found


def _pieces(blobs: list[Blob], ink: np.ndarray, p: SegmentParams) -> list[tuple[Blob, float]]:
    """The blobs worth proposing, each with its :func:`strength`, the largest first.

    Those clear of the picture's own edge (:func:`is_border`), not faint beside the strongest
    (:func:`drop_faint`), standing out from their paper by ``piece_strength``: the largest
    ``max_per_mask`` of them.
    """
    blobs = [b for b in blobs if not is_border(b, ink.shape, params=p)]
    power = [strength(b, ink) for b in blobs]
    bright = {id(b) for b in drop_faint(blobs, ink, params=p, strengths=power)}
    pairs = [(b, s) for b, s in zip(blobs, power, strict=True) if id(b) in bright and s >= p.piece_strength]
    return sorted(pairs, key=lambda pair: -pair[0].height * pair[0].width)[: p.max_per_mask]


def _joined(blobs: list[Blob], shape: tuple[int, int], p: SegmentParams) -> list[Blob]:
    """The blobs joined with their stacked pieces (:func:`merge_fragments`), and joined taller where clear of the edge.

    Stacked pieces join when together at most ``stack_height`` times the taller one's height,
    and at most ``clear_stack_height`` where the joined candidate stands clear of the picture's
    edge: a pen's 5 whose bar floats above a body two thirds of the digit measures just over
    1.5 ("550" read "50"), while at an edge the taller joins were pieces of mottled wall or
    grain running on into the edge, read as a 5 or a 2 (digit-free pictures at seeds 41 / 43).
    """
    joined = merge_fragments(blobs, params=p)
    seen = {(m.y0, m.x0, m.y1, m.x1) for m in joined}
    taller = merge_fragments(blobs, params=replace(p, stack_height=p.clear_stack_height))
    margin = p.edge_margin
    return joined + [m for m in taller if (m.y0, m.x0, m.y1, m.x1) not in seen and not at_edge(m, shape, margin)]


def equal_parts(blob: Blob, height: float, p: SegmentParams = DEFAULT) -> list[Blob]:
    """A blob wide enough for several digits, cut into pieces of equal width (empty when it is not).

    Two touching 0s meet in a thick column, and the thinnest columns of their profile lie
    inside each 0: no valley cut finds them, but halves do. A blob ``equal_width`` line
    heights wide or more is cut into as many pieces as digits of 0.8 heights fit.
    """
    if p.equal_width <= 0 or blob.width < p.equal_width * height:
        return []
    count = min(p.max_pieces, max(2, round(blob.width / (0.8 * height))))
    edges = np.linspace(0, blob.width, count + 1).round().astype(int)
    pieces = [trim(blob, int(a), int(b)) for a, b in itertools.pairwise(edges)]
    return [q for q in pieces if q is not None]
