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
    return f"Predicted: {reading.number} ({percent(reading.confidence)}){flag}"


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
    digits = reading.digits if reading.row is None else ()
    boxes = [tuple(round(v * factor) for v in d.box) for d in digits]
    texts = [f"{d.digit} {percent(d.confidence)}" for d in digits]
    font = _font(label_size(boxes, img.height))
    sizes = [_text_size(draw, t, font) for t in texts]
    for d, box, text, (x, y) in zip(digits, boxes, texts, place_labels(boxes, sizes, img.size), strict=True):
        bx, by, bw, bh = box
        color = (230, 40, 40) if d.confidence < reading.threshold else (30, 200, 60)
        draw.rectangle((bx, by, bx + bw - 1, by + bh - 1), outline=color, width=max(2, img.height // 150))
        tw, th = _text_size(draw, text, font)
        draw.rectangle((x - 1, y - 1, x + tw + 1, y + th + 1), fill=(255, 255, 255))  # readable on any photo
        draw.text((x, y), text, fill=color, font=font, anchor="lt")
    return _with_caption(img, caption(reading), _font(max(12, img.height // 18)))


def label_size(boxes: list[tuple[int, int, int, int]], height: int) -> int:
    """Return a font size for the box labels: big on a lone digit, smaller when digits are narrow and close."""
    size = max(12, height // 18)
    if boxes:
        narrowest = min(w for _x, _y, w, _h in boxes)
        size = min(size, max(10, round(narrowest * 0.55)))  # "7 99.9%" is about 3.5 x the size wide
    return size


def place_labels(
    boxes: list[tuple[int, int, int, int]], sizes: list[tuple[int, int]], image_size: tuple[int, int]
) -> list[tuple[int, int]]:
    """Return a top-left corner for each box's label so that no two labels overlap.

    Each label goes above its box when there is room, else below it, else inside its top;
    a label that would cover an earlier one is staggered one label-height further up or down.

    Args:
        boxes: (x, y, w, h) in picture pixels.
        sizes: (width, height) of each label's text.
        image_size: (width, height) of the picture.
    """
    width, height = image_size
    placed: list[tuple[int, int, int, int]] = []
    corners = []
    for (x, y, _w, h), (tw, th) in zip(boxes, sizes, strict=True):
        x = min(max(0, x), max(0, width - tw - 1))
        step = th + 4
        above, below = [y - step * k for k in (1, 2, 3)], [y + h + 3 + step * k for k in (0, 1, 2)]
        candidates = [above[0], below[0], y + 2, *above[1:], *below[1:]]
        fits = [c for c in candidates if 0 <= c <= height - th - 1] or [min(max(0, y), max(0, height - th - 1))]
        free = [c for c in fits if not any(_overlap((x, c, tw, th), other) for other in placed)]
        top = (free or fits)[0]
        placed.append((x, top, tw, th))
        corners.append((x, top))
    return corners


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw + 2 and bx < ax + aw + 2 and ay < by + bh + 2 and by < ay + ah + 2


def _text_size(draw, text: str, font) -> tuple[int, int]:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font, anchor="lt")
    return right - left, bottom - top


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


def save_annotated(reading: Reading, folder: str | Path, overwrite: bool = False) -> Path:
    """Re-read ``reading.source`` at full size, draw its boxes and save a PNG in ``folder``.

    CSV readings (``row`` set) are drawn from their 28x28 row.

    Args:
        reading: What was read, with ``source`` naming the file.
        folder: Where the PNG goes (``<name>-annotated.png``).
        overwrite: Replace an earlier ``<name>-annotated.png`` (for scripts that rerun);
            by default a new name is chosen (``-001``, ...) and nothing is replaced.

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
    if overwrite:
        from detector.files import ensure_folder, write_atomic

        return write_atomic(ensure_folder(folder) / f"{stem}-annotated.png", _png_writer(img))
    return save_new(folder, f"{stem}-annotated", ".png", _png_writer(img))
