"""Constants the first screen needs, kept apart from the session so start-up does not import numpy."""

from __future__ import annotations

from pathlib import Path

SAVE_DIR = Path("saves")
AUTOSAVE = "autosave"
HOTSEAT = "human"  # the opponent spec for a second player at the same keyboard
