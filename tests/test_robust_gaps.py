"""Robustness cases beyond the per-module suites: real permissions, mid-file truncation,
write failures seen from the menu and from predict, CSV header sniffing; drawn inputs only."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import pickle
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_menu import run, sel

from detector import cli, display, outputs
from detector.checkpoint import load_checkpoint
from detector.csvfile import count_csv_rows, read_csv
from detector.errors import InputError, ModelError
from detector.io import MAX_PIXELS, read_image
from detector.paths import PROJECT_ROOT
from detector.results import DigitResult, Reading
from tests.conftest import digit_picture, pixel_csv

# ---- files ----------------------------------------------------------------------------------------------------


def encoded(fmt: str) -> bytes:
    """A 200x200 noisy picture (so the compressed data is long) in PNG or JPEG."""
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200, 3), dtype=np.uint8)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_truncated_inside_the_pixel_data(tmp_path, fmt, keep):
    """Cut after a valid header, mid-pixels: still one InputError line, no half-read picture."""
    data = encoded(fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError, match=re.escape("cut.") + ".* is not a readable image") as info:
        read_image(path)
    assert "\n" not in str(info.value)


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_own_150_megapixel_limit_applies_below_pillows_hard_limit(tmp_path):
    """156 MP: Pillow only warns (its error starts at 179 MP); the program's own limit refuses it, fast."""
    assert MAX_PIXELS < 13000 * 12000
    (tmp_path / "big.png").write_bytes(png_header_only(13000, 12000))
    start = time.perf_counter()
    with pytest.raises(InputError, match=re.escape("big.png is 13000x12000 (156 MP), over the 150 MP limit")):
        read_image(tmp_path / "big.png")
    assert time.perf_counter() - start < 2.0


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_unreadable_file_for_real_without_root_privileges(tmp_path):
    """The existing test only simulates EACCES under root; here root drops its DAC override capabilities."""
    path = tmp_path / "secret.png"
    Image.fromarray(digit_picture()).save(path)
    path.chmod(0)
    code = "import sys\nfrom detector.io import read_image\ntry:\n read_image(sys.argv[1])\nexcept Exception as e:\n"
    code += " print(e)"
    caps = "-dac_override,-dac_read_search"
    cmd = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable, "-c", code, str(path)]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=60)
    assert result.stdout.strip() == "no permission to read secret.png; fix its permissions (chmod +r)", result.stderr


def test_dark_sixteen_bit_image_keeps_its_scale(tmp_path):
    arr = np.zeros((40, 40), np.uint16)
    arr[10:30, 18:22] = 200  # 200 of 65535: almost black
    Image.fromarray(arr).save(tmp_path / "dark16.png")
    assert read_image(tmp_path / "dark16.png").pixels.max() < 0.01


# ---- CSV ------------------------------------------------------------------------------------------------------


def bar_cells(value: float = 200) -> list[str]:
    img = np.zeros((28, 28))
    img[12:16, 6:22] = value
    return [f"{v:g}" for v in img.ravel()]


def test_utf8_bom_on_a_comma_file_without_header(tmp_path):
    """The BOM alone (the existing test pairs it with ';' and a header): the first cell is still a label."""
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("7," + ",".join(bar_cells()) + "\n3," + ",".join(bar_cells()) + "\n").encode())
    chunks = list(read_csv(path))
    assert [c.labels for c in chunks] == [[7, 3]] and [c.errors for c in chunks] == [[None, None]]
    assert chunks[0].images.max() == pytest.approx(200 / 255)


def test_numbered_header_as_pandas_writes_it_is_a_header(tmp_path):
    """DataFrame.to_csv of an array names the columns 0..783: that line is a header, not a bad row."""
    path = tmp_path / "frame.csv"
    header = "label," + ",".join(str(i) for i in range(784))
    path.write_text(header + "\n4," + ",".join(bar_cells()) + "\n")
    chunks = list(read_csv(path))
    assert count_csv_rows(path) == 1 and chunks[0].labels == [4] and chunks[0].errors == [None]


def test_semicolon_file_with_decimal_commas(tmp_path):
    """European spreadsheets save 0-1 pixels as 0,5 with ';' between cells."""
    path = tmp_path / "excel.csv"
    cells = [c.replace(".", ",") for c in bar_cells(0.75)]
    path.write_text("2;" + ";".join(cells) + "\n")
    chunk = next(iter(read_csv(path)))
    assert chunk.errors == [None] and chunk.labels == [2]
    assert chunk.images.max() == pytest.approx(0.75)


def test_headerless_first_row_with_a_non_digit_label_is_kept(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("".join(f"{label}," + ",".join(bar_cells()) + "\n" for label in ("x", "3", "5")))
    assert count_csv_rows(path) == 3
    assert [label for c in read_csv(path) for label in c.labels] == ["x", 3, 5]


def test_headerless_first_row_with_a_non_numeric_cell_is_a_row_error(tmp_path):
    bad = bar_cells()
    bad[5] = "abc"
    path = tmp_path / "cells.csv"
    path.write_text("3," + ",".join(bad) + "\n" + "5," + ",".join(bar_cells()) + "\n")
    errors = [e for c in read_csv(path) for e in c.errors]
    assert len(errors) == 2 and "row 0 has 1 empty or non-numeric cells" in errors[0] and errors[1] is None


# ---- model ----------------------------------------------------------------------------------------------------


class OpenPayload:
    """Unpickling this calls open(target, "w"): it creates a file."""

    def __init__(self, target):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_raw_pickle_payload_is_refused_without_running(tmp_path, protocol):
    """A bare pickle (not torch's zip format), the classic attack file."""
    target = tmp_path / "pwned.txt"
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(OpenPayload(target), protocol=protocol))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelError, match="refused") as info:
            load_checkpoint(tmp_path / "evil.pt")
    assert not target.exists() and "\n" not in str(info.value)
    pickle.loads((tmp_path / "evil.pt").read_bytes()).close()  # the payload is live: plain pickle runs it
    assert target.exists()


def test_refusing_a_raw_pickle_prints_no_warning(tmp_path):
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(OpenPayload(tmp_path / "pwned.txt"), protocol=4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ModelError):
            load_checkpoint(tmp_path / "evil.pt")
    assert [str(w.message) for w in caught] == []


# ---- menu: Ctrl-D at the prompts the scripted test left out ---------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [[sel("load"), sel(EOFError)], [sel("load"), sel("Other"), ("path", EOFError)]],
    ids=["file-list", "path"],
)
def test_ctrl_d_in_file_list_and_path_prompt_leaves_cleanly(tmp_path, menu_dir, tiny_model, answers):
    code, out, _ = run(tmp_path, menu_dir, tiny_model, *answers)
    assert code == 0 and out.rstrip().endswith("Bye.") and "Loaded" not in out


# ---- menu in a real pseudo-terminal: the real prompt layer's keys, NO_COLOR -----------------------------------

DOWN = "\x1b[B"
PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python") if (PROJECT_ROOT / ".venv").is_dir() else sys.executable
COLOUR_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def spawn_menu(tmp_path, model, **extra):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", ND_MENU_DIR=str(tmp_path / "menu_data"))
    env.update(ND_OUTPUTS_DIR=str(tmp_path / "outputs"), ND_MODEL=str(model), **extra)
    if "NO_COLOR" not in extra:
        env.pop("NO_COLOR", None)
    return pexpect.spawn(
        PYTHON, ["number_detector.py"], cwd=str(PROJECT_ROOT), env=env, dimensions=(40, 100), encoding="utf-8"
    )


def finish(child) -> str:
    import pexpect

    child.expect(pexpect.EOF, timeout=20)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


@pytest.mark.pty
@pytest.mark.parametrize("prompt", ["path", "row"])
@pytest.mark.parametrize("key", ["c", "d"])
def test_real_prompts_ctrl_c_goes_back_and_ctrl_d_exits(tmp_path, tiny_model, prompt, key):
    (tmp_path / "menu_data").mkdir()
    if prompt == "row":
        pixel_csv(tmp_path / "menu_data" / "rows.csv", digit_picture()[None], [7])
    child = spawn_menu(tmp_path, tiny_model)
    child.expect("Exit", timeout=30)
    child.send(DOWN + "\r")  # Load image
    child.expect("Back", timeout=10)
    child.send("\r")  # the first entry: "Other file…" (empty folder) or rows.csv
    child.expect("Path of an image" if prompt == "path" else r"Row of rows\.csv", timeout=10)
    child.sendcontrol(key)
    if key == "c":  # back to the main menu, nothing loaded; then Ctrl-D there leaves
        child.expect(r"Number Detector \(nothing loaded\)", timeout=10)
        child.expect("Exit", timeout=10)
        child.sendcontrol("d")
    rest = finish(child)
    assert "Bye." in rest and "Traceback" not in rest and "Loaded" not in rest


def colour_codes(text: str) -> list[str]:
    found = []
    for params in COLOUR_SGR.findall(text):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 38 or 40 <= int(p) <= 48 or 90 <= int(p) <= 107):
                found.append(params)
    return found


@pytest.mark.pty
def test_no_color_environment_variable_is_respected_end_to_end(tmp_path, tiny_model):
    (tmp_path / "menu_data").mkdir()
    seen = {}
    for no_color in (False, True):
        child = spawn_menu(tmp_path, tiny_model, **({"NO_COLOR": "1"} if no_color else {}))
        child.expect("Exit", timeout=30)
        text = child.before + child.after
        child.send("\r")  # Explain: a panel with a coloured border and folder name
        child.expect("How it works", timeout=10)
        child.expect("Exit", timeout=10)
        text += child.before + child.after
        child.sendcontrol("d")
        seen[no_color] = colour_codes(text + finish(child))
    assert seen[False], "the check is blind: no colour codes even without NO_COLOR"
    assert seen[True] == []


# ---- never lose anything ----------------------------------------------------------------------------------------


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

    monkeypatch.setattr(outputs, "os", Proxy(os, link=spy(os.link), replace=spy(os.replace)))
    src = tmp_path / "seven.png"
    Image.fromarray(digit_picture()).save(src)
    reading = Reading(str(src), digits=(DigitResult(7, 0.9, (0.0,) * 10, (5, 5, 15, 18)),))
    out = tmp_path / "out"
    csv_path = outputs.save_results_csv([reading], out)
    png_path = display.save_annotated(reading, out)
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
        monkeypatch.setattr(outputs, "os", Proxy(os, fdopen=lambda fd, mode: FullDisk(os.fdopen(fd, mode))))
        return "No space left on device"

    def refuse(*args, **kwargs):  # what a read-only folder does (chmod is no barrier for root)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outputs, "tempfile", Proxy(tempfile, mkstemp=refuse))
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


# ---- fuzzing: the long script ---------------------------------------------------------------------------------


def test_fuzz_long_script_covers_every_target_without_a_crash(capsys):
    import fuzz_long

    counts = fuzz_long.run(60)
    targets = {t for t, _ in counts}
    assert targets == {"read_image", "read_csv", "ink_map", "prepare_digit", "prepare_batch", "find_digits"}
    assert not any(kind == "CRASH" for _, kind in counts) and sum(counts.values()) >= 60
    assert "| **all** |" in fuzz_long.table(counts)


def test_make_fuzz_runs_the_script_with_at_least_10000_cases(monkeypatch):
    import fuzz_long

    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^fuzz:.*\n\t.*-m tests\.fuzz_long\s*$", makefile, re.M)
    asked = []
    monkeypatch.setattr(fuzz_long, "run", lambda cases: asked.append(cases) or Counter({("x", "ok"): 1}))
    monkeypatch.setattr(sys, "argv", ["fuzz_long"])
    with pytest.raises(SystemExit) as done:
        fuzz_long.main()
    assert done.value.code == 0 and asked == [10_000]


def test_fuzz_long_runs_at_least_the_cases_asked_for():
    import fuzz_long

    assert sum(fuzz_long.run(7).values()) >= 7
