"""The menu driven by scripted answers, rendered to a StringIO console."""

from __future__ import annotations

import io
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image
from rich.console import Console

from detector.app import menu as menu_module
from detector.app.loader import ModelLoader
from detector.app.menu import run_menu
from detector.app.menu_steps import parse_row
from detector.errors import ModelError
from detector.paths import PROJECT_ROOT
from tests.conftest import snapshot


class Scripted:
    """A prompt layer that answers from a list of (kind, answer) pairs and records the questions.

    A select answer may be a value or the start of a choice's title; EOFError as an
    answer simulates Ctrl-D, None simulates Ctrl-C.
    """

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    def _next(self, kind: str, message: str):
        self.asked.append((kind, message))
        assert self.answers, f"no scripted answer left for {kind}: {message!r}"
        want, answer = self.answers.pop(0)
        assert want == kind, f"expected a {want} prompt, got {kind}: {message!r}"
        if answer is EOFError:
            raise EOFError
        return answer

    def select(self, message, choices, default=None):
        answer = self._next("select", message)
        if answer is None:
            return None
        values = [v for _, v in choices]
        if answer in values:
            return answer
        matches = [v for title, v in choices if title.startswith(answer)]
        assert len(matches) == 1, f"{answer!r} is not one of {[t for t, _ in choices]}"
        return matches[0]

    def text(self, message):
        return self._next("text", message)

    def path(self, message):
        return self._next("path", message)


def sel(answer):
    return ("select", answer)


def run(tmp_path, menu_dir, model, *answers, width=100, **console_args):
    """Run the menu with scripted answers; return (exit code, output, prompts)."""
    out = io.StringIO()
    console = Console(file=out, width=width, **console_args)
    ask = Scripted(*answers)
    code = run_menu(console, ask, menu_dir, tmp_path / "outputs", model)
    assert not ask.answers, f"answers left over: {ask.answers}"
    return code, out.getvalue(), ask


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


def test_file_list_details_sizes_and_broken_images(tmp_path):
    from detector.app.menu_steps import file_choices, human_size

    assert [human_size(n) for n in (0, 296, 10_118, 3_565_158)] == ["0 B", "296 B", "10 KB", "3.4 MB"]
    (tmp_path / "fake.png").write_text("not a picture")
    Image.fromarray(np.zeros((40, 90), np.uint8)).save(tmp_path / "wide.png")
    titles = [t for t, _ in file_choices(sorted(tmp_path.iterdir()))]
    assert titles[0] == "fake.png  (13 B, not a readable image)"
    assert titles[1].startswith("wide.png  (90x40, ")


@pytest.mark.parametrize(
    "answers",
    [
        [sel(None)],  # Ctrl-C at the main menu quits
        [sel("load"), sel(None), sel("exit")],  # Ctrl-C in the file list goes back
        [sel("load"), sel("Other"), ("path", None), sel(None)],
        [sel("load"), sel("rows.csv"), ("text", None), sel("exit")],
        [sel("load"), sel("rows.csv"), ("text", ""), sel("exit")],
        [sel(EOFError)],  # Ctrl-D at the main menu
        [sel("load"), sel("rows.csv"), ("text", EOFError)],  # Ctrl-D in a sub-prompt leaves too
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


def test_other_file_that_does_not_exist(tmp_path, menu_dir, tiny_model):
    missing = tmp_path / "nope.png"
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("load"), sel("Other"), ("path", str(missing)), sel("exit"))
    assert "does not exist" in out


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
    assert "no model at" in out and "Traceback" not in out
    assert "Bye." in out


def test_display_without_a_display_saves_png_and_previews(tmp_path, menu_dir, tiny_model, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    before = snapshot(menu_dir)
    answers = (sel("load"), sel("two_blobs.png"), sel("display"), sel("exit"))
    _, out, _ = run(tmp_path, menu_dir, tiny_model, *answers, force_terminal=True, color_system="truecolor")
    saved = list((tmp_path / "outputs").glob("*.png"))
    assert len(saved) == 1 and saved[0].name == "two_blobs-annotated.png"
    assert "two_blobs-annotated.png" in out.replace("\n", "")
    assert "▀" in out and "Predicted:" in out
    assert snapshot(menu_dir) == before


def test_display_no_color_uses_characters(tmp_path, menu_dir, tiny_model, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    answers = (sel("load"), sel("seven.png"), sel("display"), sel("exit"))
    _, out, _ = run(tmp_path, menu_dir, tiny_model, *answers, force_terminal=True, no_color=True)
    assert "▀" not in out and "\x1b[38;" not in out
    assert "@" in out  # the bright stroke of the 7


def test_draw_without_a_display_says_so(tmp_path, menu_dir, tiny_model, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("draw"), sel("exit"))
    assert "Drawing needs a display" in out


def test_unexpected_error_in_an_option_is_one_line_and_menu_goes_on(tmp_path, menu_dir, tiny_model, monkeypatch):
    """A GUI toolkit surprise (a draw window killed from outside) must not end the menu."""
    from detector.app import draw, window

    class TclError(Exception):
        pass

    def torn_down(_predictor, _folder):
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
    monkeypatch.setattr(draw, "run_draw", lambda *_: 1 / 0)
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


def test_model_loader_loads_once_in_background(tiny_model):
    loader = ModelLoader(tiny_model)
    loader.start()
    deadline = time.monotonic() + 30
    while loader._predictor is None and time.monotonic() < deadline:  # loads without anyone asking
        time.sleep(0.05)
    first = loader._predictor
    assert first is not None and loader.get() is first and loader.get() is first
    assert first.read_array(np.zeros((28, 28), np.uint8)).digits == ()


def test_model_loader_keeps_the_error(tmp_path):
    loader = ModelLoader(tmp_path / "none.pt")
    loader.start()
    for _ in range(2):
        with pytest.raises(ModelError, match="no model at"):
            loader.get()


def test_parse_row_range():
    assert [parse_row(t, 3) for t in ("0", " 2 ", "3", "-1", "x", "1.5")] == [0, 2, None, None, None, None]


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


def test_display_with_a_display_opens_a_window(tmp_path, menu_dir, tiny_model, monkeypatch):
    from detector.app import window

    shown = []
    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(window, "show_window", lambda pixels, reading, scale: shown.append((pixels, reading, scale)))
    run(tmp_path, menu_dir, tiny_model, sel("load"), sel("two_blobs.png"), sel("display"), sel("exit"))
    pixels, reading, scale = shown[0]
    assert pixels.shape == (80, 160) and scale == 1.0 and reading.source.endswith("two_blobs.png")
    assert not (tmp_path / "outputs").exists()  # nothing saved when a window can open


def test_draw_with_a_display_reports_saved_drawings(tmp_path, menu_dir, tiny_model, monkeypatch):
    import matplotlib
    import matplotlib.pyplot

    matplotlib.use("Agg")
    from detector.app import draw, window

    def fake_window(predictor, save_dir):  # draws one stroke and presses Save, as a user would
        pad = draw.DrawPad(predictor, save_dir)
        pad.stroke((140, 60), (140, 220))
        pad.predict()
        pad.save()
        matplotlib.pyplot.close(pad.fig)
        return pad.saved

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(draw, "run_draw", fake_window)
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("draw"), sel("load"), sel("drawing-001.png"), sel("exit"))
    assert (menu_dir / "drawing-001.png").is_file()
    assert "drawing-001.png: load it with 'Load image'" in " ".join(out.split())
    assert "Loaded drawing-001.png" in out
