"""The speed benchmark (training.bench.speed): its parts run on tiny inputs and its table renders.

No timing is asserted here (the targets live in ``training.bench.speed``). The fast paths it measures are
tested where they live: prepare_batch in test_preprocess_batch.py, onnxruntime against torch in
test_export.py, the torch-free start in test_layering.py.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from rich.console import Console

from detector.predict import Predictor
from tests.helpers import digit_picture
from training.bench import speed


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
