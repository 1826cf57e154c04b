"""Punctuation (detector.segment.marks): strokes carrying a dot, on masks drawn in the test."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from detector.segment.blobs import label
from detector.segment.choose import choose
from detector.segment.marks import carried, dotted_strokes, percent_signs
from detector.segment.params import DEFAULT
from tests.helpers import candidate_box as box
from tests.helpers import sure_of as sure


def _canvas() -> np.ndarray:
    return np.zeros((200, 300), bool)


def _stroke(mask: np.ndarray, x: int, y: int, h: int = 60, w: int = 8) -> None:
    mask[y : y + h, x : x + w] = True


def _dot(mask: np.ndarray, x: int, y: int, r: int = 5) -> None:
    yy, xx = np.ogrid[: mask.shape[0], : mask.shape[1]]
    mask[(yy - y) ** 2 + (xx - x) ** 2 <= r * r] = True


def test_a_stroke_with_a_dot_below_or_above_is_punctuation():
    bang = _canvas()
    _stroke(bang, 100, 40)  # "!": the stem, its dot 8 px below
    _dot(bang, 104, 113)
    (found,) = dotted_strokes(label(bang))
    assert found[:2] == (40, 99) and found[2] >= 118
    eye = _canvas()
    _stroke(eye, 100, 80, h=50)  # "i": its dot above
    _dot(eye, 104, 68)
    assert len(dotted_strokes(label(eye))) == 1


def test_a_digit_with_a_dot_beside_it_or_far_below_is_not():
    five_point = _canvas()
    _stroke(five_point, 100, 40)
    _dot(five_point, 120, 96)  # a decimal point: at the baseline, to the right
    assert dotted_strokes(label(five_point)) == []
    far = _canvas()
    _stroke(far, 100, 20)
    _dot(far, 104, 150)  # more than dot_gap of the stroke's height below
    assert dotted_strokes(label(far)) == []


def test_a_speck_among_grain_or_a_broken_off_bit_of_stroke_is_no_dot():
    grainy = _canvas()
    _stroke(grainy, 100, 40)
    _dot(grainy, 104, 113)
    grainy[110:112, 114:116] = True  # more ink right beside the "dot": texture, not punctuation
    assert dotted_strokes(label(grainy)) == []
    tail = _canvas()
    _stroke(tail, 100, 40)
    tail[106:126, 102:106] = True  # a long piece below: a broken stroke, not a dot
    assert dotted_strokes(label(tail)) == []
    assert dotted_strokes(label(tail), params=replace(DEFAULT, dot_large=0)) == []


def _ring(mask: np.ndarray, x: int, y: int, r: int = 14, pen: int = 5) -> None:
    yy, xx = np.ogrid[: mask.shape[0], : mask.shape[1]]
    d = (yy - y) ** 2 + (xx - x) ** 2
    mask[(d <= r * r) & (d >= (r - pen) ** 2)] = True


def _slash(mask: np.ndarray, top: tuple[int, int], bottom: tuple[int, int], pen: int = 4) -> None:
    for t in np.linspace(0, 1, 200):
        y, x = round(top[1] + t * (bottom[1] - top[1])), round(top[0] + t * (bottom[0] - top[0]))
        mask[y : y + pen, x : x + pen] = True


def test_two_rings_with_a_slash_between_them_are_a_percent_sign():
    sign = _canvas()
    _ring(sign, 110, 60)
    _ring(sign, 160, 120)
    _slash(sign, (170, 40), (100, 140))  # bottom-left to top-right, between the rings
    (found,) = percent_signs(label(sign))
    assert found[0] <= 46 and found[2] >= 134
    short = _canvas()  # a bold font's short slash, only across the gap between the rings
    _ring(short, 110, 60)
    _ring(short, 160, 120)
    _slash(short, (150, 72), (120, 104))
    assert len(percent_signs(label(short))) == 1
    apart = _canvas()  # a stroke beside the rings' gap but in neither ring's rows: no "%"
    _ring(apart, 110, 60)
    _ring(apart, 160, 120)
    _slash(apart, (150, 80), (140, 100))
    assert percent_signs(label(apart)) == []
    climbing = _canvas()  # a turned line "080": the rings' rows overlap, the digit between is no slash
    _ring(climbing, 110, 60)
    _ring(climbing, 190, 82)
    climbing[62:90, 140:160] = True
    assert percent_signs(label(climbing)) == []
    far = np.zeros((200, 600), bool)  # a turned line "2750": its 2's loop and its 0 are a number apart
    _ring(far, 110, 60)
    _ring(far, 420, 100)
    far[40:110, 250:262] = True  # the 7 between them reaches both rings' rows
    assert percent_signs(label(far)) == []
    zeros = _canvas()  # "00" on one line, a stroke below: no "%"
    _ring(zeros, 110, 60)
    _ring(zeros, 150, 60)
    _slash(zeros, (170, 100), (100, 140))
    assert percent_signs(label(zeros)) == []
    rings = _canvas()  # the rings alone, nothing between them
    _ring(rings, 110, 60)
    _ring(rings, 160, 120)
    assert percent_signs(label(rings)) == []


def test_the_candidates_of_a_dotted_stroke_are_set_aside_not_the_digits_beside_it():
    mask = _canvas()
    _stroke(mask, 100, 40)
    _dot(mask, 104, 113)
    _stroke(mask, 140, 40, w=30)  # a digit beside the "!"
    strokes = dotted_strokes(label(mask))
    stem, dot, digit = box(100, 40, 8, 60), box(99, 108, 11, 11), box(140, 40, 30, 60)
    assert carried(stem, strokes) and carried(dot, strokes) and not carried(digit, strokes)
    lines = choose([stem, digit], np.stack([sure(1), sure(4)]), dotted=[True, False])
    assert [[s.digit for s in line] for line in lines] == [[4]]


def test_a_question_mark_is_no_digit_and_a_percent_sign_no_digits(shipped_predictor):
    from PIL import Image, ImageDraw, ImageFont

    from training.synthetic.fonts import font_paths

    img = Image.new("L", (360, 260), 225)
    ImageDraw.Draw(img).text((120, 40), "?", font=ImageFont.truetype(str(font_paths()[0]), 160), fill=30)
    gray = np.asarray(img, np.float32) / 255
    assert shipped_predictor.read_array(gray, "question").number == ""
    percent = Image.new("L", (600, 260), 225)  # DejaVu Sans draws the rings apart from the slash
    sans = next(path for path in font_paths() if path.name == "DejaVuSans.ttf")
    ImageDraw.Draw(percent).text((60, 40), "50%", font=ImageFont.truetype(str(sans), 150), fill=30)
    assert shipped_predictor.read_array(np.asarray(percent, np.float32) / 255, "percent").number == "50"
    seven = Image.new("L", (360, 260), 225)
    ImageDraw.Draw(seven).text((120, 40), "7", font=ImageFont.truetype(str(font_paths()[0]), 160), fill=30)
    assert shipped_predictor.read_array(np.asarray(seven, np.float32) / 255, "seven").number == "7"
