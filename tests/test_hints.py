"""The model hint the app adds where it runs, and the exit codes carried by the exceptions."""

from __future__ import annotations

from detector.app import hints
from detector.errors import DetectorError, ExitCode, InputError, ModelError, OutputError


def test_exit_codes_live_on_the_exception_classes():
    assert [e.exit_code for e in (DetectorError, InputError, ModelError, OutputError)] == [1, 1, 3, 4]
    assert ExitCode.USAGE == 2 and ExitCode.INTERRUPTED == 130


def test_model_error_gets_the_hint_that_fits_this_installation(monkeypatch):
    err = ModelError("no model at /x.onnx")
    text = hints.message(err)
    assert text.startswith("no model at /x.onnx; train one with: python -m training.train")
    assert "(run in " in text and text.count("train one with") == 1
    checkpoint = hints.message(ModelError("x.pt is a training checkpoint", needs="export"))
    assert "python -m training.export --model" in checkpoint
    monkeypatch.setattr(hints, "can_train", lambda: False)  # the Docker image: no training/
    assert "cannot train" in hints.message(err) and "training." not in hints.message(err)
    assert hints.message(
        ModelError("no permission to read m.onnx; fix its permissions (chmod +r)", needs=None)
    ).endswith("(chmod +r)")
