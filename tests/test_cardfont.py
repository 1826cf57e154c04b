"""Square card digits drawn as strokes (training.synthetic.cardfont)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from training.synthetic.cardfont import card_digit, strokes

HOLES = {0: {1}, 1: {0}, 2: {0}, 3: {0}, 4: {0, 1}, 5: {0}, 6: {1}, 7: {0}, 8: {2}, 9: {1}}  # 4: closed or open


def holes(mask: np.ndarray) -> int:
    """Paper regions enclosed by ink, bar pinholes the pen leaves at sharp joins (under 1 % of the box)."""
    paper, _count = ndimage.label(np.pad(mask == 0, 1, constant_values=True))
    sizes = np.bincount(paper.ravel())[2:]  # 0: ink, 1: the paper around the glyph
    return int((sizes >= 0.01 * mask.size).sum())


@pytest.mark.parametrize("digit", range(10))
def test_each_digit_is_one_tall_glyph_with_its_holes(digit):
    for seed in range(6):
        mask = card_digit(digit, 60, np.random.default_rng(seed))
        h, w = mask.shape
        assert mask.dtype == np.uint8 and mask.max() == 255
        assert 60 <= h <= 72 and 0.25 * h <= w <= 0.95 * h  # a 1 is narrow, the rest half as wide or more
        assert holes(mask > 0) in HOLES[digit], (digit, seed)


def test_the_same_generator_state_draws_the_same_glyph():
    a = card_digit(7, 40, np.random.default_rng(3))
    b = card_digit(7, 40, np.random.default_rng(3))
    assert np.array_equal(a, b)


def test_faces_differ_where_card_faces_do():
    assert strokes(4, 0.1, 0) != strokes(4, 0.1, 1)  # closed and open 4
    assert strokes(0, 0.1, 0) == strokes(0, 0.1, 1)  # one 0
