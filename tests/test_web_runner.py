"""Serving the page (detector.app.web.runner): addresses, the `serve` command and the menu's "Open in the browser"."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from rich.console import Console

from detector.app.web import runner
from detector.app.web.runner import BackgroundServer, ServeError, bind, exposure_warning, open_browser, page_url
from detector.paths import PROJECT_ROOT


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def refuses(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.URLError as err:
        return isinstance(err.reason, ConnectionRefusedError)
    return False


def test_a_port_in_use_is_one_line():
    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ServeError, match=rf"port {port} is in use .*--port {port + 1}"):
            bind("127.0.0.1", port)
    finally:
        taken.close()
    with pytest.raises(ServeError, match="not a port number"):
        bind("127.0.0.1", 70000)
    with pytest.raises(ServeError, match=re.escape("cannot serve on 'no.such.host.invalid'")):
        bind("no.such.host.invalid", 0)


@pytest.mark.parametrize(
    ("host", "url"),
    [("127.0.0.1", "http://127.0.0.1:8000/"), ("0.0.0.0", "http://127.0.0.1:8000/"), ("::", "http://[::1]:8000/"),
     ("localhost", "http://localhost:8000/"), ("192.168.1.5", "http://192.168.1.5:8000/")],
)  # fmt: skip
def test_page_url(host, url):
    assert page_url(host, 8000) == url


def test_warning_only_off_this_machine():
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    assert "all network interfaces" in exposure_warning("0.0.0.0")
    assert "192.168.1.5" in exposure_warning("192.168.1.5")


def test_no_browser_without_a_desktop(monkeypatch):
    import webbrowser

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("a text browser would take the terminal"))
    assert open_browser("http://127.0.0.1:8000/") is False


def test_a_failing_browser_is_no_error(monkeypatch):
    import webbrowser

    def broken(*_args, **_kwargs):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "open", broken)
    assert open_browser("http://127.0.0.1:8000/") is False


def test_background_server_serves_then_stops(shipped_predictor, tmp_path):
    from detector.app.web.server import create_app

    server = BackgroundServer(create_app(shipped_predictor, menu_dir=tmp_path), bind("127.0.0.1", 0)).start()
    try:
        assert server.running and get_json(server.url + "api/health")["model"] == "ndnet"
    finally:
        server.stop()
    assert not server.running and refuses(server.url + "api/health")


def serve(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.Popen(
        [sys.executable, "number_detector.py", "serve", *args], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_serve_command_on_all_interfaces_warns_serves_and_stops_on_ctrl_c():
    proc = serve("--host", "0.0.0.0", "--port", "0", "--open")
    try:
        line = proc.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert line.startswith("Serving the page at http://127.0.0.1:")
        assert get_json(url + "api/health")["accuracy"] > 0.99
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b"<canvas" in page.read()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "No browser here" in out
    assert "warning: serving on all network interfaces" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--model", "/nonexistent/m.pt"), "error: no model at"),
        (("--port", "-1"), "error: port -1 is not a port number"),
    ],
)
def test_serve_refusals_are_one_line(args, words):
    proc = serve("--port", "0", *args) if args[0] == "--model" else serve(*args)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and err.startswith(words) and err.count("\n") == 1


class Answers:
    """A prompt layer for the menu that answers the main prompt from a list."""

    def __init__(self, *choices: str) -> None:
        self.choices = list(choices)

    def select(self, _message, _choices, default=None):
        return self.choices.pop(0)


def test_menu_option_serves_once_and_stops_with_the_menu(tmp_path, tiny_model, monkeypatch):
    from detector.app.menu import OPTIONS, run_menu

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert [value for _, value in OPTIONS][-2:] == ["browser", "exit"]
    started = []
    real_start = runner.start_in_background

    def start(*args, **kwargs):
        started.append(real_start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(runner, "start_in_background", start)
    urls = []

    class Checking(Answers):
        def select(self, message, choices, default=None):
            if started:  # the page answers while the menu waits for the next choice
                urls.append(get_json(started[0].url + "api/health")["file"])
            return super().select(message, choices, default)

    out = io.StringIO()
    ask = Checking("browser", "browser", "exit")
    code = run_menu(Console(file=out, width=200), ask, tmp_path, tmp_path, tiny_model)
    assert code == 0 and len(started) == 1 and urls == [tiny_model.name, tiny_model.name]
    text = out.getvalue()
    assert text.count(f"The page is at {started[0].url} (open it in a browser") == 2
    assert refuses(started[0].url)


def test_busy_port_8000_falls_back_to_a_free_one(shipped_predictor, tmp_path):
    try:
        holder = socket.create_server(("127.0.0.1", 8000))
    except OSError:
        holder = None  # 8000 is busy already: the same case
    try:
        server = runner.start_in_background(shipped_predictor, tmp_path)
        try:
            assert not server.url.endswith(":8000/") and get_json(server.url + "api/health")["status"] == "ok"
        finally:
            server.stop()
    finally:
        if holder is not None:
            holder.close()


@pytest.mark.pty
@pytest.mark.slow
def test_menu_option_in_a_real_terminal(tmp_path, tiny_model):
    """The real menu in a pseudo-terminal: "Open in the browser" serves; leaving the menu stops the server."""
    pexpect = pytest.importorskip("pexpect")
    (tmp_path / "menu_data").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "NO_COLOR")}
    env.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", ND_MENU_DIR=str(tmp_path / "menu_data"))
    env.update(ND_OUTPUTS_DIR=str(tmp_path / "outputs"), ND_MODEL=str(tiny_model))
    child = pexpect.spawn(
        sys.executable, ["number_detector.py"], cwd=str(PROJECT_ROOT), env=env, dimensions=(40, 200), encoding="utf-8"
    )
    try:
        child.expect("Exit", timeout=30)
        child.send("\x1b[A" * 2 + "\r")  # up from Explain wraps to Exit, then Open in the browser
        child.expect(r"The page is at (http://127\.0\.0\.1:\d+/)", timeout=60)
        url = child.match.group(1)
        assert get_json(url + "api/health")["file"] == tiny_model.name
        child.expect("Exit", timeout=10)
        child.sendcontrol("c")  # Ctrl-C at the main menu leaves it, as Exit does
        child.expect(pexpect.EOF, timeout=30)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0 and "Traceback" not in child.before
    assert refuses(url + "api/health")
