"""Train the digit CNN on MNIST plus synthetic printed digits (plus SVHN when present).

    python -m training.train --data-dir ../shared/data            # the shipped model
    python -m training.train --dry-run --out-dir /tmp/nd-dry       # two tiny batches

A run is prepare the data -> fit (``training.loop``: train_one_epoch + validate, keeping the
best epoch by validation accuracy) -> average with the starting checkpoint (``--average``,
``training.average``) -> calibrate -> report -> save: the checkpoint, metrics.json,
accuracy/loss plots (PNG and epoch-by-epoch GIF) and a confusion matrix on MNIST test go into
--out-dir. Every flag below is a field of ``training.config.TrainConfig``.
"""

from __future__ import annotations

import argparse
import time
import typing
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from training.config import DATASETS, DRY_RUN, TrainConfig
from training.data import DataError, load_datasets
from training.loop import fit

if TYPE_CHECKING:
    from rich.progress import Progress


def run(cfg: TrainConfig, progress: Progress | None = None, on_epoch: Callable[[dict], None] | None = None) -> dict:
    """Prepare the data, fit, calibrate, report and save.

    Returns:
        The metrics dict also written to ``metrics.json``.

    Raises:
        DataError: A requested data set is missing.
        OutputError: ``cfg.out_dir`` cannot be written.
    """
    from training.outcome import conclude

    began = time.perf_counter()
    sets = load_datasets(cfg)
    model, config, history = fit(cfg, sets, progress, on_epoch)
    if cfg.average > 0 and cfg.init is not None:
        from training.average import average_with_checkpoint

        model = average_with_checkpoint(model, cfg.init, cfg.average)
    return conclude(cfg, sets, model, config, history, wall_time_s=time.perf_counter() - began)


def _datasets(text: str) -> tuple[str, ...]:
    names = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = set(names) - set(DATASETS)
    if unknown or not names:
        wrong = ", ".join(sorted(unknown)) or "none given"
        raise argparse.ArgumentTypeError(f"unknown dataset(s): {wrong}; choose from {', '.join(DATASETS)}")
    return names


def _optional_int(text: str) -> int | None:
    return None if text.lower() in ("none", "all") else int(text)


def _shown(value) -> str:
    return ",".join(value) if isinstance(value, tuple) else "all" if value is None else str(value)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser: one ``--flag`` per :class:`TrainConfig` field, its help and default from the field."""
    parsers = {Path: Path, int: int, float: float, str: str, tuple[str, ...]: _datasets, int | None: _optional_int,
               Path | None: Path}  # fmt: skip
    metavars = {
        Path: "DIR",
        int: "N",
        float: "X",
        str: "NAME",
        tuple[str, ...]: "LIST",
        int | None: "N",
        Path | None: "FILE",
    }
    p = argparse.ArgumentParser(
        prog="python -m training.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    hints, default = typing.get_type_hints(TrainConfig), TrainConfig()
    for f in fields(TrainConfig):
        flag, value, dry = f"--{f.name.replace('_', '-')}", getattr(default, f.name), getattr(DRY_RUN, f.name)
        if hints[f.name] is bool:
            help_text = f"{f.metadata['help']}: the 'dry run' values above, unless a flag is given"
            p.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=help_text)
            continue
        also = f"; dry run: {_shown(dry)}" if dry != value else ""
        kind = hints[f.name]
        p.add_argument(flag, type=parsers[kind], metavar=metavars[kind], default=argparse.SUPPRESS,
                       help=f"{f.metadata['help']} (default: {_shown(value)}{also})")  # fmt: skip
    return p


def parse_args(argv: list[str] | None = None) -> TrainConfig:
    """Turn command-line arguments into a :class:`TrainConfig`: the preset, then the flags given."""
    parser = build_parser()
    given = vars(parser.parse_args(argv))
    cfg = replace(DRY_RUN if given.pop("dry_run", False) else TrainConfig(), **given)
    if not 0.0 <= cfg.average <= 1.0 or (cfg.average > 0 and cfg.init is None):
        parser.error("--average takes a share from 0 to 1 of the --init checkpoint's weights; give --init too")
    return cfg


def format_epoch(row: dict) -> str:
    """Return one line summarising an epoch's history row."""
    return (
        f"epoch {row['epoch']:2d}  train loss {row['train_loss']:.4f} acc {row['train_acc']:.4f}  "
        f"val loss {row['val_loss']:.4f} acc {row['val_acc']:.4f}  ({row['seconds']:.0f}s)"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse, train with a progress bar, print the figures; a data or output problem is one red line."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from detector.errors import DetectorError

    cfg = parse_args(argv)
    console = Console()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            metrics = run(cfg, progress, on_epoch=lambda row: progress.console.print(format_epoch(row)))
    except (DataError, DetectorError) as err:
        console.print(f"[red]{err}[/]")
        return 1
    if "test_accuracy" in metrics:
        console.print(
            f"MNIST test accuracy {metrics['test_accuracy']:.2%}, inverted {metrics['inverted_test_accuracy']:.2%}"
        )
    console.print(f"wrote {cfg.out_dir / 'number_detector.pt'} and plots ({metrics['wall_time_s']:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
