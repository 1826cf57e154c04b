"""A picture in the terminal: two pixels per character cell, in colour or in shades of characters."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

SHADES = " .:-=+*#%@"


def image_preview(pixels, max_cols: int = 56, max_rows: int = 20, color: bool = True) -> Text:
    """Return a terminal picture of a grayscale image (0..1): two pixels per character cell.

    With colour each cell is an upper half block whose foreground is the top pixel and
    background the bottom one; without colour a character is chosen by brightness.
    """
    import numpy as np

    small = _fit(pixels, max_cols, max_rows * 2)
    if small.shape[0] % 2:
        small = np.vstack([small, small[-1:]])
    text = Text(no_wrap=True, overflow="crop")
    for y in range(0, small.shape[0], 2):
        if y:
            text.append("\n")
        for top, bottom in zip(small[y], small[y + 1], strict=True):
            if color:
                text.append("▀", style=Style(color=_rgb(top), bgcolor=_rgb(bottom)))
            else:
                text.append(SHADES[min(len(SHADES) - 1, int((top + bottom) / 2 * len(SHADES)))])
    return text


def _rgb(value: float) -> str:
    v = round(min(1.0, max(0.0, float(value))) * 255)
    return f"rgb({v},{v},{v})"


def _fit(pixels, max_w: int, max_h: int):
    """Resize so the image fits max_w x max_h cells, keeping its aspect ratio (area average)."""
    import numpy as np
    from PIL import Image

    h, w = pixels.shape
    factor = min(max_w / w, max_h / h)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    img = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.float32), mode="F")
    resample = Image.BOX if factor < 1 else Image.NEAREST
    return np.clip(np.asarray(img.resize(size, resample), dtype=np.float32), 0, 1)
