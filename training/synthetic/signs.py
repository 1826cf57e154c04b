"""House-number signs for tests and benchmarks: printed digits on a sign on a wall.

Each sign is drawn deterministically from its index: a 1-5 digit number in one of
matplotlib's fonts (or, for the benchmark of unseen faces, one of the held-out families),
light on a dark sign or dark on a light one, with or without a border in the digits'
colour, on a wall of another colour, slightly rotated, blurred, noisy and JPEG-compressed.
MNIST has no printed digits and a sign's own edges and frame look like strokes, so these
pictures test what handwriting scenes do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from training.synthetic.scenes import Box, Scene, jpeg_roundtrip, turn_boxes

if TYPE_CHECKING:
    from training.synthetic.fonts import Face

    Families = tuple[tuple[Face, ...], ...]


def _colours(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Return (wall, sign, ink): the ink contrasts with the sign, the wall is anything."""
    wall = tuple(int(v) for v in rng.integers(0, 256, 3))
    dark_sign = rng.random() < 0.5
    sign_range, ink_range = ((20, 110), (215, 256)) if dark_sign else ((150, 245), (0, 50))
    sign = tuple(int(v) for v in rng.integers(*sign_range, 3))
    ink = tuple(int(v) for v in rng.integers(*ink_range, 3))
    return wall, sign, ink


def char_boxes(draw, origin: tuple[float, float], number: str, font) -> list[Box]:
    """The ink box of each character of ``number`` drawn with ``draw.text(origin, number, font=font)``.

    Each character is drawn alone where it falls in the number, and its box is where its ink
    is (a font's advance box is wider than a narrow 1 and would not match what is seen).
    """
    from PIL import Image, ImageDraw

    x, y = origin
    out = []
    for i, c in enumerate(number):
        left = x + font.getlength(number[:i])
        x0, y0, x1, y1 = (int(v) for v in draw.textbbox((left, y), c, font=font))
        probe = Image.new("L", (x1 - x0 + 4, y1 - y0 + 4), 0)
        ImageDraw.Draw(probe).text((left - x0 + 2, y - y0 + 2), c, font=font, fill=255)
        bx = probe.point(lambda v: 255 if v > 64 else 0).getbbox() or (2, 2, x1 - x0 + 2, y1 - y0 + 2)
        out.append((x0 - 2 + bx[0], y0 - 2 + bx[1], x0 - 2 + bx[2], y0 - 2 + bx[3]))
    return out


def _font(rng: np.random.Generator, size: int, families: Families | None):
    """One of matplotlib's faces (``families`` None), or a face of one of ``families``, at ``size`` px."""
    from training.synthetic.fonts import font_paths, load_font, pick_face

    if families is None:
        fonts = font_paths()
        return load_font(fonts[int(rng.integers(len(fonts)))], size)
    return load_font(pick_face(rng, families), size)


def make_sign(index: int, seed: int = 0, families: Families | None = None) -> Scene:
    """Draw sign ``index``; the same index and seed always give the same picture.

    Args:
        index: Picture number.
        seed: Set seed.
        families: Typeface families to draw the number in; None: matplotlib's faces.
    """
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng([seed, index, 7])
    number = str(int(rng.integers(1, 10 ** int(rng.integers(1, 6)))))
    width, height = int(rng.integers(500, 1400)), int(rng.integers(350, 900))
    wall, sign, ink = _colours(rng)
    img = Image.new("RGB", (width, height), wall)
    draw = ImageDraw.Draw(img)
    font = _font(rng, int(height * rng.uniform(0.15, 0.3)), families)
    x0, y0, x1, y1 = draw.textbbox((0, 0), number, font=font)
    left, top = (width - (x1 - x0)) // 2, (height - (y1 - y0)) // 2
    pad = int((y1 - y0) * rng.uniform(0.25, 0.6))
    border = max(2, (y1 - y0) // 15) if rng.random() < 0.5 else 0
    box = [left - pad, top - pad, left + x1 - x0 + pad, top + y1 - y0 + pad]
    draw.rounded_rectangle(box, radius=pad // 2, fill=sign, outline=ink if border else None, width=border)
    draw.text((left - x0, top - y0), number, font=font, fill=ink)
    boxes = char_boxes(draw, (left - x0, top - y0), number, font)
    degrees = float(rng.uniform(-5, 5))
    img = img.rotate(degrees, resample=Image.BILINEAR, fillcolor=wall)
    img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.5))))
    pixels = np.asarray(img, dtype=np.float32) + rng.normal(0, rng.uniform(1, 6), (height, width, 3))
    image = jpeg_roundtrip(pixels, int(rng.integers(50, 90)))
    return Scene(image, number, turn_boxes(boxes, degrees, (width, height)))


def make_plate(index: int, seed: int = 0, families: Families | None = None) -> Scene:
    """Draw plate ``index``: a bordered house-number plate on a textured wall, often between door or window edges.

    The plate has a border (sometimes two) in the digits' colour, sometimes screws at its
    corners; the wall is plaster, bricks or tiles of any brightness, so a pale wall around a
    dark plate is as likely as a dark one. ``families`` as :func:`make_sign`. Returns the
    picture and the number.
    """
    from PIL import Image, ImageDraw, ImageFilter

    from training.synthetic.surfaces import door_edges, wall

    rng = np.random.default_rng([seed, index, 13])
    number = str(int(rng.integers(1, 10 ** int(rng.integers(1, 5)))))
    width, height = int(rng.integers(500, 1200)), int(rng.integers(400, 900))
    _wall, sign, ink = _colours(rng)
    sign_grey, ink_grey = float(np.mean(sign)), float(np.mean(ink))
    font = _font(rng, int(height * rng.uniform(0.12, 0.28)), families)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    x0, y0, x1, y1 = probe.textbbox((0, 0), number, font=font)
    left = (width - (x1 - x0)) // 2 + int(rng.integers(-width // 10, width // 10 + 1))
    top = (height - (y1 - y0)) // 2 + int(rng.integers(-height // 10, height // 10 + 1))
    pad = int((y1 - y0) * rng.uniform(0.2, 0.5))
    box = (left - pad, top - pad, left + x1 - x0 + pad, top + y1 - y0 + pad)
    surface = door_edges(rng, wall(rng, height, width), box)
    img = Image.fromarray(np.clip(surface, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    line = max(2, (y1 - y0) // int(rng.integers(8, 20)))
    draw.rounded_rectangle(box, radius=int(pad * rng.uniform(0, 0.6)), fill=int(sign_grey), outline=int(ink_grey),
                           width=line)  # fmt: skip
    if rng.random() < 0.3:  # an inner border
        inset = line + max(2, pad // 4)
        inner = (box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset)
        draw.rectangle(inner, outline=int(ink_grey), width=max(1, line // 2))
    if rng.random() < 0.4:  # screws in the corners
        r = max(2, pad // 6)
        for cx, cy in ((box[0] + pad // 2, box[1] + pad // 2), (box[2] - pad // 2, box[3] - pad // 2)):
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=int(ink_grey * 0.5 + sign_grey * 0.5))
    draw.text((left - x0, top - y0), number, font=font, fill=int(ink_grey))
    boxes = char_boxes(draw, (left - x0, top - y0), number, font)
    degrees = float(rng.uniform(-6, 6))
    img = img.rotate(degrees, resample=Image.BILINEAR, fillcolor=int(np.median(surface)))
    img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.5))))
    tint = rng.uniform(0.85, 1.15, 3)
    pixels = np.asarray(img, np.float32)[..., None] * tint + rng.normal(0, rng.uniform(1, 6), (height, width, 3))
    image = jpeg_roundtrip(pixels, int(rng.integers(50, 90)))
    return Scene(image, number, turn_boxes(boxes, degrees, (width, height)))


def make_unseen_face(index: int, seed: int = 0) -> Scene:
    """Draw a sign (even ``index``) or a plate (odd) in a typeface no training digit was drawn in.

    The faces are :func:`training.synthetic.fonts.held_out_families`: sans-serif house-number
    faces whose 1 is a stem with a flag and often no foot, unlike any of matplotlib's.
    """
    from training.synthetic.fonts import held_out_families

    families = held_out_families()
    return (make_plate if index % 2 else make_sign)(index, seed, families)
