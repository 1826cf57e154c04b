"""Long fuzz run: every reader and pixel function returns a valid result or a DetectorError.

python -m tests.fuzz_long --cases 10000

The properties and strategies live here; tests/test_fuzz.py runs the same ones with a
few examples each in the normal test run.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from detector.csvfile import read_csv
from detector.errors import DetectorError
from detector.io import DEFAULT_MAX_SIDE, LoadedImage, read_image
from detector.paths import IMAGE_SUFFIXES
from detector.preprocess import digit_ink, prepare_digit
from detector.preprocess_batch import prepare_batch
from detector.segment import find_digits

OUTCOMES: Counter = Counter()  # (target, outcome) -> count


def outcome(target: str, call) -> object:
    """Run ``call``; count "ok" or the DetectorError's class; anything else propagates (a bug)."""
    try:
        result = call()
    except DetectorError as err:
        assert "\n" not in str(err), f"multi-line message: {err!r}"
        OUTCOMES[target, type(err).__name__] += 1
        return None
    OUTCOMES[target, "ok"] += 1
    return result


def assert_unit(arr: np.ndarray, shape: tuple | None = None) -> None:
    """float32, finite, within 0..1, of the given shape."""
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float32, (type(arr), getattr(arr, "dtype", None))
    assert shape is None or arr.shape == shape, (arr.shape, shape)
    assert np.isfinite(arr).all() and (arr.size == 0 or (arr.min() >= 0 and arr.max() <= 1))


# ---- images -------------------------------------------------------------------------------------------------


def _encoded(fmt: str, mode: str, size: tuple[int, int], seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    img = Image.new(mode, size)
    img.putdata([int(v) for v in rng.integers(0, 255, size[0] * size[1])]) if mode in ("L", "P") else None
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


SEEDS = [
    _encoded(fmt, mode, (w, h), w * h)
    for fmt, mode in [("PNG", "L"), ("PNG", "RGBA"), ("PNG", "P"), ("PNG", "I;16"), ("JPEG", "L"), ("JPEG", "CMYK"),
                      ("GIF", "P"), ("BMP", "RGB"), ("TIFF", "F"), ("WEBP", "RGB"), ("PPM", "L")]
    for w, h in [(1, 1), (17, 5), (40, 40)]
]  # fmt: skip


@st.composite
def image_bytes(draw) -> bytes:
    """Random bytes, or a valid image with bytes flipped, cut or inserted (reaches the decoders)."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=3000))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


def check_image_bytes(data: bytes, suffix: str, folder: Path) -> None:
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    loaded = outcome("read_image", lambda: read_image(path))
    if loaded is not None:
        assert isinstance(loaded, LoadedImage)
        assert_unit(loaded.pixels)
        assert loaded.pixels.ndim == 2 and 1 <= max(loaded.pixels.shape) <= DEFAULT_MAX_SIDE
        assert all(isinstance(v, int) and v >= 1 for v in loaded.source_size)


# ---- CSV ------------------------------------------------------------------------------------------------------

CELLS = ["0", "255", "128", "0.5", "1", "-1", "256", "nan", "inf", "-inf", "", "abc", '"7"', '"', "1e400",
         "9" * 40, "3.0", "x", " 12 ", "é", "\x00", "True"]  # fmt: skip


@st.composite
def csv_text(draw) -> str:
    """Pixel-CSV-shaped text with random damage, or arbitrary text."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=400))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.sampled_from([784, 785]))
    lines = []
    if draw(st.booleans()):
        lines.append(sep.join(["label", *[f"pixel{i}" for i in range(width - 1)]][-width:]))
    for _ in range(draw(st.integers(0, 6))):
        n = draw(st.sampled_from([width, width, width, 0, 3, width + 2, width - 1]))
        fill = draw(st.sampled_from(CELLS))
        cells = [fill] * n
        for _ in range(draw(st.integers(0, 3)) if n else 0):
            cells[draw(st.integers(0, n - 1))] = draw(st.sampled_from(CELLS))
        lines.append(sep.join(cells))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(st.sampled_from(["", "\ufeff"])) + end.join(lines) + draw(st.sampled_from(["", end, end * 3]))


def check_csv_text(text: str, folder: Path, chunk_rows: int = 2) -> None:
    path = folder / "fuzz.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    chunks = outcome("read_csv", lambda: list(read_csv(path, chunk_rows=chunk_rows)))
    start = 0
    for chunk in chunks or []:
        n = len(chunk.images)
        assert chunk.start == start and 1 <= n <= chunk_rows and len(chunk.labels) == len(chunk.errors) == n
        assert_unit(chunk.images, (n, 28, 28))
        for err, label in zip(chunk.errors, chunk.labels, strict=True):
            assert err is None or (isinstance(err, str) and "\n" not in err and err.startswith(f"row {start}"))
            assert label is None or isinstance(label, int | str)
            start += 1


# ---- arrays ---------------------------------------------------------------------------------------------------

DTYPES = [np.uint8, np.uint16, np.int8, np.int32, np.int64, np.float16, np.float32, np.float64, np.bool_,
          np.complex64, np.dtype("datetime64[s]"), np.dtype("U2")]  # fmt: skip


@st.composite
def any_array(draw, max_side: int = 10) -> np.ndarray:
    """Arrays of random dtype and 0-4 dimensions (sides 0..max_side), NaN and inf included."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side))
    if dtype.kind in "f" and draw(st.booleans()):
        elements = st.floats(allow_nan=True, allow_infinity=True, width=dtype.itemsize * 8)
        return draw(hnp.arrays(dtype, shape, elements=elements))
    return draw(hnp.arrays(dtype, shape))


@st.composite
def picture(draw) -> np.ndarray:
    """2-D pictures 1..64 px, with blobs of ink on paper, sometimes NaN/inf-spoiled or any dtype."""
    h, w = draw(st.integers(1, 64)), draw(st.integers(1, 64))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    img = np.full((h, w), draw(st.floats(0, 1)), np.float32)
    for _ in range(draw(st.integers(0, 4))):
        y, x = rng.integers(0, h), rng.integers(0, w)
        img[y : y + rng.integers(1, 20), x : x + rng.integers(1, 8)] = rng.random()
    if draw(st.booleans()):
        img[rng.random((h, w)) < 0.05] = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -5.0]))
    with np.errstate(invalid="ignore"):  # NaN cast to uint8 is part of the fuzz
        return img.astype(draw(st.sampled_from([np.float32, np.float64, np.uint8, np.bool_])), copy=False)


def check_digit_ink(arr: np.ndarray) -> None:
    ink = outcome("digit_ink", lambda: digit_ink(arr))
    if ink is not None:
        assert_unit(ink)
        assert ink.ndim == 2


def check_prepare_digit(arr: np.ndarray) -> None:
    got = outcome("prepare_digit", lambda: prepare_digit(arr))
    if got is not None:
        prepared, box = got
        assert_unit(prepared, (28, 28))
        assert len(box) == 4 and all(isinstance(v, int) for v in box) and box[2] >= 1 and box[3] >= 1


def check_prepare_batch(arr: np.ndarray) -> None:
    got = outcome("prepare_batch", lambda: prepare_batch(arr))
    if got is not None:
        out, found = got
        assert_unit(out, (len(arr), 28, 28))
        assert found.dtype == bool and found.shape == (len(arr),)


def check_find_digits(arr: np.ndarray) -> None:
    crops = outcome("find_digits", lambda: find_digits(arr))
    for crop in crops or []:
        x, y, w, h = crop.box
        assert w >= 1 and h >= 1 and x >= 0 and y >= 0 and x + w <= arr.shape[1] and y + h <= arr.shape[0]
        assert crop.ink.ndim == 2 and np.isfinite(crop.ink).all()


# ---- the long run ---------------------------------------------------------------------------------------------


def properties(folder: Path) -> dict:
    """Name -> (strategy, check) for every fuzzed target."""
    return {
        "read_image": (st.tuples(image_bytes(), st.sampled_from(IMAGE_SUFFIXES)), lambda a: check_image_bytes(*a, folder)),  # noqa: E501
        "read_csv": (csv_text(), lambda t: check_csv_text(t, folder)),
        "digit_ink": (st.one_of(any_array(), picture()), check_digit_ink),
        "prepare_digit": (st.one_of(any_array(), picture()), check_prepare_digit),
        "prepare_batch": (any_array(max_side=6), check_prepare_batch),
        "find_digits": (st.one_of(any_array(), picture()), check_find_digits),
    }  # fmt: skip


def run(cases: int) -> Counter:
    """Run every property for ``cases`` examples in all (split evenly); return the outcome counts."""
    OUTCOMES.clear()
    with tempfile.TemporaryDirectory() as tmp:
        props = properties(Path(tmp))
        each = max(1, -(-cases // len(props)))  # rounded up: never fewer cases than asked
        for name, (strategy, check) in props.items():
            started = time.perf_counter()
            opts = settings(max_examples=each, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            try:
                given(strategy)(opts(check))()
            except Exception as err:  # a bug: count it, show the shrunk input, go on with the next target
                OUTCOMES[name, "CRASH"] += 1
                print(f"{name}: CRASH {type(err).__name__}: {err}", *getattr(err, "__notes__", []), sep="\n")
            print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    return OUTCOMES


def table(counts: Counter) -> str:
    """Markdown table: target, cases tried, then one column per outcome."""
    kinds = sorted({k for _, k in counts}, key=lambda k: (k != "ok", k))
    targets = sorted({t for t, _ in counts})
    lines = ["| target | cases | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 2) + "|"]
    for t in targets:
        row = [str(counts[t, k]) for k in kinds]
        lines.append(f"| {t} | {sum(counts[t, k] for k in kinds)} | " + " | ".join(row) + " |")
    lines.append(
        f"| **all** | {sum(counts.values())} | "
        + " | ".join(str(sum(counts[t, k] for t in targets)) for k in kinds)
        + " |"
    )
    return "\n".join(lines)


def main() -> None:
    """Parse ``--cases``, print the table of outcomes; exit 1 when any target crashed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="examples in all, split over the targets")
    counts = run(parser.parse_args().cases)
    print(table(counts))
    raise SystemExit(1 if any(kind == "CRASH" for _, kind in counts) else 0)


if __name__ == "__main__":
    main()
