"""The screens of the G2 terminal UI, one per module.

The names below are exported lazily, so importing one screen does not import the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "NewGameChoice": "game.tui.screens.newgame",
    "NewGameScreen": "game.tui.screens.newgame",
    "LoadScreen": "game.tui.screens.load",
    "HelpScreen": "game.tui.screens.help",
    "GAME_KEYS": "game.tui.screens.help",
    "load_glossary": "game.tui.screens.help",
    "GameOverScreen": "game.tui.screens.gameover",
    "TooSmallScreen": "game.tui.screens.too_small",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
