"""Training for Number Detector: data, augmentation, the loop, calibration, evaluation, plots and benchmarks.

May import ``detector`` (the library it trains for); nothing in ``detector`` may import ``training``.
"""
