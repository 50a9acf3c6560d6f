"""Snapshots of the key screens at 120x40 and 80x24. Each docstring says what must be visible; update
with `uv run pytest tests/tui/test_snapshots.py --snapshot-update` after a deliberate change, and look."""

from __future__ import annotations

import pytest

from game.tui.app import G2App
from game.tui.session import Session

SIZES = [(120, 40), (80, 24)]


def war_room(tmp_path, side="us", opponent=None, seed=3):
    return G2App(Session.new(side, seed=seed, opponent=opponent, save_dir=tmp_path), tmp_path)


async def wait(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_war_room(snap_compare, tmp_path, size):
    """The US war room in 2025Q1 against the pragmatist: the quarter and score in the header; the meter
    table (score, capability gap, compute, shares, bubble risk, tension, capital) with values, changes
    and trends; at 120 columns the race panel (score track, compute sparklines, China's channels,
    gauges); the move picker grouped by kind with costs, illegal moves marked ✗, the highlighted move's
    description, sources and its preview spread; the news feed; the footer's keys."""

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
    """The title / new-game screen: the pitch, side (US highlighted), scenarios with the 2025 briefing,
    China's personas with their one-line descriptions, the planner levels and hot-seat, the seed box,
    and Start / Load game / Help / Quit with their keys in the footer."""
    assert snap_compare(G2App(save_dir=tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, tmp_path, size):
    """Help opened from the war room: the Keys tab lists every key (enter/space, e, a, c, ctrl+s, l, ?,
    q) with what it does; the other tabs (how a quarter works, how to win, glossary) are named."""

    async def run_before(pilot):
        await wait(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(war_room(tmp_path), terminal_size=size, run_before=run_before)


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
