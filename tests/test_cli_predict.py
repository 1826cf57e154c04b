"""`predict` end to end, as a script would run it, on the shipped samples."""

import json
import subprocess
import sys

from detector.paths import MENU_DATA_DIR, PROJECT_ROOT
from tests.helpers import needs_shipped_model

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
        assert len(d["probabilities"]) == 10 and abs(sum(d["probabilities"]) - 1) < 1e-2
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
