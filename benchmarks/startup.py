"""Start-up time: launch to the first interactive screen, for G2 and for an empty Textual app, each in a
fresh Python process, measured in the same run. Also the move preview and a quarter against an AI.

    uv run python benchmarks/startup.py [--runs 7] [--startup-only]

"Interactive" means the first screen has been composed, mounted and drawn, the callbacks it scheduled
for after that first paint have run, and a key pressed on it (tab) has been handled: the player can
use it. The child process writes a line at that moment and the clock stops when the line arrives,
so work a worker thread does in the background (G2 loads the engine after the first paint) counts
only as far as it slows the screen down; the time to the process's exit is printed as well.

Target: G2's start-up at most 1.2x the empty app's; preview < 300 ms; a quarter with an AI < 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

# Runs inside the child as `auto_pilot`: wait for the first screen's first paint, press tab, wait
# for it to be handled, then tell the parent. Nothing here waits for the CPU to go idle (Pilot.pause
# does), which would also wait for background threads.
READY = """
import asyncio, os
from textual import events

async def ready(pilot):
    app = pilot.app
    for step in ("drawn", "key handled"):
        done = asyncio.get_running_loop().create_future()
        app.screen.call_after_refresh(done.set_result, step)
        await asyncio.wait_for(done, 60)
        if step == "drawn":
            app.post_message(events.Key("tab", "\\t"))
    os.write(1, b"interactive\\n")
    app.exit()
"""

EMPTY = (
    READY
    + """
from textual.app import App
class Empty(App):
    pass
Empty().run(headless=True, auto_pilot=ready)
"""
)

G2 = (
    READY
    + """
from game.tui.app import G2App
G2App().run(headless=True, auto_pilot=ready)
"""
)

# The floor for any title form: the widgets the new-game screen uses (a header, four lists, an
# input, four buttons, a footer), with no G2 code, no data and no CSS of G2's.
FORM = (
    READY
    + """
from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
class Form(App):
    def compose(self):
        yield Header()
        with VerticalScroll():
            yield Static("title")
            with Horizontal():
                with Vertical():
                    yield OptionList("a", "b")
                    yield OptionList("a", "b", "c")
                    yield Input()
                with Vertical():
                    yield OptionList("a", "b", "c", "d")
                    yield Static("about")
        with Horizontal():
            for label in ("Start", "Load", "Help", "Quit"):
                yield Button(label)
        yield Footer()
Form().run(headless=True, auto_pilot=ready)
"""
)

CLI = (
    READY
    + """
from game.cli import build_parser
build_parser()
from game.tui.app import G2App
G2App().run(headless=True, auto_pilot=ready)
"""
)


def launch(code: str) -> tuple[float, float]:
    """Seconds from launch to the child's "interactive" line, and to its exit."""
    t = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    ready = time.perf_counter() - t
    _, err = child.communicate(timeout=120)
    done = time.perf_counter() - t
    if child.returncode or line.strip() != b"interactive":
        raise RuntimeError(f"the child failed ({child.returncode}): {err.decode()[-2000:]}")
    return ready, done


def startup(runs: int) -> None:
    launch(EMPTY)  # warm the file cache
    launch(G2)
    times: dict[str, list[tuple[float, float]]] = {"empty": [], "form": [], "g2": [], "cli": []}
    for _ in range(runs):  # interleaved, so a slow moment of the machine hits all alike
        for name, code in (("empty", EMPTY), ("form", FORM), ("g2", G2), ("cli", CLI)):
            times[name].append(launch(code))

    def med(name: str, which: int) -> float:
        return statistics.median(t[which] for t in times[name])

    empty, empty_exit = med("empty", 0), med("empty", 1)
    print(
        f"empty Textual app, launch to first screen: {empty * 1000:,.0f} ms "
        f"(to exit {empty_exit * 1000:,.0f} ms; medians of {runs})"
    )
    for name, label in (
        ("form", "bare Textual form (same widgets, no G2):"),
        ("g2", "G2 new-game screen:"),
        ("cli", "G2 through the CLI module:"),
    ):
        ready, done = med(name, 0), med(name, 1)
        print(
            f"{label:42s}{ready * 1000:,.0f} ms = {ready / empty:.2f}x empty "
            f"(to exit {done * 1000:,.0f} ms = {done / empty_exit:.2f}x)"
        )


def engine_timings() -> None:
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--startup-only", action="store_true", help="skip the engine timings")
    args = ap.parse_args()
    startup(args.runs)
    if not args.startup_only:
        engine_timings()


if __name__ == "__main__":
    main()
