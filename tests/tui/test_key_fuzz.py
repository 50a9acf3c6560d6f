"""Hostile input: seeded random keys on every main screen, at terminal sizes from 20x8 to 120x40, with
the terminal resized mid-run. The app must never raise and must keep answering.

Below 80x24 the app is covered by its "too small" screen, so the same keys are also sent to the war
room of an app without that guard at those sizes: that is where the moves list once crashed
(home, then pageup, at 40x12: Textual's OptionList paged through a line cache it never built).

Keys are posted straight to the app, as a terminal delivers them, and each run then waits only for the
screen to take them (Pilot.press would also wait for the CPU to go idle, and the previews keep it
busy). The default runs swap the forecasts for cheap ones (a handful of games, not hundreds): the
keys, screens and workers are the real ones. The slow runs press many more keys with the real forecasts.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.worker import WorkerCancelled

from game.tui.app import G2App
from game.tui.screens.advisors import AdvisorsScreen
from game.tui.screens.gameover import GameOverScreen
from game.tui.screens.help import HelpScreen
from game.tui.screens.load import LoadScreen
from game.tui.screens.newgame import NewGameScreen
from game.tui.screens.prompt import HandOverScreen, SaveNameScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen, message
from game.tui.screens.warroom import WarRoom
from game.tui.session import Session
from game.tui.widgets.moves import MovePicker

SIZES = [(20, 8), (40, 12), (79, 23), (80, 24), (120, 40)]
SMALL = [s for s in SIZES if s[0] < MIN_WIDTH or s[1] < MIN_HEIGHT]
BIG = (120, 40)

# every key the app, G2's screens and widgets bind, plus navigation, editing, letters and digits
G2_CLASSES = [
    G2App,
    Screen,
    NewGameScreen,
    WarRoom,
    MovePicker,
    ReportScreen,
    AdvisorsScreen,
    HelpScreen,
    LoadScreen,
    SaveNameScreen,
    HandOverScreen,
    GameOverScreen,
]
NAVIGATION = [
    "home", "end", "pageup", "pagedown", "up", "down", "left", "right",
    "tab", "shift+tab", "enter", "escape", "space", "backspace", "delete",
]  # fmt: skip
# not pressed: ctrl+q quits; ctrl+c only notes "press ctrl+q to quit"; ctrl+p opens Textual's
# command palette, whose commands (picked by random letters and enter) include quitting and saving
# screenshots to ~/Downloads. The too-small test presses all three.
QUIT_KEYS = {"ctrl+q", "ctrl+c", "ctrl+p", G2App.COMMAND_PALETTE_BINDING}
QUIT_ACTIONS = {"quit", "app.quit"}


def bound_keys(classes) -> set[str]:
    keys = set()
    for cls in classes:
        for b in cls.BINDINGS:
            key = b.key if isinstance(b, Binding) else b[0]
            keys.update(k.strip() for k in key.split(","))
    return keys


KEYS = sorted(
    (bound_keys(G2_CLASSES) | set(NAVIGATION) | set("abcdefghijklmnopqrstuvwxyz0123456789"))
    - QUIT_KEYS
)
CHARS = {"space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b", "question_mark": "?"}


def key_event(key: str) -> events.Key:
    return events.Key(key, CHARS.get(key, key if len(key) == 1 else None))


def quits(app: App, key: str) -> bool:
    """Would `key` quit the app on its current screen ('q' in the war room; 'q' on the help closes it)?"""
    try:
        active = app.screen.active_bindings.get(key)
    except Exception:
        return False
    return active is not None and active.binding.action in QUIT_ACTIONS


# ----------------------------------------------------------------------------- where a run starts


def finished(tmp_path: Path) -> Session:
    s = Session.new("us", seed=3, save_dir=tmp_path)
    while not s.over:
        s.resolve([], autosave=False)
    return s


async def settle(app, pilot) -> None:
    """Every widget has taken its messages and every worker is done (no wait for an idle CPU).
    A cancelled worker (a preview overtaken by the next one) is done too; a failed one fails the app."""
    await pilot.pause(0)
    for worker in list(app.workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()
    await pilot.pause(0)


async def nothing(app, pilot) -> None:
    """Start where the app opens: no keys before the random ones."""


def press(*keys: str) -> Callable[[App, object], Awaitable[None]]:
    async def go(app, pilot) -> None:
        for k in keys:
            app.post_message(key_event(k))
            await settle(app, pilot)

    return go


# name: (make the app, what to do at 120x40 to reach the screen, the screen it reaches)
STARTS = {
    "newgame": (lambda p: G2App(save_dir=p), nothing, NewGameScreen),
    "warroom": (lambda p: G2App(Session.new("us", seed=3, save_dir=p), p), nothing, WarRoom),
    "help": (lambda p: G2App(Session.new("china", seed=4, save_dir=p), p), press("f1"), HelpScreen),
    "load": (lambda p: G2App(Session.new("us", seed=5, save_dir=p), p), press("l"), LoadScreen),
    "report": (lambda p: G2App(Session.new("us", seed=6, save_dir=p), p), press("e"), ReportScreen),
    "gameover": (lambda p: G2App(finished(p), p), nothing, GameOverScreen),
}


class Unguarded(G2App):
    """The app with no minimum size, so keys reach the game's widgets at any size."""

    CSS_PATH = Path(sys.modules[G2App.__module__].__file__).with_name(G2App.CSS_PATH)
    MINIMUM_SIZE = (0, 0)


# ----------------------------------------------------------------------------- the fuzzer


async def resize(app: App, pilot, size: tuple[int, int]) -> None:
    """Pilot.resize_terminal without its wait for an idle CPU: a resize as a terminal sends it."""
    app.post_message(events.Resize(Size(*size), Size(*size)))
    await pilot.pause(0)


async def fuzz(app: App, pilot, rnd: random.Random, todo: list[list]) -> int:
    """For each [size, n] of `todo`: resize, then post n random keys, counting n down as they go;
    return the keys pressed. Stops early (and cleanly) if the app exits: a quit key did it (enter on
    the game-over screen's Quit button, say)."""
    pressed = 0
    while todo:
        size, n = todo[0]
        await asyncio.wait_for(resize(app, pilot, size), 30)
        while todo[0][1] > 0:
            if app.return_code is not None:
                return pressed
            todo[0][1] -= 1
            key = rnd.choice(KEYS)
            if quits(app, key):
                continue
            app.post_message(key_event(key))
            pressed += 1
            # responsive: each key is taken in time (pause(0) waits until every widget has it)
            await asyncio.wait_for(pilot.pause(0), 30)
        todo.pop(0)
    return pressed


def run(make_app, reach, expect, seed: int, plan, size=BIG, restarts: int = 5) -> dict:
    """Start the app at `size`, reach the `expect` screen, fuzz it by the plan, grow back to 120x40.
    If a key quits the app, start it again for the rest of the plan (at most `restarts` times)."""
    rnd = random.Random(seed)
    todo = [[s, n] for s, n in plan]
    seen: dict = {"pressed": 0, "apps": 0}

    async def main(app: App) -> None:
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await reach(app, pilot)
            assert isinstance(app.screen, expect), app.screen_stack
            seen["pressed"] += await fuzz(app, pilot, rnd, todo)
            if app.return_code is None:  # still running: grown back, it answers and is uncovered
                await asyncio.wait_for(resize(app, pilot, BIG), 30)
                await asyncio.wait_for(settle(app, pilot), 60)
                seen["covered"] = isinstance(app.screen, TooSmallScreen)

    while todo and seen["apps"] <= restarts:
        app = make_app()
        seen["apps"] += 1
        asyncio.run(main(app))  # run_test re-raises the first exception the app hit
        assert app.return_code in (None, 0), f"the app failed with return code {app.return_code}"
    return seen


def plan(seed: int, big: int, small: int, rounds: int = 1) -> list[tuple[tuple[int, int], int]]:
    """Every size `rounds` times in a seeded order: `big` keys where the game shows, `small` where
    the too-small screen covers it (it takes them all, so a few show that)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(rounds):
        sizes = list(SIZES)
        rnd.shuffle(sizes)
        out += [(size, small if size in SMALL else big) for size in sizes]
    return out


# ----------------------------------------------------------------------------- default runs
# 2 start screens x (2 sizes x 6 keys + 3 sizes x 2 keys) + 3 small sizes x 8 keys on the unguarded
# war room: 60 random keys. Most of the time goes on starting apps and laying screens out afresh
# after each resize, not on the keys: about 4 s on one core for these three runs.

BIG_KEYS, SMALL_KEYS, UNGUARDED_KEYS = 6, 2, 8


# the default run starts from the two screens where most keys do something; the slow run from all
DEFAULT_STARTS = ["newgame", "warroom"]  # the load dialog gets keys in test_hostile_saves_tui


@pytest.mark.slow  # ~1.5 s each: the slow set keeps the fuzz; the default run its minute
@pytest.mark.parametrize("start", DEFAULT_STARTS)
def test_random_keys_at_every_size_never_crash(start, tmp_path, cheap_forecasts):
    Session.new("china", seed=9, save_dir=tmp_path).save("fuzz")  # something for the load dialog
    make, reach, expect = STARTS[start]
    seed = sorted(STARTS).index(start)
    seen = run(lambda: make(tmp_path), reach, expect, seed, plan(seed, BIG_KEYS, SMALL_KEYS))
    assert seen["pressed"] > 0
    assert not seen.get("covered"), "the too-small screen stayed after the terminal grew"


def test_random_keys_reach_an_unguarded_war_room_below_80x24(tmp_path, cheap_forecasts):
    """No size guard here: the keys land on the war room's widgets squeezed to each small size."""
    s = Session.new("us", seed=3, save_dir=tmp_path)
    squeezed = [(size, UNGUARDED_KEYS) for size in SMALL]
    seen = run(lambda: Unguarded(s, tmp_path), nothing, WarRoom, 7, squeezed, SMALL[0])
    assert seen["pressed"] > 0


# ----------------------------------------------------------------------------- the crash, by name


@pytest.mark.slow  # ~2 s of Pilot
def test_home_then_pageup_in_a_squeezed_moves_list_does_not_crash(tmp_path, cheap_forecasts):
    """The tester's crash: war room at 40x12 or 20x8, moves list focused, home, pageup -> KeyError in
    OptionList._move_page. The list has no rows to draw there, so paging leaves the highlight be;
    given rows again, it pages."""
    s = Session.new("us", seed=3, save_dir=tmp_path)
    app = Unguarded(s, tmp_path)
    seen = {}

    async def main() -> None:
        async with app.run_test(size=(40, 12)) as pilot:
            await settle(app, pilot)
            picker = app.screen.query_one("#moves", MovePicker)
            for size in [(40, 12), (20, 8)]:
                await pilot.resize_terminal(*size)
                assert picker.has_focus and not picker.scrollable_content_region  # no rows
                await pilot.press("home", "pageup")
                first = picker.highlighted
                await pilot.press("pagedown", "end", "pagedown", "pageup")
                seen[size] = (first, picker.highlighted)
            await pilot.resize_terminal(*BIG)
            await pilot.press("home", "pagedown")
            seen["paged"], seen["options"] = picker.highlighted, picker.option_count

    asyncio.run(main())
    last = seen["options"] - 1
    assert seen[(40, 12)] == (1, last) and seen[(20, 8)] == (1, last)  # 0 is a group heading
    assert seen["paged"] > 1


# ----------------------------------------------------------------------------- the too-small screen


def kinds(app: App) -> list[str]:
    return [type(x).__name__ for x in app.screen_stack]


def test_below_80x24_the_app_says_so_takes_every_key_but_ctrl_q_and_comes_back_as_it_was(
    tmp_path, cheap_forecasts
):
    """The tester's keys in the real app at 40x12 and 20x8: the too-small screen covers the game and
    takes them; grown back, the war room is as it was: same quarter, same highlight, no moves."""
    s = Session.new("us", seed=3, save_dir=tmp_path)
    app = G2App(s, tmp_path)
    seen = {}

    async def main() -> None:
        async with app.run_test(size=(40, 12)) as pilot:
            await settle(app, pilot)
            seen["stack"] = kinds(app)
            seen["40x12"] = str(app.screen.query_one("#too-small").render())
            room = app.screen_stack[-2]
            picker = room.query_one("#moves", MovePicker)
            before = picker.highlighted
            await pilot.press(
                "home", "pageup", "e", "space", "a", "l", "f1", "ctrl+p", "ctrl+s", "ctrl+c"
            )
            await pilot.resize_terminal(20, 8)
            await pilot.press("home", "pageup", "escape", "tab", "enter", "q")
            await settle(app, pilot)
            seen["20x8"] = str(app.screen.query_one("#too-small").render())
            seen["still"] = kinds(app)
            await pilot.resize_terminal(*BIG)
            await settle(app, pilot)
            seen["back"] = app.screen is room and picker.highlighted == before and picker.has_focus
            seen["quarter"], seen["chosen"] = s.game.quarter, room.chosen
            await pilot.resize_terminal(79, 24)
            seen["79x24"] = kinds(app)
            await pilot.press("ctrl+q")  # the one key that does something

    asyncio.run(main())
    assert seen["stack"] == ["Screen", "WarRoom", "TooSmallScreen"] == seen["still"]
    for w, h in [(40, 12), (20, 8)]:
        text = seen[f"{w}x{h}"]
        assert text == message(Size(w, h))
        assert "at least 80×24" in text and f"this one is {w}×{h}" in text and "ctrl+q" in text
    assert (
        seen["back"] and seen["quarter"] == "2025Q1" and seen["chosen"] == {"us": [], "china": []}
    )
    assert seen["79x24"][-1] == "TooSmallScreen"
    assert app.return_code == 0


def test_a_screen_opened_while_covered_is_covered_too_and_the_stack_unwinds_right(
    tmp_path, cheap_forecasts
):
    """A finished game loaded at 40x12: the game-over screen opens after the cover went up, so it gets
    a cover of its own. Grown back it shows; 'n' (new game) leaves the war room and the new-game
    screen and nothing else: the cover left under the game-over screen went with it."""
    app = G2App(finished(tmp_path), tmp_path)
    seen = {}

    async def main() -> None:
        async with app.run_test(size=(40, 12)) as pilot:
            await settle(app, pilot)
            seen["small"] = kinds(app)
            await pilot.resize_terminal(*BIG)
            await settle(app, pilot)
            seen["big"] = kinds(app)
            await pilot.press("n")
            await settle(app, pilot)
            seen["new"] = kinds(app)

    asyncio.run(main())
    assert seen["small"] == [
        "Screen",
        "WarRoom",
        "TooSmallScreen",
        "GameOverScreen",
        "TooSmallScreen",
    ]
    assert seen["big"] == ["Screen", "WarRoom", "TooSmallScreen", "GameOverScreen"]
    assert seen["new"] == ["Screen", "WarRoom", "NewGameScreen"]


# ----------------------------------------------------------------------------- slow: many more keys
# with the real forecasts: 2 seeds x 6 start screens x 2 rounds of the five sizes
# (2 x 150 keys + 3 x 20 keys a round) + 3 seeds x 3 small sizes x 500 keys unguarded: 13,140 keys,
# about 4 minutes on one core

SLOW_BIG_KEYS, SLOW_SMALL_KEYS, SLOW_UNGUARDED_KEYS = 150, 20, 500


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("start", list(STARTS))
def test_many_random_keys_with_the_real_forecasts(start, seed, tmp_path):
    Session.new("china", seed=9, save_dir=tmp_path).save("fuzz")
    make, reach, expect = STARTS[start]
    seed = 100 + 10 * seed + sorted(STARTS).index(start)
    p = plan(seed, SLOW_BIG_KEYS, SLOW_SMALL_KEYS, rounds=2)
    seen = run(lambda: make(tmp_path), reach, expect, seed, p)
    assert not seen.get("covered")


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_many_random_keys_on_an_unguarded_war_room_below_80x24(seed, tmp_path):
    s = Session.new("us", seed=3, save_dir=tmp_path)
    squeezed = [(size, SLOW_UNGUARDED_KEYS) for size in SMALL]
    run(lambda: Unguarded(s, tmp_path), nothing, WarRoom, 200 + seed, squeezed, SMALL[0])
