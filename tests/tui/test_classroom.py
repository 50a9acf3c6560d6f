"""A facilitated classroom game through Pilot: each quarter the side writes why and predicts a meter,
the report reveals and scores the prediction, the facilitator injects a catalogue event and a custom
one between quarters, and the save keeps the journal and the injects so it replays exactly."""

from __future__ import annotations

import pytest
from driving import drive, screen_text, settle  # tests/tui/driving.py
from textual.widgets import Input, OptionList, Select

from game.tui.screens.facilitator import FacilitatorScreen
from game.tui.screens.journal import JournalScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.warroom import WarRoom
from game.tui.session import Session


@pytest.mark.slow  # ~4 s of Pilot; .ci/run runs it after the default run
def test_a_facilitated_quarter_with_journal_prediction_and_injects(tmp_path, cheap_forecasts):
    s = Session.new("us", "2025-deepseek-shock", "pragmatist", seed=4, save_dir=tmp_path)
    s.facilitator, s.team = True, "Table 3"
    seen = {}

    async def play(app, pilot):
        assert isinstance(app.screen, WarRoom) or app.screen.__class__.__name__ == "BriefingScreen"
        while not isinstance(app.screen, WarRoom):  # the briefing card opens a classroom game
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        app.screen.query_one("#rationale", Input).value = "hold and watch [b]them[/b]"
        app.screen.query_one("#meter", Select).value = "capability_gap_months"
        app.screen.query_one("#value", Input).value = "6"
        await pilot.click("#commit")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        report = str(app.screen.query_one("#report").render())
        seen["report"] = report
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FacilitatorScreen)
        seen["console"] = screen_text(app)
        events = app.screen.query_one("#events", OptionList)
        ids = [events.get_option_at_index(i).id for i in range(events.option_count)]
        events.focus()
        events.highlighted = ids.index("deepseek_moment")
        await pilot.press("enter")
        app.screen.query_one("#headline", Input).value = "The Senate passes RASA"
        app.screen.query_one("#lever", Select).value = "tension"
        app.screen.query_one("#amount", Input).value = "5"
        await pilot.click("#queue-custom")
        await pilot.press("ctrl+r")
        await pilot.pause()
        seen["revealed"] = screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, WarRoom)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, JournalScreen)
        await pilot.click("#commit")  # nothing written: the quarter still commits

        await settle(app, pilot)
        seen["report2"] = str(app.screen.query_one("#report").render())

    drive(play, s, size=(120, 40))
    assert "Decision journal" in seen["report"] and "hold and watch [b]them[/b]" in seen["report"]
    assert "predicted Capability gap +6.0 mo" in seen["report"] and "off by" in seen["report"]
    assert "Inject an event" in seen["console"]
    assert "Both sides' policies" in seen["revealed"] and "hidden" not in seen["revealed"]
    assert "The Senate passes RASA" in seen["report2"]
    rec = s.game.history[1]
    assert rec["injects"] == [
        {"event": "deepseek_moment"},
        {"headline": "The Senate passes RASA", "add": {"tension": 5.0}},
    ]
    path = s.save("class")
    back = Session.load(path, save_dir=tmp_path)
    assert back.facilitator and back.team == "Table 3"
    assert back.journal[0]["rationale"] == "hold and watch [b]them[/b]"
    assert back.journal[0]["prediction"]["meter"] == "capability_gap_months"
    assert "error" in back.journal[0]
    assert back.game.digest() == s.game.digest()
