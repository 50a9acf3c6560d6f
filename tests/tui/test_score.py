"""The score explained: s in the war room opens every part of the score with its points, the side it
favours and its weight; the race panel names the largest parts; the new-game briefing says who leads
at the start and why; the game-over screen and the help show the parts too. No part is named here:
they come from the engine's model.SCORE_TERMS, which may change."""

from __future__ import annotations

import asyncio
import io

import pytest
from driving import drive, settle  # tests/tui/driving.py
from rich.console import Console
from textual.app import App
from textual.widgets import DataTable, Static

from game.engine import model
from game.engine.api import lead_text, new_game
from game.engine.data import DEFAULT_SCENARIO, load_data
from game.tui.screens.gameover import GameOverScreen
from game.tui.screens.help import win_text
from game.tui.screens.newgame import NewGameScreen
from game.tui.screens.score import ScoreScreen
from game.tui.screens.warroom import WarRoom
from game.tui.session import Session

SIZES = [(80, 24), (120, 40)]
PARTS = [t[0] for t in model.SCORE_TERMS]


def text_of(widget: Static, width: int) -> str:
    """What `widget` shows, laid out `width` columns wide."""
    console = Console(width=width, file=io.StringIO())
    with console.capture() as out:
        console.print(widget.content)
    return out.get()


@pytest.mark.parametrize("size", SIZES)
def test_s_opens_every_part_of_the_score_with_its_side_and_weight(tmp_path, size):
    s = Session.new("us", seed=3, save_dir=tmp_path)
    s.resolve([], autosave=False)  # a quarter in: the parts have moved from the start
    seen = {}

    async def script(app, pilot):
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScoreScreen)
        panel = app.screen.query_one("#score-parts", Static)
        width = panel.content_region.width
        seen["width"] = width
        seen["text"] = text_of(panel, width)
        seen["note"] = text_of(app.screen.query_one("#score-note", Static), width)
        await pilot.press("q")  # closes the dialog, does not quit the game
        await pilot.pause()
        seen["back"] = isinstance(app.screen, WarRoom)

    drive(script, s, size=size)
    text = seen["text"]
    g = s.game
    assert f"Score: {lead_text(g.meters['score'])}" in text
    for p in g.score_breakdown():
        row = next(line for line in text.splitlines() if line.startswith(p["part"]))
        assert lead_text(p["points"]) in row and f"of ±{p['weight']:g}" in row
        assert p["measures"].split()[0] in text
    assert {p["part"] for p in g.score_breakdown()} == set(PARTS)
    assert all(len(line.rstrip()) <= seen["width"] for line in text.splitlines())
    assert "+100" in seen["note"] and seen["back"]


def test_the_race_panel_names_the_largest_parts_and_the_key(tmp_path):
    s = Session.new("china", seed=5, save_dir=tmp_path)
    seen = {}

    async def script(app, pilot):
        await settle(app, pilot)
        panel = app.screen.query_one("#score-parts", Static)
        seen["text"] = " ".join(text_of(panel, panel.content_region.width).split())

    drive(script, s, size=(120, 40))
    parts = sorted(s.game.score_breakdown(), key=lambda p: -abs(p["points"]))
    for p in parts[:3]:
        assert f"{lead_text(p['points'])} {p['part']}" in seen["text"]
    assert f"s: all {len(PARTS)} parts" in seen["text"]


def test_enter_on_the_score_meter_opens_the_score(tmp_path):
    s = Session.new("us", seed=1, save_dir=tmp_path)

    async def script(app, pilot):
        await settle(app, pilot)
        table = app.screen.query_one("#meters", DataTable)
        table.focus()
        table.move_cursor(row=list(s.game.data.meters).index("score"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoreScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WarRoom)

    drive(script, s)


class BriefingApp(App):
    def on_mount(self) -> None:
        self.push_screen(NewGameScreen())


def briefing_at(size, keys=()) -> str:
    from game.tui.screens.newgame import NewGameScreen

    seen = {}

    async def main():
        app = BriefingApp()
        NewGameScreen.ENGINE_DELAY, delay = 0, NewGameScreen.ENGINE_DELAY
        try:
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()  # the start line comes from a worker
                await pilot.pause()
                if keys:
                    app.screen.query_one("#scenario").focus()
                    await pilot.press(*keys)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                seen["text"] = " ".join(
                    text_of(app.screen.query_one("#briefing", Static), 1000).split()
                )
        finally:
            NewGameScreen.ENGINE_DELAY = delay

    asyncio.run(main())
    return seen["text"]


def start_of(scenario: str) -> tuple[str, list[dict]]:
    g = new_game(scenario, seed=0)
    score = g.meters["score"]
    leader = "the US" if score > 0 else "China"
    head = f"At the start {leader} leads the score by {abs(score):.1f}"
    return head, sorted(g.score_breakdown(), key=lambda p: -abs(p["points"]))


@pytest.mark.parametrize("size", SIZES)
def test_the_briefing_says_who_leads_at_the_start_and_why(size):
    text = briefing_at(size)
    head, parts = start_of(DEFAULT_SCENARIO)
    assert head in text
    assert f"{parts[0]['part']} (+{abs(parts[0]['points']):.1f})" in text  # the largest part
    assert f"s shows all {len(PARTS)} parts" in text


def test_the_briefing_follows_the_scenario():
    ids = [k for k in load_data().scenarios if not k.startswith("calib-")]
    other = ids[(ids.index(DEFAULT_SCENARIO) + 1) % len(ids)]
    head, parts = start_of(other)
    text = briefing_at((120, 40), keys=["down"] if other != ids[0] else ["home"])
    assert load_data().scenarios[other].name in text
    assert head in text and parts[0]["part"] in text


def test_game_over_shows_the_final_score_by_part(tmp_path, cheap_forecasts):
    s = Session.new("us", seed=2, save_dir=tmp_path)
    while not s.over:
        s.resolve([], autosave=False)
    seen = {}

    class OverApp(App):
        def on_mount(self) -> None:
            self.push_screen(GameOverScreen(s, compare_games=4))

    async def main():
        app = OverApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            seen["text"] = text_of(app.screen.query_one("#final-parts", Static), 70)

    asyncio.run(main())
    assert f"Score: {lead_text(s.game.meters['score'])}" in seen["text"]
    for p in s.game.score_breakdown():
        assert p["part"] in seen["text"] and lead_text(p["points"]) in seen["text"]


def test_help_lists_the_score_key_and_every_part():
    from game.tui.screens.help import GAME_KEYS

    assert "s" in dict(GAME_KEYS)
    text = win_text()
    for name, weight, *_ in model.SCORE_TERMS:
        assert f"{name} (up to {load_data().params[weight]:g})" in text
