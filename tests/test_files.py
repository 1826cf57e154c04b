"""Writing files: atomic writes that leave nothing behind on failure, names that never overwrite, the results
CSV, and the usual permissions on new files (the umask decides, not mkstemp's 0600)."""

import errno
import os
import stat

import pytest

from detector import files
from detector.errors import OutputError
from detector.files import save_new, save_results_csv, unique_path, write_atomic
from detector.results import DigitResult, Reading


@pytest.fixture
def umask():
    """Set a umask for one test and restore the previous one afterwards."""
    previous = os.umask(0o022)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)], ids=["022", "077", "002"])
def test_written_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    replaced = write_atomic(tmp_path / "metrics.json", b"{}")
    fresh = save_new(tmp_path, "picture", ".png", lambda fh: fh.write(b"png"))
    for path in (replaced, fresh):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path.name


def test_no_temporary_file_is_left_behind(tmp_path):
    write_atomic(tmp_path / "a.csv", b"x")
    write_atomic(tmp_path / "a.csv", b"y")
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"] and (tmp_path / "a.csv").read_bytes() == b"y"


def test_unique_path_never_returns_an_existing_name(tmp_path):
    assert unique_path(tmp_path, "results", ".csv") == tmp_path / "results.csv"
    (tmp_path / "results.csv").write_text("x")
    (tmp_path / "results-001.csv").write_text("x")
    assert unique_path(tmp_path, "results", ".csv") == tmp_path / "results-002.csv"
    assert unique_path(tmp_path, "drawing", ".png", numbered=True) == tmp_path / "drawing-001.png"


def test_write_atomic_bytes_and_callback(tmp_path):
    write_atomic(tmp_path / "a.bin", b"abc")
    write_atomic(tmp_path / "b.bin", lambda fh: fh.write(b"xyz"))
    assert (tmp_path / "a.bin").read_bytes() == b"abc" and (tmp_path / "b.bin").read_bytes() == b"xyz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.bin"]  # no temp files left


def test_write_atomic_disk_full_leaves_nothing(tmp_path):
    (tmp_path / "keep.csv").write_bytes(b"old")

    def full(fh):
        fh.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device") as info:
        write_atomic(tmp_path / "keep.csv", full)
    assert "\n" not in str(info.value)
    assert (tmp_path / "keep.csv").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_write_atomic_missing_folder_is_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "no" / "such" / "x.csv", b"x")


def test_save_new_never_overwrites(tmp_path, monkeypatch):
    (tmp_path / "drawing-001.png").write_bytes(b"mine")
    taken = tmp_path / "drawing-002.png"
    real_unique = files.unique_path
    calls = []

    def racing_unique(*args, **kwargs):  # another program takes drawing-002 between check and write
        calls.append(1)
        path = real_unique(*args, **kwargs)
        if len(calls) == 1:
            taken.write_bytes(b"theirs")
        return path

    monkeypatch.setattr(files, "unique_path", racing_unique)
    path = save_new(tmp_path, "drawing", ".png", b"new", numbered=True)
    assert path.name == "drawing-003.png" and path.read_bytes() == b"new"
    assert (tmp_path / "drawing-001.png").read_bytes() == b"mine" and taken.read_bytes() == b"theirs"


def test_save_results_csv_columns(tmp_path):
    probs = (0.0,) * 10
    readings = [
        Reading("m/rows.csv", 0, 7, (DigitResult(7, 0.91, probs, (0, 0, 28, 28)),)),
        Reading("m/rows.csv", 1, 3, (DigitResult(8, 0.5, probs, (0, 0, 28, 28)),)),
        Reading("m/bad.png", error="bad.png is empty"),
    ]
    lines = save_results_csv(readings, tmp_path / "out").read_text().splitlines()
    assert lines == [
        "file,row,number,confidence,low_confidence,label,correct,error",
        "m/rows.csv,0,7,0.9100,0,7,1,",
        "m/rows.csv,1,8,0.5000,1,3,0,",
        "m/bad.png,,,0.0000,0,,,bad.png is empty",
    ]


def test_write_atomic_read_only_folder_is_reported_and_leaves_nothing(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):  # what a read-only folder does (chmod is no barrier for root)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match=r"Permission denied.*writable"):
        write_atomic(tmp_path / "results.csv", b"x")
    assert list(tmp_path.iterdir()) == []


def test_results_table_never_rounds_up_to_certainty(tmp_path):
    import csv

    from detector.files import save_results_csv
    from detector.results import DigitResult, Reading

    sure = Reading("a.png", digits=(DigitResult(7, 0.99996, (0.0,) * 10, (0, 0, 5, 5)),))
    path = save_results_csv([sure], tmp_path)
    with open(path, newline="") as fh:
        assert next(csv.DictReader(fh))["confidence"] == "0.9999"
