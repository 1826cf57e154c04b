"""Square card digits: the blocky numerals embossed on payment and loyalty cards, drawn as strokes.

The TrueType fonts that ship with matplotlib have round digits only. Card numbers are
embossed in blocky faces (Farrington 7B and its kin, OCR and display faces): a 0 is a
tall rectangle with cut corners, a 4 may be open at the top, a 7 may bend. A network
that never saw them calls a rectangular 0 a frame. Each glyph here is a few straight
strokes on a unit box (x across, y down, both 0..1), drawn with a pen of random width,
corner cut, slant and proportions, so that no two samples are the same face.
"""

from __future__ import annotations

import numpy as np

Stroke = tuple[tuple[float, float], ...]


def _box(c: float, top: float = 0.0, bottom: float = 1.0, left: float = 0.0, right: float = 1.0) -> Stroke:
    """A closed rectangle with corners cut by ``c`` (of the height)."""
    return (
        (left + c, top),
        (right - c, top),
        (right, top + c),
        (right, bottom - c),
        (right - c, bottom),
        (left + c, bottom),
        (left, bottom - c),
        (left, top + c),
        (left + c, top),
    )


def _path(*coords: float) -> Stroke:
    """A stroke from flat coordinates x0, y0, x1, y1, ..."""
    return tuple(zip(coords[::2], coords[1::2], strict=True))


def strokes(digit: int, c: float, variant: int) -> tuple[Stroke, ...]:
    """The strokes of ``digit`` with corner cut ``c``; ``variant`` (0 or 1) picks a form where faces differ."""
    m = 0.48  # the middle bar's height
    forms: dict[int, tuple[tuple[Stroke, ...], ...]] = {
        0: ((_box(c),),),
        1: (
            (_path(0.15, 0.22, 0.55, 0, 0.55, 1),),
            (_path(0.15, 0.22, 0.55, 0, 0.55, 1), _path(0.2, 1, 0.9, 1)),
        ),
        2: ((_path(0, c, c, 0, 1 - c, 0, 1, c, 1, m - c, 1 - c, m, c, m, 0, m + c, 0, 1, 1, 1),),),
        3: (
            (
                _path(0, c, c, 0, 1 - c, 0, 1, c, 1, m - c, 1 - c, m, 0.3, m),
                _path(1 - c, m, 1, m + c, 1, 1 - c, 1 - c, 1, c, 1, 0, 1 - c),
            ),
            (_path(0, 0, 1, 0, 0.4, m, 1 - c, m, 1, m + c, 1, 1 - c, 1 - c, 1, c, 1, 0, 1 - c),),
        ),
        4: (
            (_path(0.72, 1, 0.72, 0, 0, 0.66, 1, 0.66),),
            (_path(0.08, 0, 0, 0.66, 1, 0.66), _path(0.72, 0.3, 0.72, 1)),
        ),
        5: ((_path(1, 0, 0.04, 0, 0, m, 1 - c, m, 1, m + c, 1, 1 - c, 1 - c, 1, 0, 1),),),
        6: ((_path(1 - c, 0, c, 0, 0, c, 0, 1 - c, c, 1, 1 - c, 1, 1, 1 - c, 1, m + c, 1 - c, m, 0, m),),),
        7: (
            (_path(0, 0, 1, 0, 1, 0.2, 0.4, 0.62, 0.4, 1),),
            (_path(0, 0, 1, 0, 0.3, 1),),
        ),
        8: ((_box(c, 0.0, m, 0.06, 0.94), _box(c, m, 1.0)),),
        9: ((_path(0, 1, 1 - c, 1, 1, 1 - c, 1, c, 1 - c, 0, c, 0, 0, c, 0, m - c, c, m, 1, m),),),
    }
    options = forms[digit]
    return options[variant % len(options)]


def card_digit(digit: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """Return a uint8 (h, w) mask (255 ink) of one square card digit about ``height`` px tall, tightly cropped.

    The pen is 8-16 % of the height, the glyph 50-70 % as wide as tall, corners cut by
    8-22 %, slanted up to 12 %, and one of two forms is taken where faces differ (1, 3, 4, 7).
    """
    from PIL import Image, ImageDraw

    pen = max(1, round(height * rng.uniform(0.08, 0.16)))
    width = height * rng.uniform(0.5, 0.7)
    cut, slant, variant = rng.uniform(0.08, 0.22), rng.uniform(0.0, 0.12), int(rng.integers(2))
    pad = pen + round(slant * height) + 2
    img = Image.new("L", (round(width) + 2 * pad, height + 2 * pad), 0)
    draw = ImageDraw.Draw(img)
    for stroke in strokes(digit, cut, variant):
        points = [(pad + x * width + (1 - y) * slant * height, pad + y * height) for x, y in stroke]
        draw.line(points, fill=255, width=pen, joint="curve")
        for x, y in (points[0], points[-1]):  # round pen ends
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    mask = np.asarray(img)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
