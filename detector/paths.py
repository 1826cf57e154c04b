"""Default locations, resolved from the package's own place on disk (never the CWD)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
DEFAULT_MODEL = MODELS_DIR / "number_detector.onnx"  # what recognition reads (onnxruntime)
DEFAULT_CHECKPOINT = MODELS_DIR / "number_detector.pt"  # what training writes and evaluates (torch)
MENU_DATA_DIR = PROJECT_ROOT / "menu_data"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")
CSV_SUFFIXES = (".csv",)
