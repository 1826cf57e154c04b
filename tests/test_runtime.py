"""The model file is data: every bad .onnx is refused with one line; a good one runs on onnxruntime."""

from __future__ import annotations

import json
import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from detector.config import ModelConfig
from detector.errors import ModelError
from detector.onnxcheck import WireError, uses_external_data
from detector.runtime import METADATA_KEY, OnnxModel


def linear_model(
    input_shape=("batch", 1, 28, 28), classes: int = 10, metadata: str | None = "default", weight_name: str = "w"
) -> onnx.ModelProto:
    """A softmax-linear digit model drawn with onnx.helper: flatten, one Gemm, softmax."""
    features = int(np.prod([d for d in input_shape[1:]]))
    weights = np.random.default_rng(0).normal(0, 0.01, (classes, features)).astype(np.float32)
    nodes = [
        helper.make_node("Flatten", ["pixels"], ["flat"]),
        helper.make_node("Gemm", ["flat", weight_name], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "digits",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, list(input_shape))],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", classes])],
        [numpy_helper.from_array(weights, weight_name)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if metadata == "default":
        metadata = json.dumps({"format": 1, "config": ModelConfig(temperature=0.5).to_dict(), "meta": {"note": "x"}})
    if metadata is not None:
        helper.set_model_props(model, {METADATA_KEY: metadata})
    return model


def saved(tmp_path, model: onnx.ModelProto, name: str = "m.onnx"):
    path = tmp_path / name
    path.write_bytes(model.SerializeToString())
    return path


def refused(path) -> str:
    with pytest.raises(ModelError) as info:
        OnnxModel.load(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_good_model_loads_its_config_and_runs_any_batch(tmp_path):
    model = OnnxModel.load(saved(tmp_path, linear_model()))
    assert model.config.temperature == 0.5 and model.meta == {"note": "x"}
    for n in (1, 3, 300):
        probs = model.probabilities(np.random.default_rng(n).random((n, 28, 28), dtype=np.float32))
        assert probs.shape == (n, 10) and np.allclose(probs.sum(1), 1, atol=1e-5)


def test_missing_model_says_what_is_missing_and_needs_a_model(tmp_path):
    with pytest.raises(ModelError) as info:
        OnnxModel.load(tmp_path / "none.onnx")
    assert str(info.value) == f"no model at {tmp_path / 'none.onnx'}" and info.value.needs == "model"


@pytest.mark.parametrize("keep", [0, 1, 10, 0.5, 0.99])
def test_truncated_model_is_damaged(tmp_path, keep):
    data = linear_model().SerializeToString()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(data[: int(keep * len(data)) if isinstance(keep, float) else keep])
    assert "damaged or not an ONNX model" in refused(cut)


def test_corrupt_bytes_and_other_files_are_damaged(tmp_path):
    data = bytearray(linear_model().SerializeToString())
    data[40:80] = bytes(range(200, 240))
    (tmp_path / "corrupt.onnx").write_bytes(bytes(data))
    (tmp_path / "text.onnx").write_text("this is not a model\n" * 10)
    assert "damaged" in refused(tmp_path / "corrupt.onnx")
    assert "damaged" in refused(tmp_path / "text.onnx")


@pytest.mark.parametrize("shape", [("batch", 3, 28, 28), ("batch", 1, 32, 32), ("batch", 784)])
def test_another_input_shape_is_refused(tmp_path, shape):
    assert "not (batch, 1, 28, 28) pixels" in refused(saved(tmp_path, linear_model(input_shape=shape)))


def test_another_number_of_classes_is_refused(tmp_path):
    assert "not 10 digit probabilities" in refused(saved(tmp_path, linear_model(classes=26)))


def test_eleven_classes_load_when_the_metadata_says_so_and_only_then(tmp_path):
    says_11 = json.dumps({"format": 1, "config": ModelConfig(num_classes=11).to_dict()})
    model = OnnxModel.load(saved(tmp_path, linear_model(classes=11, metadata=says_11)))
    assert model.config.knows_junk and model.probabilities(np.zeros((2, 28, 28), np.float32)).shape == (2, 11)
    assert "metadata says 10" in refused(saved(tmp_path, linear_model(classes=11), "ten.onnx"))


@pytest.mark.parametrize(
    ("metadata", "words"),
    [
        (None, "has no Number Detector metadata"),
        ("{not json", "unreadable Number Detector metadata"),
        ("[1, 2]", "unreadable Number Detector metadata"),
        (json.dumps({"config": {**ModelConfig().to_dict(), "arch": "resnet"}}), "is a resnet v1 model"),
        (json.dumps({"config": {**ModelConfig().to_dict(), "std": -1}}), "impossible settings"),
        (json.dumps({"meta": {}}), "no readable config"),
    ],
)
def test_missing_or_foreign_metadata_is_refused(tmp_path, metadata, words):
    assert words in refused(saved(tmp_path, linear_model(metadata=metadata)))


def test_external_data_is_refused_even_when_the_file_is_there(tmp_path):
    """onnxruntime would read the referenced file itself: refused before it can."""
    path = tmp_path / "ext.onnx"
    onnx.save_model(linear_model(), path, save_as_external_data=True, location="w.bin", size_threshold=0)
    assert (tmp_path / "w.bin").is_file()
    assert "external data files, which are refused" in refused(path)


def test_external_data_hidden_in_a_subgraph_is_found():
    inner = helper.make_graph(
        [helper.make_node("Identity", ["c"], ["out"])], "inner", [],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1])],
        [numpy_helper.from_array(np.ones(1, np.float32), "c")],
    )  # fmt: skip
    tensor = inner.initializer[0]
    tensor.data_location = TensorProto.EXTERNAL
    node = helper.make_node("If", ["cond"], ["y"], then_branch=inner, else_branch=inner)
    outer = helper.make_graph([node], "outer", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    assert uses_external_data(helper.make_model(outer).SerializeToString())
    assert not uses_external_data(linear_model().SerializeToString())
    with pytest.raises(WireError):
        uses_external_data(linear_model().SerializeToString()[:-3])


def test_a_training_checkpoint_is_pointed_to_the_export(tiny_checkpoint):
    from detector.app.hints import message
    from detector.runtime import OnnxModel

    with pytest.raises(ModelError) as info:
        OnnxModel.load(tiny_checkpoint)
    assert info.value.needs == "export" and "python -m training.export --model" in message(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_model_says_so(tmp_path):
    path = saved(tmp_path, linear_model())
    path.chmod(0)
    try:
        assert "no permission to read" in refused(path)
    finally:
        path.chmod(0o644)


def test_reading_leaves_no_telemetry_behind(tmp_path):
    # onnxruntime >= 1.29 keeps a device id and an event cache under ~/.cache/Microsoft unless told not to
    import subprocess
    import sys

    path = saved(tmp_path, linear_model())
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"} | {"HOME": str(home)}
    script = (
        "import sys, numpy as np; from detector.runtime import OnnxModel; "
        "OnnxModel.load(sys.argv[1]).probabilities(np.zeros((2, 28, 28), np.float32))"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], env=env, check=True, timeout=120)
    assert not (home / ".cache" / "Microsoft").exists()
