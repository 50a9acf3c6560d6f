"""Round robin: every US persona against every China persona (and the planner against each), with
the balance verdict: no persona pairing may win more than `limit` of its games for one side."""

from __future__ import annotations

from collections.abc import Callable

from game.ai import PERSONAS, agent_policy, agent_rng, make_agent
from game.engine.data import GameData, load_data
from game.engine.runner import run

BALANCE_LIMIT = 0.80


def play(
    us: str, china: str, scenario: str, games: int, seed: int, gd: GameData
) -> dict[str, float]:
    """Win rates of one pairing over `games` seeded games."""
    tr = run(
        scenario,
        agent_policy(make_agent(us, "us"), agent_rng(seed, "us")),
        agent_policy(make_agent(china, "china"), agent_rng(seed, "china")),
        games,
        seed,
        gd,
    )
    return tr.win_rates()


def tournament(
    scenario: str,
    games: int = 1000,
    planner_games: int = 200,
    seed: int = 1,
    planner: str = "planner",
    limit: float = BALANCE_LIMIT,
    data: GameData | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Every pairing's win rates, and the verdict. `planner_games=0` leaves the planner out."""
    gd = data or load_data()
    us_names, cn_names = list(PERSONAS["us"]), list(PERSONAS["china"])
    pairs = [(u, c, games) for u in us_names for c in cn_names]
    if planner_games > 0:
        pairs += [(planner, c, planner_games) for c in cn_names]
        pairs += [(u, planner, planner_games) for u in us_names]
    cells = []
    for u, c, n in pairs:
        if progress:
            progress(f"{u} vs {c} ({n} games)")
        w = play(u, c, scenario, n, seed, gd)
        cells.append({"us": u, "china": c, "games": n, **{f"{k}_wins": v for k, v in w.items()}})
    personas = [x for x in cells if x["us"] in PERSONAS["us"] and x["china"] in PERSONAS["china"]]
    worst = max(personas, key=lambda x: max(x["us_wins"], x["china_wins"]))
    top = max(worst["us_wins"], worst["china_wins"])
    return {
        "scenario": scenario,
        "seed": seed,
        "limit": limit,
        "cells": cells,
        "balanced": bool(top <= limit),
        "worst": {
            "us": worst["us"],
            "china": worst["china"],
            "side": "us" if worst["us_wins"] >= worst["china_wins"] else "china",
            "wins": top,
        },
    }


def matrix_text(result: dict) -> str:
    """The win-rate table: rows are US players, columns China players; cells 'US% / China%'."""
    cells = result["cells"]
    rows = list(dict.fromkeys(x["us"] for x in cells))
    cols = list(dict.fromkeys(x["china"] for x in cells))
    at = {(x["us"], x["china"]): x for x in cells}
    w0 = max(len("US \\ China"), *(len(r) for r in rows))
    widths = [max(len(c), 15) for c in cols]
    lines = [
        "US \\ China".ljust(w0)
        + "  "
        + "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)),
        "-" * w0 + "  " + "  ".join("-" * w for w in widths),
    ]
    for r in rows:
        out = []
        for c, w in zip(cols, widths, strict=True):
            x = at.get((r, c))
            txt = "" if x is None else f"{x['us_wins']:4.0%} / {x['china_wins']:4.0%}"
            out.append(txt.ljust(w))
        lines.append(r.ljust(w0) + "  " + "  ".join(out))
    return "\n".join(lines)
