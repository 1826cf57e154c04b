"""The page in a real browser: headless Chromium from the system (apt), driven by Selenium.

The real server runs on a free port; the tests draw with pointer events, upload a photo,
walk the page with the keyboard and check a phone-sized window, and fail on any console
error. Screenshots go to $ND_SCREENSHOT_DIR (``ND_SCREENSHOT_DIR=docs make test-browser``
refreshes the README's) or to a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from detector.paths import MENU_DATA_DIR
from tests.conftest import number_photo

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SKIP_REASON = "chromium not installed: run make test-browser"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1200,900",
)  # fmt: skip

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(shipped_predictor, tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(SKIP_REASON)
    from detector.app.web.runner import BackgroundServer, bind
    from detector.app.web.server import create_app

    app = create_app(shipped_predictor, menu_dir=tmp_path_factory.mktemp("menu_data"))
    web = BackgroundServer(app, bind("127.0.0.1", 0)).start()
    yield web
    web.stop()


@pytest.fixture(scope="module")
def driver(server, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # A Service with the system chromedriver: Selenium Manager never looks for (or downloads) one.
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_window_size(1200, 900)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("ND_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def open_page(driver, server) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server.url)
    WebDriverWait(driver, 20).until(lambda d: d.find_element("id", "model").text.startswith("Model ndnet"))


def console_errors(driver) -> list[str]:
    """The console's errors since the last call (the log is drained)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def bar_values(driver) -> list[float]:
    return driver.execute_script("return [...document.querySelectorAll('#bars li')].map(li => +li.dataset.p)")


def wait_for_top(driver, digit: str, timeout: float = 20) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    top = "document.querySelector('#bars li.top')?.dataset.digit"
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return {top}") == digit)


def test_mouse_stroke_makes_the_1_bar_highest(driver, server, shots):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(driver, server)
    pad = driver.find_element("id", "pad")
    height = pad.size["height"]
    stroke = ActionChains(driver, duration=20).move_to_element_with_offset(pad, 0, -0.32 * height).click_and_hold()
    for _ in range(16):
        stroke.move_by_offset(0, 0.04 * height)  # a real drag: many small moves, bars update on the way
    stroke.release().perform()
    wait_for_top(driver, "1")
    values = bar_values(driver)
    assert max(range(10), key=values.__getitem__) == 1 and values[1] > 0.9
    assert "Looks like 1" in driver.find_element("id", "guess").text
    driver.save_screenshot(str(shots / "web-draw.png"))
    driver.find_element("id", "clear").click()
    assert max(bar_values(driver)) == 0
    assert console_errors(driver) == []


def test_photo_upload_shows_the_number_and_boxes(driver, server, shots, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(driver, server)
    picture = tmp_path / "house-170.jpg"
    picture.write_bytes(number_photo("170", (1200, 540)))
    driver.find_element("id", "pick").send_keys(str(picture))
    result = driver.find_element("id", "photo-result")
    WebDriverWait(driver, 30).until(lambda d: result.text.startswith("Number"))
    assert result.find_element("tag name", "strong").text == "170"
    assert "confidence" in result.text
    items = driver.find_elements("css selector", "#digit-list li")
    assert [li.text.split(": ")[1][0] for li in items] == ["1", "7", "0"]
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.getElementById('overlay').width") > 0)
    # The overlay is drawn: some of its pixels carry the box colour where the first box is.
    painted = driver.execute_script(
        "const c = document.getElementById('overlay'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
        "for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"
    )
    assert painted > 500
    # A shipped sample for the README's picture: white digits on a dark sign on a pale wall.
    driver.find_element("id", "pick").send_keys(str(MENU_DATA_DIR / "house_sign_7971.jpg"))
    WebDriverWait(driver, 30).until(lambda d: result.find_element("tag name", "strong").text == "7971")
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements("css selector", "#digit-list li")) == 4)
    card = driver.find_element("id", "photo-title").find_element("xpath", "..")
    driver.execute_script("arguments[0].scrollIntoView()", card)
    card.screenshot(str(shots / "web-photo.png"))
    assert console_errors(driver) == []


def test_refused_upload_says_why(driver, server, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(driver, server)
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture")
    driver.find_element("id", "pick").send_keys(str(notes))
    result = driver.find_element("id", "photo-result")
    WebDriverWait(driver, 20).until(lambda d: "not a readable image" in result.text)
    assert result.text.startswith("notes.png: notes.png is not a readable image")
    # The 415 answer itself is logged by Chromium as a failed resource; nothing else may be.
    assert all("415" in message for message in console_errors(driver))
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(bytes(21 * 1024 * 1024))
    driver.find_element("id", "pick").send_keys(str(huge))  # refused before it is sent
    WebDriverWait(driver, 20).until(lambda d: "20 MB limit" in result.text)
    assert result.text.startswith("huge.jpg: the picture is over the 20 MB limit")


def test_pointer_events_from_a_pen_and_time_to_first_bars(driver, server):
    """Dispatched PointerEvents (a pen) right after load; records navigation -> first bars."""
    open_page(driver, server)
    driver.execute_script(
        """
        const pad = document.getElementById('pad'), r = pad.getBoundingClientRect(), x = r.left + r.width / 2;
        const send = (type, f) => pad.dispatchEvent(new PointerEvent(type, {pointerId: 7, pointerType: 'pen',
            isPrimary: true, bubbles: true, cancelable: true, button: 0, buttons: 1, clientX: x,
            clientY: r.top + f * r.height}));
        window.strokeAt = performance.now();
        send('pointerdown', 0.18);
        for (let i = 1; i <= 16; i++) send('pointermove', 0.18 + i * 0.04);
        send('pointerup', 0.82);
        """
    )
    wait_for_top(driver, "1")
    timing = driver.execute_script(
        "const nav = performance.getEntriesByType('navigation')[0];"
        "return {first_bars_ms: performance.getEntriesByName('first-bars')[0].startTime,"
        " stroke_ms: window.strokeAt, load_ms: nav.loadEventEnd};"
    )
    print("time to first bars:", json.dumps(timing))  # shown with pytest -s
    assert timing["stroke_ms"] < timing["first_bars_ms"] < timing["stroke_ms"] + 10_000
    assert console_errors(driver) == []


def test_keyboard_reaches_every_control_with_a_visible_focus(driver, server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(driver, server)
    reached = []
    for _ in range(5):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        reached.append(driver.execute_script(
            "const a = document.activeElement, shown = a.matches('input') ? a.nextElementSibling : a;"
            "return [a.id, getComputedStyle(shown).outlineStyle]"
        ))  # fmt: skip
    assert reached == [[name, "solid"] for name in ("clear", "save", "invert", "pick", "camera")]


def test_phone_sized_window_a_finger_draws_a_0_with_the_bars_in_view(driver, server, shots):
    driver.set_window_size(390, 844)
    try:
        open_page(driver, server)
        driver.execute_script(
            """
            const pad = document.getElementById('pad'), r = pad.getBoundingClientRect();
            const send = (type, a) => pad.dispatchEvent(new PointerEvent(type, {pointerId: 3, pointerType: 'touch',
                isPrimary: true, bubbles: true, cancelable: true, button: 0, buttons: 1,
                clientX: r.left + r.width * (0.5 + 0.22 * Math.sin(a)),
                clientY: r.top + r.height * (0.5 - 0.32 * Math.cos(a))}));
            send('pointerdown', 0);
            for (let i = 1; i <= 40; i++) send('pointermove', i * Math.PI / 20);
            send('pointerup', 2 * Math.PI);
            """
        )
        wait_for_top(driver, "0")
        sizes = driver.execute_script(
            "const e = document.documentElement, bars = document.getElementById('bars').getBoundingClientRect();"
            "return [e.scrollWidth, e.clientWidth, document.getElementById('pad').getBoundingClientRect().width,"
            " bars.bottom, window.innerHeight]"
        )
        scroll_width, width, pad_width, bars_bottom, height = sizes
        assert scroll_width <= width and pad_width > 0.8 * width  # no sideways scroll; the pad fills the width
        driver.save_screenshot(str(shots / "web-phone.png"))
        assert bars_bottom <= height  # the bars stay in view while drawing
    finally:
        driver.set_window_size(1200, 900)
    assert console_errors(driver) == []


def test_chromium_is_the_systems():
    if not shutil.which("chromium"):
        pytest.skip(SKIP_REASON)
    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
