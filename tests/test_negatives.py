"""Not-a-digit training crops (training.synthetic.negatives): prepared like inference input, no plain bars."""

from __future__ import annotations

import numpy as np

from training.synthetic.negatives import is_plain_bar, make_negatives, proposed_junk, rendered_junk


def fake_digits() -> np.ndarray:
    d = np.zeros((10, 28, 28), np.uint8)
    d[:, 5:23, 8:20] = 255
    d[:, 9:19, 12:16] = 0
    return d


def test_negatives_are_inputs_like_the_network_sees_and_deterministic():
    a = make_negatives(12, seed=3, digits=fake_digits())
    b = make_negatives(12, seed=3, digits=fake_digits())
    assert a.shape == (12, 28, 28) and a.dtype == np.float32
    assert np.array_equal(a, b) and a.min() >= 0 and a.max() <= 1
    assert all(x.max() > 0.5 for x in a)  # none blank


def test_proposed_junk_comes_from_digit_free_pictures():
    crops = proposed_junk(0, seed=3)
    assert 0 < len(crops) <= 6 and all(c.shape == (28, 28) for c in crops)


def test_drawn_junk_is_never_as_narrow_as_a_one():
    rng = np.random.default_rng(0)
    for _ in range(40):
        crop = rendered_junk(rng, fake_digits())
        if crop is not None:
            cols = np.flatnonzero((crop > 0.05).any(axis=0))
            rows = np.flatnonzero((crop > 0.05).any(axis=1))
            assert rows[-1] - rows[0] + 1 <= 2.5 * (cols[-1] - cols[0] + 1) + 2


def test_a_solid_tall_bar_is_a_plain_bar_and_a_ring_is_not():
    assert is_plain_bar(np.ones((40, 6), bool))
    ring = np.ones((40, 30), bool)
    ring[5:35, 5:25] = False
    assert not is_plain_bar(ring)
