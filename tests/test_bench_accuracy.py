"""The accuracy benchmark's bookkeeping: exact and per-digit counts, misses, enlarged copies."""

from pathlib import Path

import numpy as np
from PIL import Image

from detector.results import DigitResult, Reading
from training.bench.accuracy import digits_right, read_labels, run, upscaled_copy


class ReadsFromName:
    """A stand-in predictor that 'reads' the number written in the file name (a_123.png -> 123)."""

    def read_path(self, path: Path):
        text = Path(path).stem.split("_", 1)[1]
        digits, line = [], 0
        for ch in text:
            if ch == "-":
                line += 1
                continue
            digits.append(DigitResult(int(ch), 0.99, (0.1,) * 10, (0, 0, 1, 1), line))
        yield Reading(str(path), digits=tuple(digits))


def labelled_folder(folder: Path, rows: list[tuple[str, str]]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, _ in rows:
        Image.fromarray(np.full((30, 60), 200, np.uint8)).save(folder / name)
    (folder / "labels.csv").write_text("filename,number,category\n" + "".join(f"{n},{lab},x\n" for n, lab in rows))
    return folder


def test_digits_right_counts_by_position_and_never_half_credits_another_length():
    assert digits_right("210", "210") == 3
    assert digits_right("210", "219") == 2
    assert digits_right("210", "2100") == 0  # an extra digit: every digit counts as wrong
    assert digits_right("12 34", "1234") == 4  # line breaks do not count


def test_run_counts_exact_numbers_digits_and_misses(tmp_path):
    rows = [("a_210.png", "210"), ("b_219.png", "210"), ("c_12-34.png", "12 34"), ("d_5.png", "57")]
    result = run(labelled_folder(tmp_path / "set", rows), ReadsFromName())
    assert (result.images, result.exact) == (4, 2)
    assert (result.digits, result.digits_right) == (3 + 3 + 4 + 2, 3 + 2 + 4 + 0)
    assert result.misses == [("b_219.png", "210", "219"), ("d_5.png", "57", "5")]
    assert result.seconds >= 0 and result.exact_accuracy == 0.5


def test_upscaled_copy_keeps_aspect_and_labels(tmp_path):
    src = labelled_folder(tmp_path / "src", [("w_7.png", "7"), ("t_8.png", "8")])
    dest = upscaled_copy(src, tmp_path / "big", megapixels=0.5)
    assert read_labels(dest) == [("w_7.jpg", "7"), ("t_8.jpg", "8")]
    with Image.open(dest / "w_7.jpg") as img:
        w, h = img.size
    assert abs(w * h - 500_000) < 2_000 and abs(w / h - 2.0) < 0.01
    assert sorted(p.name for p in src.iterdir()) == ["labels.csv", "t_8.png", "w_7.png"]  # source untouched


def test_misses_are_saved_annotated_with_a_list_and_nothing_is_replaced(tmp_path):
    rows = [("a_210.png", "210"), ("b_219.png", "210"), ("d_5.png", "57")]
    out = tmp_path / "misses"
    out.mkdir()
    (out / "misses.csv").write_text("mine\n")
    run(labelled_folder(tmp_path / "set", rows), ReadsFromName(), misses=out)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["b_219-annotated.png", "d_5-annotated.png", "misses-001.csv", "misses.csv"]
    assert (out / "misses.csv").read_text() == "mine\n"
    assert (out / "misses-001.csv").read_text().splitlines() == ["file,label,read", "b_219.png,210,219", "d_5.png,57,5"]
    with Image.open(out / "d_5-annotated.png") as img:
        assert img.width >= 60 and img.mode == "RGB"
