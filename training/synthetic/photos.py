"""Phone-photo-like pictures: one digit filling the frame, and a number on a sheet turned on a table.

Each picture is drawn deterministically from its index and seed. Digits are MNIST digits
(the caller passes the test set for benchmarks, the training set for training) or, for
some pictures, a printed digit in one of matplotlib's fonts. Photos are phone-sized
within the segmentation's working size (1200 px), so generating larger would only be
shrunk again.
"""

from __future__ import annotations

import numpy as np

from training.synthetic.scenes import Scene, ink_bounds, jpeg_roundtrip
from training.synthetic.surfaces import paper, specks, turn_with_boxes


def glyph(rng: np.random.Generator, digits: np.ndarray, labels: np.ndarray, size: int) -> tuple[np.ndarray, str]:
    """Return the ink (size, size) 0..1 of one digit and its label: an MNIST digit (75 %) or a printed one."""
    from PIL import Image, ImageDraw, ImageFont

    if rng.random() < 0.75:
        k = int(rng.integers(len(digits)))
        img = Image.fromarray(digits[k]).resize((size, size), Image.BICUBIC)
        return np.clip(np.asarray(img, np.float32) / 255 * 1.15, 0, 1), str(int(labels[k]))
    from training.synthetic.fonts import font_paths

    label = str(int(rng.integers(10)))
    fonts = font_paths()
    font = ImageFont.truetype(str(fonts[int(rng.integers(len(fonts)))]), size)
    canvas = Image.new("L", (size * 2, size * 2), 0)
    draw = ImageDraw.Draw(canvas)
    x0, y0, x1, y1 = draw.textbbox((0, 0), label, font=font)
    draw.text((0, 0), label, font=font, fill=255)
    cut = canvas.crop((x0, y0, x1, y1))
    scale = size * 0.8 / max(cut.size)
    cut = cut.resize((max(1, round(cut.width * scale)), max(1, round(cut.height * scale))), Image.BILINEAR)
    out = Image.new("L", (size, size), 0)
    out.paste(cut, ((size - cut.width) // 2, (size - cut.height) // 2))
    return np.asarray(out, np.float32) / 255, label


def _finish(rng: np.random.Generator, gray: np.ndarray, colour_ink: bool) -> np.ndarray:
    """Return an RGB uint8 photo from a grey picture: a colour cast, sensor noise, blur and JPEG."""
    from scipy import ndimage

    gray = ndimage.gaussian_filter(gray, rng.uniform(0.3, 1.6))
    gray = gray + rng.normal(0, rng.uniform(1, 5), gray.shape)
    cast = rng.uniform(0.9, 1.08, 3) if colour_ink else rng.uniform(0.95, 1.05, 3)
    return jpeg_roundtrip(gray[..., None] * cast[None, None, :], int(rng.integers(55, 92)))


def make_filled(digits: np.ndarray, labels: np.ndarray, index: int, seed: int = 0) -> Scene:
    """Draw picture ``index``: one big marker digit filling most of a phone photo of textured paper.

    The digit's ink spans 50-85 % of the picture's shorter side and may touch its edge, the paper
    has grain, specks and vignetting. Returns the picture and the digit.
    """
    rng = np.random.default_rng([seed, index, 11])
    side = int(rng.integers(640, 1201))  # the longer side
    h, w = (side, int(side * rng.uniform(0.75, 1.0)))[:: 1 if rng.random() < 0.5 else -1]
    sheet = paper(rng, h, w)
    size = int(min(h, w) * rng.uniform(0.7, 1.15))  # an MNIST digit's ink spans the middle 70 % of its box
    ink, label = glyph(rng, digits, labels, size)
    top = int(rng.integers(min(0, h - size), max(1, h - size) + 1))
    left = int(rng.integers(min(0, w - size), max(1, w - size) + 1))
    layer = np.zeros((h, w), np.float32)
    ys, xs = slice(max(0, top), min(h, top + size)), slice(max(0, left), min(w, left + size))
    layer[ys, xs] = ink[ys.start - top : ys.stop - top, xs.start - left : xs.stop - left]
    level = rng.uniform(5, 90)
    photo = sheet * (1 - layer) + level * layer
    photo = specks(rng, photo, int(rng.integers(0, 8)), side * rng.uniform(0.002, 0.006), level)
    box = ink_bounds(layer, 0, 0)
    return Scene(_finish(rng, photo, True), label, (box,) if box else ())


def make_turned(digits: np.ndarray, labels: np.ndarray, index: int, seed: int = 0) -> Scene:
    """Draw picture ``index``: a 1-5 digit number on a sheet, photographed turned 2-8 degrees on a table.

    The table shows as dark or light wedges along the edges, sometimes with its own far edge.
    Returns the picture and the number.
    """
    rng = np.random.default_rng([seed, index, 12])
    w = int(rng.integers(700, 1200))
    h = int(w * rng.uniform(0.6, 1.0))
    sheet = paper(rng, h, w)
    n = int(rng.integers(1, 6))
    size = int(min(h * rng.uniform(0.2, 0.45), w * 0.8 / n / 0.75))
    step = size * rng.uniform(0.62, 0.9)
    x = (w - step * (n - 1) - size) / 2 + rng.uniform(-0.1, 0.1) * w
    y = int((h - size) / 2 + rng.uniform(-0.15, 0.15) * h)
    layer = np.zeros((h, w), np.float32)
    number, boxes = "", []
    for i in range(n):
        ink, label = glyph(rng, digits, labels, size)
        x0, y0 = int(x + i * step), y + int(rng.integers(-size // 14, size // 14 + 1))
        x0, y0 = int(np.clip(x0, 0, w - size)), int(np.clip(y0, 0, h - size))
        layer[y0 : y0 + size, x0 : x0 + size] = np.maximum(layer[y0 : y0 + size, x0 : x0 + size], ink)
        number += label
        boxes.append(ink_bounds(ink, x0, y0) or (x0, y0, x0 + size, y0 + size))
    level = rng.uniform(5, 100)
    photo = sheet * (1 - layer) + level * layer
    degrees = float(rng.choice([-1, 1]) * rng.uniform(2, 8))
    turned, boxes = turn_with_boxes(rng, photo, degrees, boxes)
    return Scene(_finish(rng, turned, True), number, boxes)
