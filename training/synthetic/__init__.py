"""Generated pictures with known labels: printed digits to train on, scenes and signs to test and benchmark on.

May import ``detector`` (the inference preprocessing) and ``detector.files``; never the rest of ``training``.
"""
