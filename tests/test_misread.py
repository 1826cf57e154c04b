"""Whose a miss is: each digit of a missed picture looked up among the candidates, and read as cut and as drawn."""

import io

import numpy as np
import pytest
from PIL import Image

from tests.helpers import number_photo, sure_of, text_of
from training.bench.misread import DigitCheck, Miss, check, figure, main, own_candidates, parse_args, render, run
from training.synthetic.scenes import Scene

# where number_photo draws "170" on its 900 x 400 picture: (x0, y0, x1, y1) of each digit
ONE, SEVEN, ZERO = (187, 90, 213, 310), (370, 95, 510, 310), (600, 90, 740, 310)


def photo_of_170() -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(number_photo("170"))).convert("RGB"))


def test_a_digits_own_candidate_covers_its_box_best_and_the_likelier_polarity_comes_first():
    boxes = [(0, 0, 10, 10), (100, 100, 50, 50), (98, 98, 54, 54), (300, 0, 10, 10)]  # (x, y, w, h)
    dark = [True, False, True, True]
    digit_boxes = [(100, 100, 150, 150), (300, 0, 310, 10), (500, 500, 520, 520)]  # (x0, y0, x1, y1)
    # the light candidate fits the first box exactly, but the dark one covers it too and dark ink is likelier
    assert own_candidates(boxes, dark, True, digit_boxes) == [2, 3, None]
    assert own_candidates(boxes, dark, False, digit_boxes) == [1, 3, None]


def test_a_candidate_covering_less_than_half_a_digits_box_is_not_its_own():
    assert own_candidates([(0, 0, 10, 10)], [True], True, [(0, 0, 10, 21)]) == [None]  # IoU 100 / 210
    assert own_candidates([(0, 0, 10, 10)], [True], True, [(0, 0, 10, 19)]) == [0]  # IoU 100 / 190


def test_a_miss_is_the_networks_only_where_a_digits_own_cut_reads_another_digit():
    right = DigitCheck(7, np.zeros((28, 28)), sure_of(7))
    wrong = DigitCheck(4, np.zeros((28, 28)), sure_of(10))  # read as no digit
    never_cut = DigitCheck(1)
    assert wrong.misread and not right.misread and not never_cut.misread
    assert Miss("a.jpg", "74", "7", (right, wrong)).networks
    assert not Miss("b.jpg", "71", "7", (right, never_cut)).networks


def test_the_summary_counts_the_networks_misses_and_the_digits_doubted_as_drawn():
    doubted = DigitCheck(4, np.zeros((28, 28)), sure_of(6), np.zeros((28, 28)), sure_of(4, 0.63))
    sure = DigitCheck(6, np.zeros((28, 28)), sure_of(1), np.zeros((28, 28)), sure_of(6, 0.99))
    misses = [
        Miss("scene_0001.jpg", "24", "26", (DigitCheck(2, None, None), doubted)),
        Miss("scene_0002.jpg", "60", "10", (sure, DigitCheck(0, np.zeros((28, 28)), sure_of(0)))),
        Miss("scene_0003.jpg", "55", "5", (DigitCheck(5), DigitCheck(5))),
    ]
    text = text_of(render(300, misses, "scenes, seed 7"), width=160)
    assert "300 pictures, 3 read wrong; 2 of them the network's" in text
    assert "1 the cutting's or the choice's" in text
    assert "of the 2 digits misread, 1 misread or below 90% sure even as MNIST drew them" in text
    assert "every digit's own cut read right" in text  # scene_0003
    assert "6 99%" in text and "4 63%" in text  # as cut, as drawn


def test_a_pictures_digits_are_read_as_cut_from_their_own_boxes(tmp_path, shipped_predictor):
    path = tmp_path / "scene_0000.jpg"
    Image.fromarray(photo_of_170()).save(path, format="JPEG", quality=95)
    # labelled 171: the last digit's own cut is a 0 to the network, so the miss is the network's
    miss = check(path, Scene(photo_of_170(), "171", (ONE, SEVEN, ZERO)), "170", shipped_predictor)
    assert [d.label for d in miss.digits] == [1, 7, 1]
    assert [int(np.argmax(d.cut_probs)) for d in miss.digits] == [1, 7, 0]
    assert [d.misread for d in miss.digits] == [False, False, True] and miss.networks
    assert miss.digits[2].cut.shape == (28, 28) and miss.digits[2].drawn is None
    # a digit where nothing was drawn has no cut: that miss is the cutting's
    blank = check(path, Scene(photo_of_170(), "1704", (ONE, SEVEN, ZERO, (800, 20, 890, 80))), "170", shipped_predictor)
    assert blank.digits[3].cut is None and not blank.networks


def test_digits_drawn_from_a_set_are_read_as_drawn_too(tmp_path, shipped_predictor):
    path = tmp_path / "scene_0000.jpg"
    Image.fromarray(photo_of_170()).save(path, format="JPEG", quality=95)
    drawn = np.zeros((3, 28, 28), np.uint8)
    drawn[:, 4:24, 12:16] = 255  # three upright bars: 1s as MNIST would draw them
    scene = Scene(photo_of_170(), "171", (ONE, SEVEN, ZERO), sources=(40, 41, 42))
    miss = check(path, scene, "170", shipped_predictor, drawn)
    assert all(int(np.argmax(d.drawn_probs)) == 1 for d in miss.digits)
    assert miss.digits[0].drawn.shape == (28, 28)
    assert [d.source for d in miss.digits] == [40, 41, 42]
    assert "#42: 1 " in text_of(render(1, [miss], "scenes"), width=160)


def test_run_reads_as_the_benchmark_and_checks_only_the_misses(shipped_predictor):
    pictures = [Scene(photo_of_170(), "170", (ONE, SEVEN, ZERO)), Scene(photo_of_170(), "171", (ONE, SEVEN, ZERO))]
    misses = run(lambda i: pictures[i], 2, shipped_predictor, "scene")
    assert [(m.name, m.number, m.read) for m in misses] == [("scene_0001.jpg", "171", "170")]


def test_the_figure_goes_into_a_new_file_and_never_replaces_one(tmp_path):
    cut = np.zeros((28, 28), np.float32)
    cut[5:23, 12:16] = 1
    misses = [Miss("scene_0001.jpg", "4", "1", (DigitCheck(4, cut, sure_of(1), cut, sure_of(4, 0.6)),))]
    first = figure(misses, tmp_path, "scenes-seed7-misread")
    second = figure(misses, tmp_path, "scenes-seed7-misread")
    assert first != second and first.is_file() and second.is_file()
    assert Image.open(first).format == "PNG"
    assert figure([Miss("b.jpg", "1", "", (DigitCheck(1),))], tmp_path, "none") is None


def test_one_set_must_be_named(capsys):
    with pytest.raises(SystemExit):
        parse_args([])
    with pytest.raises(SystemExit):
        parse_args(["--scenes", "3", "--turned", "3"])
    assert parse_args(["--turned", "3", "--seed", "5"]).turned == 3


def test_main_checks_a_generated_set_and_says_where_the_figure_is(tmp_path, capsys, shipped_predictor):
    assert main(["--signs", "2", "--seed", "5", "--figure", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "signs, seed 5: 2 pictures" in out
    assert ("figure:" in out) == any(tmp_path.iterdir())


def test_a_missing_model_is_one_line(tmp_path, capsys):
    assert main(["--signs", "1", "--model", str(tmp_path / "none.onnx")]) == 1
    assert len(capsys.readouterr().out.strip().splitlines()) == 1
