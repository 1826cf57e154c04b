"""Serving the page: binding the address, uvicorn in the foreground or in a background thread, the browser."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from detector.errors import DetectorError

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
ALL_INTERFACES = ("0.0.0.0", "::", "")


class ServeError(DetectorError):
    """The page cannot be served at the address asked for (port taken, unknown host)."""


def bind(host: str, port: int) -> socket.socket:
    """Return a socket listening on ``host``:``port`` (port 0: any free one); uvicorn accepts on it later.

    Listening at once means the address can be printed now: early connections wait in the queue.

    Raises:
        ServeError: The port is taken or out of range, or the host is not an address of this machine.
    """
    if not 0 <= port <= 65535:
        raise ServeError(f"port {port} is not a port number; choose one from 1024 to 65535")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as err:
        raise ServeError(
            f"cannot serve on {host!r}: {err.strerror}; use --host 127.0.0.1 or this machine's address"
        ) from err
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6 and host in ALL_INTERFACES:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # "::" takes IPv4 too
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} is in use (another server?); choose another with --port {port + 1}") from err
        raise ServeError(f"cannot serve on {host}:{port}: {err.strerror}; try --host 127.0.0.1") from err
    sock.listen(128)
    return sock


def page_url(host: str, port: int) -> str:
    """The address to open on this machine (all interfaces: its loopback address)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def exposure_warning(host: str) -> str | None:
    """A one-line warning when the page is reachable from other machines; None on loopback."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    where = "all network interfaces" if host in ALL_INTERFACES else host
    return (
        f"serving on {where}: anyone who can reach this machine can use the page and save drawings "
        "into menu_data/; use --host 127.0.0.1 to keep it to this machine"
    )


def open_browser(url: str) -> bool:
    """Open ``url`` in a desktop browser; False (and nothing opened) when there is none.

    Without a desktop session Python's ``webbrowser`` would start a text browser in this
    terminal, on top of the menu, so it is not asked at all.
    """
    if sys.platform not in ("darwin", "win32") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    import webbrowser

    try:
        return bool(webbrowser.open(url, new=2))
    except (webbrowser.Error, OSError):
        return False


def _server(app, log_level: str):
    import uvicorn

    # h11 and no websockets: pure-Python, the same on every platform; no lifespan events are used.
    config = uvicorn.Config(app, log_level=log_level, http="h11", ws="none", lifespan="off", server_header=False)
    return uvicorn.Server(config)


def serve_forever(app, sock: socket.socket, when_started: Callable[[], None] | None = None) -> None:
    """Run uvicorn on ``sock`` in this thread until Ctrl-C (uvicorn handles the signal and drains requests)."""
    server = _server(app, "info")
    if when_started is not None:
        threading.Thread(target=_after_start, args=(server, when_started), daemon=True).start()
    server.run(sockets=[sock])


def _after_start(server, action: Callable[[], None], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if server.started:
        action()


class BackgroundServer:
    """The page served from a daemon thread (the menu's "Open in the browser"); ``stop`` ends it.

    Args:
        app: The Starlette app.
        sock: A bound socket (see :func:`bind`).
        host: The host it was bound for, to build the URL.
    """

    def __init__(self, app, sock: socket.socket, host: str = DEFAULT_HOST) -> None:
        self.server = _server(app, "warning")
        self.url = page_url(host, sock.getsockname()[1])
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, name="web", daemon=True)

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        """Start serving and wait until requests are answered.

        Raises:
            ServeError: The server did not start within ``timeout`` seconds.
        """
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            self.stop()
            raise ServeError("the web server did not start; run `python number_detector.py serve` to see why")
        return self

    @property
    def running(self) -> bool:
        """True while the server thread is serving."""
        return self.thread.is_alive() and not self.server.should_exit

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving (open connections get ``timeout`` seconds to finish)."""
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout)


def start_in_background(predictor, menu_dir: Path, model_path: Path | None = None) -> BackgroundServer:
    """Serve the page for ``predictor`` on 127.0.0.1, port 8000 or (when taken) any free port.

    Raises:
        ServeError: No port could be bound or the server did not start.
    """
    from detector.app.web.server import create_app

    try:
        sock = bind(DEFAULT_HOST, DEFAULT_PORT)
    except ServeError:
        sock = bind(DEFAULT_HOST, 0)
    return BackgroundServer(create_app(predictor, model_path, menu_dir), sock).start()
