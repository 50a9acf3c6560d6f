"""Simulated futures: the one rollout routine behind the planner, the move preview and the advisors.

A rollout forks a game into many copies, plays its side's first-quarter choices in each, and plays on
against a model of the opponent. Copies that are compared share their dice (common random numbers),
so the difference between two candidates is the decision, not the luck.
"""

from __future__ import annotations

import numpy as np

from game.ai.base import observe, sanitize
from game.engine.batch import Batch


class TiledRng:
    """A Generator stand-in for G games x K candidates x R rollouts rows: each draw is made once per
    (game, rollout) and shared by the K candidates."""

    def __init__(self, gen: np.random.Generator, G: int, K: int, R: int):
        self.gen, self.G, self.K, self.R = gen, G, K, R

    def _tile(self, draw, size):
        size = (size,) if isinstance(size, int) else tuple(size)
        if size[0] != self.G * self.K * self.R:
            return draw(size)
        x = draw((self.G, 1, self.R, *size[1:]))
        return np.broadcast_to(x, (self.G, self.K, self.R, *size[1:])).reshape(size)

    def random(self, size):
        return self._tile(self.gen.random, size)

    def standard_normal(self, size):
        return self._tile(self.gen.standard_normal, size)

    def integers(self, low, high, size):
        return self._tile(lambda s: self.gen.integers(low, high, s), size)


def fork(batch: Batch, games: np.ndarray, K: int, R: int, rng: np.random.Generator) -> Batch:
    """G games x K candidates x R rollouts copies of `batch`'s games, candidates sharing dice."""
    return batch.fork(np.repeat(games, K * R), TiledRng(rng, len(games), K, R))


def rollout(sim: Batch, side: str, first: np.ndarray, opponent, rng, quarters: int, follow=None):
    """Play `sim` forward up to `quarters` quarters (fewer if every game ends): `side` plays the
    choice matrix `first` in the first quarter, then `follow`'s moves (an agent) or none; the other
    side is played by the agent `opponent`. Agents draw from `rng`. Returns `sim`, advanced."""
    for h in range(quarters):
        if sim.state.over.all():
            break
        oobs = observe(sim, opponent.side)
        theirs = sanitize(oobs, opponent.act(oobs, rng))
        if h == 0:
            mine = first
        elif follow is None:
            mine = sim.no_moves()
        else:
            mobs = observe(sim, side)
            mine = sanitize(mobs, follow.act(mobs, rng))
        sim.step(np.maximum(mine, theirs))
    return sim
