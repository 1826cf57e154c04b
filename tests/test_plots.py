"""Training plots: readable late epochs, integer epoch ticks, an explained loss gap, legible confusion counts."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from PIL import Image

from training.plots import draw_confusion, draw_curve, save_curves, smoothing_floor


def history(epochs: int = 12) -> list[dict]:
    """A run that ends between 99.5 % and 99.7 % validation accuracy."""
    rows = []
    for e in range(1, epochs + 1):
        val = 0.997 - 0.3 / e**2 if e < epochs else 0.997
        rows.append({"epoch": e, "train_acc": 0.998 - 0.4 / e**2, "val_acc": val if e != 11 else 0.995,
                     "train_loss": 0.3 + 1 / e, "val_loss": 0.05 + 2 / e**2})  # fmt: skip
    return rows


def test_accuracy_plot_keeps_late_epochs_apart_on_integer_epochs():
    ax = Figure().subplots()
    draw_curve(ax, history(), "accuracy")
    assert ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    share = math.log(0.5 / 0.3) / math.log(high / low)  # 99.5 % vs 99.7 %, as a share of the plot's height
    assert share > 0.05  # on a linear accuracy axis from 70 % it would be under 1 %
    epochs = [t for t in ax.get_xticks() if 1 <= t <= 12]
    assert epochs and all(float(t).is_integer() for t in epochs)


def test_smoothing_floor_is_torchs_lowest_smoothed_loss():
    eps, target = 0.05, torch.tensor([3])
    best = torch.full((1, 10), eps / 10).index_fill_(1, target, 1 - eps + eps / 10).log()  # logits of the target
    assert abs(F.cross_entropy(best, target, label_smoothing=eps).item() - smoothing_floor(eps)) < 1e-6


def test_loss_plot_says_why_train_sits_above_validation():
    ax = Figure().subplots()
    draw_curve(ax, history(), "loss", label_smoothing=0.05)
    words = " ".join(t.get_text() for t in ax.texts)
    assert "label smoothing 0.05" in words and "augmented" in words
    assert any(np.allclose(line.get_ydata(), smoothing_floor(0.05)) for line in ax.get_lines())


def luminance(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_confusion_names_its_data_and_every_count_stands_out_from_its_cell():
    matrix = np.diag([980, 1130, 1020, 1000, 970, 890, 950, 1020, 970, 1000]) + np.eye(10, k=1, dtype=int) * 3
    matrix[4, 9], matrix[5, 5] = 500, 2  # a dark cell off the diagonal, a pale one on it
    ax = Figure().subplots()
    draw_confusion(ax, matrix, "MNIST test (10,000 images)")
    assert "MNIST test (10,000 images)" in ax.get_title()
    image = ax.get_images()[0]
    assert len(ax.texts) == np.count_nonzero(matrix)
    for text in ax.texts:
        col, row = (round(v) for v in text.get_position())
        cell = image.cmap(image.norm(np.log1p(matrix[row, col])))[:3]
        assert abs(luminance(cell) - luminance(text.get_color())) > 0.4, (row, col)


def test_save_curves_writes_pictures_and_one_gif_frame_per_epoch(tmp_path):
    paths = save_curves(history(3), tmp_path, label_smoothing=0.05)
    assert sorted(p.name for p in paths) == ["accuracy.gif", "accuracy.png", "loss.gif", "loss.png"]
    with Image.open(tmp_path / "loss.gif") as gif:
        assert gif.n_frames == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temporary files left
