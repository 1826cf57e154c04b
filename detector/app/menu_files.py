"""What the menu lists and asks about files: titles with sizes, typed or pasted paths, what is new.

Pure helpers (no prompts, no printing), so each is tested on its own.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from detector.errors import DetectorError


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


def typed_path(typed: str | None) -> Path | None:
    """Return the path the user typed or pasted; None for an empty answer (back).

    Terminals paste a dragged file quoted (``'/my dir/x.jpg'``) or with escaped spaces
    (``/my\\ dir/x.jpg``); both are undone as a shell would. A name that exists as typed
    is taken as it is (a Windows path's backslashes, a name with a quote in it).
    """
    text = (typed or "").strip()
    if not text:
        return None
    if Path(os.path.expanduser(text)).exists():
        return Path(os.path.expanduser(text))
    try:
        words = shlex.split(text)
    except ValueError:  # an unbalanced quote: take the text as typed
        words = [text]
    return Path(os.path.expanduser(words[0] if len(words) == 1 else text))


def fit_choices(choices: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """Shorten titles to fit ``width`` columns (the list's pointer and margin included), keeping them distinct."""
    from detector.app.render import shorten_distinct

    titles = shorten_distinct([t for t, _ in choices], max(12, width - 4))
    return [(t, v) for t, (_, v) in zip(titles, choices, strict=True)]


def changed_since_last_run(files: list[Path], outputs_dir: Path, stem: str) -> set[str]:
    """Return the files (as str) modified after the last saved results table named ``stem``.

    With no earlier table, the files modified in the last day count as new.
    """
    import time

    try:
        tables = [p.stat().st_mtime for p in Path(outputs_dir).glob(f"{stem}*.csv")]
    except OSError:
        tables = []
    since = max(tables) if tables else time.time() - 86_400
    new = set()
    for f in files:
        try:
            if f.stat().st_mtime > since:
                new.add(str(f))
        except OSError:
            continue
    return new


def model_problem(model: Path, from_env: bool) -> str | None:
    """Return what is wrong with the model file before anything loads (missing), or None."""
    from detector.app.hints import model_hint

    if model.is_file():
        return None
    if from_env:
        return f"ND_MODEL points to a missing file: {model}; fix the path or unset ND_MODEL to use the shipped model."
    return f"no model at {model}; {model_hint()}"
