"""Digit-free pictures (training.synthetic.blank): every kind, deterministic, labelled ""."""

from __future__ import annotations

import numpy as np

from training.synthetic.blank import KINDS, LETTERS, make_blank


def test_every_kind_is_drawn_deterministically_and_holds_no_number():
    pictures = [make_blank(i) for i in range(len(KINDS))]
    assert all(p.number == "" and p.image.dtype == np.uint8 and p.image.shape[2] == 3 for p in pictures)
    assert np.array_equal(make_blank(2).image, pictures[2].image)
    assert not np.array_equal(make_blank(2, seed=5).image[:30, :30], pictures[2].image[:30, :30])


def test_pictures_are_not_flat():
    assert all(float(make_blank(i).image.std()) > 2 for i in range(len(KINDS)))


def test_letters_that_pass_for_digits_are_left_out():
    assert not set(LETTERS) & set("0123456789OolIiSZBgqbG")
