"""Shared game rooms: a class plays in the browser (`g2 serve`), each team on its own machine.

The store (game.rooms.store: RoomStore, Member, RoomView, RoomError, AccessDenied) keeps every room
in one SQLite file. Its names are imported lazily here, so `import game.rooms` stays cheap.
"""

from __future__ import annotations

__all__ = ["ROLES", "AccessDenied", "Member", "RoomError", "RoomStore", "RoomView"]


def __getattr__(name: str):
    if name in __all__:
        from game.rooms import store

        return getattr(store, name)
    raise AttributeError(f"module 'game.rooms' has no attribute {name!r}")
