"""Faults of a served room, played as browsers would play it (headless pages on textual-serve's
websocket, read through a terminal emulator): the server is killed with SIGKILL mid-quarter and
started again; a team closes its tab and comes back. Marked `browser`: like the Chromium test they
run alone (.ci/run), as a second test worker beside them makes their served apps wait."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time

import pytest
from served import free_port, room_apps, serving, wait_for

from game.rooms.store import RoomStore
from game.rooms.wire import RESET, HeadlessPage, end_quarter, join_as_team

pytest.importorskip("pyte")
US_MOVE = "h200_exports:case_by_case"


def a_room(tmp_path):
    """(db, store, codes, port, url): a rooms database with one room, and where to serve it."""
    db = tmp_path / "rooms.db"
    store = RoomStore(db)
    _room, codes = store.open_room("2025-deepseek-shock", 4)
    port = free_port()
    return db, store, codes, port, f"http://127.0.0.1:{port}"


async def pick_case_by_case(page: HeadlessPage) -> None:
    """The US's second move in the list (H200 case-by-case review, 12 capital), added to the plan."""
    await page.press("down", "down")
    await page.wait_for("cost 12")
    await page.press("enter")
    await page.wait_for("Plan (United States): H200")


@pytest.mark.browser  # run alone (timing): ~15 s: a server started twice, four pages
def test_a_server_killed_mid_quarter_loses_no_committed_move(tmp_path):
    db, store, codes, port, url = a_room(tmp_path)
    fac = store.join(codes["facilitator"])

    with serving(db, port, tmp_path) as server:

        async def before_the_kill() -> None:
            async with HeadlessPage(url) as us, HeadlessPage(url) as china:
                await join_as_team(us, codes["us"])
                await join_as_team(china, codes["china"])
                await pick_case_by_case(us)
                await end_quarter(us, "before the kill")
                await china.wait_for("United States has committed")
                # China is mid-plan when the server dies: kill -9, no goodbye to anyone
                os.kill(server.pid, signal.SIGKILL)
                server.wait(10)
                await us.wait_until(lambda p: p.gone, "the US's page to lose the server", 10)
                await china.wait_until(lambda p: p.gone, "China's page to lose it", 10)

        asyncio.run(before_the_kill())

    # the apps the killed server had started end by themselves (their input is gone)
    wait_for(lambda: not room_apps(db), 20, "the orphaned room apps to end")
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    v = store.view(fac)
    assert v.committed == {"us": True, "china": False} and v.turns == 0
    assert v.pending == {"us": [US_MOVE]}

    with serving(db, port, tmp_path):

        async def after_the_restart() -> None:
            async with HeadlessPage(url) as us, HeadlessPage(url) as china:
                # each team comes back with its code and finds the room as it was
                await us.paste(codes["us"] + "\r")
                await us.wait_for("Committed — waiting for the other team", timeout=60)
                assert us.shows("Your moves: H200 export policy")
                await join_as_team(china, codes["china"])
                assert china.shows("2025Q1", "United States has committed")
                await end_quarter(china, "after the restart")
                await us.wait_for("the quarter's report", timeout=60)
                assert us.shows("United States played: H200 export policy: case-by-case review")

        asyncio.run(after_the_restart())

    game = store.game(fac)
    assert [rec["us"] for rec in game.history] == [[US_MOVE]]
    journal = {e["side"]: e["rationale"] for e in store.view(fac).journal}
    assert journal == {"us": "before the kill", "china": "after the restart"}
    store.close()


@pytest.mark.browser  # run alone (timing): ~8 s: a server, three pages
def test_a_team_that_closes_its_tab_comes_back_to_its_room_as_it_was(tmp_path):
    db, store, codes, port, url = a_room(tmp_path)

    with serving(db, port, tmp_path):

        async def play() -> None:
            async with HeadlessPage(url) as us, HeadlessPage(url) as china:
                await join_as_team(us, codes["us"])
                await join_as_team(china, codes["china"])
                await end_quarter(china, "first")
                await end_quarter(us, "first")
                await us.wait_for("the quarter's report")
                await china.wait_for("the quarter's report")
                await china.press("enter")  # on to 2025Q2
                await china.wait_for("2025Q2", "enter: add/remove")
            # both tabs closed; the US comes back first, then China
            async with HeadlessPage(url) as us:
                await join_as_team(us, codes["us"], briefing=False)
                assert us.shows("2025Q2", "China is planning")
                await end_quarter(us, "second")
                async with HeadlessPage(url) as china:
                    await join_as_team(china, codes["china"], briefing=False)
                    assert china.shows("2025Q2", "United States has committed")

        asyncio.run(play())
    assert room_apps(db) == [] or wait_for(lambda: not room_apps(db), 20, "the apps to end")
    store.close()


def run_in_pty(argv: list[str], env: dict, size=(40, 120)):
    """`argv` in a pseudo-terminal of `size` (rows, columns): (process, master fd, output list;
    a thread keeps reading the output into the list)."""
    import fcntl
    import pty
    import struct
    import subprocess
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            out.append(data)

    threading.Thread(target=read, daemon=True).start()
    return proc, master, out


@pytest.mark.browser  # run alone (timing): ~8 s: a server, a terminal joining by web address, a page
def test_a_team_joins_by_web_address_from_a_terminal_and_plays_its_side(tmp_path):
    from served import env_for, g2

    db, store, codes, port, url = a_room(tmp_path)
    fac = store.join(codes["facilitator"])

    def seen(out) -> str:
        return b"".join(out).decode("utf-8", "replace")

    with serving(db, port, tmp_path):
        proc, master, out = run_in_pty(g2("join", url, "--code", codes["china"]), env_for(tmp_path))
        try:
            # the code is entered for the team: the briefing card of China's side comes up
            wait_for(lambda: "Briefing card" in seen(out), 40, "China's briefing card")
            os.write(master, b"\x1b")
            wait_for(lambda: "End quarter" in seen(out)[-20000:], 20, "the war room")
            time.sleep(1)
            os.write(master, b"e")
            wait_for(lambda: "Decision journal" in seen(out)[-30000:], 20, "the journal")
            time.sleep(0.5)
            os.write(master, b"from a terminal")
            time.sleep(0.5)
            os.write(master, b"\t\t\t")
            time.sleep(0.5)
            os.write(master, b"\r")
            wait_for(lambda: store.view(fac).committed["china"], 20, "China's commit")

            # the US plays from a browser's page; the quarter resolves for both
            async def us_plays() -> None:
                async with HeadlessPage(url) as us:
                    await join_as_team(us, codes["us"])
                    await end_quarter(us, "from a browser")

            asyncio.run(us_plays())
            wait_for(lambda: "quarter's report" in seen(out)[-60000:], 30, "China's report")

            # leaving: q, then yes; the terminal gets its modes back
            os.write(master, b"\r")  # the report
            time.sleep(1)
            os.write(master, b"q")
            wait_for(lambda: "Leave the room?" in seen(out)[-20000:], 20, "the question")
            time.sleep(0.5)
            os.write(master, b"\r")  # Leave (the focused button)
            assert proc.wait(20) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(master)
    assert seen(out).endswith(RESET)
    v = store.view(fac)
    assert v.turns == 1
    assert {e["side"]: e["rationale"] for e in v.journal} == {
        "china": "from a terminal",
        "us": "from a browser",
    }
    store.close()


@pytest.mark.browser  # run alone (timing): ~6 s: a server, four pages
def test_a_server_at_its_session_limit_tells_the_next_page_so_and_admits_it_once_one_closes(
    tmp_path,
):
    db = tmp_path / "rooms.db"
    RoomStore(db).close()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(db, port, tmp_path, "en", "--max-sessions", "2"):

        async def crowd() -> None:
            async with HeadlessPage(url) as first, HeadlessPage(url) as second:
                await first.wait_for("Join a room")
                await second.wait_for("Join a room")
                async with HeadlessPage(url) as third:
                    await third.wait_until(lambda p: p.gone, "the third page to be closed", 10)
                    assert third.shows("this server already runs 2 sessions, its limit")
            wait_for(lambda: len(room_apps(db)) == 0, 20, "the two apps to end")
            async with HeadlessPage(url) as again:
                await again.wait_for("Join a room")

        asyncio.run(crowd())
