"""The interactive terminal menu: the options, their dispatch, and ``run_menu``.

Nothing heavy is imported here: torch loads in a background thread once the menu shows
(``detector.app.loader``), so the menu appears at once. The prompt layer is injected
(``ask``; the real one is ``detector.app.prompts``) so tests drive the menu without a
terminal. The heavier steps live in ``detector.app.menu_steps``.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from detector.app.loader import ModelLoader
from detector.app.menu_steps import Selection, file_choices, pick_row, read_all, show_picture
from detector.errors import DetectorError, InputError

OPTIONS = (
    ("Explain how it works", "explain"),
    ("Load image", "load"),
    ("Start recognition", "recognize"),
    ("Display selected image", "display"),
    ("Draw a digit", "draw"),
    ("Recognize everything in menu_data", "batch"),
    ("Open in the browser", "browser"),
    ("Exit", "exit"),
)
BACK, OTHER = "__back__", "__other__"
log = logging.getLogger(__name__)
NO_TERMINAL = "The menu needs a terminal; for scripts use: python number_detector.py predict --help"


class Menu:
    """The menu's state and one method per option."""

    web = None  # the browser page's BackgroundServer, once "Open in the browser" started it

    def __init__(
        self, console, ask, menu_dir: Path, outputs_dir: Path, loader: ModelLoader, debug: bool = False
    ) -> None:
        self.console, self.ask, self.loader, self.debug = console, ask, loader, debug
        self.menu_dir, self.outputs_dir = Path(menu_dir), Path(outputs_dir)
        self.selection: Selection | None = None

    def run(self) -> int:
        """Show the menu until Exit, Ctrl-C or Ctrl-D; return 0."""
        last = "explain"
        try:
            while True:
                choice = self.ask.select(self.heading(), list(OPTIONS), default=last)
                if choice in (None, "exit"):
                    break
                last = choice
                self.dispatch(choice)
        except EOFError:
            pass
        self.stop_browser()
        self.console.print("Bye.")
        return 0

    def heading(self) -> str:
        """Return the main prompt, naming the loaded item."""
        from detector.app.render import describe_selection

        s = self.selection
        loaded = "nothing loaded" if s is None else f"loaded: {describe_selection(s.path, s.row, s.label)}"
        return f"Number Detector ({loaded})"

    def dispatch(self, choice: str) -> None:
        """Run one option; user-fixable errors and Ctrl-C become one line, and the menu goes on."""
        try:
            getattr(self, f"do_{choice}")()
        except DetectorError as err:
            self.say(str(err), "error")
        except OSError as err:  # a file system surprise outside the library's checks
            self.say(f"{err.strerror or err}: {err.filename or 'file'}; check the path and its permissions", "error")
        except KeyboardInterrupt:
            self.say("Stopped.", "warn")
        except EOFError:  # Ctrl-D in a sub-prompt: leave, as at the main menu
            raise
        except Exception as err:  # a bug or a GUI toolkit surprise: one line, and the menu goes on
            if self.debug:
                raise
            log.debug("menu option %s failed", choice, exc_info=True)  # debug: never on screen by default
            self.say(f"unexpected {type(err).__name__}: {err}; the menu carries on (start it with --debug for details)",
                     "error")  # fmt: skip

    def say(self, message: str, kind: str = "info") -> None:
        """Print a one-line message."""
        from detector.app.render import notice

        self.console.print(notice(message, kind))

    def ensure_menu_dir(self) -> list[Path]:
        """Create menu_data/ when missing (and say so); return its images and CSVs, sorted."""
        from detector.io import list_inputs

        if not self.menu_dir.is_dir():
            try:
                self.menu_dir.mkdir(parents=True)
            except OSError as err:
                raise InputError(f"cannot create {self.menu_dir}: {err.strerror}; create it yourself") from err
            self.say(f"Created the folder {self.menu_dir.resolve()}.")
        files = list_inputs(self.menu_dir)
        if not files:
            self.say(f"{self.menu_dir.resolve()} is empty: copy images (PNG, JPG, ...) or pixel CSVs into it.", "warn")
        return files

    def predictor(self):
        """Return the Predictor, waiting for the background load when it is still running."""
        with self.console.status("Loading the model..."):
            return self.loader.get()

    def do_explain(self) -> None:
        """Show what the program does and where it reads files from."""
        from detector.app.render import explain_panel

        self.console.print(explain_panel(self.menu_dir))

    def do_load(self) -> None:
        """Pick a file from menu_data/ (or any path) and, for CSVs, a row."""
        files = self.ensure_menu_dir()
        choices = [*file_choices(files), ("Other file…", OTHER), ("Back", BACK)]
        choice = self.ask.select("Load which file?", choices)
        if choice == OTHER:
            typed = self.ask.path("Path of an image or CSV (Enter = back):")
            choice = os.path.expanduser(typed.strip()) if typed and typed.strip() else None
        if choice not in (None, BACK):
            self.load_file(Path(choice))

    def load_file(self, path: Path) -> None:
        """Check that ``path`` can be read and make it the selection."""
        from detector.app.render import describe_selection
        from detector.io import kind_of, read_image

        if not path.exists():
            raise InputError(f"{path} does not exist; check the name and try again")
        kind = kind_of(path)
        if kind == "other":
            raise InputError(f"{path.name} is not an image or CSV; pick a PNG, JPG, BMP, GIF, TIFF, WebP or CSV file")
        if kind == "image":
            read_image(path)  # an unreadable file fails now, with its reason, not at recognition
            selection = Selection(path)
        else:
            selection = pick_row(self.ask, self.say, path)
        if selection is not None:
            self.selection = selection
            self.say(f"Loaded {describe_selection(path, selection.row, selection.label)}: choose 'Start recognition'.")

    def read_selection(self):
        """Recognise the selection; None (after saying why) when nothing is loaded or the file went."""
        from detector.csvfile import load_row

        s = self.selection
        if s is None:
            self.say("Nothing loaded yet: choose 'Load image' first.", "warn")
            return None
        if not s.path.exists():
            self.say(f"{s.path.name} is no longer there (moved or deleted): load another file.", "warn")
            self.selection = None
            return None
        predictor = self.predictor()
        if s.row is None:
            return next(iter(predictor.read_path(s.path)))
        pixels, label = load_row(s.path, s.row)
        return replace(predictor.read_array(pixels, str(s.path)), row=s.row, label=label)

    def do_recognize(self) -> None:
        """Read the selection and show the number, confidence and probabilities."""
        from detector.app.render import describe_selection, reading_panel

        reading = self.read_selection()
        if reading is not None:
            title = describe_selection(self.selection.path, self.selection.row, self.selection.label)
            self.console.print(reading_panel(reading, title))

    def do_display(self) -> None:
        """Show the picture with its prediction: a window, or a saved PNG and a terminal preview."""
        reading = self.read_selection()
        if reading is None:
            return
        if reading.error:
            self.say(f"{self.selection.path.name}: {reading.error}", "error")
            return
        saved = show_picture(self.console, reading, self.selection, self.outputs_dir)
        if saved is not None:
            self.say(f"No display here (SSH, Docker, CI?): saved the picture to {saved}")

    def do_draw(self) -> None:
        """Open the drawing window (needs a display); report the drawings saved."""
        from detector.app.window import has_display

        if not has_display():
            self.say("Drawing needs a display (a desktop session); none here (SSH, Docker, CI?).", "warn")
            return
        predictor = self.predictor()
        self.say("Draw in the window (Clear, Save); close it to come back here.")
        from detector.app.draw import run_draw

        for path in run_draw(predictor, self.menu_dir):
            self.say(f"Saved {path}: load it with 'Load image'.")

    def do_batch(self) -> None:
        """Read every image and CSV row in menu_data/, show a table and save it as CSV."""
        from detector.app.render import results_view
        from detector.files import save_results_csv

        files = self.ensure_menu_dir()
        if not files:
            return
        readings, stopped = read_all(self.console, self.predictor(), files)
        self.console.print(results_view(readings, stopped=stopped))
        if stopped:
            self.say("Stopped with Ctrl-C: the table holds what was read so far.", "warn")
        if readings:
            self.say(f"Saved the table to {save_results_csv(readings, self.outputs_dir)}")

    def do_browser(self) -> None:
        """Serve the browser page in the background (once; chosen again, the same server), open it."""
        from detector.app.web.runner import open_browser, start_in_background

        if self.web is None or not self.web.running:
            predictor = self.predictor()
            with self.console.status("Starting the web server..."):
                self.web = start_in_background(predictor, self.menu_dir, self.loader.path)
        opened = open_browser(self.web.url)
        how = "opened in your browser" if opened else "open it in a browser on this machine"
        self.say(f"The page is at {self.web.url} ({how}); it stops when you leave the menu.")

    def stop_browser(self) -> None:
        """Stop the browser page's server, if one was started."""
        if self.web is not None:
            self.web.stop()
            self.web = None


def run_menu(console=None, ask=None, menu_dir=None, outputs_dir=None, model_path=None, debug: bool = False) -> int:
    """Run the interactive menu.

    Args:
        console: rich Console to print to (default: a new one on stdout).
        ask: Prompt layer with ``select``/``text``/``path`` (default: questionary; needs a terminal).
        menu_dir: Folder of inputs (default: $ND_MENU_DIR or menu_data/).
        outputs_dir: Folder for saved results (default: $ND_OUTPUTS_DIR or outputs/).
        model_path: Model file, .onnx (default: $ND_MODEL or models/number_detector.onnx).
        debug: Let unexpected errors raise (with their traceback) instead of one line.

    Returns:
        0 after Exit, Ctrl-C or Ctrl-D; 2 when started without a terminal.
    """
    from rich.console import Console

    if ask is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        (console or Console(stderr=True)).print(NO_TERMINAL, markup=False, highlight=False, soft_wrap=True)
        return 2
    from detector import paths
    from detector.app import prompts

    menu = Menu(
        console or Console(),
        ask or prompts.QuestionaryPrompts(),
        Path(menu_dir or os.environ.get("ND_MENU_DIR") or paths.MENU_DATA_DIR),
        Path(outputs_dir or os.environ.get("ND_OUTPUTS_DIR") or paths.OUTPUTS_DIR),
        ModelLoader(Path(model_path or os.environ.get("ND_MODEL") or paths.DEFAULT_MODEL)),
        debug,
    )
    when_shown = getattr(menu.ask, "call_when_shown", None)
    when_shown(menu.loader.start) if when_shown else menu.loader.start()  # torch loads after the menu shows
    try:
        return menu.run()
    except KeyboardInterrupt:
        return 0
