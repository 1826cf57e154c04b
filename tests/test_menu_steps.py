"""The menu's steps (detector.app.menu_steps) on their own: the row number typed, the preview's crop."""

import numpy as np

from detector.app.menu_steps import parse_row
from detector.results import DigitResult, Reading


def test_parse_row_range():
    assert [parse_row(t, 3) for t in ("0", " 2 ", "3", "-1", "x", "1.5")] == [0, 2, None, None, None, None]


def test_preview_is_cropped_to_the_digits():
    from detector.app.menu_steps import crop_to_digits

    photo = np.zeros((1000, 2000), np.float32)
    reading = Reading("p.jpg", digits=(DigitResult(1, 0.9, (0.0,) * 10, (1000, 400, 40, 100)),))
    crop = crop_to_digits(photo, reading, scale=2.0)  # boxes are in source pixels, twice the array's
    assert crop.shape == (81, 51)  # the 20 x 50 digit with 30 % of its longer side (15 px) all round
    assert crop_to_digits(photo, Reading("p.jpg")) is photo
