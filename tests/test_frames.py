"""The digits inside a frame they touch (detector.segment.frames), on masks and plates drawn in the test."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from detector.segment.blobs import Blob, components, label
from detector.segment.frames import face_ink, framed, is_line, unframed
from detector.segment.ink import ink_components, ink_level, page_ink
from detector.segment.propose import propose


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
