"""The interactive terminal menu: the options, their dispatch, and ``run_menu``.

Nothing heavy is imported here: the model loads in a background thread once the menu shows
(``detector.app.loader``), so the menu appears at once. The prompt layer is injected
(``ask``, a ``detector.app.prompts.Prompts``) so tests drive the menu without a terminal.
The heavier steps live in ``detector.app.menu_steps``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from detector.app import menu_files as listing
from detector.app import menu_load as loading
from detector.app import menu_steps as steps
from detector.app.loader import ModelLoader
from detector.app.menu_steps import Selection
from detector.errors import DetectorError, ExitCode, InputError

if TYPE_CHECKING:
    from rich.console import Console

    from detector.app.prompts import Prompts

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
log = logging.getLogger(__name__)
NO_TERMINAL = "The menu needs a terminal; for scripts use: python number_detector.py predict --help"


class Menu:
    """The menu's state and one method per option."""

    web = None  # the browser page's BackgroundServer, once "Open in the browser" started it

    def __init__(
        self,
        console: Console,
        ask: Prompts,
        menu_dir: Path,
        outputs_dir: Path,
        loader: ModelLoader,
        debug: bool = False,
    ) -> None:
        self.console, self.ask, self.loader, self.debug = console, ask, loader, debug
        self.menu_dir, self.outputs_dir = Path(menu_dir), Path(outputs_dir)
        self.selection: Selection | None = None
        self.next_choice = "explain"  # where the cursor rests next: the natural next step
        self.on_interrupt: Callable[[], None] | None = None

    def run(self) -> int:
        """Show the menu until Exit, Ctrl-C or Ctrl-D; return 0."""
        while True:
            choice = self.ask.select(self.heading(), self.options(), default=self.next_choice)
            if choice in (None, "exit"):
                break
            self.next_choice = choice
            self.dispatch(choice)
        self.stop_browser()
        self.console.print("Bye.")
        return ExitCode.OK

    def options(self) -> list[tuple[str, str]]:
        """Return the main menu's entries, naming the real folder and fitting the terminal."""
        folder = self.menu_dir.resolve().name or str(self.menu_dir)
        titles = [(t.replace("menu_data", folder) if v == "batch" else t, v) for t, v in OPTIONS]
        return listing.fit_choices(titles, self.console.width)

    def heading(self) -> str:
        """Return the main prompt, naming the loaded item (shortened to the terminal's width)."""
        from detector.app.render import describe_selection, shorten

        s = self.selection
        width = self.console.width - 18  # room for " (Use arrow keys)"
        if s is None:
            return shorten("Number Detector (nothing loaded)", width)
        name = describe_selection(s.path, s.row, s.label)
        heading = f"Number Detector (loaded: {name})"
        return heading if len(heading) <= width else shorten(f"Number Detector ({name})", width)

    def dispatch(self, choice: str) -> None:
        """Run one option; user-fixable errors and Ctrl-C become one line, and the menu goes on."""
        self.on_interrupt = None
        try:
            getattr(self, f"do_{choice}")()
        except DetectorError as err:
            from detector.app.hints import message

            self.say(message(err), "error")
        except OSError as err:  # a file system surprise outside the library's checks
            self.say(f"{err.strerror or err}: {err.filename or 'file'}; check the path and its permissions", "error")
        except KeyboardInterrupt:  # Ctrl-C during an option (the prompts answer None instead)
            (self.on_interrupt or (lambda: self.say("Stopped.", "warn")))()
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
        self.next_choice = "load" if self.selection is None else "recognize"

    def do_load(self) -> None:
        """Pick a file from menu_data/ (or any path) and, for CSVs, a row."""
        self.take(loading.choose(self.ask, self.say, self.ensure_menu_dir(), self.console.width))

    def take(self, selection: Selection | None) -> None:
        """Make ``selection`` the loaded item (None: keep what was loaded) and say so."""
        from detector.app.render import describe_selection

        if selection is not None:
            self.selection = selection
            self.next_choice = "recognize"
            loaded = describe_selection(selection.path, selection.row, selection.label)
            self.say(f"Loaded {loaded}: choose 'Start recognition'.")

    def read_selection(self):
        """Recognise the selection; None (after saying why) when nothing is loaded or the file went."""
        from detector.csvfile import load_row

        s = self.selection
        if s is None or not s.path.exists():
            why = "Nothing loaded yet: choose 'Load image' first."
            if s is not None:
                why = f"{s.path.name} is no longer there (moved or deleted): load another file."
            self.say(why, "warn")
            self.selection, self.next_choice = None, "load"
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
            self.console.print(reading_panel(reading, title, width=self.console.width))

    def do_display(self) -> None:
        """Show the picture with its prediction: a window, or a saved PNG and a terminal preview."""
        reading = self.read_selection()
        if reading is None:
            return
        if reading.error:
            self.say(f"{self.selection.path.name}: {reading.error}", "error")
            return
        saved = steps.show_picture(self.console, self.say, reading, self.selection, self.outputs_dir, not self.debug)
        if saved is not None:
            self.say(f"No display here (SSH, Docker, CI?): saved the picture to {saved}")

    def do_draw(self) -> None:
        """Open the drawing window (needs a display); then offer to load what was saved."""
        from detector.app.window import has_display

        if not has_display():
            self.say("Drawing needs a display (a desktop session); none here (SSH, Docker, CI?).", "warn")
            return
        predictor = self.predictor()  # a model that cannot load is reported here, before a window opens
        self.say("Draw in the window (Clear, Save); the menu waits until you close it.")
        chosen = steps.draw_and_offer(self.ask, self.say, predictor, self.menu_dir, apart=not self.debug)
        if chosen is not None:
            self.take(loading.selection_of(self.ask, self.say, chosen))

    def do_batch(self) -> None:
        """Read every image and CSV row in menu_data/, show a table and save it as CSV."""
        files = self.ensure_menu_dir()
        if not files:
            return
        predictor = self.predictor()
        readings: list = []
        self.on_interrupt = lambda: self.show_batch(readings, files, stopped=True)  # Ctrl-C keeps what was read
        steps.read_all(self.console, predictor, files, readings)
        self.show_batch(readings, files, stopped=False)

    def show_batch(self, readings: list, files: list[Path], stopped: bool) -> None:
        """Print the results (what matters first when they do not fit) and save them as CSV."""
        steps.batch_report(self.console, self.say, readings, files, self.outputs_dir, self.results_stem(), stopped)

    def results_stem(self) -> str:
        """The saved table's name: the folder read, then ``-results``."""
        return f"{self.menu_dir.resolve().name or 'menu_data'}-results"

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


def run_menu(
    console: Console | None = None,
    ask: Prompts | None = None,
    menu_dir: Path | None = None,
    outputs_dir: Path | None = None,
    model_path: Path | None = None,
    debug: bool = False,
) -> int:
    """Run the interactive menu.

    Args:
        console: rich Console to print to (default: a new one on stdout).
        ask: Prompt layer (default: questionary; needs a terminal).
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
        return ExitCode.USAGE
    from detector import paths
    from detector.app import prompts

    model = Path(model_path or os.environ.get("ND_MODEL") or paths.DEFAULT_MODEL)
    menu = Menu(
        console or Console(),
        ask or prompts.QuestionaryPrompts(),
        Path(menu_dir or os.environ.get("ND_MENU_DIR") or paths.MENU_DATA_DIR),
        Path(outputs_dir or os.environ.get("ND_OUTPUTS_DIR") or paths.OUTPUTS_DIR),
        ModelLoader(model),
        debug,
    )
    problem = listing.model_problem(model, from_env=not model_path and bool(os.environ.get("ND_MODEL")))
    if problem:
        menu.say(problem, "error")
    prompts.when_shown(menu.ask, menu.loader.start)  # the model loads after the menu shows
    return menu.run()
