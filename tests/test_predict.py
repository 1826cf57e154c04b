"""Reading by evidence (a model with the "not a digit" class): the cases the rules used to get wrong, drawn here."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from detector.predict import digit_result
from training.synthetic.fonts import font_paths


def test_digit_result_reports_ten_digits_and_their_share_of_certainty():
    probs = np.array([0.01] * 9 + [0.3, 0.61], dtype=np.float32)  # a 9 at 30 %, "not a digit" at 61 %
    result = digit_result(probs, (1, 2, 3, 4), line=1)
    assert result.digit == 9 and result.confidence == pytest.approx(0.3)
    assert len(result.probabilities) == 10 and result.to_dict()["box"] == [1, 2, 3, 4]
    ten = probs[:10] / probs[:10].sum()  # a 10-class model
    assert digit_result(ten, (0, 0, 1, 1)).confidence == pytest.approx(0.3 / 0.39)


@pytest.fixture(scope="module")
def reader(shipped_predictor):
    if not shipped_predictor.config.knows_junk:
        pytest.skip("the shipped model has no 'not a digit' class")
    return shipped_predictor


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_paths()[1]), size)  # DejaVu Sans Bold


def noisy(img: Image.Image, seed: int = 0, sigma: float = 3.0) -> np.ndarray:
    arr = np.asarray(img, dtype=np.float32)
    return np.clip(arr + np.random.default_rng(seed).normal(0, sigma, arr.shape), 0, 255).astype(np.uint8)


def test_a_digit_touching_the_border_is_read(reader):
    img = Image.new("L", (640, 640), 150)
    draw = ImageDraw.Draw(img)
    x0, _y0, x1, y1 = draw.textbbox((0, 0), "2", font=font(600))
    draw.text((320 - (x0 + x1) // 2, 646 - y1), "2", font=font(600), fill=25)  # the 2's base runs into the edge
    draw.ellipse((40, 40, 46, 46), fill=40)  # a dust speck
    gray = noisy(img)
    assert gray[-1].min() < 80  # the digit really touches the border
    assert reader.read_array(gray).number == "2"


def test_a_bordered_sign_on_a_pale_wall(reader):
    img = Image.new("RGB", (900, 520), (225, 222, 215))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((250, 130, 650, 390), radius=24, fill=(30, 60, 150), outline=(250, 250, 250), width=12)
    draw.text((320, 165), "42", font=font(170), fill=(250, 250, 250))
    assert reader.read_array(noisy(img.rotate(3, fillcolor=(225, 222, 215)))).number == "42"


def test_a_turned_photo_with_a_background_wedge(reader):
    sheet = Image.new("L", (1200, 900), 200)
    draw = ImageDraw.Draw(sheet)
    draw.text((250, 330), "2024", font=font(220), fill=30)
    shade = np.linspace(1.0, 0.75, 1200)[None, :]
    turned = Image.fromarray((np.asarray(sheet, np.float32) * shade).astype(np.uint8)).rotate(
        4, Image.BILINEAR, translate=(25, 10), fillcolor=20)  # fmt: skip
    assert reader.read_array(noisy(turned)).number == "2024"


def test_a_seven_whose_bar_is_a_straight_line(reader):
    img = Image.new("L", (700, 400), 235)
    draw = ImageDraw.Draw(img)
    draw.line([(120, 100), (330, 100)], fill=20, width=12)  # a ruler-straight bar, longer than the digit is wide
    draw.line([(326, 100), (200, 320)], fill=20, width=12)
    draw.text((420, 95), "4", font=font(260), fill=20)
    assert reader.read_array(noisy(img)).number == "74"


def test_only_specks_and_frame_edges_read_nothing(reader):
    img = Image.new("L", (800, 600), 190)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 30, 599), fill=60)  # a door frame at the left
    draw.rectangle((250, 150, 560, 420), outline=40, width=10)  # an empty frame
    rng = np.random.default_rng(1)
    for x, y in rng.integers(40, 560, (12, 2)):
        draw.ellipse((x, y, x + 5, y + 5), fill=50)
    reading = reader.read_array(noisy(img))
    assert reading.number == ""


class _LeaningModel:
    """A stand-in network: sure of 1 for ink on the left, of 7 for ink on the right, torn in between."""

    def probabilities(self, prepared: np.ndarray, batch_size: int = 256) -> np.ndarray:
        columns = np.arange(prepared.shape[2])
        mass = prepared.sum(axis=(1, 2))
        centre = (prepared.sum(axis=1) * columns).sum(axis=1) / np.maximum(mass, 1e-6)
        right = np.clip((centre - 11.0) / 5.0, 0.0, 1.0) ** 2  # 0 at column 11 or left of it, 1 at 16 or right
        probs = np.zeros((len(prepared), 11))
        probs[:, 1], probs[:, 7] = 1 - right, right
        return probs


def test_unsure_candidates_are_averaged_over_one_pixel_shifts_and_sure_ones_kept():
    from detector.config import ModelConfig
    from detector.predict import Predictor

    crops = np.zeros((2, 28, 28), np.float32)
    crops[0, 8:20, 4:7] = 1.0  # far left: sure of a 1
    crops[1, 8:20, 12:15] = 1.0  # centre column 13: torn
    predictor = Predictor(_LeaningModel(), ModelConfig())
    plain, steady = predictor.probabilities(crops), predictor.steady_probabilities(crops)
    assert np.array_equal(steady[0], plain[0])
    moved = [np.roll(crops[1:], step, axis) for axis in (1, 2) for step in (1, -1)]
    expected = (plain[1] + sum(predictor.probabilities(m)[0] for m in moved)) / 5
    assert np.allclose(steady[1], expected) and not np.allclose(steady[1], plain[1])
    assert np.isclose(steady[1].sum(), 1.0)


def test_a_sans_serif_one_with_a_long_flag_is_a_one(reader):
    # The network reads this 1 (Pillow's own face, Aileron) as a 7 at 60-75 %: the printed digits it
    # learnt from are matplotlib's faces only. Its width among the 2, 7 and 9 tells it (segment.ones).
    img = Image.new("L", (900, 400), 225)
    ImageDraw.Draw(img).text((120, 80), "2719", font=ImageFont.load_default(size=200), fill=40)
    assert reader.read_array(noisy(img)).number == "2719"


@pytest.mark.parametrize(
    ("package", "face", "number"),
    [
        ("font_hanken_grotesk", "HankenGrotesk-MediumItalic", "610"),
        ("font_hanken_grotesk", "HankenGrotesk-MediumItalic", "4185"),
    ],
)
def test_a_flagged_one_in_a_face_never_trained_on_reads_one_beside_wider_digits(reader, package, face, number):
    from training.synthetic.fonts import load_font, package_faces

    path = next(p for p in package_faces(package) if p.stem == face)
    img = Image.new("L", (900, 400), 60)
    ImageDraw.Draw(img).text((150, 90), number, font=load_font(path, 180), fill=235)  # light on a dark plate
    assert reader.read_array(noisy(img)).number == number


def test_a_flagged_one_alone_on_its_plate_reads_one(reader):
    # Alone, with no line to measure it against, the network reads this 1 (Hanken Grotesk's medium
    # italic) as a 7 at 58 % and a 1 at 38 %; its slenderness tells it (segment.ones).
    from training.synthetic.fonts import load_font, package_faces

    path = next(p for p in package_faces("font_hanken_grotesk") if p.stem == "HankenGrotesk-MediumItalic")
    img = Image.new("L", (600, 500), 90)  # a wall ...
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((200, 120, 400, 380), 20, fill=215)  # ... a pale plate on it ...
    draw.text((255, 140), "1", font=load_font(path, 180), fill=40)  # ... and the house number
    assert reader.read_array(noisy(img, sigma=4.0)).number == "1"


@pytest.mark.parametrize("face", [225, 160])
def test_a_number_touching_its_plates_border_is_read(reader, face):
    # The digits' tops run into the border: digits and border are one blob, and on a face darker
    # than the wall the face is ink too. Both read "" before the frames' faces were proposed.
    img = Image.new("L", (1000, 700), 222)  # a pale wall ...
    draw = ImageDraw.Draw(img)
    draw.rectangle((380, 280, 640, 440), fill=face, outline=25, width=7)  # ... a plate with a dark border ...
    draw.text((405, 245), "43", font=font(170), fill=25)  # ... and its number, touching the border
    assert reader.read_array(noisy(img)).number == "43"
