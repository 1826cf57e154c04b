"""The matplotlib window's process (detector.app.window): whether there is a display, and a window process that
dies."""

from detector.app import window


def test_has_display_follows_the_environment(monkeypatch):
    monkeypatch.setattr(window.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert window.has_display() is False


def test_a_window_process_that_dies_is_reported_and_what_it_sent_is_kept():
    import os

    def saves_then_dies(send, name):
        send(name)
        os.write(2, b"X connection to :99 broken (explicit kill or server shutdown).\n")
        os._exit(1)

    result = window.run_apart(saves_then_dies, "drawing-001.png")
    assert result.sent == ["drawing-001.png"] and result.value is None
    assert result.died == "The window was closed from outside (X connection to :99 broken)"
    fine = window.run_apart(lambda send, n: n * 2, 21)
    assert fine.value == 42 and fine.died is None
