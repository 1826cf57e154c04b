"""Plots of a training history: functions draw on an Axes; callers save the figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np

CURVES = {"accuracy": ("train_acc", "val_acc", "Accuracy"), "loss": ("train_loss", "val_loss", "Loss")}


def draw_curve(ax, history: list[dict], metric: str, upto: int | None = None) -> None:
    """Draw train vs validation ``metric`` ("accuracy" or "loss") per epoch on ``ax``."""
    train_key, val_key, title = CURVES[metric]
    rows = history[:upto] if upto else history
    epochs = [r["epoch"] for r in rows]
    ax.plot(epochs, [r[train_key] for r in rows], "o-", label="train")
    ax.plot(epochs, [r[val_key] for r in rows], "s-", label="validation")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(title.lower())
    ax.set_title(f"Model {title.lower()}")
    ax.set_xlim(0.5, max(len(history), 1) + 0.5)
    values = [r[k] for r in history for k in (train_key, val_key)]
    if values:
        pad = (max(values) - min(values)) * 0.05 + 1e-6
        ax.set_ylim(min(values) - pad, max(values) + pad)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right" if metric == "accuracy" else "upper right")


def draw_confusion(ax, matrix: np.ndarray) -> None:
    """Draw a 10x10 confusion matrix (rows true, columns predicted) with counts."""
    ax.imshow(np.log1p(matrix), cmap="Blues")
    n = matrix.shape[0]
    for i in range(n):
        for j in range(n):
            if matrix[i, j]:
                colour = "white" if i == j else "black"
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set_title(f"Confusion matrix (accuracy {accuracy:.2%})")


def save_figure(fig, path: Path) -> Path:
    """Save a figure atomically (temporary name, then rename) and close it."""
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    return path


def save_curves(history: list[dict], out_dir: Path) -> list[Path]:
    """Write accuracy.png, loss.png and their epoch-by-epoch GIFs; return the paths."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter

    written = []
    for metric in CURVES:
        fig, ax = plt.subplots(figsize=(6, 4))
        draw_curve(ax, history, metric)
        written.append(save_figure(fig, out_dir / f"{metric}.png"))
        fig, ax = plt.subplots(figsize=(6, 4))

        def frame(i: int, ax=ax, metric=metric) -> None:
            ax.clear()
            draw_curve(ax, history, metric, upto=i + 1)

        anim = FuncAnimation(fig, frame, frames=len(history), repeat=False)
        gif = out_dir / f"{metric}.gif"
        tmp = gif.with_name(f".{gif.stem}.tmp.gif")
        anim.save(tmp, writer=PillowWriter(fps=2))
        plt.close(fig)
        tmp.replace(gif)
        written.append(gif)
    return written


def save_confusion(matrix: np.ndarray, path: Path) -> Path:
    """Write the confusion-matrix plot to ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5.5))
    draw_confusion(ax, matrix)
    return save_figure(fig, path)
