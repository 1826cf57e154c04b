"""Never lose anything: the menu leaves menu_data/ untouched, outputs appear only by an atomic rename,
and a full disk or read-only folder is one reported line with no file, not even a temp file, left behind.

An end-to-end suite rather than one module's tests: it runs every menu option and `predict` over one folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from detector import annotate, files
from detector.app import cli
from detector.results import DigitResult, Reading
from tests.helpers import digit_picture, run, sel


def contents(folder: Path) -> dict:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(folder.iterdir())
    }


def test_every_menu_option_leaves_menu_data_untouched(tmp_path, menu_dir, tiny_model, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    before = contents(menu_dir)
    answers = [sel("explain"), sel("load"), sel("seven.png"), sel("recognize"), sel("display")]
    answers += [sel("load"), sel("rows.csv"), ("text", "1"), sel("recognize"), sel("display")]
    answers += [sel("batch"), sel("draw"), sel("exit")]
    code, out, _ = run(tmp_path, menu_dir, tiny_model, *answers)
    assert code == 0 and "Saved the table" in out
    assert contents(menu_dir) == before
    assert len(list((tmp_path / "outputs").iterdir())) == 3  # two annotated PNGs and the table


class Proxy:
    """A module stand-in: the given attributes replaced, everything else from the real module."""

    def __init__(self, real, **overrides):
        self._real, self._overrides = real, overrides

    def __getattr__(self, name):
        return self._overrides.get(name) or getattr(self._real, name)


def test_outputs_are_written_under_a_temp_name_then_renamed(tmp_path, monkeypatch):
    published = []

    def spy(real):
        def call(src, dst, *args, **kwargs):
            src, dst = Path(src), Path(dst)
            published.append((src.name, dst.name, src.parent == dst.parent, src.stat().st_size, dst.exists()))
            return real(src, dst, *args, **kwargs)

        return call

    monkeypatch.setattr(files, "os", Proxy(os, link=spy(os.link), replace=spy(os.replace)))
    src = tmp_path / "seven.png"
    Image.fromarray(digit_picture()).save(src)
    reading = Reading(str(src), digits=(DigitResult(7, 0.9, (0.0,) * 10, (5, 5, 15, 18)),))
    out = tmp_path / "out"
    csv_path = files.save_results_csv([reading], out)
    png_path = annotate.save_annotated(reading, out)
    assert [(s.startswith(f".{d}.") and s.endswith(".tmp"), d) for s, d, *_ in published] == [
        (True, csv_path.name),
        (True, png_path.name),
    ]
    assert all(same_dir and size > 0 and not existed for _, _, same_dir, size, existed in published)
    assert sorted(p.name for p in out.iterdir()) == sorted([csv_path.name, png_path.name])  # no temp left


class FullDisk:
    """A file object that writes half of the first chunk, then fails like a full disk."""

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def write(self, data):
        self.fh.write(bytes(data[: max(1, len(data) // 2)]))
        self.fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")


def break_outputs(monkeypatch, failure: str) -> str:
    """Make the outputs module meet a full disk or a read-only folder; return the reason it will report."""
    if failure == "full":
        monkeypatch.setattr(files, "os", Proxy(os, fdopen=lambda fd, mode: FullDisk(os.fdopen(fd, mode))))
        return "No space left on device"

    def refuse(*args, **kwargs):  # what a read-only folder does (chmod is no barrier for root)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "tempfile", Proxy(tempfile, mkstemp=refuse))
    return "Permission denied"


@pytest.mark.parametrize("failure", ["full", "read-only"])
@pytest.mark.parametrize("option", ["batch", "display"])
def test_menu_write_failure_is_reported_and_leaves_nothing(
    tmp_path, menu_dir, tiny_model, monkeypatch, option, failure
):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    reason = break_outputs(monkeypatch, failure)
    before = contents(menu_dir)
    answers = [sel("batch")] if option == "batch" else [sel("load"), sel("seven.png"), sel("display")]
    code, out, _ = run(tmp_path, menu_dir, tiny_model, *answers, sel("explain"), sel("exit"), width=400)
    said = [line for line in out.splitlines() if "cannot write" in line]
    assert code == 0 and len(said) == 1 and reason in said[0] and "Traceback" not in out
    assert "How it works" in out  # the menu went on
    written = tmp_path / "outputs"
    assert not written.exists() or list(written.iterdir()) == []  # no file, no temp file
    assert contents(menu_dir) == before


@pytest.mark.parametrize("failure", ["full", "read-only"])
def test_predict_annotate_write_failure_is_reported_and_leaves_nothing(
    tmp_path, tiny_model, monkeypatch, capsys, failure
):
    reason = break_outputs(monkeypatch, failure)
    image = tmp_path / "seven.png"
    Image.fromarray(digit_picture()).save(image)
    folder = tmp_path / "annotated"
    cli.main(["predict", "--json", "--model", str(tiny_model), "--annotate", str(folder), str(image)])
    error = json.loads(capsys.readouterr().out)["error"]
    assert "cannot write" in error and reason in error and "\n" not in error
    assert list(folder.iterdir()) == []


def test_predict_annotate_write_failure_sets_exit_status_1(tmp_path, tiny_model, monkeypatch, capsys):
    break_outputs(monkeypatch, "read-only")
    image = tmp_path / "seven.png"
    Image.fromarray(digit_picture()).save(image)
    args = ["predict", "--json", "--model", str(tiny_model), "--annotate", str(tmp_path / "annotated"), str(image)]
    assert cli.main(args) == 1
