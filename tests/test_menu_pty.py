"""End to end: the real program in a pseudo-terminal, and without one; the real prompts' keys (Ctrl-C and Ctrl-D
go back at the path and row prompts, Escape from the file list, both quit at the main menu) and NO_COLOR.

An end-to-end suite rather than one module's tests: it drives number_detector.py as a user does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from detector.paths import PROJECT_ROOT
from tests.helpers import digit_picture, pixel_csv

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.pty


UP = "\x1b[A"
DOWN = "\x1b[B"
PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python") if (PROJECT_ROOT / ".venv").is_dir() else sys.executable
COLOUR_SGR = re.compile(r"\x1b\[([0-9;]*)m")


@pytest.fixture
def env(tmp_path, tiny_model):
    (tmp_path / "menu_data").mkdir()
    values = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", ND_MENU_DIR=str(tmp_path / "menu_data"))
    values.update(ND_OUTPUTS_DIR=str(tmp_path / "outputs"), ND_MODEL=str(tiny_model))
    values.pop("NO_COLOR", None)
    return values


def spawn(env):
    return pexpect.spawn(
        PYTHON, ["number_detector.py"], cwd=str(PROJECT_ROOT), env=env, dimensions=(40, 100), encoding="utf-8"
    )


def test_explain_then_exit(env):
    child = spawn(env)
    start = time.monotonic()
    child.expect("Exit", timeout=20)
    shown_after = time.monotonic() - start
    child.send("\r")  # Explain is the first option
    child.expect("How it works", timeout=10)
    child.expect("Exit", timeout=10)
    child.send(UP * 2 + "\r")  # up past Explain wraps round to Exit
    child.expect(pexpect.EOF, timeout=20)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in child.before
    assert shown_after < 10  # generous: loaded CI machines; measured about 0.3-0.6 s


def test_ctrl_c_leaves_with_0(env):
    child = spawn(env)
    child.expect("Exit", timeout=20)
    child.sendcontrol("c")
    child.expect(pexpect.EOF, timeout=20)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before


def test_without_terminal_one_line_and_exit_2(env):
    result = subprocess.run(
        [PYTHON, "number_detector.py"],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1 and "predict --help" in lines[0]


# ---- the real prompt layer's keys, NO_COLOR --------------------------------------------------------------------


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
@pytest.mark.parametrize("prompt", ["path", "row", "list"])
@pytest.mark.parametrize("key", ["c", "d", "escape"])
def test_real_prompts_ctrl_c_ctrl_d_and_escape_go_back(tmp_path, tiny_model, prompt, key):
    if key == "escape" and prompt != "list":
        pytest.skip("Escape goes back from lists; in a text prompt it starts an Alt key")
    (tmp_path / "menu_data").mkdir()
    if prompt == "row":
        pixel_csv(tmp_path / "menu_data" / "rows.csv", digit_picture()[None], [7])
    child = spawn_menu(tmp_path, tiny_model)
    child.expect("Exit", timeout=30)
    child.send(DOWN + "\r")  # Load image
    child.expect("Back", timeout=10)
    if prompt != "list":
        child.send("\r")  # the first entry: "Other file…" (empty folder) or rows.csv
        child.expect("Path of an image" if prompt == "path" else r"Row of rows\.csv", timeout=10)
    if key == "escape":
        child.send("\x1b")
    else:
        child.sendcontrol(key)
    child.expect(r"Number Detector \(nothing loaded\)", timeout=10)  # back at the main menu
    child.expect("Exit", timeout=10)
    child.sendcontrol(key if key != "escape" else "c")  # and at the main menu the same key quits
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
