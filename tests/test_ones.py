"""A 1 told by its width, in its line or alone: the odds weighed into a narrow digit's probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from detector.segment.choose import Scored
from detector.segment.ones import narrow_ones, slender_alone
from detector.segment.params import SegmentParams
from tests.helpers import candidate_box as box
from tests.helpers import chosen_number as read
from tests.helpers import sure_of as sure


def torn(first: int, p_first: float, p_one: float) -> np.ndarray:
    """Eleven class probabilities split between ``first`` and 1, a little left for the rest."""
    probs = np.full(11, (1 - p_first - p_one) / 9)
    probs[first], probs[1] = p_first, p_one
    return probs


def line(*items: tuple) -> list[Scored]:
    return [Scored(blob, p, i) for i, (blob, p) in enumerate(items)]


def test_a_narrow_digit_torn_between_seven_and_one_beside_wide_digits_reads_one():
    six, flagged, zero = box(0, 0, 30, 50), box(40, 0, 14, 50), box(64, 0, 30, 50)
    assert read([six, flagged, zero], [sure(6), torn(7, 0.59, 0.35), sure(0)]) == "610"
    (chosen,) = narrow_ones([line((six, sure(6)), (flagged, torn(7, 0.59, 0.35)), (zero, sure(0)))])
    weighed = chosen[1].probs
    assert chosen[1].digit == 1 and weighed[:10].sum() == pytest.approx(torn(7, 0.59, 0.35)[:10].sum())
    assert weighed[10] == torn(7, 0.59, 0.35)[10]  # the chance that it is a digit at all is kept
    assert np.array_equal(chosen[0].probs, sure(6))  # a wide digit is left as it is


def test_without_wide_neighbours_the_network_decides():
    alone = line((box(0, 0, 14, 50), torn(7, 0.59, 0.35)))
    assert narrow_ones([alone])[0][0].digit == 7
    as_wide = line((box(0, 0, 30, 50), sure(6)), (box(40, 0, 28, 50), torn(7, 0.59, 0.35)))
    assert narrow_ones([as_wide])[0][1].digit == 7
    beside_ones = line((box(0, 0, 12, 50), sure(1)), (box(20, 0, 14, 50), torn(9, 0.6, 0.3)))
    assert narrow_ones([beside_ones])[0][1].digit == 9  # a line's 1s are no measure of its digits' width


def test_a_narrow_digit_the_network_is_sure_of_stays_itself():
    seven = np.full(11, 0.001)
    seven[7] = 1 - seven.sum() + 0.001
    (chosen,) = narrow_ones([line((box(0, 0, 30, 50), sure(4)), (box(40, 0, 14, 50), seven))])
    assert chosen[1].digit == 7 and chosen[1].weight > 0.98


def test_the_width_and_the_odds_are_parameters():
    items = ((box(0, 0, 30, 50), sure(6)), (box(40, 0, 14, 50), torn(7, 0.59, 0.35)))
    assert narrow_ones([line(*items)], SegmentParams(one_odds=1.0))[0][1].digit == 7
    assert narrow_ones([line(*items)], SegmentParams(narrow_one=0.4))[0][1].digit == 7


def test_a_slender_digit_alone_is_weighed_as_likelier_a_one():
    flagged = box(0, 0, 20, 50)  # 0.4 of its height wide: a house number 1 on its plate
    assert read([flagged], [torn(7, 0.56, 0.41)]) == "1"
    (chosen,) = slender_alone([line((flagged, torn(7, 0.56, 0.41)))])
    assert chosen[0].digit == 1 and chosen[0].weight >= 0.9  # sure enough to stand alone (lone_sure)
    assert chosen[0].probs[10] == torn(7, 0.56, 0.41)[10]  # the chance that it is a digit at all is kept


def test_a_wide_digit_alone_or_a_slender_one_in_a_line_is_left_to_the_network():
    assert read([box(0, 0, 30, 50)], [torn(7, 0.56, 0.41)]) == "7"
    four, seven = box(0, 0, 22, 50), box(30, 0, 20, 50)  # as slender, but beside a digit as narrow
    assert read([four, seven], [sure(4), torn(7, 0.56, 0.41)]) == "47"
    pair = [line((four, sure(4)), (seven, torn(7, 0.56, 0.41)))]
    assert slender_alone(pair) is pair


def test_slenderness_and_its_odds_are_parameters():
    alone = [line((box(0, 0, 20, 50), torn(7, 0.56, 0.41)))]
    assert slender_alone(alone, SegmentParams(slender_odds=1.0))[0][0].digit == 7
    assert slender_alone(alone, SegmentParams(slender_one=0.3))[0][0].digit == 7


def test_a_slender_one_alone_keeps_the_networks_doubt():
    stroke = box(0, 0, 15, 50)
    (chosen,) = slender_alone([line((stroke, sure(1, 0.88)))])
    assert np.array_equal(chosen[0].probs, sure(1, 0.88))
    assert read([stroke], [sure(1, 0.88)]) == ""  # a lone stroke needs 0.9 (lone_sure), slender or not
