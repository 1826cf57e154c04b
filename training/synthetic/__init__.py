"""Generated pictures with known labels: printed digits to train on, scenes and signs to test and benchmark on.

May import ``detector`` (the inference preprocessing) and ``detector.files``; never the rest of ``training``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from training.synthetic.scenes import Scene


def generators(digits: np.ndarray, labels: np.ndarray, seed: int) -> dict[str, Callable[[int], Scene]]:
    """Every picture generator, by name: ``generators(...)[name](i)`` draws picture ``i`` at ``seed``.

    Handwriting comes from ``digits``/``labels`` (uint8 (N, 28, 28) MNIST images and their
    labels): the training set for training, the test set for benchmarks.
    """
    from training.synthetic.blank import make_blank
    from training.synthetic.embossed import make_embossed
    from training.synthetic.photos import make_filled, make_turned
    from training.synthetic.scenes import make_scene
    from training.synthetic.signs import make_plate, make_sign, make_unseen_face
    from training.synthetic.small import make_small

    return {
        "scenes": lambda i: make_scene(digits, labels, i, seed),
        "signs": lambda i: make_sign(i, seed),
        "plates": lambda i: make_plate(i, seed),
        "filled": lambda i: make_filled(digits, labels, i, seed),
        "turned": lambda i: make_turned(digits, labels, i, seed),
        "embossed": lambda i: make_embossed(i, seed),
        "small": lambda i: make_small(i, seed),
        "blank": lambda i: make_blank(i, seed),
        "faces": lambda i: make_unseen_face(i, seed),
    }
