"""Phone-photo generators (training.synthetic.photos): one digit filling the frame, a sheet turned on a table."""

from __future__ import annotations

import numpy as np
import pytest

from training.synthetic.photos import make_filled, make_turned


@pytest.fixture(scope="module")
def digits():
    """Ten fake MNIST digits (a bright square ring), labels 0-9: the generators only paste them."""
    d = np.zeros((10, 28, 28), np.uint8)
    d[:, 6:22, 6:22] = 255
    d[:, 10:18, 10:18] = 0
    return d, np.arange(10)


@pytest.mark.parametrize("make", [make_filled, make_turned])
def test_same_index_and_seed_same_picture(digits, make):
    a, b, c = make(*digits, 3), make(*digits, 3), make(*digits, 3, seed=1)
    assert np.array_equal(a.image, b.image) and a.number == b.number
    assert a.image.dtype == np.uint8 and a.image.ndim == 3 and a.image.shape[2] == 3
    assert not np.array_equal(a.image[:40, :40], c.image[:40, :40])


def test_a_filled_digit_covers_most_of_the_photo(digits):
    for i in range(4):
        scene = make_filled(*digits, i)
        gray = scene.image.mean(axis=2)
        dark = gray < (np.median(gray) + np.percentile(gray, 1)) / 2
        rows = np.flatnonzero(dark.any(axis=1))
        assert len(scene.number) == 1 and scene.number.isdigit()
        assert rows[-1] - rows[0] > 0.4 * gray.shape[0] and max(gray.shape) <= 1200


def test_a_turned_photo_shows_the_table_in_its_corners(digits):
    scene = make_turned(*digits, 0)
    gray = scene.image.mean(axis=2)
    centre = np.median(gray[gray.shape[0] // 3 : -gray.shape[0] // 3, gray.shape[1] // 3 : -gray.shape[1] // 3])
    corners = [gray[:4, :4], gray[:4, -4:], gray[-4:, :4], gray[-4:, -4:]]
    assert max(abs(float(np.median(c)) - centre) for c in corners) > 30
    assert 1 <= len(scene.number) <= 5 and scene.number.isdigit()
