"""Shared fixtures: a small random model, and pictures drawn with numpy/Pillow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    """Save an untrained DigitNet checkpoint (random weights, fixed seed) and return its path."""
    import torch

    from detector.checkpoint import save_checkpoint
    from detector.config import ModelConfig
    from detector.model import DigitNet

    torch.manual_seed(0)
    config = ModelConfig()
    path = tmp_path_factory.mktemp("model") / "tiny.pt"
    return save_checkpoint(path, DigitNet(config).eval(), config, {"note": "random weights for tests"})


@pytest.fixture(scope="session")
def tiny_model(tiny_checkpoint) -> Path:
    """The untrained checkpoint exported to ``tiny.onnx`` (verified on random pixels): what recognition loads."""
    from detector.checkpoint import load_checkpoint
    from training.export import export_model

    model, config, meta = load_checkpoint(tiny_checkpoint)
    path = tiny_checkpoint.with_suffix(".onnx")
    export_model(model, config, path, meta)
    return path


@pytest.fixture(scope="session")
def shipped_predictor():
    """The Predictor of the shipped model, loaded once; tests that use it skip without it."""
    from detector.paths import DEFAULT_MODEL
    from detector.predict import Predictor

    if not DEFAULT_MODEL.is_file():
        pytest.skip(f"no trained model at {DEFAULT_MODEL}")
    return Predictor.load(DEFAULT_MODEL)


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


@pytest.fixture
def menu_dir(tmp_path) -> Path:
    """A menu_data/ with a 28x28 PNG, a larger two-blob JPEG-free PNG and a labelled 3-row CSV."""
    folder = tmp_path / "menu_data"
    folder.mkdir()
    Image.fromarray(digit_picture()).save(folder / "seven.png")
    Image.fromarray(blobs_picture()).save(folder / "two_blobs.png")
    rows = np.stack([digit_picture(), digit_picture(), np.zeros((28, 28), np.uint8)])
    pixel_csv(folder / "rows.csv", rows, [7, 3, 1])
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Return {name: (size, mtime_ns)} of the files in ``folder``, to prove nothing changed."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}
