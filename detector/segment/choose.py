"""Choosing a reading by evidence: which proposed candidates are the digits of the picture.

Every candidate (:mod:`detector.segment.propose`) comes with the network's class
probabilities. Its *weight* is the probability of its likeliest digit, which is low both
for junk (the network says "not a digit") and for a shape between two digits. The
reading is chosen in each polarity (dark ink on light, light on dark) in the steps below,
each a small function, and the polarity whose reading holds more evidence wins: the
digits of one number share their ink. First, ``halos`` sets aside the candidates that are
the paper around a sure digit of the other polarity (a blob wrapping it, fainter than it, or
the shading within it that a rim frames; round a digit of the picture's own polarity, one
read at ``keep`` will do; a strip along a sure 1 of the picture's own polarity, read as a 1
itself), and punctuation (a stroke that carries a dot, a
percent sign: :mod:`detector.segment.marks`) is set aside too.

1. ``plausible``: candidates at least ``keep`` (``SegmentParams``) sure of a digit.
2. ``best_set``: among candidates that overlap (one blob and its split halves, the same
   ink in both polarities, a frame and what it holds) the set with the most weight
   above ``keep``: two sure halves beat one unsure whole, one sure 8 beats two unsure halves.
3. ``consistent_lines``: the chosen digits grouped into lines; a digit much shorter than
   the line's own digits (a speck; a 1 a little less short: a piece cut from a digit), or
   much taller than every other digit of it (a frame side beside them), is dropped (digits
   the picture's edge cuts do not set the line's height); lines are cut into numbers where
   their digits stand far apart (``apart``), and numbers much smaller than the one holding
   the most evidence (fine print), much taller (an edge standing apart, read as a 1) or
   standing out from their paper much less (the grain of a wall) are dropped. ``fill_gaps``
   then adds the less sure candidates that fit a line exactly (a line of two digits or
   more, or of one sure digit), its top and bottom followed where the line slopes (a turned
   photo) or both a little off it where a hand set the digit higher or lower, and the sure
   ones of the strong ink of blobs the picture's edge touches (``cores``: a digit joined to
   the table by shade; a 1 only as wide as a printed one with a foot), which nothing else
   may choose.
   ``faint_digits`` (once a polarity's reading is made): a digit written fainter than the
   rest, found only below the picture's ink level, joins a line in its rows and as tall
   as its digits, beside them; never a 1, never alone.
4. The steps on a line's ends (:mod:`detector.segment.ends`). ``framed_ends``: a 1 at either
   end of a line that reaches past its digits both above and below, or that stands out from
   its paper much less than they do, is the side of the plate or frame around them (dropped
   in step 3's choice too, so that what it beat there comes back).
   ``slivers``: a thin 1 flush against a wider digit that stands out from its paper much
   more is a strip of that digit's stroke. ``cornered_ones``: a 1 that reaches two sides of
   the picture that meet is the edge of what its corner cut (a card's rim, the table beyond
   it). ``cut_ends``: a digit ending a line of three or more that the picture's side cuts
   there, much narrower than the line's digits, is a strip of what the crop cut off beside
   the number.
5. ``shown_lines``: beside a line that holds other digits, a line of nothing but 1s
   (strokes: edges, frame sides) is dropped.
6. The steps for digits that stand alone: ``slender_alone`` (:mod:`detector.segment.ones`: a
   reading of one digit narrower than half its height is weighed as likelier a 1, a house
   number 1 with a long flag and no foot that the network reads as a 7 or a 9), then
   (:mod:`detector.segment.alone`) ``lone_strokes`` (in a reading of nothing but 1s, a
   stroke touching the picture's edge, in doubt, cut from a blob whose ink the reading
   leaves unread, or with more ink in its very columns above or below it, a line cut by
   crossing lines, is dropped), ``lone_piece`` (so is a lone digit of any kind in doubt cut
   from a blob it leaves unread), ``small_and_alone`` (a small doubted digit alone, or a
   line of one beside the number, doubted or cut by the picture's edge, is dropped; a lone
   one the network is sure is a digit, and doubts only which, is read) and
   ``not_only_bars`` (a reading of nothing but straight solid bars is none).
   Where that leaves the polarity no digits, or nothing but 1s, and ``lone_strokes`` dropped
   strokes as edges, it is read again without them, the candidates they overlap (their
   pieces) and those the picture's edge cuts (more of the background they belong to): as tall
   as a pole or a door's edges, they made the number between them look like fine print (step
   3). Of a reading of 1s and the reading again, the one holding more evidence stands: a
   plate's 3 beside two stretches of a wall's line, one of them cut by the picture's edge.
7. ``other_ink`` (once the polarities are judged): a digit the other polarity read beside a
   line of the reading chosen joins it as a faint digit would (sure, not a 1, in its rows,
   as tall), when it stands out from its paper no more than ``halo_margin`` less than the
   line's digits and lies over no punctuation (a number raised on a card of two tones).
8. ``narrow_ones`` (:mod:`detector.segment.ones`): in the reading chosen, a digit much
   narrower than its line's other digits is weighed as likelier a 1 (a printed 1 with a
   long flag and no foot, which the network splits between 1 and 7 or 9).

A picture where nothing is plausible answers no digits at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.config import DIGITS
from detector.segment.alone import at_edge, lone_piece, lone_strokes, not_only_bars, small_and_alone
from detector.segment.blobs import Blob
from detector.segment.ends import cornered_ones, cut_ends, framed_ends, slivers
from detector.segment.lines import group_lines
from detector.segment.ones import narrow_ones, slender_alone
from detector.segment.params import DEFAULT, SegmentParams

KEEP = DEFAULT.keep  # the weight below which a candidate is not read, and the zero of evidence
MAX_EXACT = 14  # overlapping groups up to this size are searched exhaustively, larger ones greedily


@dataclass(frozen=True)
class Scored:
    """A candidate's blob with what the network made of it."""

    blob: Blob
    probs: np.ndarray  # (classes,) class probabilities
    index: int  # position among the candidates given to :func:`choose`
    strength: float = 1.0  # how far its ink stands out from its paper, 0..1 (:func:`detector.segment.blobs.strength`)
    core: bool = False  # the strong ink of a blob the picture's edge touches: read only where it fits a line
    faint: bool = False  # found only below the picture's ink level: read only beside a line's digits (faint_digits)

    @property
    def digit(self) -> int:
        return int(self.probs[:DIGITS].argmax())

    @property
    def weight(self) -> float:
        return float(self.probs[:DIGITS].max())

    @property
    def digitness(self) -> float:
        """How sure the network is that this is a digit at all: its ten digits' probabilities summed."""
        return float(self.probs[:DIGITS].sum())


def choose(
    blobs: list[Blob],
    probs: np.ndarray,
    dark_ink: list[bool] | None = None,
    *,
    shape: tuple[int, int] | None = None,
    strengths: list[float] | None = None,
    dotted: list[bool] | None = None,
    cores: list[bool] | None = None,
    framed: list[bool] | None = None,
    likely_dark: bool | None = None,
    faint: list[bool] | None = None,
    params: SegmentParams = DEFAULT,
) -> list[list[Scored]]:
    """Return the reading: lines top to bottom, each a list of digits left to right.

    Args:
        blobs: The candidates' blobs (working pixels), in any order.
        probs: (len(blobs), classes) class probabilities from the network.
        dark_ink: The polarity each candidate was read in (None: all one polarity).
        shape: (height, width) of the working picture the blobs are in (None: unknown, no edge test).
        strengths: How far each candidate's ink stands out from its paper (None: unknown, all full).
        dotted: Which candidates are punctuation, "?", "!" or "%", or its paper (None: none are);
            a digit of the other ink over punctuation joins no line (``other_ink``).
        cores: Which are the strong ink of a blob the picture's edge touches, read only where they
            fit a line of other digits (None: none are).
        framed: Which were taken from a frame they touched (:mod:`detector.segment.frames`; None: none).
        likely_dark: The picture's likelier polarity (:func:`detector.preprocess.dark_on_light`; None:
            unknown), for ``halos``.
        faint: Which were found only below the picture's ink level
            (:func:`detector.segment.propose.faint_blobs`), read only beside a line's digits (None: none).
        params: ``keep``, ``overlap``, the line and bar numbers (``small_line``, ``halo_margin``, ``cut_width``).
    """
    dark_ink = [True] * len(blobs) if dark_ink is None else dark_ink
    strengths = [1.0] * len(blobs) if strengths is None else strengths
    cores = [False] * len(blobs) if cores is None else cores
    paper = halos(blobs, probs, dark_ink, strengths, params, cores, framed, likely_dark)
    paper |= {i for i, d in enumerate(dotted or ()) if d}
    faint = [False] * len(blobs) if faint is None else faint
    readings = []
    for polarity in (True, False):
        found = [
            Scored(b, p, i, st, c, f)
            for i, (b, p, d, st, c, f) in enumerate(zip(blobs, probs, dark_ink, strengths, cores, faint, strict=True))
            if d == polarity and i not in paper
        ]
        every = [s for s in found if not s.faint]  # faint ink is no context for the steps: the grain of a wall
        scored = [s for s in every if not s.core]
        lines, edges = _reading(scored, every, shape, params)
        # strokes read as edges set the line's height that the digits beside them missed
        if edges and all(s.digit == 1 for line in lines for s in line):
            clear = [
                s
                for s in every
                if not any(overlaps(s.blob, e.blob, params.overlap) for e in edges)
                and (shape is None or not at_edge(s.blob, shape, params.edge_margin))
            ]
            again, _ = _reading([s for s in clear if not s.core], clear, shape, params, scored)
            if not lines or evidence(again, probs) > evidence(lines, probs):  # the network's own, as below
                lines = again
        readings.append(faint_digits(lines, [s for s in found if s.faint], params))
    # the network's own probabilities judge the polarities: a digit weighed as slender is no more evidence of its ink
    won, lost = sorted(readings, key=lambda lines: evidence(lines, probs), reverse=True)  # stable: dark ink on a tie
    marks = [blobs[i] for i, d in enumerate(dotted or ()) if d]
    return narrow_ones(other_ink(won, lost, params, marks), params)


def _reading(
    scored: list[Scored],
    every: list[Scored],
    shape: tuple[int, int] | None,
    params: SegmentParams,
    seen: list[Scored] | None = None,
) -> tuple[list[list[Scored]], list[Scored]]:
    """One polarity's reading (steps 1-6), and the candidates ``lone_strokes`` dropped as edges.

    ``scored`` and ``every`` are the candidates to choose from (``every`` with the cores);
    ``seen``, all of the polarity's but the cores when that is more (a stroke's neighbours in its
    column, the blob it was cut from, for ``lone_strokes``).
    """
    best = _consistent_best(plausible(scored, params), params, shape)
    lines = cornered_ones(slivers(framed_ends(fill_gaps(best, every, params), params), params), shape, params)
    lines = cut_ends(lines, shape, params)
    lines = slender_alone(shown_lines(lines), params)
    kept = lone_strokes(lines, shape, params, scored if seen is None else seen)
    left = {s.index for line in kept for s in line}
    edges = [s for line in lines for s in line if s.index not in left]
    kept = lone_piece(kept, scored if seen is None else seen, params)
    return not_only_bars(small_and_alone(kept, shape, params), params), edges


def halos(
    blobs: list[Blob],
    probs: np.ndarray,
    dark_ink: list[bool],
    strengths: list[float],
    params: SegmentParams = DEFAULT,
    cores: list[bool] | None = None,
    framed: list[bool] | None = None,
    likely_dark: bool | None = None,
) -> set[int]:
    """The candidates that are the paper around a digit of the other polarity (or framed shading in it), by index.

    Under uneven light the paper just around dark strokes is brighter than the paper the
    lighting correction expects there, so read as light ink it makes a blob that wraps the
    digit, shaped like it (an 8's surroundings read as a 3). Such a candidate's box holds a
    candidate of the other polarity with room on all four sides and spanning at least half its
    height and width, one the network is at least ``lone_sure`` of and that stands out from
    its paper by ``halo_margin`` more than it, and that is no ``cores`` candidate (the strong ink
    of an edge blob, read only in a line). So is a ``framed`` candidate within the box of such a
    digit of the other polarity: the rim round an embossed digit frames the shading on its face.

    Where the digit is of the picture's likelier polarity (``likely_dark``,
    :func:`detector.preprocess.dark_on_light`), the network need only be ``keep`` sure of it,
    if it stands out by ``doubt_margin`` more than the blob round it: vignetting leaves a
    bright field round a pen's 2 on grey paper that reads as an 8 at 89 % (strength 0.46),
    round a 2 the network is 58 % sure of (0.79). An embossed 0's light face (0.61) and the
    dark rim round it (0.43) are the one digit twice, not a digit and its paper. A candidate
    of the likelier polarity is never set aside round a doubted one of the other (the paper
    a 3's curves enclose, read as light ink).

    Beside a sure 1 of the picture's likelier polarity, the paper along the stroke makes
    strips of the other polarity, as long as it and read as 1s too: a strip read as a 1 whose
    box shares ``overlap`` of the smaller box with such a 1 (that stands out by
    ``halo_margin`` more) is set aside as well. Two dark pen 1s on a turned sheet (0.81)
    left three light strips (0.37), and "11" read 111.
    """
    if not blobs:
        return set()
    box = np.array([(b.y0, b.x0, b.y1, b.x1) for b in blobs])
    dark = np.asarray(dark_ink, bool)
    strong = np.asarray(strengths, float)
    weight = probs[:, :DIGITS].max(axis=1)
    sure = weight >= params.lone_sure
    if likely_dark is not None:
        sure |= (dark == likely_dark) & (weight >= params.keep)
    if cores is not None:
        sure &= ~np.asarray(cores, bool)  # the strong ink of an edge blob shows no digit by itself
    inner = np.flatnonzero(sure)
    if not len(inner):
        return set()
    a, b = box[:, None, :], box[None, inner, :]
    around = (a[..., 0] < b[..., 0]) & (a[..., 1] < b[..., 1]) & (a[..., 2] > b[..., 2]) & (a[..., 3] > b[..., 3])
    # ... and fills it: at least half its height and width (the paper in a 6's loop is a small part of the 6)
    around &= 2 * (b[..., 2] - b[..., 0]) >= a[..., 2] - a[..., 0]
    around &= 2 * (b[..., 3] - b[..., 1]) >= a[..., 3] - a[..., 1]
    other = dark[:, None] != dark[None, inner]
    margin = np.where(weight[inner] >= params.lone_sure, params.halo_margin, params.doubt_margin)
    stronger = strong[None, inner] >= strong[:, None] + margin[None, :]
    if likely_dark is not None:  # a strip along a sure 1 of the picture's own polarity, read as a 1 itself
        ones = probs[:, :DIGITS].argmax(axis=1) == 1
        along = ones[:, None] & (ones & (dark == likely_dark) & (weight >= params.lone_sure))[None, inner]
        tall = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
        wide = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
        area = np.minimum(
            (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1]), (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
        )
        around |= along & (tall > 0) & (wide > 0) & (tall * wide >= params.overlap * area)
    paper = (around & other & stronger).any(axis=1)
    if framed is not None:
        within = (
            (a[..., 0] >= b[..., 0]) & (a[..., 1] >= b[..., 1]) & (a[..., 2] <= b[..., 2]) & (a[..., 3] <= b[..., 3])
        )
        paper |= np.asarray(framed, bool) & (within & other & stronger).any(axis=1)
    return {int(i) for i in np.flatnonzero(paper)}


def _consistent_best(
    pool: list[Scored], params: SegmentParams, shape: tuple[int, int] | None = None, rounds: int = 4
) -> list[list[Scored]]:
    """The best set's consistent lines, frame sides at their ends dropped (``framed_ends``); what the lines
    drop leaves the pool and the choice is made again, so a digit that lost to a frame-and-digit blob comes
    back once that blob is found too tall, or a side: sign "3161" read 316, its last 1 lost to the 1 and the
    plate's side beside it cut as one wider 1."""
    lines: list[list[Scored]] = []
    for _ in range(rounds):
        chosen = best_set(pool, params)
        lines = framed_ends(consistent_lines(chosen, params, shape), params)
        kept = {id(s) for line in lines for s in line}
        dropped = {id(s) for s in chosen} - kept
        if not dropped:
            break
        pool = [s for s in pool if id(s) not in dropped]
    return lines


def evidence(lines: list[list[Scored]], probs: np.ndarray | None = None) -> float:
    """How much a reading holds: the weight above ``KEEP`` of all its digits (by ``probs``, by index, when given)."""
    if probs is None:
        return sum(s.weight - KEEP for line in lines for s in line)
    return sum(float(probs[s.index, :DIGITS].max()) - KEEP for line in lines for s in line)


def plausible(scored: list[Scored], params: SegmentParams = DEFAULT) -> list[Scored]:
    """The candidates at least ``params.keep`` sure of some digit."""
    return [s for s in scored if s.weight >= params.keep]


def overlaps(a: Blob, b: Blob, fraction: float = DEFAULT.overlap) -> bool:
    """True when the boxes share at least ``fraction`` of the smaller one's area."""
    dy = min(a.y1, b.y1) - max(a.y0, b.y0)
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    if dy <= 0 or dx <= 0:
        return False
    return dy * dx >= fraction * min(a.height * a.width, b.height * b.width)


def best_set(scored: list[Scored], params: SegmentParams = DEFAULT) -> list[Scored]:
    """The non-overlapping candidates with the most weight above ``KEEP``, group by group of overlapping ones."""
    conflicts = [
        {j for j, t in enumerate(scored) if j != i and overlaps(s.blob, t.blob, params.overlap)}
        for i, s in enumerate(scored)
    ]
    chosen: list[Scored] = []
    for group in _groups(conflicts):
        pick = _exact(group, conflicts, scored) if len(group) <= MAX_EXACT else _greedy(group, conflicts, scored)
        chosen.extend(scored[i] for i in pick)
    return chosen


def _groups(conflicts: list[set[int]]) -> list[list[int]]:
    """Connected groups of the overlap graph."""
    seen, groups = set(), []
    for start in range(len(conflicts)):
        if start in seen:
            continue
        stack, group = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            group.append(i)
            for j in conflicts[i] - seen:
                seen.add(j)
                stack.append(j)
        groups.append(sorted(group))
    return groups


def _exact(group: list[int], conflicts: list[set[int]], scored: list[Scored]) -> list[int]:
    """The heaviest independent set of a small group (branch and bound, heaviest candidates first)."""
    order = sorted(group, key=lambda i: -scored[i].weight)
    # Each candidate gains its sureness above KEEP times the width of its box: cutting a sure
    # digit into a left and a right half (each sure of something) gains nothing by the count of
    # pieces, while two digits read surer apart than together still win.
    gain = [(scored[i].weight - KEEP) * scored[i].blob.width for i in order]
    best: tuple[float, list[int]] = (-1.0, [])

    def search(k: int, taken: list[int], total: float) -> None:
        nonlocal best
        if total + sum(gain[k:]) <= best[0]:
            return
        if k == len(order):
            best = (total, list(taken))
            return
        i = order[k]
        if not any(j in conflicts[i] for j in taken):
            search(k + 1, [*taken, i], total + gain[k])
        search(k + 1, taken, total)

    search(0, [], 0.0)
    return best[1]


def _greedy(group: list[int], conflicts: list[set[int]], scored: list[Scored]) -> list[int]:
    taken: list[int] = []
    for i in sorted(group, key=lambda i: -scored[i].weight):
        if not any(j in conflicts[i] for j in taken):
            taken.append(i)
    return taken


def line_height(line: list[Scored], shape: tuple[int, int] | None = None, margin: int = 0) -> float:
    """The height of a line's digits: the median of those that are not 1s (a 1 may be a frame side), else of all.

    With the picture's ``shape``, digits within ``margin`` px of its edge count only when
    all do: the photo cut them, so their height is not theirs (a strip of wall read as a 1).
    """
    inside = [s for s in line if shape is None or not at_edge(s.blob, shape, margin)] or line
    shaped = [s.blob.height for s in inside if s.digit != 1]
    return float(np.median(shaped or [s.blob.height for s in inside]))


def tallest(line: list[Scored], but: Scored, shape: tuple[int, int] | None = None, margin: int = 0) -> float:
    """The height of the tallest digit of a line other than ``but`` that is not a 1 (0: none), digits at the edge aside.

    Handwriting mixes sizes: a flat 5 beside a tall 2 sets a low median, and a bold 1 next to
    them is no taller than the 2. A frame's side, or a frame read with its digit, is taller than every other digit.
    """
    inside = [s for s in line if shape is None or not at_edge(s.blob, shape, margin)] or line
    return float(max((s.blob.height for s in inside if s.digit != 1 and s is not but), default=0))


def consistent_lines(
    chosen: list[Scored], params: SegmentParams = DEFAULT, shape: tuple[int, int] | None = None
) -> list[list[Scored]]:
    """Group the chosen digits into lines and drop what does not fit its line or the main number.

    ``shape``: the working picture's, so that digits cut by its edge do not set a line's height.
    The digits too tall for their line go first, and the line's height is measured again
    without them: a pole beside a plate's 1, read as 1s in two pieces, made the 1 a speck.
    Each line is then cut into numbers where its digits stand far apart (:func:`apart`), and
    beside the number holding the most evidence, any other number, in its row or another,
    that is much smaller or taller is dropped (fine print, an edge apart), and so is one
    standing out from its paper less than ``number_ink`` of it (:func:`line_strength`): the
    digits of one number share their paint, and the grain of a brick wall read as "3" and
    "54" beside a plate's "9" stood out 0.41-0.50 against its 0.87. What is kept of a row
    reads as one line, as before.
    """
    by_blob = {id(s.blob): s for s in chosen}
    lines = [[by_blob[id(b)] for b in line] for line in group_lines([s.blob for s in chosen], params=params)]
    tall, short = params.tall_digit, params.short_digit
    kept = []
    for line in lines:
        # the too tall first: pieces of a pole read with a digit set a height it would be short against
        height = line_height(line, shape, params.edge_margin)
        line = [s for s in line if s.blob.height <= tall * max(height, tallest(line, s, shape, params.edge_margin))]
        if not line:
            continue
        height = line_height(line, shape, params.edge_margin)
        line = [
            s
            for s in line
            if (params.short_one if s.digit == 1 else short) * height
            <= s.blob.height
            <= tall * max(height, tallest(line, s, shape, params.edge_margin))
        ]
        if line:
            kept.append(line)
    numbers = [(row, part) for row, line in enumerate(kept) for part in apart(line, params, shape)]
    if not numbers:
        return []
    _, main = max(numbers, key=lambda number: evidence([number[1]]))
    height, ink = line_height(main), line_strength(main)
    rows: dict[int, list[Scored]] = {}
    for row, part in numbers:
        if part is main or (
            params.small_line * height <= line_height(part) <= tall * height
            and line_strength(part) >= params.number_ink * ink
        ):
            rows.setdefault(row, []).extend(part)
    return list(rows.values())


def line_strength(line: list[Scored]) -> float:
    """How far a line's digits stand out from their paper: the median of their strengths."""
    return float(np.median([s.strength for s in line]))


def apart(
    line: list[Scored], params: SegmentParams = DEFAULT, shape: tuple[int, int] | None = None
) -> list[list[Scored]]:
    """A line cut into numbers where its digits stand more than ``number_gap`` of its height apart, left to right.

    The digits of one number stand within a digit or two of each other. Two groups far apart
    in one row are two numbers, or a number and the grain of the wall beside it read as digits.
    The gap is measured from the right end of all the digits before (``shape``, as for
    :func:`line_height`: digits the picture's edge cuts do not set the height).
    """
    if not line:
        return []
    line = sorted(line, key=lambda s: s.blob.x0)
    gap = params.number_gap * line_height(line, shape, params.edge_margin)
    parts, right = [[line[0]]], line[0].blob.x1
    for s in line[1:]:
        if s.blob.x0 - right > gap:
            parts.append([])
        parts[-1].append(s)
        right = max(right, s.blob.x1)
    return parts


def fits_line(s: Scored, line: list[Scored], params: SegmentParams = DEFAULT) -> bool:
    """True when a candidate has the height, top and bottom of a line's digits and stands in or beside it.

    Beside: less than a digit's height from the line's first or last digit. The top and
    bottom are those of the line held level, or followed along its slope (:func:`line_edge`):
    a turned photo's digits climb or fall from one end of the number to the other, while a
    hand's digits bob up and down about a level line, where a fitted slope misleads. Each
    within ``line_fit`` of the line's height, a core within ``core_fit`` (the shade that
    joined it to the edge leaves its outline ragged); or, but for a core, both moved alike
    (the height within ``line_fit``) by up to ``line_bob``: a digit the hand set higher or
    lower than the rest, as tall as they are.
    """
    height = float(np.median([t.blob.height for t in line]))
    slack = (params.core_fit if s.core else params.line_fit) * height
    left, right = min(t.blob.x0 for t in line) - height, max(t.blob.x1 for t in line) + height
    bob = slack if s.core else params.line_bob * height
    b = s.blob
    centre = (b.x0 + b.x1) / 2

    def level(tilt: float) -> bool:
        top, bottom = line_edge(line, centre, top=True, tilt=tilt), line_edge(line, centre, top=False, tilt=tilt)
        up, down = b.y0 - top, b.y1 - bottom
        return (abs(up) <= slack and abs(down) <= slack) or (max(abs(up), abs(down)) <= bob and abs(up - down) <= slack)

    placed = level(0.0) or (params.line_tilt > 0 and level(params.line_tilt))
    return abs(b.height - height) <= slack and placed and left <= b.x1 and b.x0 <= right


def line_edge(line: list[Scored], x: float, *, top: bool, tilt: float = DEFAULT.line_tilt) -> float:
    """Where the top (or bottom) of a line's digits lies at column ``x``.

    The line's slope is fitted (least squares over its digits' centres) and held within
    ``tilt`` (rows per column); the level is the median of the digits' own, so one digit
    that stands higher does not carry the rest. A line of one digit, or ``tilt`` 0, is flat.
    """
    xs = np.array([(t.blob.x0 + t.blob.x1) / 2 for t in line], float)
    ys = np.array([t.blob.y0 if top else t.blob.y1 for t in line], float)
    slope = 0.0
    if tilt > 0 and len(line) >= 2 and np.ptp(xs) > 0:
        slope = float(np.clip(np.polyfit(xs, ys, 1)[0], -tilt, tilt))
    return float(np.median(ys - slope * xs)) + slope * x


def fill_gaps(lines: list[list[Scored]], pool: list[Scored], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """Add to a line the candidates that fit it exactly, though less sure than ``keep`` (or cores, sure).

    A digit the network is torn about (a 4 or a 7?) is still a digit where it stands in a
    line of digits of its height, on their baseline: the line is the evidence. It needs
    ``gap_keep`` for some digit (``shown_gap`` in a line with a digit other than 1) and must
    not overlap anything chosen; a core (the strong ink
    of a blob the picture's edge touches, :func:`detector.segment.propose.edge_cores`) needs
    ``keep``, since the line is all that shows it is a digit, and must not be a 1 (:func:`_gap`).
    The line holds two
    digits or more, or one the network is ``gap_alone`` sure of (an odd 7 beside a sure 8)
    that is not a 1: a lone sure 1 is as often a stroke of something else (a letter, an
    edge), and what stands beside it then is no digit either. Candidates are added until
    none more fits, so that a torn digit admitted brings the next one beside it ("1167":
    two flagged 1s the network calls as much junk as 1, the first more than a digit's
    height from the 6).
    """
    chosen = [s for line in lines for s in line]
    out = []
    for line in lines:
        line = list(line)
        if len(line) >= 2 or (line and line[0].weight >= params.gap_alone and line[0].digit != 1):
            grown = True
            while grown:
                grown = False
                shown = any(t.digit != 1 for t in line)
                width = float(np.median([t.blob.width for t in line if t.digit != 1] or [np.inf]))
                unsure = [s for s in pool if _gap(s, params, shown, width) and fits_line(s, line, params)]
                for s in sorted(unsure, key=lambda s: -s.weight):
                    if not any(overlaps(s.blob, t.blob, params.overlap) for t in chosen):
                        line.append(s)
                        chosen.append(s)
                        grown = True
        out.append(sorted(line, key=lambda s: s.blob.x0))
    return out


def _gap(s: Scored, params: SegmentParams, shown: bool = False, width: float = np.inf) -> bool:
    """A candidate that only a line can admit: less sure than ``keep``, or an edge blob's strong ink that is sure.

    The strong ink of an edge blob read as a 1 is admitted only when it is ``lone_sure`` and
    at least ``core_one`` of ``width`` (the median width of the line's digits that are not 1s)
    wide: a printed 1 with a foot and a flag. A thin stroke cut from the ink of the picture's
    edge is as often that edge's own side (a plate's border beside its digits).
    One the network calls mostly junk (down to ``shown_gap``: a hand's hooked 7) is admitted
    only into a line ``shown`` to be writing by a digit other than 1: a line of nothing but 1s
    may be strokes (the sides of an empty frame), and a piece of the frame's bars between them
    would make them a number.
    """
    if s.core and s.digit == 1:
        return s.weight >= params.lone_sure and s.blob.width >= params.core_one * width
    if s.core:
        return s.weight >= params.keep
    return (params.shown_gap if shown else params.gap_keep) <= s.weight < params.keep


def faint_digits(lines: list[list[Scored]], pool: list[Scored], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """Add to a line the faint digits written beside its digits, in their rows and as tall.

    A digit written with a fainter pen than the rest ("30" on a turned sheet: the 0 peaks at
    0.36 of the ink, the level was 0.37) is never part of the ink mask, and is proposed from a
    mask at a lower level (:func:`detector.segment.propose.faint_blobs`). The grain of a wall or
    paper comes up there too, so a faint candidate is read only into a line of other digits:
    at least ``keep`` sure of a digit other than 1, its middle within the line's rows, as tall
    as its digits within ``core_fit``, less than a digit's height from them, and overlapping
    none (:func:`_beside`).
    """
    return _beside(lines, pool, params)


def other_ink(
    lines: list[list[Scored]],
    other: list[list[Scored]],
    params: SegmentParams = DEFAULT,
    marks: list[Blob] | None = None,
) -> list[list[Scored]]:
    """Add to a line the digits that the other polarity read beside its digits, standing out as much.

    The digits of one number share their ink, except where it crosses two colours: a card
    raised in two tones, a 9 whose light rim the reading of its dark neighbours set aside as
    the paper round it ("945" read 45). A digit of the other polarity's reading joins a line
    as a faint digit does (:func:`_beside`), and only when it stands out from its paper no
    more than ``halo_margin`` less than the line's digits (their median): the paper round a
    digit, read in the other polarity, stands out 0.18-0.54 less (``halo_margin``), and so did
    every digit this added at seeds 1 and 6 that was not one. Nor does one that overlaps
    punctuation (``marks``, :mod:`detector.segment.marks`) join: the paper round a "%" sign,
    read as an 8 in the other polarity.
    """
    pool = [s for line in other for s in line if not any(overlaps(s.blob, m, params.overlap) for m in marks or ())]
    return _beside(lines, pool, params, margin=params.halo_margin) if pool else lines


def _beside(
    lines: list[list[Scored]], pool: list[Scored], params: SegmentParams, margin: float | None = None
) -> list[list[Scored]]:
    """Add to each line the candidates of ``pool`` that fit it beside its digits.

    A candidate fits when it is at least ``keep`` sure of a digit other than 1 (a lone stroke
    is as often a shadow's edge or a frame's side), its middle lies within the line's rows,
    it is as tall as its digits within ``core_fit`` of their height, less than a digit's
    height from them, overlaps none of the digits read, and, with ``margin``, stands out from
    its paper at least the line's digits' median strength less ``margin``.
    """
    out = []
    chosen = [s for line in lines for s in line]
    for line in lines:
        line = list(line)
        height = float(np.median([t.blob.height for t in line]))
        top, bottom = float(np.median([t.blob.y0 for t in line])), float(np.median([t.blob.y1 for t in line]))
        left, right = min(t.blob.x0 for t in line) - height, max(t.blob.x1 for t in line) + height
        floor = 0.0 if margin is None else line_strength(line) - margin
        for s in sorted(pool, key=lambda s: -s.weight):
            b = s.blob
            if (
                s.weight >= params.keep
                and s.digit != 1
                and (margin is None or s.strength >= floor)
                and top <= (b.y0 + b.y1) / 2 <= bottom
                and abs(b.height - height) <= params.core_fit * height
                and left <= b.x1
                and b.x0 <= right
                and not any(overlaps(b, t.blob, params.overlap) for t in chosen)
            ):
                line.append(s)
                chosen.append(s)
        out.append(sorted(line, key=lambda s: s.blob.x0))
    return out


def shown_lines(lines: list[list[Scored]]) -> list[list[Scored]]:
    """Drop the lines of nothing but 1s when another line holds a digit that is not a 1.

    A lone stroke is a 1 only where the writing around it says so: beside a number, a
    separate line of strokes is far likelier an edge, a frame's side or a wedge than a
    second number made of 1s.
    """
    shown = [line for line in lines if any(s.digit != 1 for s in line)]
    return shown if shown else lines
