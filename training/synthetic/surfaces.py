"""Surfaces that digits are written or mounted on, and the marks that are not digits.

Paper with grain, specks and vignetting; walls of plaster or tiles; the edges of doors,
windows, tables and photos. Every function draws from the ``rng`` it is given, so a
picture is the same for the same seed. Arrays are float32 grey levels 0..255 (H, W).
"""

from __future__ import annotations

import numpy as np


def grain(rng: np.random.Generator, h: int, w: int, strength: float) -> np.ndarray:
    """Return smooth paper grain (H, W) of about ``strength`` grey levels: noise blurred at two scales.

    Drawn on a copy an eighth of the size and enlarged (the finest grain is the photo's own noise).
    """
    from PIL import Image
    from scipy import ndimage

    small = rng.normal(0, 1, (max(4, h // 8), max(4, w // 8))).astype(np.float32)
    small = ndimage.gaussian_filter(small, 0.5) + 2 * ndimage.gaussian_filter(small, 3.0)
    out = np.asarray(Image.fromarray(small, mode="F").resize((w, h), Image.BILINEAR), np.float32)
    return out * (strength / max(1e-3, float(out.std())))


def vignette(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Return a light factor (H, W): darker towards the corners, brighter off-centre like a phone's flash."""
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    cy, cx = h * rng.uniform(0.3, 0.7), w * rng.uniform(0.3, 0.7)
    r = np.hypot((yy - cy) / h, (xx - cx) / w)
    return (1.0 - rng.uniform(0.1, 0.45) * r**2 / 0.5).astype(np.float32)


def gradient(rng: np.random.Generator, h: int, w: int, amount: float) -> np.ndarray:
    """Return a linear light factor (H, W) around 1 that changes by ``amount`` across the picture."""
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h) * amount
    return (1.0 - ramp + ramp.mean()).astype(np.float32)


def specks(rng: np.random.Generator, image: np.ndarray, count: int, size: float, level: float) -> np.ndarray:
    """Return ``image`` with ``count`` dark dust specks of about ``size`` px radius painted towards ``level``."""
    out = image.copy()
    h, w = out.shape
    for _ in range(count):
        r = max(0.6, size * rng.uniform(0.3, 1.2))
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        y0, y1 = int(max(0, cy - r - 2)), int(min(h, cy + r + 2))
        x0, x1 = int(max(0, cx - r - 2)), int(min(w, cx + r + 2))
        if y1 <= y0 or x1 <= x0:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1]
        ry = r * rng.uniform(0.5, 1.5)
        alpha = np.clip(1.5 - np.hypot((yy - cy) / ry, (xx - cx) / r) * 1.5 + 0.5, 0, 1) * rng.uniform(0.4, 1.0)
        out[y0:y1, x0:x1] = out[y0:y1, x0:x1] * (1 - alpha) + level * alpha
    return out


def paper(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Return textured paper (H, W) 0..255: a grey or cream level, grain, vignetting, a few specks."""
    level = rng.uniform(150, 245)
    light = vignette(rng, h, w) * gradient(rng, h, w, rng.uniform(0, 0.25))
    img = (level + grain(rng, h, w, rng.uniform(1, 8))) * light
    n = int(rng.integers(0, 12))
    return specks(rng, img, n, max(1.0, min(h, w) * rng.uniform(0.002, 0.008)), level * rng.uniform(0.1, 0.6))


def wall(rng: np.random.Generator, h: int, w: int, level: float | None = None) -> np.ndarray:
    """Return a wall (H, W) 0..255: plaster, bricks or tiles, any brightness unless ``level`` is given."""
    level = rng.uniform(30, 235) if level is None else level
    img = level + grain(rng, h, w, rng.uniform(2, 12))
    kind = rng.random()
    if kind < 0.35:  # bricks or tiles: a grid of joints, slightly darker or lighter
        step_y = int(rng.integers(max(8, h // 14), max(9, h // 4)))
        step_x = int(step_y * rng.uniform(1.0, 3.0))
        joint = max(1, step_y // int(rng.integers(8, 20)))
        shade = rng.uniform(-40, 40)
        rows = (np.arange(h) % step_y) < joint
        img[rows] += shade
        for band in range(0, h, step_y):
            offset = (band // step_y % 2) * step_x // 2 if rng.random() < 0.7 else 0
            cols = ((np.arange(w) + offset) % step_x) < joint
            img[band : band + step_y, cols] += shade
    return (img * gradient(rng, h, w, rng.uniform(0, 0.3))).astype(np.float32)


def paint_rect(image: np.ndarray, box: tuple[int, int, int, int], level: float, width: int = 0) -> None:
    """Paint a filled rectangle (x0, y0, x1, y1), or its outline ``width`` px thick, in place."""
    x0, y0, x1, y1 = (int(v) for v in box)
    h, w = image.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return
    if width <= 0:
        image[y0:y1, x0:x1] = level
        return
    for sl in (np.s_[y0 : y0 + width, x0:x1], np.s_[y1 - width : y1, x0:x1], np.s_[y0:y1, x0 : x0 + width],
               np.s_[y0:y1, x1 - width : x1]):  # fmt: skip
        image[sl] = level


def door_edges(rng: np.random.Generator, image: np.ndarray, avoid: tuple[int, int, int, int]) -> np.ndarray:
    """Return ``image`` with a door or window frame: long vertical (and maybe horizontal) bars beside ``avoid``.

    ``avoid`` (x0, y0, x1, y1) is the region of the digits; the bars run outside it.
    """
    out = image.copy()
    h, w = out.shape
    x0, y0, x1, y1 = avoid
    base = float(np.median(out))
    for side in ("left", "right", "top", "bottom"):
        if rng.random() < 0.45:
            continue
        thick = int(rng.integers(max(2, w // 150), max(3, w // 25)))
        level = float(np.clip(base + rng.choice([-1, 1]) * rng.uniform(40, 140), 0, 255))
        gap = int(rng.integers(max(2, (x1 - x0) // 12), max(3, (x1 - x0) // 2)))
        if side == "left" and x0 - gap - thick > 0:
            paint_rect(out, (x0 - gap - thick, 0, x0 - gap, h), level)
        elif side == "right" and x1 + gap + thick < w:
            paint_rect(out, (x1 + gap, 0, x1 + gap + thick, h), level)
        elif side == "top" and y0 - gap - thick > 0:
            paint_rect(out, (0, y0 - gap - thick, w, y0 - gap), level)
        elif side == "bottom" and y1 + gap + thick < h:
            paint_rect(out, (0, y1 + gap, w, y1 + gap + thick), level)
    return out


def turn_onto_table(rng: np.random.Generator, sheet: np.ndarray, degrees: float) -> np.ndarray:
    """Return a photo of ``sheet`` turned by ``degrees`` and shifted, so the table shows as wedges at its edges.

    The table is darker or lighter than the paper, with its own grain, and sometimes the
    edge of the table itself (a second, straight boundary) crosses a corner.
    """
    return turn_with_boxes(rng, sheet, degrees, [])[0]


def turn_with_boxes(
    rng: np.random.Generator, sheet: np.ndarray, degrees: float, boxes: list[tuple[int, int, int, int]]
) -> tuple[np.ndarray, tuple[tuple[int, int, int, int], ...]]:
    """:func:`turn_onto_table`, also returning where ``boxes`` (x0, y0, x1, y1) on the sheet went."""
    from PIL import Image

    from training.synthetic.scenes import turn_boxes

    h, w = sheet.shape
    table_level = float(np.clip(np.median(sheet) + rng.choice([-1, 1]) * rng.uniform(60, 180), 5, 250))
    table = table_level + grain(rng, h, w, rng.uniform(2, 10))
    if rng.random() < 0.4:  # the far edge of the table and the floor behind it
        k = int(rng.integers(h // 12, h // 5))
        table[:k] = float(np.clip(table_level + rng.choice([-1, 1]) * rng.uniform(40, 100), 0, 255))
    mask = Image.fromarray(np.full((h, w), 255, np.uint8))
    shift = (int(rng.integers(-w // 30, w // 30 + 1)), int(rng.integers(-h // 30, h // 30 + 1)))
    turned = Image.fromarray(sheet.astype(np.float32), mode="F").rotate(degrees, Image.BILINEAR, translate=shift)
    inside = np.asarray(mask.rotate(degrees, Image.BILINEAR, translate=shift), np.float32) / 255
    photo = np.asarray(turned, np.float32) * inside + table * (1 - inside)
    return photo, turn_boxes(boxes, degrees, (w, h), shift)
