"""The menu's heavier steps: picking a CSV row, reading a folder, showing a picture, drawing.

Each step takes what it needs (console, prompt layer, predictor) as arguments, so the
``Menu`` class in ``detector.app.menu`` stays a thin dispatcher. Heavy modules are imported
inside the functions, keeping the menu quick to appear.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from detector.app.menu_files import work_units
from detector.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from detector.app.prompts import Prompts
    from detector.results import Reading

Say = Callable[[str, str], None]


@dataclass(frozen=True)
class Selection:
    """The loaded item: a file, and a row for CSVs."""

    path: Path
    row: int | None = None
    label: int | str | None = None


def pick_row(ask: Prompts, say: Say, path: Path) -> Selection | None:
    """Ask for a row of a pixel CSV until it is in range.

    Args:
        ask: The prompt layer.
        say: Prints a one-line message of a kind ("info", "warn", "error").
        path: The CSV file.

    Returns:
        The row as a Selection, or None when the user went back.
    """
    from detector.csvfile import count_csv_rows, load_row

    n = count_csv_rows(path)
    if n == 0:
        raise InputError(f"{path.name} has no rows; add pixel rows (784 values each)")
    while True:
        answer = ask.text(f"Row of {path.name}, 0-{n - 1} (Enter = back):")
        if answer is None or not answer.strip():
            return None
        row = parse_row(answer, n)
        if row is not None:
            _pixels, label = load_row(path, row)
            return Selection(path, row, label)
        say(f"'{answer.strip()}' is not a row of {path.name}: type a number from 0 to {n - 1}.", "warn")


def read_all(console: Console, predictor, files: list[Path], readings: list) -> list:
    """Read ``files`` with a progress bar, appending to ``readings`` as it goes (so Ctrl-C keeps them)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(bar_width=None), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Reading", total=sum(work_units(f) for f in files))
        for f in files:
            progress.update(task, description=f.name[:16])
            for reading in predictor.read_path(f):
                readings.append(reading)
                progress.advance(task)
    return readings


def batch_report(
    console: Console, say: Say, readings: list, files: list[Path], outputs_dir: Path, stem: str, stopped: bool
) -> None:
    """Print the results table (what matters first when it does not fit) and save it as ``<stem>.csv``."""
    from detector.app.menu_files import changed_since_last_run
    from detector.app.render import results_view
    from detector.files import save_results_csv

    new = changed_since_last_run(files, outputs_dir, stem)
    limit = max(5, min(40, console.height - 18))  # title, header, summary and the menu stay on screen
    console.print(results_view(readings, limit, stopped, new, console.width))
    if stopped:
        say("Stopped with Ctrl-C: the table holds what was read so far.", "warn")
    if readings:
        say(f"Saved the table to {save_results_csv(readings, outputs_dir, stem)}", "info")


def show_picture(
    console: Console, say: Say, reading: Reading, selection: Selection, outputs_dir: Path, apart: bool = True
) -> Path | None:
    """Show the selection with its prediction in a window, or save it and preview it in the terminal.

    Args:
        console: rich Console for the preview and caption.
        say: Prints a one-line message.
        reading: The Reading of ``selection``.
        selection: The loaded file (and row).
        outputs_dir: Folder for the annotated PNG when there is no display.
        apart: Open the window in a child process (see ``window.run_apart``).

    Returns:
        The saved PNG, or None when a window showed the picture.
    """
    from detector import annotate
    from detector.app import window
    from detector.app.preview import image_preview
    from detector.app.render import notice
    from detector.csvfile import load_pixels
    from detector.io import read_image

    loaded = read_image(selection.path) if selection.row is None else None
    pixels = loaded.pixels if loaded else load_pixels(selection.path, selection.row)
    scale = loaded.scale if loaded else 1.0
    if window.has_display():
        say("Showing the picture in a window; the menu waits until you close it.", "info")
        result = window.run_apart(_show, pixels, reading, scale, apart=apart)
        if result.died:
            say(f"{result.died}; the menu carries on.", "warn")
        return None
    saved = annotate.save_annotated(reading, outputs_dir)
    cols, rows = max(8, min(100, console.width - 2)), max(10, min(40, console.height - 6))
    console.print(image_preview(crop_to_digits(pixels, reading, scale), cols, rows, color=has_color(console)))
    console.print(notice(annotate.caption(reading)))
    return saved


def _show(_send, pixels, reading, scale) -> None:
    from detector.app import window

    window.show_window(pixels, reading, scale)


def crop_to_digits(pixels, reading: Reading, scale: float = 1.0, margin: float = 0.3):
    """Return the part of ``pixels`` around the digits' boxes (with a margin), so a preview shows them large."""
    boxes = [[v / scale for v in d.box] for d in reading.digits]
    if not boxes or reading.row is not None:
        return pixels
    h, w = pixels.shape
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    pad = max(2.0, margin * max(right - left, bottom - top))
    x0, y0 = max(0, int(left - pad)), max(0, int(top - pad))
    x1, y1 = min(w, int(right + pad + 1)), min(h, int(bottom + pad + 1))
    return pixels[y0:y1, x0:x1] if x1 > x0 and y1 > y0 else pixels


def draw_and_offer(ask: Prompts, say: Say, predictor, folder: Path, apart: bool = True) -> Path | None:
    """Run the drawing window, then offer to load the last drawing saved; return the file to load.

    The window's process reads with the menu's ``predictor`` as it was forked. A new
    onnxruntime session opened in a process forked just after the parent's runtime threads
    ran waits for ever on a lock one of them held (28 of 30 forks on this project's machine;
    the menu's model loads in a thread just before the window opens). A run of the forked
    session does its work on the calling thread instead of the pool's, whose threads did not
    survive the fork (none of 150 waited).
    """
    from detector.app import window

    result = window.run_apart(_draw, predictor, folder, apart=apart)
    if result.died:
        say(f"{result.died}; the menu carries on.", "warn")
    if not result.sent:
        return None
    for path, _number in result.sent[:-1]:
        say(f"Saved {path}.", "info")
    path, number = result.sent[-1]
    say(f"Saved {path}; it reads as {number or 'no digit'}.", "info")
    named = f"{path.stem}_{number}{path.suffix}"
    choices = [(f"Load it as a {number} (renamed {named})", "named")]
    choices = (choices if number and " " not in number else []) + [("Load it as it is", "load"), ("Back", "back")]
    answer = ask.select(f"Load {path.name}?", choices, default=choices[0][1])
    if answer == "named":
        return rename_new(path, named)
    return path if answer == "load" else None


def _draw(send, predictor, folder: Path):
    from detector.app import draw

    return draw.run_draw(predictor, folder, on_save=send)


def rename_new(path: Path, name: str) -> Path:
    """Give ``path`` (a file this program just wrote) the name ``name``, never replacing a file."""
    target = path.with_name(name)
    try:
        os.link(path, target)  # fails when the name is taken: nothing is replaced
    except OSError:
        return path
    path.unlink()
    return target


def parse_row(text: str, n: int) -> int | None:
    """Return the row number typed, or None when it is not an integer in 0..n-1."""
    try:
        row = int(text.strip())
    except ValueError:
        return None
    return row if 0 <= row < n else None


def has_color(console: Console) -> bool:
    """Return True when the console shows colours (a colour terminal without NO_COLOR)."""
    return console.color_system is not None and not console.no_color
