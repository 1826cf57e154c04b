"""Annotated pictures: boxes in their colours, captions, labels kept apart, saved as new PNGs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from detector import annotate
from detector.errors import OutputError
from detector.results import DigitResult, Reading
from tests.helpers import blobs_picture, digit_picture, pixel_csv

GREEN, RED = (30, 200, 60), (230, 40, 40)


def two_digit_reading(source: str, boxes) -> Reading:
    probs = tuple([0.0] * 10)
    return Reading(source, digits=(DigitResult(4, 0.97, probs, boxes[0]), DigitResult(2, 0.5, probs, boxes[1], 0)))


def test_annotate_draws_boxes_in_their_colours_and_a_caption():
    picture = blobs_picture()  # 160 x 80
    reading = two_digit_reading("x.png", [(20, 15, 31, 51), (95, 15, 41, 51)])
    img = annotate.annotate(picture, reading)
    grow = annotate.MIN_SIDE / 160
    arr = np.asarray(img)
    assert img.width == annotate.MIN_SIDE and img.height > round(80 * grow)  # enlarged, caption band below
    left_edge = arr[round(40 * grow), round(20 * grow)]
    right_edge = arr[round(40 * grow), round(95 * grow)]
    assert tuple(left_edge) == GREEN and tuple(right_edge) == RED  # confident vs low-confidence box
    assert tuple(arr[round(40 * grow), round(70 * grow)]) == (255, 255, 255)  # paper between digits untouched


def test_annotate_scales_boxes_from_source_pixels():
    picture = np.full((100, 200), 255, np.uint8)
    reading = two_digit_reading("x.png", [(200, 40, 100, 100), (0, 0, 2, 2)])  # source is twice as big
    arr = np.asarray(annotate.annotate(picture, reading, scale=2.0))
    grow = annotate.MIN_SIDE / 200
    assert tuple(arr[round(45 * grow), round(100 * grow)]) == GREEN


def test_caption_text():
    reading = Reading("a.png", digits=(DigitResult(7, 0.98, (0.0,) * 10, (0, 0, 5, 5)),))
    assert annotate.caption(reading) == "Predicted: 7 (98.0%)"
    assert annotate.caption(Reading("a.png")) == "No digit found"


def test_save_annotated_writes_new_png_each_time(tmp_path):
    src = tmp_path / "pair.png"
    Image.fromarray(blobs_picture()).save(src)
    reading = two_digit_reading(str(src), [(20, 15, 31, 51), (95, 15, 41, 51)])
    first = annotate.save_annotated(reading, tmp_path / "out")
    second = annotate.save_annotated(reading, tmp_path / "out")
    assert first.name == "pair-annotated.png" and second.name == "pair-annotated-001.png"
    with Image.open(first) as img:
        assert img.format == "PNG" and img.width == annotate.MIN_SIDE


def test_save_annotated_csv_row(tmp_path):
    csv = pixel_csv(tmp_path / "r.csv", np.stack([digit_picture(), np.zeros((28, 28), np.uint8)]), [7, 0])
    reading = Reading(str(csv), 0, 7, (DigitResult(7, 0.9, (0.0,) * 10, (0, 0, 28, 28)),))
    path = annotate.save_annotated(reading, tmp_path / "out")
    assert path.name == "r-row0-annotated.png"
    assert np.asarray(Image.open(path)).max() == 255  # the stroke is there


def test_save_annotated_failures_are_output_errors(tmp_path):
    src = tmp_path / "seven.png"
    Image.fromarray(digit_picture()).save(src)
    reading = Reading(str(src))
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should go")
    with pytest.raises(OutputError, match="cannot create folder"):
        annotate.save_annotated(reading, blocker / "out")
    with pytest.raises(OutputError, match="cannot draw"):
        annotate.save_annotated(Reading(str(tmp_path / "gone.png")), tmp_path / "out")


def test_labels_of_close_digits_never_overlap():
    boxes = [(10 + 14 * i, 30, 12, 20) for i in range(5)]  # five narrow digits almost touching
    sizes = [(40, 12)] * 5  # each label wider than its digit
    spots = annotate.place_labels(boxes, sizes, (200, 120))
    rects = [(x, y, w, h) for (x, y), (w, h) in zip(spots, sizes, strict=True)]
    for i, a in enumerate(rects):
        assert a[0] >= 0 and a[0] + a[2] < 200 and a[1] >= 0 and a[1] + a[3] < 120
        assert not any(annotate._overlap(a, b) for b in rects[i + 1 :])
    assert annotate.label_size([(0, 0, 12, 20)], 600) < annotate.label_size([(0, 0, 80, 90)], 600)


def test_annotated_close_digits_keep_their_labels_apart_on_the_picture():
    probs = tuple([0.0] * 10)
    reading = Reading("x.png", digits=tuple(DigitResult(d, 0.97, probs, (20 + 22 * d, 30, 20, 30)) for d in range(5)))
    img = np.asarray(annotate.annotate(np.full((100, 150), 255, np.uint8), reading))
    assert img.shape[1] == annotate.MIN_SIDE  # drawn, with labels on white patches: nothing raised


def test_overwrite_replaces_the_annotated_picture(tmp_path):
    src = tmp_path / "pair.png"
    Image.fromarray(blobs_picture()).save(src)
    reading = two_digit_reading(str(src), [(20, 15, 31, 51), (95, 15, 41, 51)])
    first = annotate.save_annotated(reading, tmp_path / "out", overwrite=True)
    second = annotate.save_annotated(reading, tmp_path / "out", overwrite=True)
    assert first == second and [p.name for p in (tmp_path / "out").iterdir()] == ["pair-annotated.png"]
