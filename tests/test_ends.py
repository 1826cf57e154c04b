"""The steps on a line's ends (plate sides, slivers, corners, strips the crop cut), through the whole choice."""

from __future__ import annotations

import numpy as np

from detector.segment.choose import choose
from tests.helpers import candidate_box as box
from tests.helpers import chosen_number as read
from tests.helpers import sure_of as sure


def test_a_one_ending_a_line_much_fainter_than_its_digits_is_a_side():
    # a plate's border beside "58", cut short by the crop: it keeps to the line, but it is not of the paint
    five, eight, side = box(14, 30, 24, 40), box(44, 30, 24, 40), box(76, 28, 5, 44)

    def number(side_strength: float) -> str:
        lines = choose([five, eight, side], np.stack([sure(5), sure(8), sure(1)]), strengths=[0.9, 0.9, side_strength])
        return "".join(str(s.digit) for line in lines for s in line)

    assert number(0.5) == "58"
    assert number(0.85) == "581"  # as strong as the digits: a written 1
    side = box(76, 28, 24, 44)  # as faint and as wide as the digits: a patch of wall beside the plate (plates 0160)
    assert number(0.5) == "58"
    assert number(0.85) == "581"


def test_a_plate_side_reaching_past_the_digits_both_ways_is_no_one():
    # the side of a plate beside "58": as tall as 1.4 digits, it overlaps the line in height
    side, five, eight = box(0, 22, 5, 56), box(14, 30, 24, 40), box(44, 30, 24, 40)
    assert read([side, five, eight], [sure(1), sure(5), sure(8)]) == "58"
    assert read([five, eight, box(76, 22, 5, 56)], [sure(5), sure(8), sure(1)]) == "58"


def test_a_doubted_one_reaching_a_little_past_the_digits_both_ways_is_a_plates_side():
    # small crop "46" at seed 7: the plate's thin sides reach 3 and 7 px past 55 px digits, read as 1s at 54-57 %
    four, six = box(49, 13, 40, 56), box(95, 14, 37, 55)
    left, right = box(32, 8, 12, 64), box(139, 10, 14, 66)
    probs = [sure(4), sure(6), sure(1, 0.57), sure(1, 0.54)]
    assert read([four, six, left, right], probs) == "46"
    assert read([four, six, left, right], [sure(4), sure(6), sure(1), sure(1)]) == "1461"  # sure 1s: 0.1 past
    flush = box(139, 13, 14, 57)  # a doubted 1 that keeps to the line at its top stays
    assert read([four, six, flush], [sure(4), sure(6), sure(1, 0.54)]) == "461"


def test_a_one_that_keeps_to_the_line_stays_at_its_end():
    one, five, eight = box(0, 28, 8, 43), box(14, 30, 24, 40), box(44, 30, 24, 40)
    assert read([one, five, eight], [sure(1), sure(5), sure(8)]) == "158"
    rising = box(76, 18, 8, 50)  # a handwritten 1 taller than the others, but only upward
    assert read([five, eight, rising], [sure(5), sure(8), sure(1)]) == "581"


def test_a_one_the_picture_cuts_at_a_corner_is_not_read():
    # "37" embossed on a card, the crop's corner showing the table beyond the card's rim: read as a 1
    three, seven = box(40, 20, 30, 50), box(80, 20, 30, 50)

    def digits(last, p: np.ndarray) -> str:
        lines = choose([three, seven, last], np.stack([sure(3), sure(7), p]), shape=(100, 200))
        return "".join(str(s.digit) for line in lines for s in line)

    corner = box(170, 30, 30, 70)  # reaches the right side and the bottom
    assert digits(corner, sure(1)) == "37"
    assert digits(corner, sure(4)) == "374"  # a digit of another shape keeps its evidence
    assert digits(box(150, 30, 14, 70), sure(1)) == "371"  # cut by the bottom only: a 1 running off the picture


def test_a_thin_strip_flush_against_a_bolder_digit_is_a_sliver_of_it():
    # scenes 0189 at seed 5: a bold pen's 2 left a strip of its edge apart, read as a 1 ("8289" read 82189)
    def number(x=124, width=6, strip_strength=0.51) -> str:
        eight, two, nine = box(56, 51, 32, 47), box(97, 55, 27, 47), box(191, 55, 31, 46)
        blobs = [eight, two, box(x, 63, width, 37), box(152, 50, 25, 46), nine]
        probs = np.stack([sure(8), sure(2), sure(1), sure(8), sure(9)])
        lines = choose(blobs, probs, strengths=[0.8, 0.9, strip_strength, 0.86, 0.72])
        return "".join(str(s.digit) for line in lines for s in line)

    assert number() == "8289"
    assert number(strip_strength=0.85) == "82189"  # as strong as its neighbours: a 1 written with the same pen
    assert number(x=131) == "82189"  # apart from the 2
    assert number(width=14) == "82189"  # as wide as a handwritten 1


def test_a_narrow_strip_the_picture_cuts_at_a_line_end_is_what_the_crop_cut_off():
    # small 0132 at seed 7: a crop cut close round "95" holds a dark strip of what lay beside it, read 4
    nine, five = box(39, 20, 36, 54), box(78, 18, 36, 53)

    def number(strip, p=None, digits=(nine, five)) -> str:
        p = sure(4, 0.955) if p is None else p
        return read([strip, *digits], [p, *(sure(9), sure(5))[: len(digits)]], shape=(96, 152))

    assert number(box(0, 48, 21, 44)) == "95"
    assert number(box(131, 48, 21, 44)) == "95"  # at the right side too
    assert number(box(12, 48, 21, 44)) == "495"  # clear of the picture's side
    assert number(box(0, 20, 30, 54)) == "495"  # nearly as wide as the digits: a digit the crop cut
    assert number(box(0, 20, 14, 54), sure(1, 0.99)) == "195"  # a sure 1 may be the number's own
    assert number(box(0, 48, 21, 44), digits=(nine,)) == "49"  # beside one digit there is no line to measure


def test_a_one_that_lost_to_itself_joined_to_a_plates_side_comes_back_once_that_is_dropped():
    # sign "3161" at seed 31: the last 1 and the plate's side beside it, cut from one blob, read as one wider 1
    three, six, one = box(14, 30, 24, 40), box(44, 30, 24, 40), box(76, 30, 8, 40)
    joined = box(76, 18, 20, 64)  # reaching past the digits both ways: a side, once chosen
    assert read([three, six, one, joined], [sure(3), sure(6), sure(1), sure(1, 0.98)]) == "361"
    assert read([three, six, joined], [sure(3), sure(6), sure(1, 0.98)]) == "36"
