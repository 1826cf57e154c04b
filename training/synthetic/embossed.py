"""Embossed and metallic digits: card numbers and raised metal numerals, small and low in contrast.

Each picture is drawn deterministically from its index: 1-4 printed digits whose face is
a metallic shade (gold, silver, white plastic) lit from one side, with a bright rim on
the lit side and a shadow on the other, on a card or plate of another colour, often
with a coloured band or a corner of another colour. Half are in the square face that
cards are embossed in. Pictures are 64-200 px, like crops of a card reader.
"""

from __future__ import annotations

import numpy as np

from training.synthetic.scenes import Box, Scene, jpeg_roundtrip

METALS = ((200, 170, 60), (210, 210, 215), (235, 235, 225), (180, 140, 90), (120, 120, 125))
CARD_SHARE = 0.5  # of the cards are in the square card face, the rest in a TrueType font
CARDS = ((30, 60, 140), (90, 60, 35), (180, 180, 185), (20, 20, 25), (150, 30, 30), (200, 200, 190))


def _glyphs(rng: np.random.Generator, number: str):
    """The number drawn large (200 px) on a black canvas in white, and each digit's box on it.

    Half the cards use the square card face (:mod:`training.synthetic.cardfont`), the rest a
    TrueType font.
    """
    from PIL import Image, ImageDraw, ImageFont

    from training.synthetic.cardfont import card_digit
    from training.synthetic.fonts import font_paths

    size = 200
    gap = int(size * rng.uniform(0.0, 0.25))
    if rng.random() < CARD_SHARE:
        masks = [card_digit(int(c), size, rng) for c in number]
        total = sum(m.shape[1] for m in masks) + gap * (len(number) - 1)
        tall = max(m.shape[0] for m in masks)
        canvas = np.zeros((tall + 20, total + 20), np.uint8)
        x, boxes = 10, []
        for m in masks:
            y = 10 + tall - m.shape[0]
            canvas[y : y + m.shape[0], x : x + m.shape[1]] = m
            boxes.append((x, y, x + m.shape[1], y + m.shape[0]))
            x += m.shape[1] + gap
        return Image.fromarray(canvas), boxes
    fonts = font_paths()
    font = ImageFont.truetype(str(fonts[int(rng.integers(len(fonts)))]), size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    widths = [probe.textbbox((0, 0), c, font=font) for c in number]
    total = sum(b[2] - b[0] for b in widths) + gap * (len(number) - 1)
    tall = max(b[3] - b[1] for b in widths)
    canvas = Image.new("L", (total + 20, tall + 20), 0)
    draw = ImageDraw.Draw(canvas)
    x, boxes = 10, []
    for c, b in zip(number, widths, strict=True):
        y = 10 + (tall - (b[3] - b[1]))
        draw.text((x - b[0], y - b[1]), c, font=font, fill=255)
        boxes.append((x, y, x + b[2] - b[0], y + b[3] - b[1]))
        x += b[2] - b[0] + gap
    return canvas, boxes


def _face_mask(rng: np.random.Generator, number: str, w: int, h: int) -> tuple[np.ndarray, list[Box]]:
    """Return the digits' mask (h, w) 0..1, filling most of the picture's width, and each digit's box."""
    from PIL import Image

    canvas, boxes = _glyphs(rng, number)
    scale = min(w * rng.uniform(0.6, 0.9) / canvas.width, h * rng.uniform(0.45, 0.8) / canvas.height)
    small = canvas.resize((max(1, round(canvas.width * scale)), max(1, round(canvas.height * scale))), Image.LANCZOS)
    out = Image.new("L", (w, h), 0)
    left = int((w - small.width) / 2 + rng.uniform(-0.05, 0.05) * w)
    top = int((h - small.height) / 2 + rng.uniform(-0.08, 0.08) * h)
    out.paste(small, (max(0, left), max(0, top)))
    left, top = max(0, left), max(0, top)
    boxes = [
        (
            left + int(x0 * scale),
            top + int(y0 * scale),
            min(w, left + round(x1 * scale)),
            min(h, top + round(y1 * scale)),
        )
        for x0, y0, x1, y1 in boxes
    ]
    return np.asarray(out, np.float32) / 255, boxes


def _card(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Return the card (h, w, 3) 0..255: one colour, maybe a band or a corner of another."""
    colour = np.array(CARDS[int(rng.integers(len(CARDS)))], np.float32)
    card = np.broadcast_to(colour, (h, w, 3)).copy()
    if rng.random() < 0.5:
        other = np.array(CARDS[int(rng.integers(len(CARDS)))], np.float32)
        yy, xx = np.mgrid[:h, :w]
        if rng.random() < 0.5:  # a band across
            y0 = int(rng.integers(0, h // 3))
            card[(yy < y0) | (yy > h - int(rng.integers(0, h // 3)) - 1)] = other
        else:  # a corner cut by a diagonal
            card[xx + yy * rng.uniform(0.3, 1.5) > w * rng.uniform(0.7, 1.3)] = other
    return card


def make_embossed(index: int, seed: int = 0) -> Scene:
    """Draw picture ``index``: raised metallic digits on a card; the same index and seed give the same picture."""
    from scipy import ndimage

    rng = np.random.default_rng([seed, index, 14])
    number = str(int(rng.integers(0, 10 ** int(rng.integers(1, 5)))))
    h = int(rng.integers(64, 200))
    w = int(h * rng.uniform(1.0, 3.0)) if len(number) > 1 else h
    face, boxes = _face_mask(rng, number, w, h)
    face = ndimage.gaussian_filter(face, max(0.5, h / 120))
    angle = rng.uniform(0, 2 * np.pi)
    dy, dx = np.gradient(face)
    light = np.cos(angle) * dx + np.sin(angle) * dy  # the rim facing the light is bright, the other dark
    light = light / max(1e-3, float(np.abs(light).max()))
    metal = np.array(METALS[int(rng.integers(len(METALS)))], np.float32)
    shade = 1.0 + 0.25 * np.sin(np.linspace(0, np.pi * rng.uniform(1, 3), h))[:, None]  # a metallic sheen
    card = _card(rng, w, h)
    pixels = card * (1 - face[..., None]) + (metal * shade[..., None]) * face[..., None]
    pixels += (light * rng.uniform(60, 140))[..., None]
    pixels = ndimage.gaussian_filter(pixels, (rng.uniform(0.3, 1.0), rng.uniform(0.3, 1.0), 0))
    pixels += rng.normal(0, rng.uniform(1, 6), pixels.shape)
    return Scene(jpeg_roundtrip(pixels, int(rng.integers(60, 95))), number, tuple(boxes))
