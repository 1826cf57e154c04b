"""The typefaces printed digits are drawn in: matplotlib's, and faces held out from training.

Training, the mined pictures and every generated set but one draw their digits in
matplotlib's twenty faces (:func:`font_paths`), whose 1s all have a foot or a short flag.
The sans-serif faces of house numbers, receipts and signs often draw a 1 as a stem with a
long flag and no foot, and a network that never saw one may read it as a 7 or a 9. The
families of :func:`held_out_families` (Pillow's built-in Aileron and the font packages in
``HELD_OUT_PACKAGES``) are never trained on: the benchmark of house numbers in faces never
seen (:func:`training.synthetic.signs.make_unseen_face`) draws from them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

MATPLOTLIB_FILES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf",
    "DejaVuSansMono-BoldOblique.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf",
    "STIXGeneralItalic.ttf", "STIXGeneralBolIta.ttf", "cmr10.ttf", "cmss10.ttf", "cmtt10.ttf", "cmb10.ttf",
)  # fmt: skip
PILLOW_FACE = "pillow:aileron"  # Pillow's built-in face (Aileron Regular), sized by ImageFont.load_default
HELD_OUT_PACKAGES = ("font_manrope", "font_hanken_grotesk", "font_source_sans_pro", "font_fredoka_one")

Face = Path | str  # a font file, or PILLOW_FACE


@lru_cache(maxsize=1)
def font_paths() -> tuple[Path, ...]:
    """Return the matplotlib font files that exist in this installation."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return tuple(folder / name for name in MATPLOTLIB_FILES if (folder / name).is_file())


@lru_cache(maxsize=16)
def package_faces(package: str) -> tuple[Path, ...]:
    """The font files a font package holds (TrueType where a face comes in both), sorted; () when not installed.

    Variable fonts are left out: Pillow draws them at their default weight, which another file already holds.
    """
    from importlib.resources import files
    from importlib.util import find_spec

    if find_spec(package) is None:
        return ()
    folder = Path(str(files(package))) / "files"
    faces = {p.stem: p for p in sorted(folder.glob("*.otf"))}
    faces.update({p.stem: p for p in sorted(folder.glob("*.ttf"))})
    return tuple(faces[stem] for stem in sorted(faces) if "Variable" not in stem)


def held_out_families() -> tuple[tuple[Face, ...], ...]:
    """The families no training digit is drawn in, for the benchmark of unseen faces: Pillow's and the packages'.

    Raises:
        ModuleNotFoundError: A package of ``HELD_OUT_PACKAGES`` is not installed (the set would change).
    """
    missing = [p for p in HELD_OUT_PACKAGES if not package_faces(p)]
    if missing:
        raise ModuleNotFoundError(
            f"the typefaces {', '.join(missing)} are not installed: pip install -r requirements-train.txt"
        )
    return ((PILLOW_FACE,), *(package_faces(p) for p in HELD_OUT_PACKAGES))


def pick_face(rng: np.random.Generator, families: tuple[tuple[Face, ...], ...]) -> Face:
    """A family uniformly, then one of its faces uniformly (a family of fourteen weights counts once)."""
    family = families[int(rng.integers(len(families)))]
    return family[int(rng.integers(len(family)))]


@lru_cache(maxsize=256)
def load_font(face: Face, size: int):
    """Pillow's font object for ``face`` at ``size`` pixels."""
    from PIL import ImageFont

    if face == PILLOW_FACE:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(face), size)
