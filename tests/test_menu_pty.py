"""End to end: the real program in a pseudo-terminal, and without one."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from detector.paths import PROJECT_ROOT

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.pty
DOWN = "\x1b[B"
PYTHON = str(PROJECT_ROOT / ".venv" / "bin" / "python") if (PROJECT_ROOT / ".venv").is_dir() else sys.executable


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
    child.send(DOWN * 7 + "\r")  # Exit, the last option
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
