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
