"""Checkpoints: a saved model loads back as it was; one missing, damaged, foreign or hostile is a ModelError,
nothing run."""

import io
import pickle
import re
import warnings

import pytest
import torch

from detector.checkpoint import load_checkpoint, save_checkpoint
from detector.config import ModelConfig
from detector.errors import ModelError
from detector.model import DigitNet
from tests.helpers import Payload


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.pt"
    return save_checkpoint(path, DigitNet(ModelConfig()), ModelConfig(), {"note": "random weights"})


def saved(tmp_path, obj, name="x.pt"):
    buf = io.BytesIO()
    torch.save(obj, buf)
    (tmp_path / name).write_bytes(buf.getvalue())
    return tmp_path / name


def test_checkpoint_round_trip_rebuilds_model_from_config(tmp_path):
    config = ModelConfig(mean=0.2, std=0.3, channels=(8, 8, 16, 16, 32))
    model = DigitNet(config).eval()
    path = save_checkpoint(tmp_path / "m.pt", model, config, {"note": "x"})
    loaded, loaded_config, meta = load_checkpoint(path)
    assert loaded_config == config
    assert meta == {"note": "x"}
    x = torch.randn(3, 1, 28, 28)
    with torch.no_grad():
        assert torch.allclose(loaded(x), model(x))


def test_good_checkpoint_loads(good):
    model, config, meta = load_checkpoint(good)
    assert isinstance(model, DigitNet) and config == ModelConfig() and meta == {"note": "random weights"}


def test_missing_checkpoint_says_what_is_missing_and_needs_a_model(tmp_path):
    with pytest.raises(ModelError, match=re.escape(f"no model at {tmp_path / 'nothing.pt'}")) as info:
        load_checkpoint(tmp_path / "nothing.pt")
    assert info.value.needs == "model"


@pytest.mark.parametrize("cut", [0, 10, 200, 0.5, 0.9])
def test_truncated_or_empty_checkpoint(tmp_path, good, cut):
    data = good.read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: int(cut * len(data)) if isinstance(cut, float) else cut])
    with pytest.raises(ModelError, match=r"damaged|refused") as info:
        load_checkpoint(tmp_path / "cut.pt")
    assert "\n" not in str(info.value)


def test_corrupt_bytes_inside_checkpoint(tmp_path, good):
    data = bytearray(good.read_bytes())
    data[100:400] = bytes(300)
    (tmp_path / "corrupt.pt").write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"damaged|does not match"):
        load_checkpoint(tmp_path / "corrupt.pt")


@pytest.mark.parametrize(
    ("change", "words"),
    [({"arch": "resnet18"}, "is a resnet18 v1 model but this program runs ndnet v1"),
     ({"version": 2}, "is a ndnet v2 model but this program runs ndnet v1")],
)  # fmt: skip
def test_other_architecture_or_version(tmp_path, change, words):
    payload = {"config": {**ModelConfig().to_dict(), **change}, "state_dict": DigitNet(ModelConfig()).state_dict()}
    with pytest.raises(ModelError, match=re.escape(words)):
        load_checkpoint(saved(tmp_path, payload))


def test_same_name_other_layer_shapes(tmp_path):
    weights = DigitNet(ModelConfig(channels=(8, 8, 8, 8, 8))).state_dict()
    with pytest.raises(ModelError, match="does not match the ndnet v1 layers"):
        load_checkpoint(saved(tmp_path, {"config": ModelConfig().to_dict(), "state_dict": weights}))


@pytest.mark.parametrize(
    "payload",
    [[1, 2], {"state_dict": {}}, {"config": 5, "state_dict": {}}, {"config": {"arch": "ndnet", "version": 1,
     "channels": [0, -1]}, "state_dict": {}}, {"config": {**ModelConfig().to_dict(), "std": 0.0}, "state_dict": {}},
     {"config": {**ModelConfig().to_dict(), "temperature": 0.0}, "state_dict": {}},
     {"config": {**ModelConfig().to_dict(), "temperature": float("nan")}, "state_dict": {}}],
)  # fmt: skip
def test_malformed_payloads(tmp_path, payload):
    with pytest.raises(ModelError):
        load_checkpoint(saved(tmp_path, payload))


def test_malicious_pickle_is_refused_without_running(tmp_path):
    target = tmp_path / "pwned.txt"
    path = saved(tmp_path, {"config": ModelConfig().to_dict(), "state_dict": Payload(target)}, "evil.pt")
    with pytest.raises(ModelError, match="holds code, not just weights, and was refused"):
        load_checkpoint(path)
    assert not target.exists()
    # The payload is real: an unsafe load would have run it.
    proof = tmp_path / "proof.txt"
    torch.load(saved(tmp_path, Payload(proof), "proof.pt"), weights_only=False)
    assert proof.exists()


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_raw_pickle_payload_is_refused_without_running(tmp_path, protocol):
    """A bare pickle (not torch's zip format), the classic attack file."""
    target = tmp_path / "pwned.txt"
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(Payload(target), protocol=protocol))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelError, match="refused") as info:
            load_checkpoint(tmp_path / "evil.pt")
    assert not target.exists() and "\n" not in str(info.value)
    pickle.loads((tmp_path / "evil.pt").read_bytes()).close()  # the payload is live: plain pickle runs it
    assert target.exists()


def test_refusing_a_raw_pickle_prints_no_warning(tmp_path):
    (tmp_path / "evil.pt").write_bytes(pickle.dumps(Payload(tmp_path / "pwned.txt"), protocol=4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ModelError):
            load_checkpoint(tmp_path / "evil.pt")
    assert [str(w.message) for w in caught] == []
