"""The new-game screen holds at 80x24 and 120x40: the choices, the seed box and Start are on screen,
each list marks its choice with ▶ (visible without colour), the highlighted opponent's description is
shown whole, and a bad seed is told what a seed is."""

from __future__ import annotations

import asyncio
import html
import re

import pytest
from textual.widgets import Button, Input, OptionList

from game.engine.data import SEED_MAX
from game.tui.app import G2App
from game.tui.screens.newgame import CHOSEN, NewGameScreen, opponent_choices

SIZES = [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)]  # 120x40 in the slow run


CELL = 12.2  # the width of a character cell in Textual's SVG screenshots
TEXT = re.compile(r'<text[^>]*? x="([\d.]+)"[^>]*?-line-(\d+)\)">(.*?)</text>', re.S)


def screen_text(app) -> str:
    """The screen as plain text, a line a row: what a text capture of the terminal shows, with no
    colour. Read from `export_screenshot()`, whose SVG places each run of text at a cell."""
    rows: dict[int, dict[int, str]] = {}
    for x, line, run in TEXT.findall(app.export_screenshot()):
        run = html.unescape(run).replace("\xa0", " ")
        col = round(float(x) / CELL)
        for i, ch in enumerate(run.rstrip("\n")):
            rows.setdefault(int(line), {})[col + i] = ch
    return "\n".join(
        "".join(row.get(c, " ") for c in range(max(row) + 1)).rstrip() if row else ""
        for row in (rows.get(n, {}) for n in range(max(rows) + 1))
    )


def text_in(app, widget) -> str:
    """The screen text inside `widget`'s region."""
    r = widget.region
    lines = screen_text(app).split("\n")[r.y : r.bottom]
    return "\n".join(line[r.x : r.right] for line in lines)


def visible(app, widget) -> bool:
    """Whether the whole of `widget` is drawn inside the screen."""
    region = widget.region
    screen = app.screen.region
    return region.area > 0 and screen.contains_region(region)


def run(size, script, monkeypatch, tmp_path):
    monkeypatch.setattr(NewGameScreen, "ENGINE_DELAY", 0)
    app = G2App(save_dir=tmp_path)

    async def main():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(main())


@pytest.mark.parametrize("size", SIZES)
def test_the_lists_seed_box_and_start_are_on_screen(size, monkeypatch, tmp_path):
    seen = {}

    async def script(app, pilot):
        screen = app.screen
        for sel in ("#side", "#scenario", "#opponent", "#seed", "#start"):
            seen[sel] = visible(app, screen.query_one(sel))

    run(size, script, monkeypatch, tmp_path)
    assert all(seen.values()), {k: v for k, v in seen.items() if not v}


@pytest.mark.parametrize("size", SIZES)
def test_tab_reaches_the_seed_box_and_it_scrolls_into_view(size, monkeypatch, tmp_path):
    seen = {}

    async def script(app, pilot):
        for _ in range(6):
            if isinstance(app.screen.focused, Input):
                break
            await pilot.press("tab")
            await pilot.pause()
        seen["focused"] = app.screen.focused
        seen["visible"] = visible(app, app.screen.query_one("#seed"))

    run(size, script, monkeypatch, tmp_path)
    assert isinstance(seen["focused"], Input) and seen["focused"].id == "seed"
    assert seen["visible"]


@pytest.mark.parametrize("size", SIZES)
def test_each_list_marks_its_choice_in_the_text(size, monkeypatch, tmp_path):
    seen = {}

    async def script(app, pilot):
        seen["before"] = screen_text(app)
        app.screen.query_one("#opponent", OptionList).focus()
        await pilot.press("down")  # the pragmatist -> the efficiency-first persona
        await pilot.pause()
        seen["after"] = screen_text(app)

    run(size, script, monkeypatch, tmp_path)
    before, after = seen["before"], seen["after"]
    assert f"{CHOSEN}United States" in before
    assert f"{CHOSEN}2025: the DeepSeek shock" in before
    assert f"{CHOSEN}China Pragmatist (dual track)" in before
    assert f"{CHOSEN}China Efficiency-first" in after
    assert f"{CHOSEN}China Pragmatist" not in after
    assert before.count(CHOSEN.strip()) == 3  # one mark a list


def words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("size", SIZES)
def test_every_opponent_description_shows_whole(size, monkeypatch, tmp_path):
    """Each opponent, when highlighted, has its whole description in the box below the list, word
    for word and on screen: no description is cut mid-word or lost past the edge."""
    missing = []

    async def script(app, pilot):
        ol = app.screen.query_one("#opponent", OptionList)
        for i in range(ol.option_count):
            option = ol.get_option_at_index(i)
            ol.highlighted = i
            await pilot.pause()
            about = next(c for c in opponent_choices("us") if c and c.id == option.id)
            box = app.screen.query_one("#opponent-about")
            if not visible(app, box) or words(text_in(app, box)) != words(about.description):
                missing.append((about.id, text_in(app, box)))

    run(size, script, monkeypatch, tmp_path)
    assert not missing


@pytest.mark.parametrize("size", SIZES)
def test_a_negative_seed_is_told_what_a_seed_is(size, monkeypatch, tmp_path):
    seen = {}

    async def script(app, pilot):
        app.screen.query_one("#seed", Input).focus()
        await pilot.press("minus", "5", "enter")
        await pilot.pause()
        seen["screen"] = type(app.screen)
        seen["text"] = " ".join(words(text_in(app, app.screen.query_one("#seed-help"))))
        seen["notes"] = [(n.title, n.message) for n in app._notifications]

    run(size, script, monkeypatch, tmp_path)
    assert seen["screen"] is NewGameScreen  # not started
    assert f"'-5' is not a whole number from 0 to {SEED_MAX:,}" in seen["text"]
    (title, message), *_ = seen["notes"]
    assert "not a number" not in title.lower()
    assert f"A seed is a whole number from 0 to {SEED_MAX:,}" in message


@pytest.mark.parametrize("size", SIZES)
def test_start_is_a_visible_button(size, monkeypatch, tmp_path):
    seen = {}

    async def script(app, pilot):
        seen["label"] = str(app.screen.query_one("#start", Button).label)
        seen["text"] = screen_text(app)

    run(size, script, monkeypatch, tmp_path)
    assert seen["label"] == "Start" and "Start" in seen["text"]
