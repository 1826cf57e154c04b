"""Property tests: readers and pixel functions return a valid result or a DetectorError, nothing else.

A bounded number of examples here; ``python -m tests.fuzz_long --cases 10000`` runs the same
properties for longer.
"""

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.errors import InputError
from detector.paths import IMAGE_SUFFIXES, PROJECT_ROOT
from tests import fuzz_long
from tests.fuzz_long import (
    any_array,
    assert_unit,
    check_csv_text,
    check_digit_ink,
    check_find_digits,
    check_image_bytes,
    check_prepare_batch,
    check_prepare_digit,
    csv_text,
    image_bytes,
    outcome,
    picture,
)

FUZZ = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-"))  # hypothesis reuses one folder across examples


@FUZZ
@given(image_bytes(), st.sampled_from(IMAGE_SUFFIXES))
def test_read_image_on_random_and_damaged_bytes(data, suffix):
    check_image_bytes(data, suffix, FOLDER)


@FUZZ
@given(csv_text())
def test_read_csv_on_random_text(text):
    check_csv_text(text, FOLDER)


@FUZZ
@given(st.one_of(any_array(), picture()))
def test_digit_ink_on_any_array(arr):
    check_digit_ink(arr)


@FUZZ
@given(st.one_of(any_array(), picture()))
def test_prepare_digit_on_any_array(arr):
    check_prepare_digit(arr)


@FUZZ
@given(any_array(max_side=6))
def test_prepare_batch_on_any_array(arr):
    check_prepare_batch(arr)


@FUZZ
@given(st.one_of(any_array(), picture()))
def test_find_digits_on_any_array(arr):
    check_find_digits(arr)


def test_the_checks_can_fail():
    """The harness lets foreign errors through and rejects out-of-range pixels."""
    with pytest.raises(ZeroDivisionError):
        outcome("demo", lambda: 1 / 0)
    with pytest.raises(AssertionError):
        assert_unit(np.full((2, 2), 2.0, np.float32))
    assert outcome("demo", lambda: (_ for _ in ()).throw(InputError("bad"))) is None


def test_fuzz_long_script_covers_every_target_without_a_crash(capsys):
    counts = fuzz_long.run(60)
    targets = {t for t, _ in counts}
    assert targets == {"read_image", "read_csv", "digit_ink", "prepare_digit", "prepare_batch", "find_digits"}
    assert not any(kind == "CRASH" for _, kind in counts) and sum(counts.values()) >= 60
    assert "| **all** |" in fuzz_long.table(counts)


def test_make_fuzz_runs_the_script_with_at_least_10000_cases(monkeypatch):
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^fuzz:.*\n\t.*-m tests\.fuzz_long\s*$", makefile, re.M)
    asked = []
    monkeypatch.setattr(fuzz_long, "run", lambda cases: asked.append(cases) or Counter({("x", "ok"): 1}))
    monkeypatch.setattr(sys, "argv", ["fuzz_long"])
    with pytest.raises(SystemExit) as done:
        fuzz_long.main()
    assert done.value.code == 0 and asked == [10_000]


def test_fuzz_long_runs_at_least_the_cases_asked_for():
    assert sum(fuzz_long.run(7).values()) >= 7
