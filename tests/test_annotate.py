"""Annotated pictures and safe output files."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from PIL import Image

from detector import annotate, files
from detector.app import window
from detector.errors import OutputError
from detector.files import save_new, save_results_csv, unique_path, write_atomic
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


def test_has_display_follows_the_environment(monkeypatch):
    monkeypatch.setattr(window.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert window.has_display() is False


def test_unique_path_never_returns_an_existing_name(tmp_path):
    assert unique_path(tmp_path, "results", ".csv") == tmp_path / "results.csv"
    (tmp_path / "results.csv").write_text("x")
    (tmp_path / "results-001.csv").write_text("x")
    assert unique_path(tmp_path, "results", ".csv") == tmp_path / "results-002.csv"
    assert unique_path(tmp_path, "drawing", ".png", numbered=True) == tmp_path / "drawing-001.png"


def test_write_atomic_bytes_and_callback(tmp_path):
    write_atomic(tmp_path / "a.bin", b"abc")
    write_atomic(tmp_path / "b.bin", lambda fh: fh.write(b"xyz"))
    assert (tmp_path / "a.bin").read_bytes() == b"abc" and (tmp_path / "b.bin").read_bytes() == b"xyz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.bin"]  # no temp files left


def test_write_atomic_disk_full_leaves_nothing(tmp_path):
    (tmp_path / "keep.csv").write_bytes(b"old")

    def full(fh):
        fh.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device") as info:
        write_atomic(tmp_path / "keep.csv", full)
    assert "\n" not in str(info.value)
    assert (tmp_path / "keep.csv").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_write_atomic_missing_folder_is_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "no" / "such" / "x.csv", b"x")


def test_save_new_never_overwrites(tmp_path, monkeypatch):
    (tmp_path / "drawing-001.png").write_bytes(b"mine")
    taken = tmp_path / "drawing-002.png"
    real_unique = files.unique_path
    calls = []

    def racing_unique(*args, **kwargs):  # another program takes drawing-002 between check and write
        calls.append(1)
        path = real_unique(*args, **kwargs)
        if len(calls) == 1:
            taken.write_bytes(b"theirs")
        return path

    monkeypatch.setattr(files, "unique_path", racing_unique)
    path = save_new(tmp_path, "drawing", ".png", b"new", numbered=True)
    assert path.name == "drawing-003.png" and path.read_bytes() == b"new"
    assert (tmp_path / "drawing-001.png").read_bytes() == b"mine" and taken.read_bytes() == b"theirs"


def test_save_results_csv_columns(tmp_path):
    probs = (0.0,) * 10
    readings = [
        Reading("m/rows.csv", 0, 7, (DigitResult(7, 0.91, probs, (0, 0, 28, 28)),)),
        Reading("m/rows.csv", 1, 3, (DigitResult(8, 0.5, probs, (0, 0, 28, 28)),)),
        Reading("m/bad.png", error="bad.png is empty"),
    ]
    lines = save_results_csv(readings, tmp_path / "out").read_text().splitlines()
    assert lines == [
        "file,row,number,confidence,low_confidence,label,correct,error",
        "m/rows.csv,0,7,0.9100,0,7,1,",
        "m/rows.csv,1,8,0.5000,1,3,0,",
        "m/bad.png,,,0.0000,0,,,bad.png is empty",
    ]


def test_write_atomic_read_only_folder_is_reported_and_leaves_nothing(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):  # what a read-only folder does (chmod is no barrier for root)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match=r"Permission denied.*writable"):
        write_atomic(tmp_path / "results.csv", b"x")
    assert list(tmp_path.iterdir()) == []


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


def test_preview_is_cropped_to_the_digits():
    from detector.app.menu_steps import crop_to_digits

    photo = np.zeros((1000, 2000), np.float32)
    reading = Reading("p.jpg", digits=(DigitResult(1, 0.9, (0.0,) * 10, (1000, 400, 40, 100)),))
    crop = crop_to_digits(photo, reading, scale=2.0)  # boxes are in source pixels, twice the array's
    assert crop.shape == (81, 51)  # the 20 x 50 digit with 30 % of its longer side (15 px) all round
    assert crop_to_digits(photo, Reading("p.jpg")) is photo


def test_a_window_process_that_dies_is_reported_and_what_it_sent_is_kept():
    import os

    def saves_then_dies(send, name):
        send(name)
        os.write(2, b"X connection to :99 broken (explicit kill or server shutdown).\n")
        os._exit(1)

    result = window.run_apart(saves_then_dies, "drawing-001.png")
    assert result.sent == ["drawing-001.png"] and result.value is None
    assert result.died == "The window was closed from outside (X connection to :99 broken)"
    fine = window.run_apart(lambda send, n: n * 2, 21)
    assert fine.value == 42 and fine.died is None
