"""A class in the browser, under load: 15 rooms x 2 teams = 30 browser sessions on one `g2 serve`.

The server runs as a teacher runs it (`g2 serve --port P --db FILE`, a subprocess: one room app per
session). Each session is a headless page (game.rooms.wire.HeadlessPage): textual-serve's websocket
as a browser speaks it, and a terminal emulator reading the screen — so every step waits for what a
person would see. All 30 join at once, as a class does when the teacher says go; then every quarter
each team thinks for a moment (0-3 s, seeded), ends its quarter with a journal line, and reads the
report when it comes; then it continues to the next quarter.

Prints, over every session and quarter:
- join: from opening the page to the war room on screen (the class's first minute);
- key echo: from pressing e to the journal on screen (how the app answers a key under load);
- commit: from the commit key to the screen saying the moves are in;
- resolve: from the second team's commit key to both teams' screens showing the quarter's report
  (the slowest quarter is the figure to watch);
- the room apps' memory (resident, each and all) and the server's; errors (timeouts, lost pages).

Run with `uv run python benchmarks/rooms_serve_load.py [--rooms 15] [--quarters 2] [--think 3]
[--arrive 0]` (about a minute on 2 cores). The defaults are the worst case: every page opens at
once and every team acts within the same three seconds; `--arrive 60 --think 20` is a class at a
class's pace. Asserts nothing; `tests/rooms_app/test_room_load.py` runs it with bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

SCENARIO = "2025-deepseek-shock"
SIZE = (120, 40)  # a browser window's terminal at textual-serve's font
TIMEOUT = 120.0  # seconds any one step may take before it counts as an error


@dataclass
class Figures:
    join: list[float] = field(default_factory=list)
    echo: list[float] = field(default_factory=list)
    commit: list[float] = field(default_factory=list)
    resolve: list[float] = field(default_factory=list)  # one per room and quarter
    errors: list[str] = field(default_factory=list)
    app_rss_mb: list[float] = field(default_factory=list)  # each room app at its peak
    server_rss_mb: float = 0.0
    wall: float = 0.0
    sessions: int = 0
    quarters: int = 0
    think: float = 0.0
    arrive: float = 0.0
    first_error: str = ""
    log: str = ""  # the server's output, kept when something went wrong


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@contextlib.contextmanager
def serving(db: Path, port: int, workdir: Path):
    env = dict(os.environ, G2_LANG="en", G2_SAVES=str(workdir), G2_CONFIG_DIR=str(workdir / "cfg"))
    argv = [sys.executable, "-c", "import sys; from game.cli import main; sys.exit(main())"]
    with open(workdir / "serve.log", "w") as log:
        proc = subprocess.Popen(
            [*argv, "serve", "--port", str(port), "--db", str(db)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            end = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > end:
                        raise RuntimeError((workdir / "serve.log").read_text()) from None
                    time.sleep(0.1)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


async def play_room(
    url: str, codes: dict, quarters: int, think: float, rnd: random.Random, fig: Figures
):
    """Two teams of one room, each on its own page, for `quarters` quarters."""
    from game.rooms.wire import HeadlessPage, end_quarter, join_as_team

    opened = time.monotonic()
    async with HeadlessPage(url, *SIZE) as us, HeadlessPage(url, *SIZE) as china:
        pages = {"us": us, "china": china}

        async def join(side: str) -> None:
            await join_as_team(pages[side], codes[side], TIMEOUT)
            fig.join.append(time.monotonic() - opened)

        await asyncio.gather(join("us"), join("china"))
        for q in range(quarters):
            thinking = {side: rnd.uniform(0, think) for side in pages}
            committed: dict[str, float] = {}

            async def turn(side: str, q: int = q, thinking=thinking, committed=committed) -> None:
                await asyncio.sleep(thinking[side])
                echo, commit = await end_quarter(pages[side], f"{side} q{q + 1}", TIMEOUT)
                fig.echo.append(echo)
                fig.commit.append(commit)
                committed[side] = time.monotonic() - commit  # when the commit key was pressed

            await asyncio.gather(turn("us"), turn("china"))
            second = max(committed.values())
            for page in pages.values():
                await page.wait_for("the quarter's report", timeout=TIMEOUT)
            fig.resolve.append(time.monotonic() - second)
            for page in pages.values():  # on to the next quarter
                await page.press("enter")
            for page in pages.values():
                await page.wait_until(
                    lambda p: not p.shows("the quarter's report"), "the war room", TIMEOUT
                )


async def run_all(
    url: str,
    rooms: list[tuple[str, dict]],
    quarters: int,
    think: float,
    arrive: float,
    seed: int,
    fig: Figures,
):
    rnd = random.Random(seed)

    async def one(codes: dict) -> None:
        mine = random.Random(rnd.random())
        await asyncio.sleep(mine.uniform(0, arrive))  # the room's teams open their pages
        try:
            await play_room(url, codes, quarters, think, mine, fig)
        except Exception as exc:  # a timeout or a lost page: counted, and the others go on
            fig.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
            fig.first_error = fig.first_error or str(exc)

    await asyncio.gather(*(one(codes) for _room, codes in rooms))


def run_load(
    rooms: int = 15, quarters: int = 2, think: float = 3.0, arrive: float = 0.0, seed: int = 1
) -> Figures:
    """Serve, play `rooms` rooms of two browser sessions each for `quarters` quarters, the rooms
    arriving over 0 to `arrive` seconds and each team thinking 0 to `think` seconds a quarter;
    the figures (errors included: nothing is asserted)."""
    from game.rooms.store import RoomStore

    fig = Figures(sessions=2 * rooms, quarters=quarters, think=think, arrive=arrive)
    with tempfile.TemporaryDirectory(prefix="g2-serve-load-") as tmp:
        workdir = Path(tmp)
        db = workdir / "rooms.db"
        store = RoomStore(db)
        opened = [store.open_room(SCENARIO, 1000 + i) for i in range(rooms)]
        port = free_port()
        with serving(db, port, workdir) as server:
            peak: dict[int, float] = {}
            done = False

            def sample() -> None:  # every half second, in a thread: the apps' resident memory
                while not done:
                    for pid in children(server.pid):
                        peak[pid] = max(peak.get(pid, 0.0), rss_mb(pid))
                    fig.server_rss_mb = max(fig.server_rss_mb, rss_mb(server.pid))
                    time.sleep(0.5)

            import threading

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.monotonic()
            try:
                url = f"http://127.0.0.1:{port}"
                asyncio.run(run_all(url, opened, quarters, think, arrive, seed, fig))
            finally:
                fig.wall = time.monotonic() - start
                done = True
                sampler.join(2)
            fig.app_rss_mb = sorted(peak.values())
            if fig.errors:  # what the server and its apps said, for the reader of the errors
                fig.log = (workdir / "serve.log").read_text(errors="replace")
            for room, codes in opened:
                view = store.view(store.join(codes["facilitator"]))
                if view.turns != quarters:
                    fig.errors.append(f"room {room}: {view.turns} of {quarters} quarters played")
        store.close()
    return fig


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def report(fig: Figures) -> str:
    def row(name: str, xs: list[float]) -> str:
        if not xs:
            return f"{name:<34} (none)"
        return (
            f"{name:<34} n={len(xs):<4} median {statistics.median(xs):6.2f} s   "
            f"p95 {pct(xs, 95):6.2f} s   slowest {max(xs):6.2f} s"
        )

    apps = fig.app_rss_mb
    lines = [
        f"{fig.sessions} browser sessions ({fig.sessions // 2} rooms) x {fig.quarters} quarters "
        f"on one g2 serve, {os.cpu_count()} cores, rooms arriving over 0-{fig.arrive:g} s, "
        f"teams thinking 0-{fig.think:g} s a quarter: {fig.wall:.1f} s in all",
        row("join (page open -> war room)", fig.join),
        row("key echo (e -> journal on screen)", fig.echo),
        row("commit (key -> 'moves are in')", fig.commit),
        row("resolve (2nd commit -> both reports)", fig.resolve),
        f"slowest quarter's resolve: {max(fig.resolve):.2f} s"
        if fig.resolve
        else "no quarter resolved",
        (
            f"room apps: {len(apps)}, {statistics.median(apps):.0f} MB each (median), "
            f"{sum(apps):.0f} MB in all; server {fig.server_rss_mb:.0f} MB"
            if apps
            else "room apps: not sampled"
        ),
        f"errors: {len(fig.errors)}",
        *(f"  {e}" for e in fig.errors[:10]),
        *([f"the first error in full:\n{fig.first_error}"] if fig.first_error else []),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rooms", type=int, default=15)
    p.add_argument("--quarters", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="each team thinks 0 to THINK seconds a quarter (3: the whole class at once)",
    )
    p.add_argument(
        "--arrive",
        type=float,
        default=0.0,
        help="the rooms open their pages over 0 to ARRIVE seconds (0: all at once)",
    )
    p.add_argument("--log", help="where to write the server's output when something went wrong")
    args = p.parse_args(argv)
    fig = run_load(args.rooms, args.quarters, args.think, args.arrive, args.seed)
    print(report(fig))
    if fig.log and args.log:
        Path(args.log).write_text(fig.log)
        print(f"the server's output: {args.log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
