"""Load image: choosing a file from the menu's folder, or typing a path, and checking it reads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from detector.app import menu_files as listing
from detector.app import menu_steps as steps
from detector.app.menu_steps import Say, Selection
from detector.errors import InputError

if TYPE_CHECKING:
    from detector.app.prompts import Prompts

BACK, OTHER = "__back__", "__other__"


def choose(ask: Prompts, say: Say, files: list[Path], width: int) -> Selection | None:
    """Offer ``files`` (plus "Other file…" and "Back"); return what the user loaded, or None.

    Raises:
        InputError: The chosen file cannot be read (the menu reports it and carries on).
    """
    entries = [*listing.file_choices(files), ("Other file…", OTHER), ("Back", BACK)]
    message = "Load which file?"  # the answer is echoed after it: both on one line
    choice = ask.select(message, listing.fit_choices(entries, width - len(message) - 1))
    if choice == OTHER:
        return typed(ask, say)
    if choice in (None, BACK):
        return None
    return selection_of(ask, say, Path(choice))


def typed(ask: Prompts, say: Say) -> Selection | None:
    """Ask for a path until it loads or the user goes back (Enter, Ctrl-C, Ctrl-D)."""
    while True:
        path = listing.typed_path(ask.path("Path of an image or CSV (Enter = back):"))
        if path is None:
            return None
        try:
            return selection_of(ask, say, path)
        except InputError as err:
            say(f"{err}. Type the path again, or press Enter to go back.", "warn")


def selection_of(ask: Prompts, say: Say, path: Path) -> Selection | None:
    """Check that ``path`` can be read; for a CSV ask which row. None when the user backs out.

    Raises:
        InputError: The file is missing, of another kind, or unreadable.
    """
    from detector.io import kind_of, read_image

    if not path.exists():
        raise InputError(f"{path} does not exist; check the name and try again")
    kind = kind_of(path)
    if kind == "other":
        raise InputError(f"{path.name} is not an image or CSV; pick a PNG, JPG, BMP, GIF, TIFF, WebP or CSV file")
    if kind == "image":
        read_image(path)  # an unreadable file fails now, with its reason, not at recognition
        return Selection(path)
    return steps.pick_row(ask, say, path)
