"""Writing result files safely: fresh names, whole files or nothing, one-line errors."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from detector.errors import OutputError
from detector.results import rounded

MAX_NUMBERED = 9999  # stem-0001 ... beyond this the folder is surely full of leftovers

Writer = Callable[[BinaryIO], None]


def _why(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


def ensure_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and parents) when missing and return it as a Path.

    Raises:
        OutputError: The folder cannot be created (read-only place, a file in the way).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create folder {folder}: {_why(err)}; choose a writable place") from err
    return folder


def unique_path(folder: str | Path, stem: str, suffix: str, numbered: bool = False) -> Path:
    """Return a path in ``folder`` that does not exist yet.

    Args:
        folder: Where the file will go.
        stem: Name without suffix, e.g. ``"results"``.
        suffix: With the dot, e.g. ``".csv"``.
        numbered: Always add a number (``drawing-001.png``) instead of trying the bare stem first.

    Raises:
        OutputError: No free name was found.
    """
    folder = Path(folder)
    if not numbered and not (folder / f"{stem}{suffix}").exists():
        return folder / f"{stem}{suffix}"
    for n in range(1, MAX_NUMBERED + 1):
        candidate = folder / f"{stem}-{n:03d}{suffix}"
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
    raise OutputError(f"no free name for {stem}{suffix} in {folder}; move old files out of it")


def write_atomic(path: str | Path, data: bytes | Writer, exclusive: bool = False) -> Path:
    """Write a whole file or nothing: a temporary file in the same folder, then a rename.

    Args:
        path: Destination file; its folder must exist.
        data: The bytes, or a callback that writes them to a binary file object.
        exclusive: Fail with FileExistsError instead of replacing an existing file.

    Returns:
        The path written.

    Raises:
        OutputError: The file could not be written (read-only folder, disk full, ...).
        FileExistsError: ``exclusive`` and the name was taken meanwhile.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {_why(err)}; check that the folder exists and is writable") from err
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; results must be readable like any new file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data) if isinstance(data, bytes) else data(fh)
        _publish(tmp, path, exclusive)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, FileExistsError):
            raise
        raise OutputError(f"cannot write {path}: {_why(err)}; free some disk space or pick a writable folder") from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells (os.umask alone must set one)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


def _publish(tmp: str, path: Path, exclusive: bool) -> None:
    if not exclusive:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if the name exists: never overwrites
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def save_new(folder: str | Path, stem: str, suffix: str, data: bytes | Writer, numbered: bool = False) -> Path:
    """Write ``data`` under a fresh name in ``folder`` (created as needed); never overwrite.

    Returns:
        The new file's path.

    Raises:
        OutputError: The folder or file could not be written.
    """
    folder = ensure_folder(folder)
    for _ in range(100):  # another program may take a name between the check and the write
        try:
            return write_atomic(unique_path(folder, stem, suffix, numbered), data, exclusive=True)
        except FileExistsError:
            continue
    raise OutputError(f"could not find a free name for {stem}{suffix} in {folder}; try again")


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable]) -> bytes:
    """Return a UTF-8 CSV file's bytes from a header and rows."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


RESULT_COLUMNS = ("file", "row", "number", "confidence", "low_confidence", "label", "correct", "error")


def save_results_csv(readings, folder: str | Path, stem: str = "menu_data-results") -> Path:
    """Save batch readings as a new CSV in ``folder`` (one row per image or CSV row).

    Returns:
        The new file's path.

    Raises:
        OutputError: The folder or file could not be written.
    """
    rows = (
        [
            r.source,
            "" if r.row is None else r.row,
            r.number,
            f"{rounded(r.confidence):.4f}",  # the JSON rule: never 1.0000 below certainty
            int(r.low_confidence),
            "" if r.label is None else r.label,
            "" if r.correct is None else int(r.correct),
            r.error or "",
        ]
        for r in readings
    )
    return save_new(folder, stem, ".csv", csv_bytes(RESULT_COLUMNS, rows))
