"""Choosing a reading by evidence: weights, overlaps, lines, with class probabilities made up in the test."""

from __future__ import annotations

import numpy as np
import pytest

from detector.segment.choose import KEEP, Scored, apart, best_set, choose, line_edge, overlaps
from detector.segment.params import SegmentParams
from tests.helpers import candidate_box as box
from tests.helpers import chosen_number as read
from tests.helpers import junk_probs as junk
from tests.helpers import sure_of as sure


def test_what_the_network_calls_junk_is_never_read():
    assert read([box(10, 10, 20, 40), box(40, 10, 20, 40)], [junk(), junk()]) == ""
    assert read([box(10, 10, 20, 40), box(40, 10, 20, 40)], [sure(4), junk()]) == "4"


def test_two_sure_halves_beat_one_unsure_whole():
    whole, left, right = box(0, 0, 60, 40), box(0, 0, 28, 40), box(32, 0, 28, 40)
    assert read([whole, left, right], [sure(8, 0.7), sure(2), sure(3)]) == "23"


def test_one_sure_digit_beats_two_unsure_halves():
    whole, top, bottom = box(0, 0, 24, 40), box(0, 0, 24, 19), box(0, 21, 24, 19)
    assert read([whole, top, bottom], [sure(8), sure(0, 0.6), sure(0, 0.6)]) == "8"


def test_a_frame_side_twice_as_tall_as_the_digits_is_no_one():
    side, four, two = box(0, 0, 6, 100), box(20, 30, 24, 40), box(50, 30, 24, 40)
    assert read([side, four, two], [sure(1), sure(4), sure(2)]) == "42"


def test_a_bold_one_no_taller_than_the_tallest_digit_beside_it_is_read():
    # "5215" in one hand: flat 5s set a low median height, the 1 is 1.9 times it but no taller than the 2
    five, two, one, five2 = box(0, 30, 40, 32), box(50, 12, 30, 50), box(90, 5, 14, 60), box(114, 30, 40, 32)
    assert read([five, two, one, five2], [sure(5), sure(2), sure(1), sure(5)]) == "5215"
    side = box(90, -30, 8, 100)  # a frame's side is taller than every digit: still no 1
    assert read([five, two, side, five2], [sure(5), sure(2), sure(1), sure(5)]) == "525"


def test_pieces_of_a_pole_too_tall_for_the_line_do_not_make_its_digit_a_speck():
    # plates 0085 at seed 7: a plate's italic 1 beside a dark pole, the pole read as 1s whole and in pieces
    one, pole, piece = box(310, 257, 46, 85), box(408, 4, 174, 601), box(458, 4, 50, 430)
    probs = [sure(1, 0.996), sure(1, 0.786), sure(1, 0.945)]
    assert read([one, pole, piece], probs) == "1"
    assert read([one, piece], [sure(1, 0.996), sure(1, 0.945)]) == "1"  # the piece alone: too tall, the 1 stays


def test_a_speck_beside_the_digits_is_dropped_however_sure():
    speck, seven, three = box(80, 60, 6, 6), box(0, 30, 24, 40), box(30, 30, 24, 40)
    assert read([speck, seven, three], [sure(9, 0.97), sure(7), sure(3)]) == "73"


def test_fine_print_under_the_number_is_dropped_but_a_second_line_stays():
    big = [box(0, 0, 30, 60), box(40, 0, 30, 60)]
    fine = [box(0, 100, 8, 14), box(10, 100, 8, 14)]
    second = [box(0, 100, 28, 55), box(40, 100, 28, 55)]
    assert read(big + fine, [sure(1), sure(2), sure(3), sure(4)]) == "12"
    assert read(big + second, [sure(1), sure(2), sure(3), sure(4)]) == "12 34"


def test_overlap_is_measured_on_the_smaller_box():
    assert overlaps(box(0, 0, 100, 100), box(10, 10, 10, 10))
    assert not overlaps(box(0, 0, 20, 20), box(19, 19, 20, 20))


def test_best_set_never_keeps_overlapping_candidates():
    from detector.segment.choose import Scored

    rng = np.random.default_rng(0)
    blobs = [box(int(x), int(y), 20, 30) for x, y in rng.integers(0, 100, (12, 2))]
    scored = [Scored(b, sure(int(d), float(p)), i) for i, (b, d, p) in enumerate(
        zip(blobs, rng.integers(0, 10, 12), rng.uniform(KEEP, 1, 12), strict=True))]  # fmt: skip
    chosen = best_set(scored)
    assert chosen
    assert not any(overlaps(a.blob, b.blob) for a in chosen for b in chosen if a is not b)


def test_the_digits_of_a_reading_share_one_polarity():
    blobs = [box(0, 0, 24, 40), box(30, 0, 24, 40), box(0, 80, 24, 40)]
    probs = np.stack([sure(1), sure(2), sure(7, 0.9)])
    lines = choose(blobs, probs, dark_ink=[True, True, False])
    assert [[s.digit for s in line] for line in lines] == [[1, 2]]
    lines = choose(blobs, np.stack([sure(1, 0.6), sure(2, 0.6), sure(7)]), dark_ink=[True, True, False])
    assert [[s.digit for s in line] for line in lines] == [[7]]


def test_a_sure_zero_is_not_cut_into_a_six_and_a_seven():
    whole, left, right = box(0, 0, 40, 60), box(0, 0, 18, 60), box(22, 0, 18, 60)
    assert read([whole, left, right], [sure(0), sure(6), sure(7, 0.84)]) == "0"


def test_a_digit_that_lost_to_a_too_tall_blob_comes_back():
    big = box(0, 0, 60, 100)  # a 6 fused with the corner of a sign's frame, sure of a 6 but too tall
    six, six2, three = box(20, 30, 30, 50), box(70, 30, 30, 50), box(110, 30, 30, 50)
    assert read([big, six, six2, three], [sure(6, 0.97), sure(6), sure(6), sure(3)]) == "663"


def test_a_line_of_strokes_beside_a_number_is_an_edge():
    number = [box(100, 30, 24, 40), box(130, 30, 24, 40)]
    edge = [box(10, 150, 6, 40)]
    assert read(number + edge, [sure(4), sure(2), sure(1)]) == "42"
    ones = [box(100, 150, 8, 40), box(120, 150, 8, 40)]
    assert read(ones, [sure(1), sure(1)]) == "11"  # alone, strokes are 1s


def test_a_torn_digit_that_fits_the_line_is_read():
    four, unsure, two = box(0, 30, 24, 40), box(30, 31, 24, 39), box(60, 30, 24, 40)
    torn = sure(4, 0.4)
    torn[7] = 0.38  # a 4 or a 7?
    assert read([four, unsure, two], [sure(4), torn, sure(2)]) == "442"
    low = box(30, 60, 24, 20)  # as unsure, but not of the line's height and baseline
    assert read([four, low, two], [sure(4), torn, sure(2)]) == "42"
    doubt = sure(10, 0.76)
    doubt[4] = 0.22  # the network calls it junk, a little 4: where it stands in the line, it is a digit
    assert read([four, unsure, two], [sure(4), doubt, sure(2)]) == "442"
    doubt[4], doubt[10] = 0.12, 0.86  # a hand's hooked 7 looks as little like a digit to it: still one there
    assert read([four, unsure, two], [sure(4), doubt, sure(2)]) == "442"
    doubt[4], doubt[10] = 0.06, 0.92  # too little of a digit even there
    assert read([four, unsure, two], [sure(4), doubt, sure(2)]) == "42"
    doubt[4], doubt[10] = 0.12, 0.86  # between two strokes (an empty frame's sides) 12 % makes no number
    assert read([box(0, 30, 6, 40), unsure, box(60, 30, 6, 40)], [sure(1), doubt, sure(1)]) == "11"


def test_a_torn_digit_on_a_sloping_line_is_read():
    # "993" on a turned sheet: each digit stands 5 px higher than the one before; the 3 is a 3 or a 5?
    nine, other, three = box(0, 60, 24, 40), box(34, 55, 24, 40), box(68, 50, 24, 40)
    torn = sure(3, 0.42)
    torn[5] = 0.41
    assert read([nine, other, three], [sure(9), sure(9), torn]) == "993"
    level = SegmentParams(line_tilt=0, line_bob=0)  # held level, and no digit set higher or lower
    flat = choose([nine, other, three], np.stack([sure(9), sure(9), torn]), params=level)
    assert [s.digit for line in flat for s in line] == [9, 9]  # the flat top is 57.5 there: 7.5 px off, 0.15 of 40 is 6
    steep = box(68, 30, 24, 40)  # far above where the line's slope leads
    assert read([nine, other, steep], [sure(9), sure(9), torn]) == "99"


def test_a_torn_digit_in_a_bobbing_hand_is_read_against_the_level_line():
    # "433619": the hand's digits bob up and down; a slope fitted to them would put the 4's top 10 px low
    tops = {117: 62, 168: 54, 232: 47, 291: 49, 325: 59}
    digits = [box(x, y, 32, 48) for x, y in tops.items()]
    four = box(69, 48, 38, 48)
    torn = sure(4, 0.41)
    torn[2] = 0.22
    assert read([four, *digits], [torn] + [sure(d) for d in (3, 3, 6, 1, 9)]) == "433619"


def test_a_digit_the_hand_set_higher_than_the_line_is_read_when_as_tall():
    # "804" at seed 5: the 4 stands 0.28 of a height above the 8 and 0, and the network is 44 % sure of it
    eight, zero, four = box(76, 60, 73, 74), box(176, 55, 55, 76), box(242, 36, 59, 76)
    torn = sure(4, 0.44)
    torn[6] = 0.18
    assert read([eight, zero, four], [sure(8), sure(0), torn]) == "804"
    assert read([eight, zero, box(242, 26, 59, 76)], [sure(8), sure(0), torn]) == "80"  # 0.41 above: not of the line
    assert read([eight, zero, box(242, 36, 59, 50)], [sure(8), sure(0), torn]) == "80"  # shorter: a mark, no digit


def test_a_line_edge_follows_its_slope_within_the_tilt():
    line = [Scored(box(0, 60, 24, 40), sure(9), 0), Scored(box(34, 50, 24, 40), sure(9), 1)]  # centres 12, 46
    assert line_edge(line, 80, top=True, tilt=0.5) == pytest.approx(60 - 10 / 34 * (80 - 12))  # followed
    # held at 0.15 rows per column: the level is the median of the two digits' own
    assert line_edge(line, 80, top=True, tilt=0.15) == pytest.approx(
        np.median([60 + 0.15 * 12, 50 + 0.15 * 46]) - 0.15 * 80
    )
    assert line_edge(line, 80, top=False, tilt=0) == 95  # flat: the median bottom
    assert line_edge(line[:1], 80, top=True) == 60  # one digit: flat


def test_a_torn_digit_beside_one_sure_digit_is_read():
    # "78": the network doubts an odd 7 (0.48 of a 7, 0.5 junk) beside a sure 8 of its height and baseline
    seven, eight = box(0, 30, 24, 40), box(34, 31, 24, 40)
    torn = sure(7, 0.48)
    torn[10] = 0.5
    assert read([seven, eight], [torn, sure(8)]) == "78"
    assert read([seven, eight], [torn, sure(8, 0.8)]) == "8"  # one unsure digit is no line to lean on
    low = box(0, 55, 24, 15)  # a smudge beside it, not of its height
    assert read([low, eight], [torn, sure(8)]) == "8"
    stroke = box(34, 31, 8, 40)  # a sure 1 alone is as often a letter's stroke or an edge: no line to lean on
    assert read([seven, stroke], [torn, sure(1)]) == "1"


def test_a_wide_torn_digit_beside_the_line_is_read():
    # a wide, unsure 1 just before "76": its box starts more than a height before the line, its edge does not
    one, seven, six = box(0, 30, 40, 40), box(56, 30, 24, 40), box(86, 30, 24, 40)
    torn = sure(1, 0.33)
    torn[10] = 0.5
    assert read([one, seven, six], [torn, sure(7), sure(6)]) == "176"
    far = box(-30, 30, 40, 40)  # 46 px from the line: a digit's height and more
    assert read([far, seven, six], [torn, sure(7), sure(6)]) == "76"


def test_the_paper_around_a_digit_read_in_the_other_polarity_is_not_a_digit():
    eight, around = box(100, 100, 90, 150), box(80, 80, 130, 190)  # the paper just around a dark 8, read as light ink
    probs = np.stack([sure(8, 0.99), sure(3, 0.996)])
    lines = choose([eight, around], probs, [True, False], strengths=[0.7, 0.5])
    assert [[s.digit for s in line] for line in lines] == [[8]]
    # a white 0 on a dark plate around a dark blob as strong as it (its hole): both stay candidates
    lines = choose([eight, around], np.stack([sure(0, 0.95), sure(0, 0.99)]), [True, False], strengths=[0.7, 0.7])
    assert [[s.digit for s in line] for line in lines] == [[0]] and lines[0][0].index == 1
    # the paper in a 6's loop, read as a light 1 and stronger than the 6: a small part of it, not its paper
    six, loop = box(100, 100, 60, 100), box(120, 150, 12, 30)
    lines = choose([six, loop], np.stack([sure(6, 0.99), sure(1, 0.95)]), [True, False], strengths=[0.6, 0.75])
    assert [[s.digit for s in line] for line in lines] == [[6]]
    # the strong ink of an edge blob inside a digit's box shows no digit by itself: the digit is no halo of it
    plate, core = box(16, 3, 22, 25), box(20, 6, 14, 18)
    probs = np.stack([sure(8, 0.74), sure(8, 0.998)])
    lines = choose([plate, core], probs, [True, False], strengths=[0.74, 0.89], cores=[False, True])
    assert [[s.digit for s in line] for line in lines] == [[8]] and lines[0][0].index == 0
    plain = choose([plate, core], probs, [True, False], strengths=[0.74, 0.89])  # an ordinary candidate: sure, it wins
    assert [[s.index for s in line] for line in plain] == [[1]]


def test_the_paper_round_a_doubted_digit_of_the_pictures_own_polarity_is_not_a_digit():
    # filled 0018 at seed 5: vignetting leaves a bright field round a pen's 2 on grey paper, read as light ink
    two, field = box(325, 278, 376, 505), box(220, 56, 622, 786)
    probs = np.stack([sure(2, 0.58), sure(8, 0.89)])

    def reading(likely_dark):
        lines = choose([two, field], probs, [True, False], strengths=[0.79, 0.46], likely_dark=likely_dark)
        return "".join(str(s.digit) for line in lines for s in line)

    assert reading(True) == "2"  # dark ink is the picture's own: the field round its 2 is paper
    assert reading(None) == "8"  # polarity unknown: only a sure digit sets its paper aside
    # the other way round: the paper a pen's 3 encloses, read as light ink, and the 3 round it (dark on light)
    three, enclosed = box(100, 100, 60, 90), box(110, 110, 30, 60)
    lines = choose(
        [three, enclosed],
        np.stack([sure(3, 0.95), sure(0, 0.6)]),
        [True, False],
        strengths=[0.5, 0.8],
        likely_dark=True,
    )
    assert [[s.digit for s in line] for line in lines] == [[3]]
    # an embossed 0: its light face (the picture's likelier polarity) and the dark rim round it, a little weaker
    face, rim = box(148, 28, 26, 37), box(143, 21, 36, 48)
    probs = np.stack([sure(0, 0.65), sure(0, 0.95)])
    lines = choose([face, rim], probs, [False, True], strengths=[0.61, 0.43], likely_dark=False)
    assert [[s.index for s in line] for line in lines] == [[1]]  # the one digit twice, not a digit and its paper


def test_strips_of_paper_along_sure_ones_of_the_pictures_own_polarity_are_not_ones():
    # turned 0097 at seed 5: two dark pen 1s, and the paper along them read as three light 1s
    ones = [box(247, 215, 61, 211), box(452, 219, 55, 217)]
    strips = [box(229, 217, 53, 220), box(430, 221, 49, 208), box(475, 223, 49, 201)]

    def reading(likely_dark, strip=0.37, sure_one=0.997):
        probs = np.stack([sure(1, sure_one)] * 2 + [sure(1)] * 3)
        dark = [True, True, False, False, False]
        lines = choose(ones + strips, probs, dark, strengths=[0.81] * 2 + [strip] * 3, likely_dark=likely_dark)
        return "".join(str(s.digit) for line in lines for s in line)

    assert reading(True) == "11"  # the strips beside the picture's own sure 1s are their paper
    assert reading(None) == "111"  # polarity unknown: three strips outweigh two strokes
    assert reading(True, strip=0.75) == "111"  # as strong as the 1s: no paper of theirs
    assert reading(True, sure_one=0.8) == "111"  # 1s in doubt set no strip aside


def test_shading_that_a_rim_frames_within_a_digit_of_the_other_polarity_is_not_read():
    # an embossed 1, light on a dark card: its dark rim frames the shading on its face, which
    # comes apart into two strokes read as 1s, far fainter than the 1 itself
    one, shades = box(35, 17, 39, 78), [box(44, 27, 17, 62), box(59, 29, 13, 60)]
    probs = np.stack([sure(1, 0.998), sure(1, 0.99), sure(1, 0.95)])
    lines = choose([one, *shades], probs, [False, True, True], strengths=[0.99, 0.64, 0.53], framed=[False, True, True])
    assert [[s.index for s in line] for line in lines] == [[0]]
    # ink not taken from a frame is judged as before: two strokes hold more evidence than one
    lines = choose([one, *shades], probs, [False, True, True], strengths=[0.99, 0.64, 0.53])
    assert [[s.index for s in line] for line in lines] == [[1, 2]]
    # ... and so is framed ink as strong as the digit it lies in (a dark number on a pale plate)
    lines = choose([one, *shades], probs, [False, True, True], strengths=[0.7, 0.64, 0.6], framed=[False, True, True])
    assert [[s.index for s in line] for line in lines] == [[1, 2]]


def test_a_strip_cut_by_the_picture_edge_does_not_set_the_line_height():
    # a plate's 1 beside a strip of wall that runs off the bottom of the picture, read as a 1 too
    one, strip = box(350, 180, 36, 66), box(240, 120, 38, 302)
    lines = choose([one, strip], np.stack([sure(1), sure(1, 0.89)]), shape=(422, 640))
    assert [[s.digit for s in line] for line in lines] == [[1]]
    assert lines[0][0].blob is one


def test_the_strong_ink_of_an_edge_blob_is_read_only_where_it_fits_a_line():
    # "245" on a turned sheet: the 2 was joined to the table by shade, and only its strong ink is a candidate
    two, four, five = box(10, 30, 24, 40), box(44, 30, 24, 40), box(78, 30, 24, 40)

    def digits(blobs, probs, cores):
        return "".join(str(s.digit) for line in choose(blobs, np.stack(probs), cores=cores) for s in line)

    assert digits([two, four, five], [sure(2), sure(4), sure(5)], [True, False, False]) == "245"
    assert digits([two], [sure(2)], [True]) == ""  # alone, the strong ink of a wall or a table is no digit
    low = box(10, 50, 24, 20)
    assert digits([low, four, five], [sure(2), sure(4), sure(5)], [True, False, False]) == "45"  # not the line's
    torn = sure(2, 0.45)
    assert digits([two, four, five], [torn, sure(4), sure(5)], [True, False, False]) == "45"  # a core must be sure
    ragged = box(112, 22, 24, 40)  # a last 6 whose shade left it 8 px (0.2 of a height) above the line
    number = [two, four, five, ragged]
    assert digits(number, [sure(2), sure(4), sure(5), sure(6)], [False, False, False, True]) == "2456"
    doubt = sure(6, 0.45)  # an unsure candidate there is no core: a digit the hand set higher, up to line_bob
    assert digits(number, [sure(2), sure(4), sure(5), doubt], [False, False, False, False]) == "2456"
    higher = box(112, 16, 24, 40)  # 14 px (0.35 of a height) above the line: no digit of it
    assert digits([two, four, five, higher], [sure(2), sure(4), sure(5), doubt], [False] * 4) == "245"
    side = box(112, 28, 6, 44)  # a plate's border beside the digits, cut from the edge's ink: no 1
    assert digits([two, four, five, side], [sure(2), sure(4), sure(5), sure(1)], [True, False, False, True]) == "245"


def test_the_strong_ink_of_an_edge_blob_read_as_a_wide_one_joins_its_line():
    # "7431" printed on a turned sheet: the 1, with its foot and flag, was joined to the table by shade
    seven, four, three = box(10, 30, 24, 40), box(44, 30, 24, 40), box(78, 30, 24, 40)
    footed, stroke = box(112, 30, 14, 40), box(112, 30, 6, 40)  # 0.58 and 0.25 of the digits' width

    def digits(last, p=0.99):
        blobs, probs = [seven, four, three, last], np.stack([sure(7), sure(4), sure(3), sure(1, p)])
        return "".join(str(s.digit) for line in choose(blobs, probs, cores=[False, False, False, True]) for s in line)

    assert digits(footed) == "7431"
    assert digits(stroke) == "743"  # thin: as often the side of a plate cut from its border
    assert digits(footed, 0.8) == "743"  # a 1 only the line admits must be sure


def test_a_one_much_shorter_than_its_line_is_no_digit_of_it():
    # "182": the top right of the 8 cut off and read as a sure 1, 0.58 of the line's height
    one, two = box(0, 30, 12, 68), box(110, 28, 30, 69)
    eight, left, top = box(50, 36, 34, 59), box(50, 44, 17, 51), box(67, 36, 17, 35)
    probs = [sure(1), sure(2), sure(8, 0.991), sure(8, 0.996), sure(1, 0.991)]
    assert read([one, two, eight, left, top], probs) == "182"
    tall = box(67, 36, 17, 46)  # 0.77 of the line's height: a 1 the hand wrote short stays
    assert read([one, two, eight, left, tall], probs) == "1812"


def test_torn_digits_side_by_side_join_the_line_one_after_the_other():
    # "1167": two flagged 1s the network calls 40 % a 1 and 43 % not a digit, before a sure 6 and 7;
    # the first stands more than a digit's height from the 6, beside the second only
    torn = np.full(11, 0.17 / 9)
    torn[1], torn[10] = 0.40, 0.43
    ones = [box(20, 10, 26, 60), box(76, 10, 26, 60)]
    six, seven = box(150, 10, 40, 60), box(200, 10, 40, 60)
    assert read([*ones, six, seven], [torn, torn, sure(6), sure(7)]) == "1167"
    assert read([ones[0], six, seven], [torn, sure(6), sure(7)]) == "67"  # nothing beside it: not in the line


def test_a_number_smaller_than_the_edges_beside_it_is_read_once_they_are_set_aside():
    # a white 9 on a dark plate, between the two edges of the pole it hangs on: the edges (read as 1s,
    # three times its height) made it fine print, and then were dropped as edges themselves
    edges = [box(288, 0, 27, 142), box(423, 0, 44, 138)]
    nine = box(348, 181, 30, 49)
    probs = [sure(1, 0.97), sure(1, 0.95)]
    lines = choose([*edges, nine], np.stack([*probs, sure(9)]), shape=(466, 747))
    assert [[s.digit for s in line] for line in lines] == [[9]]
    assert choose(edges, np.stack(probs), shape=(466, 747)) == []  # alone, edges are still no number
    piece = box(290, 10, 22, 120)  # a piece of an edge, clear of the picture's edge: no 1 once the edge is dropped
    assert choose([*edges, piece], np.stack([*probs, sure(1, 0.99)]), shape=(466, 747)) == []
    wall = box(0, 200, 60, 266)  # the wall the picture's edge cuts, a doubted 8: more of the background
    assert choose([*edges, wall], np.stack([*probs, sure(8, 0.55)]), shape=(466, 747)) == []
    unsure = sure(9, 0.6)  # a small doubted digit alone is still dropped (small_and_alone)
    assert choose([*edges, nine], np.stack([*probs, unsure]), shape=(466, 747)) == []


def test_a_number_beside_a_wall_line_cut_by_the_edge_is_read_once_the_edge_is_set_aside():
    # plates 0149 at seed 7: a plate's 3 beside two stretches of a wall's light lines, twice its height;
    # one runs off the picture's bottom and is dropped as an edge, but the pair had made the 3 fine print
    cut, clear, three = box(464, 362, 20, 152), box(652, 346, 23, 155), box(541, 190, 44, 72)

    def number(blobs, p) -> str:
        return read(blobs, p, strengths=[0.62, 0.59, 0.99][: len(blobs)], shape=(514, 1003))

    assert number([cut, clear, three], [sure(1, 0.94), sure(1, 0.95), sure(3, 0.993)]) == "3"
    assert number([cut, clear], [sure(1, 0.94), sure(1, 0.95)]) == "1"  # without a number the stroke stays
    # read again, a doubted 3 holds less evidence than the sure 1 left: the reading of 1s stands
    assert number([cut, clear, three], [sure(1, 0.94), sure(1, 0.95), sure(3, 0.9)]) == "1"


def test_a_faint_digit_is_read_only_beside_a_line_of_digits():
    # turned 0120 at seed 7: "30", the 0 found only below the picture's ink level
    three = box(383, 506, 96, 134)

    def number(x=533, y=549, height=121, digit=0, with_three=True) -> str:
        blobs, probs = [three, box(x, y, 137, height)], [sure(3, 0.996), sure(digit, 0.97)]
        faint, strengths = [False, True], [0.34, 0.33]
        if not with_three:
            blobs, probs, faint, strengths = blobs[1:], probs[1:], faint[1:], strengths[1:]
        lines = choose(blobs, np.stack(probs), strengths=strengths, faint=faint)
        return " ".join("".join(str(s.digit) for s in line) for line in lines)

    assert number() == "30"
    assert number(digit=1) == "3"  # a faint stroke is as often the edge of a shadow
    assert number(with_three=False) == ""  # alone: the grain of a wall comes up at that level too
    assert number(x=800) == "3"  # more than a digit's height from the line
    assert number(y=660) == "3"  # below the line's rows
    assert number(height=60) == "3"  # half as tall as the line's digits


def test_a_digit_of_the_other_ink_beside_a_line_joins_it_when_it_stands_out_as_much():
    # embossed 0089 at seed 5: "945" raised on a card, its 9 read only in the other polarity
    def number(x=15, digit=9, strength=0.84) -> str:
        blobs = [box(70, 15, 54, 78), box(129, 16, 55, 75), box(x, 19, 46, 66)]
        probs = [sure(4, 0.996), sure(5, 0.997), sure(digit, 0.977)]
        return read(blobs, probs, [True, True, False], strengths=[0.43, 0.43, strength])

    assert number() == "945"
    assert number(strength=0.3) == "945"  # 0.13 less than its neighbours: within halo_margin
    assert number(strength=0.27) == "45"  # 0.16 less: the paper round a digit stands out less than its ink
    assert number(digit=1) == "45"  # a lone stroke is as often a rim or a frame's side
    assert number(x=300) == "45"  # more than a digit's height from the line


def test_a_digit_of_the_other_ink_over_punctuation_is_its_paper():
    # "50%" in DejaVu Sans: the paper round the % sign's lower ring, in the other polarity, read as an 8
    five, zero, ring, paper = box(71, 71, 72, 111), box(165, 69, 76, 113), box(334, 122, 51, 60), box(312, 60, 83, 131)
    probs = [sure(5), sure(0), sure(0), sure(8, 0.95)]
    dark = [True, True, True, False]
    assert read([five, zero, ring, paper], probs, dark, dotted=[False, False, True, False]) == "50"
    assert read([five, zero, paper], [probs[0], probs[1], probs[3]], [True, True, False]) == "508"  # no % there


def test_digits_far_apart_in_a_row_are_two_numbers():
    five, four, nine = box(10, 40, 20, 40), box(34, 40, 20, 40), box(300, 40, 20, 40)  # nine: 6 heights away
    parts = apart([Scored(b, sure(d), i) for i, (b, d) in enumerate([(nine, 9), (five, 5), (four, 4)])])
    assert [[s.digit for s in part] for part in parts] == [[5, 4], [9]]
    wide, narrow = box(10, 40, 200, 40), box(60, 40, 20, 40)  # the gap is measured from the wide one's right end
    parts = apart([Scored(b, sure(d), i) for i, (b, d) in enumerate([(wide, 0), (narrow, 1), (nine, 9)])])
    assert [[s.digit for s in part] for part in parts] == [[0, 1, 9]]
    assert apart([]) == []


def test_a_number_apart_standing_out_much_less_than_the_number_is_the_wall():
    # a plate's "9" on a brick wall, the grain beside it read as "54" and a "3" above (plates 0037 at seed 37)
    five, four, nine, three = box(10, 40, 20, 40), box(34, 40, 20, 40), box(300, 40, 20, 40), box(420, 0, 20, 40)
    probs = [sure(5, 0.7), sure(4, 0.7), sure(9), sure(3, 0.95)]
    assert read([five, four, nine, three], probs, strengths=[0.43, 0.45, 0.87, 0.5]) == "9"
    assert read([five, four, nine, three], probs, strengths=[0.8, 0.85, 0.87, 0.85]) == "3 549"  # the same ink
