"""The drawing window, driven on the Agg backend by synthetic mouse events."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
from PIL import Image

from detector.app.draw import OTHER, SIZE, TOP, DrawPad, paint_segment
from detector.paths import DEFAULT_MODEL

matplotlib.use("Agg")


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def predictor(tiny_model):
    from detector.predict import Predictor

    return Predictor.load(tiny_model)


@pytest.fixture
def pad(predictor, tmp_path):
    import matplotlib.pyplot as plt

    pad = DrawPad(predictor, tmp_path / "menu_data", clock=FakeClock())
    pad.fig.canvas.draw()
    yield pad
    plt.close(pad.fig)


def mouse(pad, name: str, col: float, row: float) -> None:
    from matplotlib.backend_bases import MouseEvent

    x, y = pad.ax_draw.transData.transform((col, row))
    pad.fig.canvas.callbacks.process(name, MouseEvent(name, pad.fig.canvas, x, y, button=1))


def stroke(pad, points, step_seconds: float = 0.05) -> None:
    mouse(pad, "button_press_event", *points[0])
    for p in points[1:]:
        pad.clock.now += step_seconds
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


def test_live_predictions_are_throttled(pad):
    mouse(pad, "button_press_event", 100, 100)
    for i in range(20):  # 20 motion events within 0.2 s of each other
        pad.clock.now += 0.01
        mouse(pad, "motion_notify_event", 100 + i * 3, 100)
    during = pad.predictions
    mouse(pad, "button_release_event", 160, 100)
    assert 1 <= during <= 2  # at most one per MIN_INTERVAL while moving
    assert pad.predictions == during + 1  # and always at pen-up


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


needs_model = pytest.mark.skipif(
    not DEFAULT_MODEL.exists(), reason=f"needs the trained model at {DEFAULT_MODEL} (train it first)"
)


@pytest.fixture
def real_pad(tmp_path):
    import matplotlib.pyplot as plt

    from detector.predict import Predictor

    pad = DrawPad(Predictor.load(DEFAULT_MODEL), tmp_path, clock=FakeClock())
    pad.fig.canvas.draw()
    yield pad
    plt.close(pad.fig)


@needs_model
def test_vertical_stroke_reads_as_one(real_pad):
    stroke(real_pad, [(140, 50 + 10 * i) for i in range(19)])
    assert real_pad.reading.number == "1"
    assert int(bar_heights(real_pad).argmax()) == 1


@needs_model
def test_ring_reads_as_zero(real_pad):
    ring = [(140 + 60 * math.sin(t), 140 - 85 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 40)]
    stroke(real_pad, ring)
    assert real_pad.reading.number == "0"
    assert int(bar_heights(real_pad).argmax()) == 0
