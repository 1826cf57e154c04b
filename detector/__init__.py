"""Number Detector: read handwritten and printed digits from images and pixel CSVs.

The library: reading files, pixel maths, ``segment/`` (finding digits), the model and
results. Importing it does nothing beyond defining names; it never imports ``detector.app``
(the menu, CLI and windows) or ``training``.
"""

__version__ = "1.0.0"
