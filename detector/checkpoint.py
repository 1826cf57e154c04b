"""Saving and loading checkpoints: weights plus the config that rebuilds the model."""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import zipfile
from pathlib import Path

from detector.config import ARCH_NAME, ARCH_VERSION, ModelConfig
from detector.errors import ModelError

log = logging.getLogger(__name__)

TRAIN_HINT = "train one with: python -m training.train --data-dir ../shared/data"


def save_checkpoint(path: str | Path, model, config: ModelConfig, meta: dict | None = None) -> Path:
    """Write weights, config and metadata atomically (temporary file, then rename).

    Args:
        path: Destination ``.pt`` file; its folder is created when missing.
        model: The trained ``DigitNet``.
        config: The config the model was built from.
        meta: Plain-data extras (accuracy, epochs, date).

    Returns:
        The path written.
    """
    import torch

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"config": config.to_dict(), "state_dict": model.state_dict(), "meta": meta or {}}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(payload, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | Path, device: str = "cpu"):
    """Load a checkpoint safely (weights only) and rebuild the model in eval mode.

    Args:
        path: The ``.pt`` file.
        device: Where to put the weights.

    Returns:
        (model, config, meta).

    Raises:
        ModelError: Missing, damaged, unsafe or mismatched checkpoint.
    """
    import torch

    from detector.model import DigitNet

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"no model at {path}; {TRAIN_HINT}")
    try:
        payload = torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as err:
        raise ModelError(f"{path.name} holds code, not just weights, and was refused; {TRAIN_HINT}") from err
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile, KeyError) as err:
        raise ModelError(f"{path.name} is damaged or not a checkpoint; {TRAIN_HINT}") from err
    config = _check_payload(payload, path)
    model = DigitNet(config)
    try:
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, KeyError, TypeError) as err:
        raise ModelError(f"{path.name} does not match the {ARCH_NAME} v{ARCH_VERSION} layers; {TRAIN_HINT}") from err
    model.to(device).eval()
    return model, config, payload.get("meta", {})


def _check_payload(payload, path: Path) -> ModelConfig:
    if not isinstance(payload, dict) or "config" not in payload or "state_dict" not in payload:
        raise ModelError(f"{path.name} is not a Number Detector checkpoint; {TRAIN_HINT}")
    raw = payload["config"]
    arch, version = raw.get("arch"), raw.get("version")
    if arch != ARCH_NAME or version != ARCH_VERSION:
        raise ModelError(
            f"{path.name} is a {arch} v{version} model but this program runs {ARCH_NAME} v{ARCH_VERSION}; {TRAIN_HINT}"
        )
    try:
        return ModelConfig.from_dict(raw)
    except (TypeError, ValueError) as err:
        raise ModelError(f"{path.name} has an unreadable config; {TRAIN_HINT}") from err
