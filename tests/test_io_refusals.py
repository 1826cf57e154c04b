"""Hostile and odd image files: every one reads right or gives one InputError line."""

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib

import numpy as np
import pytest
from PIL import Image

import detector.io as dio
from detector.errors import InputError
from detector.io import MAX_PIXELS, list_inputs, read_image
from detector.paths import PROJECT_ROOT
from tests.helpers import BAD_FILES, bomb_png, digit_picture, seven


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_image_files_give_one_line_input_error(tmp_path, name):
    data, words = BAD_FILES[name]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError, match=re.escape(words)) as info:
        read_image(tmp_path / name)
    assert "\n" not in str(info.value)


def test_directory_named_like_an_image(tmp_path):
    (tmp_path / "x.png").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_image(tmp_path / "x.png")


def test_broken_symlink(tmp_path):
    os.symlink(tmp_path / "gone.png", tmp_path / "link.png")
    with pytest.raises(InputError, match="broken link"):
        read_image(tmp_path / "link.png")


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.png"
    seven().save(path)
    if os.geteuid() == 0:  # root reads anything: simulate the refusal at open()
        import builtins

        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)
    else:
        path.chmod(0)
    with pytest.raises(InputError, match=r"no permission to read secret\.png"):
        read_image(path)


def test_file_deleted_between_listing_and_loading(tmp_path, monkeypatch):
    for name in ("a.png", "b.png"):
        seven().save(tmp_path / name)
    listed = list_inputs(tmp_path)
    listed[0].unlink()
    with pytest.raises(InputError, match="does not exist"):
        read_image(listed[0])
    # The narrower race: gone after the checks, before Pillow opens it.
    real_check = dio.check_file

    def check_then_delete(path):
        real_check(path)
        path.unlink()

    monkeypatch.setattr(dio, "check_file", check_then_delete)
    with pytest.raises(InputError, match="disappeared before it could be read"):
        read_image(listed[1])


def test_non_utf8_file_name_reads_and_errors_print(tmp_path):
    path = tmp_path / os.fsdecode(b"digit-\xff\xfe.png")
    seven().save(path)
    assert read_image(path).pixels.shape == (100, 100)
    bad = tmp_path / os.fsdecode(b"bad-\xff.png")
    bad.write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_image(bad)
    str(info.value).encode("utf-8")  # printable: no lone surrogates in the message


def test_too_long_file_name(tmp_path):
    with pytest.raises(InputError, match="longer than the system allows"):
        read_image(tmp_path / ("a" * 300 + ".png"))
    name = "b" * 251 + ".png"  # 255 bytes: the longest name the OS allows still reads
    seven().save(tmp_path / name)
    assert read_image(tmp_path / name).pixels.shape == (100, 100)


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


def test_decompression_bomb_refused_fast_and_small(tmp_path):
    (tmp_path / "bomb.png").write_bytes(bomb_png())
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError, match="too large"):
        read_image(tmp_path / "bomb.png")
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2.0 and peak < 20e6


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


def encoded(fmt: str) -> bytes:
    """A 200x200 noisy picture (so the compressed data is long) in PNG or JPEG."""
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200, 3), dtype=np.uint8)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize("keep", [0.5, 0.95])
def test_truncated_inside_the_pixel_data(tmp_path, fmt, keep):
    """Cut after a valid header, mid-pixels: still one InputError line, no half-read picture."""
    data = encoded(fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError, match=re.escape("cut.") + ".* is not a readable image") as info:
        read_image(path)
    assert "\n" not in str(info.value)


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_own_150_megapixel_limit_applies_below_pillows_hard_limit(tmp_path):
    """156 MP: Pillow only warns (its error starts at 179 MP); the program's own limit refuses it, fast."""
    assert MAX_PIXELS < 13000 * 12000
    (tmp_path / "big.png").write_bytes(png_header_only(13000, 12000))
    start = time.perf_counter()
    with pytest.raises(InputError, match=re.escape("big.png is 13000x12000 (156 MP), over the 150 MP limit")):
        read_image(tmp_path / "big.png")
    assert time.perf_counter() - start < 2.0


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_unreadable_file_for_real_without_root_privileges(tmp_path):
    """The existing test only simulates EACCES under root; here root drops its DAC override capabilities."""
    path = tmp_path / "secret.png"
    Image.fromarray(digit_picture()).save(path)
    path.chmod(0)
    code = "import sys\nfrom detector.io import read_image\ntry:\n read_image(sys.argv[1])\nexcept Exception as e:\n"
    code += " print(e)"
    caps = "-dac_override,-dac_read_search"
    cmd = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable, "-c", code, str(path)]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=60)
    assert result.stdout.strip() == "no permission to read secret.png; fix its permissions (chmod +r)", result.stderr


def test_dark_sixteen_bit_image_keeps_its_scale(tmp_path):
    arr = np.zeros((40, 40), np.uint16)
    arr[10:30, 18:22] = 200  # 200 of 65535: almost black
    Image.fromarray(arr).save(tmp_path / "dark16.png")
    assert read_image(tmp_path / "dark16.png").pixels.max() < 0.01
