"""Choosing a reading by evidence: weights, overlaps, lines, with class probabilities made up in the test."""

from __future__ import annotations

import numpy as np

from detector.segment.blobs import Blob
from detector.segment.choose import KEEP, best_set, choose, overlaps


def box(x: int, y: int, w: int, h: int) -> Blob:
    return Blob(y, x, y + h, x + w, np.ones((h, w), dtype=bool))


def sure(digit: int, p: float = 0.99) -> np.ndarray:
    """Eleven class probabilities: ``p`` on ``digit``, the rest spread over the other classes."""
    probs = np.full(11, (1 - p) / 10)
    probs[digit] = p
    return probs


def junk(p: float = 0.95) -> np.ndarray:
    return sure(10, p)


def read(blobs: list[Blob], probs: list[np.ndarray]) -> str:
    return " ".join("".join(str(s.digit) for s in line) for line in choose(blobs, np.stack(probs)))


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


def test_a_reading_of_nothing_but_bars_is_no_reading():
    sides = [box(0, 0, 6, 100), box(200, 0, 6, 100)]
    assert read(sides, [sure(1), sure(1)]) == ""
    assert read([box(0, 0, 6, 100), box(30, 0, 50, 100)], [sure(1), sure(4)]) == "14"
    assert read([box(0, 0, 14, 100)], [sure(1)]) == "1"  # a marker 1: not that thin


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


def test_a_lone_stroke_at_the_picture_edge_or_in_doubt_is_no_one():
    def lone(blob: Blob, p: float) -> str:
        return " ".join(
            "".join(str(s.digit) for s in line) for line in choose([blob], sure(1, p)[None], shape=(200, 300))
        )

    assert lone(box(140, 50, 10, 80), 0.99) == "1"
    assert lone(box(0, 50, 10, 80), 0.99) == ""  # touches the left edge
    assert lone(box(140, 50, 10, 80), 0.7) == ""  # the network has doubts
    assert lone(box(140, 50, 10, 80), 0.85) == "1"  # the picture's subject (40 % of its height): a little doubt is fine
    assert lone(box(140, 50, 10, 40), 0.85) == ""  # a small stroke needs lone_sure


def ring(x: int, y: int, w: int, h: int, pen: int = 6) -> Blob:
    mask = np.zeros((h, w), bool)
    mask[:pen] = mask[-pen:] = True
    mask[:, :pen] = mask[:, -pen:] = True
    return Blob(y, x, y + h, x + w, mask)


def piece(blob: Blob, c0: int, c1: int) -> Blob:
    from detector.segment.blobs import trim

    return trim(blob, c0, c1)


def test_sides_cut_from_an_empty_frame_are_not_ones():
    from dataclasses import replace

    from detector.segment.params import DEFAULT

    frame = ring(50, 40, 300, 100)
    left, right = piece(frame, 0, 20), piece(frame, 280, 300)
    blobs, probs = [frame, left, right], np.stack([junk(), sure(1), sure(1)])
    assert read(blobs, list(probs)) == ""
    kept = choose(blobs, probs, params=replace(DEFAULT, explain=0))
    assert "".join(str(s.digit) for line in kept for s in line) == "11"  # what the rule prevents


def test_digits_cut_from_one_blob_that_explain_its_ink_are_read():
    pair = ring(50, 40, 120, 100)  # read as two halves, each a sure digit
    blobs = [pair, piece(pair, 0, 60), piece(pair, 60, 120)]
    assert read(blobs, [junk(), sure(1), sure(1)]) == "11"


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


def test_a_line_of_one_unsure_digit_beside_the_number_is_dropped():
    number = [box(300 + 50 * k, 400, 40, 60) for k in range(3)]
    blotch = box(600, 700, 40, 60)  # below and to the right: a line of its own
    probs = [sure(4), sure(2), sure(7)]
    lines = choose([*number, blotch], np.stack([*probs, sure(5, 0.8)]), shape=(1000, 800))
    assert [[s.digit for s in line] for line in lines] == [[4, 2, 7]]
    lines = choose([*number, blotch], np.stack([*probs, sure(5, 0.99)]), shape=(1000, 800))
    assert [[s.digit for s in line] for line in lines] == [[4, 2, 7], [5]]  # a sure second line stays
