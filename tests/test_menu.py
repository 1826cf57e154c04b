"""The menu driven by scripted answers, rendered to a StringIO console (Display and Draw: test_menu_pictures.py)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from rich.console import Console

from detector.app import menu as menu_module
from detector.app.menu import run_menu
from detector.paths import PROJECT_ROOT
from tests.helpers import Scripted, run, sel, snapshot


def test_explain_shows_the_folder_and_formats(tmp_path, menu_dir, tiny_model):
    code, out, _ = run(tmp_path, menu_dir, tiny_model, sel("explain"), sel("exit"))
    assert code == 0
    assert str(menu_dir.resolve()) in out
    for word in ("PNG", "JPG", "BMP", "GIF", "TIFF", "WebP", "CSV"):
        assert word in out


def test_load_image_then_recognize_shows_bars_and_selection(tmp_path, menu_dir, tiny_model):
    code, out, ask = run(tmp_path, menu_dir, tiny_model, sel("load"), sel("seven.png"), sel("recognize"), sel("exit"))
    assert code == 0
    assert "Number:" in out and "confidence" in out
    assert out.count("◀") == 1  # one highlighted digit among the ten bars
    assert "loaded: seven.png" in ask.asked[2][1]  # the menu names the selection


def test_csv_row_is_validated_and_label_shown(tmp_path, menu_dir, tiny_model):
    code, out, ask = run(
        tmp_path,
        menu_dir,
        tiny_model,
        sel("load"),
        sel("rows.csv"),
        ("text", "99"),
        ("text", "two"),
        ("text", "1"),
        sel("recognize"),
        sel("exit"),
    )
    assert code == 0
    assert "'99' is not a row" in out and "'two' is not a row" in out
    assert "0-2" in ask.asked[2][1]
    assert "rows.csv row 1 (label 3)" in ask.asked[-1][1]
    assert "label 3" in out


def test_file_list_shows_sizes_and_row_counts(tmp_path, menu_dir, tiny_model):
    captured = {}

    class Peek(Scripted):
        def select(self, message, choices, default=None):
            captured.setdefault(message, choices)
            return super().select(message, choices, default)

    ask = Peek(sel("load"), sel("Back"), sel("exit"))
    run_menu(Console(file=io.StringIO()), ask, menu_dir, tmp_path / "out", tiny_model)
    titles = [t for t, _ in captured["Load which file?"]]
    assert titles[0] == "rows.csv  (3 rows)"
    assert titles[1].startswith("seven.png  (28x28, ") and titles[1].endswith(" B)")
    assert titles[-2:] == ["Other file…", "Back"]


@pytest.mark.parametrize(
    "answers",
    [
        [sel(None)],  # Ctrl-C at the main menu quits
        [sel("load"), sel(None), sel("exit")],  # Ctrl-C in the file list goes back
        [sel("load"), sel("Other"), ("path", None), sel(None)],
        [sel("load"), sel("rows.csv"), ("text", None), sel("exit")],
        [sel("load"), sel("rows.csv"), ("text", ""), sel("exit")],
    ],
)
def test_ctrl_c_and_ctrl_d_leave_cleanly(tmp_path, menu_dir, tiny_model, answers):
    code, out, _ = run(tmp_path, menu_dir, tiny_model, *answers)
    assert code == 0
    assert "Traceback" not in out and "Bye." in out
    assert "Loaded" not in out  # backing out never selects anything


def test_recognize_with_nothing_loaded(tmp_path, menu_dir, tiny_model):
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("recognize"), sel("display"), sel("exit"))
    assert out.count("Nothing loaded yet") == 2


def test_loaded_file_removed_before_start(tmp_path, menu_dir, tiny_model):
    victim = tmp_path / "gone.png"
    victim.write_bytes((menu_dir / "seven.png").read_bytes())

    class RemoveAfterLoad(Scripted):
        def select(self, message, choices, default=None):
            if "loaded: gone.png" in message:
                victim.unlink(missing_ok=True)
            return super().select(message, choices, default)

    out = io.StringIO()
    ask = RemoveAfterLoad(
        sel("load"), sel("Other"), ("path", str(victim)), sel("recognize"), sel("explain"), sel("exit")
    )
    assert run_menu(Console(file=out, width=100), ask, menu_dir, tmp_path / "o", tiny_model) == 0
    text = out.getvalue()
    assert "gone.png is no longer there" in text and "How it works" in text


def test_unreadable_file_is_one_line_and_menu_goes_on(tmp_path, menu_dir, tiny_model):
    (menu_dir / "broken.png").write_bytes(b"not a picture at all")
    _, out, ask = run(tmp_path, menu_dir, tiny_model, sel("load"), sel("broken.png"), sel("explain"), sel("exit"))
    lines = [line for line in out.splitlines() if "broken.png" in line]
    assert len(lines) == 1 and "not a readable image" in lines[0]
    assert "nothing loaded" in ask.asked[-1][1]


def test_other_file_asks_again_after_a_typo_and_takes_pasted_paths(tmp_path, menu_dir, tiny_model):
    spaced = tmp_path / "my dir"
    spaced.mkdir()
    (spaced / "x.png").write_bytes((menu_dir / "seven.png").read_bytes())
    missing = tmp_path / "nope.png"
    for pasted in (f"'{spaced}/x.png' ", f'"{spaced}/x.png"', str(spaced / "x.png").replace(" ", "\\ ")):
        answers = (sel("load"), sel("Other"), ("path", str(missing)), ("path", pasted), sel("exit"))
        _, out, ask = run(tmp_path, menu_dir, tiny_model, *answers)
        assert "does not exist" in out and "Type the path again" in " ".join(out.split())
        assert "Loaded x.png" in out and "loaded: x.png" in ask.asked[-1][1], pasted


def test_missing_menu_dir_is_created_and_empty_one_explained(tmp_path, tiny_model):
    folder = tmp_path / "new_menu_data"
    _, out, _ = run(tmp_path, folder, tiny_model, sel("load"), sel("Back"), sel("batch"), sel("exit"))
    assert folder.is_dir()
    assert "Created the folder" in out
    assert out.count("is empty: copy images") == 2


def test_model_error_is_one_line_and_menu_goes_on(tmp_path, menu_dir):
    _, out, _ = run(
        tmp_path, menu_dir, tmp_path / "missing.pt", sel("load"), sel("seven.png"), sel("recognize"), sel("exit")
    )
    flat = " ".join(out.split())
    assert flat.count("no model at") == 2 and "Traceback" not in out  # said at start, and again at Start
    assert "python -m training.train" in flat and "Bye." in out


def test_unexpected_error_in_an_option_is_one_line_and_menu_goes_on(tmp_path, menu_dir, tiny_model, monkeypatch):
    """A GUI toolkit surprise (a draw window killed from outside) must not end the menu."""
    from detector.app import draw, window

    class TclError(Exception):
        pass

    def torn_down(_predictor, _folder, on_save=None):
        raise TclError('can\'t invoke "destroy" command: application has been destroyed')

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(draw, "run_draw", torn_down)
    code, out, _ = run(tmp_path, menu_dir, tiny_model, sel("draw"), sel("explain"), sel("exit"))
    flat = " ".join(out.split())  # the console wraps long lines
    assert code == 0 and "Traceback" not in out
    assert "unexpected TclError: can't invoke" in flat and "the menu carries on" in flat
    assert "How it works" in out and "Bye." in out  # the next option ran


def test_debug_lets_unexpected_errors_raise(tmp_path, menu_dir, tiny_model, monkeypatch):
    from detector.app import draw, window

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(draw, "run_draw", lambda *_, **__: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_menu(Console(file=io.StringIO()), Scripted(sel("draw")), menu_dir, tmp_path / "o", tiny_model, debug=True)


def test_batch_table_accuracy_and_csv(tmp_path, menu_dir, tiny_model):
    before = snapshot(menu_dir)
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("batch"), sel("batch"), sel("exit"))
    saved = sorted((tmp_path / "outputs").glob("*.csv"))
    assert [p.name for p in saved] == ["menu_data-results-001.csv", "menu_data-results.csv"]
    lines = saved[1].read_text().splitlines()
    assert lines[0].startswith("file,row,number,confidence")
    assert len(lines) == 1 + 2 + 3  # header, two images, three CSV rows
    correct = sum(line.split(",")[6] == "1" for line in lines[1:])
    assert f"accuracy {correct}/3" in out
    assert snapshot(menu_dir) == before


def test_batch_ctrl_c_keeps_partial_table(tmp_path, menu_dir, tiny_model, monkeypatch):
    from detector.predict import Predictor

    real = Predictor.read_path

    def interrupted(self, path):
        if path.name == "two_blobs.png":
            raise KeyboardInterrupt
        yield from real(self, path)

    monkeypatch.setattr(Predictor, "read_path", interrupted)
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("batch"), sel("exit"))
    assert "stopped early" in out and "rows.csv" in out and "seven.png" in out
    saved = list((tmp_path / "outputs").glob("*.csv"))
    assert len(saved[0].read_text().splitlines()) == 1 + 3 + 1  # header, CSV rows, seven.png


def test_forty_columns_do_not_break_layout(tmp_path, menu_dir, tiny_model, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    answers = [sel("explain"), sel("load"), sel("rows.csv"), ("text", "0"), sel("recognize"), sel("display")]
    answers += [sel("batch"), sel("exit")]
    _, out, _ = run(tmp_path, menu_dir, tiny_model, *answers, width=40)
    assert max(len(line) for line in out.splitlines()) <= 40
    assert "Number:" in out and "Results" in out


def test_without_terminal_one_line_and_exit_2(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    out = io.StringIO()
    assert run_menu(Console(file=out, width=200)) == 2
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and "predict --help" in lines[0]


def test_importing_the_menu_loads_no_torch():
    heavy = "('torch', 'onnxruntime', 'detector.predict')"
    code = f"import sys, detector.app.menu; print(*(m in sys.modules for m in {heavy}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False", "False"]  # the model loads once the menu shows


def test_options_are_in_the_documented_order():
    titles = [t for t, _ in menu_module.OPTIONS]
    assert titles == [
        "Explain how it works",
        "Load image",
        "Start recognition",
        "Display selected image",
        "Draw a digit",
        "Recognize everything in menu_data",
        "Open in the browser",
        "Exit",
    ]


def test_the_cursor_follows_the_work(tmp_path, menu_dir, tiny_model):
    answers = [sel("recognize"), sel("explain"), sel("load"), sel("seven.png"), sel("explain"), sel("display")]
    _, _, ask = run(tmp_path, menu_dir, tiny_model, *answers, sel("exit"))
    main = [d for (kind, message), d in zip(ask.asked, ask.defaults, strict=False) if "Number Detector" in message]
    # start: Explain; after "nothing loaded yet": Load image; after Explain with nothing loaded: Load image;
    # after Load image: Start recognition; after Explain with something loaded: Start recognition.
    assert main[:5] == ["explain", "load", "load", "recognize", "recognize"]


def test_backing_out_is_the_same_at_every_prompt(tmp_path, menu_dir, tiny_model):
    """None is what the real prompts answer for Ctrl-C, Ctrl-D and Escape: back at every sub-prompt."""
    answers = [sel("load"), sel(None), sel("load"), sel("Other"), ("path", None), sel("load"), sel("rows.csv")]
    answers += [("text", None), sel(None)]
    code, out, ask = run(tmp_path, menu_dir, tiny_model, *answers)
    main = [message for _, message in ask.asked if message.startswith("Number Detector")]
    assert code == 0 and len(main) == 4 and out.rstrip().endswith("Bye.")  # back three times, then quit


def test_menu_names_the_real_folder_and_saves_the_table_after_it(tmp_path, tiny_model, menu_dir):
    photos = tmp_path / "holiday_photos"
    menu_dir.rename(photos)
    captured = {}

    class Peek(Scripted):
        def select(self, message, choices, default=None):
            captured.setdefault(message, choices)
            return super().select(message, choices, default)

    out = io.StringIO()
    run_menu(Console(file=out, width=100), Peek(sel("batch"), sel("exit")), photos, tmp_path / "outputs", tiny_model)
    titles = [t for t, _ in captured["Number Detector (nothing loaded)"]]
    assert "Recognize everything in holiday_photos" in titles
    assert [p.name for p in (tmp_path / "outputs").iterdir()] == ["holiday_photos-results.csv"]


def test_a_missing_nd_model_is_said_at_start(tmp_path, menu_dir, monkeypatch):
    missing = tmp_path / "gone.onnx"
    monkeypatch.setenv("ND_MODEL", str(missing))
    out = io.StringIO()
    ask = Scripted(sel("exit"))
    run_menu(Console(file=out, width=200), ask, menu_dir, tmp_path / "o")
    first = out.getvalue().splitlines()[0]
    assert first.startswith("ND_MODEL points to a missing file: ") and str(missing) in first


def test_fifty_columns_menu_lines_fit_and_cut_names_stay_distinct(tmp_path, menu_dir, tiny_model, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for n in (1534, 1535):
        (menu_dir / f"handwritten_note_on_shaded_paper_{n}.png").write_bytes((menu_dir / "seven.png").read_bytes())
    captured = {}

    class Peek(Scripted):
        def select(self, message, choices, default=None):
            captured.setdefault(message, (message, choices))
            return super().select(message, choices, default)

    answers = [sel("load"), sel("handwritten_note_on_shaded_paper_1534.png"), sel("recognize"), sel("batch")]
    ask = Peek(*answers, sel("exit"))
    out = io.StringIO()
    run_menu(Console(file=out, width=50), ask, menu_dir, tmp_path / "o", tiny_model)
    for message, choices in captured.values():
        assert len(message) <= 50 - 18 and all(len(t) <= 46 for t, _ in choices)  # with the pointer and hint
        titles = [t for t, _ in choices]
        assert len(set(titles)) == len(titles)  # cut names still tell the files apart
    assert any("1534" in t for t, _ in captured["Load which file?"][1])
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 50
    assert sum("1534" in line for line in lines) >= 1 and sum("1535" in line for line in lines) >= 1
