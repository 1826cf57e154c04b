"""The speed benchmark's measurements of whole processes: start-up, the menu in a
pseudo-terminal, a ``predict`` run's time and peak memory, and a fresh install.

Each returns seconds (and megabytes); ``training.bench.speed`` takes medians and tabulates.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from detector.paths import PROJECT_ROOT

ENTRY = str(PROJECT_ROOT / "number_detector.py")
DOWN = "\x1b[B"


def quiet_env(**extra: str) -> dict[str, str]:
    """The container's environment: no display, Agg plots, a temporary HOME."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(MPLBACKEND="Agg", PYTHONUNBUFFERED="1", HOME=tempfile.gettempdir(), **extra)
    return env


def menu_launch_seconds(model: Path, menu_dir: Path) -> float:
    """Seconds from spawning the program in a pseudo-terminal until the menu's first choice shows."""
    import pexpect

    from detector.app.menu import OPTIONS

    env = quiet_env(ND_MODEL=str(model), ND_MENU_DIR=str(menu_dir), TERM="xterm-256color")
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, [ENTRY], env=env, dimensions=(40, 120), timeout=30)
    try:
        child.expect_exact(OPTIONS[0][0])
        return time.perf_counter() - start
    finally:
        child.terminate(force=True)


def first_answer_seconds(model: Path, image: Path) -> float:
    """Seconds from launching ``predict`` until its first result line arrives."""
    cmd = [sys.executable, ENTRY, "predict", "--json", "--model", str(model), str(image)]
    start = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=quiet_env()) as proc:
        line = proc.stdout.readline()
        took = time.perf_counter() - start
        proc.wait()
    if not line:
        raise RuntimeError(f"predict gave no answer for {image}")
    return took


# A small go-between forks and execs the command, so the figure is the command's own peak:
# Linux carries a process's max RSS across exec, and a direct child of this (large)
# process would start from ours.
RSS_PROBE = """import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{time.perf_counter() - start} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_predict(model: Path, inputs: list[Path]) -> tuple[float, float, int]:
    """Run ``predict --json`` as a child process; return (seconds, its peak RSS in MB, exit status)."""
    cmd = [sys.executable, ENTRY, "predict", "--json", "--model", str(model), *map(str, inputs)]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.txt"
        subprocess.run([sys.executable, "-c", RSS_PROBE, str(report), *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=quiet_env(), check=False)  # fmt: skip
        seconds, max_rss_kb, status = report.read_text().split()
    return float(seconds), int(max_rss_kb) / 1024, int(status)


def menu_first_recognition_seconds(model: Path, menu_dir: Path, after: float = 1.0) -> float:
    """Seconds from pressing Start recognition (``after`` s after launch, a 28x28 PNG loaded) to its answer.

    The menu loads the model in the background once it is drawn; this is what a user who
    picks a file and recognises it straight away waits.
    """
    import pexpect

    env = quiet_env(ND_MODEL=str(model), ND_MENU_DIR=str(menu_dir), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, [ENTRY], env=env, dimensions=(40, 120), timeout=30, encoding="utf-8")
    try:
        child.expect_exact("Exit")
        child.send(DOWN + "\r")  # Load image
        child.expect_exact("Back")
        child.send("\r")  # the first file
        child.expect_exact("Start recognition")
        child.expect_exact("Exit")
        time.sleep(max(0.0, after - (time.perf_counter() - start)))
        pressed = time.perf_counter()
        child.send(DOWN + "\r")  # the menu returns on Load image: one down is Start recognition
        child.expect_exact("Number:")
        return time.perf_counter() - pressed
    finally:
        child.terminate(force=True)


def install_figures(requirements: Path) -> tuple[float, float]:
    """Create a throwaway venv, install ``requirements`` into it (no pip cache); return (seconds, MB)."""
    with tempfile.TemporaryDirectory(prefix="nd-venv-") as tmp:
        venv = Path(tmp) / "venv"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        env = dict(os.environ, PIP_NO_CACHE_DIR="1")
        subprocess.run([*pip, "-r", str(requirements)], check=True, env=env, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    return seconds, size / 1e6
