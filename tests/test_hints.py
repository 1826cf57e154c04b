"""The model hint the app adds where it runs, and the exit codes carried by the exceptions."""

from __future__ import annotations

from detector.app import hints
from detector.errors import DetectorError, ExitCode, InputError, ModelError, OutputError


def test_exit_codes_live_on_the_exception_classes():
    assert [e.exit_code for e in (DetectorError, InputError, ModelError, OutputError)] == [1, 1, 3, 4]
    assert ExitCode.USAGE == 2 and ExitCode.INTERRUPTED == 130


def test_model_error_gets_the_hint_that_fits_this_installation(monkeypatch):
    err = ModelError("no model at /x.pt; train one with: python -m training.train --data-dir ../shared/data")
    text = hints.message(err)
    assert text.startswith("no model at /x.pt; train one with: python -m training.train (run in ")
    assert "../shared/data" not in text and text.count("train one with") == 1
    monkeypatch.setattr(hints, "can_train", lambda: False)  # the Docker image: no training/
    assert "cannot train" in hints.message(err) and "training.train" not in hints.message(err)
    assert hints.message(ModelError("no permission to read m.pt; fix its permissions (chmod +r)")).endswith(
        "(chmod +r)"
    )
    assert hints.message(InputError("x.png is empty")) == "x.png is empty"
