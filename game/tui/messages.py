"""Messages the UI posts: past-tense events ("attributes down, messages up")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from game.engine.api import TurnResult

if TYPE_CHECKING:
    from game.ai.forecast import PathPreview


@dataclass
class TurnResolved(Message):
    """Both sides committed and the engine played the quarter."""

    result: TurnResult


@dataclass
class PreviewReady(Message):
    """A move's preview finished in a worker."""

    key: str | None
    path: PathPreview  # game.ai.forecast.preview_path: with and without the move, to the end
