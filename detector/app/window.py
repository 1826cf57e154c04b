"""The matplotlib window: whether one can open here, showing an annotated picture, and running a
window in a child process so that a window killed from outside cannot take the menu down."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

from detector.annotate import annotate, caption
from detector.results import Reading

log = logging.getLogger(__name__)
NON_GUI_BACKENDS = ("agg", "pdf", "ps", "svg", "cairo", "template", "module://matplotlib_inline.backend_inline")


def has_display() -> bool:
    """Return True when a window can be opened: a desktop session, matplotlib, and a GUI backend for it.

    The Docker image leaves matplotlib out (a container has no display): then this is False too.
    """
    import importlib.util

    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    if importlib.util.find_spec("matplotlib") is None:
        return False
    import matplotlib
    import matplotlib.pyplot  # resolves matplotlib's automatic backend choice

    return matplotlib.get_backend().lower() not in NON_GUI_BACKENDS


def show_window(image, reading: Reading, scale: float = 1.0) -> None:
    """Open a matplotlib window with the annotated picture; returns when it is closed."""
    import matplotlib.pyplot as plt

    plt.rcParams["toolbar"] = "None"  # a picture to look at: no pan/zoom toolbar
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(annotate(image, reading, scale))  # the picture carries its caption, as the saved PNG does
    ax.axis("off")
    ax.format_coord = lambda _x, _y: ""
    fig.canvas.manager.set_window_title(f"Number Detector - {caption(reading)}")
    plt.show()
    with contextlib.suppress(Exception):  # a window killed from outside has torn the toolkit down already
        plt.close(fig)


@dataclass
class ChildResult:
    """What a window run in a child process gave back.

    Attributes:
        sent: The values the child sent while it ran (e.g. drawings saved), in order.
        value: What the child's function returned (None when it died).
        died: One line saying why the child ended abnormally, or None.
    """

    sent: list = field(default_factory=list)
    value: object = None
    died: str | None = None


def run_apart(target: Callable, *args, apart: bool = True) -> ChildResult:
    """Run ``target(send, *args)`` in a forked child process and wait for it.

    Tk ends the whole process when its X connection breaks (a window closed with xkill or
    ``xdotool windowkill``); in a child only the window goes, and the menu reports it.
    Where fork is not the norm (macOS, Windows) ``target`` runs in this process.

    Args:
        target: Called as ``target(send, *args)``; ``send(value)`` passes a value back at once.
        args: Passed on to ``target``.
        apart: False runs ``target`` here (``--debug``: its errors raise with their traceback).
    """
    result = ChildResult()
    if not apart or not sys.platform.startswith("linux"):
        result.value = target(result.sent.append, *args)
        return result
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with tempfile.TemporaryFile() as stderr:
        child = context.Process(target=_child, args=(send, stderr.fileno(), target, args), daemon=True)
        child.start()
        send.close()
        try:
            _collect(receive, result)
            child.join()
        finally:
            if child.is_alive():  # Ctrl-C in the menu's terminal: the window goes too
                child.terminate()
                child.join()
        if child.exitcode != 0 and result.died is None:
            result.died = _why(child.exitcode, stderr)
    return result


def _collect(receive, result: ChildResult) -> None:
    while True:
        try:
            kind, value = receive.recv()
        except EOFError:  # the child has gone
            return
        if kind == "sent":
            result.sent.append(value)
        elif kind == "value":
            result.value = value
        else:
            result.died = value


def _child(send, stderr_fd: int, target: Callable, args: tuple) -> None:
    os.dup2(stderr_fd, 2)  # the toolkit's dying words go to the parent, not over the menu
    _skip_destructors_on_exit()
    if "torch" in sys.modules:  # OpenMP's thread pool does not survive fork: one thread (a drawing is small)
        sys.modules["torch"].set_num_threads(1)
    try:
        value = target(lambda v: send.send(("sent", v)), *args)
        send.send(("value", value))
    except Exception as err:  # reported by the parent as one line
        send.send(("died", f"unexpected {type(err).__name__}: {err}"))
        os._exit(1)


_EXIT_HOOK: list = []  # keeps the C callback alive for the child's lifetime


def _skip_destructors_on_exit() -> None:
    """Make a C-level ``exit()`` in this forked child end it at once (status 1).

    Xlib calls ``exit(1)`` when the window's X connection breaks. ``exit`` then runs the
    C++ destructors of libraries the parent loaded, and onnxruntime's thread pool, whose
    threads did not survive the fork, waits for them for ever. A C ``atexit`` handler
    registered now runs before those destructors (registered earlier) and skips them; the
    child's normal way out, ``os._exit``, never runs it.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        hook = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda _arg: os._exit(1))
        # glibc exports __cxa_atexit (what atexit() calls; atexit itself is not in libc.so)
        if libc.__cxa_atexit(hook, None, None) == 0:
            _EXIT_HOOK.append(hook)
    except (OSError, AttributeError):  # no C library to ask: the window still works, a kill may hang it
        log.debug("could not register the exit hook", exc_info=True)


def _why(exitcode: int | None, stderr) -> str:
    stderr.seek(0)
    lines = [line.strip() for line in stderr.read().decode("utf-8", "replace").splitlines() if line.strip()]
    broken = [line for line in lines if "X connection" in line]  # xkill, xdotool windowkill
    if broken:  # "X connection to :0 broken (explicit kill or server shutdown)."
        return f"The window was closed from outside ({broken[0].split(' (')[0].rstrip('.')})"
    if any("X Window System error" in line or "BadWindow" in line for line in lines):  # xdotool windowclose
        return "The window was closed from outside (its X window was destroyed)"
    if exitcode is not None and exitcode < 0:
        return f"The window's process was stopped (signal {-exitcode})"
    return f"The window ended unexpectedly ({lines[-1] if lines else f'exit status {exitcode}'})"
