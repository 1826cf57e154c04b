"""Reading CSV files of 28x28 pixel rows, streamed in chunks."""

from __future__ import annotations

import csv
import itertools
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.errors import InputError
from detector.io import check_file, open_error, read_image, shown

log = logging.getLogger(__name__)

LABEL_NAMES = ("label", "class", "target", "digit", "y")
BLANK = " \t\n\r\x0b\x0c"  # what bytes.strip() strips: blank lines are skipped alike everywhere
CHUNK_ROWS = 1024  # rows parsed together: as fast as 4096 here, and a predict process stays under 250 MB
MAX_HEAD_LINE = 1_000_000  # characters read per line when sniffing (784 cells need ~20 000)


@dataclass(frozen=True)
class CsvChunk:
    """Consecutive rows of a pixel CSV.

    Attributes:
        start: Index (from 0, header excluded) of the first row in this chunk.
        images: float32 (N, 28, 28) in 0..1, white ink on black as in MNIST.
        labels: One entry per row: the label cell (int when it is a digit) or None.
        errors: One entry per row: None, or a one-line message for an unusable row.
    """

    start: int
    images: np.ndarray
    labels: list
    errors: list


def read_csv(path: str | Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[CsvChunk]:
    """Stream a CSV of 28x28 pixel rows in chunks, so memory stays flat on any size.

    Accepted: 784 pixel columns, with or without a header; a label column first
    (Kaggle ``label,pixel0..pixel783``) or last (OpenML ``pixel1..pixel784,class``);
    comma, semicolon or tab delimiters; a UTF-8 BOM; values 0-255 or 0-1 per row.
    Blank lines are skipped; a row with the wrong number of cells is an error for
    that row only.

    Args:
        path: The CSV file.
        chunk_rows: Rows per yielded chunk.

    Yields:
        Chunks of decoded rows; an unusable row carries its error message.

    Raises:
        InputError: The file is missing, empty or not a pixel CSV at all.
    """
    path = Path(path)
    check_file(path)
    layout = _sniff_layout(path)
    try:
        with _open_text(path) as fh:
            lines = _data_lines(fh, layout)
            start = 0
            while batch := list(itertools.islice(lines, max(1, chunk_rows))):
                yield _decode_chunk(batch, layout, start)
                start += len(batch)
    except OSError as err:
        raise open_error(path, err) from err


def count_csv_rows(path: str | Path) -> int:
    """Count the data rows of a pixel CSV without decoding pixels.

    Raises:
        InputError: The file cannot be read or is not a pixel CSV.
    """
    path = Path(path)
    check_file(path)
    layout = _sniff_layout(path)
    try:
        with _open_text(path) as fh:
            return sum(1 for _ in _data_lines(fh, layout))
    except OSError as err:
        raise open_error(path, err) from err


@dataclass(frozen=True)
class _Layout:
    delimiter: str
    has_header: bool
    label_col: int | None  # column index of the label, None when absent
    n_cols: int


def _open_text(path: Path):
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def _data_lines(fh, layout: _Layout) -> Iterator[str]:
    lines = (line for line in fh if line.strip(BLANK))
    if layout.has_header:
        next(lines, None)
    return lines


def _sniff_layout(path: Path) -> _Layout:
    try:
        with open(path, "rb") as fh:
            if fh.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                raise InputError(f"{shown(path)} is UTF-16 text; save it as UTF-8 CSV")
        with _open_text(path) as fh:
            head = [line for line in (fh.readline(MAX_HEAD_LINE) for _ in range(6)) if line.strip(BLANK)]
    except OSError as err:
        raise open_error(path, err) from err
    if not head:
        raise InputError(f"{shown(path)} has no rows; add pixel rows (784 values each)")
    delimiter = max((",", ";", "\t"), key=head[0].count)
    cells = _split(head[0], delimiter)
    has_header = _is_header(cells)
    n = len(cells)
    if n not in (784, 785):
        raise InputError(
            f"{shown(path)} has {n} columns; a pixel CSV needs 784 pixels (28x28), plus an optional label column"
        )
    if has_header and len(head) == 1:
        raise InputError(f"{shown(path)} has a header but no rows; add pixel rows below it")
    label_col = None if n == 784 else _label_column(cells if has_header else None, head, delimiter)
    return _Layout(delimiter, has_header, label_col, n)


def _split(line: str, delimiter: str) -> list[str]:
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
    values = [_cell_float(c) for c in numeric]
    return len(values) > 1 and all(b - a == 1 for a, b in itertools.pairwise(values))


def _is_number(text: str) -> bool:
    return not math.isnan(_cell_float(text)) or text.strip().lower() == "nan"


def _label_column(header: list[str] | None, head: list[str], delimiter: str) -> int:
    if header is not None:
        names = [h.strip().lower() for h in header]
        if names[-1] in LABEL_NAMES or names[0].startswith("pixel"):
            return 784
        return 0
    rows = [_split(line, delimiter) for line in head]
    first = {r[0].strip() for r in rows if r}
    last = {r[-1].strip() for r in rows if r}
    # Corner pixels are almost always 0; the label column is the one that varies.
    return 784 if len(last) > len(first) else 0


def _decode_chunk(lines: list[str], layout: _Layout, start: int) -> CsvChunk:
    n, delimiter = len(lines), layout.delimiter
    # Fast path: unquoted lines with the right cell count go to pandas' C parser together.
    fast = [i for i, line in enumerate(lines) if '"' not in line and line.count(delimiter) == layout.n_cols - 1]
    parsed = _parse_fast([lines[i] for i in fast], layout)
    if len(fast) == n and parsed is not None:
        cells, raw_labels = parsed
        errors: list = [None] * n
    else:
        cells, raw_labels, errors = _merge_slow(lines, layout, start, fast if parsed else [], parsed)
    label = layout.label_col
    pixels = cells if label is None else (cells[:, 1:] if label == 0 else cells[:, :label])
    images = _check_rows(pixels, start, errors)
    return CsvChunk(start, images, [_parse_label(v) for v in raw_labels], errors)


def _merge_slow(lines: list[str], layout: _Layout, start: int, fast: list[int], parsed) -> tuple:
    """Parse the lines pandas did not take one by one with the csv module, beside the parsed ones."""
    n = len(lines)
    cells = np.full((n, layout.n_cols), np.nan)
    raw_labels: list = [None] * n
    errors: list = [None] * n
    if fast:
        cells[fast] = parsed[0]
        for i, label in zip(fast, parsed[1], strict=True):
            raw_labels[i] = label
    for i in sorted(set(range(n)) - set(fast)):
        row = _split(lines[i], layout.delimiter)
        if len(row) != layout.n_cols:
            errors[i] = f"row {start + i} has {len(row)} cells, expected {layout.n_cols}; fix that line of the file"
            continue
        if layout.label_col is not None:
            raw_labels[i] = row[layout.label_col]
        cells[i] = [_cell_float(c) for c in row]
    return cells, raw_labels, errors


def _parse_fast(lines: list[str], layout: _Layout) -> tuple[np.ndarray, list] | None:
    """Parse clean lines with pandas' C parser; None when pandas disagrees (the slow path then decides).

    Every column is read straight into float64 (measured fastest: no int64 pass and no
    conversion after it; pandas' pyarrow engine and numpy's readers were slower here). A
    chunk holding a non-numeric cell is read again untyped and judged cell by cell.
    """
    if not lines:
        return None
    text = "".join(line.rstrip("\r\n") + "\n" for line in lines)
    try:
        frame = _read_frame(text, layout, np.float64)
    except ValueError:  # a text cell somewhere: pandas refuses the fixed dtype
        frame = None
    try:
        frame = _read_frame(text, layout, None) if frame is None else frame
    except (ValueError, OverflowError):  # includes pandas' ParserError
        return None
    if frame.shape != (len(lines), layout.n_cols):
        return None
    labels = [None] * len(lines) if layout.label_col is None else frame.iloc[:, layout.label_col].tolist()
    odd = [c for c, dtype in frame.dtypes.items() if dtype.kind not in "iuf"]
    if odd:  # a column holding text, booleans or huge integers: judge cell by cell
        frame[odd] = frame[odd].map(_cell_float)
    return frame.to_numpy(dtype=np.float64), labels


def _read_frame(text: str, layout: _Layout, dtype):
    import io

    import pandas as pd

    data = io.BytesIO(text.encode("utf-8"))  # the C parser reads bytes; no text stream to wrap
    return pd.read_csv(data, sep=layout.delimiter, header=None, quoting=csv.QUOTE_NONE, dtype=dtype)


def _cell_float(cell) -> float:
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


def _parse_label(cell) -> int | str | None:
    text = str(cell).strip()
    if text in ("", "nan", "None"):
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and 0 <= value <= 9 else text


def _check_rows(values: np.ndarray, start: int, errors: list) -> np.ndarray:
    """Scale good rows (0-255, or 0-1 when no value exceeds 1) into images; note why others are bad."""
    lo, hi = values.min(axis=1), values.max(axis=1)  # NaN in a row makes both NaN: the row is bad
    good = (lo >= 0) & (hi <= 255) & np.array([e is None for e in errors], dtype=bool)
    if good.all():  # the usual chunk: one copy into float32, scaled in place (no masked copies)
        images = values.astype(np.float32, order="C")
        np.divide(images, np.where(hi <= 1.0, 1.0, 255.0).astype(np.float32)[:, None], out=images)
        return images.reshape(-1, 28, 28)
    images = np.zeros((len(values), 28, 28), dtype=np.float32)
    scale = np.where(hi[good] <= 1.0, 1.0, 255.0)
    images[good] = (values[good] / scale[:, None]).astype(np.float32).reshape(-1, 28, 28)
    for i in np.flatnonzero(~good):
        errors[i] = errors[i] or _row_error(values[i], start + i)
    return images


def _row_error(values: np.ndarray, index: int) -> str:
    if np.isnan(values).any():
        bad = int(np.isnan(values).sum())
        return f"row {index} has {bad} empty or non-numeric cells; every pixel must be a number 0-255"
    if np.isinf(values).any():
        return f"row {index} has infinite or huge values; pixels must be numbers 0-255"
    lo, hi = float(values.min()), float(values.max())
    return f"row {index} has values from {lo:g} to {hi:g}; pixels must lie in 0-255 (or 0-1)"


def load_row(path: str | Path, row: int) -> tuple[np.ndarray, int | str | None]:
    """Return one CSV row's pixels (28x28, 0..1) and its label (None when the file has none).

    Raises:
        InputError: The file cannot be read or has no such row.
    """
    for chunk in read_csv(path):
        if chunk.start <= row < chunk.start + len(chunk.images):
            i = row - chunk.start
            if chunk.errors[i]:
                raise InputError(f"{Path(path).name}: {chunk.errors[i]}")
            return chunk.images[i], chunk.labels[i]
    raise InputError(f"{Path(path).name} has no row {row}; pick a row that exists")


def load_pixels(path: str | Path, row: int | None = None) -> np.ndarray:
    """Return the grayscale pixels (0..1) of an image file or of one CSV row.

    Raises:
        InputError: The file cannot be read or has no such row.
    """
    return read_image(path).pixels if row is None else load_row(path, row)[0]
