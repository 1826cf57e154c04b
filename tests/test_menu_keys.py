"""Menu keys beyond the main menu: Ctrl-D in the file list and path prompt (scripted), Ctrl-C back and
Ctrl-D out at the real path and row prompts in a pseudo-terminal, and NO_COLOR honoured end to end."""

from __future__ import annotations

import os
import re
import sys

import pytest
from test_menu import run, sel

from detector.paths import PROJECT_ROOT
from tests.conftest import digit_picture, pixel_csv

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
