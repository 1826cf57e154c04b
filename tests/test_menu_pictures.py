"""The menu's Display and Draw options, driven by scripted answers: without a display (a saved PNG and a
terminal preview) and with one (the window, the draw pad, a window killed from outside, the drawings' names).

The rest of the menu is in test_menu.py; the split keeps both files near 300 lines.
"""

from __future__ import annotations

import json

from tests.helpers import run, sel, snapshot


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


def test_display_with_a_display_opens_a_window_and_says_the_menu_waits(tmp_path, menu_dir, tiny_model, monkeypatch):
    from detector.app import window

    seen = tmp_path / "seen.json"

    def fake_window(pixels, reading, scale):  # runs in the window's child process: leaves a note
        seen.write_text(json.dumps([list(pixels.shape), reading.source, scale]))

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(window, "show_window", fake_window)
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("load"), sel("two_blobs.png"), sel("display"), sel("exit"))
    shape, source, scale = json.loads(seen.read_text())
    assert shape == [80, 160] and scale == 1.0 and source.endswith("two_blobs.png")
    assert "the menu waits until you close it" in " ".join(out.split())
    assert not (tmp_path / "outputs").exists()  # nothing saved when a window can open


def test_a_window_killed_from_outside_is_one_line_and_the_menu_goes_on(tmp_path, menu_dir, tiny_model, monkeypatch):
    import os

    from detector.app import window

    def killed(pixels, reading, scale):  # what Tk does when xkill breaks its X connection
        os.write(2, b"X connection to :99 broken (explicit kill or server shutdown).\n")
        os._exit(1)

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(window, "show_window", killed)
    answers = (sel("load"), sel("seven.png"), sel("display"), sel("explain"), sel("exit"))
    code, out, _ = run(tmp_path, menu_dir, tiny_model, *answers)
    flat = " ".join(out.split())
    assert code == 0 and "The window was closed from outside (X connection to :99 broken)" in flat
    assert "the menu carries on" in flat and "How it works" in out


def test_draw_with_a_display_reports_saved_drawings(tmp_path, menu_dir, tiny_model, monkeypatch):
    import matplotlib
    import matplotlib.pyplot

    matplotlib.use("Agg")
    from detector.app import draw, window

    def fake_window(predictor, save_dir, on_save):  # draws one stroke and presses Save, as a user would
        pad = draw.DrawPad(predictor, save_dir, on_save=on_save)
        pad.stroke((140, 60), (140, 220))
        pad.predict()
        pad.save()
        matplotlib.pyplot.close(pad.fig)
        return pad.saved

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(draw, "run_draw", fake_window)
    _, out, ask = run(tmp_path, menu_dir, tiny_model, sel("draw"), sel("Load it as it is"), sel("exit"))
    assert (menu_dir / "drawing-001.png").is_file()
    assert "Saved" in out and "drawing-001.png" in out
    assert "Loaded drawing-001.png" in out and ask.defaults[-1] == "recognize"


def test_saved_drawing_is_named_after_its_digit_only_when_confirmed(tmp_path, menu_dir, tiny_model, monkeypatch):
    from detector.app import draw, window

    def fake_window(predictor, save_dir, on_save):  # a user saves one drawing that reads as 4
        path = save_dir / "drawing-001.png"
        path.write_bytes((menu_dir / "seven.png").read_bytes())
        on_save((path, "4"))
        return [path]

    monkeypatch.setattr(window, "has_display", lambda: True)
    monkeypatch.setattr(draw, "run_draw", fake_window)
    _, out, ask = run(tmp_path, menu_dir, tiny_model, sel("draw"), sel("Back"), sel("exit"))
    assert (menu_dir / "drawing-001.png").is_file() and "Loaded" not in out
    assert ask.defaults[1] == "named"  # the cursor offers the confirmation first
    (menu_dir / "drawing-001.png").unlink()
    _, out, _ = run(tmp_path, menu_dir, tiny_model, sel("draw"), sel("Load it as a 4"), sel("exit"))
    assert (menu_dir / "drawing-001_4.png").is_file() and not (menu_dir / "drawing-001.png").exists()
    assert "Loaded drawing-001_4.png" in out
