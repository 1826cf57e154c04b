"""The matplotlib window's process (detector.app.window): whether there is a display, and a window process that
dies."""

from detector.app import window
from detector.paths import PROJECT_ROOT


def test_has_display_follows_the_environment(monkeypatch):
    monkeypatch.setattr(window.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert window.has_display() is False


def test_a_window_process_that_dies_is_reported_and_what_it_sent_is_kept():
    import os

    def saves_then_dies(send, name):
        send(name)
        os.write(2, b"X connection to :99 broken (explicit kill or server shutdown).\n")
        os._exit(1)

    result = window.run_apart(saves_then_dies, "drawing-001.png")
    assert result.sent == ["drawing-001.png"] and result.value is None
    assert result.died == "The window was closed from outside (X connection to :99 broken)"
    fine = window.run_apart(lambda send, n: n * 2, 21)
    assert fine.value == 42 and fine.died is None


def test_a_window_killed_after_the_model_ran_still_ends_its_process(tiny_model):
    """Xlib's exit(1) in the forked child must not wait for onnxruntime threads that stayed in the parent."""
    import subprocess
    import sys

    code = f"""
import ctypes, os
import numpy as np
from detector.app import window
from detector.paths import PROJECT_ROOT
from detector.runtime import OnnxModel
OnnxModel.load({str(tiny_model)!r}).probabilities(np.zeros((300, 28, 28), np.float32))  # its thread pool runs

def killed(send):
    os.write(2, b"X connection to :99 broken (explicit kill or server shutdown).\\n")
    ctypes.CDLL(None).exit(1)  # what Xlib does when the window is killed

print(window.run_apart(killed).died)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT)
    assert proc.stdout.strip() == "The window was closed from outside (X connection to :99 broken)"


def test_no_window_without_matplotlib(monkeypatch):
    """The Docker image leaves matplotlib out: a display variable alone must not promise a window."""
    import importlib.util

    monkeypatch.setattr(window.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    assert window.has_display() is False
