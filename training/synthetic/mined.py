"""Training crops mined from the segmentation itself: what it proposes on generated pictures, labelled by their boxes.

The network decides what is a digit among the candidates that
:func:`detector.segment.propose_digits` makes, so it should learn from exactly those
candidates: cut, evened and fitted as inference cuts them. Each generated picture
(:class:`~training.synthetic.scenes.Scene`) knows where its digits are; a candidate is

* a **digit** when it sits on one digit's box (IoU at least ``DIGIT_IOU``);
* **not a digit** when it covers two digits (a pair read as one), when it is a small
  part of one digit (a half, a bar of a 7), or when it lies off every digit (a speck, a
  frame corner, a wedge, a screw, a brick's edge);
* left out otherwise (in between: neither answer would be fair to teach).

Tall narrow candidates off the digits are never negatives: a stroke in a crop, however
straight, is a 1 to anyone, so only the line it stands in can tell
(:mod:`detector.segment.choose`). Teaching solid strokes, or strokes cut from a larger blob
(a frame's side), as junk was tried: the network then took a ruler-straight 1 drawn on the
pad for junk.

With a *judge* (a trained model), every junk candidate it takes for a digit is kept
(hard negatives, up to ``MOST_HARD`` a picture) besides the random ones: those are the
mistakes the next model must unlearn. Pictures come from every generator at seeds no
benchmark uses, with MNIST *training* digits for the handwriting.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detector.config import NOT_DIGIT
from training.synthetic import generators
from training.synthetic.scenes import Box, Scene

DIGIT_IOU = 0.6  # a candidate this close to one digit's box is that digit
OFF_IOU = 0.25  # a candidate no closer than this to any digit's box is off the digits
PART_INSIDE = 0.8  # a candidate this much inside one digit's box ...
PART_COVER = 0.55  # ... that covers no more than this of it is a part of that digit
PAIR_COVER = 0.5  # a candidate covering this much of two digits' boxes holds a pair
MOST_NEGATIVES = 8  # per picture, picked at random, so that a wall of specks does not flood the set
MOST_HARD = 16  # per picture, junk the judge takes for a digit, kept besides the random ones
HARD = 0.5  # the judge takes a candidate for a digit when it is this sure of one
# The generators mined for training, as the shipped model was. Mining the small crops of house
# numbers as well was tried: MNIST 99.74 % (99.76 % without), the small crops 97.0 / 96.0 % at
# the unseen seeds 5 / 7 (97.0 / 95.5 % without) and the rest within a picture or two.
MINED_KINDS = ("scenes", "signs", "plates", "filled", "turned", "embossed", "blank")


def _areas(box: tuple[int, int, int, int], digits: tuple[Box, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IoU, share of each digit's box covered, share of the candidate inside each) for a candidate (x, y, w, h)."""
    x, y, w, h = box
    out = np.zeros((3, len(digits)))
    for k, (x0, y0, x1, y1) in enumerate(digits):
        inter = max(0, min(x + w, x1) - max(x, x0)) * max(0, min(y + h, y1) - max(y, y0))
        area = max(1, (x1 - x0) * (y1 - y0))
        out[:, k] = inter / max(1, w * h + area - inter), inter / area, inter / max(1, w * h)
    return out[0], out[1], out[2]


def label_candidate(box: tuple[int, int, int, int], scene: Scene) -> int | None:
    """The label to teach for a candidate's box (x, y, w, h): its digit, ``NOT_DIGIT``, or None (left out)."""
    _x, _y, w, h = box
    stroke = h > 2.5 * w  # might be a 1 to anyone
    if not scene.boxes:
        return None if stroke else NOT_DIGIT  # a digit-free picture: all junk, bar the strokes
    iou, cover, inside = _areas(box, scene.boxes)
    k = int(iou.argmax())
    if (cover >= PAIR_COVER).sum() >= 2:
        return NOT_DIGIT
    if iou[k] >= DIGIT_IOU:
        return int(scene.number[k])
    if stroke:
        return None
    part = (inside >= PART_INSIDE) & (cover <= PART_COVER)
    if part.any() or iou.max() < OFF_IOU:
        return NOT_DIGIT
    return None


def mine_scene(scene: Scene, rng: np.random.Generator, judge=None) -> tuple[np.ndarray, np.ndarray]:
    """Return (inputs (N, 28, 28), labels (N,)) of the labelled candidates of one picture.

    ``judge``: a :class:`detector.predict.Predictor` whose mistaken digits are kept as hard negatives; None: none.
    """
    from detector.preprocess import to_gray
    from detector.segment import propose_digits

    proposals = propose_digits(to_gray(scene.image))
    labels = [label_candidate(box, scene) for box in proposals.boxes]
    digits = [i for i, label in enumerate(labels) if label is not None and label != NOT_DIGIT]
    junk = [i for i, label in enumerate(labels) if label == NOT_DIGIT]
    hard: list[int] = []
    if judge is not None and junk:
        sure = judge.probabilities(proposals.inputs[junk])[:, :NOT_DIGIT].max(axis=1)
        hard = [junk[int(i)] for i in np.argsort(-sure)[:MOST_HARD] if sure[i] >= HARD]
        junk = [i for i in junk if i not in hard]
    junk = hard + [junk[int(i)] for i in rng.permutation(len(junk))[:MOST_NEGATIVES]]
    keep = sorted(digits + junk)
    if not keep:
        return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64)
    return proposals.inputs[keep], np.array([labels[i] for i in keep], np.int64)


def mine(
    counts: dict[str, int],
    seed: int,
    digits: np.ndarray,
    labels: np.ndarray,
    start: int = 0,
    judge: Path | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (inputs, labels) mined from ``counts[name]`` pictures of each generator, pictures ``start`` on.

    Args:
        counts: Pictures per generator name (see :func:`training.synthetic.generators`).
        seed: The generators' seed; use one no benchmark uses.
        digits: uint8 (N, 28, 28) MNIST training digits, for the handwriting.
        labels: (N,) their labels.
        start: The first picture index (so that two workers can share a seed).
        judge: An ONNX model whose mistaken digits are kept as hard negatives; None: random junk only.
    """
    rng = np.random.default_rng([seed, start, 97])
    make = generators(digits, labels, seed)
    model = None
    if judge is not None:
        from detector.predict import Predictor

        model = Predictor.load(judge)
    inputs, out = [np.zeros((0, 28, 28), np.float32)], [np.zeros(0, np.int64)]
    for name, count in counts.items():
        for i in range(start, start + count):
            x, y = mine_scene(make[name](i), rng, model)
            inputs.append(x)
            out.append(y)
    return np.concatenate(inputs).astype(np.float32), np.concatenate(out)
