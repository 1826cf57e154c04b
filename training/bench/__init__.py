"""Benchmarks: reading accuracy and speed over labelled folders of pictures."""
