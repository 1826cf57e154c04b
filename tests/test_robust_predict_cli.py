"""`predict` on hostile inputs: one JSON error line each, exit 1, the rest still read, no traceback."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from test_robust_files import BAD_FILES, seven
from test_robust_model import Payload

from detector.app import cli
from detector.config import ModelConfig
from detector.paths import PROJECT_ROOT


def predict(*args, stdin=None):
    cmd = [sys.executable, str(PROJECT_ROOT / "number_detector.py"), "predict", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, errors="replace")
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A folder of bad inputs, in the order they are passed, each with words its error must hold."""
    d = tmp_path_factory.mktemp("hostile")
    cases = []
    for name, (data, words) in sorted(BAD_FILES.items()):
        (d / name).write_bytes(data)
        cases.append((d / name, words))
    os.symlink(d / "nowhere.png", d / "broken.png")
    cases.append((d / "broken.png", "broken link"))
    cases.append((d / "deleted.png", "does not exist"))
    cases.append((d / ("a" * 300 + ".png"), "longer than the system allows"))
    (d / "rows.csv").write_text("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n1,2,3\n")  # a short row
    cases.append((d / "rows.csv", "row 0 has 3 cells, expected 785"))
    (d / "empty.csv").write_bytes(b"")
    cases.append((d / "empty.csv", "empty (0 bytes)"))
    return d, cases


def test_every_bad_input_is_one_json_error_and_the_good_one_is_read(tiny_model, hostile):
    folder, cases = hostile
    good = folder / os.fsdecode(b"good-\xff.png")
    seven().save(good)
    code, out, err = predict("--json", "--model", tiny_model, *[p for p, _ in cases], good)
    assert code == 1 and "Traceback" not in err and err == ""
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(cases) + 1
    for obj, (path, words) in zip(lines, cases, strict=False):
        assert obj["error"] is not None and words in obj["error"], (path.name, obj["error"])
        assert "\n" not in obj["error"]
    assert lines[-1]["error"] is None and len(lines[-1]["digits"]) == 1  # read after all the failures


def test_unreadable_file_in_process(tiny_model, tmp_path, monkeypatch, capsys):
    import builtins

    path = tmp_path / "locked.png"
    seven().save(path)
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    if os.geteuid() == 0:  # root reads anything: simulate the refusal at open()
        monkeypatch.setattr(builtins, "open", refusing_open)
    else:
        path.chmod(0)
    assert cli.main(["predict", "--json", "--model", str(tiny_model), str(path)]) == 1
    obj = json.loads(capsys.readouterr().out)
    assert obj["error"] == "no permission to read locked.png; fix its permissions (chmod +r)"


@pytest.mark.parametrize(
    ("make", "words"),
    [(lambda d: d / "none.onnx", "python -m training.train"),
     (lambda d: _write(d / "cut.onnx", b"\x08\x07\x12"), "damaged"),
     (lambda d: _evil(d), "is a training checkpoint; recognition reads .onnx models")],
)  # fmt: skip
def test_bad_model_is_one_line_on_stderr(tmp_path, make, words):
    image = tmp_path / "d.png"
    seven().save(image)
    code, out, err = predict("--json", "--model", make(tmp_path), image)
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1
    assert not (tmp_path / "pwned.txt").exists()


def _write(path, data):
    path.write_bytes(data)
    return path


def _evil(d):
    import torch

    torch.save({"config": ModelConfig().to_dict(), "state_dict": Payload(d / "pwned.txt")}, d / "evil.pt")
    return d / "evil.pt"


def test_unexpected_error_is_one_line_not_a_traceback(tiny_model, tmp_path, monkeypatch, capsys):
    from detector.predict import Predictor

    def explode(self, inputs):
        raise RuntimeError("something nobody foresaw")
        yield

    monkeypatch.setattr(Predictor, "read_inputs", explode)
    assert cli.main(["predict", "--model", str(tiny_model), str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == "error: unexpected RuntimeError: something nobody foresaw (run with --debug for details)\n"
    with pytest.raises(RuntimeError):  # --debug shows the real error
        cli.main(["--debug", "predict", "--model", str(tiny_model), str(tmp_path)])


@pytest.mark.slow
def test_big_csv_results_stream_before_the_file_is_done(tiny_model, tmp_path):
    rows = np.zeros((100_000, 785), np.uint8)
    rows[:, 1 + 12 * 28 : 1 + 16 * 28] = 200
    path = tmp_path / "big.csv"
    with path.open("w") as fh:
        line = ",".join(map(str, rows[0])) + "\n"
        fh.writelines(line for _ in range(len(rows)))
    cmd = [sys.executable, str(PROJECT_ROOT / "number_detector.py"), "predict", "--json", "--model", str(tiny_model)]
    proc = subprocess.Popen([*cmd, str(path)], stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    try:
        first = json.loads(proc.stdout.readline())
        still_running = proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
    assert first["row"] == 0 and first["error"] is None
    assert still_running  # the first result came out while 95,000+ rows were still unread


def test_animated_and_odd_images_read_through_predict(tiny_model, tmp_path):
    frames = [Image.new("L", (60, 60), 255), Image.new("L", (60, 60), 0)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    Image.new("L", (1, 1)).save(tmp_path / "dot.png")
    Image.new("L", (1, 10000), 255).save(tmp_path / "thin.png")
    Image.fromarray(np.full((40, 40), 30000, np.uint16)).save(tmp_path / "deep.png")
    Image.new("CMYK", (40, 40)).save(tmp_path / "cmyk.jpg")
    code, out, err = predict("--json", "--model", tiny_model, tmp_path)
    assert code == 0 and "Traceback" not in err
    assert [json.loads(line)["error"] for line in out.splitlines()] == [None] * 5
