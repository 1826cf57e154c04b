"""Reading input files: checks shared by every reader, listing folders, and images."""

from __future__ import annotations

import contextlib
import io
import logging
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detector.errors import InputError
from detector.paths import CSV_SUFFIXES, IMAGE_SUFFIXES

if TYPE_CHECKING:  # Pillow is imported when an image is read, not when the library is
    from PIL import Image

log = logging.getLogger(__name__)

MAX_PIXELS = 150_000_000  # a 100 MP photo reads; a decompression bomb does not
DEFAULT_MAX_SIDE = 2400  # larger images are decoded downscaled (boxes map back)


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


def check_file(path: Path) -> None:
    """Raise InputError unless ``path`` is a readable, non-empty regular file."""
    try:
        _check_file_stat(path)
    except OSError as err:
        raise open_error(path, err) from err
    except ValueError as err:  # an embedded NUL byte
        raise InputError(f"{shown(path)!r} is not a valid file name; rename the file") from err


def _check_file_stat(path: Path) -> None:
    """Raise InputError for a path that is missing, a folder, a pipe or empty; OSError passes."""
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


def open_error(path: Path, err: Exception) -> InputError:
    """Turn an OSError (or decoding error) on ``path`` into a one-line InputError."""
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


def image_size(path: str | Path) -> tuple[int, int] | None:
    """Return (width, height) from the file's header without decoding pixels; None if unreadable."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            return img.size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


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
    path = Path(path)
    check_file(path)
    return _open(path, path, max_side)


def read_image_bytes(data: bytes, name: str = "upload", max_side: int | None = DEFAULT_MAX_SIDE) -> LoadedImage:
    """Read an image held in memory (an upload, stdin) exactly as ``read_image`` reads a file.

    Args:
        data: The encoded image (PNG, JPEG, ...).
        name: What to call it in messages (a file name the user knows, never a server path).
        max_side: As for ``read_image``.

    Returns:
        The grayscale pixels and the source size.

    Raises:
        InputError: The data is empty, damaged, too large or not an image.
    """
    label = Path(Path(name).name or "upload")
    if not data:
        raise InputError(f"{shown(label)} is empty (0 bytes); save or export it again")
    return _open(io.BytesIO(data), label, max_side)


def _open(source: Path | io.BytesIO, path: Path, max_side: int | None) -> LoadedImage:
    """Decode ``source`` (a path or a binary file object); ``path`` names it in messages."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # MAX_PIXELS below is the limit (Pillow still refuses anything over twice its default);
            # decoders' warnings about damaged files would only clutter the one-line outcome.
            warnings.simplefilter("ignore")
            with Image.open(source) as img:
                return _decode(img, path, max_side)
    except InputError:
        raise
    except Image.DecompressionBombError as err:
        raise InputError(f"{shown(path)} is too large to decode safely; downscale it below 150 megapixels") from err
    except MemoryError as err:
        raise InputError(f"{shown(path)} needs more memory than is free; downscale it") from err
    except Exception as err:  # Pillow's decoders raise many types on damaged files; all mean "unreadable"
        raise open_error(path, err) from err


def _decode(img: Image.Image, path: Path, max_side: int | None) -> LoadedImage:
    """Check the size, decode (JPEGs at a reduced scale when large), turn upright, fit and grey."""
    from PIL import ImageOps

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
    stored = img.size  # the draft's size, before any turn
    with contextlib.suppress(Exception):  # damaged EXIF: the pixels are still good, show them as stored
        ImageOps.exif_transpose(img, in_place=True)  # upright, as a viewer shows it
    turned = img.size != stored  # a quarter turn swaps the sides (a square one changes nothing)
    return LoadedImage(_to_gray(_fit(img, max_side)), (height, width) if turned else (width, height))


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (img.mode == "P" and "transparency" in img.info)


def _fit(img: Image.Image, max_side: int | None) -> Image.Image:
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


def _to_gray(img: Image.Image) -> np.ndarray:
    """Convert any PIL mode to float32 grayscale 0..1 with transparency flattened."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(img).astype(np.float32)
        # 16-bit modes span 0..65535 even when the picture is dark; plain 32-bit "I" has no
        # declared range, so values up to 255 are read as 8-bit ones.
        top = 65535.0 if mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
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
