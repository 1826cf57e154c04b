"""The menu's heavier steps: picking a CSV row, reading a folder, showing a picture.

Each step takes what it needs (console, prompt layer, predictor) as arguments, so the
``Menu`` class in ``detector.app.menu`` stays a thin dispatcher. Heavy modules are imported
inside the functions, keeping the menu quick to appear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from detector.errors import DetectorError, InputError

Say = Callable[[str, str], None]


@dataclass(frozen=True)
class Selection:
    """The loaded item: a file, and a row for CSVs."""

    path: Path
    row: int | None = None
    label: int | str | None = None


def pick_row(ask, say: Say, path: Path) -> Selection | None:
    """Ask for a row of a pixel CSV until it is in range.

    Args:
        ask: Prompt layer with ``text``.
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


def read_all(console, predictor, files: list[Path]) -> tuple[list, bool]:
    """Read ``files`` with a progress bar; return (readings, stopped by Ctrl-C)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    readings: list = []
    columns = (TextColumn("{task.description}"), BarColumn(bar_width=None), MofNCompleteColumn())
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("Reading", total=sum(work_units(f) for f in files))
            for f in files:
                progress.update(task, description=f.name[:16])
                for reading in predictor.read_path(f):
                    readings.append(reading)
                    progress.advance(task)
    except KeyboardInterrupt:
        return readings, True
    return readings, False


def show_picture(console, reading, selection: Selection, outputs_dir: Path) -> Path | None:
    """Show the selection with its prediction in a window, or save it and preview it in the terminal.

    Args:
        console: rich Console for the preview and caption.
        reading: The Reading of ``selection``.
        selection: The loaded file (and row).
        outputs_dir: Folder for the annotated PNG when there is no display.

    Returns:
        The saved PNG, or None when a window showed the picture.
    """
    from detector import annotate
    from detector.app import window
    from detector.app.render import image_preview, notice
    from detector.csvfile import load_pixels
    from detector.io import read_image

    loaded = read_image(selection.path) if selection.row is None else None
    pixels = loaded.pixels if loaded else load_pixels(selection.path, selection.row)
    if window.has_display():
        window.show_window(pixels, reading, loaded.scale if loaded else 1.0)
        return None
    saved = annotate.save_annotated(reading, outputs_dir)
    cols = max(8, min(56, console.width - 2))
    console.print(image_preview(pixels, cols, 20, color=has_color(console)))
    console.print(notice(annotate.caption(reading)))
    return saved


def human_size(n: int) -> str:
    """Return a byte count as people read it: 296 B, 10 KB, 3.4 MB."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{round(n / 1024)} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _image_detail(path: Path) -> str:
    """Pixel size (it tells a single 28x28 digit from a photo) and file size, or why neither."""
    from detector.io import image_size

    try:
        size = human_size(path.stat().st_size)
    except OSError:
        return "unreadable"
    dims = image_size(path)
    return f"{dims[0]}x{dims[1]}, {size}" if dims else f"{size}, not a readable image"


def file_choices(files: list[Path]) -> list[tuple[str, str]]:
    """Return (title, value) menu entries: images with their size, CSVs with their row count."""
    from detector.csvfile import count_csv_rows
    from detector.io import kind_of

    choices = []
    for f in files:
        if kind_of(f) == "csv":
            try:
                detail = f"{count_csv_rows(f)} rows"
            except DetectorError:
                detail = "not a pixel CSV"
        else:
            detail = _image_detail(f)
        choices.append((f"{f.name}  ({detail})", str(f)))
    return choices


def work_units(path: Path) -> int:
    """Return the readings a file will give: its rows for a CSV, else 1."""
    from detector.csvfile import count_csv_rows
    from detector.io import kind_of

    if kind_of(path) != "csv":
        return 1
    try:
        return max(1, count_csv_rows(path))
    except DetectorError:
        return 1


def parse_row(text: str, n: int) -> int | None:
    """Return the row number typed, or None when it is not an integer in 0..n-1."""
    try:
        row = int(text.strip())
    except ValueError:
        return None
    return row if 0 <= row < n else None


def has_color(console) -> bool:
    """Return True when the console shows colours (a colour terminal without NO_COLOR)."""
    return console.color_system is not None and not console.no_color
