"""House-number signs: the generator, and the shipped model reading printed digits on signs."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from training.synthetic.fonts import font_paths
from training.synthetic.signs import make_sign


def test_sign_is_deterministic_per_index():
    a, b, c = make_sign(3), make_sign(3), make_sign(4)
    assert np.array_equal(a.image, b.image) and a.number == b.number
    assert a.image.ndim == 3 and a.image.shape[2] == 3 and a.image.dtype == np.uint8
    assert not (a.number == c.number and np.array_equal(a.image[:50], c.image[:50]))
    assert all(s.number.isdigit() and 1 <= len(s.number) <= 5 for s in (make_sign(i) for i in range(20)))


def sign_on_wall(number: str, wall: int, sign: int, ink: int, border: bool) -> np.ndarray:
    img = Image.new("L", (900, 500), wall)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_paths()[0]), 120)
    x0, y0, x1, y1 = draw.textbbox((0, 0), number, font=font)
    left, top = (900 - (x1 - x0)) // 2, (500 - (y1 - y0)) // 2
    box = [left - 50, top - 50, left + x1 - x0 + 50, top + y1 - y0 + 50]
    draw.rounded_rectangle(box, radius=20, fill=sign, outline=ink if border else None, width=8 if border else 0)
    draw.text((left - x0, top - y0), number, font=font, fill=ink)
    return np.asarray(img.rotate(3, resample=Image.BILINEAR, fillcolor=wall))


@pytest.mark.parametrize(
    ("wall", "sign", "ink", "border"),
    [(200, 70, 250, True), (200, 70, 250, False), (60, 220, 20, True), (140, 230, 30, False)],
    ids=["white-on-dark-sign-pale-wall-border", "white-on-dark-sign-pale-wall", "dark-on-light-sign-dark-wall",
         "dark-on-light-sign-grey-wall"],
)  # fmt: skip
def test_sign_reads_right_whatever_the_wall(shipped_predictor, wall, sign, ink, border):
    reading = shipped_predictor.read_array(sign_on_wall("1929", wall, sign, ink, border), "sign")
    assert reading.number == "1929"


def test_most_generated_signs_read_right(shipped_predictor):
    signs = [make_sign(i, seed=0) for i in range(20)]
    right = sum(shipped_predictor.read_array(s.image, "sign").number == s.number for s in signs)
    assert right >= 16  # 88.5 % of 200 measured by `python -m training.bench.accuracy --signs 200`


def test_unseen_faces_alternate_signs_and_plates_in_held_out_typefaces(monkeypatch):
    from training.synthetic import fonts, signs

    drawn = []
    real = fonts.load_font

    def spy(face, size):
        drawn.append(face)
        return real(face, size)

    monkeypatch.setattr(fonts, "load_font", spy)
    a, b = signs.make_unseen_face(4, seed=2), signs.make_unseen_face(4, seed=2)
    assert np.array_equal(a.image, b.image) and a.number == b.number and len(a.boxes) == len(a.number)
    held_out = {face for family in fonts.held_out_families() for face in family}
    assert drawn and set(drawn) <= held_out
    families = fonts.held_out_families()
    assert np.array_equal(a.image, make_sign(4, seed=2, families=families).image)
    assert np.array_equal(signs.make_unseen_face(7, seed=2).image, signs.make_plate(7, seed=2, families=families).image)
    assert not np.array_equal(make_sign(4, seed=2).image, a.image)  # matplotlib's faces by default
