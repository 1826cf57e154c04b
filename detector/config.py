"""Typed description of the network, stored in every checkpoint beside the weights."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

ARCH_NAME = "ndnet"
ARCH_VERSION = 1
DIGITS = 10  # classes 0-9 are the digits ...
NOT_DIGIT = 10  # ... and a model with 11 classes has this one more: "not a digit" (specks, edges, letters)


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild the model and feed it the right pixels.

    The preprocessing numbers (``input_size``, ``digit_box``, ``ink_margin``,
    ``min_digit_contrast``) define what the model was trained to see, so they travel with
    the weights, as timm's pretrained config carries its input size and mean/std.
    Checkpoints saved before they were fields load with today's values (the defaults).

    Attributes:
        arch: Architecture family name; a checkpoint of another family is refused.
        version: Architecture version; bumped whenever layer shapes change.
        input_size: Side of the square input in pixels: the canvas each digit is
            centred on by its centre of mass (MNIST: 28).
        mean: Mean of the preprocessed training pixels (0..1 scale).
        std: Standard deviation of the preprocessed training pixels.
        num_classes: Number of output classes: 10 (the digits 0-9), or 11 where class
            ``NOT_DIGIT`` says "this is not a digit" (a speck, an edge, a letter).
        channels: Output channels of the five convolutions.
        dropout: Dropout probability before the classifier.
        temperature: Logits are divided by this before the softmax. Fitted on the
            validation split after training (label smoothing leaves raw probabilities
            too timid), so a reported 95 % is right about 95 % of the time. It never
            changes which digit wins.
        digit_box: A digit is scaled so its longer side is this many pixels (MNIST: 20).
        ink_margin: Fraction of a crop's paper-to-ink range treated as paper texture and
            dropped, so the background of the input is exactly 0.
        min_digit_contrast: A crop whose ink stands out from its paper by less than this
            (0..1 grey levels) holds no digit.
    """

    arch: str = ARCH_NAME
    version: int = ARCH_VERSION
    input_size: int = 28
    mean: float = 0.1307
    std: float = 0.3081
    num_classes: int = 10
    channels: tuple[int, ...] = (32, 32, 64, 64, 128)
    dropout: float = 0.3
    temperature: float = 1.0
    digit_box: int = 20
    ink_margin: float = 0.15
    min_digit_contrast: float = 0.08

    def __post_init__(self) -> None:
        # Refused here so that a checkpoint with nonsense preprocessing numbers is an
        # unreadable config (load_checkpoint catches ValueError), never a crash later.
        whole = isinstance(self.digit_box, int) and not isinstance(self.digit_box, bool)
        if not (whole and isinstance(self.input_size, int | float) and 1 <= self.digit_box <= self.input_size):
            raise ValueError(f"digit_box {self.digit_box!r} must be a whole number from 1 to input_size")
        for name in ("ink_margin", "min_digit_contrast"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and 0 <= value < 1):
                raise ValueError(f"{name} {value!r} must be a number from 0 to below 1")

    @property
    def knows_junk(self) -> bool:
        """True when the model has the "not a digit" class."""
        return self.num_classes > NOT_DIGIT

    def to_dict(self) -> dict:
        """Return a plain dict (lists, numbers, strings) safe for weights-only loading."""
        data = asdict(self)
        data["channels"] = list(self.channels)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        """Rebuild a config from :meth:`to_dict` output, ignoring unknown keys.

        Keys it lacks (a checkpoint older than a field) take the field's default.
        """
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        if "channels" in kwargs:
            kwargs["channels"] = tuple(int(c) for c in kwargs["channels"])
        return cls(**kwargs)
