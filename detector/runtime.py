"""The recognition model at run time: an exported ``.onnx`` file on onnxruntime.

The file is data from the disk and is checked before use: it must be a self-contained
ONNX model (no external data files), take (batch, 1, 28, 28) pixels, give (batch, 10)
probabilities (or (batch, 11), the last "not a digit", when its metadata says 11 classes)
and carry the :class:`ModelConfig` that ``training.export`` stores in its metadata. The
graph normalises the pixels and applies the softmax temperature itself, so the caller
feeds prepared pixels in 0..1 (white ink on black) and gets probabilities. torch is not
needed here.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from detector.config import DIGITS, ModelConfig
from detector.errors import ModelError

if TYPE_CHECKING:  # onnxruntime is imported lazily: the menu draws before it loads
    import onnxruntime as ort

log = logging.getLogger(__name__)

METADATA_KEY = "number_detector"  # metadata_props key holding our JSON
INPUT_NAME, OUTPUT_NAME = "pixels", "probabilities"
MAX_BYTES = 512 * 1024 * 1024  # no digit model is this large: refuse rather than read it
THREADS = 2  # this project's machines have 2 cores; measured in training/bench/speed.py


class OnnxModel:
    """One onnxruntime session (created once) and the config stored in its file."""

    def __init__(self, session: ort.InferenceSession, config: ModelConfig, meta: dict, path: Path) -> None:
        self.session = session
        self.config = config
        self.meta = meta
        self.path = path

    @classmethod
    def load(cls, path: str | Path) -> OnnxModel:
        """Read, check and open an exported model.

        Raises:
            ModelError: Missing, damaged, foreign or unsafe model file, one line saying what to do.
        """
        path = Path(path)
        data = _read(path)
        session = _session(data, path)
        _check_shapes(session, path)
        raw = _metadata(session, path)
        from detector.checkpoint import read_config

        config = read_config(raw.get("config"), path.name)
        classes = session.get_outputs()[0].shape[1]
        if classes != config.num_classes:
            raise ModelError(f"{path.name} gives {classes} classes but its metadata says {config.num_classes}")
        meta = raw.get("meta")
        return cls(session, config, meta if isinstance(meta, dict) else {}, path)

    def probabilities(self, prepared: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """Return class probabilities (N, classes) for prepared inputs (N, 28, 28) in 0..1."""
        out = np.zeros((len(prepared), self.config.num_classes), dtype=np.float32)
        for i in range(0, len(prepared), batch_size):
            x = np.ascontiguousarray(prepared[i : i + batch_size], dtype=np.float32)[:, None]  # (B, 1, 28, 28)
            out[i : i + batch_size] = self.session.run([OUTPUT_NAME], {INPUT_NAME: x})[0]
        return out


def load_onnxruntime() -> ModuleType:
    """The onnxruntime module, imported with its telemetry off unless ``ORT_DISABLE_TELEMETRY`` says otherwise.

    Since 1.29 onnxruntime sends usage events to Microsoft from Linux and macOS too, and keeps
    a device identifier and an event cache under ``~/.cache/Microsoft``. A digit reader that
    works offline does neither. The variable counts only when set before onnxruntime starts.
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import onnxruntime

    return onnxruntime


def session_options(threads: int = THREADS) -> ort.SessionOptions:
    """Options for a small CNN on a small CPU: few threads that do not spin, sequential nodes."""
    ort = load_onnxruntime()

    ort.set_default_logger_severity(3)  # errors only: no warnings on stderr (e.g. an unwritable HOME in Docker)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # a busy 2-core box: yield, do not spin
    options.log_severity_level = 3  # errors only: they become ModelError below
    return options


def _read(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise ModelError(f"no model at {path}")
        if path.suffix.lower() == ".pt":
            raise ModelError(f"{path.name} is a training checkpoint; recognition reads .onnx models", needs="export")
        if path.stat().st_size > MAX_BYTES:
            raise ModelError(f"{path.name} is over {MAX_BYTES >> 20} MB, too large for a digit model")
        return path.read_bytes()
    except PermissionError as err:
        raise ModelError(f"no permission to read {path.name}; fix its permissions (chmod +r)", needs=None) from err
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from err


def _session(data: bytes, path: Path) -> ort.InferenceSession:
    """Open the session from the bytes already read (the file is not opened twice)."""
    from detector.onnxcheck import WireError, uses_external_data

    damaged = f"{path.name} is damaged or not an ONNX model"
    try:
        external = uses_external_data(data)
    except WireError as err:
        raise ModelError(damaged) from err
    if external:
        raise ModelError(
            f"{path.name} keeps weights in external data files, which are refused; export a self-contained "
            f"model: python -m training.export"
        )
    ort = load_onnxruntime()
    try:
        return ort.InferenceSession(data, session_options(), providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own classes (Fail, InvalidGraph, ...) for a bad file
        log.debug("onnxruntime refused %s", path, exc_info=True)
        raise ModelError(damaged) from err


def _check_shapes(session: ort.InferenceSession, path: Path) -> None:
    inputs, outputs = session.get_inputs(), session.get_outputs()
    if len(inputs) != 1 or inputs[0].name != INPUT_NAME or list(inputs[0].shape[1:]) != [1, 28, 28]:
        got = ", ".join(f"{i.name} {i.shape}" for i in inputs)
        raise ModelError(f"{path.name} takes {got}, not (batch, 1, 28, 28) pixels")
    if not all(i.type == "tensor(float)" for i in inputs) or not outputs:
        raise ModelError(f"{path.name} does not take float pixels")
    out = outputs[0]
    if out.name != OUTPUT_NAME or len(out.shape) != 2 or out.shape[1] not in (DIGITS, DIGITS + 1):
        raise ModelError(f"{path.name} gives {out.name} {out.shape}, not 10 digit probabilities")


def _metadata(session: ort.InferenceSession, path: Path) -> dict:
    text = session.get_modelmeta().custom_metadata_map.get(METADATA_KEY)
    if text is None:
        raise ModelError(f"{path.name} has no Number Detector metadata (not made by training.export)")
    try:
        raw = json.loads(text)
    except ValueError as err:
        raise ModelError(f"{path.name} has unreadable Number Detector metadata") from err
    if not isinstance(raw, dict):
        raise ModelError(f"{path.name} has unreadable Number Detector metadata")
    return raw
