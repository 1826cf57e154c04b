"""Digit-free pictures: what a photo holds around a number, without the number.

Each picture is drawn deterministically from its index and seed, one of six kinds:
textured paper with dust, ruled paper, an empty sign or frame on a wall, door and window
edges, a blank sheet turned on a table (background wedges), and letters and symbols in
matplotlib's fonts. Read right, every one of them answers "" (no digits).
"""

from __future__ import annotations

import numpy as np

from training.synthetic.scenes import Scene, jpeg_roundtrip
from training.synthetic.surfaces import door_edges, paint_rect, paper, specks, turn_onto_table, wall

KINDS = ("dust", "ruled", "frame", "door", "turned", "letters")
# Letters and symbols that no one reads as a digit (no O, l, I, S, Z, B, g, q: those can pass for one).
LETTERS = "ACDEFHKMNPRTUVWXYacdefhkmnprtuvwxy#%&@*+=?"


def _ruled(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    img = paper(rng, h, w)
    gap = int(rng.integers(max(12, h // 30), max(13, h // 8)))
    level = float(np.median(img)) - rng.uniform(30, 110)
    thick = int(rng.integers(1, max(2, h // 250) + 1))
    for y in range(int(rng.integers(0, gap)), h, gap):
        img[y : y + thick] = img[y : y + thick] * 0.3 + level * 0.7
    if rng.random() < 0.5:  # the margin line
        x = int(w * rng.uniform(0.05, 0.2))
        img[:, x : x + thick + 1] = level
    return img


def _frame(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    img = wall(rng, h, w)
    bw, bh = int(w * rng.uniform(0.3, 0.8)), int(h * rng.uniform(0.25, 0.7))
    x0, y0 = int(rng.integers(0, w - bw + 1)), int(rng.integers(0, h - bh + 1))
    base = float(np.median(img))
    plate = float(np.clip(base + rng.choice([-1, 1]) * rng.uniform(50, 150), 0, 255))
    if rng.random() < 0.6:
        paint_rect(img, (x0, y0, x0 + bw, y0 + bh), plate)
    edge = 255.0 - plate if rng.random() < 0.5 else float(np.clip(plate + rng.uniform(-120, 120), 0, 255))
    paint_rect(img, (x0, y0, x0 + bw, y0 + bh), edge, int(rng.integers(2, max(3, bh // 10))))
    return specks(rng, img, int(rng.integers(0, 6)), max(1.0, bh * 0.02), edge)


def _door(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    img = wall(rng, h, w)
    x0, y0 = int(w * rng.uniform(0.25, 0.45)), int(h * rng.uniform(0.25, 0.45))
    x1, y1 = int(w * rng.uniform(0.55, 0.75)), int(h * rng.uniform(0.55, 0.75))
    for _ in range(int(rng.integers(1, 3))):
        img = door_edges(rng, img, (x0, y0, x1, y1))
    return img


def _letters(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    from training.synthetic.fonts import font_paths

    img = paper(rng, h, w) if rng.random() < 0.5 else wall(rng, h, w)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pil)
    fonts = font_paths()
    font = ImageFont.truetype(str(fonts[int(rng.integers(len(fonts)))]), int(h * rng.uniform(0.1, 0.3)))
    text = "".join(LETTERS[int(k)] for k in rng.integers(len(LETTERS), size=int(rng.integers(1, 6))))
    base = float(np.median(img))
    ink = int(np.clip(base + rng.choice([-1, 1]) * rng.uniform(80, 200), 0, 255))
    draw.text((int(w * rng.uniform(0.05, 0.4)), int(h * rng.uniform(0.1, 0.5))), text, font=font, fill=ink)
    return np.asarray(pil, np.float32)


def make_blank(index: int, seed: int = 0) -> Scene:
    """Draw digit-free picture ``index`` (kind ``KINDS[index % 6]``); its number is ""."""
    rng = np.random.default_rng([seed, index, 15])
    kind = KINDS[index % len(KINDS)]
    w = int(rng.integers(300, 1200))
    h = int(w * rng.uniform(0.6, 1.4))
    if kind == "dust":
        img = specks(rng, paper(rng, h, w), int(rng.integers(3, 30)), w * rng.uniform(0.002, 0.01), rng.uniform(0, 120))
    elif kind == "ruled":
        img = _ruled(rng, h, w)
    elif kind == "frame":
        img = _frame(rng, h, w)
    elif kind == "door":
        img = _door(rng, h, w)
    elif kind == "turned":
        img = turn_onto_table(rng, paper(rng, h, w), float(rng.choice([-1, 1]) * rng.uniform(2, 8)))
    else:
        img = _letters(rng, h, w)
    from scipy import ndimage

    img = ndimage.gaussian_filter(img, rng.uniform(0.3, 1.5)) + rng.normal(0, rng.uniform(1, 5), img.shape)
    tint = rng.uniform(0.9, 1.1, 3)
    return Scene(jpeg_roundtrip(img[..., None] * tint, int(rng.integers(55, 92))), "")
