"""Number Detector: read handwritten and printed digits from images and pixel CSVs.

Importing this package does nothing beyond defining names: torch, the model and the
rest load lazily inside the functions that need them.
"""

__version__ = "1.0.0"
