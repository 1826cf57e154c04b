"""Image files detector.io refuses (empty, damaged, hostile, unreadable, too large, badly named): one InputError
line each, fast and in little memory. The pictures it reads are in test_io.py (the split keeps both files
under 300 lines)."""

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


def test_too_long_file_name(tmp_path):
    with pytest.raises(InputError, match="longer than the system allows"):
        read_image(tmp_path / ("a" * 300 + ".png"))
    name = "b" * 251 + ".png"  # 255 bytes: the longest name the OS allows still reads
    seven().save(tmp_path / name)
    assert read_image(tmp_path / name).pixels.shape == (100, 100)


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
