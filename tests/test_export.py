"""The ONNX export: folded, self-describing, checked against torch, refused when it disagrees."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
import torch

from detector.checkpoint import load_checkpoint, save_checkpoint
from detector.config import ModelConfig
from detector.errors import ModelError
from detector.model import DigitNet
from detector.paths import DEFAULT_CHECKPOINT, DEFAULT_MODEL
from detector.runtime import METADATA_KEY, OnnxModel
from training import export
from training.config import DATA_DIR


def trained_looking(seed: int = 0, temperature: float = 0.7) -> tuple[DigitNet, ModelConfig]:
    """A DigitNet whose BatchNorm layers hold non-trivial statistics, as after training."""
    torch.manual_seed(seed)
    config = ModelConfig(temperature=temperature)
    model = DigitNet(config)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    return model.eval(), config


def test_folding_batchnorm_keeps_the_outputs():
    model, _ = trained_looking()
    folded = export.fold_batchnorm(model)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.modules())
    x = torch.randn(6, 1, 28, 28)
    with torch.no_grad():
        assert torch.allclose(folded(x), model(x), atol=1e-4)


def test_export_stores_the_whole_config_and_matches_torch(tmp_path):
    model, config = trained_looking()
    images = np.random.default_rng(1).random((300, 28, 28), dtype=np.float32)
    report = export.export_model(model, config, tmp_path / "m.onnx", {"test_accuracy": 0.5}, images)
    assert report["digits"] == 300 and report["max_abs_diff"] <= export.TOLERANCE and report["argmax_differ"] == 0
    proto = onnx.load(tmp_path / "m.onnx")
    stored = json.loads({p.key: p.value for p in proto.metadata_props}[METADATA_KEY])
    assert stored["config"] == config.to_dict() and stored["meta"] == {"test_accuracy": 0.5}
    assert "temperature" in stored["output"] and "0..1" in stored["input"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"  # any batch size
    assert not any(n.op_type == "BatchNormalization" for n in proto.graph.node)
    loaded = OnnxModel.load(tmp_path / "m.onnx")
    assert loaded.config == config
    got = loaded.probabilities(images[:7])
    assert np.allclose(got, export.torch_probabilities(model, config, images[:7]), atol=1e-5)


def test_an_export_that_disagrees_with_torch_is_not_written(tmp_path, monkeypatch):
    model, config = trained_looking(seed=0)
    other, _ = trained_looking(seed=1)
    real = export.onnx_bytes
    monkeypatch.setattr(export, "onnx_bytes", lambda _m, c, meta=None: real(other, c, meta))
    with pytest.raises(ModelError, match="disagrees with torch"):
        export.export_model(model, config, tmp_path / "m.onnx")
    assert list(tmp_path.iterdir()) == []


def test_the_command_exports_beside_the_checkpoint(tmp_path):
    model, config = trained_looking()
    checkpoint = save_checkpoint(tmp_path / "net.pt", model, config, {"note": "x"})
    assert export.main(["--model", str(checkpoint), "--data-dir", str(tmp_path / "no-mnist")]) == 0
    assert OnnxModel.load(tmp_path / "net.onnx").meta == {"note": "x"}
    assert (tmp_path / "net.onnx").stat().st_mode & 0o444 == 0o444  # readable by the app user in Docker
    assert export.main(["--model", str(tmp_path / "missing.pt")]) == 1


@pytest.mark.skipif(not (DATA_DIR / "MNIST").is_dir(), reason="needs MNIST in ../shared/data")
def test_export_is_verified_on_mnist_digits(tmp_path, tiny_checkpoint):
    report = export.export_checkpoint(tiny_checkpoint, tmp_path / "t.onnx", DATA_DIR, tmp_path / "cache", digits=200)
    assert report["digits"] == 200 and report["onnx_accuracy"] == report["torch_accuracy"]
    config = load_checkpoint(tiny_checkpoint)[1]
    assert OnnxModel.load(tmp_path / "t.onnx").config == config


@pytest.mark.skipif(not (DEFAULT_MODEL.is_file() and DEFAULT_CHECKPOINT.is_file()), reason="no shipped model")
def test_the_shipped_onnx_model_is_the_shipped_checkpoint():
    """Retraining without re-exporting would leave recognition on the old model."""
    model, config, meta = load_checkpoint(DEFAULT_CHECKPOINT)
    shipped = OnnxModel.load(DEFAULT_MODEL)
    assert shipped.config == config and shipped.meta == meta
    images = np.random.default_rng(2).random((20, 28, 28), dtype=np.float32)
    assert np.allclose(shipped.probabilities(images), export.torch_probabilities(model, config, images), atol=1e-4)
