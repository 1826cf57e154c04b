"""The library's own exceptions: every error a user can cause is one of these.

Each class carries the process exit status that the app's entry point returns for it
(commitizen's pattern: the code lives on the exception, the mapping in one place).
"""

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses of ``number_detector.py``, documented in ``predict --help``."""

    OK = 0
    FAILED = 1  # an input could not be read (the others were), or an unexpected error
    USAGE = 2  # wrong arguments, or the menu started without a terminal
    MODEL = 3  # the model could not be loaded: nothing was read
    OUTPUT = 4  # a result file could not be written
    INTERRUPTED = 130  # Ctrl-C in predict (128 + SIGINT, as shells report it)


class DetectorError(Exception):
    """Base class: a problem the user can fix; ``str(err)`` is one line saying how."""

    exit_code: ExitCode = ExitCode.FAILED


class InputError(DetectorError):
    """An image, CSV or folder that cannot be read or holds no usable pixels."""

    exit_code = ExitCode.FAILED


class ModelError(DetectorError):
    """A model file that is missing, damaged, unsafe or of another architecture.

    The message says what is wrong with the file; what to do about it depends on where the
    program runs (a clone can train or export one, the Docker image cannot), so the app adds
    that, guided by ``needs``: "model" (another model is needed), "export" (a training
    checkpoint was given where the .onnx is read) or None (the message already says it).
    """

    exit_code = ExitCode.MODEL

    def __init__(self, message: str, needs: str | None = "model") -> None:
        super().__init__(message)
        self.needs = needs


class OutputError(DetectorError):
    """A result file that could not be written."""

    exit_code = ExitCode.OUTPUT
