"""Training: the dry run (two tiny batches) writes a checkpoint, metrics and plots."""

import ast
import json
from dataclasses import fields
from pathlib import Path

import pytest

from detector.checkpoint import load_checkpoint
from detector.paths import MODELS_DIR, PROJECT_ROOT
from training.config import DATA_DIR, DRY_RUN, TrainConfig
from training.train import build_parser, main, parse_args


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
    assert cfg == DRY_RUN and cfg.out_dir.name == "dry-run" and cfg.max_batches == 2
    assert MODELS_DIR not in cfg.out_dir.parents and cfg.out_dir != MODELS_DIR


def test_flags_given_win_over_the_preset():
    cfg = parse_args(["--dry-run", "--epochs", "3", "--mnist-limit", "all", "--datasets", "synth"])
    assert (cfg.epochs, cfg.mnist_limit, cfg.datasets, cfg.batch_size) == (3, None, ("synth",), DRY_RUN.batch_size)
    assert parse_args(["--lr", "0.01"]) == TrainConfig(lr=0.01)


def test_help_documents_every_field_with_its_default():
    text = " ".join(build_parser().format_help().split())
    for f in fields(TrainConfig):
        flag = f"--{f.name.replace('_', '-')}"
        assert flag in text, flag
        if f.type != "bool":
            assert f"{f.metadata['help']} (default: " in text, flag
    assert "(default: 30; dry run: 1)" in text  # epochs: both presets shown


def test_missing_svhn_is_one_line_not_a_traceback(tmp_path, capsys):
    args = ["--dry-run", "--datasets", "svhn", "--data-dir", str(tmp_path), "--out-dir", str(tmp_path / "out")]
    assert main(args) == 1
    out = capsys.readouterr().out.strip()
    assert "SVHN requested" in out and "Traceback" not in out and not (tmp_path / "out").exists()


def test_a_missing_checkpoint_to_start_from_is_one_line(tmp_path, capsys):
    args = ["--dry-run", "--init", str(tmp_path / "none.pt"), "--out-dir", str(tmp_path / "out")]
    assert main(args) == 1
    out = capsys.readouterr().out.strip()
    assert "none.pt" in out and "Traceback" not in out and not (tmp_path / "out" / "number_detector.pt").exists()


def test_dry_run_from_a_checkpoint_grows_not_a_digit_and_distils(tiny_checkpoint, tmp_path):
    out = tmp_path / "out"
    args = ["--dry-run", "--init", str(tiny_checkpoint), "--distill", str(tiny_checkpoint), "--out-dir", str(out)]
    assert main(args) == 0
    _model, config, _meta = load_checkpoint(out / "number_detector.pt")
    assert config.knows_junk  # the dry run's negatives and mined candidates are in


def imports_of(path: Path) -> set[str]:
    """The training modules ``path`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("training")}


def test_training_imports_have_no_cycle():
    files = sorted((PROJECT_ROOT / "training").rglob("*.py"))
    name = {p: ".".join(p.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__") for p in files}
    modules = set(name.values())
    graph = {name[p]: {m for m in imports_of(p) if m in modules and m != name[p]} for p in files}

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(graph[m])
        return seen

    assert [m for m in graph if m in reach(m)] == []
    assert "training.train" not in set().union(*graph.values())  # nothing imports the entry point


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
