"""The scene generator: deterministic, labelled, and readable by the segmenter."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PIL import Image, ImageDraw

from detector.preprocess import to_gray
from detector.segment import find_digits
from training.synthetic.scenes import make_scene, write_scenes


@pytest.fixture(scope="module")
def glyphs() -> tuple[np.ndarray, np.ndarray]:
    """MNIST-like stand-ins: white 1s and 0s on black, 28 x 28."""
    images, labels = [], []
    for k in range(6):
        img = Image.new("L", (28, 28), 0)
        draw = ImageDraw.Draw(img)
        if k % 2:
            draw.line([(14 + k // 2, 4), (14 - k // 2, 24)], fill=255, width=3)
        else:
            draw.ellipse([8 - k // 2, 4, 20 + k // 2, 24], outline=255, width=3)
        images.append(np.asarray(img))
        labels.append(k % 2)
    return np.stack(images), np.array(labels)


def test_scene_is_deterministic_per_index(glyphs):
    a, b, c = make_scene(*glyphs, 3), make_scene(*glyphs, 3), make_scene(*glyphs, 4)
    assert np.array_equal(a.image, b.image) and a.number == b.number
    assert not (a.image.shape == c.image.shape and np.array_equal(a.image, c.image))


def test_scene_numbers_have_two_to_six_digits(glyphs):
    for i in range(20):
        scene = make_scene(*glyphs, i)
        assert 2 <= len(scene.number) <= 6 and set(scene.number) <= {"0", "1"}
        assert scene.image.dtype == np.uint8 and scene.image.ndim == 3


def test_each_digit_knows_which_image_it_was_drawn_from(glyphs):
    images, labels = glyphs
    for i in range(10):
        scene = make_scene(images, labels, i)
        assert len(scene.sources) == len(scene.number) == len(scene.boxes)
        assert "".join(str(labels[k]) for k in scene.sources) == scene.number
        assert all(0 <= k < len(images) for k in scene.sources)


def test_segmenter_finds_every_digit_of_most_scenes(glyphs):
    found = [len(find_digits(to_gray(s.image))) == len(s.number) for s in (make_scene(*glyphs, i) for i in range(20))]
    assert sum(found) >= 18


def test_write_scenes_writes_images_and_labels(tmp_path, glyphs):
    labels_csv = write_scenes(tmp_path / "scenes", 4, *glyphs)
    with open(labels_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["filename"] for r in rows] == [f"scene_{i:04d}.jpg" for i in range(4)]
    assert all((tmp_path / "scenes" / r["filename"]).is_file() for r in rows)
    assert rows[2]["number"] == make_scene(*glyphs, 2).number


def test_each_digit_has_its_box_on_its_ink(glyphs):
    """The boxes follow the digits through the scene's turn: the ink inside each box is dark, beside it light."""
    scene = make_scene(*glyphs, 5)
    gray = to_gray(scene.image)
    assert len(scene.boxes) == len(scene.number)
    for x0, y0, x1, y1 in scene.boxes:
        assert gray[y0:y1, x0:x1].min() < gray.mean() - 0.2


def test_turned_boxes_match_pil_rotate():
    from training.synthetic.scenes import turn_boxes

    dot = np.zeros((300, 400), np.uint8)
    dot[50:54, 100:104] = 255
    for degrees, shift in ((10, (0, 0)), (-7, (15, -9))):
        turned = np.asarray(Image.fromarray(dot).rotate(degrees, Image.BILINEAR, translate=shift))
        ys, xs = np.nonzero(turned > 100)
        ((x0, y0, x1, y1),) = turn_boxes([(100, 50, 104, 54)], degrees, (400, 300), shift)
        assert x0 <= xs.min() and xs.max() < x1 and y0 <= ys.min() and ys.max() < y1
        assert x1 - x0 <= 7 and y1 - y0 <= 7
