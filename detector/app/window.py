"""The matplotlib window: whether one can open here, and showing an annotated picture in it."""

from __future__ import annotations

import contextlib
import os
import sys

from detector.annotate import annotate, caption
from detector.results import Reading

NON_GUI_BACKENDS = ("agg", "pdf", "ps", "svg", "cairo", "template", "module://matplotlib_inline.backend_inline")


def has_display() -> bool:
    """Return True when a window can be opened: a desktop session and a GUI backend for matplotlib."""
    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    import matplotlib
    import matplotlib.pyplot  # resolves matplotlib's automatic backend choice

    return matplotlib.get_backend().lower() not in NON_GUI_BACKENDS


def show_window(image, reading: Reading, scale: float = 1.0) -> None:
    """Open a matplotlib window with the annotated picture; returns when it is closed."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(annotate(image, reading, scale))  # the picture carries its caption, as the saved PNG does
    ax.axis("off")
    fig.canvas.manager.set_window_title(f"Number Detector - {caption(reading)}")
    plt.show()
    with contextlib.suppress(Exception):  # a window killed from outside has torn the toolkit down already
        plt.close(fig)
