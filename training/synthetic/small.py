"""Small house-number crops, as street-view photo sets (SVHN) hold them: a few dozen pixels, blurred.

Each picture is a generated sign or plate (:mod:`training.synthetic.signs`) cut close
around its number, often into the plate's border or the wall beside it, and shrunk
until the digits stand 12-36 px tall; some are then enlarged again by a factor of 1.5-3,
as crops resized to a fixed 54 px are, which leaves them soft. JPEG compression comes
last. A big sign read well says little about a 15 px number: at that size two digits
blur into one blob and a border is a 1 px line beside them.
"""

from __future__ import annotations

import numpy as np

from training.synthetic.scenes import Box, Scene, jpeg_roundtrip

SMALLEST, LARGEST = 12, 36  # digit heights after shrinking, px
LEAST_SIDE = 40  # px on the longer side: a picture of 32 px or less is read as one digit
BLOWN_UP = 0.3  # of the crops are enlarged again (soft, as fixed-size crops are)


def _crop_box(boxes: tuple[Box, ...], width: int, height: int, rng: np.random.Generator) -> Box:
    """A box around all the digits with a random margin: 0.1-0.6 digit heights above and below, 0.1-1.2 at the sides."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    tall = y1 - y0
    top, bottom = (int(tall * rng.uniform(0.1, 0.6)) for _ in range(2))
    left, right = (int(tall * rng.uniform(0.1, 1.2)) for _ in range(2))
    return max(0, x0 - left), max(0, y0 - top), min(width, x1 + right), min(height, y1 + bottom)


def make_small(index: int, seed: int = 0) -> Scene:
    """Draw small crop ``index``; the same index and seed always give the same picture."""
    from PIL import Image, ImageFilter

    from training.synthetic.signs import make_plate, make_sign

    rng = np.random.default_rng([seed, index, 17])
    draw = make_sign if rng.random() < 0.5 else make_plate
    for attempt in range(8):  # a big font can run a number off its sign: the crop would cut digits
        source = draw(index, seed + 7919 + 104729 * attempt)
        h, w = source.image.shape[:2]
        if all(x0 > 0 and y0 > 0 and x1 < w and y1 < h for x0, y0, x1, y1 in source.boxes):  # a box at the edge is cut
            break
    cx0, cy0, cx1, cy1 = _crop_box(source.boxes, w, h, rng)
    tall = max(b[3] for b in source.boxes) - min(b[1] for b in source.boxes)
    factor = rng.uniform(SMALLEST, LARGEST) / max(1, tall)
    factor = max(factor, LEAST_SIDE / max(cx1 - cx0, cy1 - cy0))  # smaller pictures are read as one digit
    size = (max(8, round((cx1 - cx0) * factor)), max(8, round((cy1 - cy0) * factor)))
    img = Image.fromarray(source.image).crop((cx0, cy0, cx1, cy1)).resize(size, Image.BILINEAR)
    if rng.random() < BLOWN_UP:
        grow = rng.uniform(1.5, 3.0)
        img = img.resize((round(size[0] * grow), round(size[1] * grow)), Image.BICUBIC)
        factor *= img.width / size[0]
    img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.0, 0.6))))
    image = jpeg_roundtrip(np.asarray(img, np.float32), int(rng.integers(55, 95)))
    height, width = image.shape[:2]
    boxes = tuple(
        (
            max(0, int((x0 - cx0) * factor)),
            max(0, int((y0 - cy0) * factor)),
            min(width, int(np.ceil((x1 - cx0) * factor))),
            min(height, int(np.ceil((y1 - cy0) * factor))),
        )
        for x0, y0, x1, y1 in source.boxes
    )
    return Scene(image, source.number, boxes)
