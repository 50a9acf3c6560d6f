"""The room app through Pilot: two teams and a facilitator on one rooms database, each in its own
app as each browser runs its own. A team commits and waits for the other; the quarter resolves
when both have; each team's report shows its side's view; the facilitator's inject plays in both
reports; wrong and revoked codes are refused; a forced quarter makes the missing side hold."""

from __future__ import annotations

import pytest
from rooms_driving import NotingRoomApp, join, run_apps, screen_text, until
from textual.widgets import Input, OptionList, Select

from game.rooms.console import ConsoleScreen
from game.rooms.screens import CodesScreen, JoinScreen, RoomWarRoom
from game.tui.messages import TurnResolved
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.journal import JournalScreen
from game.tui.screens.report import ReportScreen

pytestmark = pytest.mark.usefixtures("quick_polls")


def report_of(app) -> str:
    return str(app.screen.query_one("#report").render())


async def end_quarter(app, pilot, why: str = "") -> None:
    """e in the war room, then the journal's commit (with `why` as the rationale)."""
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, JournalScreen), what="the journal")
    app.screen.query_one("#rationale", Input).value = why
    await pilot.click("#commit")
    await pilot.pause()


@pytest.mark.slow  # ~5 s of Pilot: three apps, two quarters
def test_two_teams_commit_a_quarter_each_and_the_facilitators_inject_reaches_both(
    store, room, cheap_forecasts
):
    rid, codes = room
    us, china, fac = (NotingRoomApp(store) for _ in range(3))
    seen = {}

    async def play(pu, pc, pf):
        await join(us, pu, codes["us"])
        await join(china, pc, codes["china"])
        await join(fac, pf, codes["facilitator"])
        assert isinstance(us.screen, RoomWarRoom) and us.screen.session.side == "us"
        assert isinstance(china.screen, RoomWarRoom) and china.screen.session.side == "china"
        assert isinstance(fac.screen, ConsoleScreen)

        # the US picks a move, ends its quarter with a journal entry and waits for China
        picker = us.screen.query_one("#moves", OptionList)
        legal = [
            picker.get_option_at_index(i).id
            for i in range(picker.option_count)
            if picker.get_option_at_index(i).id in picker.by_key
            and picker.by_key[picker.get_option_at_index(i).id].legal
            and picker.by_key[picker.get_option_at_index(i).id].cost <= 10
        ]
        picker.focus()
        picker.highlighted = picker.get_option_index(legal[0])
        await pu.press("enter")
        await pu.pause()
        assert us.screen.chosen["us"] == [legal[0]]
        await end_quarter(us, pu, "ship chips, watch China")
        await until(pu, lambda: us.screen.busy and "waiting for the other team" in screen_text(us))
        seen["us waiting"] = screen_text(us)
        assert not isinstance(us.screen, ReportScreen)

        # the facilitator's console sees the US's moves; China's screen says the US committed
        await until(pf, lambda: "committed ✓" in screen_text(fac), what="the console's update")
        seen["console"] = screen_text(fac)
        await until(pc, lambda: "United States has committed" in china.screen.sub_title)

        # China commits: the quarter resolves and both reports open
        await end_quarter(china, pc, "build Ascend")
        await until(pc, lambda: isinstance(china.screen, ReportScreen), what="China's report")
        await until(pu, lambda: isinstance(us.screen, ReportScreen), what="the US's report")
        seen["us report 1"], seen["china report 1"] = report_of(us), report_of(china)

        # the facilitator queues a custom event for the second quarter
        await until(pf, lambda: "2025Q2" in fac.screen.title, what="the console's next quarter")
        fac.screen.query_one("#headline", Input).value = "The Senate passes RASA"
        fac.screen.query_one("#lever", Select).value = "tension"
        fac.screen.query_one("#amount", Input).value = "5"
        await pf.click("#queue-custom")
        await until(pf, lambda: "The Senate passes RASA" in screen_text(fac))
        seen["console queued"] = screen_text(fac)

        # both continue and commit the second quarter; the event is in both reports
        for app, pilot in ((us, pu), (china, pc)):
            await pilot.press("enter")
            await until(pilot, lambda app=app: isinstance(app.screen, RoomWarRoom))
        await end_quarter(china, pc)
        await end_quarter(us, pu)
        await until(pu, lambda: isinstance(us.screen, ReportScreen), what="the US's 2nd report")
        await until(pc, lambda: isinstance(china.screen, ReportScreen), what="China's 2nd")
        seen["us report 2"], seen["china report 2"] = report_of(us), report_of(china)

    run_apps(play, us, china, fac)

    assert "Committed — waiting for the other team" in seen["us waiting"]
    console = seen["console"]
    assert "United States: committed ✓" in console and "China: planning" in console
    assert "ship chips, watch China" in console  # the journal: the facilitator reads all of it
    assert "2025Q1: the quarter's report" in seen["us report 1"]
    assert "ship chips, watch China" in seen["us report 1"]
    assert "build Ascend" not in seen["us report 1"]  # a team reads its own journal only
    assert "build Ascend" in seen["china report 1"]
    assert "ship chips, watch China" not in seen["china report 1"]
    assert "United States played" in seen["china report 1"]
    assert "The Senate passes RASA (Tension +5)" in seen["console queued"]
    assert "The Senate passes RASA" in seen["us report 2"]
    assert "The Senate passes RASA" in seen["china report 2"]
    rec = store.game(store.join(codes["facilitator"])).history
    assert [r["quarter"] for r in rec] == ["2025Q1", "2025Q2"]
    assert rec[1]["injects"] == [{"headline": "The Senate passes RASA", "add": {"tension": 5.0}}]
    assert us.session.game.digest() == china.session.game.digest()


@pytest.mark.slow  # ~2 s of Pilot
def test_a_wrong_code_and_a_revoked_code_are_refused_on_the_join_screen(
    store, room, cheap_forecasts
):
    rid, codes = room
    us, fac = NotingRoomApp(store), NotingRoomApp(store)
    seen = {}

    async def play(pu, pf):
        await join(us, pu, "ABCD-EFGH")
        assert isinstance(us.screen, JoinScreen)
        seen["wrong"] = screen_text(us)
        await join(us, pu, codes["us"])
        assert isinstance(us.screen, RoomWarRoom)
        await join(fac, pf, codes["facilitator"])
        await pf.click("#revoke-us")
        await pf.pause()
        await pf.press("y")  # the confirmation
        await until(pf, lambda: fac.screen.codes["us"] != codes["us"], what="the new code")
        seen["console"] = screen_text(fac)
        # the US's screen finds out at its next look at the room: back to the join screen
        await until(pu, lambda: isinstance(us.screen, JoinScreen), what="the US sent back")
        seen["sent back"] = screen_text(us)
        await join(us, pu, codes["us"])
        seen["revoked"] = screen_text(us)
        assert isinstance(us.screen, JoinScreen)
        await join(us, pu, fac.screen.codes["us"].lower())  # any case
        assert isinstance(us.screen, RoomWarRoom)

    run_apps(play, us, fac)
    assert "That code is unknown or no longer works" in seen["wrong"]
    assert "Your code no longer works" in seen["sent back"]
    assert "That code is unknown or no longer works" in seen["revoked"]
    assert any("New code for United States" in note for _t, note, _s in fac.notes)


@pytest.mark.slow  # ~2 s of Pilot
def test_the_facilitator_opens_a_room_sees_its_codes_and_closes_a_quarter_for_a_missing_side(
    store, cheap_forecasts
):
    fac, us = NotingRoomApp(store), NotingRoomApp(store)
    seen = {}

    async def play(pf, pu):
        await pf.click("#open")
        await pf.pause()
        fac.screen.query_one("#seed", Input).value = "7"
        await pf.click("#open-room")
        await pf.pause()
        assert isinstance(fac.screen, CodesScreen)
        seen["codes"] = screen_text(fac)
        codes = fac.screen.codes
        await pf.click("#console")
        await pf.pause()
        assert isinstance(fac.screen, ConsoleScreen)
        await join(us, pu, codes["us"])
        await end_quarter(us, pu, "alone")
        await until(pf, lambda: "United States: committed ✓" in screen_text(fac))
        await pf.press("p")  # the projector: who has committed, but no moves
        await pf.pause()
        seen["projector"] = screen_text(fac)
        await pf.press("p")
        await pf.press("e")  # close the quarter: China holds
        await pf.pause()
        seen["confirm"] = screen_text(fac)
        await pf.press("y")
        await until(pu, lambda: isinstance(us.screen, ReportScreen), what="the US's report")
        seen["report"] = report_of(us)
        await pf.click("#export")
        await until(pf, lambda: bool(fac.screen.exported), what="the export")
        seen["exported"] = list(fac.screen.exported)

    run_apps(play, fac, us)
    text = seen["codes"]
    for role in ("United States", "China", "Facilitator"):
        assert role in text
    assert "write these codes on the board" in text
    assert "United States: committed ✓" in seen["projector"]
    assert "China: planning" in seen["projector"]
    assert "alone" not in seen["projector"] and "Committed moves" not in seen["projector"]
    assert "China has not committed and holds" in seen["confirm"]
    assert (
        "China played:[/b] nothing" in seen["report"] or "China played: nothing" in (seen["report"])
    )
    from game.tui.session import Session

    paths = seen["exported"]
    assert [p.name for p in paths] == [f"room-{fac.member.room}-{s}.json" for s in ("us", "china")]
    back = Session.load(paths[0])
    assert back.side == "us" and len(back.game.history) == 1
    assert back.journal[0]["rationale"] == "alone"


@pytest.mark.slow  # ~1 s of Pilot
def test_the_join_screen_switches_this_browsers_language(store):
    app = NotingRoomApp(store)
    seen = {}

    async def play(pilot):
        app.screen.query_one("#code", Input).value = "K7QX"
        await pilot.click("#lang")
        await pilot.pause()
        seen["zh"] = screen_text(app)
        seen["code"] = app.screen.query_one("#code", Input).value
        await pilot.click("#lang")
        await pilot.pause()
        seen["en"] = screen_text(app)

    run_apps(play, app)
    assert "English" in seen["zh"] and "中美" in seen["zh"]
    assert seen["code"] == "K7QX"  # what was typed stays
    assert "中文" in seen["en"] and "Join a room" in seen["en"]


@pytest.mark.slow  # ~2 s of Pilot
def test_g2_join_enters_with_the_code_and_a_finished_room_shows_the_end(
    store, room, cheap_forecasts
):
    from game.tui.screens.gameover import GameOverScreen

    rid, codes = room
    fac = store.join(codes["facilitator"])
    while not store.view(fac).over:  # the facilitator closes every quarter: both sides hold
        store.force(fac)
    other_room = NotingRoomApp(store, code=codes["us"], room="zzzzz")
    app = NotingRoomApp(store, code=codes["china"], room=rid)  # what `g2 join` runs
    seen = {}

    async def play(p_other, pilot):
        await until(pilot, lambda: isinstance(app.screen, GameOverScreen), what="the end")
        await pilot.pause()
        seen["end"] = screen_text(app)
        seen["other"] = screen_text(other_room)
        assert isinstance(other_room.screen, JoinScreen)
        await pilot.click("#new")  # "New game": back to the join screen
        await until(pilot, lambda: isinstance(app.screen, JoinScreen), what="the join screen")

    run_apps(play, other_room, app)
    assert "You played China against the China team" not in seen["end"]
    assert "against the US team" in " ".join(seen["end"].split())
    assert f"That code is for room {rid}, not zzzzz." in seen["other"]


@pytest.mark.slow  # ~1 s of Pilot
def test_a_code_pasted_with_its_line_break_joins_even_before_the_page_has_the_focus(store, room):
    """A served app starts unfocused (textual-serve's page has not been clicked yet): a paste
    then reaches the screen, not the code box; it must still join, once, with the code as given."""
    from textual import events

    rid, codes = room
    app = NotingRoomApp(store)

    async def script(pilot):
        await pilot.pause(0.5)
        app.post_message(events.AppBlur())
        await pilot.pause(0.5)
        assert app.focused is None
        app.post_message(events.Paste(codes["china"] + "\r\n"))
        await until(pilot, lambda: isinstance(app.screen, BriefingScreen), what="the join")
        await pilot.pause(0.3)
        assert (app.member.room, app.member.role) == (rid, "china")

    run_apps(script, app)


@pytest.mark.slow  # ~2 s of Pilot
def test_a_quarters_report_shows_once_however_many_workers_caught_it_up(store, room):
    rid, codes = room
    app = NotingRoomApp(store)

    async def script(pilot):
        await join(app, pilot, codes["us"])
        store.commit(store.join(codes["china"]), [])
        await end_quarter(app, pilot, "once")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report")
        result = app.session.results[-1]
        await pilot.press("enter")  # read: back to the war room, 2025Q2
        await until(pilot, lambda: isinstance(app.screen, RoomWarRoom), what="the war room")
        app.screen.post_message(TurnResolved(result))  # a late worker's 2025Q1, again
        await pilot.pause(0.5)
        assert isinstance(app.screen, RoomWarRoom), "the 2025Q1 report showed a second time"

    run_apps(script, app)
