"""Engine benchmark: one quarter of one game, a 10,000-game batch, and batch vs one-at-a-time cost.

Run with `uv run python benchmarks/engine.py`. Prints figures; asserts nothing (speed is
measured here, not in timed tests).
"""

from __future__ import annotations

import statistics
import time

from game.engine.api import Batch, Game
from game.engine.plans import HOLD
from game.engine.runner import run

SCENARIO = "2025-deepseek-shock"


def quarter_latency(reps: int = 300) -> float:
    times = []
    for i in range(reps // 16 + 1):
        g = Game(SCENARIO, seed=i)
        while not g.over:
            t = time.perf_counter()
            g.play_turn({})
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def one_at_a_time(games: int = 200) -> float:
    t = time.perf_counter()
    for i in range(games):
        run(SCENARIO, HOLD, HOLD, 1, i)
    return (time.perf_counter() - t) / games


def batch(n: int = 10_000, seed: int = 1) -> float:
    t = time.perf_counter()
    run(SCENARIO, HOLD, HOLD, n, seed)
    return time.perf_counter() - t


def main() -> None:
    Batch(SCENARIO, 1, 0)  # load and compile data once, outside the timings
    lat = quarter_latency()
    print(f"one quarter of one game (Game.play_turn, with 'why'): median {lat:,.0f} us")
    single = one_at_a_time()
    print(f"one game at a time (16 quarters, batch of 1):       {single * 1e3:,.2f} ms/game")
    secs = min(batch() for _ in range(3))
    per_game = secs / 10_000
    print(
        f"10,000 games x 16 quarters in one batch:            {secs:.2f} s = {10_000 / secs:,.0f} games/s"
    )
    print(f"batch per-game cost / one-at-a-time cost:           1/{single / per_game:,.0f}")


if __name__ == "__main__":
    main()
