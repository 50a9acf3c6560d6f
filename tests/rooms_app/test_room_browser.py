"""End to end in a browser: `serve()` on a free localhost port in a subprocess (textual-serve runs a
room app per browser tab), driven by headless Chromium through Playwright. Two browser contexts
(the US team and the China team) and a third (the facilitator) join a room with their codes; each
team ends its quarter with a journal line; the room resolves the quarter; screenshots of each
step go to /tmp/rooms-*.png.

The terminal is drawn on a canvas (xterm.js), so the test reads the room's state from the rooms
database (who has committed, the quarters played) and the screenshots show what each browser saw.
Needs /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk) and the playwright package;
never `playwright install`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from game.rooms.store import RoomStore

CHROMIUM = Path("/usr/bin/chromium")
# the pauses between keys and screens, stretched: the app runs in a server process, and a busy
# machine draws it more slowly (the test runs alone, after the slow set: .ci/run)
PACE = 2
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}  # a 155×50 terminal at textual-serve's 16px font
SHOTS = Path("/tmp")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(ok, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def served(tmp_path):
    """(url, store, room, codes): `serve()` in a subprocess on a rooms database with one room."""
    db = tmp_path / "rooms.db"
    store = RoomStore(db)
    room, codes = store.open_room("2025-deepseek-shock", 4)
    port = free_port()
    env = dict(
        os.environ,
        G2_SAVES=str(tmp_path / "saves"),
        G2_CONFIG_DIR=str(tmp_path / "config"),
        G2_LANG="en",
    )
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from game.rooms.serve import serve; serve('127.0.0.1', {port}, {str(db)!r})",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"serve() exited: {(tmp_path / 'serve.log').read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        wait_for(up, 30, "the server")
        yield url, store, room, codes
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        store.close()
    assert "G2 is being served at " + url.rstrip("/") in (tmp_path / "serve.log").read_text()


@pytest.mark.browser  # ~25 s: a server, three browser tabs, a quarter
def test_two_browsers_play_a_quarter_and_the_facilitator_watches(served):
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    url, store, room, codes = served
    fac_member = store.join(codes["facilitator"])

    def view():
        return store.view(fac_member)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            pages = {}
            for who in ("us", "china", "facilitator"):
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.goto(url)
                # textual-serve connects at once (no start button): the page is marked when the
                # app's first bytes arrive
                page.wait_for_selector("body.-first-byte", timeout=30_000)
                page.wait_for_timeout(1500 * PACE)
                pages[who] = page
            pages["us"].screenshot(path=str(SHOTS / "rooms-join.png"))

            for who, page in pages.items():
                page.click("#terminal")  # a click beside the code box leaves the typing in it
                page.keyboard.type(codes[who], delay=20)
                page.keyboard.press("Enter")
            for who in ("us", "china"):
                pages[who].wait_for_timeout(2500 * PACE)
                pages[who].screenshot(path=str(SHOTS / f"rooms-{who}-briefing.png"))
                pages[who].keyboard.press("Escape")  # the briefing card
                pages[who].wait_for_timeout(800 * PACE)
                pages[who].screenshot(path=str(SHOTS / f"rooms-{who}-warroom.png"))

            def end_quarter(page, why: str, done) -> None:
                """e, the journal's line, commit; again if a slow first paint swallowed a key
                (the canvas cannot be read: the room's database says whether it worked)."""
                for _attempt in range(3):
                    page.keyboard.press("e")
                    page.wait_for_timeout(800 * PACE)
                    page.keyboard.type(why, delay=10)  # the journal's rationale
                    page.keyboard.press("Enter")  # on to the prediction (left empty)
                    page.wait_for_timeout(300 * PACE)
                    page.keyboard.press("Tab")
                    page.wait_for_timeout(300 * PACE)
                    page.keyboard.press("Enter")  # commit
                    try:
                        wait_for(done, 10, "the commit")
                        return
                    except AssertionError:
                        for _ in range(2):  # close whatever is open (a briefing, the journal)
                            page.keyboard.press("Escape")
                            page.wait_for_timeout(500 * PACE)

            end_quarter(pages["us"], "hold and watch", lambda: view().committed["us"])
            wait_for(lambda: view().committed["us"], 20, "the US's commit")
            pages["us"].wait_for_timeout(800 * PACE)
            pages["us"].screenshot(path=str(SHOTS / "rooms-us-waiting.png"))
            pages["facilitator"].wait_for_timeout(1500 * PACE)  # the console asks every second
            pages["facilitator"].screenshot(path=str(SHOTS / "rooms-console.png"))
            assert view().turns == 0 and not view().committed["china"]

            end_quarter(pages["china"], "build Ascend", lambda: view().turns == 1)
            wait_for(lambda: view().turns == 1, 20, "the quarter to resolve")
            for who in ("us", "china"):
                pages[who].wait_for_timeout(2000 * PACE)
                pages[who].screenshot(path=str(SHOTS / f"rooms-{who}-report.png"))
            pages["facilitator"].keyboard.press("p")
            pages["facilitator"].wait_for_timeout(1500 * PACE)
            pages["facilitator"].screenshot(path=str(SHOTS / "rooms-projector.png"))
        finally:
            browser.close()

    v = view()
    assert v.turns == 1 and v.quarter == "2025Q2"
    journal = {e["side"]: e["rationale"] for e in v.journal}
    assert journal == {"us": "hold and watch", "china": "build Ascend"}
    for name in ("join", "us-warroom", "us-waiting", "console", "us-report", "china-report"):
        assert (SHOTS / f"rooms-{name}.png").stat().st_size > 10_000
