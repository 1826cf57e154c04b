"""Confidence calibration: the fitted temperature, checked against brute force and torch."""

import numpy as np
import torch
import torch.nn.functional as F

from detector.checkpoint import load_checkpoint, save_checkpoint
from detector.config import ModelConfig
from detector.model import DigitNet
from detector.predict import Predictor
from training.calibrate import expected_calibration_error, fit_temperature, nll, softmax
from training.export import export_model


def timid_logits(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits of a model that is right about 90 % of the time but scaled far too flat."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    logits = rng.normal(0, 1, (n, 10))
    right = rng.random(n) < 0.9
    logits[np.arange(n), np.where(right, labels, (labels + 1) % 10)] += 4.0
    return logits / 5.0, labels  # divided by 5: far too timid


def test_nll_matches_torch_cross_entropy():
    logits, labels = timid_logits(300)
    want = F.cross_entropy(torch.from_numpy(logits / 0.7), torch.from_numpy(labels)).item()
    assert abs(nll(logits, labels, 0.7) - want) < 1e-9


def test_fitted_temperature_is_the_brute_force_minimum():
    logits, labels = timid_logits()
    t = fit_temperature(logits, labels)
    grid = np.exp(np.linspace(np.log(0.05), np.log(10), 4001))
    best = grid[np.argmin([nll(logits, labels, g) for g in grid])]
    assert abs(np.log(t) - np.log(best)) < 0.01
    assert t < 0.5  # timid logits get sharpened


def test_calibration_shrinks_the_confidence_gap_and_keeps_predictions():
    logits, labels = timid_logits()
    t = fit_temperature(logits, labels)
    before, after = softmax(logits), softmax(logits, t)
    assert (before.argmax(1) == after.argmax(1)).all()
    assert expected_calibration_error(after, labels) < expected_calibration_error(before, labels) / 3


def test_predictor_applies_the_checkpoint_temperature(tmp_path):
    torch.manual_seed(0)
    model = DigitNet(ModelConfig()).eval()
    export_model(model, ModelConfig(), tmp_path / "t1.onnx")
    sharp_path = save_checkpoint(tmp_path / "t05.pt", model, ModelConfig(temperature=0.5))
    sharp_model, sharp_config, _ = load_checkpoint(sharp_path)
    assert sharp_config.temperature == 0.5
    export_model(sharp_model, sharp_config, tmp_path / "t05.onnx")
    plain, sharp = Predictor.load(tmp_path / "t1.onnx"), Predictor.load(tmp_path / "t05.onnx")
    x = np.random.default_rng(1).random((4, 28, 28), dtype=np.float32)
    p1, p2 = plain.probabilities(x), sharp.probabilities(x)
    assert (p1.argmax(1) == p2.argmax(1)).all()
    want = p1.astype(np.float64) ** 2 / (p1.astype(np.float64) ** 2).sum(1, keepdims=True)  # T=0.5 squares
    assert np.allclose(p2, want, atol=1e-4)


def test_the_cli_calibrates_on_the_runs_own_validation_split(tmp_path):
    import json

    from training.calibrate import _run_config

    saved = {"negatives": 10000, "mined": 900, "judge": "a/judge.onnx", "datasets": ["mnist", "synth"], "seed": 3}
    (tmp_path / "metrics.json").write_text(json.dumps({"config": saved}))
    cfg = _run_config(tmp_path / "metrics.json", tmp_path / "data", tmp_path / "cache", None)
    assert (cfg.negatives, cfg.mined, str(cfg.judge), cfg.datasets, cfg.seed) == (
        10000, 900, "a/judge.onnx", ("mnist", "synth"), 3)  # fmt: skip
    assert cfg.data_dir == tmp_path / "data" and cfg.cache_dir == tmp_path / "cache"
    assert _run_config(tmp_path / "metrics.json", tmp_path, tmp_path, 7).seed == 7
    plain = _run_config(tmp_path / "absent.json", tmp_path, tmp_path, None)
    assert (plain.negatives, plain.mined, plain.seed) == (0, 0, 0)  # a checkpoint without its run: digits only
