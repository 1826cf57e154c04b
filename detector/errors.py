"""The library's own exceptions: every error a user can cause is one of these."""


class DetectorError(Exception):
    """Base class: a problem the user can fix; ``str(err)`` is one line saying how."""


class InputError(DetectorError):
    """An image, CSV or folder that cannot be read or holds no usable pixels."""


class ModelError(DetectorError):
    """A checkpoint that is missing, damaged, unsafe or of another architecture."""


class OutputError(DetectorError):
    """A result file that could not be written."""
