"""Reading input files: images of any common format and CSV files of pixel rows."""

from __future__ import annotations

import csv
import io as _io
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
    except OSError as err:
        raise InputError(f"cannot list folder {folder}: {err.strerror or err}; check the path") from err
    return [p for p in entries if kind_of(p) != "other" and p.is_file() and not p.name.startswith(".")]


def _check_file(path: Path) -> None:
    if path.is_symlink() and not path.exists():
        raise InputError(f"{path.name} is a broken link; point it at a real file")
    if not path.exists():
        raise InputError(f"{path} does not exist; check the name or pick the file again")
    if path.is_dir():
        raise InputError(f"{path.name} is a folder, not a file; pick a file inside it")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty (0 bytes); save the image again")


def _open_error(path: Path, err: Exception) -> InputError:
    if isinstance(err, PermissionError):
        return InputError(f"no permission to read {path.name}; fix its permissions (chmod +r)")
    if isinstance(err, OSError) and not str(err).startswith(("cannot identify", "image file is truncated")):
        return InputError(f"cannot read {path.name}: {err.strerror or err}")
    return InputError(f"{path.name} is not a readable image (damaged or not an image); export it again as PNG or JPEG")


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
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                return _decode(img, path, max_side)
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise InputError(f"{path.name} is too large to decode safely; downscale it below 150 megapixels") from err
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, Image.UnidentifiedImageError) as err:
        raise _open_error(path, err) from err


def _decode(img, path: Path, max_side: int | None) -> LoadedImage:
    from PIL import ImageOps

    width, height = img.size
    if width < 1 or height < 1:
        raise InputError(f"{path.name} has no pixels; save the image again")
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{path.name} is {width}x{height} ({width * height / 1e6:.0f} MP), over the 150 MP limit; downscale it"
        )
    img.seek(0)  # first frame of an animation
    if max_side and max(width, height) > max_side and img.format == "JPEG":
        img.draft("RGB", (math.ceil(width * max_side / max(width, height)), max_side))
    img.load()
    img = ImageOps.exif_transpose(img)
    source_size = _oriented_size(img, width, height)
    gray = _to_gray(img)
    if max_side and max(gray.shape) > max_side:
        gray = _shrink(gray, max_side)
    return LoadedImage(gray, source_size)


def _oriented_size(img, width: int, height: int) -> tuple[int, int]:
    # exif_transpose may swap the sides; draft may have shrunk them by a power of two.
    swapped = (img.width > img.height) != (width > height) and width != height
    return (height, width) if swapped else (width, height)


def _to_gray(img) -> np.ndarray:
    """Convert any PIL mode to float32 grayscale 0..1 with transparency flattened."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img).astype(np.float32)
        top = 65535.0 if arr.max(initial=0) > 255 else 255.0
        return np.clip(arr / top, 0, 1)
    if mode == "F":
        arr = np.nan_to_num(np.asarray(img, dtype=np.float32))
        lo, hi = float(arr.min()), float(arr.max())
        return (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
    has_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in img.info)
    if has_alpha:
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


def _shrink(gray: np.ndarray, max_side: int) -> np.ndarray:
    from PIL import Image

    h, w = gray.shape
    factor = max_side / max(h, w)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(Image.fromarray(gray, mode="F").resize(size, Image.BILINEAR), dtype=np.float32)


def read_csv(path: str | Path, chunk_rows: int = 4096) -> Iterator[CsvChunk]:
    """Stream a CSV of 28x28 pixel rows in chunks, so memory stays flat on any size.

    Accepted: 784 pixel columns, with or without a header; a label column first
    (Kaggle ``label,pixel0..pixel783``) or last (OpenML ``pixel1..pixel784,class``);
    comma, semicolon or tab delimiters; a UTF-8 BOM; values 0-255 or 0-1 per row.

    Args:
        path: The CSV file.
        chunk_rows: Rows per yielded chunk.

    Yields:
        Chunks of decoded rows; an unusable row carries its error message.

    Raises:
        InputError: The file is missing, empty or not a pixel CSV at all.
    """
    import pandas as pd

    path = Path(path)
    _check_file(path)
    layout = _sniff_layout(path)
    try:
        reader = pd.read_csv(
            path,
            sep=layout.delimiter,
            header=0 if layout.has_header else None,
            chunksize=chunk_rows,
            encoding="utf-8-sig",
            encoding_errors="replace",
            skip_blank_lines=True,
        )
        start = 0
        for frame in reader:
            yield _decode_chunk(frame, layout, start)
            start += len(frame)
    except (pd.errors.ParserError, ValueError, OSError) as err:
        raise InputError(f"{path.name} is not a well-formed CSV ({_first_line(err)}); fix or re-export it") from err


def count_csv_rows(path: str | Path) -> int:
    """Count the data rows of a pixel CSV without decoding pixels."""
    path = Path(path)
    layout = _sniff_layout(path)
    with open(path, "rb") as fh:
        lines = sum(1 for line in fh if line.strip())
    return max(0, lines - (1 if layout.has_header else 0))


@dataclass(frozen=True)
class _Layout:
    delimiter: str
    has_header: bool
    label_col: int | None  # column index of the label, None when absent
    n_cols: int


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _sniff_layout(path: Path) -> _Layout:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            head = [line for line in (fh.readline() for _ in range(6)) if line.strip()]
    except OSError as err:
        raise _open_error(path, err) from err
    if not head:
        raise InputError(f"{path.name} has no rows; add pixel rows (784 values each)")
    first = head[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    cells = next(csv.reader(_io.StringIO(first), delimiter=delimiter))
    has_header = any(not _is_number(c) for c in cells)
    n = len(cells)
    if n not in (784, 785):
        raise InputError(
            f"{path.name} has {n} columns; a pixel CSV needs 784 pixels (28x28), plus an optional label column"
        )
    if has_header and len(head) == 1:
        raise InputError(f"{path.name} has a header but no rows; add pixel rows below it")
    label_col = None if n == 784 else _label_column(cells if has_header else None, head, delimiter)
    return _Layout(delimiter, has_header, label_col, n)


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
    rows = [next(csv.reader(_io.StringIO(line), delimiter=delimiter)) for line in head]
    first = {r[0].strip() for r in rows if r}
    last = {r[-1].strip() for r in rows if r}
    # Corner pixels are almost always 0; the label column is the one that varies.
    return 784 if len(last) > len(first) else 0


def _decode_chunk(frame, layout: _Layout, start: int) -> CsvChunk:
    import pandas as pd

    n = len(frame)
    if frame.shape[1] != layout.n_cols:
        raise ValueError(f"expected {layout.n_cols} columns, found {frame.shape[1]}")
    labels: list = [None] * n
    if layout.label_col is not None:
        labels = [_parse_label(v) for v in frame.iloc[:, layout.label_col]]
        frame = frame.drop(columns=frame.columns[layout.label_col])
    # The C parser already made numbers of clean columns; only odd ones need coercing.
    odd = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if odd:
        frame = frame.copy()
        frame[odd] = frame[odd].apply(pd.to_numeric, errors="coerce")
    values = frame.to_numpy(dtype=np.float64)
    errors: list = [None] * n
    images = np.zeros((n, 28, 28), dtype=np.float32)
    for i in range(n):
        row, errors[i] = _check_row(values[i], start + i)
        if row is not None:
            images[i] = row.reshape(28, 28)
    return CsvChunk(start, images, labels, errors)


def _parse_label(cell) -> int | str | None:
    text = str(cell).strip()
    if text in ("", "nan"):
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and 0 <= value <= 9 else text


def _check_row(values: np.ndarray, index: int) -> tuple[np.ndarray | None, str | None]:
    if np.isnan(values).any():
        bad = int(np.isnan(values).sum())
        return None, f"row {index} has {bad} empty or non-numeric cells; every pixel must be a number 0-255"
    if np.isinf(values).any():
        return None, f"row {index} has infinite values; pixels must be numbers 0-255"
    lo, hi = float(values.min()), float(values.max())
    if lo < 0 or hi > 255:
        return None, f"row {index} has values from {lo:g} to {hi:g}; pixels must lie in 0-255 (or 0-1)"
    scale = 1.0 if hi <= 1.0 else 255.0
    return (values / scale).astype(np.float32), None
