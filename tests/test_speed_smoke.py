"""The speed work: the benchmark's parts run, the fast paths give the same answers.

No timing is asserted here (the targets live in ``training.bench.speed``).
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw
from rich.console import Console

from detector.paths import PROJECT_ROOT
from detector.predict import Predictor
from detector.preprocess import prepare_digit
from detector.preprocess_batch import prepare_batch
from tests.conftest import blobs_picture, digit_picture, pixel_csv
from training.bench import speed
from training.config import CACHE_DIR, DATA_DIR
from training.data import raw_mnist


def drawn_digits(n: int, size: tuple[int, int], seed: int) -> np.ndarray:
    """Return ``n`` uint8 pictures (H, W) of random strokes: varied boxes, so varied resizes."""
    rng = np.random.default_rng(seed)
    h, w = size
    out = []
    for _ in range(n):
        img = Image.new("L", (w, h), 0)
        points = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(3)]
        ImageDraw.Draw(img).line(points, fill=int(rng.integers(80, 256)), width=int(rng.integers(1, 4)))
        out.append(np.asarray(img))
    return np.stack(out)


def one_by_one(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference: prepare_digit on each image."""
    got = [prepare_digit(image) for image in images]
    found = np.array([g is not None for g in got])
    out = np.stack([g[0] if g is not None else np.zeros((28, 28), np.float32) for g in got])
    return out, found


def stacks() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    small = drawn_digits(120, (28, 28), seed=1)
    nan_rows = (small[:10] / 255.0).astype(np.float32)
    nan_rows[:, 0, 0] = np.nan
    return {
        "uint8": small,
        "dark on light": 255 - small,
        "float 0..1": (small / 255.0).astype(np.float32),
        "float 0..255": small.astype(np.float64),
        "uint16": small.astype(np.uint16) * 257,
        "with NaN": nan_rows,
        "huge floats": np.where(small[:10] > 0, 1e300, 0.0),
        "bool": small[:10] > 100,
        "wide": drawn_digits(40, (30, 70), seed=2),
        "tall": drawn_digits(40, (64, 24), seed=4),
        "blank, faint and noise": np.stack(
            [np.zeros((28, 28)), np.full((28, 28), 0.5), rng.random((28, 28)) * 0.05, rng.random((28, 28))]
        ).astype(np.float32),
    }


@pytest.mark.parametrize("name", list(stacks()))
def test_prepare_batch_equals_prepare_digit_on_each_image(name):
    images = stacks()[name]
    out, found = prepare_batch(images)
    want, want_found = one_by_one(images)
    assert found.tolist() == want_found.tolist()
    assert np.allclose(out, want, atol=1e-6, rtol=0)


@pytest.mark.mnist
def test_prepare_batch_equals_prepare_digit_on_mnist():
    path = DATA_DIR / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz"
    if not path.exists():
        pytest.skip(f"MNIST not found at {path}")
    images = raw_mnist(DATA_DIR, CACHE_DIR, train=False)[0][:1500]
    out, found = prepare_batch(images)
    want, want_found = one_by_one(images)
    assert found.tolist() == want_found.tolist()
    assert np.allclose(out, want, atol=1e-6, rtol=0)


@pytest.mark.parametrize("n", [1, 300])  # one digit, and more than one batch of 256
def test_onnxruntime_gives_the_torch_models_probabilities(tiny_checkpoint, tiny_model, n):
    from detector.checkpoint import load_checkpoint
    from training.export import torch_probabilities

    model, config, _ = load_checkpoint(tiny_checkpoint)
    prepared = (drawn_digits(n, (28, 28), seed=n) / 255.0).astype(np.float32)
    got = Predictor.load(tiny_model).probabilities(prepared)
    assert got.shape == (n, 10)
    assert np.allclose(got, torch_probabilities(model, config, prepared), atol=1e-5)


def test_benchmark_parts_run_on_tiny_inputs(tmp_path, tiny_model):
    images, labels = speed.mnist_rows(5)
    assert images.shape == (5, 28, 28) and len(labels) == 5
    csv = speed.write_pixel_csv(tmp_path / "rows.csv", images, labels)
    png = tmp_path / "digit.png"
    Image.fromarray(digit_picture()).save(png)
    photo = tmp_path / "photo.jpg"
    speed.draw_digits(160, 120, "42").save(photo)
    seconds, peak_mb, status = speed.run_predict(tiny_model, [csv, photo])
    assert status == 0 and seconds > 0 and peak_mb > 10
    assert speed.first_answer_seconds(tiny_model, png) > 0
    predictor = Predictor.load(tiny_model)
    stages = speed.csv_stages(predictor, csv)
    assert set(stages) == {"parse", "prepare", "model"} and all(v >= 0 for v in stages.values())
    assert speed.median_of(speed.timed(lambda: list(predictor.read_path(photo))), 2) > 0
    assert "cores" in speed.machine() and "onnxruntime" in speed.machine()
    rates = speed.model_rates(tiny_model, 1, batch=8)
    assert set(rates) == {f"batch {b}, {t} thread(s)" for b in (8, 1) for t in (1, 2)}
    assert all(v > 0 for v in rates.values())
    assert 18 < speed.model_mflops(tiny_model) < 19  # counted on the network: the tiny model has no figure


def test_benchmark_table_renders():
    table = [("per image: 28x28 PNG", "1.0 ms", "< 5 ms", True), ("throughput", "10 rows/s", ">= 3,000", False)]
    console = Console(file=io.StringIO(), width=120)
    console.print(speed.render(table, "title"))
    text = console.file.getvalue()
    assert "1.0 ms" in text and "ok" in text and "MISSED" in text


@pytest.mark.pty
def test_benchmark_sees_the_menu_in_a_pseudo_terminal(tmp_path, tiny_model):
    assert speed.menu_launch_seconds(tiny_model, tmp_path) > 0
    Image.fromarray(digit_picture()).save(tmp_path / "digit.png")
    assert 0 < speed.menu_first_recognition_seconds(tiny_model, tmp_path, after=0.2) < 30


def modules_after(code: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return set(proc.stdout.split())


def test_menu_and_cli_imports_leave_torch_out():
    loaded = modules_after("import detector.app.menu, detector.app.cli")
    assert "detector.app.menu" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "torchvision")}


def test_a_full_predict_runs_without_torch(tmp_path, tiny_model):
    """Pictures small and large and a CSV, through the real entry point: torch is never imported."""
    png, photo = tmp_path / "digit.png", tmp_path / "photo.png"
    Image.fromarray(digit_picture()).save(png)
    Image.fromarray(blobs_picture()).save(photo)
    csv = pixel_csv(tmp_path / "rows.csv", np.stack([digit_picture()] * 3), [7, 7, 7])
    loaded = modules_after(
        "from detector.app.cli import main\n"
        f"assert main(['predict', '--json', '--model', {str(tiny_model)!r}, {str(tmp_path)!r}]) == 0"
    )
    assert "onnxruntime" in loaded and "detector.predict" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "torchvision", "onnx", "training")}
    assert csv.exists() and png.exists()


def test_the_menus_recognition_paths_run_without_torch(tmp_path, tiny_model, menu_dir):
    """What the menu, the draw pad and "Recognize everything" call: the loader's Predictor."""
    loaded = modules_after(
        "import numpy as np\n"
        "from detector.app.loader import ModelLoader\n"
        f"p = ModelLoader({str(tiny_model)!r}).get()\n"
        f"assert all(r.error is None for r in p.read_inputs([{str(menu_dir)!r}]))\n"
        "p.read_array(np.zeros((200, 200), np.uint8))"
    )
    assert "onnxruntime" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("torch", "torchvision", "onnx")}
