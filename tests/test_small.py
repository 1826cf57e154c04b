"""Small house-number crops (training.synthetic.small): soft, deterministic, a box per digit inside the picture."""

from __future__ import annotations

import numpy as np

from training.synthetic.small import LARGEST, LEAST_SIDE, make_small


def test_small_crops_are_deterministic_and_small():
    crops = [make_small(i, seed=2) for i in range(10)]
    assert all(c.number.isdigit() and len(c.boxes) == len(c.number) for c in crops)
    assert all(c.image.dtype == np.uint8 and c.image.ndim == 3 for c in crops)
    assert all(max(c.image.shape[:2]) >= LEAST_SIDE for c in crops)
    assert np.array_equal(make_small(4, seed=2).image, crops[4].image)
    assert not np.array_equal(make_small(4, seed=3).image, crops[4].image)


def test_the_digits_are_a_few_dozen_pixels_tall_and_inside_the_picture():
    for i in range(10):
        crop = make_small(i, seed=5)
        h, w = crop.image.shape[:2]
        tall = max(b[3] for b in crop.boxes) - min(b[1] for b in crop.boxes)
        assert tall <= 3 * LARGEST + 2  # a crop enlarged again grows up to 3 times
        assert all(0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h for x0, y0, x1, y1 in crop.boxes)


def test_no_digit_is_cut_by_the_crop():
    for i in range(60):  # a sign whose big font runs the number off it is drawn again (57 did)
        crop = make_small(i, seed=6)
        assert crop.boxes[0][0] > 0 and crop.boxes[-1][2] < crop.image.shape[1], i


def test_the_digits_stand_out_inside_their_boxes():
    crop = make_small(1, seed=0)
    gray = crop.image.astype(np.float32).mean(axis=2)
    x0, y0, x1, y1 = crop.boxes[0]
    assert float(gray[y0:y1, x0:x1].std()) > 10
