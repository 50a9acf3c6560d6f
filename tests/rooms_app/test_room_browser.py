"""End to end in a browser, in English and in Chinese: `g2 serve` (the CLI, with $G2_LANG) on a free
localhost port in a subprocess (textual-serve runs a room app per browser tab), driven by headless
Chromium through Playwright. The facilitator's browser opens a room (the scenario chooser, then
the codes screen) and goes on to the console; two more browser contexts (the US team and the China
team) join with the codes read off the facilitator's screen; both teams end two quarters with a
journal line each; between them the facilitator injects a catalogue event from the console; the
projector ends it. Screenshots of each step go to /tmp/rooms-{en,zh}-*.png, each with the
terminal's text beside it (/tmp/rooms-*.txt).

The terminal is drawn on a canvas (xterm.js), but its text is in xterm's buffer: a script run
before the page's own (`HOOK`) keeps the page's terminal object when textual-serve makes it, and
`screen()` reads the rows. The codes are read so (the rooms database keeps only their hashes);
the rooms database is the oracle for everything the keys do (who has committed, the injects, the
quarters played). Needs /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk) and the
playwright package; never `playwright install`."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from served import free_port, serving, wait_for

from game.i18n import catalog
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
SCENARIO, SEED = "2025-deepseek-shock", "4"

# textual-serve's page makes its terminal in a class whose constructor sets `this.terminal` and
# then `this.fitAddon`: a setter on Object.prototype for `fitAddon` sees that object first, keeps
# its terminal for the test and puts the property back as an ordinary one
HOOK = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "fitAddon", {
      value, writable: true, configurable: true, enumerable: true,
    });
    if (this.terminal && this.terminal.buffer) window.__g2Terminal = this.terminal;
  },
});
"""
READ = """() => {
  const t = window.__g2Terminal;
  if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""
# a code as the codes screen spaces it out: K 7 Q X - 2 M P D
SPACED_CODE = re.compile(r"(?:[2-9A-HJ-NP-Z] ){4}- (?:[2-9A-HJ-NP-Z] ){3}[2-9A-HJ-NP-Z]")


def screen(page) -> str:
    """The text the page's terminal shows now (a wide character once, as typed)."""
    return page.evaluate(READ)


def wait_text(page, text: str, timeout: float = 15 * PACE, gone: bool = False) -> str:
    """Wait until the page's terminal shows `text` (or no longer does); the screen's text."""
    end = time.monotonic() + timeout
    while True:
        now = screen(page)
        if (text in now) != gone:
            return now
        if time.monotonic() > end:
            state = "gone" if gone else "shown"
            raise AssertionError(f"timed out waiting for {text!r} {state}; the screen:\n{now}")
        time.sleep(0.1)


def translator(lang: str):
    """(interface text, game content) in `lang`, as the served app shows them."""
    messages, content = catalog(lang, "messages"), catalog(lang, "content")
    return messages.gettext, content.gettext


@pytest.fixture
def served(request, tmp_path):
    """(url, store, lang): `g2 serve` in a subprocess on an empty rooms database, in the language
    the test is parametrized with (indirect), given as $G2_LANG as a class's server would be."""
    lang = getattr(request, "param", "en")
    db = tmp_path / "rooms.db"
    store = RoomStore(db)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    try:
        with serving(db, port, tmp_path, lang, "--host", "127.0.0.1") as proc:
            yield url, store, lang
    finally:
        store.close()
    log = proc.log_path.read_text()
    t, _tc = translator(lang)
    said = t(
        "G2 is being served at {url} (only this machine can reach it; "
        "--host 0.0.0.0 opens it to the network)"
    ).format(url=url.rstrip("/"))
    assert said in log


@pytest.mark.browser  # ~40 s a language: a server, three browser tabs, two quarters
@pytest.mark.parametrize("served", ["en", "zh"], indirect=True)
def test_a_facilitator_opens_a_room_two_browsers_play_two_quarters_with_an_inject(served):
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    url, store, lang = served
    t, tc = translator(lang)
    shots: list[str] = []

    def report_of(quarter: str) -> str:
        """The report's first line for `quarter`, as the screen shows it (no markup)."""
        line = t("[b]{quarter}: the quarter's report[/b]").format(quarter=quarter)
        return line.replace("[b]", "").replace("[/b]", "")

    def shot(page, name: str) -> None:
        """A screenshot, and the terminal's text beside it, once the canvas has caught up."""
        page.wait_for_timeout(300 * PACE)
        path = SHOTS / f"rooms-{lang}-{name}.png"
        page.screenshot(path=str(path))
        path.with_suffix(".txt").write_text(screen(page) + "\n", encoding="utf-8")
        shots.append(name)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            pages = {}
            for who in ("facilitator", "us", "china"):
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(HOOK)
                page = context.new_page()
                page.goto(url)
                # textual-serve connects at once (no start button): the page is marked when the
                # app's first bytes arrive
                page.wait_for_selector("body.-first-byte", timeout=30_000)
                pages[who] = page
            for page in pages.values():
                wait_text(page, t("Join a room"), 30)  # the served app speaks `lang`
            shot(pages["us"], "join")
            fac = pages["facilitator"]

            # the facilitator opens a room: ^o, the scenario chooser (the default is highlighted:
            # enter takes it), a seed, enter; the codes screen shows the three codes
            fac.click("#terminal")  # the keys go to the terminal (beside the code box)
            for attempt in range(3):
                fac.wait_for_timeout(500 * PACE)  # a slow first paint may swallow a key
                fac.keyboard.press("Control+o")
                try:
                    wait_text(fac, t("The scenario the class plays"), 5 * PACE)
                    break
                except AssertionError:
                    if attempt == 2:
                        raise
            shot(fac, "open-room")
            fac.keyboard.press("Enter")  # the highlighted scenario: on to the seed
            fac.wait_for_timeout(300 * PACE)
            fac.keyboard.type(SEED, delay=20)
            fac.keyboard.press("Enter")
            text = wait_text(fac, t("The room is open: write these codes on the board"))
            shot(fac, "codes")
            found = [m.replace(" ", "") for m in SPACED_CODE.findall(text)]
            assert len(found) == 3, text
            codes = dict(zip(("us", "china", "facilitator"), found, strict=True))
            members = {role: store.join(code) for role, code in codes.items()}
            (room,) = store.rooms()
            assert all(m.room == room and m.role == role for role, m in members.items())
            fac_member = members["facilitator"]

            def view():
                return store.view(fac_member)

            assert view().scenario == SCENARIO and view().seed == int(SEED)
            console = t("Inject an event from the catalogue (enter)")
            # on to the console; a lost enter again (on the console, an enter with no event
            # highlighted does nothing)
            for attempt in range(3):
                fac.keyboard.press("Enter")
                try:
                    wait_text(fac, console, 5 * PACE)
                    break
                except AssertionError:
                    if attempt == 2:
                        raise

            # the teams join with the codes read off the facilitator's screen
            for who in ("us", "china"):
                page = pages[who]
                page.click("#terminal")  # a click beside the code box leaves the typing in it
                page.keyboard.type(codes[who], delay=20)
                page.keyboard.press("Enter")
            for who in ("us", "china"):
                page = pages[who]
                # the briefing card opens over the war room (its kicker: "Briefing card: …")
                wait_text(page, t("Briefing card: {side}").split("{side}")[0])
                shot(page, f"{who}-briefing")
                page.keyboard.press("Escape")  # the briefing card
                wait_text(page, t("enter: add/remove"))  # the moves list (a footer may draw late)
                shot(page, f"{who}-warroom")

            def end_quarter(page, why: str, done) -> None:
                """e, the journal's line, commit; again if a slow paint swallowed a key (the
                room's database says whether it worked)."""
                for _attempt in range(3):
                    page.keyboard.press("e")
                    try:
                        wait_text(page, t("Why this plan? One line (optional):"), 4 * PACE)
                    except AssertionError:
                        page.keyboard.press("Escape")  # whatever is open (a briefing)
                        page.wait_for_timeout(500 * PACE)
                        continue
                    page.wait_for_timeout(200 * PACE)
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
                        for _ in range(2):  # close whatever is open (the journal)
                            page.keyboard.press("Escape")
                            page.wait_for_timeout(500 * PACE)
                raise AssertionError(f"the commit did not land; the screen:\n{screen(page)}")

            # quarter 1: the US commits and waits; the console sees it; China's commit resolves it
            end_quarter(pages["us"], "hold and watch", lambda: view().committed["us"])
            wait_text(pages["us"], t("Committed — waiting for the other team"))
            shot(pages["us"], "us-waiting")
            wait_text(fac, t("committed ✓"))  # the console asks every second
            wait_text(fac, "hold and watch")  # the journal: the facilitator reads all of it
            shot(fac, "console-q1")
            assert view().turns == 0 and not view().committed["china"]
            end_quarter(pages["china"], "build Ascend", lambda: view().turns == 1)
            for who in ("us", "china"):
                wait_text(pages[who], report_of("2025Q1"))
                shot(pages[who], f"{who}-report-q1")

            # the facilitator injects a catalogue event for quarter 2: one that can happen now,
            # after a greyed one (the cursor skips those); home, down to it, enter
            wait_text(fac, "2025Q2")
            catalogue = store.game(fac_member).event_catalogue()
            ready = [ev for ev in catalogue if ev.ready]
            target = next(
                (
                    ev
                    for i, ev in enumerate(catalogue)
                    if ev.ready and any(not e.ready for e in catalogue[:i])
                ),
                ready[0],
            )
            wait_text(fac, t("Nothing queued: the quarter plays as the dice fall."))
            shot(fac, "console-q2-before-inject")
            for attempt in range(3):  # again if a key was lost (the database says)
                fac.keyboard.press("Home")
                for _ in range(ready.index(target)):
                    fac.keyboard.press("ArrowDown")
                    fac.wait_for_timeout(100 * PACE)
                fac.wait_for_timeout(300 * PACE)
                fac.keyboard.press("Enter")
                try:
                    wait_for(lambda: view().injects, 5 * PACE, "the inject")
                    break
                except AssertionError:
                    if attempt == 2:
                        raise AssertionError(f"no inject; the console:\n{screen(fac)}") from None
            assert view().injects == [{"event": target.id}]
            wait_text(fac, t("Nothing queued: the quarter plays as the dice fall."), gone=True)
            wait_text(fac, "• " + tc(target.name))  # the console's list of queued news
            shot(fac, "console-q2-injected")
            event = next(e for e in store.game(fac_member).data.events if e.id == target.id)
            headline = tc(event.headline or event.name)

            # quarter 2: both teams go on from their reports and commit; the event plays
            for who in ("us", "china"):
                pages[who].keyboard.press("Enter")  # the report: continue
                wait_text(pages[who], report_of("2025Q1"), gone=True)
                wait_text(pages[who], t("enter: add/remove"))
            end_quarter(pages["china"], "hold the line", lambda: view().committed["china"])
            end_quarter(pages["us"], "tighten exports", lambda: view().turns == 2)
            for who in ("us", "china"):
                text = wait_text(pages[who], report_of("2025Q2"))
                assert headline in text  # the injected event is in both teams' headlines
                shot(pages[who], f"{who}-report-q2")
            wait_text(fac, "2025Q3")
            projector = t("p: back to the console")
            for attempt in range(3):  # the projector: the score, the meters, the headlines
                if projector not in screen(fac):  # (p toggles it: pressed again only if lost)
                    fac.keyboard.press("p")
                try:
                    wait_text(fac, projector, 5 * PACE)
                    break
                except AssertionError:
                    if attempt == 2:
                        raise
            text = wait_text(fac, t("Headlines of {quarter}").format(quarter="2025Q2"))
            assert headline in text
            shot(fac, "projector")
        finally:
            browser.close()

    v = view()
    assert v.turns == 2 and v.quarter == "2025Q3" and v.injects == []
    journal = [(e["quarter"], e["side"], e["rationale"]) for e in v.journal]
    assert journal == [
        ("2025Q1", "us", "hold and watch"),
        ("2025Q1", "china", "build Ascend"),
        ("2025Q2", "us", "tighten exports"),
        ("2025Q2", "china", "hold the line"),
    ]
    history = store.game(fac_member).history
    assert [h["quarter"] for h in history] == ["2025Q1", "2025Q2"]
    assert not history[0].get("injects") and history[1]["injects"] == [{"event": target.id}]
    assert target.id in history[1]["events"]  # the injected event happened in quarter 2
    for name in shots:
        assert (SHOTS / f"rooms-{lang}-{name}.png").stat().st_size > 10_000, name
