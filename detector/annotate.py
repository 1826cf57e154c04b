"""Pictures of results: boxes and labels drawn on the image, and saved as a new PNG (pure; no window)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from detector.errors import DetectorError, OutputError
from detector.results import Reading, percent

ANNOTATE_MAX_SIDE = 4096  # re-read large photos at most this big; boxes are scaled to match
MIN_SIDE = 280  # small pictures (MNIST 28x28) are enlarged so labels stay readable


def caption(reading: Reading) -> str:
    """Return the one-line title of a picture, e.g. ``Predicted: 7 (98%)``."""
    if reading.error:
        return f"Error: {reading.error}"
    if not reading.digits:
        return "No digit found"
    flag = " - low confidence" if reading.low_confidence else ""
    return f"Predicted: {reading.number} ({percent(reading.confidence, 0)}){flag}"


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
    from detector.csvfile import load_pixels
    from detector.files import save_new
    from detector.io import read_image

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
