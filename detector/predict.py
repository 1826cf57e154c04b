"""Recognition: run the exported CNN (onnxruntime, no torch) on prepared digits and return ``Reading`` values."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detector.config import DIGITS
from detector.csvfile import read_csv
from detector.errors import DetectorError, InputError
from detector.io import LoadedImage, kind_of, list_inputs, read_image
from detector.paths import DEFAULT_MODEL
from detector.preprocess import fit_to_canvas, ink_box, prepare_digit, to_gray
from detector.preprocess_batch import prepare_batch
from detector.results import LOW_CONFIDENCE, DigitResult, Reading

if TYPE_CHECKING:
    from detector.config import ModelConfig
    from detector.runtime import OnnxModel

log = logging.getLogger(__name__)

SMALL_SIDE = 32  # images no larger than this on both sides hold one digit
# A reading whose every digit is at least this sure is not second-guessed in the other
# polarity. Chosen on the 24 real photos, 300 handwriting scenes and 240 house-number signs
# (bench --signs): 0.99-0.995 read them best; always looking (1.0) lets a page edge's shadow
# in the other polarity add a digit to a handwritten 6.
SURE = 0.995
# Candidates of a photo less sure than this of their likeliest class are read again moved by a pixel
# each way (Predictor.steady_probabilities). Averaging over the shifts read 8 more of the 3,000
# generated pictures of seeds 1 and 6 right (digit-free 5, plates 1, small crops 2), lost none, and
# took 3 of the 25 digit-free pictures' sure false digits away; about 3 candidates in 10 are re-read.
STEADY_BELOW = 0.99


class Predictor:
    """A loaded model plus the preprocessing it was trained with."""

    def __init__(self, model: OnnxModel, config: ModelConfig, threshold: float = LOW_CONFIDENCE) -> None:
        self.model = model
        self.config = config
        self.threshold = threshold

    @classmethod
    def load(cls, path: str | Path | None = None, threshold: float = LOW_CONFIDENCE) -> Predictor:
        """Load an exported ``.onnx`` model (default: the shipped one) and return a predictor.

        Raises:
            ModelError: Missing, damaged, unsafe or mismatched model file.
        """
        from detector.runtime import OnnxModel

        model = OnnxModel.load(path or DEFAULT_MODEL)
        return cls(model, model.config, threshold)

    def probabilities(self, prepared: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """Return class probabilities (N, classes) for prepared inputs (N, 28, 28) in 0..1 (column 10: not a digit)."""
        return self.model.probabilities(prepared, batch_size)

    def steady_probabilities(self, prepared: np.ndarray, below: float = STEADY_BELOW) -> np.ndarray:
        """Class probabilities as :meth:`probabilities`, those less than ``below`` sure averaged over 1 px shifts.

        A crop cut from a photo could as well have been cut a pixel to any side; where the
        network is not sure of the crop as cut, its answer is averaged over the crop and the
        four crops moved by one pixel (test-time augmentation), which steadies it.
        """
        probs = self.probabilities(prepared)
        unsure = np.flatnonzero(probs.max(axis=1) < below)
        if len(unsure):
            crops = prepared[unsure]
            moved = np.concatenate([np.roll(crops, step, axis) for axis in (1, 2) for step in (1, -1)])
            shifts = self.probabilities(moved).reshape(4, len(unsure), -1)  # the four moves, read in one batch
            probs[unsure] = (probs[unsure] + shifts.sum(axis=0)) / 5
        return probs

    def _digits(self, prepared: list[np.ndarray], boxes: list, lines: list[int], scale: float) -> tuple:
        if not prepared:
            return ()
        probs = self.probabilities(np.stack(prepared))
        return tuple(
            digit_result(p, _scale_box(box, scale), line) for p, box, line in zip(probs, boxes, lines, strict=True)
        )

    def read_array(self, image: np.ndarray, source: str = "", scale: float = 1.0) -> Reading:
        """Read the digit or number in an image array.

        Args:
            image: Grayscale or RGB(A) pixels, any dtype.
            source: Name to report.
            scale: Source pixels per array pixel (boxes are reported in source pixels).
        """
        gray = to_gray(image)
        if max(gray.shape) <= SMALL_SIDE:
            prepared = prepare_digit(gray)
            if prepared is None:
                return Reading(source, threshold=self.threshold)
            return Reading(
                source, digits=self._digits([prepared[0]], [prepared[1]], [0], scale), threshold=self.threshold
            )
        from detector.segment import find_digits_both_ways

        if self.config.knows_junk:
            return Reading(source, digits=self._read_by_evidence(gray, scale), threshold=self.threshold)
        # A model without "not a digit" reads what the rules kept. The picture's overall
        # brightness cannot always tell ink from paper (white digits on a dark sign on a pale
        # wall). The likelier polarity is read first; unless every digit it found is sure, the
        # other is read too and kept when it holds more evidence.
        readings = find_digits_both_ways(gray)
        digits = self._read_crops(next(readings), scale)
        if not digits or min(d.confidence for d in digits) < SURE:
            flipped = self._read_crops(next(readings), scale)
            if _evidence(flipped) > _evidence(digits):
                digits = flipped
        return Reading(source, digits=digits, threshold=self.threshold)

    def _read_by_evidence(self, gray: np.ndarray, scale: float) -> tuple[DigitResult, ...]:
        """Propose every candidate, let the network judge each, and keep the reading the evidence favours."""
        from detector.segment import propose_digits
        from detector.segment.choose import choose

        proposals = propose_digits(gray)
        if not proposals.blobs:
            return ()
        probs = self.steady_probabilities(proposals.inputs)
        p = proposals
        lines = choose(
            p.blobs,
            probs,
            p.dark_ink,
            shape=p.shape,
            strengths=p.strengths,
            dotted=p.dotted,
            cores=[source == "core" for source in p.sources],
            framed=[source == "framed" for source in p.sources],
            likely_dark=p.likely_dark,
            faint=[source == "faint" for source in p.sources],
        )
        return tuple(
            digit_result(s.probs, _scale_box(p.boxes[s.index], scale), k) for k, line in enumerate(lines) for s in line
        )

    def _read_crops(self, crops: list, scale: float) -> tuple[DigitResult, ...]:
        inputs, boxes, lines = [], [], []
        for crop in crops:
            box = ink_box(crop.ink)
            if box is None:
                continue
            x, y, w, h = box
            inputs.append(fit_to_canvas(crop.ink[y : y + h, x : x + w]))
            boxes.append(crop.box)
            lines.append(crop.line)
        return self._digits(inputs, boxes, lines, scale)

    def read_loaded(self, loaded: LoadedImage, source: str) -> Reading:
        """Read a :class:`LoadedImage`, reporting boxes in the file's own pixels."""
        return self.read_array(loaded.pixels, source, loaded.scale)

    def read_csv_file(self, path: str | Path, source: str | None = None) -> Iterator[Reading]:
        """Read every row of a pixel CSV, batched chunk by chunk; yields one Reading per row."""
        source = str(path) if source is None else source
        for chunk in read_csv(path):
            prepared, found = prepare_batch(chunk.images)
            found &= np.array([err is None for err in chunk.errors], dtype=bool)
            probs = self.probabilities(prepared[found]) if found.any() else np.zeros((0, self.config.num_classes))
            yield from self._csv_readings(chunk, found, probs, source)

    def _csv_readings(self, chunk, found: np.ndarray, probs: np.ndarray, source: str) -> Iterator[Reading]:
        k = 0
        for i in range(len(found)):
            row, label, err = chunk.start + i, chunk.labels[i], chunk.errors[i]
            digits: tuple = ()
            if found[i]:
                digits = (digit_result(probs[k], (0, 0, 28, 28)),)
                k += 1
            yield Reading(source, row, label, digits, err, self.threshold)

    def read_path(self, path: str | Path) -> Iterator[Reading]:
        """Read one image or CSV file; errors become a Reading with ``error`` set."""
        source = str(path)
        path = Path(path)
        try:
            if kind_of(path) == "csv":
                yield from self.read_csv_file(path, source)
            else:
                yield self.read_loaded(read_image(path), source)
        except DetectorError as err:
            yield Reading(source, error=str(err), threshold=self.threshold)

    def read_inputs(self, inputs: Iterable[str | Path]) -> Iterator[Reading]:
        """Read images, CSVs and folders (their images and CSVs, sorted) in order."""
        for item in inputs:
            path = Path(item)
            if _is_dir(path):
                try:
                    files = list_inputs(path)
                except InputError as err:
                    yield Reading(str(item), error=str(err), threshold=self.threshold)
                    continue
                if not files:
                    yield Reading(str(item), error=f"{item} holds no images or CSV files", threshold=self.threshold)
                for f in files:
                    yield from self.read_path(f)
            else:
                yield from self.read_path(item)


def digit_result(p: np.ndarray, box: tuple[int, int, int, int], line: int = 0) -> DigitResult:
    """The likeliest digit of one row of class probabilities.

    With a "not a digit" class, only the ten digits are reported: their probabilities sum to the
    chance that this is a digit at all, so a digit's confidence says both that it is a digit and which.
    """
    digits = p[:DIGITS]
    d = int(digits.argmax())
    return DigitResult(d, float(digits[d]), tuple(float(v) for v in digits), box, line)


def _evidence(digits: tuple[DigitResult, ...]) -> float:
    """How strongly a reading holds a number: each digit surer than 90 % adds, each less sure subtracts."""
    return sum(d.confidence - 0.9 for d in digits)


def _scale_box(box: tuple[int, int, int, int], scale: float) -> tuple[int, int, int, int]:
    if scale == 1.0:
        return tuple(int(v) for v in box)
    return tuple(round(v * scale) for v in box)


def _is_dir(path: Path) -> bool:
    """``path.is_dir()``, False when the name cannot even be looked up (too long: read_path reports it)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False
