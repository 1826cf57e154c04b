"""The steps for digits that stand alone (detector.segment.alone), through choose(), made-up probabilities."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from detector.segment.blobs import Blob, trim
from detector.segment.choose import choose
from detector.segment.params import DEFAULT
from tests.helpers import candidate_box as box
from tests.helpers import chosen_number as read
from tests.helpers import junk_probs as junk
from tests.helpers import sure_of as sure


def test_a_reading_of_nothing_but_bars_is_no_reading():
    sides = [box(0, 0, 6, 100), box(200, 0, 6, 100)]
    assert read(sides, [sure(1), sure(1)]) == ""
    assert read([box(0, 0, 6, 100), box(30, 0, 50, 100)], [sure(1), sure(4)]) == "14"
    assert read([box(0, 0, 14, 100)], [sure(1)]) == "1"  # a marker 1: not that thin


def test_a_lone_stroke_at_the_picture_edge_or_in_doubt_is_no_one():
    def lone(blob: Blob, p: float) -> str:
        return " ".join(
            "".join(str(s.digit) for s in line) for line in choose([blob], sure(1, p)[None], shape=(200, 300))
        )

    assert lone(box(140, 50, 10, 80), 0.99) == "1"
    assert lone(box(0, 50, 10, 80), 0.99) == ""  # touches the left edge
    assert lone(box(140, 50, 10, 80), 0.6) == ""  # the network has doubts
    assert lone(box(140, 50, 10, 80), 0.78) == "1"  # the picture's subject (40 % of its height): a little doubt is fine
    assert lone(box(140, 50, 10, 40), 0.85) == ""  # a small stroke needs lone_sure


def test_stretches_of_one_straight_line_cut_by_crossing_lines_are_not_ones():
    def lone(blobs: list[Blob], probs: list[np.ndarray]) -> str:
        lines = choose(blobs, np.stack(probs), shape=(300, 300))
        return " ".join("".join(str(s.digit) for s in line) for line in lines)

    upper, lower = box(140, 20, 14, 110), box(141, 150, 13, 120)  # a tile joint, cut by a horizontal one
    assert lone([upper], [sure(1)]) == "1"
    assert lone([upper, lower], [sure(1), junk()]) == ""
    assert lone([upper, lower], [sure(1), sure(1)]) == ""
    assert lone([upper, box(100, 150, 40, 120)], [sure(1), junk()]) == "1"  # ink below, but not in its columns
    assert lone([upper, box(138, 140, 18, 3)], [sure(1), junk()]) == "1"  # a flat line below: a plate's border
    widened = box(128, 20, 30, 110)  # the stretch above took in the shade beside the joint: still its columns
    assert lone([widened, lower], [sure(1), junk()]) == ""
    assert lone([widened, box(96, 150, 13, 120)], [sure(1), junk()]) == "1"  # a stroke below, left of it
    two = [upper, box(180, 20, 40, 110)]
    assert lone([*two, lower], [sure(1), sure(4), junk()]) == "14"  # beside other digits the line shows it is writing


def ring(x: int, y: int, w: int, h: int, pen: int = 6) -> Blob:
    mask = np.zeros((h, w), bool)
    mask[:pen] = mask[-pen:] = True
    mask[:, :pen] = mask[:, -pen:] = True
    return Blob(y, x, y + h, x + w, mask)


def piece(blob: Blob, c0: int, c1: int) -> Blob:
    return trim(blob, c0, c1)


def test_sides_cut_from_an_empty_frame_are_not_ones():
    frame = ring(50, 40, 300, 100)
    left, right = piece(frame, 0, 20), piece(frame, 280, 300)
    blobs, probs = [frame, left, right], np.stack([junk(), sure(1), sure(1)])
    assert read(blobs, list(probs)) == ""
    kept = choose(blobs, probs, params=replace(DEFAULT, explain=0))
    assert "".join(str(s.digit) for line in kept for s in line) == "11"  # what the rule prevents


def test_sides_left_when_a_frames_bars_are_cut_as_rules_are_not_ones():
    frame = ring(50, 40, 300, 100, pen=10)
    # the rule finder took the top and bottom away, into the corners: the sides are blobs of their own,
    # each less than the ring holds in its box
    left, right = box(50, 40, 10, 100), box(340, 40, 10, 100)
    for side, cut in ((left, slice(6, None)), (right, slice(None, 4))):
        side.mask[:10, cut] = side.mask[-10:, cut] = False
    assert read([frame, left, right], [junk(), sure(1), sure(1)]) == ""
    underlined = Blob(40, 140, 150, 200, np.zeros((110, 60), bool))
    underlined.mask[:100, 24:38] = underlined.mask[104:, :] = True  # a marker 1 and the line under it: no hole
    assert read([underlined, box(164, 40, 14, 100)], [junk(), sure(1)]) == "1"


def test_digits_cut_from_one_blob_that_explain_its_ink_are_read():
    pair = ring(50, 40, 120, 100)  # read as two halves, each a sure digit
    blobs = [pair, piece(pair, 0, 60), piece(pair, 60, 120)]
    assert read(blobs, [junk(), sure(1), sure(1)]) == "11"


def test_a_lone_digit_in_doubt_cut_from_a_blob_it_leaves_unread_is_no_reading():
    serif_w = ring(50, 40, 160, 100)  # a letter's blob, cut at its column valleys (the box of a "W")
    half = piece(serif_w, 0, 60)  # its left stroke pair, read as a 4
    assert read([serif_w, half], [junk(), sure(4, 0.8)]) == ""
    assert read([serif_w, half], [junk(), sure(4, 0.99)]) == "4"  # the network is sure of it: a digit on its plate
    most = piece(serif_w, 0, 130)  # a piece holding most of the blob's ink explains it
    assert read([serif_w, most], [junk(), sure(4, 0.8)]) == "4"
    other = piece(serif_w, 100, 160)  # two digits cut from it: no lone digit, left to the line
    assert read([serif_w, half, other], [junk(), sure(4, 0.8), sure(7, 0.8)]) == "47"


def test_a_sure_digit_merged_with_pieces_it_does_not_touch_is_no_piece_of_them():
    # faces 0057 at seed 5: a plate's 1 and the bars of the frame round it, joined as stacked pieces
    def merged(stub: bool) -> Blob:
        mask = np.zeros((220, 165), bool)
        mask[:10] = mask[-10:] = True  # the frame's top and bottom bars
        mask[64:154, 62:105] = True  # the 1
        if stub:
            mask[10:64, 80:84] = True  # ... joined to the top bar: then cut from it
        return Blob(150, 210, 370, 375, mask)

    one = box(272, 214, 43, 90)

    def reading(whole: Blob) -> str:
        lines = choose([whole, one], np.stack([junk(), sure(1, 0.998)]), shape=(566, 554), strengths=[0.79, 0.67])
        return "".join(str(s.digit) for line in lines for s in line)

    assert reading(merged(stub=False)) == "1"  # the frame's bars never touch it: a 1 of its own
    assert reading(merged(stub=True)) == ""  # cut from a blob it leaves mostly unread: its side


def test_a_small_unsure_mark_alone_in_a_large_picture_is_no_reading():
    def alone(blobs, probs):
        lines = choose(blobs, np.stack(probs), shape=(1000, 800))
        return " ".join("".join(str(s.digit) for s in line) for line in lines)

    small = box(300, 400, 40, 60)  # 6 % of the picture's height
    assert alone([small], [sure(4, 0.8)]) == ""  # a blotch the network half takes for a 4
    assert alone([small], [sure(4, 0.97)]) == "4"  # sure: read
    assert alone([box(200, 200, 300, 500)], [sure(4, 0.8)]) == "4"  # the subject of the picture: read, flagged unsure
    row = [box(300 + 50 * k, 400, 40, 60) for k in range(3)]
    assert alone(row, [sure(4, 0.8), sure(2, 0.99), sure(7, 0.99)]) == "427"  # in a line of digits: read


def test_a_small_lone_digit_the_network_doubts_only_which_is_read():
    def alone(p6, p0, junk):
        probs = np.zeros(11)
        probs[[6, 0, 10]] = p6, p0, junk
        lines = choose([box(390, 140, 160, 200)], probs[None], shape=(672, 1031))  # 0.298 of the picture's height
        return "".join(str(s.digit) for line in lines for s in line)

    assert alone(0.71, 0.287, 0.003) == "6"  # a 6 or a 0, but a digit: read, flagged unsure
    assert alone(0.71, 0.2, 0.09) == ""  # the network doubts it is a digit at all: a blotch


def test_a_lone_digit_cut_by_the_edge_that_barely_stands_out_is_no_reading():
    def alone(blob, strength):
        lines = choose([blob], sure(7)[None], shape=(1000, 800), strengths=[strength])
        return "".join(str(s.digit) for line in lines for s in line)

    at_top, inside = box(300, 0, 40, 60), box(300, 400, 300, 500)
    assert alone(at_top, 0.19) == ""  # mottled paper along the top edge, read as a sure 7
    assert alone(at_top, 0.6) == "7"  # ink, cut by the edge: still read
    assert alone(inside, 0.19) == "7"  # faint, but clear of the edge: still read


def test_a_line_of_one_unsure_digit_beside_the_number_is_dropped():
    number = [box(300 + 50 * k, 400, 40, 60) for k in range(3)]
    blotch = box(600, 700, 40, 60)  # below and to the right: a line of its own
    probs = [sure(4), sure(2), sure(7)]
    lines = choose([*number, blotch], np.stack([*probs, sure(5, 0.8)]), shape=(1000, 800))
    assert [[s.digit for s in line] for line in lines] == [[4, 2, 7]]
    lines = choose([*number, blotch], np.stack([*probs, sure(5, 0.99)]), shape=(1000, 800))
    assert [[s.digit for s in line] for line in lines] == [[4, 2, 7], [5]]  # a sure second line stays


def test_a_line_of_one_digit_the_edge_cuts_beside_a_number_clear_of_it_is_dropped():
    # plates 0173 at seed 5: a patch of wall at the picture's right edge, below the plate, read as a sure 4
    nine, seven = box(300, 400, 40, 60), box(345, 400, 40, 60)
    wall = box(760, 560, 40, 70)  # touches the right edge
    probs = np.stack([sure(9), sure(7), sure(4, 0.96)])
    lines = choose([nine, seven, wall], probs, shape=(1000, 800))
    assert [[s.digit for s in line] for line in lines] == [[9, 7]]
    inside = box(700, 560, 40, 70)  # clear of the edge: a second number stays, as before
    lines = choose([nine, seven, inside], probs, shape=(1000, 800))
    assert [[s.digit for s in line] for line in lines] == [[9, 7], [4]]


def test_a_lone_stroke_that_barely_stands_out_from_its_paper_is_no_one():
    # a strip of shaded wall between two edges is a tall bar to the network, but hardly ink
    strip = box(140, 40, 20, 120)
    faint = choose([strip], sure(1, 0.97)[None], shape=(200, 300), strengths=[0.2])
    bold = choose([strip], sure(1, 0.97)[None], shape=(200, 300), strengths=[0.6])
    assert faint == [] and [[s.digit for s in line] for line in bold] == [[1]]
    beside = choose(
        [strip, box(170, 40, 60, 120)], np.stack([sure(1), sure(4)]), shape=(200, 300), strengths=[0.3, 0.35]
    )
    assert [[s.digit for s in line] for line in beside] == [[1, 4]]  # beside a digit, the line shows it is writing
