"""Shared test helpers: pictures and files drawn with numpy/Pillow, the scripted menu, hostile inputs.

Plain functions and classes only; the fixtures that use them live in ``tests/conftest.py``.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from detector.paths import DEFAULT_MODEL

needs_shipped_model = pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason=f"no trained model at {DEFAULT_MODEL}")
"""For tests that run the shipped model in another process; in-process tests use the ``shipped_predictor`` fixture."""


# ---- pictures and files ------------------------------------------------------------------------------------------


def digit_picture(size: int = 28, dark_on_light: bool = False) -> np.ndarray:
    """Return a uint8 picture of a rough '7' (a bar and a diagonal), MNIST style by default."""
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    s = size / 28
    draw.line([(7 * s, 7 * s), (21 * s, 7 * s), (12 * s, 22 * s)], fill=255, width=max(2, round(3 * s)))
    arr = np.asarray(img)
    return 255 - arr if dark_on_light else arr


def blobs_picture(width: int = 160, height: int = 80) -> np.ndarray:
    """Return a dark-on-light uint8 picture with two separate blobs, left and right."""
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 15, 50, 65), fill=0)
    draw.ellipse((95, 15, 135, 65), fill=0)
    return np.asarray(img)


def pad_drawing(kind: str, dark_on_light: bool = False) -> bytes:
    """A 280x280 PNG as the browser page's pad sends it: "1" a vertical bar, "0" a ring, 22 px brush."""
    import io

    ink, paper = (0, 255) if dark_on_light else (255, 0)
    img = Image.new("RGBA", (280, 280), (paper, paper, paper, 255))
    draw = ImageDraw.Draw(img)
    if kind == "1":
        draw.line([(140, 50), (140, 230)], fill=(ink, ink, ink, 255), width=22)
    else:
        draw.ellipse((80, 45, 200, 235), outline=(ink, ink, ink, 255), width=22)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def number_photo(number: str = "170", size: tuple[int, int] = (900, 400), fmt: str = "JPEG") -> bytes:
    """An encoded grey photo of a number in dark strokes on paper ("1", "7", "0" only), blurred and noisy.

    The digits sit 230 px apart from x = 140 at 900 px wide (scaled with ``size``).
    """
    import io

    from PIL import ImageFilter

    w, h = size
    img = Image.new("L", (w, h), 215)
    draw = ImageDraw.Draw(img)
    sx, sy = w / 900, h / 400
    width = int(26 * sy)
    strokes = {
        "1": lambda x: draw.line([(x + 60 * sx, 90 * sy), (x + 60 * sx, 310 * sy)], fill=35, width=width),
        "7": lambda x: draw.line(
            [(x, 95 * sy), (x + 140 * sx, 95 * sy), (x + 45 * sx, 310 * sy)], fill=35, width=width, joint="curve"
        ),
        "0": lambda x: draw.ellipse((x, 90 * sy, x + 140 * sx, 310 * sy), outline=35, width=width),
    }
    for i, digit in enumerate(number):
        strokes[digit](140 * sx + i * 230 * sx)
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(1.5)), dtype=float)
    arr = np.clip(arr + np.random.default_rng(0).normal(0, 6, arr.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.merge("RGB", [Image.fromarray(arr)] * 3).save(buf, format=fmt, quality=90)
    return buf.getvalue()


def pixel_csv(path: Path, images: np.ndarray, labels: list[int] | None = None) -> Path:
    """Write a Kaggle-layout CSV (``label,pixel0..pixel783``; no label column when labels is None)."""
    flat = images.reshape(len(images), -1).astype(int)
    header = ([] if labels is None else ["label"]) + [f"pixel{i}" for i in range(784)]
    lines = [",".join(header)]
    for i, row in enumerate(flat):
        cells = ([] if labels is None else [str(labels[i])]) + [str(v) for v in row]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def drawn_digits(n: int, size: tuple[int, int], seed: int) -> np.ndarray:
    """Return ``n`` uint8 pictures (H, W) of random strokes: varied boxes, so varied resizes."""
    rng = np.random.default_rng(seed)
    h, w = size
    out = []
    for _ in range(n):
        img = Image.new("L", (w, h), 0)
        points = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(3)]
        ImageDraw.Draw(img).line(points, fill=int(rng.integers(80, 256)), width=int(rng.integers(1, 4)))
        out.append(np.asarray(img))
    return np.stack(out)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Return {name: (size, mtime_ns)} of the files in ``folder``, to prove nothing changed."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def text_of(renderable, width: int = 100, **kwargs) -> str:
    """What ``renderable`` prints on a StringIO console of ``width`` columns (console options in ``kwargs``)."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, **kwargs)
    console.print(renderable)
    return console.file.getvalue()


# ---- hostile image files and checkpoints ------------------------------------------------------------------


def seven(size: int = 100) -> Image.Image:
    """A '7' drawn in two strokes as a mode "L" mask (255 = ink)."""
    img = Image.new("L", (size, size), 0)
    s = size / 100
    ImageDraw.Draw(img).line([(30 * s, 25 * s), (70 * s, 25 * s), (45 * s, 80 * s)], fill=255, width=int(8 * s))
    return img


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A PNG of random grey pixels."""
    path_img = Image.fromarray(np.random.default_rng(0).integers(0, 255, (height, width), dtype=np.uint8))
    buf = io.BytesIO()
    path_img.save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    """A JPEG of the '7' from ``seven``."""
    buf = io.BytesIO()
    Image.merge("RGB", [seven()] * 3).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def bomb_png(side: int = 30000) -> bytes:
    """A valid PNG header that claims side x side pixels, with a few rows of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (side + 1) * 8)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


BAD_FILES = {
    "empty.png": (b"", "empty (0 bytes)"),
    "truncated.png": (png_bytes()[:60], "not a readable image"),
    "truncated.jpg": (jpeg_bytes()[:300], "not a readable image"),
    "text.png": (b"this is not a picture\n", "not a readable image"),
    "bomb.png": (bomb_png(), "too large"),
}


class Payload:
    """Unpickling this calls open(target, "w"): it creates a file."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


# ---- the menu driven by scripted answers -----------------------------------------------------------------------


class Scripted:
    """A prompt layer that answers from a list of (kind, answer) pairs and records the questions.

    A select answer may be a value or the start of a choice's title; None is what the
    real prompts answer for Ctrl-C, Ctrl-D and Escape. ``defaults`` records where each
    select put its cursor.
    """

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []
        self.defaults: list[str | None] = []

    def _next(self, kind: str, message: str):
        self.asked.append((kind, message))
        assert self.answers, f"no scripted answer left for {kind}: {message!r}"
        want, answer = self.answers.pop(0)
        assert want == kind, f"expected a {want} prompt, got {kind}: {message!r}"
        return answer

    def select(self, message, choices, default=None):
        self.defaults.append(default)
        answer = self._next("select", message)
        if answer is None:
            return None
        values = [v for _, v in choices]
        if answer in values:
            return answer
        matches = [v for title, v in choices if title.startswith(answer)]
        assert len(matches) == 1, f"{answer!r} is not one of {[t for t, _ in choices]}"
        return matches[0]

    def text(self, message):
        return self._next("text", message)

    def path(self, message):
        return self._next("path", message)


def sel(answer):
    """A scripted answer to a select prompt."""
    return ("select", answer)


def run(tmp_path, menu_dir, model, *answers, width=100, **console_args):
    """Run the menu with scripted answers; return (exit code, output, prompts)."""
    from rich.console import Console

    from detector.app.menu import run_menu

    out = io.StringIO()
    console = Console(file=out, width=width, **console_args)
    ask = Scripted(*answers)
    code = run_menu(console, ask, menu_dir, tmp_path / "outputs", model)
    assert not ask.answers, f"answers left over: {ask.answers}"
    return code, out.getvalue(), ask


# ---- made-up candidates for the choice of a reading (detector.segment.choose, .alone) -----------------------------


def candidate_box(x: int, y: int, w: int, h: int):
    """A solid candidate blob with its box at (x, y), w by h working pixels."""
    from detector.segment.blobs import Blob

    return Blob(y, x, y + h, x + w, np.ones((h, w), dtype=bool))


def sure_of(digit: int, p: float = 0.99) -> np.ndarray:
    """Eleven class probabilities: ``p`` on ``digit``, the rest spread over the other classes."""
    probs = np.full(11, (1 - p) / 10)
    probs[digit] = p
    return probs


def junk_probs(p: float = 0.95) -> np.ndarray:
    """Eleven class probabilities ``p`` sure of "not a digit"."""
    return sure_of(10, p)


def chosen_number(blobs: list, probs: list[np.ndarray], *args, **kwargs) -> str:
    """The reading :func:`detector.segment.choose.choose` makes of the candidates, lines apart by spaces.

    Further arguments go to ``choose`` (``dark_ink``, ``shape``, ``strengths``, ...).
    """
    from detector.segment.choose import choose

    lines = choose(blobs, np.stack(probs), *args, **kwargs)
    return " ".join("".join(str(s.digit) for s in line) for line in lines)
