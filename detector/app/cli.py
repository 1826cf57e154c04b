"""Command line: ``number_detector.py`` opens the menu; ``predict`` reads files in batch; ``serve`` the page.

The entry point parses arguments, runs one command and maps what escapes it to an exit
status in one place (``main``): a ``DetectorError`` carries its own ``exit_code``, Ctrl-C
ends ``predict`` with 130 and the menu and ``serve`` with 0. Each command's module is
imported only when it runs, so the menu appears at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from detector import __version__
from detector.errors import DetectorError, ExitCode


def _predict(args: argparse.Namespace) -> int:
    from detector.app.predict_cmd import run_predict

    return run_predict(args)


def _serve(args: argparse.Namespace) -> int:
    from detector.app.serve_cmd import run_serve

    return run_serve(args)


def _menu(args: argparse.Namespace) -> int:
    from detector.app.menu import run_menu

    return run_menu(debug=args.debug)


# One entry per subcommand: the function that runs it (the parsers are built in build_parser).
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"predict": _predict, "serve": _serve, "menu": _menu}


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for the top-level command and its subcommands."""
    from detector.app import predict_cmd, serve_cmd

    parser = argparse.ArgumentParser(
        prog="number_detector.py",
        description="Number Detector: recognise handwritten and printed digits. "
        "Without a command it opens the interactive menu (needs a terminal).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command")
    predict_cmd.add_parser(sub)
    serve_cmd.add_parser(sub)
    sub.add_parser("menu", help="open the interactive menu (the default)")
    return parser


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``argv``; an unknown option of a subcommand is reported with that subcommand's usage."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        owner = sub.choices.get(args.command, parser)
        owner.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def report(err: DetectorError) -> int:
    """Print a user-fixable error as one line on stderr; return its exit status."""
    from detector.app.hints import message

    print(f"error: {message(err)}", file=sys.stderr)
    return int(err.exit_code)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the chosen command (the menu by default); return the exit status."""
    args = parse(build_parser(), argv)
    command = args.command or "menu"
    try:
        return int(COMMANDS[command](args))
    except DetectorError as err:
        return report(err)
    except KeyboardInterrupt:  # the one place Ctrl-C ends the program; the menu handles it within an option
        return int(ExitCode.OK if command in ("menu", "serve") else ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `predict ... | head` closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return int(ExitCode.OK)
    except Exception as err:  # last resort: one line, never a traceback unless --debug
        if args.debug:
            raise
        print(f"error: unexpected {type(err).__name__}: {err} (run with --debug for details)", file=sys.stderr)
        return int(ExitCode.FAILED)
