"""The new-game, load, help and game-over screens, each pushed on a bare app and driven by keys."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static

from game.ai import PERSONAS
from game.engine.data import load_data
from game.tui.screens.gameover import RESULT, GameOverScreen
from game.tui.screens.help import HelpScreen, load_glossary, win_text
from game.tui.screens.load import LoadScreen
from game.tui.screens.newgame import NewGameChoice, NewGameScreen
from game.tui.screens.score import ScoreScreen
from game.tui.session import Session

SIZES = [(120, 40), (80, 24)]


class ScreenApp(App):
    """Pushes one screen and records what it dismisses with and what it notifies."""

    def __init__(self, make: Callable[[], Screen]):
        super().__init__()
        self.make = make
        self.results: list = []
        self.notes: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)

    def notify(self, message, *, severity="information", **kwargs) -> None:
        self.notes.append((str(message), severity))
        super().notify(message, severity=severity, **kwargs)


def drive(make, script: Callable[[ScreenApp, object], Awaitable[None]], size=(120, 40)):
    """Run `script(app, pilot)` against a ScreenApp showing `make()`; return the app."""
    app = ScreenApp(make)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(main())
    return app


def text_of(widget: Static, width: int = 200) -> str:
    console = Console(width=width, file=io.StringIO())
    with console.capture() as out:
        console.print(widget.content)
    return out.get()


def finished_session(tmp_path: Path, seed: int = 2) -> Session:
    s = Session.new("us", "2025-deepseek-shock", "pragmatist", seed=seed, save_dir=tmp_path)
    while not s.over:
        s.resolve([], autosave=False)
    return s


# ----------------------------------------------------------------------------- new game


def test_start_with_the_defaults_gives_the_default_choice():
    async def script(app, pilot):
        await pilot.press("s")
        await pilot.pause()

    app = drive(NewGameScreen, script)
    assert app.results == [NewGameChoice("us", "2025-deepseek-shock", "pragmatist", None)]


def test_enter_on_a_list_starts_too():
    async def script(app, pilot):
        await pilot.press("enter")
        await pilot.pause()

    app = drive(NewGameScreen, script)
    assert app.results == [NewGameChoice("us", "2025-deepseek-shock", "pragmatist", None)]


def test_choosing_china_offers_the_us_personas_as_opponents():
    seen = {}

    async def script(app, pilot):
        assert app.screen.focused.id == "side"
        await pilot.press("down")  # China
        await pilot.pause()
        opponents = app.screen.query_one("#opponent", OptionList)
        seen["ids"] = [opponents.get_option_at_index(i).id for i in range(opponents.option_count)]
        await pilot.press("s")
        await pilot.pause()

    app = drive(NewGameScreen, script)
    ids = [i for i in seen["ids"] if i]
    assert ids[: len(PERSONAS["us"])] == list(PERSONAS["us"])
    assert not set(PERSONAS["china"]) & set(ids)
    assert {"planner:1", "planner:2", "planner:3", "human"} <= set(ids)
    assert app.results == [NewGameChoice("china", "2025-deepseek-shock", "dealmaker", None)]


def test_a_click_chooses_without_starting():
    seen = {}

    async def script(app, pilot):
        await pilot.click("#side", offset=(3, 2))  # row 0 is the border, then US, China
        await pilot.pause()
        seen["dismissed"] = list(app.results)
        await pilot.press("s")
        await pilot.pause()

    app = drive(NewGameScreen, script)
    assert seen["dismissed"] == []
    assert app.results == [NewGameChoice("china", "2025-deepseek-shock", "dealmaker", None)]


def test_a_seed_too_large_for_a_save_is_refused():
    seen = {}

    async def script(app, pilot):
        box = app.screen.query_one("#seed")
        box.focus()
        box.value = "1" * 25
        await pilot.press("enter")
        await pilot.pause()
        seen["invalid"] = app.screen.query_one("#seed-help").has_class("-invalid")

    app = drive(NewGameScreen, script)
    assert seen["invalid"] and app.results == []


def test_a_seed_that_is_not_a_number_is_refused_with_a_message():
    seen = {}

    async def script(app, pilot):
        app.screen.query_one("#seed").focus()
        await pilot.press("4", "x", "enter")
        await pilot.pause()
        seen["screen"] = app.screen
        seen["help"] = text_of(app.screen.query_one("#seed-help", Static))
        seen["invalid"] = app.screen.query_one("#seed-help").has_class("-invalid")
        await pilot.press("backspace", "2", "enter")
        await pilot.pause()

    app = drive(NewGameScreen, script)
    assert isinstance(seen["screen"], NewGameScreen)
    assert seen["invalid"] and "'4x' is not a whole number from 0 to" in seen["help"]
    assert any(sev == "error" and "whole number" in msg for msg, sev in app.notes)
    assert app.results == [NewGameChoice("us", "2025-deepseek-shock", "pragmatist", 42)]


# ----------------------------------------------------------------------------- load


@pytest.fixture
def save_folder(tmp_path: Path) -> Path:
    Session.new("us", "2025-deepseek-shock", "pragmatist", seed=5, save_dir=tmp_path).save("good")
    (tmp_path / "x.json").write_text("{ this is not a save", encoding="utf-8")
    return tmp_path


def _row_of(table: DataTable, name: str) -> int:
    for i in range(table.row_count):
        if str(table.get_row_at(i)[0]) == name:
            return i
    raise AssertionError(f"no row {name!r}")


def test_load_lists_good_and_corrupt_saves_and_refuses_the_corrupt_one(save_folder):
    seen = {}

    async def script(app, pilot):
        table = app.screen.query_one("#saves", DataTable)
        seen["rows"] = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(2)}
        table.move_cursor(row=_row_of(table, "x"))
        await pilot.press("enter")
        await pilot.pause()
        seen["still"] = isinstance(app.screen, LoadScreen)
        table.move_cursor(row=_row_of(table, "good"))
        await pilot.press("enter")
        await pilot.pause()

    app = drive(lambda: LoadScreen(save_folder), script)
    good, bad = seen["rows"]["good"], seen["rows"]["x"]
    assert [str(c) for c in good[1:4]] == ["2025-deepseek-shock", "US", "2025Q1"]
    assert "corrupt" in str(bad[1])
    assert seen["still"]
    assert [sev for _, sev in app.notes] == ["error"] and "corrupt" in app.notes[0][0]
    assert app.results == [save_folder / "good.json"]


def test_load_escape_gives_none_and_an_empty_folder_says_so(tmp_path):
    seen = {}

    async def script(app, pilot):
        seen["text"] = text_of(app.screen.query_one("#empty", Static))
        await pilot.press("escape")
        await pilot.pause()

    app = drive(lambda: LoadScreen(tmp_path / "nothing-here"), script)
    assert "No saves yet" in seen["text"]
    assert app.results == [None]


def test_load_from_the_new_game_screen_dismisses_with_the_save(save_folder):
    seen = {}

    async def script(app, pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        seen["help"] = type(app.screen)
        await pilot.press("escape", "l")
        await pilot.pause()
        seen["load"] = type(app.screen)
        table = app.screen.query_one("#saves", DataTable)
        table.move_cursor(row=_row_of(table, "good"))
        await pilot.press("enter")
        await pilot.pause()

    app = drive(lambda: NewGameScreen(save_dir=save_folder), script)
    assert seen["help"] is HelpScreen and seen["load"] is LoadScreen
    assert app.results == [save_folder / "good.json"]


# ----------------------------------------------------------------------------- help


def test_help_glossary_lists_every_term_with_its_sources():
    glossary = load_glossary()
    assert 15 <= len(glossary) <= 25
    seen = {}

    async def script(app, pilot):
        await pilot.press("4")
        await pilot.pause()
        seen["terms"] = [text_of(w) for w in app.screen.query(".term").results(Static)]
        await pilot.press("escape")
        await pilot.pause()

    app = drive(HelpScreen, script)
    assert len(seen["terms"]) == len(glossary)
    for term, shown in zip(glossary, seen["terms"], strict=True):
        assert term.term in shown
        for fid in term.sources:
            assert fid in shown
    assert app.results == [None]


def test_glossary_sources_are_real_figures(tmp_path):
    figures = load_data().figures
    assert all(fid in figures for t in load_glossary() for fid in t.sources)
    bad = tmp_path / "glossary.yaml"
    bad.write_text(
        "terms:\n  - {term: Widget, definition: A thing., sources: [s002.no_such_figure]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="Widget.*s002.no_such_figure"):
        load_glossary(bad)


def test_how_to_win_reads_the_rules_from_params():
    p = load_data().params
    text = win_text()
    assert f"+{p['win_margin']:g} or more" in text
    assert f"{p['us_decisive_gap']:g} months" in text
    assert f"{p['decisive_quarters']:g} quarters in a row" in text


# ----------------------------------------------------------------------------- game over


def test_game_over_shows_the_result_the_reason_and_the_persona_comparison(tmp_path):
    session = finished_session(tmp_path)
    seen = {}

    async def script(app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        seen["result"] = text_of(screen.query_one("#result", Static))
        seen["why"] = text_of(screen.query_one("#why", Static))
        seen["compare"] = text_of(screen.query_one("#compare", Static))
        await pilot.press("n")
        await pilot.pause()

    app = drive(lambda: GameOverScreen(session, compare_games=40), script)
    assert RESULT[session.game.result] in seen["result"]
    assert "score" in seen["why"] or "quarters in a row" in seen["why"]
    for cls in PERSONAS["us"].values():
        assert f"simulated {cls.title} games" in seen["compare"]
    assert app.results == ["new"]


def test_game_over_quit_by_key_or_button(tmp_path):
    async def by_key(app, pilot):
        await pilot.press("q")
        await pilot.pause()
        await app.workers.wait_for_complete()

    async def by_button(app, pilot):
        await pilot.click("#quit")
        await pilot.pause()
        await app.workers.wait_for_complete()

    for script in (by_key, by_button):
        app = drive(lambda: GameOverScreen(finished_session(tmp_path), compare_games=10), script)
        assert app.results == ["quit"]


# ----------------------------------------------------------------------------- every size


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "which",
    [
        "newgame",
        "load",
        pytest.param("help", marks=pytest.mark.slow),
        pytest.param("gameover", marks=pytest.mark.slow),
        "score",
    ],
)
def test_every_screen_renders_and_survives_resizing(which, size, save_folder):
    makers = {
        "newgame": (NewGameScreen, NewGameScreen),
        "load": (lambda: LoadScreen(save_folder), LoadScreen),
        "help": (HelpScreen, HelpScreen),
        "gameover": (lambda: GameOverScreen(finished_session(save_folder), 10), GameOverScreen),
        "score": (lambda: ScoreScreen(finished_session(save_folder).game), ScoreScreen),
    }
    make, expected = makers[which]
    seen = {}

    async def script(app, pilot):
        seen["screen"] = type(app.screen)
        for w, h in [(60, 16), (200, 60), size]:
            await pilot.resize_terminal(w, h)
            await pilot.pause()
        if which == "help":
            for tab in "1234":
                await pilot.press(tab)
                await pilot.pause()
        await app.workers.wait_for_complete()
        seen["svg"] = app.export_screenshot()

    drive(make, script, size=size)
    assert seen["screen"] is expected
    assert "<svg" in seen["svg"]


def test_advice_that_arrives_after_the_dialog_closed_is_dropped(tmp_path):
    """The advisors' thread may finish after the player closed the dialog: no crash, nothing shown."""
    from game.tui.screens.advisors import AdvisorsScreen

    screen = AdvisorsScreen(Session.new("us", seed=1, save_dir=tmp_path), "us")
    screen._show([])  # never mounted, or already dismissed: there is no #advice to fill
    assert not screen.query("#advice")
