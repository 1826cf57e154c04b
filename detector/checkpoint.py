"""Saving and loading checkpoints: weights plus the config that rebuilds the model."""

from __future__ import annotations

import logging
import math
import pickle
import zipfile
from pathlib import Path

from detector.config import ARCH_NAME, ARCH_VERSION, DIGITS, ModelConfig
from detector.errors import ModelError
from detector.files import write_atomic

log = logging.getLogger(__name__)


def save_checkpoint(path: str | Path, model, config: ModelConfig, meta: dict | None = None) -> Path:
    """Write weights, config and metadata atomically (``files.write_atomic``: temporary file, then rename).

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
    return write_atomic(path, lambda fh: torch.save(payload, fh))


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

    from detector.model import DigitNet

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"no model at {path}")
    payload = _load_weights(path, device)
    config = _check_payload(payload, path)
    try:
        model = DigitNet(config)
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise ModelError(f"{path.name} does not match the {ARCH_NAME} v{ARCH_VERSION} layers") from err
    model.to(device).eval()
    meta = payload.get("meta")
    return model, config, meta if isinstance(meta, dict) else {}


def _load_weights(path: Path, device: str):
    """torch.load with weights_only=True: a pickle that names code is refused, never run."""
    import warnings

    import torch

    try:
        with warnings.catch_warnings():  # torch warns about legacy pickles; the refusal below says it all
            warnings.simplefilter("ignore")
            return torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as err:
        if "GLOBAL" in str(err) or "global" in str(err):
            raise ModelError(f"{path.name} holds code, not just weights, and was refused") from err
        raise ModelError(f"{path.name} is damaged or not a weights-only checkpoint (refused)") from err
    except PermissionError as err:
        raise ModelError(f"no permission to read {path.name}; fix its permissions (chmod +r)", needs=None) from err
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile, KeyError, IndexError) as err:
        raise ModelError(f"{path.name} is damaged or not a checkpoint") from err


def _check_payload(payload, path: Path) -> ModelConfig:
    if not isinstance(payload, dict) or "config" not in payload or "state_dict" not in payload:
        raise ModelError(f"{path.name} is not a Number Detector checkpoint")
    return read_config(payload["config"], path.name)


def read_config(raw, name: str) -> ModelConfig:
    """Rebuild the :class:`ModelConfig` stored in a model file, refusing any this program cannot run.

    Args:
        raw: The stored dict (from a checkpoint or an ONNX model's metadata).
        name: The file's name, for the message.

    Raises:
        ModelError: No readable config, another architecture, or impossible settings.
    """
    if not isinstance(raw, dict):
        raise ModelError(f"{name} has no readable config")
    arch, version = raw.get("arch"), raw.get("version")
    if arch != ARCH_NAME or version != ARCH_VERSION:
        runs = f"{ARCH_NAME} v{ARCH_VERSION}"
        raise ModelError(f"{name} is a {arch} v{version} model but this program runs {runs}")
    try:
        config = ModelConfig.from_dict(raw)
    except (TypeError, ValueError) as err:
        raise ModelError(f"{name} has an unreadable config") from err
    if not _sane(config):
        raise ModelError(f"{name} has impossible settings in its config")
    return config


def _sane(config: ModelConfig) -> bool:
    """The settings this program can run: 28 px input, 10 digits (+ "not a digit"), a positive std, sane layers."""
    numbers_ok = all(
        isinstance(v, int | float) and math.isfinite(v)
        for v in (config.mean, config.std, config.dropout, config.temperature)
    )
    return (
        numbers_ok
        and config.input_size == 28
        and config.num_classes in (DIGITS, DIGITS + 1)
        and config.std > 0
        and config.temperature > 0
        and 0 <= config.dropout < 1
        and len(config.channels) == 5
        and all(c > 0 for c in config.channels)
    )
