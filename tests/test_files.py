"""Writing files: new files get the usual permissions (the umask decides, not mkstemp's 0600)."""

import os
import stat

import pytest

from detector.files import save_new, write_atomic


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


def test_results_table_never_rounds_up_to_certainty(tmp_path):
    import csv

    from detector.files import save_results_csv
    from detector.results import DigitResult, Reading

    sure = Reading("a.png", digits=(DigitResult(7, 0.99996, (0.0,) * 10, (0, 0, 5, 5)),))
    path = save_results_csv([sure], tmp_path)
    with open(path, newline="") as fh:
        assert next(csv.DictReader(fh))["confidence"] == "0.9999"
