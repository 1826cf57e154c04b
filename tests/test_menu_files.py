"""What the menu lists and asks about files (detector.app.menu_files): sizes and details, typed paths."""

from pathlib import Path

import numpy as np
from PIL import Image


def test_file_list_details_sizes_and_broken_images(tmp_path):
    from detector.app.menu_files import file_choices, human_size

    assert [human_size(n) for n in (0, 296, 10_118, 3_565_158)] == ["0 B", "296 B", "10 KB", "3.4 MB"]
    (tmp_path / "fake.png").write_text("not a picture")
    Image.fromarray(np.zeros((40, 90), np.uint8)).save(tmp_path / "wide.png")
    titles = [t for t, _ in file_choices(sorted(tmp_path.iterdir()))]
    assert titles[0] == "fake.png  (13 B, not a readable image)"
    assert titles[1].startswith("wide.png  (90x40, ")


def test_typed_path_undoes_quotes_and_escapes_as_a_shell_would(tmp_path):
    from detector.app.menu_files import typed_path

    odd = tmp_path / "it's here.png"
    odd.write_bytes(b"x")
    assert typed_path("  ") is None and typed_path(None) is None
    assert typed_path("'/a/my dir/x.jpg'") == Path("/a/my dir/x.jpg")
    assert typed_path('"/a/my dir/x.jpg"') == Path("/a/my dir/x.jpg")
    assert typed_path("/a/my\\ dir/x.jpg") == Path("/a/my dir/x.jpg")
    assert typed_path(f"{odd} ") == odd  # exists as typed: taken as it is, quote and all
    assert typed_path("'/unbalanced") == Path("'/unbalanced")
    assert typed_path("~/x.png") == Path.home() / "x.png"
