"""Photo-like scenes for tests and benchmarks: MNIST test digits written as a number on paper.

Each scene is drawn deterministically from its index: a 2-6 digit number of MNIST test
digits (never training digits) in a pen colour on grey, white or beige paper, with a
lighting gradient, slight rotation, blur, noise and JPEG artefacts.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.files import csv_bytes, write_atomic

INKS = ((20, 20, 25), (25, 40, 140), (60, 60, 70), (90, 90, 95))  # black, blue, dark grey, pencil
PAPERS = ((235, 235, 232), (225, 215, 190), (200, 200, 200), (245, 240, 225))


Box = tuple[int, int, int, int]  # (x0, y0, x1, y1) in the picture's pixels


@dataclass(frozen=True)
class Scene:
    """One generated picture, the number on it and where each of its digits is.

    ``boxes`` (one per digit of ``number``, in order) lets training label what the
    segmentation proposes: a candidate on a digit's box is that digit, one on none is junk.
    """

    image: np.ndarray  # uint8 (H, W, 3) RGB, after JPEG compression
    number: str
    boxes: tuple[Box, ...] = ()
    sources: tuple[int, ...] = ()  # drawn from a set of digit images (MNIST): each digit's index in it


def ink_bounds(ink: np.ndarray, left: int, top: int, level: float = 0.25) -> Box | None:
    """The box (x0, y0, x1, y1) of ``ink`` above ``level`` when pasted at (left, top); None when it has none."""
    ys, xs = np.nonzero(ink > level)
    if not len(xs):
        return None
    return left + int(xs.min()), top + int(ys.min()), left + int(xs.max()) + 1, top + int(ys.max()) + 1


def turn_boxes(
    boxes: list[Box], degrees: float, size: tuple[int, int], translate: tuple[int, int] = (0, 0)
) -> tuple[Box, ...]:
    """Where boxes go when their picture of ``size`` (w, h) is turned as PIL's ``rotate(degrees, translate=…)`` does.

    Each box becomes the upright box around its turned corners, clipped to the picture.
    """
    w, h = size
    cx, cy, t = w / 2, h / 2, np.radians(degrees)
    out = []
    for x0, y0, x1, y1 in boxes:
        xs = np.array([x0, x1, x1, x0], np.float64) - cx
        ys = np.array([y0, y0, y1, y1], np.float64) - cy
        tx = cx + xs * np.cos(t) + ys * np.sin(t) + translate[0]
        ty = cy - xs * np.sin(t) + ys * np.cos(t) + translate[1]
        out.append((
            max(0, int(np.floor(tx.min()))), max(0, int(np.floor(ty.min()))),
            min(w, int(np.ceil(tx.max()))), min(h, int(np.ceil(ty.max()))),
        ))  # fmt: skip
    return tuple(out)


def _layout(rng: np.random.Generator, n: int, height: int) -> list[int]:
    """Return the left x of each digit: digits of ``height`` px, some touching, none overlapping much."""
    xs, x = [], int(rng.integers(height // 2, height))
    for _ in range(n):
        xs.append(x)
        x += int(height * rng.uniform(0.62, 0.95))
    return xs


def _paper(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Return float (h, w, 3) paper with a lighting gradient, 0..255."""
    colour = np.array(PAPERS[int(rng.integers(len(PAPERS)))], dtype=np.float32)
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h) * rng.uniform(0.1, 0.35)
    light = 1.0 - ramp + ramp.mean()
    return colour[None, None, :] * light[..., None]


def make_scene(digits: np.ndarray, labels: np.ndarray, index: int, seed: int = 0) -> Scene:
    """Draw scene ``index`` from raw MNIST test digits.

    Args:
        digits: uint8 (N, 28, 28) MNIST images (white ink on black).
        labels: (N,) their labels.
        index: Scene number; the same index and seed always give the same scene.
        seed: Generator seed.

    Returns:
        The scene picture, its number, each digit's box and its index in ``digits``.
    """
    from PIL import Image, ImageFilter

    rng = np.random.default_rng([seed, index])
    n = int(rng.integers(2, 7))
    picks = rng.integers(len(digits), size=n)
    size = int(rng.integers(40, 120))
    xs = _layout(rng, n, size)
    w, h = xs[-1] + size + int(rng.integers(size // 2, size * 2)), size * int(rng.integers(2, 4))
    top = int(rng.integers(size // 4, h - size - size // 4 + 1))
    ink = np.zeros((h, w), dtype=np.float32)
    boxes = []
    for x, k in zip(xs, picks, strict=True):
        glyph = np.asarray(Image.fromarray(digits[k]).resize((size, size), Image.BILINEAR), dtype=np.float32) / 255
        dy = int(rng.integers(-size // 12, size // 12 + 1))
        ink[top + dy : top + dy + size, x : x + size] = np.maximum(ink[top + dy : top + dy + size, x : x + size], glyph)
        boxes.append(ink_bounds(glyph, x, top + dy) or (x, top + dy, x + size, top + dy + size))
    degrees = float(rng.uniform(-4, 4))
    ink = np.asarray(Image.fromarray(ink).rotate(degrees, Image.BILINEAR), dtype=np.float32)
    colour = np.array(INKS[int(rng.integers(len(INKS)))], dtype=np.float32)
    paper = _paper(rng, h, w)
    pixels = paper * (1 - ink[..., None]) + colour * ink[..., None]
    pixels += rng.normal(0, rng.uniform(1, 6), pixels.shape)
    img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0, 1.2))
    )
    number = "".join(str(int(labels[k])) for k in picks)
    image = jpeg_roundtrip(np.asarray(img), int(rng.integers(40, 90)))
    return Scene(image, number, turn_boxes(boxes, degrees, (w, h)), tuple(int(k) for k in picks))


def jpeg_roundtrip(pixels: np.ndarray, quality: int) -> np.ndarray:
    """Return RGB ``pixels`` (any float or int range, clipped to 0..255) after JPEG compression."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    with Image.open(buf) as img:
        return np.asarray(img.convert("RGB"))


def write_scenes(folder: Path, count: int, digits: np.ndarray, labels: np.ndarray, seed: int = 0) -> Path:
    """Write ``count`` scenes as JPEG files plus ``labels.csv`` (filename,number) into ``folder``.

    Returns:
        The path of ``labels.csv``.
    """
    return write_labelled(folder, count, lambda i: make_scene(digits, labels, i, seed), "scene")


def write_labelled(folder: Path, count: int, make: Callable[[int], Scene], prefix: str) -> Path:
    """Write pictures ``make(0..count-1)`` as ``{prefix}_NNNN.jpg`` plus ``labels.csv`` into ``folder``.

    Returns:
        The path of ``labels.csv``.
    """
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):
        scene = make(i)
        name = f"{prefix}_{i:04d}.jpg"
        picture = Image.fromarray(scene.image)
        write_atomic(folder / name, lambda fh, picture=picture: picture.save(fh, format="JPEG", quality=95))
        rows.append((name, scene.number))
    return write_labels(folder, rows)


def write_labels(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """Write ``folder/labels.csv`` (filename,number), the layout the accuracy benchmark reads."""
    return write_atomic(folder / "labels.csv", csv_bytes(("filename", "number"), rows))
