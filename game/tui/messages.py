"""Messages the UI posts: past-tense events ("attributes down, messages up")."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from game.engine.api import TurnResult


@dataclass
class TurnResolved(Message):
    """Both sides committed and the engine played the quarter."""

    result: TurnResult


@dataclass
class PreviewReady(Message):
    """A move's preview finished in a worker."""

    key: str | None
    spreads: list
