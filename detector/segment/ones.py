"""A 1 told by its width: among its line's digits, which the network's crop cannot show, or alone.

Each candidate reaches the network scaled to 20 px on its longer side, so a narrow glyph
looks the same whether its neighbours are narrow or wide. In a printed number, though,
the 1 is the one digit much narrower than the rest, and a sans-serif 1 with a long flag
and no foot, which the network splits between 1 and 7 or 9, is told apart by that alone.
The width is weighed in as odds: a chosen digit whose width-to-height ratio is less than
``narrow_one`` of the median of its line's other digits (those not read as 1) has its
probability of being a 1 multiplied by ``one_odds``, and the ten digits' probabilities
are scaled back to the sum they had (the chance that it is a digit at all is kept). The
digit read and its confidence then come from those probabilities (Bayes' rule, with the
width in line as the evidence).

A digit alone has no line: there the evidence is its own slenderness (``slender_alone``),
which the network sees too but learnt from 1s that were strokes or had a foot; measured
on the generated sets, a glyph narrower than half its height is a 1 far more often than
any other digit, written or printed.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median
from typing import TYPE_CHECKING

import numpy as np

from detector.config import DIGITS
from detector.segment.params import DEFAULT, SegmentParams

if TYPE_CHECKING:
    from detector.segment.choose import Scored


def narrow_ones(lines: list[list[Scored]], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """The reading with each narrow digit's probabilities weighed by its width in its line.

    Args:
        lines: The chosen reading, lines of digits left to right.
        params: ``narrow_one`` (the width that counts as narrow) and ``one_odds`` (the odds it gives a 1).

    Returns:
        The same lines; candidates not read as 1 and narrow among their line's other digits
        carry the weighed probabilities, every other candidate is the one given.
    """
    return [[_weighed(s, line, params) for s in line] for line in lines]


def _weighed(s: Scored, line: list[Scored], params: SegmentParams) -> Scored:
    others = [t.blob.width / t.blob.height for t in line if t is not s and t.digit != 1]
    ratio = s.blob.width / s.blob.height
    if s.digit == 1 or not others or ratio >= params.narrow_one * median(others):
        return s
    return likelier_one(s, params.one_odds)


def slender_alone(lines: list[list[Scored]], params: SegmentParams = DEFAULT) -> list[list[Scored]]:
    """A reading of one digit, with that digit weighed as likelier a 1 when it is slender.

    A glyph alone has no line to be measured against, but by itself: one whose width is less
    than ``slender_one`` of its height is ``slender_odds`` times likelier a 1 (a house number
    1 on its plate, printed with a long flag and no foot, which the network reads as a 7 or a
    9). A digit read as a 1 is left as it is: how sure the network is of a stroke alone is
    what tells a 1 from an edge or a strip of wall (``lone_strokes``). The weighing keeps the
    chance that it is a digit at all. In lines the network's own reading of the shape
    stands: a narrow handwritten 7 beside other digits is weighed by ``narrow_ones`` against
    its neighbours instead.
    """
    digits = [s for line in lines for s in line]
    if len(digits) != 1:
        return lines
    (s,) = digits
    if s.digit == 1 or s.blob.width >= params.slender_one * s.blob.height:
        return lines
    return [[likelier_one(s, params.slender_odds)]]


def likelier_one(s: Scored, odds: float) -> Scored:
    """``s`` with its probability of a 1 multiplied by ``odds``, the ten digits scaled back to their sum."""
    probs = np.array(s.probs, dtype=np.float64)
    digits = probs[:DIGITS]
    total = digits.sum()
    digits[1] *= odds
    probs[:DIGITS] = digits * (total / digits.sum())
    return replace(s, probs=probs.astype(s.probs.dtype))
