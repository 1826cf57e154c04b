"""The layout of a pixel CSV, read from its first lines: delimiter, header, label column."""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from detector.errors import InputError
from detector.io import open_error, shown

LABEL_NAMES = ("label", "class", "target", "digit", "y")
BLANK = " \t\n\r\x0b\x0c"  # what bytes.strip() strips: blank lines are skipped alike everywhere
MAX_HEAD_LINE = 1_000_000  # characters read per line when sniffing (784 cells need ~20 000)


@dataclass(frozen=True)
class Layout:
    """How a pixel CSV is laid out, read from its first lines."""

    delimiter: str
    has_header: bool
    label_col: int | None  # column index of the label, None when absent
    n_cols: int


def open_text(path: Path) -> TextIO:
    """Open a CSV as text the way every reader here does (UTF-8, BOM dropped, bad bytes replaced)."""
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def data_lines(fh: TextIO, layout: Layout) -> Iterator[str]:
    """The non-blank lines after the header, if any."""
    lines = (line for line in fh if line.strip(BLANK))
    if layout.has_header:
        next(lines, None)
    return lines


def sniff_layout(path: Path) -> Layout:
    """Read the first lines: delimiter, header, label column and column count.

    Raises:
        InputError: The file is UTF-16, empty, header-only or has the wrong number of columns.
    """
    try:
        with open(path, "rb") as fh:
            if fh.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                raise InputError(f"{shown(path)} is UTF-16 text; save it as UTF-8 CSV")
        with open_text(path) as fh:
            head = [line for line in (fh.readline(MAX_HEAD_LINE) for _ in range(6)) if line.strip(BLANK)]
    except OSError as err:
        raise open_error(path, err) from err
    if not head:
        raise InputError(f"{shown(path)} has no rows; add pixel rows (784 values each)")
    delimiter = max((",", ";", "\t"), key=head[0].count)
    cells = split_cells(head[0], delimiter)
    has_header = _is_header(cells)
    n = len(cells)
    if n not in (784, 785):
        raise InputError(
            f"{shown(path)} has {n} columns; a pixel CSV needs 784 pixels (28x28), plus an optional label column"
        )
    if has_header and len(head) == 1:
        raise InputError(f"{shown(path)} has a header but no rows; add pixel rows below it")
    label_col = None if n == 784 else _label_column(cells if has_header else None, head, delimiter)
    return Layout(delimiter, has_header, label_col, n)


def split_cells(line: str, delimiter: str) -> list[str]:
    """One line's cells, as the csv module splits them (a plain split when it cannot)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _is_header(cells: list[str]) -> bool:
    """A header names its columns (pixel0, ...) or numbers them (label,0,1,...,783, as pandas
    writes); a data row may hold a text label or a few bad cells, which become that row's error."""
    numeric = [c for c in cells if _is_number(c)]
    if len(numeric) == len(cells):
        return False
    if len(numeric) <= len(cells) // 2:
        return True
    values = [cell_float(c) for c in numeric]
    return len(values) > 1 and all(b - a == 1 for a, b in itertools.pairwise(values))


def _is_number(text: str) -> bool:
    return not math.isnan(cell_float(text)) or text.strip().lower() == "nan"


def _label_column(header: list[str] | None, head: list[str], delimiter: str) -> int:
    if header is not None:
        names = [h.strip().lower() for h in header]
        if names[-1] in LABEL_NAMES or names[0].startswith("pixel"):
            return 784
        return 0
    rows = [split_cells(line, delimiter) for line in head]
    first = {r[0].strip() for r in rows if r}
    last = {r[-1].strip() for r in rows if r}
    # Corner pixels are almost always 0; the label column is the one that varies.
    return 784 if len(last) > len(first) else 0


def cell_float(cell: object) -> float:
    """One cell as a float: NaN when it is not a number, inf when it is too large."""
    if isinstance(cell, bool | np.bool_):
        return math.nan
    if isinstance(cell, str) and "," in cell:
        cell = cell.replace(",", ".", 1)  # decimal comma, as European spreadsheets save with ';'
    try:
        return float(cell)
    except OverflowError:
        return math.inf
    except (TypeError, ValueError):
        return math.nan
