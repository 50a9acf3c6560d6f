"""The room store survives killed processes: a commit made is kept, a process killed while it holds
the write lock frees it for the one waiting, and a process killed in the middle of a long write loop
leaves a consistent database (every transaction whole or absent). Slow set: child processes."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from conftest import ROOT

from game.rooms.store import Member, RoomStore

pytestmark = pytest.mark.slow

SCENARIO = "2025-deepseek-shock"


class _Child:
    """A `python -c script` child; its stdout read line by line by a thread (so waits time out)."""

    def __init__(self, script: str, *args: str):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(script), *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put("")

    def line(self, want: str, timeout: float = 30.0) -> str:
        """The child's next line, which must start with `want`."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no {want!r} from the child in {timeout} s") from None
        if not line.startswith(want) or not line:
            self.proc.kill()
            raise AssertionError(
                f"expected {want!r}, got {line!r}; stderr: {self.proc.stderr.read()}"
            )
        return line.strip()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.returncode == -signal.SIGKILL


COMMIT_THEN_HOLD_THE_LOCK = """
    import sqlite3, sys, time
    from game.rooms.store import RoomStore
    path, code, moves = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    store = RoomStore(path)
    store.commit(store.join(code), moves, {"rationale": "before the kill", "prediction": None})
    print("committed", flush=True)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")  # hold the write lock until killed
    raw.execute("UPDATE rooms SET version = version + 1000")
    print("locked", flush=True)
    time.sleep(600)
"""

COMMIT_WHEN_FREE = """
    import sys, time
    from game.rooms.store import RoomStore
    path, code = sys.argv[1], sys.argv[2]
    store = RoomStore(path)
    member = store.join(code)
    print("waiting", flush=True)
    t = time.monotonic()
    resolved = store.commit(member, [])
    print("resolved", resolved, round(time.monotonic() - t, 2), flush=True)
"""


def test_a_commit_survives_its_process_killed_while_another_waits(tmp_path):
    path = tmp_path / "rooms.db"
    store = RoomStore(path)
    rid, codes = store.open_room(SCENARIO, 21)
    us_moves = [m.ids()[0] for m in store.game(store.join(codes["us"])).legal_moves("us")][:1]
    store.close()
    us = _Child(COMMIT_THEN_HOLD_THE_LOCK, str(path), codes["us"], ",".join(us_moves))
    china = None
    try:
        us.line("committed")
        us.line("locked")
        china = _Child(COMMIT_WHEN_FREE, str(path), codes["china"])
        china.line("waiting")
        time.sleep(0.5)  # China's commit is now waiting for the write lock
        assert china.proc.poll() is None
        us.kill()  # the lock dies with it; its open transaction is rolled back
        line = china.line("resolved")
        assert line.split()[1] == "True", line
        assert china.proc.wait(timeout=30) == 0
    finally:
        for p in (us, china):
            if p is not None and p.proc.poll() is None:
                p.kill()
    again = RoomStore(path)  # a restarted server
    try:
        f = again.join(codes["facilitator"])
        v = again.view(f)
        assert v.turns == 1 and v.quarter == "2025Q2" and v.version < 1000
        rec = again.game(f).history[0]
        assert rec["us"] == us_moves and rec["china"] == []
        assert [e["rationale"] for e in v.journal] == ["before the kill"]
    finally:
        again.close()


def test_a_killed_commit_is_kept_after_a_restart(tmp_path):
    path = tmp_path / "rooms.db"
    store = RoomStore(path)
    rid, codes = store.open_room(SCENARIO, 22)
    store.close()
    us = _Child(COMMIT_THEN_HOLD_THE_LOCK, str(path), codes["us"], "hold")
    try:
        us.line("committed")
    finally:
        us.kill()
    again = RoomStore(path)
    try:
        v = again.view(Member(rid, "us", codes["us"]))
        assert v.committed == {"us": True, "china": False} and v.my_moves == []
        assert again.commit(again.join(codes["china"]), []) is True
    finally:
        again.close()


WRITE_LOOP = """
    import random, sys
    from game.rooms.store import RoomStore
    from conftest import random_turn
    store = RoomStore(sys.argv[1])
    rnd = random.Random(5)
    n = 0
    while True:
        rid, codes = store.open_room("2025-deepseek-shock", rnd.randrange(1000))
        m = {role: store.join(code) for role, code in codes.items()}
        print("room", rid, codes["facilitator"], flush=True)
        while not store.view(m["facilitator"]).over:
            moves = random_turn(store.game(m["us"]), rnd, p=0.4)
            store.inject(m["facilitator"], {"headline": "Loop.", "add": {"tension": 1}})
            store.commit(m["us"], moves["us"], {"rationale": "u", "prediction": {"meter": "score", "value": 0}})
            if rnd.random() < 0.3:
                store.force(m["facilitator"])
            else:
                store.commit(m["china"], moves["china"], {"rationale": "c", "prediction": None})
            n += 1
            print("turn", n, flush=True)
"""


def test_a_process_killed_in_a_write_loop_leaves_a_consistent_database(tmp_path):
    path = tmp_path / "rooms.db"
    RoomStore(path).close()
    proc = _Child(WRITE_LOOP, str(path))
    rooms: dict[str, str] = {}
    try:
        for _ in range(60):  # a few rooms' worth of turns, then kill it mid-stride
            kind, *rest = proc.line("").split()
            if kind == "room":
                rooms[rest[0]] = rest[1]
        time.sleep(0.013)
    finally:
        proc.kill()
    assert len(rooms) >= 2
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for rid, turns in db.execute("SELECT id, turns FROM rooms"):
            idx = [r[0] for r in db.execute("SELECT idx FROM turns WHERE room = ?", (rid,))]
            assert sorted(idx) == list(range(turns)), rid
            for row in db.execute("SELECT us, china, injects FROM turns WHERE room = ?", (rid,)):
                assert all(isinstance(json.loads(x), list) for x in row)
            ahead = db.execute(
                "SELECT COUNT(*) FROM pending WHERE room = ? AND idx > ?", (rid, turns)
            ).fetchone()[0]
            assert ahead == 0
            unscored = db.execute(
                "SELECT entry FROM journal WHERE room = ? AND idx < ?", (rid, turns)
            ).fetchall()
            for (entry,) in unscored:
                e = json.loads(entry)
                assert e["prediction"] is None or "actual" in e
    store = RoomStore(path)
    try:
        for rid, code in rooms.items():
            f = store.join(code)
            assert f.room == rid
            v = store.view(f)
            g = store.game(f)
            assert len(g.history) == v.turns and g.quarter == v.quarter and g.over == v.over
            if not v.over:  # the killed room plays on
                store.force(f)
                assert store.view(f).turns == v.turns + 1
    finally:
        store.close()
