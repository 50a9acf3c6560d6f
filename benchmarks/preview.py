"""Move-preview benchmarks: `forecast.preview_path` (the paired futures to the scenario's end) and
the 4-quarter `forecast.preview`, at the start of each playable scenario.

    uv run python benchmarks/preview.py           # the default sizes, 7 calls each
    uv run python benchmarks/preview.py --n 100 --repeat 11

Prints figures; it asserts nothing (speed is measured here, not in timed tests).
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

from game import new_game
from game.ai import forecast
from game.engine.data import load_data

SIDE = "us"


def playable() -> list[str]:
    """The scenarios the new-game screen offers (the calibration ones, calib-*, are not)."""
    return [k for k in load_data().scenarios if not k.startswith("calib-")]


def first_move(scenario: str) -> str:
    g = new_game(scenario, seed=1)
    return next(i for m in g.legal_moves(SIDE) for i in m.ids())


def median_ms(call, repeat: int) -> float:
    call()  # warm caches
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=forecast.PREVIEW_GAMES, help="futures each way")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    for scenario in playable():
        g = new_game(scenario, seed=1)
        move = first_move(scenario)
        path = forecast.preview_path(g, move, SIDE, n=args.n)
        ms = median_ms(partial(forecast.preview_path, g, move, SIDE, n=args.n), args.repeat)
        old = median_ms(partial(forecast.preview, g, move, SIDE, n=args.n), args.repeat)
        print(
            f"{scenario:22s} {move:28s} preview_path median {ms:6.1f} ms "
            f"(n={args.n} x2, {len(path.quarters)} quarters); "
            f"preview median {old:5.1f} ms ({forecast.PREVIEW_QUARTERS} quarters)"
        )


if __name__ == "__main__":
    main()
