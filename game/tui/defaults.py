"""Constants the first screen needs, kept apart from the session so start-up does not import numpy."""

from __future__ import annotations

import os
from pathlib import Path


def default_save_dir() -> Path:
    """The app's save folder: $G2_SAVES when set (e.g. a class's shared server), else ./saves.
    Games always save here, never into the folder a save was loaded from."""
    return Path(os.environ.get("G2_SAVES") or "saves")


SAVE_DIR = default_save_dir()
# the prefix of each game's own autosave, autosave-{scenario}-{side}-{seed}-… (Session.autosave_path)
AUTOSAVE = "autosave"
HOTSEAT = "human"  # the opponent spec for a second player at the same keyboard
MAX_NAME = 64  # characters in a save's name
