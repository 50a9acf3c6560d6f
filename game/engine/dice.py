"""Per-game dice: the same seed gives every game the same draws, however many games run together.

A `Dice` stands in for a `numpy.random.Generator` for games [offset, offset + n) of a run. Its c-th
draw of shape (n, *rest) gives game offset + i the values at positions i*m .. (i+1)*m - 1 (m = the
product of `rest`) of the stream `SeedSequence([seed, *key, c])`, reached with PCG64's `advance`:
a game's draws depend on the seed, the stream's key, the draw's number and the game's index, never
on how many games share the batch. So a run of 10 million games can be played in chunks, and game
i of any run is game i of every other run with the same seed.

Normals come from uniforms (Box-Muller) and integers from uniforms (floor), so every draw uses a
fixed count of 64-bit values per game. A draw whose leading size is not n (a planner's search over
candidates and rollouts) comes from the stream `(seed, *key, c, offset)`: reproducible, but tied to
how the games were grouped.
"""

from __future__ import annotations

import math

import numpy as np

WORLD = 0  # the world's stream key; agents use 1 + their side's index (game.ai.base.agent_rng)


class Dice:
    """Generator-like per-game random streams (see the module docstring)."""

    def __init__(self, seed: int, key: tuple[int, ...] = (WORLD,), offset: int = 0, n: int = 1):
        self.seed, self.key, self.offset, self.n = int(seed), tuple(key), int(offset), int(n)
        self.count = 0

    def for_games(self, offset: int, n: int) -> Dice:
        """Fresh dice of the same streams for games [offset, offset + n)."""
        return Dice(self.seed, self.key, offset, n)

    @property
    def state(self) -> dict:
        """Everything that decides the next draw (for digests)."""
        return {"seed": self.seed, "key": list(self.key), "offset": self.offset, "n": self.n,
                "count": self.count}  # fmt: skip

    def _uniform(self, size) -> np.ndarray:
        shape = () if size is None else ((size,) if np.ndim(size) == 0 else tuple(size))
        c = self.count
        self.count += 1
        if shape and shape[0] == self.n:
            bits = np.random.PCG64(np.random.SeedSequence([self.seed, *self.key, c]))
            bits.advance(self.offset * math.prod(shape[1:]))
        else:
            bits = np.random.PCG64(np.random.SeedSequence([self.seed, *self.key, c, self.offset]))
        return np.random.Generator(bits).random(shape)

    def random(self, size=None):
        u = self._uniform(size)
        return float(u) if size is None else u

    def uniform(self, low=0.0, high=1.0, size=None):
        return low + (high - low) * self.random(size)

    def integers(self, low, high=None, size=None):
        if high is None:
            low, high = 0, low
        out = low + np.floor(self.random(size) * (high - low)).astype(np.int64)
        return np.minimum(out, high - 1)

    def standard_normal(self, size=None):
        """Box-Muller normals: each game's row of m normals uses m (rounded up to even) uniforms."""
        if size is None:
            return float(self.standard_normal(1)[0])
        shape = (size,) if np.ndim(size) == 0 else tuple(size)
        m = math.prod(shape[1:])
        u = self._uniform((shape[0], m + m % 2))
        r = np.sqrt(-2.0 * np.log1p(-u[:, 0::2]))
        theta = 2.0 * np.pi * u[:, 1::2]
        z = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=-1).reshape(shape[0], -1)
        return z[:, :m].reshape(shape)
