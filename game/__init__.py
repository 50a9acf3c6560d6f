"""G2: the US-China AI compute race as a turn-based game and policy simulator.

The public API is `new_game` and `load_game`; both are imported lazily so that
`import game` stays cheap for the CLI and the terminal UI.
"""

from __future__ import annotations

__all__ = ["new_game", "load_game", "Game", "IllegalMove", "SaveError"]


def __getattr__(name: str):
    if name in __all__:
        from game.engine import api

        return getattr(api, name)
    raise AttributeError(f"module 'game' has no attribute {name!r}")
