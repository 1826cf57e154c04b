"""The real prompt layer for the menu: questionary questions with Ctrl-C as back, Ctrl-D as exit.

questionary and prompt_toolkit are imported inside the methods, so importing this module
is cheap and tests can inject their own prompt layer instead.
"""

from __future__ import annotations

from collections.abc import Callable


class QuestionaryPrompts:
    """The real prompt layer. Each method returns the answer, or None on Ctrl-C (back).

    Ctrl-D raises EOFError, which the menu treats as Exit.
    """

    def __init__(self) -> None:
        self._on_shown: Callable[[], None] | None = None

    def call_when_shown(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, right after the first prompt is drawn on screen."""
        self._on_shown = callback

    def select(self, message: str, choices: list[tuple[str, str]], default: str | None = None) -> str | None:
        """Ask to pick one of ``choices`` (title, value); return the value."""
        import questionary

        items = [questionary.Choice(title, value=value) for title, value in choices]
        values = [v for _, v in choices]
        q = questionary.select(message, items, default=default if default in values else None, qmark="")
        return self._ask(q)

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

    def _ask(self, question):
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        keys = KeyBindings()
        keys.add("c-d", eager=True)(lambda event: event.app.exit(exception=EOFError()))
        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, keys])
        if self._on_shown is not None:
            app.after_render += self._shown
        try:
            return question.unsafe_ask()
        except KeyboardInterrupt:
            return None
