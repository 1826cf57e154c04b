"""The web API (detector.app.web.server and .uploads) through Starlette's test client, with the shipped model."""

from __future__ import annotations

import io
import json
import re
import struct
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from starlette.testclient import TestClient

from detector.app.web.server import STATIC, create_app, model_facts
from detector.app.web.uploads import MAX_BODY, base_name
from tests.conftest import number_photo as photo
from tests.conftest import pad_drawing as drawing
from tests.conftest import snapshot


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def bomb_png(side: int = 30000) -> bytes:
    """A valid PNG header that claims side x side pixels (900 MP), with a few rows of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (side + 1) * 8)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def predictor(shipped_predictor):
    return shipped_predictor


@pytest.fixture
def client(predictor, tmp_path):
    with TestClient(create_app(predictor, menu_dir=tmp_path / "menu_data")) as c:
        yield c


def raw(client, data: bytes, content_type: str = "image/png"):
    return client.post("/api/predict", content=data, headers={"content-type": content_type})


@pytest.mark.parametrize("dark", [False, True], ids=["white-on-black", "black-on-white"])
@pytest.mark.parametrize("kind", ["1", "0"])
def test_drawn_digit_comes_out_on_top(client, kind, dark):
    reading = raw(client, drawing(kind, dark)).json()
    assert reading["number"] == kind
    probs = reading["digits"][0]["probabilities"]
    assert len(probs) == 10 and int(np.argmax(probs)) == int(kind)


def test_answer_is_the_predict_json_object(client, tmp_path, capsys):
    from detector.app.cli import main

    (tmp_path / "one.png").write_bytes(drawing("1"))
    assert main(["predict", "--json", str(tmp_path / "one.png")]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    answer = client.post("/api/predict", files={"file": ("one.png", drawing("1"), "image/png")}).json()
    assert answer == {**from_cli, "source": "one.png"}
    assert set(answer) == {"source", "row", "label", "number", "confidence", "digits", "error"}


def test_photo_returns_its_number_and_boxes(client):
    reading = client.post("/api/predict", files={"file": ("sign.jpg", photo("170"), "image/jpeg")}).json()
    assert reading["number"] == "170" and reading["source"] == "sign.jpg"
    xs = [d["box"][0] for d in reading["digits"]]
    assert xs == sorted(xs)
    for d, left in zip(reading["digits"], (200, 370, 600), strict=True):  # each box around its stroke
        x, y, w, h = d["box"]
        assert x - 10 <= left <= x + w + 10 and y >= 60 and y + h <= 340


def test_large_photo_boxes_are_in_the_file_pixels(client):
    """A 3600x1600 photo is decoded downscaled; its boxes still come back in the file's own pixels."""
    reading = raw(client, photo("10", (3600, 1600)), "image/jpeg").json()
    assert reading["number"] == "10"
    (x0, _, _, _), (x1, _, w1, _) = (d["box"] for d in reading["digits"])
    assert x0 > 700 and x1 + w1 > 1900


def test_blank_picture_is_an_answer_with_no_digits(client):
    reading = raw(client, png(Image.new("L", (280, 280), 0))).json()
    assert reading["number"] == "" and reading["digits"] == [] and reading["error"] is None


ERRORS = {
    "empty body": (b"", 400, "upload is empty (0 bytes)"),
    "text file": (b"this is not a picture\n", 415, "upload is not a readable image"),
    "truncated PNG": (png(Image.new("L", (200, 200), 128))[:60], 415, "upload is not a readable image"),
    "decompression bomb": (bomb_png(), 422, "upload is too large to decode safely"),
    "150 MP header": (bomb_png(12500), 422, "upload is 12500x12500 (156 MP), over the 150 MP limit"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_refusals_have_a_status_and_the_readers_message(client, case):
    data, status, words = ERRORS[case]
    response = raw(client, data)
    assert response.status_code == status
    message = response.json()["error"]
    assert message.startswith(words) and "\n" not in message


def test_refusal_messages_are_the_clis(client, tmp_path, capsys):
    from detector.app.cli import main

    (tmp_path / "notes.png").write_bytes(b"shopping list\n")
    main(["predict", "--json", str(tmp_path / "notes.png")])
    from_cli = json.loads(capsys.readouterr().out)["error"]
    response = client.post("/api/predict", files={"file": ("notes.png", b"shopping list\n", "text/plain")})
    assert response.status_code == 415 and response.json()["error"] == from_cli


def test_body_over_20_mb_refused_by_its_length(client):
    response = raw(client, b"\x89PNG" + bytes(25 * 1024 * 1024))
    assert response.status_code == 413 and "20 MB" in response.json()["error"]


def test_streamed_body_over_20_mb_refused_while_counting(client):
    """No Content-Length (chunked): the server counts and stops reading once past the limit."""

    def chunks():
        for _ in range(25):
            yield bytes(1024 * 1024)

    response = client.post("/api/predict", content=chunks(), headers={"content-type": "image/png"})
    assert response.status_code == 413 and "20 MB" in response.json()["error"]
    assert MAX_BODY == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"x=1", "multipart/form-data", "no boundary"),
        (b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n', "multipart/form-data; boundary=b",
         "holds no file"),
        (b"--b\r\nno header end", "multipart/form-data; boundary=b", "could not be read"),
    ],
    ids=["no boundary", "no file field", "damaged"],
)  # fmt: skip
def test_bad_forms_are_400(client, body, content_type, words):
    response = raw(client, body, content_type)
    assert response.status_code == 400 and words in response.json()["error"]


def test_source_is_the_base_name_never_a_path(client):
    response = client.post("/api/predict", files={"file": ("C:\\Users\\me/../pics/one.png", drawing("1"))})
    assert response.json()["source"] == "one.png"
    assert raw(client, drawing("1")).json()["source"] == "upload"
    assert base_name("..") == base_name("") == "upload" and base_name("a\x00b.png") == "ab.png"


def test_other_sites_cannot_post(client):
    refused = client.post("/api/save", content=drawing("1"), headers={"origin": "http://evil.example"})
    assert refused.status_code == 403 and "other web sites" in refused.json()["error"]
    same = raw(client, drawing("1"), "image/png")
    assert client.post("/api/predict", content=drawing("1"), headers={"origin": "http://testserver"}).json() == (
        same.json()
    )


def test_predict_writes_nothing(client, tmp_path, monkeypatch):
    """A 3 MB multipart photo is read in memory: no temporary file, nothing in menu_data/."""
    menu = tmp_path / "menu_data"
    menu.mkdir()
    before = snapshot(menu)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a temporary file was made")

    for name in ("SpooledTemporaryFile", "TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    big = photo("10", (4000, 3000))
    assert len(big) > 1024 * 1024
    response = client.post("/api/predict", files={"file": ("big.jpg", big, "image/jpeg")})
    assert response.status_code == 200 and response.json()["number"] == "10"
    assert snapshot(menu) == before


def test_save_stores_a_new_file_and_never_overwrites(client, tmp_path):
    menu = tmp_path / "menu_data"
    menu.mkdir()
    (menu / "drawing-001.png").write_bytes(b"the user's own file")
    answers = [client.post("/api/save", content=drawing(kind)) for kind in ("1", "0")]
    assert [a.status_code for a in answers] == [201, 201]
    names = [a.json()["name"] for a in answers]
    assert names == ["drawing-002.png", "drawing-003.png"]
    assert (menu / "drawing-001.png").read_bytes() == b"the user's own file"
    assert Path(answers[0].json()["saved"]) == menu / "drawing-002.png"
    saved = np.asarray(Image.open(menu / "drawing-002.png"))
    assert saved.shape == (280, 280) and saved[140, 140] == 255 and saved[140, 20] == 0


def test_save_refuses_what_is_not_a_picture(client, tmp_path):
    response = client.post("/api/save", content=b"not a picture")
    assert response.status_code == 415
    assert not (tmp_path / "menu_data").exists() or not list((tmp_path / "menu_data").iterdir())


def test_save_into_a_read_only_place_is_one_line(predictor, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("in the way")
    with TestClient(create_app(predictor, menu_dir=blocker / "menu_data")) as c:
        response = c.post("/api/save", content=drawing("1"))
    assert response.status_code == 500 and "cannot create folder" in response.json()["error"]


def test_health_names_the_model_and_its_accuracy(client):
    from detector.paths import MODELS_DIR

    health = client.get("/api/health").json()
    metrics = json.loads((MODELS_DIR / "metrics.json").read_text())
    config = metrics["model_config"]
    assert health["model"] == config["arch"] and health["version"] == config["version"]
    assert health["accuracy"] == metrics["test_accuracy"] and "10,000" in health["accuracy_on"]
    assert health["threshold"] == 0.9 and health["max_upload_bytes"] == MAX_BODY


def test_health_accuracy_only_for_the_model_it_describes(predictor, tmp_path):
    """metrics.json beside another model (other settings) is not reported as that model's accuracy."""
    from dataclasses import replace

    from detector.paths import MODELS_DIR

    metrics = json.loads((MODELS_DIR / "metrics.json").read_text())
    (tmp_path / "metrics.json").write_text(json.dumps(metrics))
    near = replace(predictor.config, temperature=predictor.config.temperature * (1 + 1e-8))
    other = replace(predictor.config, temperature=predictor.config.temperature * 1.5)
    facts = [model_facts(type("P", (), {"config": c})(), tmp_path / "m.pt")["accuracy"] for c in (near, other)]
    assert facts == [metrics["test_accuracy"], None]


def test_health_of_a_model_without_metrics(tiny_model):
    from detector.predict import Predictor

    with TestClient(create_app(Predictor.load(tiny_model), tiny_model)) as c:
        health = c.get("/api/health").json()
    assert health["file"] == tiny_model.name and health["accuracy"] is None and health["model"] == "ndnet"


def test_unknown_paths_and_methods_answer_json(client):
    assert client.get("/api/nothing").status_code == 404 and "error" in client.get("/api/nothing").json()
    assert client.get("/api/predict").status_code == 405


def test_page_and_its_files_are_local(client):
    page = client.get("/")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert src.startswith("/static/") and client.get(src).status_code == 200
    for path in STATIC.iterdir():
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", path.read_text()), path.name


class Counting:
    """A predictor wrapper that records how many readings run at once."""

    def __init__(self, predictor) -> None:
        self.predictor, self.active, self.most = predictor, 0, 0
        self.guard = threading.Lock()

    def read_loaded(self, loaded, source):
        with self.guard:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(0.002)
            return self.predictor.read_loaded(loaded, source)
        finally:
            with self.guard:
                self.active -= 1


@pytest.mark.slow
def test_fifty_concurrent_requests_all_answer_right(predictor, tmp_path):
    """50 threads post a "1" or a "0" at once to a real server; every answer is its own digit."""
    import urllib.request

    from detector.app.web.runner import BackgroundServer, bind

    counting = Counting(predictor)
    server = BackgroundServer(create_app(counting, menu_dir=tmp_path), bind("127.0.0.1", 0)).start()
    bodies = {kind: drawing(kind) for kind in "10"}

    def ask(i: int) -> tuple[str, str]:
        kind = "10"[i % 2]
        request = urllib.request.Request(server.url + "api/predict", data=bodies[kind], method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return kind, json.load(response)["number"]

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(ask, range(50)))
    finally:
        server.stop()
    assert [got for _, got in answers] == [kind for kind, _ in answers]
    assert counting.most == 1  # the model ran one request at a time
