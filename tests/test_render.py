"""Render functions printed on StringIO consoles."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from detector.app.render import (
    accuracy,
    describe_selection,
    explain_panel,
    probability_bars,
    reading_panel,
    results_table,
    results_view,
)
from detector.results import DigitResult, Reading
from tests.helpers import text_of


def digit(d: int, conf: float, box=(0, 0, 10, 10)) -> DigitResult:
    probs = np.full(10, (1 - conf) / 9)
    probs[d] = conf
    return DigitResult(d, conf, tuple(float(p) for p in probs), box)


def test_single_digit_panel_has_number_confidence_and_ten_bars():
    out = text_of(reading_panel(Reading("pics/seven.png", digits=(digit(7, 0.93),))))
    assert "Number: 7" in out and "confidence 93.0%" in out and "seven.png" in out
    bar_lines = [line for line in out.splitlines() if re.match(r"│ \d ", line) and "%" in line]
    assert [line[2] for line in bar_lines] == [str(d) for d in range(10)]
    marked = [line for line in out.splitlines() if "◀" in line]
    assert len(marked) == 1 and "7 " in marked[0] and "93.0%" in marked[0]
    assert "Low confidence" not in out


def test_low_confidence_is_flagged():
    out = text_of(reading_panel(Reading("a.png", digits=(digit(4, 0.41),))))
    assert "Low confidence" in out and "41.0%" in out


def test_multi_digit_reading_has_a_row_per_digit():
    reading = Reading("n.png", digits=(digit(4, 0.99, (5, 6, 20, 30)), digit(2, 0.6, (40, 6, 18, 30))))
    out = text_of(reading_panel(reading))
    assert "Number: 42" in out
    header = next(line for line in out.splitlines() if line.startswith("│  #"))
    assert header.split()[1:] == ["#", "digit", "confidence", "x", "y", "w", "h", "│"]
    assert [line.split()[-5:-1] for line in out.splitlines() if "%" in line and "Number" not in line] == [
        ["5", "6", "20", "30"],
        ["40", "6", "18", "30"],
    ]
    assert "◀" not in out  # no bars for multi-digit pictures
    low_rows = [line for line in out.splitlines() if "60.0%" in line and "Number" not in line]
    assert len(low_rows) == 1 and "low" in low_rows[0]


def test_label_marks_right_and_wrong():
    right = text_of(reading_panel(Reading("r.csv", 0, 7, (digit(7, 0.9),))))
    wrong = text_of(reading_panel(Reading("r.csv", 1, 3, (digit(7, 0.9),))))
    assert "label 7 ✓" in right and "label 3 ✗" in wrong


def test_error_and_nothing_found_are_one_line():
    err = text_of(reading_panel(Reading("b.png", error="b.png is damaged; export it again")))
    none = text_of(reading_panel(Reading("blank.png")))
    assert err.strip() == "b.png: b.png is damaged; export it again"
    assert len(none.strip().splitlines()) == 1 and "no digit found" in none


def test_bars_follow_the_probabilities():
    probs = [0.0] * 10
    probs[3], probs[8] = 0.25, 0.75
    lines = text_of(probability_bars(probs)).splitlines()
    assert "◀" in lines[8] and "75.0%" in lines[8] and "25.0%" in lines[3]
    assert lines[8].count("█") > lines[3].count("█") > lines[0].count("█")


def test_results_table_accuracy_and_limit():
    readings = [Reading("d.csv", i, i % 10, (digit(i % 10 if i % 3 else 1, 0.9),)) for i in range(50)]
    right, total = accuracy(readings)
    assert total == 50 and right == sum(1 for i in range(50) if i % 3 or i % 10 == 1)
    out = text_of(results_view(readings, limit=10))
    assert f"accuracy {right}/50 = {right / 50:.1%}" in out
    assert "10 shown: errors, unsure readings and new files (bold) first" in " ".join(out.split())
    assert out.count("d.csv") == 10


def test_results_view_lists_errors_and_stopped():
    readings = [Reading("ok.png", digits=(digit(2, 0.95),)), Reading("bad.png", error="bad.png is empty (0 bytes)")]
    out = text_of(results_view(readings, stopped=True))
    assert "bad.png: bad.png is empty (0 bytes)" in out
    assert "stopped early" in out and "1 could not be read" in out


def test_forty_columns_fit():
    readings = [Reading("a_rather_long_file_name_for_a_picture.png", digits=(digit(5, 0.7),))]
    readings.append(Reading("rows.csv", 12, 4, (digit(4, 0.99),)))
    for renderable in (reading_panel(readings[0]), results_view(readings), explain_panel(Path("/tmp/menu_data"))):
        out = text_of(renderable, width=40)
        assert max(len(line) for line in out.splitlines()) <= 40
    table = text_of(results_table(readings), width=40)
    assert "✓" in table and "12" in table  # the narrow columns survive


def test_no_color_console_strips_colours():
    out = text_of(reading_panel(Reading("a.png", digits=(digit(1, 0.9),))), force_terminal=True, no_color=True)
    assert "\x1b[38;" not in out and "\x1b[48;" not in out
    assert "Number:" in out and "90.0%" in out


def test_describe_selection():
    assert describe_selection(Path("/x/rows.csv"), 3, 7) == "rows.csv row 3 (label 7)"
    assert describe_selection(Path("/x/seven.png")) == "seven.png"


def test_bar_text_length_shows_the_probability_without_colour():
    from detector.app.render import bar_text

    assert bar_text(0.0, 10) == " " * 10
    assert bar_text(1.0, 10) == "█" * 10
    assert bar_text(0.5, 10) == "█" * 5 + " " * 5
    assert bar_text(0.55, 10).startswith("█" * 5 + "▌") and len(bar_text(0.55, 10)) == 10


def test_percent_never_rounds_up_to_certainty():
    from detector.results import percent

    assert percent(0.9996) == ">99.9%" and percent(0.9996, 0) == ">99%"
    assert percent(1.0) == "100.0%" and percent(0.95) == "95.0%" and percent(0.954, 0) == "95%"
    assert percent(0.0) == "0.0%"


def test_what_matters_first_errors_unsure_and_new_files_lead():
    from detector.app.render import what_matters_first

    readings = [Reading(f"m/{i:02}.png", digits=(digit(1, 0.99),)) for i in range(60)]
    readings[50] = Reading("m/50.png", error="m/50.png is damaged")
    readings[55] = Reading("m/55.png", digits=(digit(3, 0.5),))
    readings[58] = Reading("m/58.png", digits=(digit(3, 0.99),))
    order = [r.source for r in what_matters_first(readings, new={"m/58.png"})]
    assert order[:4] == ["m/50.png", "m/55.png", "m/58.png", "m/00.png"]
    out = text_of(results_view(readings, limit=8, new={"m/58.png"}))
    assert "50.png" in out and "55.png" in out and "58.png" in out and "07.png" not in out
    assert out.lstrip().startswith("Results")  # the title comes first, above the rows


def test_shorten_cuts_at_words_and_keeps_cut_names_apart():
    from detector.app.render import shorten, shorten_distinct

    assert shorten("Recognize everything in holiday_photos", 30) == "Recognize everything in…"
    assert shorten("short", 30) == "short"
    names = ["handwritten_note_on_paper_1534.jpg  (1200x900, 300 KB)", "handwritten_note_on_paper_1535.jpg  (1 KB)"]
    cut = shorten_distinct(names, 30)
    assert all(len(t) <= 30 for t in cut) and len(set(cut)) == 2
    assert "1534" in cut[0] or cut[0] != cut[1]


def test_fifty_columns_bars_fit_and_the_panel_is_not_stretched():
    reading = Reading("seven.png", digits=(digit(7, 0.93),))
    narrow = text_of(reading_panel(reading, width=50), width=50).splitlines()
    bars = [line for line in narrow if "%" in line and re.match(r"│ \d ", line)]
    assert len(bars) == 10 and max(len(line) for line in narrow) <= 50  # one line per bar, inside the width
    wide = text_of(reading_panel(reading, width=200), width=200).splitlines()
    assert max(len(line) for line in wide) < 70  # as wide as its content, not the terminal
