"""The menu's steps (detector.app.menu_steps) on their own: the row typed, the preview's crop, the drawing's model."""

import numpy as np

from detector.app.menu_steps import parse_row
from detector.results import DigitResult, Reading


def test_parse_row_range():
    assert [parse_row(t, 3) for t in ("0", " 2 ", "3", "-1", "x", "1.5")] == [0, 2, None, None, None, None]


def test_preview_is_cropped_to_the_digits():
    from detector.app.menu_steps import crop_to_digits

    photo = np.zeros((1000, 2000), np.float32)
    reading = Reading("p.jpg", digits=(DigitResult(1, 0.9, (0.0,) * 10, (1000, 400, 40, 100)),))
    crop = crop_to_digits(photo, reading, scale=2.0)  # boxes are in source pixels, twice the array's
    assert crop.shape == (81, 51)  # the 20 x 50 digit with 30 % of its longer side (15 px) all round
    assert crop_to_digits(photo, Reading("p.jpg")) is photo


def test_the_drawing_window_reads_with_the_menus_own_predictor_as_forked(tmp_path, monkeypatch):
    # a new onnxruntime session opened in a forked child can wait for ever on a lock the parent's threads held
    from detector.app import draw
    from detector.app.menu_steps import draw_and_offer
    from tests.helpers import Scripted, sel

    menus_predictor = object()

    def window(predictor, save_dir, on_save):  # runs in the forked child
        assert predictor is menus_predictor  # the very object, not a model loaded again
        path = save_dir / "drawing-001.png"
        path.write_bytes(b"drawn")
        on_save((path, "7"))
        return [path]

    monkeypatch.setattr(draw, "run_draw", window)
    said = []
    chosen = draw_and_offer(Scripted(sel("back")), lambda text, *_: said.append(text), menus_predictor, tmp_path)
    assert chosen is None and said == [f"Saved {tmp_path / 'drawing-001.png'}; it reads as 7."]
