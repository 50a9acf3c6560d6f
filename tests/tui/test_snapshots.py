"""Snapshots of the key screens at 120x40 and 80x24. Each docstring says what must be visible; update
with `uv run pytest tests/tui/test_snapshots.py --snapshot-update` after a deliberate change, and look."""

from __future__ import annotations

import pytest

from game.tui.app import G2App
from game.tui.session import Session

SIZES = [(120, 40), (80, 24)]
# the newer screens' 120x40 snapshots run in the slow set (.ci/run), so the default run stays < 60 s
SIZES_80_FIRST = [pytest.param((120, 40), marks=pytest.mark.slow), (80, 24)]


def war_room(tmp_path, side="us", opponent=None, seed=3):
    return G2App(Session.new(side, seed=seed, opponent=opponent, save_dir=tmp_path), tmp_path)


async def wait(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_war_room(snap_compare, tmp_path, size):
    """The US war room in 2025Q1 against the pragmatist: the quarter and the score ("Score US +3.6")
    in the title; the meter table (short names at 80 columns); at 120 columns the centre panel (score
    track, the largest parts with their weights, compute on one log scale, China's channels, the bills
    with their odds, this quarter's odds); the plan in words with the capital left; the move picker
    by kind with costs in their own column, illegal moves marked ✗; the highlighted option's preview:
    its words and cost, the score vs holding in a year and at the end, the chart with and without it;
    the first tip of the guided quarter; the footer's keys, all of them at 80 columns."""

    async def run_before(pilot):
        await wait(pilot)
        await pilot.press("down", "down")
        await wait(pilot)

    assert snap_compare(war_room(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_quarter_report(snap_compare, tmp_path, size):
    """After the US funds chip subsidies in 2025Q1: the report lists the US move, what China was seen to
    play (covert moves counted, not named), the headlines, and each meter's change with its causes."""

    async def run_before(pilot):
        await wait(pilot)
        room = pilot.app.screen
        picker = room.query_one("#moves")
        ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
        picker.highlighted = ids.index("chip_subsidy")
        await wait(pilot)
        await pilot.press("enter", "e")
        await wait(pilot)

    assert snap_compare(war_room(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_new_game_screen(snap_compare, tmp_path, size):
    """The title / new-game screen: side, scenario and opponent lists one line an option with ▶ on
    each list's choice (US, the 2025 scenario, China's pragmatist), the planner levels and hot-seat,
    the highlighted opponent's description below its list, the seed box and Start in view at 80×24,
    the 2025 briefing with who leads at the start, Start / Load game / Help / Quit in the footer."""
    from game.tui.screens.newgame import NewGameScreen

    async def run_before(pilot):
        await wait(pilot)  # the start line comes from a worker

    NewGameScreen.ENGINE_DELAY, delay = 0, NewGameScreen.ENGINE_DELAY
    try:
        assert snap_compare(G2App(save_dir=tmp_path), terminal_size=size, run_before=run_before)
    finally:
        NewGameScreen.ENGINE_DELAY = delay


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, tmp_path, size):
    """Help opened from the war room: the Keys tab lists every key (enter/space, e, a, c, ctrl+s, l, ?,
    q) with what it does; the other tabs (how a quarter works, how to win, glossary) are named."""

    async def run_before(pilot):
        await wait(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(war_room(tmp_path), terminal_size=size, run_before=run_before)


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_game_over_screen(snap_compare, tmp_path, size):
    """A finished 2025 game as the US (holding every quarter against the pragmatist, seed 3): the
    result and why, the score history with its high/low, the turning points (quarters, swings, moves),
    and how the US personas did from the same start."""
    s = Session.new("us", seed=3, save_dir=tmp_path)
    while not s.over:
        s.resolve([], autosave=False)

    async def run_before(pilot):
        await wait(pilot)

    assert snap_compare(G2App(s, tmp_path), terminal_size=size, run_before=run_before)


def after_a_quarter(tmp_path, side="us", seed=3):
    """A game one quarter in (a Stargate tranche against the pragmatist), so history shows."""
    s = Session.new(side, seed=seed, opponent="pragmatist", save_dir=tmp_path)
    s.resolve(["stargate_tranche"], autosave=False)
    s.resolve(["rasa_push"], autosave=False)
    return G2App(s, tmp_path)


def press_then_wait(*keys):
    async def run_before(pilot):
        await wait(pilot)
        await pilot.press(*keys)
        await wait(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES_80_FIRST)
def test_score_screen(snap_compare, tmp_path, size):
    """s in the war room: the total labelled by side, every part with its points for a side, its bar
    on the China ◀│▶ US axis, its weight, what it measures and whose argument it is; the win rule."""
    assert snap_compare(
        after_a_quarter(tmp_path), terminal_size=size, run_before=press_then_wait("s")
    )


@pytest.mark.parametrize("size", SIZES_80_FIRST)
def test_chart_screen(snap_compare, tmp_path, size):
    """g on the score row after two quarters: the score's history from the start, the quarters with
    events numbered and listed under the chart, the meter's description; ←/→ to change meter."""
    assert snap_compare(
        after_a_quarter(tmp_path), terminal_size=size, run_before=press_then_wait("x", "g")
    )


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_compute_chart(snap_compare, tmp_path, size):
    """The compute chart (→ twice from the score): US and China together on a log scale."""
    assert snap_compare(
        after_a_quarter(tmp_path),
        terminal_size=size,
        run_before=press_then_wait("x", "g", "right", "right"),
    )


@pytest.mark.parametrize("size", SIZES_80_FIRST)
def test_outlook_screen(snap_compare, tmp_path, size):
    """o after the US pushed RASA: each bill's stage in words, the chance of its next step this
    quarter without and with a push, the move that pushes it and who pushed it last quarter; then
    every event's chance this quarter."""
    assert snap_compare(
        after_a_quarter(tmp_path), terminal_size=size, run_before=press_then_wait("x", "o")
    )


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_advisors_screen(snap_compare, tmp_path, size):
    """a: the three US personas each recommend a move in words, with the forecast's capability gap
    and the score labelled by side; 1-3 adopt."""
    assert snap_compare(
        after_a_quarter(tmp_path), terminal_size=size, run_before=press_then_wait("x", "a")
    )


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_quit_confirmation(snap_compare, tmp_path, size):
    """q with a move in the plan: the question says the plan would be lost and when the game was
    last autosaved; y quits, n or escape goes back."""
    assert snap_compare(
        after_a_quarter(tmp_path), terminal_size=size, run_before=press_then_wait("x", "enter", "q")
    )


def a_facilitated_game(tmp_path):
    """A facilitated game one quarter in, the US having written why and predicted the gap."""
    s = Session.new("us", seed=3, opponent="pragmatist", save_dir=tmp_path)
    s.facilitator, s.team = True, "Table 3"
    s.note_journal(
        "us", "Stargate now, RASA next: keep the cloud door shut", "capability_gap_months", 6
    )
    s.resolve(["stargate_tranche"], autosave=False)
    return G2App(s, tmp_path)


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_journal_screen(snap_compare, tmp_path, size):
    """e in a facilitated game: the decision journal asks why (one line) and for one meter's value
    after the quarter (each meter with its value now), with Commit and Back."""
    assert snap_compare(
        a_facilitated_game(tmp_path), terminal_size=size, run_before=press_then_wait("x", "e")
    )


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_facilitator_console(snap_compare, tmp_path, size):
    """f in a facilitated game: last quarter's rationale and prediction against what happened, the
    catalogue of events to inject, the custom event's headline, lever and amount, the queue, both
    sides' policies (hidden until ctrl+r), ^n to advance."""
    assert snap_compare(
        a_facilitated_game(tmp_path), terminal_size=size, run_before=press_then_wait("x", "f")
    )


@pytest.mark.slow  # the default run stays under a minute; .ci/run runs it after
@pytest.mark.parametrize("size", SIZES)
def test_briefing_card(snap_compare, tmp_path, size):
    """b: the side's briefing card: the scenario and its dates, the situation, the role, the
    objectives, what wins, the starting situation, the moves it may use, questions to think about."""
    assert snap_compare(
        a_facilitated_game(tmp_path), terminal_size=size, run_before=press_then_wait("x", "b")
    )
