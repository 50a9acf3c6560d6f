"""A game as the terminal UI plays it: the player's side, the opponent (an AI or a second human),
saves and the end-of-game review. Only the UI's state lives here; forecasts (previews, advisors,
the personas' comparison) are in `game.ai.forecast`. No Textual here, so it is tested directly.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from game.ai import decide, make_agent
from game.ai.catalog import default_opponent
from game.engine.api import Game, SaveError, TurnResult, load_game, new_game, read_save
from game.engine.data import DEFAULT_SCENARIO, SIDES, other_side, side_name
from game.tui.defaults import AUTOSAVE, HOTSEAT, SAVE_DIR

__all__ = ["Session", "SaveInfo", "list_saves", "side_name"]


@dataclass
class SaveInfo:
    path: Path
    scenario: str = ""
    side: str = ""
    quarter: str = ""
    saved: str = ""
    opponent: str = ""
    error: str = ""


@dataclass
class Session:
    game: Game
    side: str  # the player's side (in hot-seat: the side that moves first each quarter)
    opponent: str  # an agent spec, or "human" for hot-seat
    name: str = ""
    save_dir: Path = field(default_factory=lambda: SAVE_DIR)
    results: list[TurnResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"side must be 'us' or 'china', got {self.side!r}")
        self.other = other_side(self.side)
        self.agent = None if self.hotseat else make_agent(self.opponent, self.other)
        if self.agent is not None:
            self.agent.reset(1)
        self.name = self.name or f"{self.game.scenario}-{self.side}-{self.game.seed}"

    # -- construction
    @classmethod
    def new(
        cls,
        side: str = "us",
        scenario: str = DEFAULT_SCENARIO,
        opponent: str | None = None,
        seed: int | None = None,
        save_dir: Path | None = None,
    ) -> Session:
        """A new game; the default opponent is the other side's first persona of the documents'
        dual-track middle (China's pragmatist, the US dealmaker)."""
        opponent = opponent or default_opponent(side)
        return cls(new_game(scenario, seed), side, opponent, save_dir=save_dir or SAVE_DIR)

    @classmethod
    def load(cls, path: str | Path) -> Session:
        """Resume a save. Raises SaveError (the file is left untouched)."""
        p = Path(path)
        game = load_game(p)
        extra = json.loads(p.read_text(encoding="utf-8")).get("extra") or {}
        side = extra.get("side", "us")
        opponent = extra.get("opponent", default_opponent(side))
        try:
            s = cls(game, side, opponent, name=extra.get("name", p.stem), save_dir=p.parent)
        except ValueError as exc:
            raise SaveError(f"{p}: {exc}") from None
        return s

    # -- facts
    @property
    def hotseat(self) -> bool:
        return self.opponent == HOTSEAT

    @property
    def over(self) -> bool:
        return self.game.over

    def opponent_title(self) -> str:
        if self.hotseat:
            return "a second player (hot-seat)"
        return getattr(self.agent, "title", self.opponent)

    # -- playing
    def _agent_rng(self) -> np.random.Generator:
        """The AI's dice: seeded from the game and the quarter, so a loaded save plays on identically."""
        q = len(self.game.history)
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence([self.game.seed, 7, SIDES.index(self.other), q]))
        )

    def opponent_moves(self) -> list[str]:
        """What the AI opponent plays this quarter (decided from its own view of the game)."""
        if self.agent is None:
            return []
        return decide(self.agent, self.game, self._agent_rng())

    def resolve(
        self, mine: list[str], theirs: list[str] | None = None, autosave: bool = True
    ) -> TurnResult:
        """Play the quarter: the player's moves, and the opponent's (the AI's unless given)."""
        if theirs is None:
            theirs = self.opponent_moves()
        r = self.game.play_turn({self.side: list(mine), self.other: list(theirs)})
        self.results.append(r)
        if autosave:
            self.save(AUTOSAVE)
        return r

    # -- saving
    def save(self, name: str | None = None) -> Path:
        name = _safe_name(name or self.name)
        extra = {
            "side": self.side,
            "opponent": self.opponent,
            "name": self.name,
            "saved_at": datetime.now().isoformat(timespec="seconds"),
        }
        return self.game.save(self.save_dir / f"{name}.json", extra=extra)

    # -- the end
    @property
    def comparison_opponent(self) -> str:
        """The agent the personas' comparison plays against: the opponent, or a random persona
        in hot-seat (the second human cannot be replayed)."""
        return "random-persona" if self.hotseat else self.opponent

    def score_history(self) -> list[float]:
        return [m["score"] for m in self.game.meter_history]

    def turning_points(self, k: int = 3) -> list[tuple[str, float, list[str]]]:
        """The k quarters whose score moved most: (quarter, change, both sides' moves)."""
        hist = self.score_history()
        rows = []
        for i, rec in enumerate(self.game.history):
            change = hist[i + 1] - hist[i]
            rows.append((rec["quarter"], change, [*rec["us"], *rec["china"]]))
        return sorted(rows, key=lambda r: -abs(r[1]))[:k]


def _safe_name(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.strip()).strip(".-")
    return name or "game"


def list_saves(folder: str | Path = SAVE_DIR) -> list[SaveInfo]:
    """Every *.json in the folder, newest first, with its facts or the reason it cannot be read."""
    out = []
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for p in sorted(folder.glob("*.json"), key=lambda q: q.stat().st_mtime, reverse=True):
        try:
            body = read_save(p)
        except SaveError as exc:
            out.append(SaveInfo(p, error=str(exc).removeprefix(f"{p}: ")))
            continue
        extra = body.get("extra") or {}
        saved = extra.get("saved_at") or time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.localtime(p.stat().st_mtime)
        )
        out.append(
            SaveInfo(
                p,
                body["scenario"],
                str(extra.get("side", "?")),
                str(body.get("quarter", "?")),
                saved,
                str(extra.get("opponent", "?")),
            )
        )
    return out
