"""Reading images of every common format and CSV pixel rows in every layout."""

import re

import numpy as np
import pytest
from PIL import Image

from detector.csvfile import count_csv_rows, read_csv
from detector.io import list_inputs, read_image
from tests.conftest import digit_picture


def digit_rows(n: int = 3) -> np.ndarray:
    """n distinct 28x28 uint8 'digits': a bright bar at a different height each."""
    rows = np.zeros((n, 28, 28), np.uint8)
    for i in range(n):
        rows[i, 6 + 3 * i : 9 + 3 * i, 6:22] = 200 + i
    return rows.reshape(n, 784)


def write_csv(path, rows, labels=None, header=None, label_first=True, sep=",", scale=1.0):
    lines = [] if header is None else [sep.join(header)]
    for i, row in enumerate(rows):
        cells = [f"{v * scale:g}" for v in row]
        if labels is not None:
            cells = [str(labels[i]), *cells] if label_first else [*cells, str(labels[i])]
        lines.append(sep.join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def read_all(path):
    chunks = list(read_csv(path, chunk_rows=2))
    images = np.concatenate([c.images for c in chunks])
    labels = [lab for c in chunks for lab in c.labels]
    errors = [e for c in chunks for e in c.errors]
    return images, labels, errors


KAGGLE = ["label", *[f"pixel{i}" for i in range(784)]]
OPENML = [*[f"pixel{i}" for i in range(1, 785)], "class"]


@pytest.mark.parametrize(
    ("header", "label_first", "with_labels"),
    [(KAGGLE, True, True), (OPENML, False, True), (None, True, True), (None, False, True), (None, None, False),
     ([f"pixel{i}" for i in range(784)], None, False)],
)  # fmt: skip
def test_csv_layouts(tmp_path, header, label_first, with_labels):
    rows = digit_rows(3)
    labels = [7, 2, 1] if with_labels else None
    path = write_csv(tmp_path / "d.csv", rows, labels, header, label_first)
    images, got_labels, errors = read_all(path)
    assert images.shape == (3, 28, 28)
    assert np.allclose(images.reshape(3, 784), rows / 255.0)
    assert got_labels == (labels or [None] * 3)
    assert errors == [None] * 3
    assert count_csv_rows(path) == 3


def test_csv_zero_to_one_values(tmp_path):
    rows = digit_rows(2)
    path = write_csv(tmp_path / "f.csv", rows, [3, 4], KAGGLE, scale=1 / 255)
    images, labels, _ = read_all(path)
    assert np.allclose(images.reshape(2, 784), rows / 255.0, atol=1e-5)
    assert labels == [3, 4]


def test_csv_chunks_keep_row_numbers(tmp_path):
    path = write_csv(tmp_path / "c.csv", digit_rows(5), [0, 1, 2, 3, 4], KAGGLE)
    starts = [c.start for c in read_csv(path, chunk_rows=2)]
    assert starts == [0, 2, 4]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP"])
def test_image_formats(tmp_path, fmt):
    arr = np.zeros((40, 30), np.uint8)
    arr[10:30, 12:18] = 255
    path = tmp_path / f"d.{fmt.lower()}"
    Image.fromarray(arr).save(path, format=fmt, **({"quality": 95} if fmt in ("JPEG", "WEBP") else {}))
    loaded = read_image(path)
    assert loaded.pixels.shape == (40, 30) and loaded.source_size == (30, 40)
    assert loaded.pixels[20, 15] > 0.8 and loaded.pixels[2, 2] < 0.2


def test_exif_orientation_is_honoured(tmp_path):
    arr = np.zeros((20, 40), np.uint8)
    arr[:, :10] = 255  # bright band on the left of the stored pixels
    img = Image.fromarray(arr)
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img.save(tmp_path / "r.jpg", exif=exif, quality=95)
    loaded = read_image(tmp_path / "r.jpg")
    assert loaded.pixels.shape == (40, 20)
    assert loaded.pixels[:10].mean() > 0.8  # the band is now on top


# What a viewer shows for each EXIF orientation, from the EXIF specification's wording.
SHOWN = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],  # mirrored left-right
    3: lambda a: np.rot90(a, 2),  # rotated 180
    4: lambda a: a[::-1],  # mirrored top-bottom
    5: lambda a: np.rot90(a[:, ::-1], 1),  # mirrored, then rotated 270 clockwise
    6: lambda a: np.rot90(a, -1),  # rotated 90 clockwise
    7: lambda a: np.rot90(a[:, ::-1], -1),  # mirrored, then rotated 90 clockwise
    8: lambda a: np.rot90(a, 1),  # rotated 270 clockwise
}


@pytest.mark.parametrize("orientation", sorted(SHOWN))
def test_every_exif_orientation_is_shown_as_a_viewer_shows_it(tmp_path, orientation):
    stored = (np.arange(20 * 30).reshape(20, 30) % 251).astype(np.uint8)  # no two pixels alike in a row
    img = Image.fromarray(stored)
    exif = img.getexif()
    exif[0x0112] = orientation
    img.save(tmp_path / "o.png", exif=exif)  # lossless, so the pixels compare exactly
    loaded = read_image(tmp_path / "o.png")
    shown = SHOWN[orientation](stored)
    assert np.array_equal(loaded.pixels, shown.astype(np.float32) / 255)
    assert loaded.source_size == (shown.shape[1], shown.shape[0])


def test_rotated_large_jpeg_is_downscaled_with_upright_source_size(tmp_path):
    arr = np.zeros((1000, 3000), np.uint8)
    arr[:, :300] = 255  # a bright band on the left of the stored pixels
    img = Image.fromarray(arr)
    exif = img.getexif()
    exif[0x0112] = 6
    img.save(tmp_path / "wide.jpg", exif=exif, quality=90)
    loaded = read_image(tmp_path / "wide.jpg", max_side=1000)
    assert loaded.source_size == (1000, 3000)  # width, height as shown: upright and tall
    assert loaded.pixels.shape == (1000, 333) and loaded.scale == pytest.approx(3.0, rel=0.01)
    assert loaded.pixels[:80].mean() > 0.9 and loaded.pixels[120:].mean() < 0.1  # the band is on top


EXIF_HEAD = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01"  # one IFD entry: tag 0x0112, orientation


@pytest.mark.parametrize(
    "exif",
    [b"Exif\x00\x00MM\x00*garbage", b"Exif\x00\x00II*\x00\xff\xff\x00\x00",  # cut short; IFD past the end
     EXIF_HEAD + b"\x63\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00",  # an unknown field type
     EXIF_HEAD + b"\x03\x00\xff\xff\xff\x7f\x06\x00\x00\x00\x00\x00\x00\x00",  # two billion values
     EXIF_HEAD + b"\x02\x00\x02\x00\x00\x006\x00\x00\x00\x00\x00\x00\x00"],  # the text "6"
)  # fmt: skip
def test_damaged_exif_shows_the_pixels_as_stored(tmp_path, exif):
    arr = np.zeros((20, 40), np.uint8)
    arr[:, :10] = 255
    Image.fromarray(arr).save(tmp_path / "d.jpg", exif=exif, quality=95)
    loaded = read_image(tmp_path / "d.jpg")
    assert loaded.pixels.shape == (20, 40) and loaded.source_size == (40, 20)
    assert loaded.pixels[:, :8].mean() > 0.8


def test_exif_that_cannot_be_parsed_at_all_is_ignored(tmp_path, monkeypatch):
    Image.fromarray(digit_picture()).save(tmp_path / "d.png")
    want = read_image(tmp_path / "d.png")

    def broken(self):
        raise SyntaxError("not a TIFF structure")

    monkeypatch.setattr(Image.Image, "getexif", broken)
    loaded = read_image(tmp_path / "d.png")
    assert np.array_equal(loaded.pixels, want.pixels) and loaded.source_size == want.source_size


def test_transparent_background_flattened_to_contrast(tmp_path):
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[10:30, 18:22] = (0, 0, 0, 255)  # black ink on a fully transparent canvas
    Image.fromarray(rgba, "RGBA").save(tmp_path / "t.png")
    px = read_image(tmp_path / "t.png").pixels
    assert px[0, 0] == pytest.approx(1.0) and px[20, 20] == pytest.approx(0.0)


def test_large_image_is_decoded_downscaled_with_source_size(tmp_path):
    Image.new("L", (3000, 1500), 255).save(tmp_path / "big.png")
    loaded = read_image(tmp_path / "big.png", max_side=1000)
    assert loaded.pixels.shape == (500, 1000)
    assert loaded.source_size == (3000, 1500) and loaded.scale == pytest.approx(3.0)


def test_list_inputs_sorted_images_and_csvs_only(tmp_path):
    for name in ["b.png", "A.csv", "c.txt", ".hidden.png", "d.JPG"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.png").mkdir()
    assert [p.name for p in list_inputs(tmp_path)] == ["A.csv", "b.png", "d.JPG"]


def test_read_image_bytes_reads_as_a_file_does(tmp_path):
    from detector.io import read_image_bytes

    path = tmp_path / "seven.png"
    Image.fromarray(digit_picture()).save(path)
    from_bytes = read_image_bytes(path.read_bytes(), "seven.png")
    assert np.array_equal(from_bytes.pixels, read_image(path).pixels)
    assert from_bytes.source_size == read_image(path).source_size


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "up.png is empty (0 bytes)"), (b"not an image", "up.png is not a readable image")],
)
def test_read_image_bytes_refuses_bad_data_naming_only_the_file(data, message):
    from detector.errors import InputError
    from detector.io import read_image_bytes

    with pytest.raises(InputError, match=re.escape(message)) as info:
        read_image_bytes(data, "/srv/secret/up.png")
    assert "/srv" not in str(info.value)
