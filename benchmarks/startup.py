"""Start-up time: launch to the first interactive screen, for G2 and for an empty Textual app, each in a
fresh Python process, measured in the same run. Also the move preview and a quarter against an AI.

    uv run python benchmarks/startup.py [--runs 5]

Target: G2's start-up at most 1.5x the empty app's; preview < 300 ms; a quarter with an AI < 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

EMPTY = """
from textual.app import App
class Empty(App):
    pass
async def ready(pilot):
    pilot.app.exit()
Empty().run(headless=True, auto_pilot=ready)
"""

G2 = """
from game.tui.app import G2App
async def ready(pilot):
    pilot.app.exit()
G2App().run(headless=True, auto_pilot=ready)
"""

CLI = """
import sys
from game.cli import build_parser
build_parser()
from game.tui.app import G2App
async def ready(pilot):
    pilot.app.exit()
G2App().run(headless=True, auto_pilot=ready)
"""


def launch(code: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    launch(EMPTY)  # warm the file cache
    launch(G2)
    empty = statistics.median(launch(EMPTY) for _ in range(args.runs))
    g2 = statistics.median(launch(G2) for _ in range(args.runs))
    cli = statistics.median(launch(CLI) for _ in range(args.runs))
    print(
        f"empty Textual app, launch to first screen: {empty * 1000:,.0f} ms (median of {args.runs})"
    )
    print(
        f"G2 new-game screen:                       {g2 * 1000:,.0f} ms = {g2 / empty:.2f}x empty"
    )
    print(
        f"G2 through the CLI module:                {cli * 1000:,.0f} ms = {cli / empty:.2f}x empty"
    )

    from game.tui.session import Session

    s = Session.new("us", seed=1)
    from game.ai.forecast import preview

    preview(s.game, "chip_subsidy", s.side)  # warm
    ts = []
    for key in ("chip_subsidy", "h200_exports:open", "rasa_push", "stargate_tranche", None):
        t = time.perf_counter()
        preview(s.game, key, s.side)
        ts.append(time.perf_counter() - t)
    print(
        f"move preview (200 futures x 2, 4 quarters): median {statistics.median(ts) * 1000:.0f} ms"
    )
    for opp in ("pragmatist", "planner"):
        s = Session.new("us", seed=1, opponent=opp)
        ts = []
        for _ in range(4):
            t = time.perf_counter()
            s.resolve([], autosave=False)
            ts.append(time.perf_counter() - t)
        print(f"resolve a quarter vs {opp:10s}: median {statistics.median(ts) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
