"""`predict` end to end, as a script would run it, on the shipped samples."""

import json
import subprocess
import sys

import pytest

from detector.paths import DEFAULT_MODEL, MENU_DATA_DIR, PROJECT_ROOT

KEYS = {"source", "row", "label", "number", "confidence", "digits", "error"}
needs_model = pytest.mark.skipif(not DEFAULT_MODEL.exists(), reason="models/number_detector.pt not trained yet")


def run(*args, cwd=PROJECT_ROOT):
    proc = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "number_detector.py"), *args], capture_output=True, text=True, cwd=cwd
    )
    return proc.returncode, proc.stdout, proc.stderr


@needs_model
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
        assert len(d["probabilities"]) == 10 and abs(sum(d["probabilities"]) - 1) < 1e-2
        assert len(d["box"]) == 4 and 0 < obj["confidence"] <= 1
    csv_rows = [o["row"] for o in lines if o["row"] is not None]
    assert csv_rows == list(range(len(csv_rows))) and csv_rows


@needs_model
def test_text_mode_and_failure_exit_code(tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_text("not an image")
    code, out, _ = run("predict", str(MENU_DATA_DIR / "mnist_7.png"), str(bad))
    assert code == 1
    first, second = out.splitlines()
    assert first.endswith("mnist_7.png  7  conf " + first.split("conf ")[1]) and " 7 " in first
    assert "broken.png" in second and "error" in second and "Traceback" not in out


def test_usage_error_exit_code_2():
    code, _, err = run("predict")
    assert code == 2 and "INPUT" in err


def test_help_documents_json_keys_and_exit_codes():
    code, out, _ = run("predict", "--help")
    assert code == 0
    for word in ["--json", "source", "row", "label", "number", "confidence", "digits", "probabilities", "error"]:
        assert word in out
    assert "Exit status" in out


def test_missing_model_is_one_line_with_how_to_train(tmp_path):
    code, _out, err = run("predict", "--model", str(tmp_path / "none.onnx"), str(MENU_DATA_DIR))
    assert code == 1 and "training.train" in err and len(err.strip().splitlines()) == 1
