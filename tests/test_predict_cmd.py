"""The `predict` command (detector.app.cli, detector.app.predict_cmd), run as a script would run it: the shipped
samples read right, text and JSON output, usage and exit codes; and hostile inputs, one JSON error line each,
exit 1, the rest still read, no traceback."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from detector.app import cli
from detector.config import ModelConfig
from detector.paths import MENU_DATA_DIR, PROJECT_ROOT
from tests.helpers import BAD_FILES, Payload, needs_shipped_model, seven

KEYS = {"source", "row", "label", "number", "confidence", "unsure", "digits", "error"}


DIGIT_KEYS = {"digit", "confidence", "unsure", "box", "probabilities"}


def run(*args, cwd=PROJECT_ROOT):
    proc = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "number_detector.py"), *args], capture_output=True, text=True, cwd=cwd
    )
    return proc.returncode, proc.stdout, proc.stderr


@needs_shipped_model
def test_predict_json_reads_every_sample_right():
    code, out, err = run("predict", "--json", str(MENU_DATA_DIR))
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines and all(set(obj) == KEYS for obj in lines)
    for obj in lines:
        assert obj["error"] is None
        name = obj["source"].rsplit("/", 1)[-1]
        expected = str(obj["label"]) if obj["row"] is not None else name.rsplit("_", 1)[-1].split(".")[0]
        assert obj["number"] == expected, obj["source"]
        d = obj["digits"][0]
        assert set(d) == DIGIT_KEYS and d["unsure"] == (d["confidence"] < 0.9)
        assert obj["unsure"] == any(x["unsure"] for x in obj["digits"]) and obj["confidence"] < 1
        # the ten digits' share: 1 with a 10-class model, less by "not a digit" with an 11-class one
        assert len(d["probabilities"]) == 10 and 0 < sum(d["probabilities"]) <= 1 + 1e-2
        assert max(d["probabilities"]) == pytest.approx(d["confidence"], abs=1e-4)
        assert len(d["box"]) == 4 and 0 < obj["confidence"] <= 1
    csv_rows = [o["row"] for o in lines if o["row"] is not None]
    assert csv_rows == list(range(len(csv_rows))) and csv_rows


@needs_shipped_model
def test_text_mode_is_tab_separated_and_errors_go_to_stderr(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_text("not an image")
    code, out, err = run("predict", str(MENU_DATA_DIR / "mnist_7.png"), str(bad), str(MENU_DATA_DIR / "mnist_3.png"))
    assert code == 1 and "Traceback" not in out + err
    lines = out.splitlines()
    assert len(lines) == 2  # the failure is not on stdout
    for line, digit in zip(lines, "73", strict=True):
        source, row, number, confidence, unsure, digits, label = line.split("\t")
        assert source.endswith(f"mnist_{digit}.png") and row == "-" and number == digit and label == "-"
        assert confidence.endswith("%") and confidence != "100.0%" and unsure in ("0", "1")
        assert digits == f"{digit}:{confidence}"
    assert err.count("\n") == 1 and err.startswith("error: ") and "broken.png" in err


def test_usage_error_exit_code_2():
    code, _, err = run("predict")
    assert code == 2 and "INPUT" in err


def test_usage_error_in_predict_shows_predicts_own_usage():
    code, _, err = run("predict", "--bogus", "x.png")
    assert code == 2 and err.startswith("usage: number_detector.py predict ") and "--bogus" in err


def test_version():
    from detector import __version__

    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"number_detector.py {__version__}"


def test_help_documents_json_keys_text_fields_and_exit_codes():
    code, out, _ = run("predict", "--help")
    assert code == 0
    for word in [*KEYS, *DIGIT_KEYS, "--json", "annotated", "--recursive", "--quiet", "--overwrite", "tab-separated"]:
        assert word in out
    assert "source  row  number  confidence  unsure  digits  label" in out
    assert "Exit status" in out and "3 when the model" in out


def test_missing_model_is_one_line_with_how_to_train(tmp_path):
    code, _out, err = run("predict", "--model", str(tmp_path / "none.onnx"), str(MENU_DATA_DIR))
    assert code == 3 and "training.train" in err and len(err.strip().splitlines()) == 1


# ---- hostile inputs --------------------------------------------------------------------------------------------


def predict(*args, stdin=None):
    cmd = [sys.executable, str(PROJECT_ROOT / "number_detector.py"), "predict", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, input=stdin, cwd=PROJECT_ROOT)
    return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


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
    assert code == 1 and "Traceback" not in err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(cases) + 1
    said = err.splitlines()
    assert len(said) == len(cases)  # each error also as one line on stderr, for people watching a script
    for obj, (path, words), line in zip(lines, cases, said, strict=False):
        assert obj["error"] is not None and words in obj["error"], (path.name, obj["error"])
        assert "\n" not in obj["error"] and line.startswith("error: ") and line.endswith(obj["error"])
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
    assert code == 3 and out == "" and "Traceback" not in err
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

    def explode(self, path):
        raise RuntimeError("something nobody foresaw")
        yield

    seven().save(tmp_path / "s.png")
    monkeypatch.setattr(Predictor, "read_path", explode)
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


def test_stdin_reads_one_picture(tiny_model, tmp_path):
    seven().save(tmp_path / "s.png")
    code, out, err = predict("--json", "--model", tiny_model, "-", stdin=(tmp_path / "s.png").read_bytes())
    obj = json.loads(out)
    assert code == 0 and obj["source"] == "-" and obj["error"] is None and len(obj["digits"]) == 1, err
    code, out, err = predict("--model", tiny_model, "-", stdin=b"")
    assert code == 1 and out == "" and "stdin is empty" in err


def test_recursive_walks_subfolders_and_without_it_says_so(tiny_model, tmp_path):
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    for name in ("a/one.png", "a/deeper/two.png", "b/three.png"):
        seven().save(tmp_path / name)
    code, out, err = predict("--model", tiny_model, tmp_path)
    assert code == 1 and out == "" and "3 in subfolders; add --recursive" in err
    code, out, _ = predict("--model", tiny_model, "--recursive", tmp_path)
    names = [line.split("\t")[0].removeprefix(str(tmp_path) + "/") for line in out.splitlines()]
    assert code == 0 and names == ["a/one.png", "a/deeper/two.png", "b/three.png"]


def test_quiet_keeps_stderr_empty_but_the_exit_status_tells(tiny_model, tmp_path):
    (tmp_path / "bad.png").write_text("no")
    code, out, err = predict("--quiet", "--model", tiny_model, tmp_path / "bad.png")
    assert code == 1 and out == "" and err == ""


def test_annotate_reports_where_each_picture_went_and_overwrite_replaces(tiny_model, tmp_path):
    seven().save(tmp_path / "s.png")
    folder = tmp_path / "ann"
    _, first, _ = predict("--model", tiny_model, "--annotate", folder, tmp_path / "s.png")
    _, second, _ = predict("--json", "--model", tiny_model, "--annotate", folder, tmp_path / "s.png")
    _, third, _ = predict("--json", "--model", tiny_model, "--annotate", folder, "--overwrite", tmp_path / "s.png")
    assert first.rstrip("\n").split("\t")[7] == str(folder / "s-annotated.png")
    assert json.loads(second)["annotated"] == str(folder / "s-annotated-001.png")
    assert json.loads(third)["annotated"] == str(folder / "s-annotated.png")
    assert sorted(p.name for p in folder.iterdir()) == ["s-annotated-001.png", "s-annotated.png"]


def test_progress_line_on_a_terminal_only():
    import io

    from detector.app.predict_cmd import Progress

    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

    clock, err = Clock(), io.StringIO()
    progress = Progress(err, 1000, clock=clock)
    for _ in range(500):
        clock.now += 0.004  # 250 readings a second
        progress.advance()
    assert progress.line() == "500/1,000 read  250/s  about 2 s left"
    progress.message("error: x.png: broken")
    progress.done()
    text = err.getvalue()
    assert "\r\x1b[K" in text and "error: x.png: broken\n" in text and text.endswith("\r\x1b[K")
    args = cli.build_parser().parse_args(["predict", "x.png"])
    from detector.app.predict_cmd import _wants_progress

    assert not _wants_progress(args, io.StringIO())  # a pipe or file: silent
