"""Not-a-digit training crops: 28x28 inputs exactly as inference would prepare them from junk.

About a third come from the real candidate proposal (``detector.segment.propose``) run on
digit-free pictures (``training.synthetic.blank``): specks, ruled lines, frame and sign
borders, door and window edges, wedges, letters. The rest are drawn directly:
half digits, two digits in one crop, a digit with a bar through or beside it, letters and
symbols, specks, frame corners and wedges. Straight bars much taller than wide are left
out: a lone bar is a 1 to anyone, so only the line it stands in (``choose``) can say otherwise.
"""

from __future__ import annotations

import numpy as np

from detector.preprocess import fit_to_canvas, ink_box, prepare_digit, to_gray
from training.synthetic.blank import LETTERS, make_blank

JUNK = ("half", "pair", "bar", "letter", "speck", "corner", "wedge")


def is_plain_bar(mask: np.ndarray) -> bool:
    """True for a solid straight bar much taller than wide: it may be a 1, so it is never a negative."""
    h, w = mask.shape
    return h > 3 * w and mask.mean() > 0.7


def proposed_junk(index: int, seed: int, most: int = 6) -> list[np.ndarray]:
    """Return the prepared inputs (28, 28) of up to ``most`` candidates proposed in digit-free picture ``index``.

    They are picked at random (per index and seed), so that a wall full of specks gives a few, not hundreds.
    """
    from detector.segment import cut_digit
    from detector.segment.ink import working_copy
    from detector.segment.propose import propose

    work, _scale = working_copy(to_gray(make_blank(index, seed).image))
    candidates = [c for c in propose(work) if not is_plain_bar(c.blob.mask)]
    rng = np.random.default_rng([seed, index, 98])
    out = []
    for k in rng.permutation(len(candidates))[:most]:
        candidate = candidates[int(k)]
        crop = cut_digit(candidate.ink, candidate.blob)
        box = ink_box(crop)
        if box is not None:
            x, y, w, h = box
            out.append(fit_to_canvas(crop[y : y + h, x : x + w]))
    return out


def _canvas(rng: np.random.Generator, digits: np.ndarray, kind: str) -> np.ndarray:
    """Return a white-on-black uint8 picture of one kind of junk."""
    from PIL import Image, ImageDraw, ImageFont

    pick = lambda: digits[int(rng.integers(len(digits)))]  # noqa: E731
    if kind == "half":
        d = pick()
        cut = int(rng.integers(11, 17))
        return d[:cut] if rng.random() < 0.5 else d[cut:]
    if kind == "pair":
        a, b = pick(), pick()
        step = int(rng.integers(12, 20))
        out = np.zeros((28, 28 + step), np.uint8)
        out[:, :28] = a
        out[:, step:] = np.maximum(out[:, step:], b)
        return out
    img = Image.new("L", (84, 84), 0)
    draw = ImageDraw.Draw(img)
    if kind == "bar":
        img.paste(Image.fromarray(pick()).resize((56, 56)), (14, 14))
        y = int(rng.integers(14, 70))
        x0, x1 = (0, int(rng.integers(50, 84))) if rng.random() < 0.5 else (int(rng.integers(0, 34)), 84)
        if rng.random() < 0.7:
            draw.line((x0, y, x1, y), fill=255, width=int(rng.integers(3, 8)))
        else:  # a tall bar touching the digit's side
            x = int(rng.choice([int(rng.integers(8, 22)), int(rng.integers(62, 76))]))
            draw.line((x, 0, x, 84), fill=255, width=int(rng.integers(3, 8)))
    elif kind == "letter":
        from training.synthetic.fonts import font_paths

        fonts = font_paths()
        font = ImageFont.truetype(str(fonts[int(rng.integers(len(fonts)))]), int(rng.integers(40, 64)))
        draw.text((12, 6), LETTERS[int(rng.integers(len(LETTERS)))], font=font, fill=255)
    elif kind == "speck":
        for _ in range(int(rng.integers(1, 4))):
            cx, cy, rx = rng.uniform(25, 60), rng.uniform(25, 60), rng.uniform(3, 18)
            ry = rx * rng.uniform(0.6, 1.5)  # round: a tall narrow blot would be a 1
            draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=int(rng.integers(150, 256)))
    elif kind == "corner":
        width, x, y = int(rng.integers(3, 10)), int(rng.integers(10, 30)), int(rng.integers(10, 30))
        x1, y1 = int(rng.integers(60, 84)), int(rng.integers(60, 84))
        draw.line(
            [(x1, y), (x, y), (x, y1)] if rng.random() < 0.5 else [(x, y), (x1, y), (x1, y1)], fill=255, width=width
        )
    else:  # a wedge of background at a turned photo's edge
        tip = (int(rng.integers(0, 84)), int(rng.integers(0, 84)))
        draw.polygon([(0, 0), (84, 0), tip] if rng.random() < 0.5 else [(0, 0), (0, 84), tip], fill=255)
    return np.asarray(img)


def rendered_junk(rng: np.random.Generator, digits: np.ndarray) -> np.ndarray | None:
    """Return one directly drawn piece of junk as a prepared input (28, 28), or None (blank, or as narrow as a 1)."""
    kind = JUNK[int(rng.integers(len(JUNK)))]
    picture = _canvas(rng, digits, kind).astype(np.float32) / 255
    if rng.random() < 0.5:
        picture = 1.0 - picture  # dark on light, as often as light on dark
    prepared = prepare_digit(picture)
    if prepared is None:
        return None
    _x, _y, w, h = prepared[1]
    return None if h > 2.5 * w else prepared[0]  # tall and narrow (the top half of a 1, a bar) may be a 1


def make_negatives(count: int, seed: int, digits: np.ndarray, proposed: float = 0.35) -> np.ndarray:
    """Return ``count`` not-a-digit inputs (count, 28, 28), some proposed from digit-free pictures, the rest drawn.

    Args:
        count: How many.
        proposed: The share taken from proposals (slower: a picture is drawn and segmented for a few crops).
        seed: Same seed, same crops (pictures are drawn from seed ``seed``).
        digits: uint8 (N, 28, 28) MNIST *training* digits for the half digits and pairs.
    """
    rng = np.random.default_rng([seed, 99])
    out: list[np.ndarray] = []
    index = 0
    while len(out) < int(count * proposed):
        out.extend(proposed_junk(index, seed))
        index += 1
    while len(out) < count:
        crop = rendered_junk(rng, digits)
        if crop is not None:
            out.append(crop)
    return np.stack(out[:count]).astype(np.float32)
