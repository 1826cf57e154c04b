"""The program around the library: the terminal menu, the ``predict`` CLI, the window and the draw pad.

It may import anything in ``detector``; nothing outside ``detector/app/`` imports it.
"""
