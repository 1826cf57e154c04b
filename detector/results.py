"""Result values returned by the library: one digit, and one reading of an input."""

from __future__ import annotations

from dataclasses import dataclass

# Below this a digit (and so its number) is flagged as unsure. Confidences are calibrated
# on validation data, where 99.5 % of answers are right; on unfamiliar pictures the
# model is over-sure, so the bar sits well above the validation error rate.
LOW_CONFIDENCE = 0.9


def percent(p: float, decimals: int = 1) -> str:
    """Format a probability as a percentage that never claims certainty it lacks.

    A model's 99.96 % rounds to "100.0%", which reads as sure; it is shown as ">99.9%".
    """
    text = f"{p:.{decimals}%}"
    if p < 1 and float(text[:-1]) >= 100:
        top = 100 - 10.0**-decimals
        return f">{top:.{decimals}f}%"
    return text


def rounded(p: float, digits: int = 4) -> float:
    """Round a probability for JSON and CSV output; below 1 it never rounds up to 1.0 (certainty)."""
    value = round(p, digits)
    return value if p >= 1 or value < 1 else 1 - 10.0**-digits


@dataclass(frozen=True)
class DigitResult:
    """One recognised digit.

    Attributes:
        digit: The most likely digit 0-9.
        confidence: Its probability, 0..1 (with a model that knows "not a digit", also the
            chance that this is a digit at all: a speck read as a 1 is not sure of it).
        probabilities: The ten digit probabilities, index = digit (they sum to less than
            1 when the model holds some chance that this is no digit).
        box: (x, y, w, h) in source pixels.
        line: Text line index, top to bottom, for multi-line pictures.
    """

    digit: int
    confidence: float
    probabilities: tuple[float, ...]
    box: tuple[int, int, int, int]
    line: int = 0

    def to_dict(self, threshold: float = LOW_CONFIDENCE) -> dict:
        """Return the JSON form: digit, confidence, unsure (below ``threshold``), box and probabilities."""
        return {
            "digit": self.digit,
            "confidence": rounded(self.confidence),
            "unsure": self.confidence < threshold,
            "box": list(self.box),
            "probabilities": [rounded(p) for p in self.probabilities],
        }


@dataclass(frozen=True)
class Reading:
    """What was read from one image or one CSV row.

    Attributes:
        source: The path as given.
        row: CSV row index from 0, None for images.
        label: The CSV label when the file has one.
        digits: The digits found, in reading order.
        error: One-line message when the input could not be read.
        threshold: Confidence below which a digit is flagged.
    """

    source: str
    row: int | None = None
    label: int | str | None = None
    digits: tuple[DigitResult, ...] = ()
    error: str | None = None
    threshold: float = LOW_CONFIDENCE

    @property
    def number(self) -> str:
        """The digits as a string; text lines are separated by one space."""
        parts, line = [], None
        for d in self.digits:
            if line is not None and d.line != line:
                parts.append(" ")
            parts.append(str(d.digit))
            line = d.line
        return "".join(parts)

    @property
    def confidence(self) -> float:
        """The lowest digit confidence (0 when nothing was found)."""
        return min((d.confidence for d in self.digits), default=0.0)

    @property
    def low_confidence(self) -> bool:
        """True when any digit is below the threshold."""
        return any(d.confidence < self.threshold for d in self.digits)

    @property
    def correct(self) -> bool | None:
        """Whether the number matches the label; None without a label."""
        if self.label is None:
            return None
        return self.number == str(self.label)

    def to_dict(self) -> dict:
        """Return the JSON Lines object documented for ``predict --json``."""
        return {
            "source": self.source,
            "row": self.row,
            "label": self.label,
            "number": self.number,
            "confidence": rounded(self.confidence),
            "unsure": self.low_confidence,
            "digits": [d.to_dict(self.threshold) for d in self.digits],
            "error": self.error,
        }
