"""MNIST-style preprocessing on digits drawn in the test."""

import doctest
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

import detector.preprocess
from detector.config import ModelConfig
from detector.preprocess import dark_on_light, digit_ink, fit_to_canvas, ink_box, prepare_digit, resize, ring, to_gray
from detector.preprocess_batch import prepare_batch


def draw_seven(size: int = 100, width: int = 8, offset=(0, 0), dark_on_light: bool = True) -> np.ndarray:
    """A '7' drawn with two strokes, as uint8 grayscale."""
    bg, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (size, size), bg)
    d = ImageDraw.Draw(img)
    s = size / 100
    ox, oy = offset
    d.line([(30 * s + ox, 25 * s + oy), (70 * s + ox, 25 * s + oy), (45 * s + ox, 80 * s + oy)], fill=ink, width=width)
    return np.asarray(img)


def centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    ys, xs = np.indices(img.shape)
    return float((ys * img).sum() / img.sum()), float((xs * img).sum() / img.sum())


def test_polarity_is_detected_both_ways():
    assert dark_on_light(to_gray(draw_seven(dark_on_light=True))) is True
    assert dark_on_light(to_gray(draw_seven(dark_on_light=False))) is False


def test_inverted_image_gives_the_same_input():
    a, _ = prepare_digit(draw_seven(dark_on_light=True))
    b, _ = prepare_digit(draw_seven(dark_on_light=False))
    assert np.allclose(a, b, atol=1e-5)


def test_output_is_mnist_shaped_bright_on_dark_and_centred():
    out, box = prepare_digit(draw_seven(offset=(-20, 12)))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.max() == pytest.approx(1.0, abs=0.05) and out.min() == 0.0
    assert out[0].max() == 0 and out[:, 0].max() == 0  # background stays black
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1
    _, _y, _, h = ink_box(out)
    assert 19 <= h <= 21  # longer side scaled to 20 px
    assert box[0] < 30  # the box is in the source image's pixels (digit was moved left)


def test_off_centre_digit_gives_same_input_as_centred():
    a, _ = prepare_digit(draw_seven())
    b, _ = prepare_digit(draw_seven(offset=(-25, 15)))
    assert np.abs(a - b).mean() < 0.02


@pytest.mark.parametrize("size", [8, 16, 28, 32, 500])
def test_tiny_and_large_images(size):
    out, _ = prepare_digit(draw_seven(size=size, width=max(1, size // 12)))
    assert out.shape == (28, 28)
    assert 18 <= ink_box(out)[3] <= 21


def test_thick_strokes_keep_shape():
    out, _ = prepare_digit(draw_seven(width=25))
    assert out.sum() > prepare_digit(draw_seven(width=4))[0].sum()
    assert ink_box(out)[3] in (19, 20, 21)


def test_blank_images_give_none():
    assert prepare_digit(np.full((28, 28), 255, np.uint8)) is None
    assert prepare_digit(np.zeros((40, 40), np.float32)) is None
    noise = 0.5 + np.random.default_rng(0).normal(0, 0.01, (50, 50))
    assert prepare_digit(noise) is None


def test_input_is_not_modified():
    img = draw_seven()
    before = img.copy()
    prepare_digit(img)
    assert np.array_equal(img, before)


def test_rgb_and_grey_paper():
    grey = draw_seven().astype(np.float32) / 255 * 0.5 + 0.35  # ink 0.35 on paper 0.85
    rgb = np.stack([draw_seven()] * 3, axis=-1)
    a, _ = prepare_digit(grey)
    b, _ = prepare_digit(rgb)
    c, _ = prepare_digit(draw_seven())
    assert np.abs(a - c).mean() < 0.02 and np.abs(b - c).mean() < 0.02


def test_digit_ink_background_exactly_zero():
    ink = digit_ink(to_gray(draw_seven()))
    assert ink[0, 0] == 0 and ink.max() == pytest.approx(1.0)


def test_prepare_batch_matches_single_and_flags_blank():
    images = np.stack([draw_seven(size=28, width=3), np.zeros((28, 28), np.uint8)])
    out, found = prepare_batch(images)
    assert found.tolist() == [True, False]
    assert np.allclose(out[0], prepare_digit(images[0])[0])
    assert out[1].max() == 0


@pytest.mark.parametrize(
    ("dtype", "top"), [(np.uint8, 255), (np.uint16, 65535), (np.float32, 255.0), (np.float64, 1.0), (np.int32, 255)]
)
def test_colour_images_of_any_range_keep_their_contrast(dtype, top):
    rgb = np.zeros((10, 10, 3), dtype)
    rgb[2:8, 4:6] = top
    gray = to_gray(rgb)
    assert gray[5, 5] == pytest.approx(1.0, abs=1e-3) and gray[0, 0] == 0.0


def test_a_grey_float_picture_in_range_is_read_as_it_is_and_one_out_of_range_is_cleaned():
    page = to_gray(draw_seven())  # float32 in 0..1: returned as it is (a photo is not copied again)
    assert to_gray(page) is page
    dirty = page.copy()
    dirty[0, :4] = [np.nan, np.inf, -np.inf, -0.5]
    cleaned = to_gray(dirty)
    assert cleaned[0, :4].tolist() == [0.0, 1.0, 0.0, 0.0] and np.array_equal(cleaned[1:], page[1:])
    assert to_gray(page * 255).max() == pytest.approx(1.0)  # 0..255 floats scaled to 0..1


def test_docstring_examples_hold():
    assert doctest.testmod(detector.preprocess).failed == 0


@pytest.mark.parametrize(("shape", "width"), [((5, 7), 1), ((9, 12), 2), ((6, 6), 3), ((2, 9), 1), ((1, 1), 1)])
def test_ring_holds_each_edge_pixel_once(shape, width):
    image = np.arange(np.prod(shape)).reshape(shape)
    inside = np.zeros(shape, bool)
    inside[width:-width, width:-width] = True
    assert sorted(ring(image, width).tolist()) == image[~inside].tolist()  # every value is distinct
    stack = np.stack([image, image + 100])
    assert np.array_equal(ring(stack, width), np.stack([ring(image, width), ring(image, width) + 100]))


def test_polarity_of_a_stack_is_that_of_each_picture():
    pictures = np.stack([to_gray(draw_seven(size=40, dark_on_light=d)) for d in (True, False, True)])
    assert dark_on_light(pictures).tolist() == [True, False, True]
    assert [dark_on_light(p) for p in pictures] == [True, False, True]


def test_page_polarity_is_not_fooled_by_large_bold_digits():
    """A big dark digit filling a light crop leaves a border of paper: both strategies see dark ink."""
    page = to_gray(draw_seven(size=200, width=40))
    assert dark_on_light(page, "page") is True and dark_on_light(page) is True
    assert dark_on_light(1 - page, "page") is False
    with pytest.raises(ValueError, match="strategy"):
        dark_on_light(page, "middle")


@pytest.mark.parametrize("resample", ["bilinear", "box", "nearest"])
def test_resize_is_pillows_float_resize(resample):
    image = np.random.default_rng(3).random((30, 50)).astype(np.float32)
    want = Image.fromarray(image, mode="F").resize((20, 12), Image.Resampling[resample.upper()])
    got = resize(image, (12, 20), resample)
    assert got.dtype == np.float32 and np.array_equal(got, np.asarray(want))
    assert np.array_equal(resize(image, (30, 50)), image)  # same shape: unchanged


def test_preprocessing_follows_the_model_config():
    image = draw_seven(size=60)
    default, box = prepare_digit(image)
    assert np.array_equal(default, prepare_digit(image, ModelConfig())[0])
    small, small_box = prepare_digit(image, replace(ModelConfig(), digit_box=10, input_size=16))
    assert small.shape == (16, 16) and small_box == box
    assert ink_box(small)[3] == 10  # the longer side is the config's digit box
    assert fit_to_canvas(np.ones((5, 3), np.float32), replace(ModelConfig(), input_size=32)).shape == (32, 32)
    batch, found = prepare_batch(np.stack([image, image]), replace(ModelConfig(), digit_box=10, input_size=16))
    assert found.all() and np.allclose(batch[0], small, atol=1e-6)


def test_contrast_floor_and_ink_margin_come_from_the_config():
    faint = np.full((28, 28), 0.5, np.float32)
    faint[8:20, 12:16] = 0.44  # ink 0.06 darker than the paper
    assert prepare_digit(faint) is None  # below the default floor of 0.08
    assert prepare_digit(faint, replace(ModelConfig(), min_digit_contrast=0.05)) is not None
    textured = to_gray(draw_seven())  # ink 0, paper 1
    textured[2, 2] = 0.95  # paper texture: 5 % of the paper-to-ink range
    assert digit_ink(textured)[2, 2] == 0  # dropped by the default 15 % margin
    assert digit_ink(textured, replace(ModelConfig(), ink_margin=0.0))[2, 2] == pytest.approx(0.05)


def _mnist_like(shift: int = 0) -> np.ndarray:
    """A bright ring 20 px tall on black, centred in 28 x 28 (shifted right by ``shift``), soft-edged as MNIST."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (28, 28), 0)
    ImageDraw.Draw(img).ellipse((8 + shift, 4, 19 + shift, 23), outline=255, width=3)
    return np.asarray(img, np.float32) / 255


def test_an_input_already_in_mnist_format_goes_in_as_it_is():
    from detector.preprocess import is_mnist_format

    digit = _mnist_like()
    assert is_mnist_format(digit)
    prepared, _box = prepare_digit(digit)
    assert np.array_equal(prepared, digit)
    inverted, _box = prepare_digit(1.0 - digit)  # black on white: the same input
    assert np.allclose(inverted, digit, atol=1e-6)


def test_an_off_centre_or_grey_backed_digit_is_prepared_as_usual():
    from detector.preprocess import is_mnist_format

    off = _mnist_like(shift=5)
    grey = np.clip(_mnist_like() + 0.2, 0, 1)
    assert not is_mnist_format(off) and not is_mnist_format(grey)
    assert is_mnist_format(np.stack([_mnist_like(), off])).tolist() == [True, False]
    prepared, _box = prepare_digit(off)
    assert not np.array_equal(prepared, off)
    assert abs(float((prepared.sum(axis=0) * np.arange(28)).sum() / prepared.sum()) - 14) <= 1  # re-centred
