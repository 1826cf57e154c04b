"""Turning ``predict``'s INPUT arguments into what to read: files, folders (optionally walked) and stdin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from detector.errors import InputError
from detector.io import kind_of, list_inputs

STDIN = "-"


@dataclass(frozen=True)
class Item:
    """One thing to read: a file path, ``-`` for stdin, or an error found while listing."""

    source: str
    path: Path | None = None
    error: str | None = None


def expand(inputs: list[str], recursive: bool = False) -> Iterator[Item]:
    """Yield the files to read, in order: each INPUT, a folder's images and CSVs (sorted by name).

    Args:
        inputs: Paths as given; ``-`` reads one picture from stdin.
        recursive: Walk subfolders too (files of a folder first, then its subfolders, by name).
    """
    for item in inputs:
        path = Path(item)
        if item == STDIN:
            yield Item(STDIN)
        elif _is_dir(path):
            yield from _folder(item, path, recursive)
        else:
            yield Item(item, path)


def _folder(item: str, path: Path, recursive: bool) -> Iterator[Item]:
    try:
        files = walk(path) if recursive else list_inputs(path)
    except InputError as err:
        yield Item(item, error=str(err))
        return
    if files:
        yield from (Item(str(f), f) for f in files)
    elif not recursive and (deeper := _count_deeper(path)):
        yield Item(item, error=f"{item} holds no images or CSVs itself but {deeper} in subfolders; add --recursive")
    else:
        yield Item(item, error=f"{item} holds no images or CSV files")


def walk(folder: Path) -> list[Path]:
    """Return the images and CSVs in ``folder`` and below: each folder's own files first, then its subfolders."""
    files = list_inputs(folder)
    subfolders = [p for p in folder.iterdir() if _is_dir(p) and not p.is_symlink() and not p.name.startswith(".")]
    for sub in sorted(subfolders, key=_name_key):  # symlinked folders are not followed: no loops
        try:
            files.extend(walk(sub))
        except InputError:  # an unreadable subfolder is skipped; the rest is still read
            continue
    return files


def _count_deeper(folder: Path) -> int:
    try:
        return len(walk(folder))
    except (InputError, OSError):
        return 0


def _name_key(path: Path) -> str:
    return path.name.lower()


def _is_dir(path: Path) -> bool:
    """``path.is_dir()``, False when the name cannot even be looked up (reading it reports why)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def work_units(items: list[Item]) -> int:
    """Return how many readings ``items`` will give: rows for CSVs, one for anything else."""
    from detector.app.menu_steps import work_units as units

    return sum(units(i.path) if i.path is not None and kind_of(i.path) == "csv" else 1 for i in items)


def printable(text: str) -> str:
    """Return ``text`` safe for one tab-separated field: no tabs or newlines, undecodable bytes as U+FFFD."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
