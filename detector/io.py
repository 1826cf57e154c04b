"""Reading input files: images of any common format and CSV files of pixel rows."""

from __future__ import annotations

import csv
import itertools
import logging
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.errors import InputError
from detector.paths import CSV_SUFFIXES, IMAGE_SUFFIXES

log = logging.getLogger(__name__)

MAX_PIXELS = 150_000_000  # a 100 MP photo reads; a decompression bomb does not
DEFAULT_MAX_SIDE = 2400  # larger images are decoded downscaled (boxes map back)
LABEL_NAMES = ("label", "class", "target", "digit", "y")
BLANK = " \t\n\r\x0b\x0c"  # what bytes.strip() strips: blank lines are skipped alike everywhere
MAX_HEAD_LINE = 1_000_000  # characters read per line when sniffing (784 cells need ~20 000)
_ORIENTATION = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270",
                7: "TRANSVERSE", 8: "ROTATE_90"}  # fmt: skip


@dataclass(frozen=True)
class LoadedImage:
    """A grayscale image in 0..1 and the size of the file it came from.

    Attributes:
        pixels: float32 array (H, W), 0 black .. 1 white.
        source_size: (width, height) of the original file in pixels.
    """

    pixels: np.ndarray
    source_size: tuple[int, int]

    @property
    def scale(self) -> float:
        """Source pixels per pixel of ``pixels`` (>= 1 when decoded downscaled)."""
        return self.source_size[0] / self.pixels.shape[1]


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


def kind_of(path: Path) -> str:
    """Return "image", "csv" or "other" from a file name's suffix."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in CSV_SUFFIXES:
        return "csv"
    return "other"


def list_inputs(folder: Path) -> list[Path]:
    """Return the image and CSV files directly inside ``folder``, sorted by name."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name.lower())
        return [p for p in entries if kind_of(p) != "other" and p.is_file() and not p.name.startswith(".")]
    except OSError as err:
        raise InputError(f"cannot list folder {shown(folder)}: {err.strerror or err}; check the path") from err


def shown(path: Path) -> str:
    """Return a path's name printable anywhere (bytes that are not UTF-8 become U+FFFD)."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _check_file(path: Path) -> None:
    try:
        _check_file_stat(path)
    except OSError as err:
        raise _open_error(path, err) from err
    except ValueError as err:  # an embedded NUL byte
        raise InputError(f"{shown(path)!r} is not a valid file name; rename the file") from err


def _check_file_stat(path: Path) -> None:
    name = shown(path)
    if path.is_symlink() and not path.exists():
        raise InputError(f"{name} is a broken link; point it at a real file")
    if not path.exists():
        raise InputError(f"{name} does not exist; check the name or pick the file again")
    if path.is_dir():
        raise InputError(f"{name} is a folder, not a file; pick a file inside it")
    if not path.is_file():  # a pipe or device would block or never end
        raise InputError(f"{name} is not a regular file; copy its contents into a file")
    if path.stat().st_size == 0:
        raise InputError(f"{name} is empty (0 bytes); save or export it again")


def _open_error(path: Path, err: Exception) -> InputError:
    name = shown(path)
    if isinstance(err, PermissionError):
        return InputError(f"no permission to read {name}; fix its permissions (chmod +r)")
    if isinstance(err, FileNotFoundError):
        return InputError(f"{name} disappeared before it could be read (moved or deleted); pick it again")
    if isinstance(err, OSError) and err.errno == 36:  # ENAMETOOLONG
        return InputError(f"{name[:40]}... has a name longer than the system allows; rename it shorter")
    if isinstance(err, OSError) and err.strerror:
        return InputError(f"cannot read {name}: {err.strerror}; check the file and try again")
    return InputError(f"{name} is not a readable image (damaged or not an image); export it again as PNG or JPEG")


def read_image(path: str | Path, max_side: int | None = DEFAULT_MAX_SIDE) -> LoadedImage:
    """Read an image file as grayscale, upright and with transparency flattened.

    Args:
        path: Image file (PNG, JPEG, BMP, GIF first frame, TIFF, WebP, ...).
        max_side: Decode downscaled so that the longer side is at most this; None keeps all.

    Returns:
        The grayscale pixels and the source size.

    Raises:
        InputError: The file is missing, empty, damaged, too large or not an image.
    """
    from PIL import Image

    path = Path(path)
    _check_file(path)
    try:
        with warnings.catch_warnings():
            # MAX_PIXELS below is the limit (Pillow still refuses anything over twice its default);
            # decoders' warnings about damaged files would only clutter the one-line outcome.
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                return _decode(img, path, max_side)
    except InputError:
        raise
    except Image.DecompressionBombError as err:
        raise InputError(f"{shown(path)} is too large to decode safely; downscale it below 150 megapixels") from err
    except MemoryError as err:
        raise InputError(f"{shown(path)} needs more memory than is free; downscale it") from err
    except Exception as err:  # Pillow's decoders raise many types on damaged files; all mean "unreadable"
        raise _open_error(path, err) from err


def _decode(img, path: Path, max_side: int | None) -> LoadedImage:
    width, height = img.size
    if width < 1 or height < 1:
        raise InputError(f"{shown(path)} has no pixels; save the image again")
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{shown(path)} is {width}x{height} ({width * height / 1e6:.0f} MP), over the 150 MP limit; downscale it"
        )
    img.seek(0)  # first frame of an animation
    if max_side and max(width, height) > max_side and img.format == "JPEG":
        factor = max_side / max(width, height)
        img.draft(None, (math.ceil(width * factor), math.ceil(height * factor)))  # decode at 1/2, 1/4 or 1/8
    img.load()
    orientation = _orientation(img)
    gray = _to_gray(_upright(_fit(img, max_side), orientation))
    return LoadedImage(gray, (height, width) if orientation in (5, 6, 7, 8) else (width, height))


def _orientation(img) -> int:
    try:
        value = img.getexif().get(0x0112, 1)
    except Exception:  # damaged EXIF: the pixels are still good, show them as stored
        return 1
    return value if isinstance(value, int) else 1


def _upright(img, orientation: int):
    from PIL import Image

    method = _ORIENTATION.get(orientation)
    return img.transpose(getattr(Image.Transpose, method)) if method else img


def _has_alpha(img) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (img.mode == "P" and "transparency" in img.info)


def _fit(img, max_side: int | None):
    """Downscale while still 8/32-bit Pillow pixels, so no full-size float copy is ever made."""
    from PIL import Image

    if not max_side or max(img.size) <= max_side:
        return img
    width, height = img.size
    factor = max_side / max(width, height)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    if _has_alpha(img):  # resample premultiplied colour: transparent pixels must add no colour
        rgba = img if img.mode == "RGBA" else img.convert("RGBA")
        return rgba.convert("RGBa").resize(size, Image.BILINEAR).convert("RGBA")
    if img.mode.startswith("I;16"):
        img = img.convert("I")
    elif img.mode not in ("L", "I", "F"):
        img = img.convert("L")
    return img.resize(size, Image.BILINEAR)


def _to_gray(img) -> np.ndarray:
    """Convert any PIL mode to float32 grayscale 0..1 with transparency flattened."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img).astype(np.float32)
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
        return np.clip(arr / top, 0, 1)
    if mode == "F":
        arr = np.nan_to_num(np.asarray(img, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = float(arr.min()), float(arr.max())
        return ((arr - lo) / (hi - lo)).astype(np.float32) if hi > lo else np.zeros(arr.shape, np.float32)
    if _has_alpha(img):
        rgba = np.asarray(img.convert("RGBA"), dtype=np.float32) / 255.0
        return _flatten_alpha(rgba)
    return np.asarray(img.convert("L"), dtype=np.float32) / 255.0


def _flatten_alpha(rgba: np.ndarray) -> np.ndarray:
    """Composite onto white when the visible ink is dark, onto black when it is light."""
    lum = rgba[..., 0] * 0.299 + rgba[..., 1] * 0.587 + rgba[..., 2] * 0.114
    alpha = rgba[..., 3]
    if alpha.min() >= 0.999:
        return lum
    visible = alpha > 0.5
    ink_lum = float(lum[visible].mean()) if visible.any() else 0.0
    background = 1.0 if ink_lum < 0.5 else 0.0
    return (lum * alpha + background * (1 - alpha)).astype(np.float32)


def read_csv(path: str | Path, chunk_rows: int = 4096) -> Iterator[CsvChunk]:
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
    _check_file(path)
    layout = _sniff_layout(path)
    try:
        with _open_text(path) as fh:
            lines = _data_lines(fh, layout)
            start = 0
            while batch := list(itertools.islice(lines, max(1, chunk_rows))):
                yield _decode_chunk(batch, layout, start)
                start += len(batch)
    except OSError as err:
        raise _open_error(path, err) from err


def count_csv_rows(path: str | Path) -> int:
    """Count the data rows of a pixel CSV without decoding pixels.

    Raises:
        InputError: The file cannot be read or is not a pixel CSV.
    """
    path = Path(path)
    _check_file(path)
    layout = _sniff_layout(path)
    try:
        with _open_text(path) as fh:
            return sum(1 for _ in _data_lines(fh, layout))
    except OSError as err:
        raise _open_error(path, err) from err


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
        raise _open_error(path, err) from err
    if not head:
        raise InputError(f"{shown(path)} has no rows; add pixel rows (784 values each)")
    delimiter = max((",", ";", "\t"), key=head[0].count)
    cells = _split(head[0], delimiter)
    has_header = any(not _is_number(c) for c in cells)
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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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
    """Parse clean lines with pandas; None when pandas disagrees (the slow path then decides)."""
    import io

    import pandas as pd

    if not lines:
        return None
    text = "".join(line.rstrip("\r\n") + "\n" for line in lines)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=layout.delimiter, header=None, quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, ValueError, OverflowError):
        return None
    if frame.shape != (len(lines), layout.n_cols):
        return None
    labels = [None] * len(lines) if layout.label_col is None else list(frame.iloc[:, layout.label_col])
    odd = [c for c, dtype in frame.dtypes.items() if dtype.kind not in "iuf"]
    if odd:  # a column holding text, booleans or huge integers: judge cell by cell
        frame[odd] = frame[odd].map(_cell_float)
    return frame.to_numpy(dtype=np.float64), labels


def _cell_float(cell) -> float:
    """One cell as a float: NaN when it is not a number, inf when it is too large."""
    if isinstance(cell, bool | np.bool_):
        return math.nan
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
