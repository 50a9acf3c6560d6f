"""Round robin: every US persona against every China persona (and the planner against each), with
the balance verdict: no persona pairing may win more than `limit` of its games for one side.

With `fixed_plan_games`, each side's best fixed (never-reacting) plan joins too: the design lab's
plan search (`balance.plan_search`, at that budget) looks for it against the side's best persona,
then it plays every opposing persona and the planner. The verdict then also says whether that plan
beats the best persona against every opposing persona, and how often the planner beats it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from game.ai import PERSONAS, make_agent
from game.analysis.balance import (
    RESULT_OF,
    Design,
    PlanTable,
    load_design,
    paired,
    plan_search,
    plan_text,
    play_side,
)
from game.analysis.balance import (
    play as run_agents,
)
from game.engine.data import SIDES, GameData, load_data, other_side
from game.engine.runner import Trace

BALANCE_LIMIT = 0.90  # data/design.yaml's pairing_max: with choices deciding, 80% held only by luck
FIXED = "best fixed plan"  # the row (US) or column (China) of each side's best fixed plan


def play(
    us: str, china: str, scenario: str, games: int, seed: int, gd: GameData
) -> dict[str, float]:
    """Win rates of one pairing over `games` seeded games."""
    return run_agents(
        gd, scenario, make_agent(us, "us"), make_agent(china, "china"), games, seed
    ).win_rates()


def _cell(us: str, china: str, tr: Trace) -> dict:
    return {
        "us": us,
        "china": china,
        "games": tr.n,
        **{f"{k}_wins": v for k, v in tr.win_rates().items()},
    }


def tournament(
    scenario: str,
    games: int = 1000,
    planner_games: int = 200,
    seed: int = 1,
    planner: str = "planner",
    limit: float = BALANCE_LIMIT,
    data: GameData | None = None,
    progress: Callable[[str], None] | None = None,
    fixed_plan_games: int = 0,
    design: Design | None = None,
) -> dict:
    """Every pairing's win rates, and the verdict. `planner_games=0` leaves the planner out;
    `fixed_plan_games > 0` adds each side's best fixed plan, searched at that budget."""
    gd = data or load_data()
    us_names, cn_names = list(PERSONAS["us"]), list(PERSONAS["china"])
    pairs = [(u, c, games) for u in us_names for c in cn_names]
    if planner_games > 0:
        pairs += [(planner, c, planner_games) for c in cn_names]
        pairs += [(u, planner, planner_games) for u in us_names]
    cells, results = [], {}
    for u, c, n in pairs:
        if progress:
            progress(f"{u} vs {c} ({n} games)")
        tr = run_agents(gd, scenario, make_agent(u, "us"), make_agent(c, "china"), n, seed)
        results[u, c] = tr.result
        cells.append(_cell(u, c, tr))
    personas = [x for x in cells if x["us"] in PERSONAS["us"] and x["china"] in PERSONAS["china"]]
    worst = max(personas, key=lambda x: max(x["us_wins"], x["china_wins"]))
    top = max(worst["us_wins"], worst["china_wins"])
    out = {
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
    if fixed_plan_games > 0:
        design = design or load_design(gd=gd)
        args = (gd, scenario, games, planner_games, seed, planner)
        out["fixed_plans"] = {
            side: best_fixed_plan(*args, side, fixed_plan_games, design, cells, results, progress)
            for side in SIDES
        }
        cells += [c for side in SIDES for c in out["fixed_plans"][side].pop("cells")]
        out["fixed_plan_margin_max"] = design.value("fixed_plan_margin_max")
        out["planner_vs_plan_min"] = design.value("planner_vs_plan_min")
    out["verdict"] = verdict(out, planner)
    out["passed"] = all(v["passed"] is not False for v in out["verdict"])
    return out


def best_persona(cells: list[dict], side: str) -> str:
    """The side's persona with the highest mean win rate against the opposing personas."""
    wins: dict[str, list[float]] = {}
    for c in cells:
        if c["us"] in PERSONAS["us"] and c["china"] in PERSONAS["china"]:
            wins.setdefault(c[side], []).append(c[f"{side}_wins"])
    return max(wins, key=lambda k: np.mean(wins[k]))


def best_fixed_plan(
    gd,
    scenario,
    games,
    planner_games,
    seed,
    planner,
    side,
    budget,
    design,
    cells,
    results,
    progress,
) -> dict:
    """Search `side`'s best fixed plan against its best persona (`budget` games per arm), then play
    it against every opposing persona (`games` each, paired with the best persona's games) and
    against the planner (`planner_games`). Returns the plan, its margins and its table cells."""
    opp = other_side(side)
    best = best_persona(cells, side)
    search = plan_search(
        gd, scenario, side, best, design, max(3, 3 * round(budget / 3)), seed, progress
    )
    plan = search["best"]["moves"]

    def name(who: str) -> tuple[str, str]:
        return (FIXED, who) if side == "us" else (who, FIXED)

    new, vs = [], {}
    for o in PERSONAS[opp]:
        if progress:
            progress(f"{side}'s best fixed plan vs {o} ({games} games)")
        tr = play_side(
            gd, scenario, side, PlanTable(side, gd, [plan], games), make_agent(o, opp), games, seed
        )
        new.append(_cell(*name(o), tr))
        base = results[(best, o) if side == "us" else (o, best)] == RESULT_OF[side]
        won = tr.result == RESULT_OF[side]
        d, se = paired(won, base)
        vs[o] = {
            "win": float(won.mean()),
            "persona_win": float(base.mean()),
            "margin": 100 * d,
            "se": 100 * se,
        }
    out = {
        "plan": plan_text(plan),
        "moves": plan,
        "persona": best,
        "screened": search["screened"],
        "vs": vs,
    }
    out["worst_margin"] = min(v["margin"] for v in vs.values())
    out["beats_best_everywhere"] = out["worst_margin"] > design.value("fixed_plan_margin_max")
    if planner_games > 0:
        if progress:
            progress(f"{planner} vs {side}'s best fixed plan ({planner_games} games)")
        agent = PlanTable(side, gd, [plan], planner_games)
        tr = play_side(gd, scenario, side, agent, make_agent(planner, opp), planner_games, seed)
        new.append(_cell(*name(planner), tr))
        out["planner_wins"] = int((tr.result == RESULT_OF[opp]).sum())
        out["plan_wins"] = int((tr.result == RESULT_OF[side]).sum())
    out["cells"] = new
    return out


def _decided(cells: list[dict], planner: str) -> tuple[dict[str, int], dict[str, int]]:
    """The planner's wins and decided games against the personas, by the side it plays."""
    wins, decided = {s: 0 for s in SIDES}, {s: 0 for s in SIDES}
    for c in cells:
        for side in SIDES:
            opp = other_side(side)
            if c[side] == planner and c[opp] in PERSONAS[opp]:
                w, lost = c[f"{side}_wins"] * c["games"], c[f"{opp}_wins"] * c["games"]
                wins[side] += round(w)
                decided[side] += round(w + lost)
    return wins, decided


def _label(side: str) -> str:
    return "US" if side == "us" else "China"


def _share(w: int, d: int) -> str:
    return f"{w / d:.0%}" if d else "n/a"


def verdict(res: dict, planner: str) -> list[dict]:
    """The verdict's lines: {name, passed (True/False, None = for information), text}."""
    w = res["worst"]
    who = "the US" if w["side"] == "us" else "China"
    out = [{"name": "persona pairings", "passed": res["balanced"],
            "text": f"the most one-sided persona pairing is {w['us']} vs {w['china']}, "
                    f"{w['wins']:.0%} for {who} (limit {res['limit']:.0%})"}]  # fmt: skip
    wins, decided = _decided(res["cells"], planner)
    if any(planner in (c["us"], c["china"]) for c in res["cells"]):
        out.append({"name": "planner vs the personas", "passed": None,
                    "text": f"{planner} wins {_share(sum(wins.values()), sum(decided.values()))} of "
                            f"decided games (as the US {_share(wins['us'], decided['us'])}, "
                            f"as China {_share(wins['china'], decided['china'])})"})  # fmt: skip
    fp = res.get("fixed_plans")
    if not fp:
        return out
    if all("planner_wins" in p for p in fp.values()):
        pw = sum(p["planner_wins"] for p in fp.values())
        dec = pw + sum(p["plan_wins"] for p in fp.values())
        share = pw / dec if dec else float("nan")
        each = ", ".join(
            f"vs the {'US' if s == 'us' else 'Chinese'} plan "
            f"{_share(p['planner_wins'], p['planner_wins'] + p['plan_wins'])}"
            for s, p in fp.items()
        )
        out.append({"name": "planner vs best fixed plan", "passed": bool(share >= res["planner_vs_plan_min"]),
                    "text": f"{planner} wins {_share(pw, dec)} of decided games ({each}; "
                            f"target >= {res['planner_vs_plan_min']:.0%})"})  # fmt: skip
    beats = [s for s, p in fp.items() if p["beats_best_everywhere"]]
    each = "; ".join(
        f"{_label(s)}: {p['plan']}, worst margin {p['worst_margin']:+.1f} pts over {p['persona']}"
        for s, p in fp.items()
    )
    out.append({"name": "best fixed plan beats the best persona everywhere", "passed": not beats,
                "text": f"{'yes, ' + ' and '.join(_label(s) for s in beats) if beats else 'no'} ({each})"})  # fmt: skip
    return out


def verdict_text(res: dict) -> str:
    """The verdict as lines, ending 'balance: PASS: ...' or 'balance: FAIL: ...'."""
    lines = []
    for v in res["verdict"][1:]:
        mark = "" if v["passed"] is None else (" [PASS]" if v["passed"] else " [FAIL]")
        lines.append(f"{v['name']}: {v['text']}{mark}")
    failed = [v["name"] for v in res["verdict"][1:] if v["passed"] is False]
    head = res["verdict"][0]["text"] + (f"; failed: {', '.join(failed)}" if failed else "")
    lines.append(f"balance: {'PASS' if res['passed'] else 'FAIL'}: {head}")
    return "\n".join(lines)


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
