"""Weight-space averaging of a fine-tuned network with the checkpoint it started from."""

import json
from dataclasses import replace

import pytest
import torch

from detector.checkpoint import load_checkpoint, save_checkpoint
from detector.config import ModelConfig
from detector.model import DigitNet
from training.average import average_weights, average_with_checkpoint, finish_run, main
from training.config import DATA_DIR
from training.loop import start_from
from training.train import main as train_main


def two_nets(classes: int = 10) -> tuple[DigitNet, DigitNet]:
    torch.manual_seed(1)
    a = DigitNet(ModelConfig(num_classes=classes))
    torch.manual_seed(2)
    b = DigitNet(ModelConfig(num_classes=classes))
    for net, count in ((a, 3), (b, 8)):  # BatchNorm's integer count of batches differs
        for name, buf in net.named_buffers():
            if name.endswith("num_batches_tracked"):
                buf.fill_(count)
    return a, b


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 1.0])
def test_the_average_lies_on_the_line_between_the_two(share):
    a, b = two_nets()
    before_a = {k: v.clone() for k, v in a.state_dict().items()}
    theirs = b.state_dict()
    mixed = average_weights(a, b, share).state_dict()
    for key, value in mixed.items():
        if value.is_floating_point():
            want = (1 - share) * before_a[key] + share * theirs[key]
            assert torch.allclose(value, want, atol=1e-6), key
        else:
            assert torch.equal(value, before_a[key]), key  # the model's own count of batches


def test_the_average_changes_the_answers_between_the_two():
    a, b = two_nets()
    x = torch.rand(4, 1, 28, 28)
    with torch.no_grad():
        pa, pb = a.eval()(x), b.eval()(x)
        mid = average_weights(a, b, 0.5)(x)
    assert not torch.allclose(mid, pa) and not torch.allclose(mid, pb)


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_outside_0_to_1_is_refused(share):
    a, b = two_nets()
    with pytest.raises(ValueError, match="between 0 and 1"):
        average_weights(a, b, share)


def test_networks_of_other_shapes_are_refused():
    a, _ = two_nets(11)
    _, b = two_nets(10)
    with pytest.raises(ValueError, match="different layers"):
        average_weights(a, b, 0.5)


def test_a_ten_digit_checkpoint_is_grown_before_averaging(tiny_checkpoint):
    a, _ = two_nets(11)
    own = a.state_dict()["classifier.2.bias"].clone()
    grown = start_from(tiny_checkpoint, 11)[0].state_dict()["classifier.2.bias"]
    mixed = average_with_checkpoint(a, tiny_checkpoint, 0.5).state_dict()["classifier.2.bias"]
    assert grown.shape[0] == 11 and grown[10] == -2.0  # the grown "not a digit" output starts silent
    assert torch.allclose(mixed, (own + grown) / 2)


@pytest.fixture(scope="module")
def finished_run(tiny_checkpoint, tmp_path_factory):
    """A dry run fine-tuned from the tiny checkpoint, with its metrics.json."""
    out = tmp_path_factory.mktemp("run")
    args = ["--dry-run", "--init", str(tiny_checkpoint), "--out-dir", str(out), "--data-dir", str(DATA_DIR)]
    assert train_main(args) == 0
    return out


def test_finishing_a_run_saves_the_average_as_a_run_saves(finished_run, tiny_checkpoint, tmp_path):
    out = tmp_path / "averaged"
    metrics = finish_run(finished_run, 0.5, out)
    for name in ["number_detector.pt", "number_detector.onnx", "metrics.json", "accuracy.png", "loss.png"]:
        assert (out / name).stat().st_size > 0, name
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["config"]["average"] == 0.5 and saved["averaged_from"].endswith("number_detector.pt")
    assert saved["history"] == json.loads((finished_run / "metrics.json").read_text())["history"]
    assert metrics["calibration"]["temperature"] > 0
    trained, _c, _m = load_checkpoint(finished_run / "number_detector.pt")
    start, _grown = start_from(tiny_checkpoint, trained.config.num_classes)
    averaged, config, _m = load_checkpoint(out / "number_detector.pt")
    assert config.temperature == saved["calibration"]["temperature"]
    key = "features.0.0.weight"
    want = (trained.state_dict()[key] + start.state_dict()[key]) / 2
    assert torch.allclose(averaged.state_dict()[key], want, atol=1e-6)


def test_the_run_is_left_as_it_was(finished_run, tmp_path):
    before = {p.name: p.read_bytes() for p in finished_run.iterdir() if p.is_file()}
    assert main([str(finished_run), "--share", "0.3", "--out-dir", str(tmp_path / "avg")]) == 0
    assert {p.name: p.read_bytes() for p in finished_run.iterdir() if p.is_file()} == before


def test_the_run_folder_as_out_dir_is_a_usage_error(finished_run):
    with pytest.raises(SystemExit) as err:
        main([str(finished_run), "--out-dir", str(finished_run)])
    assert err.value.code == 2


def test_a_run_from_scratch_is_one_line(tmp_path, capsys):
    run = tmp_path / "scratch"
    run.mkdir()
    model = DigitNet(ModelConfig())
    save_checkpoint(run / "number_detector.pt", model, ModelConfig())
    from training.config import TrainConfig

    cfg = {k: str(v) if hasattr(v, "as_posix") else v for k, v in vars(replace(TrainConfig())).items()}
    (run / "metrics.json").write_text(json.dumps({"config": cfg, "history": [], "train_samples": 0}))
    assert main([str(run), "--out-dir", str(tmp_path / "out")]) == 1
    assert "did not start from a checkpoint" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_average_without_init_is_a_usage_error():
    with pytest.raises(SystemExit) as err:
        train_main(["--dry-run", "--average", "0.5"])
    assert err.value.code == 2
