"""Synthetic printed digits rendered from the TrueType fonts that ship with matplotlib (:mod:`.fonts`).

House numbers, receipts and cards are printed, which MNIST is not. Each sample is drawn
deterministically from its index: font, colours, polarity, size, rotation, perspective,
blur, noise and clutter from neighbouring digits at the edges, as in SVHN crops. One
group of ten in ``CARD_EVERY`` is drawn in the square card face of
:mod:`training.synthetic.cardfont` instead of a TrueType font.
"""

from __future__ import annotations

import numpy as np
from torch.utils.data import Dataset

from detector.preprocess import prepare_digit
from training.synthetic.fonts import font_paths, load_font

CANVAS = 96
CARD_EVERY = 6  # samples 50-59, 110-119, ... are square card digits


def render_digit(index: int, seed: int = 0) -> tuple[np.ndarray, int]:
    """Render sample ``index``: a grayscale crop around one printed digit, and its label.

    Args:
        index: Sample number; the same index and seed always give the same image.
        seed: Dataset seed.

    Returns:
        (float32 (h, w) crop in 0..1 of either polarity, digit label).
    """
    from PIL import Image, ImageDraw

    rng = np.random.default_rng([seed, index])
    label = index % 10
    if (index // 10) % CARD_EVERY == CARD_EVERY - 1:
        return _render_card(label, rng), label
    fonts = font_paths()
    font = load_font(fonts[int(rng.integers(len(fonts)))], int(rng.integers(34, 60)))
    ink, paper = _colours(rng)
    img = Image.new("L", (CANVAS, CANVAS), paper)
    draw = ImageDraw.Draw(img)
    x0, y0, x1, y1 = draw.textbbox((0, 0), str(label), font=font)
    left, top = (CANVAS - (x1 - x0)) // 2 - x0, (CANVAS - (y1 - y0)) // 2 - y0
    gap = int(rng.integers(1, 8))
    for side in (-1, 1):  # neighbours of the house number, mostly outside the crop
        if rng.random() < 0.3:
            draw.text((left + side * (x1 - x0 + gap), top), str(int(rng.integers(10))), fill=ink, font=font)
    draw.text((left, top), str(label), fill=ink, font=font)
    return _finish(img, (left + x0, top + y0, left + x1, top + y1), paper, rng), label


def _render_card(label: int, rng: np.random.Generator) -> np.ndarray:
    """A crop around one square card digit, with neighbours, colours and distortions as the font digits get."""
    from PIL import Image

    from training.synthetic.cardfont import card_digit

    ink, paper = _colours(rng)
    mask = card_digit(label, int(rng.integers(34, 60)), rng)
    h, w = mask.shape
    left, top = (CANVAS - w) // 2, (CANVAS - h) // 2
    canvas = np.zeros((CANVAS, CANVAS), np.float32)
    gap = int(rng.integers(2, 10))
    for side in (-1, 1):  # neighbours of the card number, mostly outside the crop
        if rng.random() < 0.3:
            other = card_digit(int(rng.integers(10)), h, rng)[:, : CANVAS - 1]
            x = left + side * (gap + (w if side > 0 else other.shape[1]))
            x0, x1 = max(0, x), min(CANVAS, x + other.shape[1])
            if x1 > x0:
                region = canvas[top : top + other.shape[0], x0:x1]
                region[...] = np.maximum(region, other[: region.shape[0], x0 - x : x1 - x] / 255.0)
    canvas[top : top + h, left : left + w] = np.maximum(canvas[top : top + h, left : left + w], mask / 255.0)
    img = Image.fromarray(np.clip(paper + (ink - paper) * canvas, 0, 255).astype(np.uint8))
    return _finish(img, (left, top, left + w, top + h), paper, rng)


def _finish(img, box: tuple[int, int, int, int], paper: int, rng: np.random.Generator) -> np.ndarray:
    """Distort, blur and add noise to a rendered canvas, then crop around ``box``: float32 (h, w) in 0..1."""
    from PIL import ImageFilter

    img = _distort(img, rng, paper)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.4))))
    arr = np.asarray(img, dtype=np.float32) / 255.0
    arr = arr + rng.normal(0, rng.uniform(0, 0.05), arr.shape).astype(np.float32)
    return _crop(np.clip(arr, 0, 1), box, rng)


def _colours(rng: np.random.Generator) -> tuple[int, int]:
    ink, paper = int(rng.integers(0, 110)), int(rng.integers(150, 256))
    return (paper, ink) if rng.random() < 0.5 else (ink, paper)


def _distort(img, rng: np.random.Generator, fill: int):
    from PIL import Image

    img = img.rotate(float(rng.uniform(-10, 10)), resample=Image.BILINEAR, fillcolor=fill)
    jitter = rng.uniform(-0.08, 0.08, 8) * CANVAS
    corners = np.array([0, 0, CANVAS, 0, CANVAS, CANVAS, 0, CANVAS], dtype=np.float64) + jitter
    coeffs = _perspective_coeffs(corners.reshape(4, 2))
    return img.transform(img.size, Image.PERSPECTIVE, coeffs, Image.BILINEAR, fillcolor=fill)


def _perspective_coeffs(src: np.ndarray) -> tuple[float, ...]:
    # torchvision.transforms.functional.perspective solves the same system, but in float32: over
    # 300 samples 321 of 2.8 M pixels move by one grey level, so the synthetic training data would
    # change. Switch when the data is next regenerated (with a retrain).
    dst = np.array([[0, 0], [CANVAS, 0], [CANVAS, CANVAS], [0, CANVAS]], dtype=np.float64)
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return tuple(np.linalg.solve(np.array(rows), src.reshape(-1)))


def _crop(arr: np.ndarray, box: tuple[int, int, int, int], rng: np.random.Generator) -> np.ndarray:
    x0, y0, x1, y1 = box
    pad = int(rng.integers(0, 4))
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(CANVAS, x1 + pad), min(CANVAS, y1 + pad)
    return arr[y0:y1, x0:x1]


class SynthDigits(Dataset):
    """A torch ``Dataset`` of synthetic printed digits, rendered on the fly, deterministic per index.

    Items are (float32 (1, 28, 28) MNIST-style input in 0..1, label): the rendered crop goes
    through ``detector.preprocess.prepare_digit``, exactly as a digit at inference does.
    Training renders each item once and caches the array (``materialize``); the batched
    augmentation then varies it every epoch.
    """

    def __init__(self, length: int, seed: int = 0) -> None:
        super().__init__()
        self.length = length
        self.seed = seed

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        if not 0 <= index < self.length:
            raise IndexError(f"sample {index} is outside 0..{self.length - 1}")
        crop, label = render_digit(index, self.seed)
        prepared = prepare_digit(crop)
        image = prepared[0] if prepared is not None else np.zeros((28, 28), np.float32)
        return image[None], label

    def materialize(self) -> tuple[np.ndarray, np.ndarray]:
        """Return every item as arrays: images (N, 28, 28) and labels (N,)."""
        images = np.zeros((self.length, 28, 28), dtype=np.float32)
        labels = np.zeros(self.length, dtype=np.int64)
        for i in range(self.length):
            image, labels[i] = self[i]
            images[i] = image[0]
        return images, labels
