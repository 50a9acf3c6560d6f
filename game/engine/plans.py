"""Plans: YAML files of moves by quarter, turned into choice matrices the batch engine understands.

A quarter's move is a string (`rasa_push`, `h200_exports:case_by_case`) or, to say where it comes
from, a mapping `{move: ..., source: <seeds/ figure id or list>, assumption: "outlet, date: what
happened"}`. A plan with `history: true` replays what a government did: every move must be cited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from game.engine.data import (
    SOURCE_KEYS,
    GameData,
    Scenario,
    check_fields,
    check_sources,
    data_dir,
    did_you_mean,
    quarter_in,
    quarter_name,
    subfield,
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


@dataclass(frozen=True)
class Citation:
    """Where a planned move comes from: seeds/ figure ids and/or an assumption ("outlet, date:
    what happened"), and the line of the plan file that gives it."""

    sources: tuple[str, ...] = ()
    assumption: str = ""
    line: int | None = None

    @property
    def text(self) -> str:
        return "; ".join(x for x in (", ".join(self.sources), self.assumption) if x)


@dataclass
class Plan:
    """Moves by quarter for one side, plus moves attempted every quarter. `citations` holds the
    source of each cited move by (quarter, move index); quarter None is an `every:` move."""

    name: str
    side: str | None
    by_quarter: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    every: list[tuple[int, int]] = field(default_factory=list)
    path: str = ""
    history: bool = False
    description: str = ""
    sources: tuple[str, ...] = ()
    assumption: str = ""
    citations: dict[tuple[int | None, int], Citation] = field(default_factory=dict)

    @property
    def notes(self) -> dict[tuple[int | None, int], str]:
        """Each cited move's citation as one line of text, by (quarter, move index)."""
        return {key: c.text for key, c in self.citations.items()}

    def choices(self, gd: GameData, q: int, n: int) -> np.ndarray:
        out = np.full((n, len(gd.moves)), -1, dtype=np.int16)
        for j, k in (*self.every, *self.by_quarter.get(q, [])):
            out[:, j] = k
        return out


HOLD = Plan("hold", None)


def _assumption(doc: Doc, obj: dict, where: str) -> str:
    if "assumption" not in obj:
        return ""
    text = obj["assumption"]
    if not isinstance(text, str) or not text.strip():
        raise doc.error(
            subfield(where, "assumption"), 'expected text such as "outlet, date: what happened"'
        )
    return " ".join(text.split())


MOVE_ITEM_KEYS = ("move", *SOURCE_KEYS)


def _move_item(doc: Doc, item, w: str, gd: GameData, history: bool) -> tuple[str, Citation | None]:
    """A plan's list item: the move string and its citation (None for a plain string)."""
    if isinstance(item, dict):
        check_fields(doc, item, w, MOVE_ITEM_KEYS, "a move {move, source, assumption}")
        if "move" not in item:
            raise doc.error(f"{w}.move", "missing: the move this citation is for")
        cite = Citation(
            check_sources(doc, item, w, gd.figures, required=False),
            _assumption(doc, item, w),
            doc.line(f"{w}.move"),
        )
        if not cite.sources and not cite.assumption:
            raise doc.error(
                w,
                "a cited move needs `source` (a seeds/ figure id) or "
                '`assumption: "outlet, date: what happened"`',
            )
        return item["move"], cite
    if history:
        raise doc.error(
            w,
            f"this is a history plan: cite {item!r} as {{move: {item!r}, source: <seeds/ figure "
            'id>} or {move: ..., assumption: "outlet, date: what happened"}',
        )
    return item, None


def _moves_list(
    doc: Doc,
    gd: GameData,
    val,
    where: str,
    side: str | None,
    chosen: dict[int, str],
    history: bool = False,
) -> list[tuple[int, int, Citation | None]]:
    """A quarter's moves with their citations; `chosen` (move index -> where it was chosen) catches
    a move chosen twice."""
    if val in (None, "hold", []):
        return []
    if isinstance(val, (str, dict)):
        val = [val]
    if not isinstance(val, list):
        raise doc.error(where, "expected a list of moves (or 'hold')")
    out = []
    chosen = dict(chosen)
    for i, item in enumerate(val):
        if item == "hold":
            continue
        w = f"{where}[{i}]"
        text, cite = _move_item(doc, item, w, gd, history)
        try:
            j, k = parse_move(gd, text, side)
        except MoveError as exc:
            raise doc.error(f"{w}.move" if cite else w, str(exc)) from None
        if j in chosen:
            raise doc.error(w, f"{gd.moves[j].id!r} is chosen twice (also in {chosen[j]})")
        chosen[j] = w
        out.append((j, k, cite))
    return out


PLAN_KEYS = ("side", "name", "description", "quarters", "every", "history", *SOURCE_KEYS)


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
    description = v.get("description", "")
    if not isinstance(description, str):
        raise doc.error("description", "expected text")
    history = v.get("history", False)
    if not isinstance(history, bool):
        raise doc.error("history", f"expected true or false, got {history!r}")
    plan = Plan(
        name,
        side,
        path=str(p),
        history=history,
        description=" ".join(description.split()),
        sources=check_sources(doc, v, "", gd.figures, required=False),
        assumption=_assumption(doc, v, ""),
    )
    plan.every = _cite(plan, None, _moves_list(doc, gd, v.get("every"), "every", side, {}, history))
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
        plan.by_quarter[q] = _cite(plan, q, _moves_list(doc, gd, moves, w, side, every, history))
    return plan


def _cite(plan: Plan, q: int | None, moves) -> list[tuple[int, int]]:
    """Record each cited move's citation on the plan; return the (move, option) pairs."""
    for j, _, cite in moves:
        if cite is not None:
            plan.citations[(q, j)] = cite
    return [(j, k) for j, k, _ in moves]


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
