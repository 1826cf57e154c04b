"""Draw a digit with the mouse and watch the model's ten probabilities change live."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from detector.results import Reading, percent

SIZE = 280  # canvas side in pixels: ten times MNIST's 28
BRUSH = 11.0  # brush radius; MNIST strokes are about a tenth of the digit's width
PREDICT_EVERY_MS = 150  # live predictions run on a timer, never in the motion handler
TOP, OTHER = "#2ca02c", "#9e9e9e"


def paint_segment(canvas: np.ndarray, p0: tuple[float, float], p1: tuple[float, float], radius: float) -> None:
    """Paint a round-ended, antialiased line from p0 to p1 (x, y) into ``canvas`` in place."""
    h, w = canvas.shape
    (x0, y0), (x1, y1) = p0, p1
    left, right = int(max(0, min(x0, x1) - radius - 1)), int(min(w, max(x0, x1) + radius + 2))
    top, bottom = int(max(0, min(y0, y1) - radius - 1)), int(min(h, max(y0, y1) + radius + 2))
    if left >= right or top >= bottom:
        return
    ys, xs = np.mgrid[top:bottom, left:right].astype(np.float32)
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0, 1) if length2 > 0 else 0.0
    dist = np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))  # distance to the segment
    ink = np.clip(radius - dist + 0.5, 0, 1)
    np.maximum(canvas[top:bottom, left:right], ink, out=canvas[top:bottom, left:right])


def shown_probabilities(reading: Reading) -> np.ndarray:
    """Return the ten probabilities to plot: the largest digit's, or zeros when none was found."""
    if not reading.digits:
        return np.zeros(10, dtype=np.float32)
    biggest = max(reading.digits, key=lambda d: d.box[2] * d.box[3])
    return np.asarray(biggest.probabilities, dtype=np.float32)


class DrawPad:
    """A matplotlib figure: a drawing canvas on the left, probability bars on the right.

    The pen paints at once on every motion event; the model runs on a timer while the
    pen moves (and at pen-up), so a quick stroke keeps its corners. Works on any backend,
    so tests drive it on Agg with synthetic mouse events (and fire the timer themselves).

    Args:
        predictor: A ``Predictor``; drawings go through ``read_array`` like any file.
        save_dir: Where Save puts new PNGs (``drawing-001.png``, ...).
        figure: The figure to build in (default: a new pyplot figure).
        on_save: Called with (path, number read) after each Save.
    """

    def __init__(
        self, predictor, save_dir: Path, figure=None, on_save: Callable[[tuple[Path, str]], None] | None = None
    ) -> None:
        self.predictor = predictor
        self.save_dir = Path(save_dir)
        self.on_save = on_save
        self.pixels = np.zeros((SIZE, SIZE), dtype=np.float32)
        self.reading = Reading("drawing")
        self.saved: list[Path] = []
        self.predictions = 0
        self.stale = False  # painted since the last prediction
        self._job: threading.Thread | None = None  # a prediction running in the background
        self._pending = Reading("drawing")
        self._last: tuple[float, float] | None = None
        self.fig = figure if figure is not None else _new_figure()
        self.timer = self.fig.canvas.new_timer(interval=PREDICT_EVERY_MS)
        self.timer.add_callback(self.tick)
        self._build()

    def _build(self) -> None:
        from matplotlib.widgets import Button

        grid = self.fig.add_gridspec(3, 2, width_ratios=(3, 2), height_ratios=(1, 1, 0.18), hspace=0.35)
        self.ax_draw = self.fig.add_subplot(grid[0:2, 0])
        self.image = self.ax_draw.imshow(self.pixels, cmap="gray", vmin=0, vmax=1)
        self.ax_draw.set_xticks([])
        self.ax_draw.set_yticks([])
        self.ax_draw.format_coord = lambda _x, _y: ""  # no pointer coordinates in the window
        self.labels: list = []
        self.bar_axes = [self.fig.add_subplot(grid[0, 1]), self.fig.add_subplot(grid[1, 1])]
        self.bars = [self._bar_axis(ax, range(5 * i, 5 * i + 5)) for i, ax in enumerate(self.bar_axes)]
        self.clear_button = Button(self.fig.add_subplot(grid[2, 0]), "Clear")
        self.save_button = Button(self.fig.add_subplot(grid[2, 1]), "Save")
        self.clear_button.on_clicked(lambda _event: self.clear())
        self.save_button.on_clicked(lambda _event: self._save_clicked())
        for name, handler in (
            ("button_press_event", self.on_press),
            ("motion_notify_event", self.on_motion),
            ("button_release_event", self.on_release),
        ):
            self.fig.canvas.mpl_connect(name, handler)
        self._show(np.zeros(10))

    def _bar_axis(self, ax, digits: range):
        bars = ax.bar(list(digits), [0] * 5, color=OTHER)
        ax.set_ylim(0, 1.25)
        ax.set_xticks(list(digits))
        ax.set_yticks([])
        ax.set_facecolor("#f4f4f4")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        self.labels.extend(ax.text(d, 0.02, "", ha="center", fontsize=8) for d in digits)  # percentages
        return bars

    def on_press(self, event) -> None:
        """Start a stroke when the left button goes down on the canvas."""
        if event.inaxes is self.ax_draw and event.button == 1 and event.xdata is not None:
            self._last = (event.xdata, event.ydata)
            self.stroke(self._last, self._last)

    def on_motion(self, event) -> None:
        """Continue the stroke; the timer predicts (nothing slow runs here)."""
        if self._last is None or event.inaxes is not self.ax_draw or event.xdata is None:
            return
        point = (event.xdata, event.ydata)
        self.stroke(self._last, point)  # interpolated: a segment, not a dot per event
        self._last = point
        if not self.stale:
            self.stale = True
            self.timer.start()

    def tick(self) -> None:
        """Timer: show a finished background prediction; start one when the drawing changed.

        The model runs in a thread (torch and numpy release the GIL), so the window keeps
        taking motion events while it thinks and a quick stroke keeps its corners.
        """
        if self._job is not None and not self._job.is_alive():
            self._job = None
            self._apply(self._pending)
        if self._job is None and self.stale:
            self.stale = False
            self._job = threading.Thread(target=self._predict_into, args=(self.pixels.copy(),), daemon=True)
            self._job.start()
        if self._last is None and self._job is None and not self.stale:
            self.timer.stop()

    def _predict_into(self, pixels: np.ndarray) -> None:
        self._pending = self._read(pixels)

    def on_release(self, event) -> None:
        """End the stroke (pen up) and predict."""
        if self._last is not None:
            self._last = None
            self.timer.stop()
            self.predict()

    def stroke(self, p0: tuple[float, float], p1: tuple[float, float]) -> None:
        """Paint a segment with the brush and refresh the canvas (only the drawing, when the backend can)."""
        paint_segment(self.pixels, p0, p1, BRUSH)
        self.image.set_data(self.pixels)
        canvas = self.fig.canvas
        try:  # the image covers its axes: redraw just it, not the whole figure, so the pen keeps up
            self.ax_draw.draw_artist(self.image)
            canvas.blit(self.ax_draw.bbox)
        except Exception:  # no renderer yet, or a backend without blitting: a full redraw soon
            canvas.draw_idle()

    def predict(self) -> Reading:
        """Read the drawing exactly like a file, now, and update the bars."""
        if self._job is not None:
            self._job.join()
            self._job = None
        self.stale = False
        self._apply(self._read(self.pixels.copy()))
        return self.reading

    def _read(self, pixels: np.ndarray) -> Reading:
        if pixels.max() <= 0:
            return Reading("drawing")
        return self.predictor.read_array(pixels, source="drawing")

    def _apply(self, reading: Reading) -> None:
        self.reading = reading
        self.predictions += 1
        self._show(shown_probabilities(reading))

    def _show(self, probs: np.ndarray) -> None:
        top = int(probs.argmax()) if probs.max() > 0 else -1
        for half, bars in enumerate(self.bars):
            for digit, bar in enumerate(bars, start=5 * half):
                bar.set_height(float(probs[digit]))
                bar.set_color(TOP if digit == top else OTHER)
                self.labels[digit].set_text(percent(float(probs[digit])) if probs.max() > 0 else "")
                self.labels[digit].set_y(float(probs[digit]) + 0.03)
        self.ax_draw.set_title(self.title())
        self.bar_axes[0].set_title(self.bars_note(), fontsize=9)
        self.fig.canvas.draw_idle()

    def bars_note(self) -> str:
        """Return the note over the bars: whose probabilities they are when several digits were found."""
        n = len(self.reading.digits)
        if n < 2:
            return ""
        biggest = max(range(n), key=lambda i: self.reading.digits[i].box[2] * self.reading.digits[i].box[3])
        return f"Bars: digit {biggest + 1} of {n} (the largest)"

    def title(self) -> str:
        """Return the canvas title: the current guess, or what to do."""
        if not self.reading.digits:
            return "Draw a digit with the mouse"
        return f"Predicted: {self.reading.number} ({percent(self.reading.confidence)})"

    def clear(self) -> None:
        """Erase the drawing and reset the bars."""
        self.pixels[:] = 0
        self._last = None
        self.image.set_data(self.pixels)
        self.reading = Reading("drawing")
        self._show(np.zeros(10))

    def save(self) -> Path:
        """Store the drawing as a new PNG in ``save_dir`` (never overwriting a file).

        Raises:
            OutputError: The folder is not writable.
        """
        from PIL import Image

        from detector.files import save_new

        if self.stale:
            self.predict()
        img = Image.fromarray((self.pixels * 255).round().astype(np.uint8))
        path = save_new(self.save_dir, "drawing", ".png", lambda fh: img.save(fh, format="PNG"), numbered=True)
        self.saved.append(path)
        if self.on_save is not None:
            self.on_save((path, self.reading.number))
        return path

    def _save_clicked(self) -> None:
        from detector.errors import DetectorError

        try:
            self.ax_draw.set_xlabel(f"Saved {self.save().name}")
        except DetectorError as err:
            self.ax_draw.set_xlabel(str(err)[:60])
        self.fig.canvas.draw_idle()


def _new_figure():
    import matplotlib.pyplot as plt

    plt.rcParams["toolbar"] = "None"  # a drawing pad: no pan/zoom toolbar
    fig = plt.figure(figsize=(8, 5.5))
    fig.canvas.manager.set_window_title("Number Detector - draw a digit")
    return fig


def run_draw(predictor, save_dir: Path, on_save: Callable[[tuple[Path, str]], None] | None = None) -> list[Path]:
    """Open the drawing window and block until it is closed; return the files saved.

    Args:
        predictor: The loaded ``Predictor``.
        save_dir: Where Save puts drawings.
        on_save: Called with (path, number read) after each Save, while the window is open.
    """
    import matplotlib.pyplot as plt

    warm = np.zeros((SIZE, SIZE), dtype=np.float32)
    paint_segment(warm, (140, 60), (140, 220), BRUSH)
    predictor.read_array(warm, source="warm-up")  # the first run is slow; not while the pen is down
    pad = DrawPad(predictor, save_dir, on_save=on_save)
    plt.show()
    # A window killed from outside (xkill, a crashed window manager) leaves the GUI toolkit
    # torn down, and closing it again raises the toolkit's own error: it is closed either way.
    with contextlib.suppress(Exception):
        plt.close(pad.fig)
    return pad.saved
