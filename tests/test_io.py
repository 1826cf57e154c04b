"""Reading images (detector.io): every common format, EXIF orientation, odd but valid pictures (16-bit, palette,
CMYK, transparent, animated, one pixel wide, 100 megapixels) and picture bytes.

The files io refuses (damaged, hostile, unreadable, too large) are in test_io_refusals.py: together the two
would be a 400-line file.
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import detector.io as dio
from detector.errors import InputError
from detector.io import list_inputs, read_image
from detector.paths import PROJECT_ROOT
from tests.helpers import digit_picture, seven


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


# ---- odd but valid pictures ------------------------------------------------------------------------------------


def test_non_utf8_file_name_reads_and_errors_print(tmp_path):
    path = tmp_path / os.fsdecode(b"digit-\xff\xfe.png")
    seven().save(path)
    assert read_image(path).pixels.shape == (100, 100)
    bad = tmp_path / os.fsdecode(b"bad-\xff.png")
    bad.write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_image(bad)
    str(info.value).encode("utf-8")  # printable: no lone surrogates in the message


@pytest.mark.parametrize(("width", "height"), [(1, 1), (1, 10000), (10000, 1)])
def test_degenerate_sizes(tmp_path, width, height):
    Image.new("L", (width, height), 128).save(tmp_path / "thin.png")
    loaded = read_image(tmp_path / "thin.png")
    assert max(loaded.pixels.shape) <= dio.DEFAULT_MAX_SIDE and min(loaded.pixels.shape) == 1
    assert loaded.source_size == (width, height)
    assert np.allclose(loaded.pixels, 128 / 255, atol=0.01)


def test_sixteen_bit_grey(tmp_path):
    arr = np.zeros((40, 40), np.uint16)
    arr[10:30, 18:22] = 65535
    Image.fromarray(arr).save(tmp_path / "deep.png")
    px = read_image(tmp_path / "deep.png").pixels
    assert px[20, 20] == pytest.approx(1.0) and px[0, 0] == pytest.approx(0.0)


def test_dark_sixteen_bit_image_keeps_its_scale(tmp_path):
    arr = np.zeros((40, 40), np.uint16)
    arr[10:30, 18:22] = 200  # 200 of 65535: almost black
    Image.fromarray(arr).save(tmp_path / "dark16.png")
    assert read_image(tmp_path / "dark16.png").pixels.max() < 0.01


def test_palette_image(tmp_path):
    img = Image.new("P", (40, 40), 0)
    img.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)  # index 0 white, 1 black
    img.paste(1, (18, 10, 22, 30))
    img.save(tmp_path / "pal.png")
    px = read_image(tmp_path / "pal.png").pixels
    assert px[0, 0] == pytest.approx(1.0) and px[20, 20] == pytest.approx(0.0)


def test_cmyk_jpeg(tmp_path):
    img = Image.new("CMYK", (40, 40), (0, 0, 0, 0))  # white paper
    img.paste((0, 0, 0, 255), (18, 10, 22, 30))  # black ink
    img.save(tmp_path / "print.jpg", quality=95)
    px = read_image(tmp_path / "print.jpg").pixels
    assert px[0, 0] > 0.9 and px[20, 20] < 0.1


@pytest.mark.parametrize(("ink", "paper"), [(0, 1.0), (255, 0.0)])
def test_transparent_canvas_flattened_to_contrast(tmp_path, ink, paper):
    rgba = np.zeros((100, 100, 4), np.uint8)
    mask = np.asarray(seven()) > 0
    rgba[mask] = (ink, ink, ink, 255)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "t.png")
    px = read_image(tmp_path / "t.png").pixels
    assert px[~mask].mean() == pytest.approx(paper, abs=0.01)  # the transparent canvas
    assert px[mask].mean() == pytest.approx(ink / 255, abs=0.01)  # the ink keeps its own shade


@pytest.mark.parametrize("ink", [0, 255])
def test_digit_on_transparent_canvas_reads_right(tmp_path, shipped_predictor, ink):
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[np.asarray(seven()) > 0] = (ink, ink, ink, 255)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "seven.png")
    reading = shipped_predictor.read_loaded(read_image(tmp_path / "seven.png"), "seven.png")
    assert reading.number == "7"


def test_animated_gif_uses_first_frame(tmp_path):
    first = Image.new("L", (40, 40), 255)
    first.paste(0, (18, 10, 22, 30))
    second = Image.new("L", (40, 40), 0)
    first.save(tmp_path / "anim.gif", save_all=True, append_images=[second], duration=100)
    px = read_image(tmp_path / "anim.gif").pixels
    assert px[0, 0] > 0.9 and px[20, 20] < 0.1


MEASURE = """
import resource, sys
from detector.io import read_image
loaded = read_image(sys.argv[1])
print(loaded.pixels.shape, loaded.source_size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_kib(path) -> tuple[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True
    ).stdout
    head, rss = out.rsplit(" ", 1)
    return head, int(rss)


@pytest.mark.slow
def test_hundred_megapixel_photo_reads_downscaled_in_bounded_memory(tmp_path):
    rng = np.random.default_rng(1)
    small = Image.fromarray(rng.integers(0, 255, (84, 120, 3), dtype=np.uint8))
    small.resize((12000, 8400)).save(tmp_path / "photo.jpg", quality=85)  # 100.8 megapixels
    seven().save(tmp_path / "small.png")
    shape, peak = peak_rss_kib(tmp_path / "photo.jpg")
    _, baseline = peak_rss_kib(tmp_path / "small.png")
    assert shape == "(1680, 2400) (12000, 8400)"
    # Decoding at full size would need 300 MB (RGB) + 400 MB (float grey); measured about 50 MB.
    assert (peak - baseline) / 1024 < 120, f"peak grew by {(peak - baseline) / 1024:.0f} MB"
