"""Training: the dry run (two tiny batches) writes a checkpoint, metrics and plots."""

import json

import pytest

from detector.checkpoint import load_checkpoint
from detector.paths import DATA_DIR
from training.train import main, parse_args


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("dry")
    cache = tmp_path_factory.mktemp("cache")
    assert main(["--dry-run", "--out-dir", str(out), "--cache-dir", str(cache), "--data-dir", str(DATA_DIR)]) == 0
    return out


def test_dry_run_writes_checkpoint_metrics_and_plots(dry_run):
    for name in ["number_detector.pt", "metrics.json", "accuracy.png", "loss.png", "accuracy.gif", "loss.gif"]:
        assert (dry_run / name).stat().st_size > 0, name


def test_dry_run_checkpoint_loads_with_its_config(dry_run):
    model, config, meta = load_checkpoint(dry_run / "number_detector.pt")
    assert config.input_size == 28 and 0 < config.std < 1
    metrics = json.loads((dry_run / "metrics.json").read_text())
    assert config.temperature == metrics["calibration"]["temperature"] > 0  # fitted on validation, saved
    assert meta["parameters"] == sum(p.numel() for p in model.parameters())


def test_metrics_history_has_per_epoch_curves(dry_run):
    metrics = json.loads((dry_run / "metrics.json").read_text())
    row = metrics["history"][0]
    for key in ["train_loss", "train_acc", "val_loss", "val_acc"]:
        assert key in row
    assert metrics["mflops_per_image"] <= 20 and metrics["parameters"] <= 1_000_000
    assert metrics["wall_time_s"] > 0 and metrics["device"] in ("cpu", "cuda")


@pytest.mark.mnist
def test_dry_run_reports_test_accuracy_when_mnist_present(dry_run):
    if not (DATA_DIR / "MNIST").is_dir():
        pytest.skip("MNIST not in ../shared/data")
    metrics = json.loads((dry_run / "metrics.json").read_text())
    assert 0 <= metrics["test_accuracy"] <= 1 and (dry_run / "confusion_matrix.png").exists()


def test_dry_run_never_defaults_to_the_shipped_model():
    cfg = parse_args(["--dry-run"])
    assert cfg.out_dir.name == "dry-run" and cfg.max_batches == 2


def test_unknown_dataset_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        parse_args(["--datasets", "mnist,imagenet"])
    assert exc.value.code == 2


def test_dry_run_exports_the_onnx_model_checked_against_torch(dry_run):
    from detector.runtime import OnnxModel

    metrics = json.loads((dry_run / "metrics.json").read_text())
    assert metrics["export"]["argmax_differ"] == 0 and metrics["export"]["max_abs_diff"] <= 1e-4
    model = OnnxModel.load(dry_run / "number_detector.onnx")
    assert model.config == load_checkpoint(dry_run / "number_detector.pt")[1]
