"""The war room driven through Textual's Pilot, as a player would: pick moves, read the preview, end the
quarter, read the report, save, load and continue; as the US, as China, and hot-seat."""

from __future__ import annotations

import json

import pytest
from driving import drive, settle  # tests/tui/driving.py

from game.tui.screens.report import ReportScreen
from game.tui.screens.warroom import WarRoom
from game.tui.session import Session


async def choose(app, pilot, key):
    """Move the picker's cursor to `key` and press enter."""
    room = app.screen
    picker = room.query_one("#moves")
    picker.focus()
    ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
    picker.highlighted = ids.index(key)
    await settle(app, pilot)
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.slow  # ~4 s; the default run keeps the shorter war-room tests
def test_play_a_quarter_as_the_us_with_preview_report_and_save(tmp_path, cheap_forecasts):
    s = Session.new("us", "2025-deepseek-shock", "pragmatist", seed=3, save_dir=tmp_path)
    seen = {}

    async def play(app, pilot):
        assert isinstance(app.screen, WarRoom)
        await choose(app, pilot, "chip_subsidy")
        detail = app.screen.query_one("#detail").text
        assert "Score vs holding" in detail and "gap (mo)" in detail  # the worker's spread arrived
        assert app.screen.chosen["us"] == ["chip_subsidy"]
        gd = app.session.game.data
        cost = gd.moves[gd.move_index["chip_subsidy"]].options[0].cost
        assert f"{60 - cost:g} of 60 political capital left" in str(
            app.screen.query_one("#plan").render()
        )
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        report = str(app.screen.query_one("#report").render())
        assert "2025Q1" in report and "Chip subsidies" in report and "What moved" in report
        assert "chip_subsidy" not in report  # words, not ids
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WarRoom)
        assert app.session.game.quarter == "2025Q2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        from textual.widgets import Input

        box = app.screen.query_one(Input)
        assert box.value == app.session.name  # the default name is offered
        box.value = ""
        for ch in "mine":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        seen["history"] = app.session.game.history

    drive(play, s)
    assert s.autosave_path.exists() and s.autosave_path.parent == tmp_path
    body = json.loads((tmp_path / "mine.json").read_text())
    assert body["extra"]["side"] == "us" and body["extra"]["opponent"] == "pragmatist"
    # load and continue: the same game, one more quarter
    loaded = Session.load(tmp_path / "mine.json")
    assert loaded.game.history == seen["history"]

    async def more(app, pilot):
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.game.quarter == "2025Q3"

    drive(more, loaded)


@pytest.mark.slow  # ~2.5 s
def test_illegal_and_unaffordable_moves_are_refused_with_the_reason(tmp_path, cheap_forecasts):
    s = Session.new("us", seed=1, save_dir=tmp_path)

    async def play(app, pilot):
        await choose(app, pilot, "h200_exports:deny")  # already the policy
        assert app.screen.chosen["us"] == []
        detail = app.screen.query_one("#detail").text
        assert "already the policy" in detail
        await choose(app, pilot, "b30a_licence:licensed")  # 30
        await choose(app, pilot, "h200_exports:open")  # 25: 55 of 60
        await choose(app, pilot, "chip_subsidy")  # 18 more: refused
        assert app.screen.chosen["us"] == ["b30a_licence:licensed", "h200_exports:open"]
        await choose(app, pilot, "h200_exports:case_by_case")  # replaces open
        assert app.screen.chosen["us"] == ["b30a_licence:licensed", "h200_exports:case_by_case"]

    drive(play, s)


@pytest.mark.slow  # keeps the default run under a minute; .ci/run runs it
def test_play_as_china_against_the_planner(tmp_path, cheap_forecasts):
    s = Session.new("china", "2026-h200-thaw", "planner:1", seed=5, save_dir=tmp_path)

    async def play(app, pilot):
        await choose(app, pilot, "ascend_rampup")
        await pilot.press("e")
        await settle(app, pilot)
        report = str(app.screen.query_one("#report").render())
        assert "China played:" in report and "Ascend ramp-up" in report
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.game.history[0]["china"] == ["ascend_rampup"]

    drive(play, s)


@pytest.mark.slow  # keeps the default run under a minute; .ci/run runs it
def test_hot_seat_hands_over_then_resolves_both(tmp_path, cheap_forecasts):
    s = Session.new("us", seed=2, opponent="human", save_dir=tmp_path)

    async def play(app, pilot):
        await choose(app, pilot, "chip_subsidy")
        await pilot.press("e")  # the US commits; China's turn after the hand-over screen
        await pilot.pause()
        assert type(app.screen).__name__ == "HandOverScreen"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.acting == "china"
        assert "chip_subsidy" not in str(app.screen.query_one("#plan").render())
        await choose(app, pilot, "ascend_rampup")
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        rec = app.session.game.history[0]
        assert rec["us"] == ["chip_subsidy"] and rec["china"] == ["ascend_rampup"]
        assert app.screen.acting == "us"

    drive(play, s)


def test_advisors_recommend_and_a_recommendation_can_be_adopted(tmp_path, cheap_forecasts):
    s = Session.new("us", seed=3, save_dir=tmp_path)

    async def play(app, pilot):
        await pilot.press("a")
        await settle(app, pilot)
        screen = app.screen
        assert len(screen.advice) == 3
        text = str(screen.query_one("#advice").render())
        assert "US Hawk" in text and "Forecast" in text
        first = next(a.move for a in screen.advice if a.move)
        idx = [a.move for a in screen.advice].index(first)
        await pilot.press(str(idx + 1))
        await pilot.pause()
        assert first in app.screen.chosen["us"]

    drive(play, s)


@pytest.mark.slow  # keeps the default run under a minute; .ci/run runs it
def test_small_terminal_and_resizing_do_not_crash(tmp_path, cheap_forecasts):
    s = Session.new("china", seed=4, save_dir=tmp_path)

    async def play(app, pilot):
        assert app.screen.has_class("narrow")
        for size in ((120, 40), (60, 20), (200, 60), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        assert app.screen.has_class("narrow")
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()

    drive(play, s, size=(80, 24))
