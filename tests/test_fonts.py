"""The typefaces of the printed digits: matplotlib's, and Pillow's and the packages' held out from training."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from training.synthetic.fonts import (
    HELD_OUT_PACKAGES,
    MATPLOTLIB_FILES,
    PILLOW_FACE,
    font_paths,
    held_out_families,
    load_font,
    package_faces,
    pick_face,
)


def test_fonts_come_with_matplotlib():
    found = {p.name for p in font_paths()}
    assert len(found) >= 12 and {"DejaVuSans.ttf", "DejaVuSerif-Bold.ttf", "cmr10.ttf"} <= found
    assert found <= set(MATPLOTLIB_FILES)


def test_held_out_families_are_pillows_face_and_every_package_and_never_matplotlibs():
    for package in HELD_OUT_PACKAGES:
        assert package_faces(package), f"{package} is in requirements-train.txt"
    families = held_out_families()
    assert families[0] == (PILLOW_FACE,) and len(families) == 1 + len(HELD_OUT_PACKAGES)
    assert not {face for family in families for face in family} & set(font_paths())


def test_a_missing_package_is_named_rather_than_shrinking_the_set(monkeypatch):
    from training.synthetic import fonts

    monkeypatch.setattr(fonts, "HELD_OUT_PACKAGES", ("font_manrope", "no_such_font_package"))
    with pytest.raises(ModuleNotFoundError, match=r"no_such_font_package.*requirements-train\.txt"):
        fonts.held_out_families()


def test_a_package_lists_each_face_once_without_variable_fonts():
    faces = package_faces("font_source_sans_pro")  # ships each face as both .otf and .ttf
    stems = [f.stem for f in faces]
    assert len(stems) == len(set(stems)) and all(f.suffix == ".ttf" for f in faces)
    assert not any("Variable" in f.stem for f in package_faces("font_manrope"))
    assert package_faces("no_such_font_package") == ()


def test_a_family_counts_once_however_many_weights_it_has():
    families = (("a",), tuple(f"b{i}" for i in range(14)))
    rng = np.random.default_rng(0)
    picks = [pick_face(rng, families) for _ in range(2000)]
    assert 0.45 < picks.count("a") / len(picks) < 0.55


def test_every_face_draws_a_one_of_its_own():
    for face in (PILLOW_FACE, font_paths()[0], *(family[0] for family in held_out_families())):
        img = Image.new("L", (120, 120), 0)
        ImageDraw.Draw(img).text((20, 10), "1", font=load_font(face, 80), fill=255)
        ink = np.asarray(img) > 128
        assert 0.01 < ink.mean() < 0.2
