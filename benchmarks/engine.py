"""Engine benchmark: one quarter of one game, a 10,000-game batch, batch vs one-at-a-time cost, and
`g2 sim` at scale: games per second and peak memory (each size in a fresh process).

Run with `uv run python benchmarks/engine.py [--sizes 100000,1000000]` (add 10000000 for the
10-million-game figure; it takes a while). Prints figures; asserts nothing (speed is measured
here, not in timed tests).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
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


SIM = """
import resource, sys, time, io, contextlib
from game.cli import main
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(["sim", "--us", "hawk", "--china", "pragmatist", "--games", sys.argv[1], "--json"])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def sim_at_scale(games: int) -> tuple[float, float]:
    """(games per second, peak resident memory in MB) of `g2 sim` with personas, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", SIM, str(games)], capture_output=True, text=True, check=True
    ).stdout.split()
    secs, peak_kb = float(out[0]), float(out[1])
    return games / secs, peak_kb / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000", help="g2 sim sizes (comma-separated)")
    args = ap.parse_args()
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
    for games in (int(x) for x in args.sizes.split(",") if x):
        rate, peak = sim_at_scale(games)
        print(
            f"g2 sim, hawk vs pragmatist, {games:>10,} games:      {rate:,.0f} games/s, "
            f"peak memory {peak:,.0f} MB ({peak * 1024 / games:.2f} KB/game)"
        )


if __name__ == "__main__":
    main()
