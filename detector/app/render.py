"""Pure functions from results to rich renderables; the menu prints them at the edge."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from detector.results import LOW_CONFIDENCE, Reading, percent

TABLE_LIMIT = 40  # rows shown in the terminal; the saved CSV holds them all
BAR_WIDTH = 40  # probability bars; narrower terminals shrink them
ERRORS_SHOWN = 5  # error lines listed under the results table


def explain_panel(menu_dir: Path) -> Panel:
    """Return the "how it works" panel, naming the folder the menu reads."""
    text = Text()
    text.append("Number Detector reads handwritten or printed digits and numbers.\n\n", style="bold")
    text.append("How: each picture is turned to gray and every piece of ink that might be a digit, light or dark, ")
    text.append("is scaled to 28x28 like the MNIST data set; a small neural network (a CNN) names each 0-9 or ")
    text.append("'not a digit' (a speck, an edge, a letter), and the digits that line up best are the number. ")
    text.append(f"Each comes with a confidence; below {LOW_CONFIDENCE:.0%} it is flagged as unsure.\n\n")
    text.append("Folder: ", style="bold")
    text.append(f"{menu_dir.resolve()}\n", style="cyan")
    text.append("Reads: ", style="bold")
    text.append("images (PNG, JPG, BMP, GIF, TIFF, WebP) and CSV files of 28x28 pixel rows ")
    text.append("(784 values 0-255 per row, optional label column).\n\n")
    text.append("Add your own: ", style="bold")
    text.append("copy pictures or CSVs into that folder, or use 'Draw a digit' and Save; then 'Load image'.")
    return Panel(text, title="How it works", border_style="blue")


def notice(message: str, kind: str = "info") -> Text:
    """Return a one-line message styled for its kind: info, warn or error."""
    style = {"info": "cyan", "warn": "yellow", "error": "bold red"}.get(kind, "")
    return Text(message, style=style, overflow="fold")


def shorten(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` columns at a word boundary, with an ellipsis when cut."""
    if len(text) <= width:
        return text
    cut = text[: max(1, width - 1)]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut).rstrip() + "…"


def shorten_distinct(titles: Sequence[str], width: int) -> list[str]:
    """Shorten each title to ``width`` columns; titles that would become equal keep the part where they differ.

    ``handwritten_note_1534.jpg  (7 KB)`` and ``handwritten_note_1535.jpg  (7 KB)`` become
    ``hand…note_1534.jpg  (7 KB)`` and ``hand…note_1535.jpg  (7 KB)``.
    """
    cut = [shorten(t, width) for t in titles]
    short = list(cut)
    for i, t in enumerate(cut):
        group = [titles[j] for j, o in enumerate(cut) if o == t]
        if len(group) > 1:
            short[i] = _around(titles[i], _common_prefix(group), width)
    return short


def _common_prefix(texts: list[str]) -> int:
    """Length of the start all of ``texts`` share (characters, not path parts)."""
    n = 0
    while all(len(t) > n for t in texts) and len({t[n] for t in texts}) == 1:
        n += 1
    return n


def _around(text: str, differs_at: int, width: int) -> str:
    """Cut ``text`` to ``width`` columns keeping the characters around ``differs_at``."""
    start = max(0, differs_at - 8)
    tail = text[start:]
    if start == 0 or len(text) <= width:
        return shorten(text, width)
    room = width - 1 - len(tail)
    if room >= 4:
        return text[:room] + "…" + tail
    return text[:4] + "…" + tail[: max(1, width - 6)] + "…"


def describe_selection(path: Path, row: int | None = None, label: int | str | None = None) -> str:
    """Return a short name for the loaded item, e.g. ``digits.csv row 3 (label 7)``."""
    name = path.name if row is None else f"{path.name} row {row}"
    return name if label is None else f"{name} (label {label})"


EIGHTHS = " ▏▎▍▌▋▊▉"


def bar_text(fraction: float, width: int) -> str:
    """Return a bar of block characters ``width`` cells wide filled to ``fraction``.

    Drawn with characters, not colour, so its length reads the same under NO_COLOR.
    """
    eighths = round(min(max(fraction, 0.0), 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def probability_bars(probabilities: Sequence[float], width: int = BAR_WIDTH) -> Table:
    """Return one bar per digit 0-9, ``width`` cells long; the most likely digit is highlighted and marked."""
    top = max(range(len(probabilities)), key=lambda d: probabilities[d])
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", width=1)
    grid.add_column()
    grid.add_column(justify="right", width=6)
    grid.add_column(width=1)
    for digit, p in enumerate(probabilities):
        best = digit == top
        style = "bold green" if best else "grey50"
        bar = Text(bar_text(float(p), width), style=style)
        grid.add_row(Text(str(digit), style="bold" if best else ""), bar, percent(p), "◀" if best else "")
    return grid


def reading_panel(reading: Reading, title: str | None = None, width: int = 100) -> RenderableType:
    """Return the result of one reading: number, confidence, flag and bars or per-digit rows.

    The panel is as wide as its content (never stretched across a wide terminal), and its
    bars shrink to fit a terminal ``width`` columns wide.
    """
    title = title or Path(reading.source).name
    if reading.error:
        return notice(f"{title}: {reading.error}", "error")
    if not reading.digits:
        return notice(f"{title}: no digit found; use dark ink on light paper (or light on dark)", "warn")
    head = Text()
    head.append("Number: ", style="bold")
    head.append(reading.number, style="bold green")
    head.append(f"   confidence {percent(reading.confidence)}")
    if reading.label is not None:
        mark = "✓" if reading.correct else "✗"
        head.append(f"   label {reading.label} {mark}", style="green" if reading.correct else "red")
    parts: list[RenderableType] = [head]
    if reading.low_confidence:
        parts.append(notice("Low confidence: the picture may be unclear or not a digit.", "warn"))
    bars = max(8, min(BAR_WIDTH, width - 16))  # 16: digit, percentage, marker, padding and the border
    one = len(reading.digits) == 1
    parts.append(probability_bars(reading.digits[0].probabilities, bars) if one else digit_rows(reading))
    style = "green" if not reading.low_confidence else "yellow"
    return Panel(Group(*parts), title=title, border_style=style, expand=False, title_align="left")


def digit_rows(reading: Reading) -> Table:
    """Return a table with one row per digit of a multi-digit reading."""
    table = Table(box=None, padding=(0, 1))
    for name in ("#", "digit", "confidence", "", "x", "y", "w", "h"):
        table.add_column(name, justify="left" if name == "" else "right")
    for i, d in enumerate(reading.digits, start=1):
        flag = "low" if d.confidence < reading.threshold else ""
        table.add_row(str(i), str(d.digit), percent(d.confidence), Text(flag, style="yellow"), *map(str, d.box))
    table.caption = "x, y: top left corner; w × h in pixels"
    table.caption_justify = "left"
    return table


def _row_cells(r: Reading, name: str) -> list:
    row = "" if r.row is None else str(r.row)
    label = "" if r.label is None else str(r.label)
    mark = {True: Text("✓", style="green"), False: Text("✗", style="red"), None: ""}[r.correct if r.digits else None]
    if r.label is not None and not r.digits and not r.error:
        mark = Text("✗", style="red")
    if r.error:
        return [name, row, "-", "", Text("err", style="red"), label, ""]
    flag = Text("!", style="bold yellow") if r.low_confidence or not r.digits else ""
    number = r.number or Text("none", style="yellow")
    return [name, row, number, percent(r.confidence), flag, label, mark]


def accuracy(readings: Sequence[Reading]) -> tuple[int, int]:
    """Return (correct, labelled) over the readings that carry a label."""
    labelled = [r for r in readings if r.label is not None]
    return sum(bool(r.correct) for r in labelled), len(labelled)


def what_matters_first(readings: Sequence[Reading], new: Collection[str] = ()) -> list[Reading]:
    """Return the readings in the order to show when not all fit: errors, unsure or wrong ones, new files, the rest.

    Within each group the original order (by file name, then row) is kept.
    """

    def rank(r: Reading) -> int:
        if r.error:
            return 0
        if r.low_confidence or not r.digits or r.correct is False:
            return 1
        return 2 if r.source in new else 3

    return sorted(readings, key=rank)


def results_table(
    readings: Sequence[Reading], limit: int = TABLE_LIMIT, width: int | None = None, new: Collection[str] = ()
) -> Table:
    """Return the batch results table: a row per image or CSV row, at most ``limit`` (what matters first).

    File names are shortened to fit a terminal ``width`` columns wide, staying distinct
    (without a width, rich cuts them); new files are bold.
    """
    shown = list(readings) if len(readings) <= limit else what_matters_first(readings, new)[:limit]
    table = Table(title="Results", box=box.SIMPLE_HEAD, padding=0)
    table.add_column("file", overflow="ellipsis", min_width=6)
    for name, w in (("row", 3), ("number", 6), ("conf", 6), ("low", 3), ("label", 5), ("ok", 2)):
        table.add_column(name, min_width=w, no_wrap=name != "number", justify="left" if name == "ok" else "right")
    names = [Path(r.source).name for r in shown]
    names = names if width is None else shorten_distinct(names, max(6, width - 32))
    for r, name in zip(shown, names, strict=True):
        table.add_row(*_row_cells(r, name), style="bold" if r.source in new else None)
    return table


def results_view(
    readings: Sequence[Reading], limit: int = TABLE_LIMIT, stopped: bool = False, new: Collection[str] = (),
    width: int | None = None,
) -> Group:  # fmt: skip
    """Return the results table followed by one line per input that could not be read (first few)."""
    failed = [r for r in readings if r.error]
    lines = [notice(f"{Path(r.source).name}{_row_name(r)}: {r.error}", "error") for r in failed[:ERRORS_SHOWN]]
    if len(failed) > ERRORS_SHOWN:
        lines.append(notice(f"... and {len(failed) - ERRORS_SHOWN} more errors, listed in the saved CSV", "error"))
    summary = Text(results_summary(readings, limit, stopped), style="bold")
    return Group(results_table(readings, limit, width, new), summary, *lines)


def _row_name(r: Reading) -> str:
    return "" if r.row is None else f" row {r.row}"


def results_summary(readings: Sequence[Reading], limit: int = TABLE_LIMIT, stopped: bool = False) -> str:
    """Return the line under the table: count, accuracy over labelled rows, errors."""
    parts = [f"{len(readings)} read" + (" (stopped early)" if stopped else "")]
    if len(readings) > limit:
        parts.append(f"{limit} shown: errors, unsure readings and new files (bold) first; all in the saved CSV")
    right, total = accuracy(readings)
    if total:
        parts.append(f"accuracy {right}/{total} = {right / total:.1%}")
    errors = sum(r.error is not None for r in readings)
    if errors:
        parts.append(f"{errors} could not be read")
    return "; ".join(parts)
