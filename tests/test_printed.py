"""Synthetic printed digits: deterministic per index, a real torch Dataset."""

import numpy as np
import pytest
from torch.utils.data import DataLoader, Dataset

from training.synthetic.printed import SynthDigits, render_digit


def test_each_index_always_gives_the_same_sample():
    a, b = SynthDigits(50, seed=3), SynthDigits(50, seed=3)
    for i in (0, 7, 49):
        (xa, ya), (xb, yb) = a[i], b[i]
        assert ya == yb == i % 10 and np.array_equal(xa, xb)
    assert not np.array_equal(a[7][0], SynthDigits(50, seed=4)[7][0])  # another seed, another picture


def test_items_are_mnist_style_inputs():
    x, y = SynthDigits(10)[3]
    assert x.shape == (1, 28, 28) and x.dtype == np.float32 and y == 3
    assert x.min() >= 0 and x.max() <= 1 and x.max() > 0.5
    # like MNIST: a bright digit on black with empty margins
    assert x[0, :2].max() < 0.05 and x[0, -2:].max() < 0.05


def test_both_polarities_are_rendered():
    crops = [render_digit(i, seed=0)[0] for i in range(40)]
    corners = [c[0, 0] for c in crops]
    assert min(corners) < 0.45 and max(corners) > 0.55  # dark and light backgrounds both occur


def test_it_is_a_torch_dataset_that_batches():
    ds = SynthDigits(12, seed=1)
    assert isinstance(ds, Dataset) and len(ds) == 12
    x, y = next(iter(DataLoader(ds, batch_size=6)))
    assert x.shape == (6, 1, 28, 28) and y.tolist() == [0, 1, 2, 3, 4, 5]
    with pytest.raises(IndexError):
        ds[12]


def test_shipped_model_reads_unseen_printed_digits(shipped_predictor):
    images, labels = SynthDigits(200, seed=12345).materialize()  # a seed training never used
    probs = shipped_predictor.probabilities(images)
    assert (probs.argmax(1) == labels).mean() >= 0.95


def test_one_group_of_ten_in_card_every_is_drawn_in_the_square_card_face():
    from training.synthetic.printed import CARD_EVERY, render_digit

    first = 10 * (CARD_EVERY - 1)
    for index in range(first, first + 10):
        crop, label = render_digit(index, seed=4)
        assert label == index % 10 and crop.dtype == np.float32 and crop.min() >= 0 and crop.max() <= 1
        assert 20 <= crop.shape[0] <= 96 and crop.std() > 0.05
