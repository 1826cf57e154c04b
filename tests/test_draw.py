"""The drawing window, driven on the Agg backend by synthetic mouse events."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
from PIL import Image

from detector.app.draw import OTHER, SIZE, TOP, DrawPad, paint_segment

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def predictor(tiny_model):
    from detector.predict import Predictor

    return Predictor.load(tiny_model)


@pytest.fixture
def pad(predictor, tmp_path):
    import matplotlib.pyplot as plt

    pad = DrawPad(predictor, tmp_path / "menu_data")
    pad.fig.canvas.draw()
    yield pad
    plt.close(pad.fig)


def mouse(pad, name: str, col: float, row: float) -> None:
    from matplotlib.backend_bases import MouseEvent

    x, y = pad.ax_draw.transData.transform((col, row))
    pad.fig.canvas.callbacks.process(name, MouseEvent(name, pad.fig.canvas, x, y, button=1))


def stroke(pad, points) -> None:
    mouse(pad, "button_press_event", *points[0])
    for p in points[1:]:
        mouse(pad, "motion_notify_event", *p)
    mouse(pad, "button_release_event", *points[-1])


def click(pad, button) -> None:
    from matplotlib.backend_bases import MouseEvent

    x, y = button.ax.transAxes.transform((0.5, 0.5))
    for name in ("button_press_event", "button_release_event"):
        pad.fig.canvas.callbacks.process(name, MouseEvent(name, pad.fig.canvas, x, y, button=1))


def bar_heights(pad) -> np.ndarray:
    return np.array([bar.get_height() for bars in pad.bars for bar in bars])


def test_paint_segment_is_continuous_and_round():
    canvas = np.zeros((64, 64), np.float32)
    paint_segment(canvas, (10, 20), (50, 20), 3.0)
    assert (canvas[20, 10:51] == 1).all()  # no gaps between the two events
    assert canvas[20, 55] == 0 and canvas[30, 30] == 0
    assert canvas[20, 8] == 1 and canvas[18, 10] == 1 and canvas[20, 7] == 0.5  # antialiased edge
    assert canvas[17, 7] == 0  # round end: a square brush would paint this corner


def test_vertical_layout_two_bar_axes(pad):
    assert [len(b) for b in pad.bars] == [5, 5]
    ticks = [list(ax.get_xticks()) for ax in pad.bar_axes]
    assert ticks == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_drawing_updates_bars_with_the_same_preprocessing(pad, predictor):
    stroke(pad, [(140, 60), (140, 140), (140, 220)])
    assert pad.pixels[60:220, 140].min() == 1.0 and pad.pixels[140, 20] == 0
    heights = bar_heights(pad)
    assert heights.sum() == pytest.approx(1.0, abs=1e-3)
    expected = predictor.read_array(pad.pixels.copy(), source="drawing")
    assert pad.reading.number == expected.number
    assert heights == pytest.approx(expected.digits[0].probabilities, abs=1e-5)
    top = int(heights.argmax())
    colors = [matplotlib.colors.to_hex(bar.get_facecolor()) for bars in pad.bars for bar in bars]
    assert colors[top] == TOP and colors.count(OTHER) == 9
    assert pad.title().startswith(f"Predicted: {expected.number}")


def test_the_pen_paints_at_once_and_the_model_runs_on_the_timer(pad):
    mouse(pad, "button_press_event", 100, 100)
    for i in range(1, 21):  # a quick stroke: 20 motion events, no time for the timer in between
        mouse(pad, "motion_notify_event", 100 + i * 3, 100 + (i > 10) * (i - 10) * 6)
        assert pad.pixels[round(100 + (i > 10) * (i - 10) * 6), round(100 + i * 3)] == 1.0  # painted at once
    assert pad.predictions == 0 and pad.stale  # the motion handler never ran the model
    assert pad.pixels[100, 130] == 1.0 and pad.pixels[160, 160] == 1.0  # the corner of the stroke is there
    pad.tick()  # the timer fires: the model starts in the background
    pad._job.join()
    pad.tick()  # and the next tick shows its answer
    assert pad.predictions == 1 and not pad.stale
    pad.tick()  # nothing new drawn: no prediction
    assert pad.predictions == 1
    mouse(pad, "button_release_event", 160, 160)
    assert pad.predictions == 2  # and always at pen-up


def test_no_toolbar_and_no_coordinates_in_the_window(pad):
    import matplotlib.pyplot as plt

    assert plt.rcParams["toolbar"] == "None"
    assert pad.ax_draw.format_coord(10.0, 20.0) == ""


def test_bars_say_which_digit_they_belong_to_when_there_are_several(pad):
    stroke(pad, [(40, 60), (40, 220)])
    stroke(pad, [(150, 60), (230, 60), (180, 220)])
    n = len(pad.reading.digits)
    note = pad.bar_axes[0].get_title()
    assert (n > 1 and note.startswith("Bars: digit ") and f"of {n}" in note) or (n <= 1 and note == "")
    pad.clear()
    assert pad.bar_axes[0].get_title() == ""


def test_clear_button_empties_canvas_and_bars(pad):
    stroke(pad, [(80, 80), (200, 200)])
    assert pad.pixels.max() == 1 and bar_heights(pad).sum() > 0.99
    click(pad, pad.clear_button)
    assert pad.pixels.max() == 0 and bar_heights(pad).sum() == 0
    assert pad.reading.digits == ()


def test_save_button_writes_a_new_png_without_overwriting(pad):
    pad.save_dir.mkdir(parents=True)
    existing = pad.save_dir / "drawing-001.png"
    Image.new("L", (5, 5), 128).save(existing)
    before = existing.read_bytes()
    stroke(pad, [(140, 60), (140, 220)])
    click(pad, pad.save_button)
    assert existing.read_bytes() == before
    assert [p.name for p in pad.saved] == ["drawing-002.png"]
    saved = np.asarray(Image.open(pad.saved[0]))
    assert saved.shape == (SIZE, SIZE) and saved[140, 140] == 255 and saved[140, 20] == 0
    assert "drawing-002.png" in pad.ax_draw.get_xlabel()


def test_save_tells_the_caller_the_file_and_the_number_read(predictor, tmp_path):
    import matplotlib.pyplot as plt

    told = []
    pad = DrawPad(predictor, tmp_path, on_save=told.append)
    try:
        mouse(pad, "button_press_event", 140, 60)
        mouse(pad, "motion_notify_event", 140, 220)  # no pen-up, no timer: Save reads the drawing first
        path = pad.save()
    finally:
        plt.close(pad.fig)
    assert told == [(path, pad.reading.number)] and pad.reading.number != ""


@pytest.fixture
def real_pad(tmp_path, shipped_predictor):
    import matplotlib.pyplot as plt

    pad = DrawPad(shipped_predictor, tmp_path)
    pad.fig.canvas.draw()
    yield pad
    plt.close(pad.fig)


def test_vertical_stroke_reads_as_one(real_pad):
    stroke(real_pad, [(140, 50 + 10 * i) for i in range(19)])
    assert real_pad.reading.number == "1"
    assert int(bar_heights(real_pad).argmax()) == 1


def test_ring_reads_as_zero(real_pad):
    ring = [(140 + 60 * math.sin(t), 140 - 85 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 40)]
    stroke(real_pad, ring)
    assert real_pad.reading.number == "0"
    assert int(bar_heights(real_pad).argmax()) == 0
