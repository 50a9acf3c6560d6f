"""Analysis: calibration against the documents' targets, parameter sweeps and tournaments.

This layer uses the engine and the AI players; the front ends (`cli.py`, `tui/`) use it.
"""

# the scenarios `g2 balance` measures by default (here, not in balance.py, so the CLI's help can
# name them without importing numpy and the AIs)
DESIGN_SCENARIOS = ("2025-deepseek-shock", "long-game")
