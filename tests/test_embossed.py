"""Embossed metallic digits (training.synthetic.embossed): small, deterministic, 1-4 digits."""

from __future__ import annotations

import numpy as np

from training.synthetic.embossed import make_embossed


def test_embossed_cards_are_small_deterministic_numbers():
    cards = [make_embossed(i) for i in range(8)]
    assert all(c.number.isdigit() and 1 <= len(c.number) <= 4 for c in cards)
    assert all(64 <= c.image.shape[0] < 200 and c.image.dtype == np.uint8 for c in cards)
    assert np.array_equal(make_embossed(3).image, cards[3].image)


def test_the_digits_stand_out_from_the_card():
    card = make_embossed(1).image.astype(np.float32)
    assert float(card.std()) > 15


def test_cards_come_in_both_faces_with_a_box_per_digit():
    from training.synthetic.embossed import _glyphs

    for seed in range(12):
        canvas, boxes = _glyphs(np.random.default_rng(seed), "907")
        assert len(boxes) == 3 and canvas.mode == "L"
        ink = np.asarray(canvas) > 127
        assert all(ink[y0:y1, x0:x1].any() for x0, y0, x1, y1 in boxes)
        assert [b[0] for b in boxes] == sorted(b[0] for b in boxes)
