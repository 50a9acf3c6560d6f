"""The session's flow through the app: a bad save chosen on the new-game screen brings the new-game
screen back (never a blank screen), per-game autosave slots, taking back a quarter against the AI,
what quitting would lose, and the yes/no confirmation."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from driving import drive  # tests/tui/driving.py
from textual.app import App
from textual.widgets import DataTable, Static

from game.engine.api import SaveError
from game.tui.screens.load import LoadScreen
from game.tui.screens.newgame import NewGameScreen
from game.tui.screens.prompt import ConfirmScreen
from game.tui.screens.warroom import WarRoom
from game.tui.session import Session, list_saves


def _played(
    folder: Path, seed: int = 42, quarters: int = 2, opponent: str | None = None
) -> Session:
    s = Session.new("us", seed=seed, save_dir=folder, opponent=opponent)
    for _ in range(quarters):
        s.resolve(["rasa_push"], theirs=[] if s.hotseat else None)
    return s


def _edited(folder: Path, name: str, edit) -> Path:
    """A real save made by Session.save, its history then edited by `edit(history)`."""
    src = _played(folder).save(name)
    body = json.loads(src.read_text(encoding="utf-8"))
    edit(body["history"])
    src.write_text(json.dumps(body), encoding="utf-8")
    return src


def _another_legal_move(history: list) -> None:
    history[0]["us"] = ["chip_subsidy"]  # legal in 2025Q1, but not what was played


def _unknown_move(history: list) -> None:
    history[0]["us"] = ["no_such_move"]


# ----------------------------------------------------------------------------- a bad save from the new-game screen


@pytest.mark.parametrize(
    ("edit", "phrase"),
    [
        (_another_legal_move, "does not match the saved digest"),
        (_unknown_move, "does not replay"),
    ],
)
def test_a_bad_save_loaded_from_the_new_game_screen_brings_it_back(tmp_path, edit, phrase):
    folder = tmp_path / "saves"
    bad = _edited(folder, "edited", edit)
    with pytest.raises(SaveError, match=phrase):
        Session.load(bad)
    seen = {}

    async def script(app, pilot):
        seen["first"] = type(app.screen)
        await pilot.press("l")
        await pilot.pause()
        seen["load"] = type(app.screen)
        table = app.screen.query_one("#saves", DataTable)
        row = next(i for i, info in enumerate(app.screen.saves) if info.path == bad)
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        seen["after"] = type(app.screen)
        await pilot.press("enter")  # the new-game screen is usable: enter starts a game
        await pilot.pause()
        seen["started"] = type(app.screen)

    app = drive(script, save_dir=folder)
    assert seen["first"] is NewGameScreen and seen["load"] is LoadScreen
    assert seen["after"] is NewGameScreen
    assert seen["started"] is WarRoom
    assert any(sev == "error" and phrase in msg for _, msg, sev in app.notes), app.notes
    assert [info.path for info in list_saves(folder) if info.path == bad]  # the file is untouched


# ----------------------------------------------------------------------------- autosave slots


def test_every_game_autosaves_into_its_own_slot(tmp_path):
    a = _played(tmp_path, seed=42, quarters=1)
    b = _played(tmp_path, seed=43, quarters=2)
    c = _played(tmp_path, seed=42, quarters=1, opponent="human")  # hot-seat, same seed and side
    d = Session.new("china", seed=42, save_dir=tmp_path)
    d.resolve([])
    paths = [s.autosave_path for s in (a, b, c, d)]
    assert paths[0] == tmp_path / "autosave-2025-deepseek-shock-us-42-vs-pragmatist.json"
    assert paths[2].name == "autosave-2025-deepseek-shock-us-42-hotseat.json"
    assert len(set(paths)) == 4 and all(p.is_file() for p in paths)
    assert not (tmp_path / "autosave.json").exists()
    for i, p in enumerate(paths):  # in the order written, whatever the clock's resolution
        os.utime(p, (1_000_000 + i, 1_000_000 + i))
    infos = list_saves(tmp_path)  # newest first, with scenario, side and quarter
    assert [i.path for i in infos] == paths[::-1]
    assert [(i.scenario, i.side, i.quarter) for i in infos[-2:]] == [
        ("2025-deepseek-shock", "us", "2025Q3"),
        ("2025-deepseek-shock", "us", "2025Q2"),
    ]


def test_a_loaded_game_goes_on_autosaving_into_its_own_slot(tmp_path):
    s = _played(tmp_path, seed=7, quarters=1)
    again = Session.load(s.autosave_path, save_dir=tmp_path)
    assert again.autosave_path == s.autosave_path
    again.resolve([])
    assert Session.load(s.autosave_path).game.quarter == "2025Q3"


# ----------------------------------------------------------------------------- taking back a quarter


def test_take_back_restores_the_game_bit_for_bit(tmp_path):
    s = _played(tmp_path, seed=11, quarters=2)
    digest, meters, quarter = s.game.digest(), s.game.meters, s.game.quarter
    kept = s.results[-1]
    s.resolve(["chip_subsidy"])
    played = {"quarter": "2025Q3", "us": ["chip_subsidy"], "china": s.game.history[-1]["china"]}
    back = s.take_back()
    assert s.game.digest() == digest and s.game.meters == meters and s.game.quarter == quarter
    assert back is not None and back.quarter == "2025Q2" and back.meters == kept.meters
    assert len(s.results) == 2 and s.results[-1] is kept
    assert s.takebacks == [played]
    # the quarter replays with the same dice: the same moves give the same game again
    s.resolve(["chip_subsidy"])
    assert s.game.history[-1]["china"] == played["china"]


def test_take_back_to_the_start_and_after_a_load(tmp_path):
    s = _played(tmp_path, seed=12, quarters=1)
    assert s.take_back() is None and s.game.quarter == "2025Q1" and s.results == []
    assert s.game.digest() == Session.new("us", seed=12).game.digest()
    s.resolve([])
    s.resolve([])
    loaded = Session.load(s.autosave_path, save_dir=tmp_path)  # results are this session's only
    assert loaded.take_back().quarter == "2025Q1" and loaded.game.quarter == "2025Q2"


def test_the_take_back_record_survives_save_and_load(tmp_path):
    s = _played(tmp_path, seed=13, quarters=2)
    s.take_back()
    first = list(s.takebacks)
    assert json.loads(s.autosave_path.read_text())["extra"]["takebacks"] == first  # autosaved
    s.resolve(["chip_subsidy"])
    path = s.save("mine")
    loaded = Session.load(path, save_dir=tmp_path)
    assert loaded.takebacks == first and loaded.game.digest() == s.game.digest()
    loaded.take_back()
    again = Session.load(loaded.autosave_path, save_dir=tmp_path)
    assert [t["quarter"] for t in again.takebacks] == ["2025Q2", "2025Q2"]


def test_take_back_is_refused_in_hot_seat_and_before_any_quarter(tmp_path):
    hot = _played(tmp_path, seed=14, quarters=1, opponent="human")
    with pytest.raises(ValueError, match="hot-seat") as exc:
        hot.take_back()
    assert "\n" not in str(exc.value) and hot.game.quarter == "2025Q2" and not hot.takebacks
    fresh = Session.new("us", seed=14, save_dir=tmp_path)
    with pytest.raises(ValueError, match="no quarter has been played"):
        fresh.take_back()


@pytest.mark.parametrize(
    ("takebacks", "phrase"),
    [
        ("2025Q3", "extra.takebacks must be a list of at most 1000 quarters, not '2025Q3'"),
        ([["2025Q3"]], "extra.takebacks[0] must be {quarter, us, china}, not a list"),
        ([{"quarter": "2025Q3", "us": []}], "extra.takebacks[0] must be {quarter, us, china}"),
        (
            [{"quarter": "2025Q3", "us": [], "china": [], "why": "x"}],
            "extra.takebacks[0] must be {quarter, us, china}",
        ),
        ([{"quarter": "2025Q9", "us": [], "china": []}], "[0].quarter must be a quarter like"),
        ([{"quarter": 3, "us": [], "china": []}], "[0].quarter must be a quarter like"),
        ([{"quarter": "2025Q3", "us": "rasa_push", "china": []}], "[0].us must be a list of"),
        ([{"quarter": "2025Q3", "us": [], "china": ["a b"]}], "[0].china[0] is not a move"),
        ([{"quarter": "2025Q3", "us": [], "china": [None]}], "[0].china[0] is not a move"),
        ([{"quarter": "2025Q3", "us": [], "china": []}] * 1001, "at most 1000 quarters"),
    ],
)
def test_a_corrupt_takebacks_field_is_a_one_line_save_error(tmp_path, takebacks, phrase):
    path = _played(tmp_path, seed=15, quarters=1).save("bad")
    body = json.loads(path.read_text())
    body["extra"]["takebacks"] = takebacks
    path.write_text(json.dumps(body))
    before = path.read_bytes()
    with pytest.raises(SaveError) as exc:
        Session.load(path, save_dir=tmp_path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}: corrupt save: extra.takebacks") and phrase in msg, msg
    assert "\n" not in msg and path.read_bytes() == before
    (info,) = [i for i in list_saves(tmp_path) if i.path == path]  # listed, in red
    assert info.error.startswith("corrupt save: extra.takebacks")


# ----------------------------------------------------------------------------- what quitting would lose


def test_unsaved_summary_says_what_quitting_would_lose(tmp_path):
    s = Session.new("us", seed=16, save_dir=tmp_path)
    assert s.unsaved_summary([]) is None  # nothing played, nothing planned
    assert s.unsaved_summary(["rasa_push"]) == "This quarter's plan (1 move) is not saved."
    s.resolve([])
    s.resolve([])
    assert s.unsaved_summary([]) is None
    assert s.unsaved_summary(["rasa_push", "summit"]) == (
        "This quarter's plan (2 moves) is not saved; the game itself was autosaved at 2025Q3."
    )
    s.resolve([], autosave=False)
    s.resolve([], autosave=False)
    assert s.unsaved_summary([]) == "Quarters 2025Q3 to 2025Q4 are not saved."
    s.save("mine")
    assert s.unsaved_summary(["summit"]).endswith("the game itself was saved at 2026Q1.")


def test_unsaved_summary_after_a_failed_autosave_and_a_take_back(tmp_path):
    s = Session.new("us", seed=17, save_dir=tmp_path)
    s.resolve([])
    s.autosave_path.unlink()
    s.autosave_path.mkdir()  # a folder in the way: the next autosave fails
    s.resolve([])
    assert s.autosave_error
    text = s.unsaved_summary(["summit"])
    assert text.startswith("This quarter's plan (1 move) and quarter 2025Q2 are not saved (")
    assert "the autosave failed" in text and "\n" not in text
    s.take_back()  # back to what the last autosave holds, but the take-back is not saved
    assert s.unsaved_summary([]).startswith(
        "The game since 2025Q2, with the take-back of 2025Q2, is not saved ("
    )


# ----------------------------------------------------------------------------- the yes/no question


class QuestionApp(App):
    """Asks one ConfirmScreen question and records the answer."""

    def __init__(self, question: str):
        super().__init__()
        self.question, self.answers = question, []

    def on_mount(self) -> None:
        self.push_screen(ConfirmScreen(self.question, "Quit", "Keep playing"), self.answers.append)


def _ask(keys: tuple[str, ...] = (), click: str | None = None, size=(80, 24)) -> QuestionApp:
    app = QuestionApp(f"Quit G2? {'This quarter’s plan (2 moves) is not saved. ' * 3}[b]x[/b]")
    seen = {}

    async def run():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            seen["question"] = app.screen.query_one("#question", Static).render()
            seen["region"] = app.screen.query_one("#answers").region
            if click:
                await pilot.click(click)
            await pilot.press(*keys)
            await pilot.pause()

    asyncio.run(run())
    app.seen = seen
    return app


@pytest.mark.parametrize(
    ("keys", "click", "answer"),
    [
        (("y",), None, True),
        (("enter",), None, True),  # the Yes button has the focus
        (("n",), None, False),
        (("escape",), None, False),
        (("tab", "enter"), None, False),  # tab to No, enter presses it
        ((), "#yes", True),
        ((), "#no", False),
    ],
)
def test_confirm_screen_answers(keys, click, answer):
    app = _ask(keys, click)
    assert app.answers == [answer]


def test_confirm_screen_fits_80_by_24_and_shows_the_question_as_plain_text():
    app = _ask(("y",))
    text = str(app.seen["question"])
    assert "Quit G2?" in text and "[b]x[/b]" in text  # brackets shown, not read as markup
    region = app.seen["region"]
    assert region.bottom <= 24 and region.right <= 80 and region.height > 0


# ----------------------------------------------------------------------------- quitting


def test_confirm_quit_says_what_would_be_lost_and_quits_only_on_yes(tmp_path):
    s = _played(tmp_path, seed=18, quarters=1)
    seen = {"exits": 0}

    async def script(app, pilot):
        app.exit = lambda *a, **k: seen.__setitem__("exits", seen["exits"] + 1)
        app.confirm_quit(["rasa_push", "summit"])
        await pilot.pause()
        seen["asked"] = str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await pilot.pause()
        seen["back"] = type(app.screen)
        app.confirm_quit([])
        await pilot.pause()
        seen["saved"] = str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await pilot.pause()

    drive(script, s, size=(80, 24))
    assert seen["asked"].startswith("Quit G2?") and "plan (2 moves) is not saved" in seen["asked"]
    assert seen["back"] is WarRoom
    assert "saved at 2025Q2" in seen["saved"] and s.autosave_path.name in seen["saved"]
    assert seen["exits"] == 1
