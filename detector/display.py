"""Pictures of results: boxes and labels drawn on the image, shown in a window or saved."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import numpy as np

from detector.errors import DetectorError, InputError, OutputError
from detector.results import Reading, percent

ANNOTATE_MAX_SIDE = 4096  # re-read large photos at most this big; boxes are scaled to match
MIN_SIDE = 280  # small pictures (MNIST 28x28) are enlarged so labels stay readable
NON_GUI_BACKENDS = ("agg", "pdf", "ps", "svg", "cairo", "template", "module://matplotlib_inline.backend_inline")


def has_display() -> bool:
    """Return True when a window can be opened: a desktop session and a GUI backend for matplotlib."""
    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    import matplotlib
    import matplotlib.pyplot  # resolves matplotlib's automatic backend choice

    return matplotlib.get_backend().lower() not in NON_GUI_BACKENDS


def caption(reading: Reading) -> str:
    """Return the one-line title of a picture, e.g. ``Predicted: 7 (98%)``."""
    if reading.error:
        return f"Error: {reading.error}"
    if not reading.digits:
        return "No digit found"
    flag = " - low confidence" if reading.low_confidence else ""
    return f"Predicted: {reading.number} ({percent(reading.confidence, 0)}){flag}"


def load_row(path: str | Path, row: int) -> tuple[np.ndarray, int | str | None]:
    """Return one CSV row's pixels (28x28, 0..1) and its label (None when the file has none).

    Raises:
        InputError: The file cannot be read or has no such row.
    """
    from detector.csvfile import read_csv

    for chunk in read_csv(path):
        if chunk.start <= row < chunk.start + len(chunk.images):
            i = row - chunk.start
            if chunk.errors[i]:
                raise InputError(f"{Path(path).name}: {chunk.errors[i]}")
            return chunk.images[i], chunk.labels[i]
    raise InputError(f"{Path(path).name} has no row {row}; pick a row that exists")


def load_pixels(path: str | Path, row: int | None = None) -> np.ndarray:
    """Return the grayscale pixels (0..1) of an image file or of one CSV row.

    Raises:
        InputError: The file cannot be read or has no such row.
    """
    from detector.io import read_image

    return read_image(path).pixels if row is None else load_row(path, row)[0]


def annotate(image, reading: Reading, scale: float = 1.0):
    """Draw each digit's box with its digit and confidence, and a caption underneath.

    Args:
        image: PIL image or grayscale array (0..1 float or uint8).
        reading: The reading whose boxes (in source pixels) to draw.
        scale: Source pixels per pixel of ``image`` (boxes are divided by it).

    Returns:
        A new RGB ``PIL.Image``.
    """
    from PIL import Image, ImageDraw

    img = _to_rgb(image)
    grow = max(1.0, MIN_SIDE / max(img.size))
    if grow > 1:
        img = img.resize((round(img.width * grow), round(img.height * grow)), Image.NEAREST)
    factor = grow / scale
    draw = ImageDraw.Draw(img)
    font = _font(max(12, img.height // 18))
    for d in reading.digits if reading.row is None else ():
        x, y, w, h = (round(v * factor) for v in d.box)
        color = (230, 40, 40) if d.confidence < reading.threshold else (30, 200, 60)
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline=color, width=max(2, img.height // 150))
        draw.text((x + 2, max(0, y - font.size - 4)), f"{d.digit} {percent(d.confidence, 0)}", fill=color, font=font)
    return _with_caption(img, caption(reading), font)


def _to_rgb(image):
    from PIL import Image

    if isinstance(image, Image.Image):
        return image.convert("RGB")
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0, 1) * 255).round().astype(np.uint8)
    return Image.fromarray(arr).convert("RGB")


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _with_caption(img, text: str, font):
    from PIL import Image, ImageDraw

    band = font.size + 12
    out = Image.new("RGB", (img.width, img.height + band), (255, 255, 255))
    out.paste(img, (0, 0))
    ImageDraw.Draw(out).text((6, img.height + 6), text, fill=(0, 0, 0), font=font)
    return out


def _png_writer(img):
    def write(fh: io.BufferedWriter) -> None:
        img.save(fh, format="PNG")

    return write


def save_annotated(reading: Reading, folder: str | Path) -> Path:
    """Re-read ``reading.source`` at full size, draw its boxes and save a new PNG in ``folder``.

    CSV readings (``row`` set) are drawn from their 28x28 row.

    Returns:
        The path of the new PNG.

    Raises:
        OutputError: The folder or file cannot be written, or the source cannot be read again.
    """
    from detector.io import read_image
    from detector.outputs import save_new

    stem = Path(reading.source).stem + ("" if reading.row is None else f"-row{reading.row}")
    try:
        if reading.row is None:
            loaded = read_image(reading.source, max_side=ANNOTATE_MAX_SIDE)
            img = annotate(loaded.pixels, reading, loaded.scale)
        else:
            img = annotate(load_pixels(reading.source, reading.row), reading)
    except DetectorError as err:
        raise OutputError(f"cannot draw {Path(reading.source).name}: {err}") from err
    return save_new(folder, f"{stem}-annotated", ".png", _png_writer(img))


def show_window(image, reading: Reading, scale: float = 1.0) -> None:
    """Open a matplotlib window with the annotated picture; returns when it is closed."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(annotate(image, reading, scale))  # the picture carries its caption, as the saved PNG does
    ax.axis("off")
    fig.canvas.manager.set_window_title(f"Number Detector - {caption(reading)}")
    plt.show()
    with contextlib.suppress(Exception):  # a window killed from outside has torn the toolkit down already
        plt.close(fig)
