"""House-number signs for tests and benchmarks: printed digits on a sign on a wall.

Each sign is drawn deterministically from its index: a 1-5 digit number in one of
matplotlib's fonts, light on a dark sign or dark on a light one, with or without a border
in the digits' colour, on a wall of another colour, slightly rotated, blurred, noisy and
JPEG-compressed. MNIST has no printed digits and a sign's own edges and frame look like
strokes, so these pictures test what handwriting scenes do not.
"""

from __future__ import annotations

import numpy as np

from training.synthetic.scenes import Scene, jpeg_roundtrip


def _colours(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Return (wall, sign, ink): the ink contrasts with the sign, the wall is anything."""
    wall = tuple(int(v) for v in rng.integers(0, 256, 3))
    dark_sign = rng.random() < 0.5
    sign_range, ink_range = ((20, 110), (215, 256)) if dark_sign else ((150, 245), (0, 50))
    sign = tuple(int(v) for v in rng.integers(*sign_range, 3))
    ink = tuple(int(v) for v in rng.integers(*ink_range, 3))
    return wall, sign, ink


def make_sign(index: int, seed: int = 0) -> Scene:
    """Draw sign ``index``; the same index and seed always give the same picture."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    from training.synthetic.printed import font_paths

    rng = np.random.default_rng([seed, index, 7])
    number = str(int(rng.integers(1, 10 ** int(rng.integers(1, 6)))))
    width, height = int(rng.integers(500, 1400)), int(rng.integers(350, 900))
    wall, sign, ink = _colours(rng)
    img = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(img)
    fonts = font_paths()
    font = ImageFont.truetype(str(fonts[int(rng.integers(len(fonts)))]), int(height * rng.uniform(0.15, 0.3)))
    x0, y0, x1, y1 = draw.textbbox((0, 0), number, font=font)
    left, top = (width - (x1 - x0)) // 2, (height - (y1 - y0)) // 2
    pad = int((y1 - y0) * rng.uniform(0.25, 0.6))
    border = max(2, (y1 - y0) // 15) if rng.random() < 0.5 else 0
    box = [left - pad, top - pad, left + x1 - x0 + pad, top + y1 - y0 + pad]
    draw.rounded_rectangle(box, radius=pad // 2, fill=sign, outline=ink if border else None, width=border)
    draw.text((left - x0, top - y0), number, font=font, fill=ink)
    img = img.rotate(float(rng.uniform(-5, 5)), resample=Image.BILINEAR, fillcolor=wall)
    img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.5))))
    pixels = np.asarray(img, dtype=np.float32) + rng.normal(0, rng.uniform(1, 6), (height, width, 3))
    return Scene(jpeg_roundtrip(pixels, int(rng.integers(50, 90))), number)
