"""A picture in the terminal (detector.app.preview): half blocks in colour, shades of characters without."""

import numpy as np

from detector.app.preview import SHADES, image_preview
from tests.helpers import text_of


def test_image_preview_colour_uses_half_blocks():
    pixels = np.zeros((20, 10), np.float32)
    pixels[:10] = 1.0  # top half white
    out = text_of(image_preview(pixels, max_cols=10, max_rows=10), force_terminal=True, color_system="truecolor")
    lines = out.rstrip("\n").splitlines()
    assert len(lines) == 10 and all(line.count("▀") == 10 for line in lines)
    assert "38;2;255;255;255" in out and "48;2;0;0;0" in out


def test_image_preview_without_colour_uses_brightness_characters():
    pixels = np.zeros((20, 20), np.float32)
    pixels[5:15, 5:15] = 1.0
    text = image_preview(pixels, max_cols=20, max_rows=10, color=False).plain
    rows = text.splitlines()
    assert "▀" not in text and len(rows) == 10
    assert rows[5][10] == SHADES[-1] and rows[0][0] == SHADES[0]
