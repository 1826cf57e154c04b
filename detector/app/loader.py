"""Loading the Predictor lazily, once, optionally in a background thread.

The menu starts the load after its first prompt shows, so torch is imported while the
user reads the menu rather than before it appears.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from detector.errors import ModelError


class ModelLoader:
    """Loads the Predictor once, on first use or in the background; thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._predictor = None
        self._error: ModelError | None = None

    def start(self) -> None:
        """Begin loading in a background thread so the first recognition does not wait.

        Not a daemon: leaving the menu at once waits for the load (a fraction of a second)
        rather than tearing onnxruntime down mid-load, which aborts the process.
        """
        threading.Thread(target=self._load_quietly, name="model-loader").start()

    def _load_quietly(self) -> None:
        with contextlib.suppress(ModelError):  # kept in self._error; shown when the user asks
            self.get()

    def get(self):
        """Return the Predictor, loading it if needed.

        Raises:
            ModelError: The model file is missing or unusable (the same error every time).
        """
        with self._lock:
            if self._predictor is None and self._error is None:
                from detector.predict import Predictor

                try:
                    self._predictor = Predictor.load(self.path)
                except ModelError as err:
                    self._error = err
            if self._error is not None:
                raise self._error
            return self._predictor
