"""Hostile pixel CSVs: file problems are InputError, row problems one line per row."""

import re
import time
import tracemalloc

import numpy as np
import pytest

import detector.csvfile as dio
from detector.csvfile import CHUNK_ROWS, count_csv_rows, read_csv
from detector.errors import InputError

HEADER = ",".join(["label", *[f"pixel{i}" for i in range(784)]])


def bar(value: float = 200) -> list[str]:
    """784 cells of a 28x28 picture with a bright bar in the middle."""
    img = np.zeros((28, 28))
    img[12:16, 6:22] = value
    return [f"{v:g}" for v in img.ravel()]


def row(label="3", cells=None, sep=",") -> str:
    return sep.join([str(label), *(cells if cells is not None else bar())])


def write(tmp_path, lines, name="d.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in ([header] if header else []) + lines))
    return path


def read_rows(path, chunk_rows=3):
    chunks = list(read_csv(path, chunk_rows=chunk_rows))
    images = np.concatenate([c.images for c in chunks])
    return images, [x for c in chunks for x in c.labels], [e for c in chunks for e in c.errors]


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty (0 bytes)"), ("\n\n  \n", "has no rows"), (HEADER + "\n", "header but no rows"),
     ("1,2,3\n4,5,6\n", "has 3 columns"), ("a;b\n", "has 2 columns")],
)  # fmt: skip
def test_file_level_problems_are_input_errors(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=re.escape(words)) as info:
        list(read_csv(path))
    assert "\n" not in str(info.value)


def test_wrong_column_count_is_a_row_error_and_other_rows_survive(tmp_path):
    path = write(tmp_path, [row(), "1,2,3", row(cells=[*bar(), "0", "0"]), row("5")])
    images, labels, errors = read_rows(path)
    assert errors[0] is None and errors[3] is None
    assert errors[1] == "row 1 has 3 cells, expected 785; fix that line of the file"
    assert "row 2 has 787 cells" in errors[2]
    assert labels[3] == 5 and images[3].max() == pytest.approx(200 / 255)


@pytest.mark.parametrize(
    ("cell", "words"),
    [("abc", "1 empty or non-numeric cells"), ("", "1 empty or non-numeric cells"), ("nan", "non-numeric"),
     ("inf", "infinite or huge"), ("-inf", "infinite or huge"), ("9" * 400, "infinite or huge"),
     ("-1", "values from -1 to 200"), ("256", "values from 0 to 256"), ("True", "non-numeric")],
)  # fmt: skip
def test_bad_cells_are_row_errors(tmp_path, cell, words):
    cells = bar()
    cells[0] = cell
    path = write(tmp_path, [row(), row(cells=cells)])
    images, _, errors = read_rows(path)
    assert errors[0] is None and words in errors[1] and errors[1].startswith("row 1 ")
    assert "\n" not in errors[1] and not images[1].any()


def test_zero_one_rows_mixed_with_0_255_rows(tmp_path):
    path = write(tmp_path, [row(cells=bar(0.5)), row(cells=bar(255)), row(cells=bar(1))])
    images, _, errors = read_rows(path)
    assert errors == [None] * 3
    assert images[0].max() == pytest.approx(0.5) and images[1].max() == pytest.approx(1.0)
    assert images[2].max() == pytest.approx(1.0)  # a row that never exceeds 1 is a 0-1 row


def test_label_column_with_non_digit_values(tmp_path):
    path = write(tmp_path, [row("7"), row("x"), row("12"), row(""), row("3.0")])
    images, labels, errors = read_rows(path)
    assert labels == [7, "x", "12", None, 3]
    assert errors == [None] * 5 and all(img.max() > 0 for img in images)


def test_semicolon_delimited_with_bom(tmp_path):
    path = tmp_path / "excel.csv"
    text = HEADER.replace(",", ";") + "\n" + row("4", sep=";") + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    images, labels, errors = read_rows(path)
    assert labels == [4] and errors == [None] and images[0].max() == pytest.approx(200 / 255)


def test_quoted_cells_and_crlf(tmp_path):
    path = tmp_path / "quoted.csv"
    quoted = ",".join(f'"{c}"' for c in ["2", *bar()])
    path.write_bytes((HEADER + "\r\n" + quoted + "\r\n" + row("6") + "\r\n").encode())
    _, labels, errors = read_rows(path)
    assert labels == [2, 6] and errors == [None, None]


def test_utf16_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes((HEADER + "\n" + row() + "\n").encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        list(read_csv(path))


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    """100,000 rows (about 160 MB), written line by line."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    line = row()
    with path.open("w") as fh:
        fh.write(HEADER + "\n")
        for _ in range(100_000):
            fh.write(line + "\n")
    return path


@pytest.mark.slow
def test_hundred_thousand_rows_stream_in_flat_memory(big_csv, monkeypatch):
    decoded = []
    real = dio._decode_chunk
    monkeypatch.setattr(dio, "_decode_chunk", lambda lines, *a: decoded.append(len(lines)) or real(lines, *a))
    tracemalloc.start()
    start = time.perf_counter()
    chunks = read_csv(big_csv)
    first = next(chunks)
    first_at = time.perf_counter() - start
    assert decoded == [CHUNK_ROWS] and first.start == 0  # only the first chunk was parsed so far
    rows, bad = len(first.images), 0
    for chunk in chunks:
        rows += len(chunk.images)
        bad += sum(e is not None for e in chunk.errors)
    total = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rows == 100_000 == count_csv_rows(big_csv) and bad == 0
    assert first_at < total / 5
    assert peak < 250e6, f"peak {peak / 1e6:.0f} MB"  # all rows as float64 would be 630 MB


def test_utf8_bom_on_a_comma_file_without_header(tmp_path):
    """The BOM alone (the existing test pairs it with ';' and a header): the first cell is still a label."""
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("7," + ",".join(bar()) + "\n3," + ",".join(bar()) + "\n").encode())
    chunks = list(read_csv(path))
    assert [c.labels for c in chunks] == [[7, 3]] and [c.errors for c in chunks] == [[None, None]]
    assert chunks[0].images.max() == pytest.approx(200 / 255)


def test_numbered_header_as_pandas_writes_it_is_a_header(tmp_path):
    """DataFrame.to_csv of an array names the columns 0..783: that line is a header, not a bad row."""
    path = tmp_path / "frame.csv"
    header = "label," + ",".join(str(i) for i in range(784))
    path.write_text(header + "\n4," + ",".join(bar()) + "\n")
    chunks = list(read_csv(path))
    assert count_csv_rows(path) == 1 and chunks[0].labels == [4] and chunks[0].errors == [None]


def test_semicolon_file_with_decimal_commas(tmp_path):
    """European spreadsheets save 0-1 pixels as 0,5 with ';' between cells."""
    path = tmp_path / "excel.csv"
    cells = [c.replace(".", ",") for c in bar(0.75)]
    path.write_text("2;" + ";".join(cells) + "\n")
    chunk = next(iter(read_csv(path)))
    assert chunk.errors == [None] and chunk.labels == [2]
    assert chunk.images.max() == pytest.approx(0.75)


def test_headerless_first_row_with_a_non_digit_label_is_kept(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("".join(f"{label}," + ",".join(bar()) + "\n" for label in ("x", "3", "5")))
    assert count_csv_rows(path) == 3
    assert [label for c in read_csv(path) for label in c.labels] == ["x", 3, 5]


def test_headerless_first_row_with_a_non_numeric_cell_is_a_row_error(tmp_path):
    bad = bar()
    bad[5] = "abc"
    path = tmp_path / "cells.csv"
    path.write_text("3," + ",".join(bad) + "\n" + "5," + ",".join(bar()) + "\n")
    errors = [e for c in read_csv(path) for e in c.errors]
    assert len(errors) == 2 and "row 0 has 1 empty or non-numeric cells" in errors[0] and errors[1] is None
