"""What to tell the user when the model cannot be loaded: the hint that fits where the program runs.

The library says what is wrong with a checkpoint; only the app knows whether this copy
of the program can train one (a clone has ``training/``; the Docker image does not).
"""

from __future__ import annotations

from detector.errors import DetectorError, ModelError
from detector.paths import PROJECT_ROOT

# The hint detector/checkpoint.py appended before the app took the job over; cut where it is still there.
_LIBRARY_HINT = "; train one with: python -m training.train"


def can_train() -> bool:
    """True when this copy of the program ships the training code (a clone; not the Docker image)."""
    return (PROJECT_ROOT / "training" / "train.py").is_file()


def model_hint() -> str:
    """Return what to do about a missing or unusable model, for this installation."""
    if can_train():
        return f"train one with: python -m training.train (run in {PROJECT_ROOT}; see the README's Training section)"
    return "this installation cannot train: use the shipped models/ checkpoint or pass another with --model/ND_MODEL"


def message(err: DetectorError) -> str:
    """Return the one line to show for ``err``; a ModelError gets the hint that fits here."""
    text = str(err)
    if not isinstance(err, ModelError):
        return text
    cut = text.find(_LIBRARY_HINT)
    text = text[:cut] if cut >= 0 else text
    if "permission" in text:  # the fix is chmod, not a new model
        return text
    return f"{text}; {model_hint()}"
