"""A plan built in a test: one side's moves by quarter (and moves tried every quarter)."""

from __future__ import annotations

from game.engine.data import load_data, parse_quarter
from game.engine.plans import Plan, parse_move


def plan(side: str, moves: dict[str, list[str]], every: tuple[str, ...] | list[str] = ()) -> Plan:
    gd = load_data()
    return Plan(
        "test",
        side,
        by_quarter={
            parse_quarter(q): [parse_move(gd, m, side) for m in ms] for q, ms in moves.items()
        },
        every=[parse_move(gd, m, side) for m in every],
    )
