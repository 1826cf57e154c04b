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
from detector.predict import SMALL_BATCH, Predictor
from detector.preprocess import prepare_digit
from detector.preprocess_batch import prepare_batch
from tests.conftest import digit_picture
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


@pytest.mark.parametrize("n", [1, SMALL_BATCH + 5])
def test_fast_model_gives_the_plain_models_probabilities(tiny_model, n):
    import torch

    predictor = Predictor.load(tiny_model)
    prepared = (drawn_digits(n, (28, 28), seed=n) / 255.0).astype(np.float32)
    threads = torch.get_num_threads()
    got = predictor.probabilities(prepared)
    with torch.inference_mode():
        x = torch.from_numpy((prepared - predictor.config.mean) / predictor.config.std).unsqueeze(1)
        want = torch.softmax(predictor.model(x) / predictor.config.temperature, dim=1).numpy()
    assert np.allclose(got, want, atol=1e-5)
    assert torch.get_num_threads() == threads  # the one-thread setting for small batches is undone


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
    assert "cores" in speed.machine()


def test_benchmark_table_renders():
    table = [("per image: 28x28 PNG", "1.0 ms", "< 5 ms", True), ("throughput", "10 rows/s", ">= 3,000", False)]
    console = Console(file=io.StringIO(), width=120)
    console.print(speed.render(table, "title"))
    text = console.file.getvalue()
    assert "1.0 ms" in text and "ok" in text and "MISSED" in text


@pytest.mark.pty
def test_benchmark_sees_the_menu_in_a_pseudo_terminal(tmp_path, tiny_model):
    assert speed.menu_launch_seconds(tiny_model, tmp_path) > 0


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


def test_predict_path_leaves_torchvision_out(tmp_path, tiny_model):
    png = tmp_path / "digit.png"
    Image.fromarray(digit_picture()).save(png)
    loaded = modules_after(
        "from detector.app.cli import main\n"
        f"assert main(['predict', '--model', {str(tiny_model)!r}, {str(png)!r}]) == 0"
    )
    assert "torch" in loaded and "torchvision" not in loaded
