"""The prompt layer of the menu: the ``Prompts`` protocol and its questionary implementation.

Every prompt answers None when the user backs out: Ctrl-C, Ctrl-D, or Escape in a list.
At the main menu None means Exit; at any other prompt it means Back. questionary and
prompt_toolkit are imported inside the methods, so importing this module is cheap and
tests can pass their own prompt layer.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Protocol, runtime_checkable

Choices = list[tuple[str, str]]  # (title shown, value returned)


@runtime_checkable
class Prompts(Protocol):
    """What the menu asks through. Each method returns the answer, or None when the user backed out."""

    def select(self, message: str, choices: Choices, default: str | None = None) -> str | None:
        """Ask to pick one of ``choices`` with the cursor on ``default``; return its value."""

    def text(self, message: str) -> str | None:
        """Ask for a line of text."""

    def path(self, message: str) -> str | None:
        """Ask for a file path."""


@runtime_checkable
class ShowsFirst(Protocol):
    """A prompt layer that can say when its first prompt is on screen (the real one can)."""

    def call_when_shown(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, right after the first prompt is drawn."""


def when_shown(prompts: Prompts, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the first prompt shows, or now when ``prompts`` cannot tell."""
    if isinstance(prompts, ShowsFirst):
        prompts.call_when_shown(callback)
    else:
        callback()


def terminal_width() -> int:
    """Columns of the terminal (80 when unknown)."""
    return shutil.get_terminal_size((80, 24)).columns


class QuestionaryPrompts:
    """The real prompt layer (implements ``Prompts`` and ``ShowsFirst``)."""

    def __init__(self) -> None:
        self._on_shown: Callable[[], None] | None = None

    def call_when_shown(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, right after the first prompt is drawn on screen."""
        self._on_shown = callback

    def select(self, message: str, choices: Choices, default: str | None = None) -> str | None:
        """Ask to pick one of ``choices`` (title, value); return the value."""
        import questionary

        items = [questionary.Choice(title, value=value) for title, value in choices]
        values = [v for _, v in choices]
        q = questionary.select(message, items, default=default if default in values else None, qmark="")
        return self._ask(q, escape=True)

    def text(self, message: str) -> str | None:
        """Ask for a line of text."""
        import questionary

        return self._ask(questionary.text(message, qmark=""))

    def path(self, message: str) -> str | None:
        """Ask for a file path, with completion."""
        import questionary

        return self._ask(questionary.path(message, qmark=""))

    def _shown(self, _app) -> None:
        callback, self._on_shown = self._on_shown, None
        if callback is not None:
            callback()

    def _ask(self, question, escape: bool = False) -> str | None:
        app = question.application
        app.key_bindings = back_keys(app.key_bindings, escape)
        if self._on_shown is not None:
            app.after_render += self._shown
        return question.unsafe_ask()


def back_keys(bindings, escape: bool):
    """Return ``bindings`` with Ctrl-C and Ctrl-D (and Escape when ``escape``) answering None.

    questionary turns Ctrl-C into KeyboardInterrupt and prompt_toolkit Ctrl-D into EOFError
    (or nothing, in a non-empty line); here all of them mean the same thing: back.
    """
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    def back(event) -> None:
        event.app.exit(result=None)

    keys.add("c-c", eager=True)(back)
    keys.add("c-d", eager=True)(back)
    if escape:  # not eager: Escape also starts the arrow keys' sequences
        keys.add("escape")(back)
    return merge_key_bindings([bindings, keys]) if bindings is not None else keys
