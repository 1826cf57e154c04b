"""Surfaces for the generators: grain, light, specks, walls, frames and a photo turned on a table."""

from __future__ import annotations

import numpy as np

from training.synthetic.surfaces import grain, paint_rect, paper, specks, turn_onto_table, vignette, wall


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_grain_has_the_strength_asked_for_and_the_shape():
    g = grain(rng(), 90, 130, 5.0)
    assert g.shape == (90, 130) and abs(float(g.std()) - 5.0) < 0.5


def test_vignette_darkens_away_from_the_light():
    v = vignette(rng(), 100, 100)
    assert v.max() <= 1.0 and v.min() < v.max() - 0.02


def test_specks_are_darker_marks_and_leave_the_input_alone():
    base = np.full((80, 80), 200, np.float32)
    out = specks(rng(), base, 10, 2.0, 20.0)
    assert out.min() < 150 and base.min() == 200


def test_paper_and_wall_are_images_in_grey_levels():
    for img in (paper(rng(), 60, 80), wall(rng(1), 60, 80)):
        assert img.shape == (60, 80) and img.dtype == np.float32 and 0 <= float(np.median(img)) <= 255


def test_paint_rect_outline_and_fill():
    img = np.zeros((20, 20), np.float32)
    paint_rect(img, (2, 2, 18, 18), 1.0, width=2)
    assert img[2, 10] == 1 and img[10, 10] == 0
    paint_rect(img, (5, 5, 10, 10), 2.0)
    assert img[7, 7] == 2


def test_a_turned_sheet_keeps_its_size_and_shows_the_table():
    sheet = np.full((100, 150), 220, np.float32)
    photo = turn_onto_table(rng(), sheet, 6.0)
    assert photo.shape == sheet.shape and abs(float(photo[0, 0]) - 220) > 30
