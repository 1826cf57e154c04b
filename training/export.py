"""Export a checkpoint to the ONNX model that recognition runs on onnxruntime.

python -m training.export --model models/number_detector.pt   # writes models/number_detector.onnx

The graph takes prepared pixels (batch, 1, 28, 28) in 0..1 (white ink on black, as
``detector.preprocess`` makes them) and returns calibrated probabilities (batch, classes): it
normalises with the config's mean/std, runs the network with BatchNorm folded into the
convolutions and applies ``softmax(logits / temperature)``. The whole ``ModelConfig`` and
the checkpoint's metadata travel as JSON in the model's ``metadata_props``, so the
``.onnx`` alone is enough to recognise. The export checks itself on MNIST test digits
(random pixels when MNIST is absent): onnxruntime must give torch's probabilities within
``TOLERANCE`` and the same digit for every image, or nothing is written.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from detector.config import ModelConfig
from detector.errors import ModelError
from detector.paths import DEFAULT_CHECKPOINT
from detector.runtime import INPUT_NAME, METADATA_KEY, OUTPUT_NAME
from training.config import CACHE_DIR, DATA_DIR

log = logging.getLogger(__name__)

TOLERANCE = 1e-4  # largest allowed |onnxruntime - torch| of any probability
VERIFY_DIGITS = 1000
OPSET = 17
INPUT_CONTRACT = "pixels: float32 (batch, 1, 28, 28) in 0..1, white ink on black (detector.preprocess)"
OUTPUT_CONTRACT = (
    "probabilities: float32 (batch, classes), softmax(logits / temperature), normalisation inside; "
    "classes 0-9 are the digits, an 11th (when config.num_classes is 11) is 'not a digit'"
)


def fold_batchnorm(model: nn.Module) -> nn.Module:
    """Return a copy of an eval-mode model with each Conv2d+BatchNorm2d pair fused into one Conv2d."""
    import copy

    from torch.nn.utils.fusion import fuse_conv_bn_eval

    fast = copy.deepcopy(model).eval()
    for seq in [m for m in fast.modules() if isinstance(m, nn.Sequential)]:
        for k in range(len(seq) - 1):
            if isinstance(seq[k], nn.Conv2d) and isinstance(seq[k + 1], nn.BatchNorm2d):
                seq[k], seq[k + 1] = fuse_conv_bn_eval(seq[k], seq[k + 1]), nn.Identity()
    return fast


class Recognizer(nn.Module):
    """What the ONNX graph computes: pixels in 0..1 -> calibrated probabilities."""

    def __init__(self, net: nn.Module, config: ModelConfig) -> None:
        super().__init__()
        self.net, self.mean, self.std, self.temperature = net, config.mean, config.std, config.temperature

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        """Map (B, 1, 28, 28) pixels in 0..1 to probabilities (B, classes)."""
        return torch.softmax(self.net((pixels - self.mean) / self.std) / self.temperature, dim=1)


def onnx_bytes(model: nn.Module, config: ModelConfig, meta: dict | None = None) -> bytes:
    """Return the serialized ONNX model (folded, dynamic batch, config in its metadata)."""
    import onnx

    buf = io.BytesIO()
    with warnings.catch_warnings():  # the TorchScript exporter announces its deprecation
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Recognizer(fold_batchnorm(model.cpu()), config).eval(),
            (torch.zeros(1, 1, config.input_size, config.input_size),),
            buf,
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=OPSET,
        )
    proto = onnx.load_from_string(buf.getvalue())
    stored = {"format": 1, "config": config.to_dict(), "input": INPUT_CONTRACT, "output": OUTPUT_CONTRACT}
    stored["meta"] = meta or {}
    onnx.helper.set_model_props(proto, {METADATA_KEY: json.dumps(stored, default=str)})
    proto.producer_name, proto.doc_string = "number-detector training.export", f"{config.arch} v{config.version}"
    onnx.checker.check_model(proto, full_check=True)
    return proto.SerializeToString()


def torch_probabilities(model: nn.Module, config: ModelConfig, images: np.ndarray) -> np.ndarray:
    """The reference: the plain (unfolded) torch model's probabilities for prepared images (N, 28, 28)."""
    model = model.cpu().eval()
    with torch.inference_mode():
        x = (torch.from_numpy(np.ascontiguousarray(images, np.float32)).unsqueeze(1) - config.mean) / config.std
        return torch.softmax(model(x) / config.temperature, dim=1).numpy()


def verify(data: bytes, model: nn.Module, config: ModelConfig, images: np.ndarray) -> dict:
    """Compare onnxruntime on ``data`` with torch on ``images`` (N, 28, 28).

    Returns:
        {"digits", "max_abs_diff", "argmax_differ"}.

    Raises:
        ModelError: The two disagree beyond ``TOLERANCE`` or on any digit.
    """
    from detector.runtime import load_onnxruntime

    session = load_onnxruntime().InferenceSession(data, providers=["CPUExecutionProvider"])
    want = torch_probabilities(model, config, images)
    got = np.concatenate(
        [
            session.run([OUTPUT_NAME], {INPUT_NAME: images[i : i + 256, None].astype(np.float32)})[0]
            for i in range(0, len(images), 256)
        ]
    )
    report = {
        "digits": len(images),
        "max_abs_diff": float(np.abs(got - want).max()),
        "argmax_differ": int((got.argmax(1) != want.argmax(1)).sum()),
    }
    if report["max_abs_diff"] > TOLERANCE or report["argmax_differ"]:
        raise ModelError(f"the ONNX model disagrees with torch ({report}); nothing was written")
    return report


def verification_images(data_dir: Path = DATA_DIR, cache_dir: Path | None = None, count: int = VERIFY_DIGITS):
    """Return (images (N, 28, 28) through the inference preprocessing, labels or None).

    MNIST test digits when ``data_dir`` has them; otherwise seeded random pixels (the
    numerical check still holds, the accuracy cannot be reported).
    """
    from detector.preprocess_batch import prepare_batch

    if (Path(data_dir) / "MNIST").is_dir():
        from training.data import raw_mnist

        raw, labels = raw_mnist(Path(data_dir), cache_dir or CACHE_DIR, train=False)
        prepared, _ = prepare_batch(raw[:count])
        return prepared, labels[:count]
    log.warning("no MNIST in %s: verifying the export on random pixels", data_dir)
    return np.random.default_rng(0).random((count, 28, 28), dtype=np.float32), None


def export_model(model: nn.Module, config: ModelConfig, out: Path, meta: dict | None = None, images=None) -> dict:
    """Export, verify on ``images`` (N, 28, 28; default: random pixels) and write ``out`` atomically.

    Returns:
        The verification report.

    Raises:
        ModelError: The export disagrees with torch (nothing is written).
    """
    from detector.files import write_atomic

    data = onnx_bytes(model, config, meta)
    if images is None:
        images = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)
    report = verify(data, model, config, images)
    write_atomic(out, data).chmod(0o644)  # a model is for everyone to read (mkstemp makes 0600)
    return report


def export_checkpoint(
    checkpoint: Path, out: Path | None = None, data_dir: Path = DATA_DIR, cache_dir=None, digits: int = VERIFY_DIGITS
) -> dict:
    """Export a ``.pt`` checkpoint to ``out`` (default: the same name with ``.onnx``), verified on MNIST.

    Returns:
        The verification report, with "path" and, on MNIST, "torch_accuracy" and "onnx_accuracy".
    """
    from detector.checkpoint import load_checkpoint
    from detector.runtime import OnnxModel

    model, config, meta = load_checkpoint(checkpoint)
    out = Path(out or Path(checkpoint).with_suffix(".onnx"))
    images, labels = verification_images(data_dir, cache_dir, digits)
    report = export_model(model, config, out, meta, images)
    report["path"] = str(out)
    if labels is not None:
        report["torch_accuracy"] = float((torch_probabilities(model, config, images).argmax(1) == labels).mean())
        report["onnx_accuracy"] = float((OnnxModel.load(out).probabilities(images).argmax(1) == labels).mean())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_CHECKPOINT, help="the .pt checkpoint to export")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: beside it, .onnx)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder with MNIST/ for the check")
    parser.add_argument("--digits", type=int, default=VERIFY_DIGITS, help="MNIST test digits to verify on")
    args = parser.parse_args(argv)
    from rich.console import Console

    console = Console()
    try:
        report = export_checkpoint(args.model, args.out, args.data_dir, digits=args.digits)
    except ModelError as err:
        console.print(f"[red]error:[/] {err}")
        return 1
    console.print(f"Wrote [bold]{report['path']}[/]: onnxruntime matches torch on {report['digits']} digits")
    console.print_json(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
