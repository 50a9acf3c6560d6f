"""Building AI players from their names: the registry behind `make_agent` and the CLI's --us/--china."""

from __future__ import annotations

from pathlib import Path

from game.ai.base import Hold, agent_policy, agent_rng
from game.ai.catalog import DEFAULT_LEVEL, LEVELS
from game.ai.personas import PERSONAS, Mixture
from game.ai.planner import Planner
from game.engine.data import SIDES, data_dir, did_you_mean, other_side
from game.engine.plans import resolve_plan
from game.engine.runner import plan_policy


def agent_names(side: str) -> list[str]:
    """Every name make_agent accepts for `side` (planner levels as planner:N)."""
    return [
        *PERSONAS[side],
        "random-persona",
        "planner",
        *(f"planner:{lv}" for lv in LEVELS),
        "hold",
    ]


def make_agent(spec: str, side: str):
    """An agent from its name: a persona key, 'random-persona', 'planner[:level]' or 'hold'."""
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}: use 'us' or 'china'")
    name, _, level = spec.strip().partition(":")
    if name == "planner":
        try:
            lv = int(level) if level else DEFAULT_LEVEL
        except ValueError:
            raise ValueError(f"planner level must be a number, got {level!r}") from None
        return Planner(side, lv)
    if level:
        raise ValueError(f"only the planner takes a level, got {spec!r}")
    if name == "hold":
        return Hold(side)
    if name == "random-persona":
        return Mixture(side, [cls() for cls in PERSONAS[side].values()])
    if name in PERSONAS[side]:
        return PERSONAS[side][name]()
    other = other_side(side)
    if name in PERSONAS[other]:
        raise ValueError(f"{name!r} is a {other} persona, not a {side} one")
    raise ValueError(
        f"unknown agent {name!r}{did_you_mean(name, agent_names(side))}; "
        f"{side} agents: {', '.join(agent_names(side))}"
    )


def side_policy(spec: str, side: str, gd, seed: int, scenario: str | None = None):
    """A batch policy for `side` from a command-line spec: an agent name (see `make_agent`), or a
    plan file / a plan name in data/plans/. Agents get `agent_rng(seed, side)`. Raises ValueError
    for a name that is neither, and DataError for a plan file with an error in it (a plan's
    quarters must fall inside `scenario` when one is named)."""
    name = spec.strip().partition(":")[0]
    if name in agent_names(side) or name == "planner":
        return agent_policy(make_agent(spec, side), agent_rng(seed, side))
    if Path(spec).exists() or (data_dir() / "plans" / f"{spec}.yaml").exists():
        sc = gd.scenarios.get(scenario) if scenario else None
        return plan_policy(resolve_plan(spec, gd, side, sc), side, gd)
    try:
        make_agent(spec, side)
    except ValueError as exc:
        raise ValueError(f"{exc}; and no such plan file or plan name in data/plans/") from None
    raise AssertionError("unreachable: make_agent accepted a name agent_names does not list")
