"""Analysis: calibration against the documents' targets, parameter sweeps and tournaments.

This layer uses the engine and the AI players; the front ends (`cli.py`, `tui/`) use it.
"""
