"""What to tell the user when the model cannot be loaded: the hint that fits where the program runs.

The library says what is wrong with a model file (``ModelError``, with what it ``needs``);
only the app knows whether this copy of the program can train or export one (a clone has
``training/``; the Docker image does not).
"""

from __future__ import annotations

from detector.errors import DetectorError, ModelError
from detector.paths import PROJECT_ROOT


def can_train() -> bool:
    """True when this copy of the program ships the training code (a clone; not the Docker image)."""
    return (PROJECT_ROOT / "training" / "train.py").is_file()


def model_hint(needs: str = "model") -> str:
    """Return what to do about a missing or unusable model, for this installation.

    Args:
        needs: "model" when another model is needed, "export" when a training checkpoint
            (.pt) was given where recognition reads the .onnx.
    """
    if not can_train():
        return (
            "this installation cannot train: use the shipped models/ model or pass another .onnx with --model/ND_MODEL"
        )
    where = f"run in {PROJECT_ROOT}; see the README's Training section"
    if needs == "export":
        return f"export it to .onnx first: python -m training.export --model X.pt ({where})"
    return f"train one with: python -m training.train, or export a checkpoint: python -m training.export ({where})"


def message(err: DetectorError) -> str:
    """Return the one line to show for ``err``; a ModelError gets the hint that fits here."""
    text = str(err)
    if not isinstance(err, ModelError) or err.needs is None:
        return text
    return f"{text}; {model_hint(err.needs)}"
