"""AI benchmarks: persona-vs-persona games per second at scale, and the planner's decision time.

    uv run python benchmarks/ai.py            # 100,000 persona games + planner levels 1-3
    uv run python benchmarks/ai.py --games 20000

Prints figures; it asserts nothing (speed is measured here, not in timed tests).
"""

from __future__ import annotations

import argparse
import statistics
import time

from game import new_game
from game.ai import LEVELS, agent_policy, agent_rng, decide, make_agent
from game.engine.data import load_data
from game.engine.runner import run


def persona_games(n: int) -> float:
    gd = load_data()
    t = time.perf_counter()
    run(
        "2025-deepseek-shock",
        agent_policy(make_agent("hawk", "us"), agent_rng(1, "us")),
        agent_policy(make_agent("pragmatist", "china"), agent_rng(1, "china")),
        n,
        1,
        gd,
    )
    return time.perf_counter() - t


def planner_decision(level: int, side: str, quarters: int = 6) -> list[float]:
    """Seconds per decision for one game, over the first `quarters` quarters."""
    g = new_game("2025-deepseek-shock", seed=11)
    me = make_agent(f"planner:{level}", side)
    other = make_agent("pragmatist" if side == "us" else "hawk", "china" if side == "us" else "us")
    rng, orng = agent_rng(11, side), agent_rng(11, other.side)
    times = []
    for _ in range(quarters):
        t = time.perf_counter()
        mine = decide(me, g, rng)
        times.append(time.perf_counter() - t)
        g.play_turn({side: mine, other.side: decide(other, g, orng)})
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=100_000)
    args = ap.parse_args()
    persona_games(1000)  # warm caches
    dt = persona_games(args.games)
    print(
        f"hawk vs pragmatist, {args.games:,} games x 16 quarters in one batch: {dt:.2f} s "
        f"= {args.games / dt:,.0f} games/s"
    )
    for level in LEVELS:
        for side in ("us", "china"):
            ts = planner_decision(level, side)
            print(
                f"planner:{level} as {side:5s}: decision per quarter, one game: median "
                f"{statistics.median(ts) * 1000:,.0f} ms, max {max(ts) * 1000:,.0f} ms"
            )


if __name__ == "__main__":
    main()
