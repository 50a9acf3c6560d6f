"""Room store load: a class on one server. 15 rooms x 2 teams = 30 clients, each its own process
(as `g2 serve` runs one RoomApp process per browser tab), each polling `view` every 0.5 s as a
screen does and committing its moves once a quarter, after a moment's thought, for 4 quarters.

Prints the quarter resolve time (from the start of the second commit to the view showing the
quarter resolved, in the process that made it), how long the other team waits to see it (its
next poll), polls per second over the run, and errors. Asserts nothing.

Run with `uv run python benchmarks/rooms_load.py [--rooms 15] [--quarters 4] [--poll 0.5]`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import tempfile
import time
from pathlib import Path

SCENARIO = "2025-deepseek-shock"


def choose(game, side: str, rnd: random.Random) -> list[str]:
    """A few random legal moves the side can afford (at most one option of a move)."""
    from game.engine.data import CAPITAL_LEVERS

    budget = game.meters[CAPITAL_LEVERS[side]]
    cands = [(o.cost, f"{m.id}:{o.name}") for m in game.legal_moves(side) for o in m.options]
    cands += [(m.cost, m.id) for m in game.legal_moves(side) if not m.options]
    rnd.shuffle(cands)
    out, seen, spent = [], set(), 0.0
    for cost, text in cands:
        if len(out) == 3 or text.split(":")[0] in seen or spent + cost > budget:
            continue
        out.append(text)
        seen.add(text.split(":")[0])
        spent += cost
    return out


def client(db, code, quarters, poll, think, cold, ready, go, results) -> None:
    from game.rooms.store import RoomError, RoomStore

    rnd = random.Random(code)
    out = {
        "polls": 0,
        "errors": [],
        "resolve": [],
        "commit": [],
        "commit_q": [],
        "view": [],
        "resolved_at": {},
        "seen_at": {},
    }
    try:
        store = RoomStore(db)
        me = store.join(code)
        store.view(me)
        if not cold:  # the room app has drawn its screens (previews play moves): warm imports
            g = store.game(me)
            g.play_turn({side: choose(g, side, random.Random(0)) for side in ("us", "china")})
    except Exception as exc:
        out["errors"].append(f"start: {exc!r}")
        ready.put(code)
        results.put(out)
        return
    ready.put(code)
    go.wait()
    turns, commit_at = 0, None
    give_up = time.perf_counter() + 30 + quarters * (think + 2 * poll) * 4
    while True:
        if time.perf_counter() > give_up:
            out["errors"].append(f"gave up at quarter {turns + 1}")
            break
        try:
            t = time.perf_counter()
            v = store.view(me)
            out["polls"] += 1
            out["view"].append(time.perf_counter() - t)
            if v.turns > turns:  # the other team's commit resolved the quarter: seen now
                out["seen_at"][(me.room, v.turns)] = time.time()
                turns, commit_at = v.turns, None
            if v.turns >= quarters or v.over:
                break
            if not v.committed[me.role]:
                if commit_at is None:
                    commit_at = t + rnd.uniform(0, think)
                if t >= commit_at:
                    moves = choose(store.game(me), me.role, rnd)
                    t0 = time.perf_counter()
                    resolved = store.commit(
                        me,
                        moves,
                        {"rationale": "load", "prediction": {"meter": "score", "value": 0}},
                    )
                    out["commit"].append(time.perf_counter() - t0)
                    out["commit_q"].append(v.turns)
                    if resolved:
                        after = store.view(me)
                        out["polls"] += 1
                        if after.turns != v.turns + 1:
                            out["errors"].append(f"resolved but the view shows {after.turns}")
                        out["resolve"].append(time.perf_counter() - t0)
                        out["resolved_at"][(me.room, after.turns)] = time.time()
                        turns, commit_at = after.turns, None
                        continue
        except RoomError as exc:
            out["errors"].append(str(exc))
        except Exception as exc:  # a benchmark reports, never stops
            out["errors"].append(repr(exc))
        time.sleep(max(0.0, poll - (time.perf_counter() - t)))
    store.close()
    results.put(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rooms", type=int, default=15)
    ap.add_argument("--quarters", type=int, default=4)
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between a client's polls")
    ap.add_argument("--think", type=float, default=2.0, help="a team commits within this many s")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="commit from processes that have not played a quarter yet (lazy imports then count)",
    )
    ap.add_argument("--db", help="the rooms database (default: a new one in a temp folder)")
    args = ap.parse_args()

    from game.rooms.store import RoomStore

    folder = tempfile.mkdtemp(prefix="g2-rooms-load-")
    db = args.db or str(Path(folder) / "rooms.db")
    store = RoomStore(db)
    codes = []
    for i in range(args.rooms):
        _rid, c = store.open_room(SCENARIO, 1000 + i)
        codes += [c["us"], c["china"]]
    store.close()

    ctx = mp.get_context("spawn")  # separate processes, as the server's tabs are
    ready, go, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=client,
            args=(db, code, args.quarters, args.poll, args.think, args.cold, ready, go, results),
            daemon=True,  # gone with the benchmark, whatever happens to it
        )
        for code in codes
    ]
    for p in procs:
        p.start()
    for _ in procs:  # every client has started and joined its room
        ready.get(timeout=300)
    print(f"{len(procs)} clients ({args.rooms} rooms x 2 teams), database {db}")
    start = time.perf_counter()
    go.set()
    outs = [results.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - start
    for p in procs:
        p.join(timeout=30)

    resolve = sorted(x for o in outs for x in o["resolve"])
    resolved_at = {k: v for o in outs for k, v in o["resolved_at"].items()}
    seen = sorted(
        v - resolved_at[k] for o in outs for k, v in o["seen_at"].items() if k in resolved_at
    )
    commit = sorted(x for o in outs for x in o["commit"])
    polls = sum(o["polls"] for o in outs)
    errors = [e for o in outs for e in o["errors"]]
    print(f"quarters resolved: {len(resolve)} (want {args.rooms * args.quarters}) in {wall:.1f} s")
    if resolve:
        print(
            f"quarter resolve (2nd commit -> resolved view): median {statistics.median(resolve) * 1e3:.1f} ms, "
            f"slowest {resolve[-1] * 1e3:.1f} ms"
        )
    if commit:
        print(
            f"any commit call: median {statistics.median(commit) * 1e3:.1f} ms, "
            f"slowest {commit[-1] * 1e3:.1f} ms"
        )
    if seen:
        print(
            f"the other team sees it (its next poll): median {statistics.median(seen) * 1e3:.0f} ms, "
            f"slowest {seen[-1] * 1e3:.0f} ms"
        )
    by_quarter: dict[int, list[float]] = {}
    for o in outs:
        for q, x in zip(o["commit_q"], o["commit"], strict=True):
            by_quarter.setdefault(q, []).append(x)
    for q, xs in sorted(by_quarter.items()):
        print(
            f"  commits in quarter {q + 1}: median {statistics.median(xs) * 1e3:.1f} ms, "
            f"slowest {max(xs) * 1e3:.1f} ms"
        )
    view = sorted(x for o in outs for x in o["view"])
    print(
        f"polls: {polls} = {polls / wall:.1f} per second; a view takes median "
        f"{statistics.median(view) * 1e3:.2f} ms, p99 {view[int(len(view) * 0.99)] * 1e3:.1f} ms, "
        f"slowest {view[-1] * 1e3:.1f} ms"
    )
    print(f"errors: {len(errors)}")
    for e in errors[:10]:
        print(f"  {e}")


if __name__ == "__main__":
    main()
