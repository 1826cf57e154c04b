"""Benchmarks: reading accuracy and speed over labelled folders of pictures, real or generated.

May import ``detector`` and the rest of ``training`` (data, synthetic); nothing else imports the benchmarks.
"""
