"""Plans: YAML files of moves by quarter, turned into choice matrices the batch engine understands."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from game.engine.data import (
    GameData,
    Scenario,
    check_fields,
    data_dir,
    did_you_mean,
    quarter_in,
    quarter_name,
)
from game.engine.yamlsrc import DataError, Doc, read


class MoveError(ValueError):
    """A move string is unknown, for the wrong side, or has a bad option."""


def parse_move(gd: GameData, text: str, side: str | None = None) -> tuple[int, int]:
    """'h200_exports:case_by_case' -> (move index, option index). Raises MoveError saying why."""
    if not isinstance(text, str) or not text.strip():
        raise MoveError(
            f"a move must be a string like 'rasa_push' or 'h200_exports:open', got {text!r}"
        )
    mid, _, opt = text.strip().partition(":")
    if mid not in gd.move_index:
        near = [m.id for m in gd.moves if m.side == side] if side else [m.id for m in gd.moves]
        raise MoveError(
            f"unknown move {mid!r}{did_you_mean(mid, near)}; known moves"
            f"{' for ' + side if side else ''}: {', '.join(near)}"
        )
    j = gd.move_index[mid]
    m = gd.moves[j]
    if side is not None and m.side != side:
        raise MoveError(f"{mid!r} is a {m.side} move, not a {side} move")
    if m.has_options:
        names = [o.name for o in m.options]
        if not opt:
            raise MoveError(f"{mid!r} needs an option: {', '.join(f'{mid}:{n}' for n in names)}")
        k = m.option_index(opt)
        if k < 0:
            raise MoveError(
                f"{mid!r} has no option {opt!r}{did_you_mean(opt, names)}; options: {', '.join(names)}"
            )
        return j, k
    if opt:
        raise MoveError(f"{mid!r} takes no option (got {opt!r})")
    return j, 0


@dataclass
class Plan:
    """Moves by quarter for one side, plus moves attempted every quarter."""

    name: str
    side: str | None
    by_quarter: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    every: list[tuple[int, int]] = field(default_factory=list)
    path: str = ""

    def choices(self, gd: GameData, q: int, n: int) -> np.ndarray:
        out = np.full((n, len(gd.moves)), -1, dtype=np.int16)
        for j, k in (*self.every, *self.by_quarter.get(q, [])):
            out[:, j] = k
        return out


HOLD = Plan("hold", None)


def _moves_list(
    doc: Doc, gd: GameData, val, where: str, side: str | None, chosen: dict[int, str]
) -> list[tuple[int, int]]:
    """A quarter's moves; `chosen` (move index -> where it was chosen) catches a move chosen twice."""
    if val in (None, "hold", []):
        return []
    if isinstance(val, str):
        val = [val]
    if not isinstance(val, list):
        raise doc.error(where, "expected a list of moves (or 'hold')")
    out = []
    chosen = dict(chosen)
    for i, text in enumerate(val):
        if text == "hold":
            continue
        try:
            j, k = parse_move(gd, text, side)
        except MoveError as exc:
            raise doc.error(f"{where}[{i}]", str(exc)) from None
        if j in chosen:
            raise doc.error(
                f"{where}[{i}]", f"{gd.moves[j].id!r} is chosen twice (also in {chosen[j]})"
            )
        chosen[j] = f"{where}[{i}]"
        out.append((j, k))
    return out


PLAN_KEYS = ("side", "name", "description", "quarters", "every")


def load_plan(
    path: str | Path, gd: GameData, side: str | None = None, scenario: Scenario | None = None
) -> Plan:
    """Load a plan file. `side`, when given, must match the plan's own `side:` and every move;
    its quarters must fall inside `scenario` (or, without one, inside some scenario of `gd`)."""
    p = Path(path)
    doc = read(p)
    v = doc.value
    if not isinstance(v, dict):
        raise doc.error("", "a plan is a mapping with `quarters:` (and optional side, name, every)")
    check_fields(doc, v, "", PLAN_KEYS, "a plan")
    plan_side = v.get("side")
    if plan_side is not None and plan_side not in ("us", "china"):
        raise doc.error("side", f"expected us or china, got {plan_side!r}")
    if side and plan_side and plan_side != side:
        raise doc.error("side", f"this is a {plan_side} plan, used for {side}")
    side = side or plan_side
    name = v.get("name", p.stem)
    if not isinstance(name, str):
        raise doc.error("name", "expected text")
    plan = Plan(name, side, path=str(p))
    plan.every = _moves_list(doc, gd, v.get("every"), "every", side, {})
    every = {j: "every" for j, _ in plan.every}
    quarters = v.get("quarters") or {}
    if not isinstance(quarters, dict):
        raise doc.error("quarters", "expected a mapping of quarter: [moves]")
    if scenario is not None:
        lo, hi, span = scenario.start, scenario.end, f"scenario {scenario.id}"
    else:
        lo = min(sc.start for sc in gd.scenarios.values())
        hi = max(sc.end for sc in gd.scenarios.values())
        span = "every scenario"
    for key, moves in quarters.items():
        w = f"quarters.{key}"
        q = quarter_in(doc, key, w, lo, hi, span)
        if q in plan.by_quarter:
            raise doc.error(w, f"{quarter_name(q)} is given twice")
        plan.by_quarter[q] = _moves_list(doc, gd, moves, w, side, every)
    return plan


def resolve_plan(spec: str, gd: GameData, side: str, scenario: Scenario | None = None) -> Plan:
    """'hold', a path to a plan file, or the name of a plan in data/plans/."""
    if spec == "hold":
        return HOLD
    p = Path(spec)
    if not p.exists():
        cand = data_dir() / "plans" / f"{spec}.yaml"
        if cand.exists():
            p = cand
        else:
            raise DataError(
                spec,
                None,
                "<file>",
                "no such plan file (use 'hold', a path, or a name in data/plans/)",
            )
    return load_plan(p, gd, side, scenario)
