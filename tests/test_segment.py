"""Segmentation on scenes drawn in the test: order, splitting, merging, rules, polarity, lines."""

from __future__ import annotations

import doctest
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

import detector.segment
from detector.preprocess import dark_on_light
from detector.segment import DigitCrop, SegmentParams, find_digits, find_digits_both_ways
from detector.segment.blobs import Blob, drop_faint, drop_holes
from detector.segment.ink import ink_level, ink_mask, otsu
from detector.segment.lines import drop_tall
from detector.segment.rules import long_runs


def page(width: int = 400, height: int = 200, paper: int = 235) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("L", (width, height), paper)
    return img, ImageDraw.Draw(img)


def gray(img: Image.Image, noise: float = 0.01, seed: int = 0) -> np.ndarray:
    arr = np.asarray(img, dtype=np.float32) / 255
    return np.clip(arr + np.random.default_rng(seed).normal(0, noise, arr.shape), 0, 1).astype(np.float32)


def one(draw: ImageDraw.ImageDraw, x: int, y: int, h: int, ink: int = 30, width: int = 5) -> None:
    draw.line([(x, y), (x, y + h)], fill=ink, width=width)


def zero(draw: ImageDraw.ImageDraw, x: int, y: int, h: int, ink: int = 30, width: int = 5) -> None:
    draw.ellipse([x, y, x + int(h * 0.6), y + h], outline=ink, width=width)


def five(draw: ImageDraw.ImageDraw, x: int, y: int, h: int, ink: int = 30, gap: int = 0) -> None:
    """A 5 whose top bar floats ``gap`` px above the rest, as pens often leave it."""
    w = int(h * 0.55)
    draw.line([(x + 2, y), (x + w, y)], fill=ink, width=5)
    draw.line([(x + 2, y + gap), (x, y + h // 2)], fill=ink, width=5)
    draw.arc([x - 4, y + h // 3, x + w, y + h], start=-120, end=150, fill=ink, width=5)


def centres(crops: list[DigitCrop]) -> list[float]:
    return [c.box[0] + c.box[2] / 2 for c in crops]


def test_two_digits_come_out_left_to_right():
    img, draw = page()
    zero(draw, 220, 50, 90)
    one(draw, 120, 50, 90)
    crops = find_digits(gray(img))
    assert len(crops) == 2
    assert centres(crops) == sorted(centres(crops))
    assert crops[0].box[2] < crops[1].box[2]  # the 1 (narrow) is first, the 0 second
    assert all(c.ink.dtype == np.float32 and c.ink.max() <= 1 for c in crops)


def touching_zeros() -> np.ndarray:
    """A page of two 0s that a pen ligature joins into one blob."""
    img, draw = page()
    zero(draw, 100, 50, 100)
    zero(draw, 172, 50, 100)
    draw.line([(156, 125), (176, 125)], fill=30, width=5)
    return gray(img)


def test_touching_digits_are_split():
    crops = find_digits(touching_zeros())
    assert len(crops) == 2
    assert crops[0].box[0] < crops[1].box[0]
    assert all(c.box[2] < 0.9 * c.box[3] for c in crops)


def test_proposals_say_which_candidates_were_cut_from_a_larger_blob():
    from detector.segment import propose_digits

    proposals = propose_digits(touching_zeros())
    assert len(proposals.sources) == len(proposals.blobs) == len(proposals.inputs)
    cut = [b for b, s in zip(proposals.blobs, proposals.sources, strict=True) if s == "split"]
    whole = [b for b, s in zip(proposals.blobs, proposals.sources, strict=True) if s == "blob"]
    assert cut and whole
    assert all(any(w.x0 <= c.x0 and c.x1 <= w.x1 and w.width > c.width for w in whole) for c in cut)


def test_broken_five_is_one_digit():
    img, draw = page()
    five(draw, 150, 40, 110, gap=12)
    crops = find_digits(gray(img))
    assert len(crops) == 1
    _x, y, _w, h = crops[0].box
    assert y <= 42 and h >= 100  # the floating bar is part of the digit


def test_blank_page_has_no_digits():
    img, _draw = page()
    grad = np.linspace(0.75, 0.95, 400, dtype=np.float32)[None, :] * np.ones((200, 1), dtype=np.float32)
    assert find_digits(gray(img)) == []
    assert find_digits(np.clip(grad + np.random.default_rng(1).normal(0, 0.01, grad.shape), 0, 1)) == []


def test_rules_of_lined_paper_are_dropped():
    img, draw = page(500, 300)
    for y in range(40, 300, 60):
        draw.line([(0, y), (500, y)], fill=150, width=2)
    one(draw, 150, 102, 56, ink=20)  # sits on the rule at y = 160
    zero(draw, 200, 102, 58, ink=20)
    crops = find_digits(gray(img))
    assert len(crops) == 2
    assert all(c.box[2] < 60 and c.box[3] < 70 for c in crops)


def test_light_digits_on_dark_sign():
    img, draw = page(300, 160, paper=40)
    draw.rectangle([5, 5, 294, 154], outline=120, width=4)  # the sign's border
    one(draw, 100, 35, 90, ink=230, width=8)
    zero(draw, 150, 35, 90, ink=230, width=8)
    crops = find_digits(gray(img))
    assert len(crops) == 2
    assert crops[0].box[0] < crops[1].box[0]
    assert all(c.box[3] < 110 for c in crops)  # the border is not a digit


def test_two_lines_read_top_to_bottom():
    img, draw = page(300, 300)
    one(draw, 100, 170, 80)
    zero(draw, 150, 170, 80)
    zero(draw, 100, 40, 80)
    one(draw, 190, 40, 80)
    crops = find_digits(gray(img))
    assert [c.line for c in crops] == [0, 0, 1, 1]
    assert crops[0].box[1] < crops[2].box[1]
    assert crops[0].box[2] > crops[1].box[2]  # line 0 reads "01": the 0 is the wider one


def test_large_photo_boxes_are_in_source_pixels():
    img, draw = page(400, 200)
    one(draw, 100, 50, 100)
    zero(draw, 200, 50, 100)
    big = gray(img.resize((4000, 2000), Image.BILINEAR))
    crops = find_digits(big)
    assert len(crops) == 2
    x, _y, _w, h = crops[1].box
    assert abs(x - 2000) < 60 and abs(h - 1000) < 80


def test_shadow_across_the_page_is_not_ink():
    img, draw = page(400, 200)
    one(draw, 150, 50, 100, ink=60)
    zero(draw, 200, 50, 100, ink=60)
    arr = gray(img)
    arr[:, 300:] *= 0.55  # a hand's shadow over the right part
    crops = find_digits(arr)
    assert len(crops) == 2


@pytest.mark.parametrize("dark", [True, False])
def test_polarity_follows_the_paper(dark: bool):
    img, draw = page(200, 100, paper=230 if dark else 30)
    zero(draw, 80, 20, 60, ink=30 if dark else 230)
    assert dark_on_light(gray(img), "page") is dark


def test_otsu_splits_two_levels():
    values = np.concatenate([np.full(900, 0.1), np.full(100, 0.8)])
    assert 0.1 <= otsu(values) < 0.8


def test_the_ink_level_can_be_measured_on_part_of_the_picture():
    ink = np.zeros((60, 100), np.float32)
    ink[:, :30] = 1.0  # a wedge of black table (the picture's first 30 columns)
    ink[20:40, 60:64] = 0.35  # a grey pencil stroke
    assert ink_level(ink) > 0.35  # over the whole picture the table sets the level above the pencil
    page = np.ones(ink.shape, bool)
    page[:, :30] = False
    assert ink_level(ink, page) <= 0.35
    assert ink_mask(ink, level=ink_level(ink, page))[20:40, 60:64].all() and not ink_mask(ink)[20:40, 60:64].any()
    assert ink_level(np.full((10, 10), 0.05, np.float32)) is None  # nothing stands out


def test_grey_pencil_beside_black_specks_of_dust_is_not_faint():
    ink = np.zeros((80, 120), np.float32)
    ink[10:70, 30:36] = 0.35  # a grey pencil 1
    ink[20:28, 80:88] = 0.9  # a black speck of dust, smaller than a digit
    ink[60:64, 100:104] = 0.9
    pencil = Blob(10, 30, 70, 36, np.ones((60, 6), bool))
    dust = [Blob(20, 80, 28, 88, np.ones((8, 8), bool)), Blob(60, 100, 64, 104, np.ones((4, 4), bool))]
    assert pencil in drop_faint([pencil, *dust], ink)
    shadow = Blob(10, 50, 70, 56, np.ones((60, 6), bool))
    ink[10:70, 50:56] = 0.1  # a shadow beside the pencil is still faint
    assert shadow not in drop_faint([pencil, shadow, *dust], ink)
    big = Blob(10, 80, 70, 88, np.ones((60, 8), bool))  # a black digit the size of the pencil's: that is faint
    ink[10:70, 80:88] = 0.9
    assert pencil not in drop_faint([pencil, big], ink)


def test_long_runs_finds_only_long_horizontal_runs():
    mask = np.zeros((5, 30), dtype=bool)
    mask[1, 2:25] = True
    mask[3, 2:8] = True
    runs = long_runs(mask, 10)
    assert runs[1, 2:25].all() and runs.sum() == 23


@pytest.mark.parametrize("seed", range(12))
def test_long_runs_is_an_opening_by_a_horizontal_line(seed):
    """The reference: a grey-free opening with a 1 x length line keeps exactly the runs that long."""
    rng = np.random.default_rng(seed)
    h, w = rng.integers(1, 60, 2)
    mask = rng.random((h, w)) < rng.uniform(0.3, 0.95)
    for length in (1, 2, 5, int(rng.integers(1, w + 3))):
        want = ndimage.binary_opening(mask, structure=np.ones((1, length), bool))
        assert np.array_equal(long_runs(mask, length), want), (seed, length)


def test_crop_holds_only_its_own_digit():
    img, draw = page()
    zero(draw, 100, 50, 100)
    alone = find_digits(gray(img))
    draw.line([(186, 50), (157, 150)], fill=30, width=5)  # a slanted 1 inside the 0's box columns
    crops = find_digits(gray(img))
    assert len(alone) == 1 and len(crops) == 2
    assert crops[0].box[0] + crops[0].box[2] > crops[1].box[0]  # the boxes overlap
    assert crops[0].ink.sum() == pytest.approx(alone[0].ink.sum(), rel=0.1)


def test_pencil_on_beige_paper_with_slight_rotation():
    img, draw = page(paper=0)
    img = Image.new("RGB", (400, 200), (225, 212, 185))
    draw = ImageDraw.Draw(img)
    for x in (100, 170, 240):
        draw.ellipse([x, 50, x + 50, 140], outline=(120, 120, 125), width=4)
    img = img.rotate(5, Image.BILINEAR, fillcolor=(225, 212, 185))
    crops = find_digits(gray(img.convert("L"), noise=0.02))
    assert len(crops) == 3
    assert centres(crops) == sorted(centres(crops)) and {c.line for c in crops} == {0}


def test_streak_cut_off_a_digit_is_not_a_digit():
    """A shadow streak running off a digit's foot is split away, then dropped, not read as a digit."""
    from PIL import ImageFont

    img, draw = page()
    draw.text((150, 30), "20", fill=30, font=ImageFont.load_default(size=120))
    x0, _y0, _x1, y1 = draw.textbbox((150, 30), "2", font=ImageFont.load_default(size=120))
    draw.line([(x0 - 70, y1 - 3), (x0 + 10, y1 - 3)], fill=30, width=5)  # a sign's edge at the 2's foot
    crops = find_digits(gray(img))
    assert len(crops) == 2, [c.box for c in crops]
    assert all(c.box[3] > 60 for c in crops)


def test_frame_around_the_number_is_not_a_digit():
    """A sign's border drawn in the digits' colour, well inside the picture, encloses them."""
    img, draw = page(420, 240, paper=90)  # a wall
    draw.rounded_rectangle([135, 62, 295, 178], radius=14, fill=40, outline=235, width=6)  # tight around them
    one(draw, 170, 75, 90, ink=235, width=9)
    zero(draw, 210, 75, 90, ink=235, width=9)
    crops = find_digits(gray(img), dark_ink=False)
    assert [c.box[3] < 110 for c in crops] == [True, True]


def test_frame_sides_taller_than_the_digits_are_dropped():
    def bar(x: int, h: int) -> Blob:
        return Blob(0, x, h, x + 8, np.ones((h, 8), dtype=bool))

    def xs(lines: list[list[Blob]]) -> list[list[int]]:
        return [[b.x0 for b in line] for line in lines]

    assert xs(drop_tall([[bar(0, 90), bar(20, 50), bar(40, 52), bar(60, 49), bar(80, 95)]])) == [[20, 40, 60]]
    assert xs(drop_tall([[bar(0, 90), bar(20, 50)]])) == [[0, 20]]  # too few to judge


def test_counters_inside_a_solid_shape_are_holes():
    """Read in the wrong polarity, a sign's body is solid ink and the loops of an 8 are blobs in it."""
    body = np.ones((90, 300), dtype=bool)
    body[20:40, 100:120] = body[50:70, 100:120] = False
    host = Blob(0, 0, 90, 300, body)
    loops = [Blob(20, 100, 40, 120, np.ones((20, 20), bool)), Blob(50, 100, 70, 120, np.ones((20, 20), bool))]
    digit = Blob(0, 400, 90, 460, np.eye(90, 60, dtype=bool) | np.eye(90, 60, k=5, dtype=bool))
    assert [b.x0 for b in drop_holes([host, *loops, digit])] == [0, 400]


def test_either_polarity_can_be_asked_for():
    img, draw = page(300, 160, paper=230)
    one(draw, 120, 35, 90)
    zero(draw, 160, 35, 90)
    dark = find_digits(gray(img), dark_ink=True)
    assert len(dark) == 2  # dark ink on light paper, as asked
    light = find_digits(gray(img), dark_ink=False)
    assert [c.box for c in light] != [c.box for c in dark]  # light ink: the paper is the 'ink'


@pytest.mark.parametrize("module", ["params", "ink", "rules", "blobs", "lines", "strokes"])
def test_docstring_examples_hold(module):
    assert doctest.testmod(getattr(detector.segment, module)).failed == 0


def test_segment_params_are_passed_down_to_every_step():
    img, draw = page(420, 240, paper=90)
    draw.rounded_rectangle([135, 62, 295, 178], radius=14, fill=40, outline=235, width=6)
    one(draw, 170, 75, 90, ink=235, width=9)
    zero(draw, 210, 75, 90, ink=235, width=9)
    picture = gray(img)
    tuned = find_digits(picture, dark_ink=False)
    same = find_digits(picture, dark_ink=False, params=SegmentParams())
    assert [c.box for c in same] == [c.box for c in tuned] and len(tuned) == 2
    assert all(np.array_equal(a.ink, b.ink) for a, b in zip(same, tuned, strict=True))
    assert find_digits(picture, dark_ink=False, params=replace(SegmentParams(), min_side=500)) == []
    framed = find_digits(picture, dark_ink=False, params=replace(SegmentParams(), frame_fill=0.0))
    assert any(c.box[3] > 110 for c in framed)  # frames no longer dropped: the sign's border is read
    both = list(find_digits_both_ways(picture, params=replace(SegmentParams(), min_page_contrast=0.99)))
    assert both == [[], []]  # nothing stands out that much from its paper


def test_components_and_rules_take_one_labelling_of_the_mask():
    from detector.segment.blobs import components, label
    from detector.segment.rules import remove_rules

    mask = np.zeros((60, 200), bool)
    mask[10:50, 20:26] = True  # a 1 ...
    mask[30:33, 0:200] = True  # ... crossed by a ruled line
    mask[10:50, 120:150] = True
    labelled = label(mask)
    assert [(b.y0, b.x0, b.y1, b.x1) for b in components(mask, labelled=labelled)] == [
        (b.y0, b.x0, b.y1, b.x1) for b in components(mask)
    ]
    assert np.array_equal(remove_rules(mask, labelled=labelled), remove_rules(mask))


def test_the_hysteresis_labels_the_mask_as_labelling_it_again_would():
    from detector.segment.blobs import label
    from detector.segment.ink import ink_components

    ink = np.zeros((40, 60), np.float32)
    ink[5:15, 5:10] = 0.9  # strong ink ...
    ink[15:30, 5:8] = 0.4  # ... with weak ink hanging from it
    ink[20:35, 30:40] = 0.4  # weak ink alone: not in the mask
    ink[2:8, 45:58] = 0.8  # strong ink, numbered after the weak patch that starts below it
    mask, labelled = ink_components(ink, level=0.6)  # weak ink: above 0.3
    again = label(mask)
    assert np.array_equal(mask, ink_mask(ink, level=0.6)) and mask[25, 6] and not mask[25, 35]
    assert np.array_equal(labelled.labels, again.labels) and labelled.objects == again.objects
    empty, none = ink_components(np.zeros((10, 10), np.float32))
    assert not empty.any() and none.objects == [] and not none.labels.any()


def test_growing_a_mask_by_one_pixel_is_a_binary_dilation():
    from detector.segment import grow_one

    rng = np.random.default_rng(3)
    for shape in [(1, 1), (1, 7), (5, 1), (40, 90)]:
        mask = rng.random(shape) > 0.8
        before = mask.copy()
        assert np.array_equal(grow_one(mask), ndimage.binary_dilation(mask))
        assert np.array_equal(mask, before)  # the blob's own mask is left as it was


def test_max_pooling_keeps_each_blocks_brightest_pixel():
    from detector.segment.strokes import max_pool

    rng = np.random.default_rng(4)
    ink = (rng.random((274, 705)) > 0.9).astype(np.float32)
    pooled = max_pool(ink, 40)  # blocks of 17 x 17 (705 // 40), the last row and column of blocks padded
    padded = np.zeros((289, 714), np.float32)
    padded[:274, :705] = ink
    assert np.array_equal(pooled, padded.reshape(17, 17, 42, 17).max(axis=(1, 3)))
    small = ink[:30, :30]
    assert max_pool(small, 40) is small  # no longer than 40 px: as it is
