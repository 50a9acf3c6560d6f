"""The Agent interface: an agent sees one side's observation of a batch of games and returns moves.

Everything is batched. An observation holds arrays with a leading axis of n games (n = 1 for a single
game), and an agent answers with a choice matrix of shape (n, number of moves): the option index of
each move it makes, -1 for moves it does not make. Scripted agents compute that matrix with array
operations, so a 10,000-game batch costs no more Python than one game.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from game.engine import rules
from game.engine.data import SIDES, GameData, capital_lever, quarter_name
from game.engine.dice import Dice
from game.engine.observe import visible_levers
from game.engine.plans import parse_move
from game.engine.rules import Budget

if TYPE_CHECKING:  # pragma: no cover
    from game.engine.api import Batch, Game


@dataclass
class Observation:
    """What one side sees of n games at the start of a quarter.

    meters: every meter, (n,) arrays. levers: every lever as this side sees it (game.engine.observe):
    NaN in the games where a covert move of the other side set it and has not been exposed yet.
    legal[j]: for each of this side's moves j, an (n, options) bool array, True where that option
    may be played now and is affordable on its own.
    """

    side: str
    data: GameData
    q: int
    start: int
    end: int
    meters: dict[str, np.ndarray]
    levers: dict[str, np.ndarray]
    legal: dict[int, np.ndarray]
    active: np.ndarray
    batch: Batch | None = None  # the full games, for planners that simulate futures (`fork`)

    @property
    def n(self) -> int:
        return len(self.active)

    @property
    def quarter(self) -> str:
        return quarter_name(self.q)

    @property
    def quarters_left(self) -> int:
        """Quarters still to play, this one included."""
        return self.end - self.q + 1

    @property
    def capital(self) -> np.ndarray:
        return self.meters[capital_lever(self.side)]

    def stance(self, lever: str, option: str) -> np.ndarray:
        """Bool (n,): is `lever` currently at the named option?"""
        L = self.data.levers[lever]
        return np.rint(self.levers[lever]) == L.options.index(option)

    def choices(self) -> Choices:
        """A fresh, empty set of choices to fill with `want`."""
        return Choices(self)


class Choices(Budget):
    """Builds an agent's (n, moves) choice matrix under legality and the political-capital budget.

    `want(move, when)` plays `move` in every game where `when` holds, the move is legal, not already
    chosen this quarter and still affordable after the earlier wants; it returns where it was played.
    Call wants in order of priority: capital goes to the first that asks.
    """

    def __init__(self, obs: Observation):
        super().__init__(obs.data, obs.capital, lambda j, k: obs.legal[j][:, k])
        self.obs = obs

    def want(self, move: str, when: np.ndarray | bool = True) -> np.ndarray:
        obs = self.obs
        j, k = obs.data.memo(("move", move, obs.side), lambda: parse_move(obs.data, move, obs.side))
        return self.take(j, k, when)


@runtime_checkable
class Agent(Protocol):
    """Anything with a side, a name and `act(observation, rng) -> (n, moves) int array`.

    `act` may only use the randomness of the Generator it is handed, so a seeded run replays exactly.
    `reset(n)` is called before a batch of n games starts (agents with memory clear it there).
    """

    side: str
    name: str

    def reset(self, n: int) -> None: ...

    def act(self, obs: Observation, rng: np.random.Generator) -> np.ndarray: ...


class Hold:
    """Makes no moves (the baseline)."""

    title = "Hold"
    description = "Makes no moves: the baseline every other agent is measured against."
    speaks_for: tuple[str, ...] = ()

    def __init__(self, side: str):
        self.side, self.name = side, "hold"

    def reset(self, n: int) -> None:
        pass

    def act(self, obs: Observation, rng: np.random.Generator) -> np.ndarray:
        return obs.choices().array


def observe(batch: Batch, side: str) -> Observation:
    """One side's observation of every game in a batch."""
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}: use 'us' or 'china'")
    gd, st = batch.data, batch.state
    legal = {}
    for j, m in enumerate(gd.moves):
        if m.side != side:
            continue
        legal[j] = np.stack([rules.legal(gd, st, j, k) for k in range(len(m.options))], 1)
    return Observation(
        side=side,
        data=gd,
        q=st.q,
        start=batch.scenario.start,
        end=batch.scenario.end,
        meters=st.meters,
        levers=visible_levers(gd, st, side),
        legal=legal,
        active=~st.over,
        batch=batch,
    )


def sanitize(obs: Observation, choices: np.ndarray) -> np.ndarray:
    """Keep only this side's legal choices, cheapest budget first in move order (what the engine
    would play); agents that build with `Choices` never need this."""
    c = obs.choices()
    for j, leg in obs.legal.items():
        k = np.asarray(choices[:, j], dtype=np.int64)
        has = (k >= 0) & (k < leg.shape[1])
        c.take(j, np.where(has, k, 0), has)
    return c.array


def agent_policy(agent: Agent, rng):
    """Adapt an agent to the batch runner's policy: batch -> choices for the agent's side.

    `rng` is the agent's dice (`agent_rng`): for every new batch they are re-aimed at that batch's
    games, so a run split into chunks plays the same as one batch. (A plain Generator is used as is.)"""

    seen: list = []

    def act(batch: Batch) -> np.ndarray:
        if not seen or seen[0]() is not batch:  # a new batch: let the agent clear its memory
            dice = rng.for_games(batch.offset, batch.n) if isinstance(rng, Dice) else rng
            seen[:] = [weakref.ref(batch), dice]
            agent.reset(batch.n)
        obs = observe(batch, agent.side)
        return sanitize(obs, agent.act(obs, seen[1]))

    return act


def move_strings(gd: GameData, row: np.ndarray) -> list[str]:
    """One game's choice row as move strings ('h200_exports:deny', 'rasa_push')."""
    out = []
    for j in np.flatnonzero(row >= 0):
        m = gd.moves[j]
        out.append(f"{m.id}:{m.options[int(row[j])].name}" if m.has_options else m.id)
    return out


def decide(agent: Agent, game: Game, rng: np.random.Generator) -> list[str]:
    """The agent's moves for the game's current quarter, as move strings for `game.play_turn`."""
    batch = game.snapshot()
    obs = observe(batch, agent.side)
    return move_strings(game.data, sanitize(obs, agent.act(obs, rng))[0])


def agent_rng(seed: int, side: str, offset: int = 0, n: int = 1) -> Dice:
    """The dice handed to the agent playing `side` in a run seeded `seed`: Generator-like (random,
    integers, uniform, standard_normal), per game (games offset .. offset + n - 1), and independent
    of the world's own dice, so swapping an agent never changes the world's draws."""
    return Dice(seed, (1 + SIDES.index(side),), offset, n)
