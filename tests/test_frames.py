"""The digits inside a frame they touch (detector.segment.frames), on masks and plates drawn in the test."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from detector.segment.blobs import Blob, components, label
from detector.segment.frames import crossed_once, face_ink, framed, is_line, ring_ink, unframed
from detector.segment.ink import ink_components, ink_level, page_ink
from detector.segment.params import DEFAULT
from detector.segment.propose import propose
from training.synthetic.fonts import font_paths


def frame_with_bar(height: int = 60, width: int = 50, side: int = 4) -> np.ndarray:
    """A square frame, ``side`` px thick, with a bar (a 1) standing on its bottom side."""
    m = np.zeros((height, width), bool)
    m[:side] = m[-side:] = True
    m[:, :side] = m[:, -side:] = True
    m[12 : height - side, 22:28] = True
    return m


def test_a_bar_touching_a_frame_comes_apart_from_it():
    inside = face_ink(frame_with_bar())
    assert inside is not None
    rows, cols = inside.any(axis=1).nonzero()[0], inside.any(axis=0).nonzero()[0]
    assert cols.tolist() == list(range(22, 28))  # the bar, none of the frame's sides
    assert rows.min() == 12 and rows.max() < 56  # its foot cut just above the frame's bottom


def test_a_digits_own_loop_frames_nothing():
    img = Image.new("1", (60, 90), 0)
    ImageDraw.Draw(img).ellipse((5, 5, 55, 85), outline=1, width=7)  # a 0
    assert face_ink(np.asarray(img, bool)) is None
    eight = Image.new("1", (60, 100), 0)
    ImageDraw.Draw(eight).ellipse((8, 2, 52, 48), outline=1, width=7)
    ImageDraw.Draw(eight).ellipse((5, 44, 55, 98), outline=1, width=7)
    assert face_ink(np.asarray(eight, bool)) is None


def test_a_small_hole_frames_nothing():
    m = np.zeros((30, 30), bool)
    m[10:20, 10:20] = True
    m[13:17, 13:17] = False  # the hole is smaller than a digit can be
    assert face_ink(m) is None


def plate(face: int, wall: int = 225, border: int = 25) -> np.ndarray:
    """A plate with a dark border on a wall, its face ``face`` grey, two dark bars (1s) touching the border.

    The plate is small beside the picture, as on a house: the lighting correction takes it for
    writing on the wall, so a face darker than the wall is ink.
    """
    img = Image.new("L", (1000, 700), wall)
    d = ImageDraw.Draw(img)
    d.rectangle((400, 300, 600, 420), fill=face, outline=border, width=6)
    for x in (450, 530):  # bars from the border's top side down most of the face
        d.rectangle((x, 304, x + 12, 400), fill=border)
    return np.asarray(img, np.float32) / 255


def dark_mask(work: np.ndarray):
    ink = page_ink(work, True)
    level = ink_level(ink)
    mask, labelled = ink_components(ink, level=level)
    return ink, level, mask, labelled


def test_bars_touching_a_border_are_taken_from_its_ink():
    ink, level, mask, labelled = dark_mask(plate(face=225))  # face as pale as the wall
    (whole,) = [b for b in components(mask, labelled=labelled) if b.width > 150]  # border and bars: one blob
    by_ink, _ = framed(whole, ink, level)
    pieces = components(by_ink)
    assert len(pieces) == 2 and all(p.height > 80 and p.width < 20 for p in pieces)


def test_a_face_darker_than_the_wall_gives_its_digits_from_the_strong_ink():
    ink, level, mask, labelled = dark_mask(plate(face=150))  # the face is ink too: one solid blob
    (whole,) = [b for b in components(mask, labelled=labelled) if b.width > 150]
    by_ink, by_strong = framed(whole, ink, level)
    assert by_ink is None  # no hole: the face is ink
    pieces = components(by_strong)
    assert len(pieces) == 2 and all(p.height > 80 and p.width < 20 for p in pieces)


def test_unframed_leaves_the_rest_of_the_mask_as_it_was():
    ink, level, mask, labelled = dark_mask(plate(face=225))
    mask[10:40, 20:30] = True  # a stroke elsewhere
    labelled = label(mask)
    variants = unframed(mask, ink, labelled, level)
    assert variants and all(np.array_equal(v, variants[0]) for v in variants)  # its ink and strong ink: the same
    variant = variants[0]
    assert variant[10:40, 20:30].all()
    assert not variant[300:306, 400:600].any()  # the border's top side is gone
    assert unframed(np.zeros_like(mask), ink, label(np.zeros_like(mask)), level) == []


def test_the_digits_a_plate_frames_are_proposed_apart_from_its_border():
    work = plate(face=150)
    found = [(c.blob.x0, c.blob.x1) for c in propose(work) if c.dark_ink and c.blob.height > 80]
    assert any(448 <= x0 <= 452 and x1 - x0 < 20 for x0, x1 in found)
    assert any(528 <= x0 <= 532 and x1 - x0 < 20 for x0, x1 in found)


def test_a_blob_too_small_to_frame_a_digit_is_not_looked_into():
    assert framed(Blob(0, 0, 20, 20, np.ones((20, 20), bool)), np.ones((20, 20), np.float32), 0.5) == (None, None)


def test_the_sides_of_an_inner_border_are_lines_not_digits():
    m = np.zeros((80, 100), bool)
    m[:4] = m[-4:] = True
    m[:, :4] = m[:, -4:] = True  # the outer border ...
    img = Image.new("1", (100, 80), 0)  # ... and the sides of a thin inner one, turned, its top and bottom lost
    ImageDraw.Draw(img).line((12, 10, 20, 70), fill=1, width=2)
    ImageDraw.Draw(img).line((80, 10, 88, 70), fill=1, width=2)
    m |= np.asarray(img, bool)
    m[15:65, 40:48] = True  # a 1
    inside = face_ink(m)
    assert inside is not None and inside.any(axis=0).nonzero()[0].tolist() == list(range(40, 48))
    assert is_line(Blob(0, 0, 60, 2, np.ones((60, 2), bool)))
    assert not is_line(Blob(0, 0, 50, 8, np.ones((50, 8), bool)))  # a 1's stem, a sixth of its height


def test_digits_as_tall_as_the_face_come_apart_from_its_ring():
    m = np.zeros((70, 120), bool)
    m[:4] = m[-4:] = True
    m[:, :4] = m[:, -4:] = True
    m[:, 30:42] = True  # a 1, bold, from the border's top side to its bottom side
    img = Image.new("1", (120, 70), 0)
    ImageDraw.Draw(img).ellipse((60, 0, 105, 69), outline=1, width=11)  # a 0, as tall as the face
    m |= np.asarray(img, bool)
    assert face_ink(m) is None  # the digits cut the face into pieces: none holds a digit whole
    inside = ring_ink(m)
    assert inside is not None
    assert not inside[:4].any() and not inside[-4:].any() and not inside[:, :4].any() and not inside[:, -4:].any()
    pieces = components(inside)
    assert len(pieces) == 2 and all(p.height > 50 for p in pieces)
    assert pieces[0].x0 >= 30 and pieces[0].x1 <= 42 and pieces[1].x0 >= 60


def test_a_digits_own_loops_and_a_hole_too_small_are_no_ring():
    eight = Image.new("1", (60, 100), 0)
    ImageDraw.Draw(eight).ellipse((8, 2, 52, 48), outline=1, width=7)
    ImageDraw.Draw(eight).ellipse((5, 44, 55, 98), outline=1, width=7)
    assert ring_ink(np.asarray(eight, bool)) is None  # its loops frame nothing but its own stroke
    m = np.zeros((40, 40), bool)
    m[5:35, 5:35] = True
    m[15:25, 15:25] = False
    assert ring_ink(m) is None


def test_the_paper_round_a_numbers_strokes_is_no_ring():
    img = Image.new("L", (760, 300), 0)
    ImageDraw.Draw(img).text((40, 20), "2719", font=ImageFont.truetype(str(font_paths()[0]), 200), fill=255)
    strokes = np.asarray(img) > 127
    # the paper just round them, lifted by the lighting correction: light ink with the strokes as holes
    paper = (ndimage.distance_transform_edt(~strokes) <= 20) & ~strokes
    ys, xs = np.nonzero(paper)
    region = paper[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    assert ring_ink(region) is None
    # ... which holds pieces like digits between the strokes: only its shape, dipping between them, tells
    assert ring_ink(region, params=replace(DEFAULT, ring_convex=0)) is not None


def test_a_rows_crossing_counts_the_gaps_between_its_parts():
    assert crossed_once(np.ones((3, 4), bool)) == 1.0
    assert crossed_once(np.array([[1, 0, 0, 1]], bool)) == 0.5
    assert crossed_once(np.zeros((3, 4), bool)) == 0.0


def ring_with_bars(side: int = 4, left: int | None = None) -> np.ndarray:
    """A frame ``side`` px thick (its left side ``left``) with two bars joining it above and below."""
    m = np.zeros((60, 90), bool)
    m[:side] = m[-side:] = True
    m[:, : left or side] = m[:, -side:] = True
    m[:, 30:40] = m[:, 60:70] = True
    return m


def test_a_side_of_the_ring_thicker_than_the_rest_is_no_digit():
    inside = ring_ink(ring_with_bars(left=10))  # the left side deeper than the ring's thickness
    assert inside is not None
    assert [(p.x0, p.x1) for p in components(inside)] == [(30, 40), (60, 70)]


def test_a_ring_too_thick_for_a_plates_border_is_none():
    assert ring_ink(ring_with_bars()) is not None
    assert ring_ink(ring_with_bars(side=8)) is None  # over a tenth of the region's height: paper round strokes


def tight_plate(number: str, face: int = 50, light: int = 235, wall: int = 215) -> np.ndarray:
    """A light plate with a dark line and a light line round a dark face, its light digits touching the light line."""
    img = Image.new("L", (900, 560), wall)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(next(f for f in font_paths() if f.name == "DejaVuSans-Bold.ttf")), 150)
    x0, y0, x1, y1 = d.textbbox((0, 0), number, font=font)
    w, h = x1 - x0, y1 - y0
    left, top = (900 - w) // 2, (560 - h) // 2
    d.rectangle((left - 60, top - 36, left + w + 60, top + h + 36), fill=light)
    d.rectangle((left - 44, top - 20, left + w + 44, top + h + 20), outline=face, width=8)
    d.rectangle((left - 26, top + 2, left + w + 26, top + h - 2), fill=face)  # 2 px less tall than the digits
    d.text((left - x0, top - y0), number, font=font, fill=light)
    return np.asarray(img.rotate(3, resample=Image.BILINEAR, fillcolor=wall))


@pytest.mark.parametrize("number", ["961", "64", "8"])
def test_bold_digits_touching_a_plates_inner_line_are_read(shipped_predictor, number):
    assert shipped_predictor.read_array(tight_plate(number), "plate").number == number
