"""Training for Number Detector: data, augmentation, the loop, plots and evaluation."""
