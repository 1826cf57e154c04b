"""Evaluation: progress in chunks, the confusion matrix, and never overwriting an earlier result."""

import numpy as np
import pytest

from detector.checkpoint import load_checkpoint
from tests.conftest import digit_picture
from training import evaluate
from training.config import DATA_DIR


def test_evaluate_raw_reports_progress_and_counts_every_image(tiny_checkpoint, monkeypatch):
    monkeypatch.setattr(evaluate, "CHUNK", 10)
    model, config, _meta = load_checkpoint(tiny_checkpoint)
    raw = np.stack([digit_picture()] * 25)
    labels = np.full(25, 7)
    ticks = []
    result = evaluate.evaluate_raw(model, config, raw, labels, ticks.append)
    assert ticks == [10, 10, 5]
    matrix = np.array(result["confusion"])
    assert matrix.sum() == 25 and matrix[7].sum() == 25 and 0 <= result["inverted_accuracy"] <= 1
    assert result["accuracy"] == matrix[7, 7] / 25


@pytest.mark.mnist
def test_a_second_evaluation_gets_a_new_name(tmp_path, tiny_checkpoint):
    if not (DATA_DIR / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").exists():
        pytest.skip("MNIST not in ../shared/data")
    args = ["--model", str(tiny_checkpoint), "--limit", "30", "--out", str(tmp_path / "cm.png")]
    assert evaluate.main(args) == 0
    first = (tmp_path / "cm.png").read_bytes()
    assert evaluate.main(args) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cm-001.png", "cm.png"]
    assert (tmp_path / "cm.png").read_bytes() == first


def test_missing_model_is_one_line(tmp_path, capsys):
    assert evaluate.main(["--model", str(tmp_path / "none.pt"), "--out", str(tmp_path / "cm.png")]) == 1
    out = capsys.readouterr().out
    assert "none.pt" in out and "Traceback" not in out and not (tmp_path / "cm.png").exists()
