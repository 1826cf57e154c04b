"""Candidates mined from the segmentation on generated pictures, labelled by digit boxes (training.synthetic.mined)."""

from __future__ import annotations

import numpy as np
import pytest

from detector.config import NOT_DIGIT
from training.synthetic import generators
from training.synthetic.mined import label_candidate, mine
from training.synthetic.scenes import Scene

# "37": a 3 at x 100-160 and a 7 at x 170-230, both y 50-150 (x0, y0, x1, y1)
TWO = Scene(np.zeros((200, 300, 3), np.uint8), "37", ((100, 50, 160, 150), (170, 50, 230, 150)))
EMPTY = Scene(np.zeros((200, 300, 3), np.uint8), "")


@pytest.mark.parametrize(
    ("box", "label"),
    [
        ((102, 52, 56, 96), 3),  # on the 3 (x, y, w, h)
        ((168, 48, 64, 104), 7),  # on the 7, a little larger
        ((100, 50, 130, 100), NOT_DIGIT),  # both digits as one
        ((100, 50, 60, 45), NOT_DIGIT),  # the top half of the 3
        ((10, 10, 30, 30), NOT_DIGIT),  # a speck off the digits
        ((260, 10, 12, 150), None),  # tall and narrow off the digits: a frame side is a 1 to anyone
        ((95, 45, 95, 110), None),  # the 3 with a good part of the 7: neither answer is fair
    ],
)
def test_candidates_are_labelled_by_the_digit_boxes(box, label):
    assert label_candidate(box, TWO) == label


def test_in_a_digit_free_picture_everything_but_bars_is_junk():
    assert label_candidate((10, 10, 40, 40), EMPTY) == NOT_DIGIT
    assert label_candidate((10, 10, 10, 100), EMPTY) is None


class Judge:
    """A stand-in model that takes every candidate for a sure 4."""

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        probs = np.zeros((len(inputs), NOT_DIGIT + 1), np.float32)
        probs[:, 4] = 0.9
        probs[:, NOT_DIGIT] = 0.1
        return probs


def specks_picture() -> Scene:
    """A digit-free picture of 30 separate dark squares on white paper: 30 junk candidates."""
    img = np.full((400, 600, 3), 255, np.uint8)
    for k in range(30):
        y, x = 40 + (k // 6) * 70, 40 + (k % 6) * 90
        img[y : y + 30, x : x + 30] = 0
    return Scene(img, "")


def test_a_judge_keeps_the_junk_it_takes_for_digits_besides_the_random_junk():
    from training.synthetic.mined import MOST_HARD, MOST_NEGATIVES, mine_scene

    scene = specks_picture()
    _, plain = mine_scene(scene, np.random.default_rng(0))
    _, judged = mine_scene(scene, np.random.default_rng(0), Judge())
    assert (plain == NOT_DIGIT).all() and len(plain) == MOST_NEGATIVES
    assert (judged == NOT_DIGIT).all() and len(judged) == MOST_HARD + MOST_NEGATIVES


def fake_digits() -> tuple[np.ndarray, np.ndarray]:
    """Ten bright square rings labelled 0-9: generators only paste them."""
    d = np.zeros((10, 28, 28), np.uint8)
    d[:, 6:22, 6:22] = 255
    d[:, 10:18, 10:18] = 0
    return d, np.arange(10)


def test_every_generator_is_there_and_knows_its_digits_boxes():
    make = generators(*fake_digits(), seed=5)
    assert set(make) == {"scenes", "signs", "plates", "filled", "turned", "embossed", "small", "blank", "faces"}
    for name, draw in make.items():
        scene = draw(0)
        h, w = scene.image.shape[:2]
        assert len(scene.boxes) == len(scene.number), name
        for x0, y0, x1, y1 in scene.boxes:
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, name


def test_mining_is_deterministic_and_yields_network_inputs_with_both_kinds_of_label():
    digits, labels = fake_digits()
    a = mine({"signs": 3, "blank": 2}, 7, digits, labels)
    b = mine({"signs": 3, "blank": 2}, 7, digits, labels)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    images, found = a
    assert images.dtype == np.float32 and images.shape[1:] == (28, 28) and len(images) == len(found)
    assert images.min() >= 0 and images.max() <= 1
    assert (found == NOT_DIGIT).any() and (found < NOT_DIGIT).any()


def test_the_mined_kinds_are_generators():
    from training.synthetic.mined import MINED_KINDS

    assert set(MINED_KINDS) <= set(generators(*fake_digits(), seed=5))
