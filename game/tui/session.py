"""A game as the terminal UI plays it: the player's side, the opponent (an AI or a second human),
previews, advisors, saves and the end-of-game review. Pure Python + numpy: no Textual here, so it is
tested directly and the screens stay thin.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from game.ai import PERSONAS, agent_policy, agent_rng, decide, make_agent, observe, sanitize
from game.ai.base import move_strings, other_side
from game.ai.planner import TiledRng
from game.engine.api import DEFAULT_SCENARIO, Game, SaveError, TurnResult, load_game, new_game
from game.engine.data import SIDES
from game.tui.defaults import AUTOSAVE, HOTSEAT, SAVE_DIR

PREVIEW_GAMES = 200
PREVIEW_QUARTERS = 4
PREVIEW_METERS = (
    "capability_gap_months",
    "stock_ratio",
    "huawei_cn_share",
    "cn_global_app_share",
    "bubble_risk",
    "score",
)


def side_name(side: str) -> str:
    return "United States" if side == "us" else "China"


@dataclass
class Spread:
    """p10/p50/p90 of a meter's change after `PREVIEW_QUARTERS`, with the move and without it."""

    meter: str
    with_move: tuple[float, float, float]
    without: tuple[float, float, float]

    @property
    def effect(self) -> float:
        """Median difference the move makes."""
        return self.with_move[1] - self.without[1]


@dataclass
class Advice:
    advisor: str  # the persona key
    title: str
    move: str | None  # a move string, or None to hold
    reason: str


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
        opponent = opponent or ("pragmatist" if side == "us" else "dealmaker")
        return cls(new_game(scenario, seed), side, opponent, save_dir=save_dir or SAVE_DIR)

    @classmethod
    def load(cls, path: str | Path) -> Session:
        """Resume a save. Raises SaveError (the file is left untouched)."""
        p = Path(path)
        game = load_game(p)
        extra = json.loads(p.read_text(encoding="utf-8")).get("extra") or {}
        side = extra.get("side", "us")
        opponent = extra.get("opponent", "pragmatist")
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

    def china_channels(self) -> dict[str, float]:
        """China's effective compute now by channel (B300e), as the engine counts it."""
        from game.engine import model

        st = self.game.snapshot().state
        stocks = st.stocks[0].sum(axis=1)
        eff = float(model.dom_eff(self.game.data.params, st.lev)[0])
        return {
            "old Nvidia": float(stocks[model.LEGACY]),
            "imports": float(stocks[model.IMPORT]),
            "domestic": float(stocks[model.DOMESTIC]) * eff,
            "grey mkt": float(stocks[model.GREY]),
            "cloud": float(st.s["cn_cloud"][0]),
        }

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

    # -- previews and advice
    def preview(
        self, move: str | None, side: str | None = None, n: int = PREVIEW_GAMES
    ) -> list[Spread]:
        """The likely effect of `move` over the next quarters against holding: n simulated futures
        each way, sharing their dice, with the opponent played by its personas."""
        side = side or self.side
        other = other_side(side)
        batch = self.game.snapshot()
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.game.seed, 99])))
        # rows i and n+i (with and without the move) share their dice: one game, 2 candidates, n futures
        sim = batch.fork(np.zeros(2 * n, dtype=int), TiledRng(rng, 1, 2, n))
        choices = sim.no_moves()
        if move:
            obs = observe(sim, side)
            c = obs.choices()
            c.want(move, np.arange(2 * n) < n)
            choices = c.array
        start = {m: sim.state.meters[m].copy() for m in PREVIEW_METERS}
        opp = make_agent("random-persona", other)
        half = np.arange(n) % len(PERSONAS[other])
        opp.assign = np.concatenate([half, half])  # each pair faces the same persona
        left = batch.scenario.end - batch.state.q + 1
        for h in range(min(PREVIEW_QUARTERS, left)):
            oobs = observe(sim, other)
            theirs = sanitize(oobs, opp.act(oobs, TiledRng(rng, 1, 2, n)))
            mine = choices if h == 0 else sim.no_moves()
            sim.step(np.maximum(mine, theirs))
        out = []
        for m in PREVIEW_METERS:
            d = sim.state.meters[m] - start[m]
            q = lambda x: tuple(float(v) for v in np.percentile(x, (10, 50, 90)))  # noqa: E731
            out.append(Spread(m, q(d[:n]), q(d[n:])))
        return out

    def advisors(self, side: str | None = None) -> list[Advice]:
        """The side's three personas as advisors: each names its first move now and why, with the
        engine's forecast of that move against holding."""
        side = side or self.side
        obs = observe(
            self.game.snapshot(), side
        )  # personas only read it: one view serves all three
        out = []
        for key, cls in PERSONAS[side].items():
            persona = cls()
            persona.patience = 0.0
            row = sanitize(obs, persona.act(obs, np.random.default_rng(0)))[0]
            moves = move_strings(self.game.data, row)
            if not moves:
                out.append(Advice(key, cls.title, None, "Hold: nothing on my list pays now."))
                continue
            first = moves[0]
            sp = {s.meter: s for s in self.preview(first, side, n=100)}
            gap = sp["capability_gap_months"].effect
            score = sp["score"].effect * (1 if side == "us" else -1)
            gap_txt = (
                f"widens the US lead by {gap:.1f} months"
                if gap > 0.05
                else f"narrows it by {-gap:.1f} months"
                if gap < -0.05
                else "barely moves the capability gap"
            )
            out.append(
                Advice(
                    key,
                    cls.title,
                    first,
                    f"{cls.description} Forecast over a year against holding: {gap_txt}; "
                    f"our score {score:+.1f}.",
                )
            )
        return out

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

    def compare_with_personas(self, n: int = 300) -> dict[str, float]:
        """For each persona of the player's side: the share of n simulated games of the same start
        (same scenario, same opponent) where the persona ended with a worse score than the player."""
        from game.engine.runner import run

        if not self.game.history:
            return {}
        mine = self.game.meters["score"] * (1 if self.side == "us" else -1)
        opp_spec = "random-persona" if self.hotseat else self.opponent
        out = {}
        for key in PERSONAS[self.side]:
            pol = {
                self.side: agent_policy(
                    make_agent(key, self.side), agent_rng(self.game.seed, self.side)
                ),
                self.other: agent_policy(
                    make_agent(opp_spec, self.other), agent_rng(self.game.seed, self.other)
                ),
            }
            tr = run(self.game.scenario, pol["us"], pol["china"], n, self.game.seed)
            theirs = tr.final("score") * (1 if self.side == "us" else -1)
            out[key] = float(np.mean(theirs < mine))
        return out


def _safe_name(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.strip()).strip(".-")
    return name or "game"


def list_saves(folder: str | Path = SAVE_DIR) -> list[SaveInfo]:
    """Every *.json in the folder, newest first, with its facts or the reason it cannot be read."""
    from game.engine.api import read_save

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
