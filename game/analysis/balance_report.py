"""The design lab's report (`g2 balance`): plain text for people, a JSON-ready dict for scripts.

`report_text(rep)` prints, for each scenario, the variance split, the persona matrix, the move
values, agency by phase, the fixed-plan search and the planner against the best fixed plan, then the
verdict (one line per design target) and a final `balance: PASS` / `balance: FAIL (...)` line.
"""

from __future__ import annotations

import math
from dataclasses import asdict, is_dataclass
from typing import Any

import numpy as np

from game.analysis.balance import Report
from game.engine.data import SIDES, side_name

# ----------------------------------------------------------------------------- formatting


def _ok(x: Any) -> bool:
    return isinstance(x, (int, float, np.number)) and math.isfinite(float(x))


def _pct(x: Any, digits: int = 0) -> str:
    """A share (0..1) as a percentage; 'n/a' for NaN."""
    return f"{100 * float(x):.{digits}f}%" if _ok(x) else "n/a"


def _pm(v: Any, se: Any, digits: int = 1) -> str:
    """'+3.2 ± 1.1' (points or score), 'n/a' for NaN."""
    if not _ok(v):
        return "n/a"
    return (
        f"{float(v):+.{digits}f} ±{float(se):.{digits}f}" if _ok(se) else f"{float(v):+.{digits}f}"
    )


def _table(rows: list[list[str]], header: list[str], right: int = 1, indent: str = "  ") -> str:
    """A plain-text table; columns from index `right` on are right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        cells = [
            str(c).rjust(w) if i >= right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        return (indent + "  ".join(cells)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *map(line, rows)])


def _who(side: str) -> str:
    return "the US" if side == "us" else side_name(side)


def _label(side: str) -> str:
    return "US" if side == "us" else side_name(side)


# ----------------------------------------------------------------------------- sections


def _split_text(mx: dict) -> str:
    rows = []
    for label, key in (("personas only", "split"), ("with hold", "split_with_hold")):
        sp = mx[key]
        rows.append([label, *(_pct(sp[k]) for k in ("choices", "dice", "interaction"))])
    return "\n".join(
        [
            "(a) What decides the final score: shares of its variance over the persona matrix",
            _table(rows, ["pairings", "choices", "dice", "interaction"]),
        ]
    )


def _matrix_text(mx: dict) -> str:
    cells = mx["cells"]
    us = list(dict.fromkeys(c["us"] for c in cells))
    cn = list(dict.fromkeys(c["china"] for c in cells))
    at = {(c["us"], c["china"]): c for c in cells}
    wins = [
        [u, *(f"{at[u, c]['us_wins']:.0%} / {at[u, c]['china_wins']:.0%}" for c in cn)] for u in us
    ]
    early = [
        [u, *(f"{at[u, c]['us_early']:.1%} / {at[u, c]['china_early']:.1%}" for c in cn)]
        for u in us
    ]
    aff = mx["affordable"]
    afford = ", ".join(
        f"{_label(s)} {aff[s]['moves']:.1f} ({aff[s]['capital']:.0f} capital / {aff[s]['price']:.0f})"
        for s in SIDES
    )
    return "\n".join(
        [
            "(b) Persona matrix: wins, US% / China% (the rest are draws)",
            _table(wins, ["US \\ China", *cn]),
            "",
            "    early endings (won before the last quarter), US% / China%",
            _table(early, ["US \\ China", *cn]),
            f"    early endings over all pairings: US {_pct(mx['early']['us'], 1)}, "
            f"China {_pct(mx['early']['china'], 1)}",
            f"    moves affordable in a typical quarter (capital / median price): {afford}",
        ]
    )


def _values_text(values: dict, side: str) -> str:
    rows = sorted(
        values["rows"], key=lambda r: -r["mix"]["win"] if _ok(r["mix"]["win"]) else math.inf
    )
    opp = list(rows[0]["vs"]) if rows else []
    table = []
    for r in rows:
        table.append(
            [
                r["move"] + (" (once)" if r["once"] else ""),
                _pm(r["mix"]["win"], r["mix"]["win_se"]),
                *(_pm(r["vs"][o]["win"], r["vs"][o]["win_se"]) for o in opp),
                _pm(r["mix"]["score"], r["mix"]["score_se"], 2),
                _pct(r["early"]),
            ]
        )
    head = ["move", "vs mix (pts)", *(f"vs {o}" for o in opp), "score vs mix", "early"]
    return "\n".join(
        [
            f"    {_who(side)} (hold wins {_pct(values['base_win'])} against the mix; value = "
            "win rate with the move minus with hold, paired games, ± 1 SE):",
            _table(table, head) if table else "  (no moves)",
        ]
    )


def _agency_text(agency: dict) -> str:
    rows = [
        [
            _label(side),
            a["best"],
            a["worst"],
            _pm(a["spread"], a["spread_se"], 2),
            _pm(a["late"], a["late_se"], 2),
            _pct(a["late_share"]),
        ]
        for side, a in agency.items()
    ]
    return "\n".join(
        [
            "(d) Agency by phase: best persona B, worst W; late share = (score(B) - score(B then W "
            "after 4 quarters)) / spread",
            _table(rows, ["side", "best (B)", "worst (W)", "spread", "B - B->W", "late share"], 3),
        ]
    )


def _plans_text(plans: dict) -> str:
    out = ["(e) Fixed-plan search: never-reacting plans against the side's best persona"]
    for side, p in plans.items():
        best = p["best"]
        out.append(
            f"    {_who(side)}: {p['screened']} plans screened, {len(p['confirmed'])} confirmed; "
            f"best: {best['plan']}"
        )
        rows = [[o, _pct(v["win"]), _pm(v["margin"], v["se"])] for o, v in best["vs"].items()]
        out.append(
            _table(rows, ["vs", "plan wins", f"margin over {p['persona']} (pts)"], indent="      ")
        )
        out.append(f"      worst margin: {best['worst_margin']:+.1f} pts")
    return "\n".join(out)


def _planner_text(planner: dict) -> str:
    out = ["(f) The planner against the best fixed plan"]
    for side, p in planner.items():
        decided = p["planner_wins"] + p["plan_wins"]
        out.append(
            f"    planner as {_who('china' if side == 'us' else 'us')} vs {_who(side)}'s best "
            f"fixed plan: planner wins {p['planner_wins']}, plan wins {p['plan_wins']} of "
            f"{p['games']} games ({_pct(p['share'])} of {decided} decided)"
        )
    return "\n".join(out)


def scenario_text(name: str, res: dict) -> str:
    """Every measurement of one scenario, as text."""
    parts = [
        f"== {name} ({res.get('games', '?')} games per arm) ==",
        _split_text(res["matrix"]),
        _matrix_text(res["matrix"]),
        "(c) Move values, best first against the opposing mix (played whenever legal and "
        "affordable; '(once)' = played in the first quarter only)",
        *(_values_text(res["values"][s], s) for s in res["values"]),
        _agency_text(res["agency"]),
        _plans_text(res["plans"]),
        _planner_text(res["planner"]),
    ]
    return "\n\n".join(parts)


def verdict_text(rep: Report) -> str:
    """One line per check (PASS/FAIL, name, value, target, note), then the overall line."""
    width = max((len(c.name) for c in rep.checks), default=0)
    lines = ["VERDICT"]
    for c in rep.checks:
        line = f"{'PASS' if c.passed else 'FAIL'}  {c.name.ljust(width)}  {c.value}  (target {c.target})"
        lines.append(line + (f"; {c.note}" if c.note else ""))
    failed = sum(not c.passed for c in rep.checks)
    lines.append("")
    lines.append(
        "balance: PASS"
        if rep.passed
        else f"balance: FAIL ({failed} of {len(rep.checks)} targets failed)"
    )
    return "\n".join(lines)


def report_text(rep: Report) -> str:
    head = (
        f"G2 design lab: {', '.join(rep.scenarios)}; {rep.games} games per arm, seed {rep.seed} "
        "(paired seeds: every arm of a comparison plays the same games)"
    )
    body = [scenario_text(sc, rep.results[sc]) for sc in rep.scenarios if sc in rep.results]
    return "\n\n".join([head, *body, verdict_text(rep)])


# ----------------------------------------------------------------------------- JSON


def plain(x: Any) -> Any:
    """`x` made JSON-serialisable: tuples -> lists, NaN/inf -> None, numpy scalars and arrays ->
    Python, dataclasses -> dicts, non-string keys -> strings ('a vs b' for pairs)."""
    if is_dataclass(x) and not isinstance(x, type):
        return plain(asdict(x))
    if isinstance(x, dict):
        return {_key(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(float(x)) else None
    if x is None or isinstance(x, str):
        return x
    return str(x)


def _key(k: Any) -> str:
    if isinstance(k, tuple):
        return " vs ".join(str(p) for p in k)
    return str(k)


def report_json(rep: Report) -> dict:
    """The whole report as plain JSON values (json.dumps works on it with allow_nan=False)."""
    failed = sum(not c.passed for c in rep.checks)
    return plain(
        {
            "scenarios": rep.scenarios,
            "games": rep.games,
            "seed": rep.seed,
            "passed": rep.passed,
            "failed": failed,
            "checks": [asdict(c) for c in rep.checks],
            "results": rep.results,
        }
    )
