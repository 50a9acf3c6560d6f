"""Batch: N games of one scenario advanced together, every array with a leading game axis."""

from __future__ import annotations

import copy

import numpy as np

from game.engine import model
from game.engine.data import DEFAULT_SCENARIO, GameData, Inject, Scenario, load_data
from game.engine.dice import WORLD, Dice


def _scenario(gd: GameData, scenario: str) -> Scenario:
    if scenario not in gd.scenarios:
        raise KeyError(f"unknown scenario {scenario!r}; known: {', '.join(sorted(gd.scenarios))}")
    return gd.scenarios[scenario]


def _seed(seed: int | None) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


class Batch:
    """N games of one scenario advanced together: every array has a leading axis of length n.

    The batch holds games offset .. offset + n - 1 of a run seeded `seed`; each game's dice depend
    on the seed and its index alone (`game.engine.dice`), so a run can be split into batches of any
    size and game i plays the same wherever it runs (a one-game `Game` with seed s is game 0)."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        n: int = 1,
        seed: int | None = None,
        data: GameData | None = None,
        offset: int = 0,
    ):
        if n < 1:
            raise ValueError("a batch needs at least one game")
        if offset < 0:
            raise ValueError(f"offset must be non-negative, got {offset!r}")
        self.data = data or load_data()
        self.scenario = _scenario(self.data, scenario)
        self.seed = _seed(seed)
        self.offset = int(offset)
        self.rng = Dice(self.seed, (WORLD,), self.offset, n)
        self.state = model.initial_state(self.data, self.scenario, n)

    @property
    def n(self) -> int:
        return self.state.n

    @property
    def done(self) -> bool:
        return bool(self.state.over.all())

    def step(self, choices: np.ndarray, injects: tuple[Inject, ...] = ()):
        """Advance one quarter. `choices` is (n, n_moves) option indices, -1 = not chosen;
        `injects` are the facilitator's for this quarter (game.engine.data.load_inject)."""
        if self.state.q > self.scenario.end:
            raise RuntimeError("the scenario has ended")
        return model.step(self.data, self.scenario, self.state, choices, self.rng, injects)

    def no_moves(self) -> np.ndarray:
        return np.full((self.n, len(self.data.moves)), -1, dtype=np.int16)

    def copy(self) -> Batch:
        other = object.__new__(Batch)
        other.data, other.scenario, other.seed = self.data, self.scenario, self.seed
        other.offset = self.offset
        other.rng = copy.deepcopy(self.rng)
        other.state = self.state.copy()
        return other

    def fork(self, idx: np.ndarray, rng: np.random.Generator) -> Batch:
        """A new batch of games `idx` of this one (repeats allowed) that draws from `rng`: the
        what-if futures a planner or a preview simulates, leaving this batch untouched."""
        other = object.__new__(Batch)
        other.data, other.scenario, other.seed = self.data, self.scenario, self.seed
        other.offset = 0
        other.rng = rng
        other.state = self.state.take(idx)
        return other
