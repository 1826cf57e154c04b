"""Speed benchmark: start-up, time per image, CSV throughput, peak memory, FLOP rate.

    python -m training.bench.speed [--model PATH] [--repeat N] [--quick]     (make bench)

Every figure is the median of ``--repeat`` runs. Inputs are generated in a temporary
folder: a 28x28 PNG, 1 MP and 12 MP JPEG photos of digits on paper, and a pixel CSV of
MNIST test rows (Kaggle layout) from ../shared/data, or drawn digits when it is absent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from detector.paths import DEFAULT_MODEL, PROJECT_ROOT
from training.config import CACHE_DIR, DATA_DIR

ENTRY = str(PROJECT_ROOT / "number_detector.py")
PEAK_GFLOPS = 157.0  # two 2.45 GHz cores x 2 AVX2 FMA units x 8 fp32 lanes x 2 FLOPs
# (with AVX-512 and full-width FMA units, as oneDNN finds on this machine's CPU, 16 lanes: 314)
PAPER = (236, 232, 222)  # off-white


def machine() -> str:
    """Return the CPU model and core count from /proc/cpuinfo, and torch's thread count."""
    import torch

    model = "unknown CPU"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, torch {torch.__version__} with {torch.get_num_threads()} threads"


def has_avx512() -> bool:
    """True when the CPU reports AVX-512: with 512-bit FMA its fp32 peak is twice the AVX2 figure."""
    try:
        with open("/proc/cpuinfo") as fh:
            return any(line.startswith("flags") and " avx512f" in line for line in fh)
    except OSError:
        return False


def quiet_env(**extra: str) -> dict[str, str]:
    """The container's environment: no display, Agg plots, a temporary HOME."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(MPLBACKEND="Agg", PYTHONUNBUFFERED="1", HOME=tempfile.gettempdir(), **extra)
    return env


def menu_launch_seconds(model: Path, menu_dir: Path) -> float:
    """Seconds from spawning the program in a pseudo-terminal until the menu's first choice shows."""
    import pexpect

    from detector.app.menu import OPTIONS

    env = quiet_env(ND_MODEL=str(model), ND_MENU_DIR=str(menu_dir), TERM="xterm-256color")
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, [ENTRY], env=env, dimensions=(40, 120), timeout=30)
    try:
        child.expect_exact(OPTIONS[0][0])
        return time.perf_counter() - start
    finally:
        child.terminate(force=True)


def first_answer_seconds(model: Path, image: Path) -> float:
    """Seconds from launching ``predict`` until its first result line arrives."""
    cmd = [sys.executable, ENTRY, "predict", "--json", "--model", str(model), str(image)]
    start = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=quiet_env()) as proc:
        line = proc.stdout.readline()
        took = time.perf_counter() - start
        proc.wait()
    if not line:
        raise RuntimeError(f"predict gave no answer for {image}")
    return took


# A small go-between forks and execs the command, so the figure is the command's own peak:
# Linux carries a process's max RSS across exec, and a direct child of this (large)
# process would start from ours.
RSS_PROBE = """import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{time.perf_counter() - start} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_predict(model: Path, inputs: list[Path]) -> tuple[float, float, int]:
    """Run ``predict --json`` as a child process; return (seconds, its peak RSS in MB, exit status)."""
    cmd = [sys.executable, ENTRY, "predict", "--json", "--model", str(model), *map(str, inputs)]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.txt"
        subprocess.run([sys.executable, "-c", RSS_PROBE, str(report), *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=quiet_env(), check=False)  # fmt: skip
        seconds, max_rss_kb, status = report.read_text().split()
    return float(seconds), int(max_rss_kb) / 1024, int(status)


def draw_digits(width: int, height: int, text: str, seed: int = 0):
    """Return a PIL RGB photo-like picture: ``text`` in dark ink on shaded, noisy paper."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = np.random.default_rng(seed)
    shade = np.linspace(1.0, 0.85, width, dtype=np.float32)[None, :, None]  # light falling off
    paper = np.asarray(PAPER, dtype=np.float32) * shade + rng.normal(0, 4, (height, width, 3))
    img = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))
    font = ImageFont.load_default(size=max(8, height // 3))
    draw = ImageDraw.Draw(img)
    box = draw.textbbox((0, 0), text, font=font)
    left, top = (width - (box[2] - box[0])) // 2, (height - (box[3] - box[1])) // 2
    draw.text((left - box[0], top - box[1]), text, fill=(40, 45, 70), font=font)
    return img.filter(ImageFilter.GaussianBlur(max(0.5, height / 1500)))


def make_inputs(folder: Path, rows: int) -> dict[str, Path]:
    """Write the benchmark inputs into ``folder``; return them by name."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"28x28 PNG": folder / "digit.png", "1 MP photo": folder / "1mp.jpg", "12 MP photo": folder / "12mp.jpg"}
    images, labels = mnist_rows(rows)
    Image.fromarray(images[0]).save(paths["28x28 PNG"])
    draw_digits(1155, 866, "2719", seed=1).save(paths["1 MP photo"], quality=90)
    draw_digits(4000, 3000, "4086", seed=2).save(paths["12 MP photo"], quality=90)
    paths["csv"] = write_pixel_csv(folder / f"rows_{rows}.csv", images, labels)
    return paths


def mnist_rows(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``rows`` MNIST test digits (uint8 (N, 28, 28)) and labels; drawn digits without MNIST."""
    if (DATA_DIR / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").exists():
        from training.data import raw_mnist

        images, labels = raw_mnist(DATA_DIR, CACHE_DIR, train=False)
        reps = -(-rows // len(images))
        return np.tile(images, (reps, 1, 1))[:rows], np.tile(labels, reps)[:rows]
    labels = np.arange(rows) % 10
    drawn = [255 - np.asarray(draw_digits(28, 28, str(d), seed=d).convert("L")) for d in range(10)]
    return np.stack([drawn[d] for d in labels]), labels


def write_pixel_csv(path: Path, images: np.ndarray, labels: np.ndarray) -> Path:
    """Write ``label,pixel0..pixel783`` rows (the Kaggle MNIST layout)."""
    with open(path, "w") as fh:
        fh.write("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n")
        np.savetxt(fh, np.column_stack([labels, images.reshape(len(images), -1)]), fmt="%d", delimiter=",")
    return path


def csv_stages(predictor, path: Path) -> dict[str, float]:
    """Seconds spent reading, preparing and classifying every row of a pixel CSV, in process."""
    from detector.csvfile import read_csv
    from detector.preprocess_batch import prepare_batch

    start = time.perf_counter()
    chunks = list(read_csv(path))
    parsed = time.perf_counter()
    prepared = [prepare_batch(c.images)[0] for c in chunks]
    ready = time.perf_counter()
    for batch in prepared:
        predictor.probabilities(batch)
    return {"parse": parsed - start, "prepare": ready - parsed, "model": time.perf_counter() - ready}


def ensure_model(model: Path | None, folder: Path) -> tuple[Path, str]:
    """Return the checkpoint to time and a note; an untrained one when none exists (same speed)."""
    if model is not None or DEFAULT_MODEL.exists():
        return Path(model or DEFAULT_MODEL), ""
    from detector.checkpoint import save_checkpoint
    from detector.config import ModelConfig
    from detector.model import DigitNet

    path = save_checkpoint(folder / "untrained.pt", DigitNet(ModelConfig()).eval(), ModelConfig())
    return path, f"no {DEFAULT_MODEL.name} yet: timing an untrained model of the same architecture"


def median_of(measure, repeat: int) -> float:
    """Call ``measure`` (returning seconds) once to warm up, then ``repeat`` times; return the median."""
    measure()
    return statistics.median(measure() for _ in range(repeat))


def timed(fn):
    """Wrap ``fn`` into a measure that returns the seconds one call takes."""

    def measure() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return measure


def check(value: float, target: float, lower_is_better: bool = True) -> bool:
    """Return True when ``value`` meets ``target``."""
    return value < target if lower_is_better else value >= target


def measure(model: Path, folder: Path, repeat: int, rows: int) -> list[tuple[str, str, str, bool | None]]:
    """Run every measurement; return table rows (what, median, target, met)."""
    from detector.model import count_macs
    from detector.predict import Predictor

    inputs = make_inputs(folder, rows)
    (folder / "menu").mkdir(exist_ok=True)
    table = []
    menu = median_of(lambda: menu_launch_seconds(model, folder / "menu"), repeat)
    table.append(("launch -> menu visible (pty)", f"{menu:.2f} s", "< 0.5 s", check(menu, 0.5)))
    first = median_of(lambda: first_answer_seconds(model, inputs["28x28 PNG"]), repeat)
    table.append(("launch -> first answer, predict 28x28", f"{first:.2f} s", "", None))
    torch_import = median_of(timed(lambda: subprocess.run([sys.executable, "-c", "import torch"], check=True)), repeat)
    table.append(("  for scale: python -c 'import torch', start to exit", f"{torch_import:.2f} s", "", None))
    predictor = Predictor.load(model)
    for name, target in (("28x28 PNG", 0.005), ("1 MP photo", 0.1), ("12 MP photo", 1.0)):
        took = median_of(timed(lambda p=inputs[name]: list(predictor.read_path(p))), repeat)
        table.append((f"per image, model loaded: {name}", f"{took * 1000:.1f} ms", f"< {target * 1000:g} ms",
                      check(took, target)))  # fmt: skip
    runs = [run_predict(model, [inputs["csv"]]) for _ in range(repeat)]
    if any(status != 0 for _, _, status in runs):
        raise RuntimeError(f"predict failed on {inputs['csv']}")
    rate = rows / statistics.median(s for s, _, _ in runs)
    peak = max(mb for _, mb, _ in runs)
    table.append((f"predict throughput, {rows:,}-row CSV (process)", f"{rate:,.0f} rows/s", ">= 3,000 rows/s",
                  check(rate, 3000, lower_is_better=False)))  # fmt: skip
    table.append(("  peak memory of that run (max RSS)", f"{peak:,.0f} MB", "< 1,024 MB", check(peak, 1024)))
    inproc = rows / median_of(timed(lambda: sum(1 for _ in predictor.read_csv_file(inputs["csv"]))), repeat)
    table.append(("  same CSV in process, model loaded", f"{inproc:,.0f} rows/s", "", None))
    stages = csv_stages(predictor, inputs["csv"])
    for stage in ("parse", "prepare", "model"):
        table.append((f"    {stage}", f"{stages[stage] / rows * 1e6:.0f} us/row", "", None))
    mflops = 2 * count_macs(predictor.model) / 1e6
    table.append(("model MFLOPs per image", f"{mflops:.1f}", "", None))
    wide = has_avx512()
    for what, per_s in (("model alone", rows / stages["model"]), ("end to end", rate)):
        gflops = mflops * per_s / 1000
        share = f"{gflops / PEAK_GFLOPS:.0%} of 157" + (f", {gflops / (2 * PEAK_GFLOPS):.0%} of 314" if wide else "")
        table.append((f"GFLOP/s reached, {what}", f"{gflops:.1f} ({share})", "", None))
    return table


def render(table: list[tuple[str, str, str, bool | None]], title: str):
    """Return a rich Table of the measurements."""
    from rich.table import Table

    out = Table(title=title, title_justify="left")
    for column in ("measure (median)", "value", "target", ""):
        out.add_column(column)
    for what, value, target, met in table:
        out.add_row(what, value, target, "" if met is None else ("ok" if met else "MISSED"))
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the options, measure, print the table; return 0."""
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="python -m training.bench.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="checkpoint (default: models/number_detector.pt)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is shown")
    parser.add_argument("--quick", action="store_true", help="2 runs and a 2,000-row CSV (a rough look)")
    args = parser.parse_args(argv)
    repeat, rows = (min(args.repeat, 2), 2000) if args.quick else (max(1, args.repeat), 10_000)
    console = Console()
    with tempfile.TemporaryDirectory(prefix="nd-bench-") as tmp:
        model, note = ensure_model(args.model, Path(tmp))
        if note:
            console.print(note)
        table = measure(model, Path(tmp), repeat, rows)
    console.print(render(table, f"Number Detector speed, median of {repeat} - {machine()}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
