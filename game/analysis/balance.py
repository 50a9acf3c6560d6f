"""The design lab (`g2 balance`): how much of a game's outcome its players decide, measured with
paired seeds against the design targets in data/design.yaml.

Every comparison plays the arms on the same seed, so game i sees the same world dice (and the same
opposing persona with the same dice) in every arm: the difference between arms is the decision, and
each figure carries the standard error of its paired differences. The opposing "mix" is the other
side's personas in turn: game i of a run meets persona i mod 3, so one run gives the value against
each persona (its thirds) and against the mix (the whole run).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from game.ai import PERSONAS, Hold, Mixture, agent_policy, agent_rng, make_agent
from game.analysis import DESIGN_SCENARIOS  # noqa: F401  (balance.DESIGN_SCENARIOS, as before)
from game.engine import model
from game.engine.data import (
    SIDES,
    GameData,
    capital_lever,
    check_fields,
    data_dir,
    did_you_mean,
    load_data,
    other_side,
    score_sign,
)
from game.engine.plans import MoveError, parse_move
from game.engine.runner import Trace, run
from game.engine.yamlsrc import Doc, read

RESULT_OF = {"us": model.RESULT_US, "china": model.RESULT_CHINA}
TARGET_KEYS = (
    "choices_share_min",
    "dice_share_max",
    "pairing_max",
    "move_value_max",
    "move_worth_min",
    "trade_vs_industry_min",
    "case_worth_min",
    "fixed_plan_margin_max",
    "planner_vs_plan_min",
    "late_share_min",
    "affordable_moves_min",
    "early_end_min",
    "early_end_max",
    "early_end_move_max",
)
RUN_KEYS = (
    "games",
    "seed",
    "plans",
    "screen_games",
    "confirm",
    "refine_rounds",
    "planner_games",
)
Progress = Callable[[str], None]

# ----------------------------------------------------------------------------- the targets


@dataclass(frozen=True)
class Design:
    """data/design.yaml: thresholds (value, why), move groups per side, and the default budget."""

    targets: dict[str, tuple[float, str]]
    groups: dict[str, dict]
    run: dict[str, int]
    path: str = ""

    def value(self, key: str) -> float:
        return self.targets[key][0]


def _number(doc: Doc, val, where: str, lo: float = -math.inf) -> float:
    if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
        raise doc.error(where, f"expected a number, got {val!r}")
    if val < lo:
        raise doc.error(where, f"must be at least {lo:g}, got {val!r}")
    return float(val)


def _move_list(doc: Doc, gd: GameData, val, where: str, side: str, options: bool) -> tuple:
    if not isinstance(val, list) or not val:
        raise doc.error(where, "expected a non-empty list of moves")
    for i, text in enumerate(val):
        w = f"{where}[{i}]"
        if not isinstance(text, str):
            raise doc.error(w, f"expected a move name, got {text!r}")
        if options:
            try:
                parse_move(gd, text, side)
            except MoveError as exc:
                raise doc.error(w, str(exc)) from None
        elif text not in gd.move_index or gd.moves[gd.move_index[text]].side != side:
            ids = [m.id for m in gd.moves if m.side == side]
            raise doc.error(w, f"unknown {side} move {text!r}{did_you_mean(text, ids)}")
    return tuple(val)


def load_design(path: str | Path | None = None, gd: GameData | None = None) -> Design:
    """Read and check the design targets (errors name the file, the line and the field)."""
    gd = gd or load_data()
    p = Path(path) if path else data_dir() / "design.yaml"
    doc = read(p)
    top = check_fields(doc, doc.value, "", ("targets", "groups", "run"))
    targets = {}
    tv = check_fields(doc, top.get("targets"), "targets", TARGET_KEYS)
    for key in TARGET_KEYS:
        w = f"targets.{key}"
        if key not in tv:
            raise doc.error(w, "missing")
        t = check_fields(doc, tv[key], w, ("value", "why"))
        why = t.get("why")
        if not isinstance(why, str) or not why.strip():
            raise doc.error(f"{w}.why", "every target says why it is what it is")
        targets[key] = (_number(doc, t.get("value"), f"{w}.value"), why)
    groups = {}
    gv = check_fields(doc, top.get("groups"), "groups", SIDES)
    for side in SIDES:
        w = f"groups.{side}"
        g = check_fields(doc, gv.get(side), w, ("trade", "industry", "cases"))
        cases = check_fields(doc, g.get("cases"), f"{w}.cases", list(g.get("cases") or {}))
        groups[side] = {
            "trade": _move_list(doc, gd, g.get("trade"), f"{w}.trade", side, False),
            "industry": _move_list(doc, gd, g.get("industry"), f"{w}.industry", side, False),
            "cases": {
                name: _move_list(doc, gd, moves, f"{w}.cases.{name}", side, True)
                for name, moves in cases.items()
            },
        }
    rv = check_fields(doc, top.get("run"), "run", RUN_KEYS)
    runs = {k: int(_number(doc, rv.get(k), f"run.{k}", 0 if k == "seed" else 1)) for k in RUN_KEYS}
    return Design(targets, groups, runs, str(p))


# ----------------------------------------------------------------------------- agents


def _index(obs) -> np.ndarray:
    """Each game's index in its run (the batch may be one chunk of a larger run)."""
    off = obs.batch.offset if obs.batch is not None else 0
    return off + np.arange(obs.n)


class Rotation(Mixture):
    """The opposing mix: game i of a run is played by agents[i mod k] (each with its own dice)."""

    def __init__(self, side: str, agents: list, name: str = "mix"):
        super().__init__(side, agents, name)

    def act(self, obs, rng) -> np.ndarray:
        self.assign = _index(obs) % len(self.agents)
        return super().act(obs, rng)


class Switch:
    """Plays `first` before quarter `at` and `then` from it on (agency by phase)."""

    def __init__(self, side: str, first, then, at: int):
        self.side, self.first, self.then, self.at = side, first, then, at
        self.name = f"{first.name}->{then.name}"

    def reset(self, n: int) -> None:
        self.first.reset(n)
        self.then.reset(n)

    def act(self, obs, rng) -> np.ndarray:
        return (self.first if obs.q < self.at else self.then).act(obs, rng)


Plan = tuple[tuple[str, ...], ...]  # a cycle of quarters' move lists (one list = a priority list)


def plan_text(plan: Plan) -> str:
    """'a > b > c' for a priority list; '[a, b] / [c]' for a cycle of quarters."""
    if len(plan) == 1:
        return " > ".join(plan[0])
    return " / ".join("[" + ", ".join(s) + "]" for s in plan)


class PlanTable:
    """Fixed, never-reacting plans, one per block of `block` consecutive games of a run: each
    quarter a game tries its plan's moves for that quarter in order, skipping those that are illegal
    or unaffordable. With `once`, plans play only in the first quarter and then hold."""

    def __init__(self, side: str, gd: GameData, plans: list[Plan], block: int, once=False):
        self.side, self.plans, self.block, self.once = side, plans, block, once
        self.name = plan_text(plans[0]) if len(plans) == 1 else f"{len(plans)} plans"
        lmax = max(len(p) for p in plans)
        smax = max(len(s) for p in plans for s in p)
        self.kmax = max(len(m.options) for m in gd.moves)
        self.table = np.full((len(plans), lmax, max(smax, 1)), -1, np.int64)
        self.length = np.array([len(p) for p in plans])
        for i, p in enumerate(plans):
            for q, moves in enumerate(p):
                for s, text in enumerate(moves):
                    j, k = parse_move(gd, text, side)
                    self.table[i, q, s] = j * self.kmax + k

    def reset(self, n: int) -> None:
        pass

    def act(self, obs, rng) -> np.ndarray:
        c = obs.choices()
        played = obs.q - obs.start
        if self.once and played > 0:
            return c.array
        pid = (_index(obs) // self.block) % len(self.plans)
        now = self.table[np.arange(len(self.plans)), played % self.length][pid]
        for s in range(now.shape[1]):
            codes = now[:, s]
            for code in np.unique(codes[codes >= 0]):
                c.take(int(code) // self.kmax, int(code) % self.kmax, codes == code)
        return c.array


def personas(side: str) -> list:
    return [cls() for cls in PERSONAS[side].values()]


def mix(side: str) -> Rotation:
    """The opposing personas in rotation."""
    return Rotation(side, personas(side))


# ----------------------------------------------------------------------------- measuring


@dataclass
class Outcome:
    """One side's view of a run: per game, a win (0/1), its final score (from its side) and whether
    it won early; `who` is each game's opposing persona (index in the rotation)."""

    win: np.ndarray
    score: np.ndarray
    early: np.ndarray
    who: np.ndarray

    def subset(self, k: int | None) -> Outcome:
        if k is None:
            return self
        m = self.who == k
        return Outcome(self.win[m], self.score[m], self.early[m], self.who[m])


def outcome(tr: Trace, side: str, opponents: int = 3) -> Outcome:
    ended_early = tr.ended < len(tr.quarters)
    win = (tr.result == RESULT_OF[side]).astype(float)
    return Outcome(
        win,
        score_sign(side) * tr.final("score"),
        (ended_early & (win > 0)).astype(float),
        np.arange(tr.n) % opponents,
    )


def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of a − b and its standard error (paired games)."""
    d = np.asarray(a, float) - np.asarray(b, float)
    se = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else float("nan")
    return float(d.mean()), se


def play(gd, scenario, us, china, n, seed, record=False) -> Trace:
    """n games of `scenario` seeded `seed` between two agents (each with its own seeded dice)."""
    return run(
        scenario,
        agent_policy(us, agent_rng(seed, "us")),
        agent_policy(china, agent_rng(seed, "china")),
        n,
        seed,
        gd,
        record=record,
    )


def play_side(gd, scenario, side, agent, opponent, n, seed, record=False) -> Trace:
    us, china = (agent, opponent) if side == "us" else (opponent, agent)
    return play(gd, scenario, us, china, n, seed, record)


def _mult3(n: int) -> int:
    return max(3, 3 * round(n / 3))


def starting_stances(gd: GameData, scenario: str) -> set[str]:
    """Options each stance move starts at (playing them is not a move: they are hold)."""
    st = model.initial_state(gd, gd.scenarios[scenario], 1)
    out = set()
    for m in gd.moves:
        if m.has_options and m.lever in st.lev:
            k = int(np.rint(st.lev[m.lever][0]))
            if 0 <= k < len(m.options):
                out.add(f"{m.id}:{m.options[k].name}")
    return out


def side_moves(
    gd: GameData, side: str, skip: Iterable[str] = (), scenario: str | None = None
) -> list[str]:
    """Every move string of `side` (each option of a stance move), minus `skip` and, with
    `scenario`, minus the moves that scenario leaves out (its `moves:` lists)."""
    out = []
    sc = gd.scenarios[scenario] if scenario is not None else None
    for m in gd.moves:
        if m.side != side or (sc is not None and not sc.allows(m)):
            continue
        texts = [f"{m.id}:{o.name}" for o in m.options] if m.has_options else [m.id]
        out += [t for t in texts if t not in skip]
    return out


def _value_row(arm: Outcome, base: Outcome, k: int | None) -> dict:
    a, b = arm.subset(k), base.subset(k)
    win, win_se = paired(a.win, b.win)
    sc, sc_se = paired(a.score, b.score)
    return {"win": 100 * win, "win_se": 100 * win_se, "score": sc, "score_se": sc_se}


def move_values(gd, scenario, side, n, seed, progress=None) -> dict:
    """The value of every move and option of `side` against hold, per opposing persona and against
    the mix: played whenever legal and affordable; programmes (moves without options) also played
    once at the start."""
    opp_names = list(PERSONAS[other_side(side)])
    base_tr = play_side(gd, scenario, side, Hold(side), mix(other_side(side)), n, seed)
    base = outcome(base_tr, side)
    rows = []
    sc = gd.scenarios[scenario]
    arms = [(t, False) for t in side_moves(gd, side, starting_stances(gd, scenario), scenario)]
    arms += [
        (m.id, True) for m in gd.moves if m.side == side and not m.has_options and sc.allows(m)
    ]
    for i, (text, once) in enumerate(arms):
        if progress:
            progress(f"{scenario}: {side} move values {i + 1}/{len(arms)} ({text})")
        agent = PlanTable(side, gd, [((text,),)], n, once=once)
        tr = play_side(gd, scenario, side, agent, mix(other_side(side)), n, seed)
        arm = outcome(tr, side)
        row = {"move": text, "once": once, "mix": _value_row(arm, base, None)}
        row["vs"] = {o: _value_row(arm, base, k) for k, o in enumerate(opp_names)}
        row["early"] = float(arm.early.mean())
        rows.append(row)
    return {"base_win": float(base.win.mean()), "rows": rows}


def variance_split(x: np.ndarray) -> dict[str, float]:
    """x[a, g]: final score of game g under pairing a. Shares of the total from choices (pairing
    means), dice (game means) and their interaction."""
    m = x.mean()
    total = float(((x - m) ** 2).mean())
    choices = float(((x.mean(axis=1) - m) ** 2).mean())
    dice = float(((x.mean(axis=0) - m) ** 2).mean())
    if total <= 0:
        return {"choices": 0.0, "dice": 0.0, "interaction": 0.0, "total": 0.0}
    return {
        "choices": choices / total,
        "dice": dice / total,
        "interaction": (total - choices - dice) / total,
        "total": total,
    }


def matrix(gd, scenario, n, seed, progress=None) -> dict:
    """Every US persona (and hold) against every China persona (and hold): scores, results, early
    endings and the capital each side holds at the start of each quarter."""
    us = [*PERSONAS["us"], "hold"]
    cn = [*PERSONAS["china"], "hold"]
    cells = {}
    for u in us:
        for c in cn:
            if progress:
                progress(f"{scenario}: persona matrix {u} vs {c}")
            tr = play(gd, scenario, make_agent(u, "us"), make_agent(c, "china"), n, seed, True)
            cells[(u, c)] = tr
    return {"us": us, "china": cn, "traces": cells}


def _matrix_summary(mx: dict, gd: GameData) -> dict:
    us_p, cn_p = list(PERSONAS["us"]), list(PERSONAS["china"])
    traces = mx["traces"]
    pairs = [(u, c) for u in us_p for c in cn_p]
    x = np.stack([traces[p].final("score") for p in pairs])
    x_hold = np.stack([traces[(u, c)].final("score") for u in mx["us"] for c in mx["china"]])
    cells = []
    early = {"us": [], "china": []}
    for u, c in pairs:
        tr = traces[(u, c)]
        T = len(tr.quarters)
        e = tr.ended < T
        row = {"us": u, "china": c, "score": float(tr.final("score").mean())}
        for side in SIDES:
            won = tr.result == RESULT_OF[side]
            row[f"{side}_wins"] = float(won.mean())
            row[f"{side}_early"] = float((won & e).mean())
            early[side].append(float((won & e).mean()))
        row["draws"] = float((tr.result == model.RESULT_DRAW).mean())
        cells.append(row)
    return {
        "split": variance_split(x),
        "split_with_hold": variance_split(x_hold),
        "cells": cells,
        "early": {s: float(np.mean(v)) for s, v in early.items()},
        "affordable": {s: _affordable(gd, [traces[p] for p in pairs], s) for s in SIDES},
    }


def _affordable(gd: GameData, traces: list[Trace], side: str) -> dict:
    """How many of its moves a side can afford in a typical quarter after the first: the median over
    persona games and quarters of capital at the quarter's start ÷ the median price of its moves."""
    costs = [o.cost for m in gd.moves if m.side == side for o in m.options if o.cost > 0]
    price = float(np.median(costs))
    cap = capital_lever(side)
    vals = []
    for tr in traces:
        rows = tr.meters[cap][1:-1]  # quarters 2 .. T (capital at the start of each)
        alive = np.arange(1, rows.shape[0] + 1)[:, None] < tr.ended[None, :]
        vals.append(rows[alive])
    cap_med = float(np.median(np.concatenate(vals)))
    return {"capital": cap_med, "price": price, "moves": cap_med / price}


def agency(gd, scenario, side, ranking: list[str], n, seed, progress=None) -> dict:
    """Agency by phase: best persona B, worst W; late share = (score(B) − score(B→W)) / spread."""
    best, worst = ranking[0], ranking[-1]
    sc = gd.scenarios[scenario]
    opp = other_side(side)
    if progress:
        progress(f"{scenario}: {side} agency by phase ({best} then {worst})")
    out = {}
    agents = {
        "best": make_agent(best, side),
        "worst": make_agent(worst, side),
        "hybrid": Switch(side, make_agent(best, side), make_agent(worst, side), sc.start + 4),
    }
    for k, a in agents.items():
        out[k] = outcome(play_side(gd, scenario, side, a, mix(opp), n, seed), side)
    spread, spread_se = paired(out["best"].score, out["worst"].score)
    late, late_se = paired(out["best"].score, out["hybrid"].score)
    return {
        "best": best,
        "worst": worst,
        "spread": spread,
        "spread_se": spread_se,
        "late": late,
        "late_se": late_se,
        "late_share": late / spread if spread > 0 else float("nan"),
    }


# ----------------------------------------------------------------------------- fixed plans


def random_plans(candidates: list[str], count: int, rng: np.random.Generator) -> list[Plan]:
    """Priority lists of 1–4 moves (60%) and cycles of 2–4 quarters of 1–2 moves (40%)."""

    def pick(k: int) -> tuple[str, ...]:
        ids: dict[str, str] = {}
        for i in rng.permutation(len(candidates)):
            mid = candidates[i].partition(":")[0]
            if mid not in ids:
                ids[mid] = candidates[i]
            if len(ids) == k:
                break
        return tuple(ids.values())

    plans: list[Plan] = []
    seen = set()
    while len(plans) < count:
        if rng.random() < 0.6:
            plan: Plan = (pick(int(rng.integers(1, 5))),)
        else:
            plan = tuple(pick(int(rng.integers(1, 3))) for _ in range(int(rng.integers(2, 5))))
        if plan not in seen:
            seen.add(plan)
            plans.append(plan)
    return plans


def neighbours(plan: Plan, candidates: list[str]) -> list[Plan]:
    """Plans one edit away: add, drop or swap one move in one quarter's list."""
    out = []
    for q, moves in enumerate(plan):
        ids = {m.partition(":")[0] for m in moves}
        free = [c for c in candidates if c.partition(":")[0] not in ids]

        def at(new, q=q):
            return (*plan[:q], tuple(new), *plan[q + 1 :])

        if len(moves) > 1:
            out += [at(moves[:i] + moves[i + 1 :]) for i in range(len(moves))]
        if len(moves) < 4:
            out += [at((*moves, c)) for c in free]
        for i in range(len(moves)):
            out += [at((*moves[:i], c, *moves[i + 1 :])) for c in free]
    return list(dict.fromkeys(out))


def screen(gd, scenario, side, plans: list[Plan], per_plan: int, seed: int) -> np.ndarray:
    """(plans, opposing personas) win rates of each plan, `per_plan` games each, one batch."""
    block = _mult3(per_plan)
    agent = PlanTable(side, gd, plans, block)
    tr = play_side(gd, scenario, side, agent, mix(other_side(side)), block * len(plans), seed)
    win = (tr.result == RESULT_OF[side]).astype(float).reshape(len(plans), block)
    return win.reshape(len(plans), block // 3, 3).mean(axis=1)


def _vs_best(gd, scenario, side, plan: Plan, best: Outcome, n, seed) -> dict:
    tr = play_side(
        gd, scenario, side, PlanTable(side, gd, [plan], n), mix(other_side(side)), n, seed
    )
    o = outcome(tr, side)
    opp_names = list(PERSONAS[other_side(side)])
    vs = {}
    for k, name in enumerate(opp_names):
        d, se = paired(o.subset(k).win, best.subset(k).win)
        vs[name] = {"win": float(o.subset(k).win.mean()), "margin": 100 * d, "se": 100 * se}
    return {"plan": plan_text(plan), "moves": plan, "vs": vs,
            "worst_margin": min(v["margin"] for v in vs.values())}  # fmt: skip


def plan_search(gd, scenario, side, best_persona: str, design: Design, n, seed, progress=None):
    """Random fixed plans, screened; the best few confirmed on a fresh seed; the best refined
    greedily (add, drop or swap one move while its worst-case margin over the best persona grows)."""
    cfg = design.run
    scale = n / cfg["games"]
    rng = np.random.default_rng([seed, 7, SIDES.index(side)])
    cands = side_moves(gd, side, starting_stances(gd, scenario), scenario)
    plans = random_plans(cands, max(4, round(cfg["plans"] * scale)), rng)
    per = _mult3(round(cfg["screen_games"] * scale))
    if progress:
        progress(f"{scenario}: {side} fixed plans: screening {len(plans)} plans")
    wins = screen(gd, scenario, side, plans, per, seed + 1)
    seed2 = seed + 2
    best_o = outcome(
        play_side(
            gd, scenario, side, make_agent(best_persona, side), mix(other_side(side)), n, seed2
        ),
        side,
    )
    bw = np.array([best_o.subset(k).win.mean() for k in range(3)])
    order = np.argsort(-(wins - bw).min(axis=1))[: max(1, cfg["confirm"])]
    found = []
    for i in order:
        if progress:
            progress(f"{scenario}: {side} fixed plans: confirming {plan_text(plans[i])}")
        found.append(_vs_best(gd, scenario, side, plans[i], best_o, n, seed2))
    top = max(found, key=lambda r: r["worst_margin"])
    for rnd in range(cfg["refine_rounds"]):
        near = neighbours(top["moves"], cands)
        if progress:
            progress(
                f"{scenario}: {side} fixed plans: refining, round {rnd + 1} ({len(near)} edits)"
            )
        w = screen(gd, scenario, side, near, per, seed + 3 + rnd)
        pick = near[int(np.argmax((w - bw).min(axis=1)))]
        trial = _vs_best(gd, scenario, side, pick, best_o, n, seed2)
        if trial["worst_margin"] <= top["worst_margin"]:
            break
        top = trial
    return {"screened": len(plans), "confirmed": found, "best": top, "persona": best_persona}


def planner_vs_plan(gd, scenario, side, plan: Plan, n, seed, progress=None) -> dict:
    """The planner, on the other side, against the best fixed plan of `side`."""
    if progress:
        progress(f"{scenario}: planner vs the best {side} fixed plan ({n} games)")
    opp = other_side(side)
    tr = play_side(
        gd, scenario, side, PlanTable(side, gd, [plan], n), make_agent("planner", opp), n, seed
    )
    planner = int((tr.result == RESULT_OF[opp]).sum())
    fixed = int((tr.result == RESULT_OF[side]).sum())
    decided = planner + fixed
    return {
        "games": n,
        "planner_wins": planner,
        "plan_wins": fixed,
        "share": planner / decided if decided else float("nan"),
    }


# ----------------------------------------------------------------------------- the lab


@dataclass
class Check:
    name: str
    passed: bool
    value: str
    target: str
    note: str = ""


@dataclass
class Report:
    scenarios: list[str]
    games: int
    seed: int
    results: dict = field(default_factory=dict)  # per scenario
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def lab(
    scenario: str,
    design: Design,
    gd: GameData,
    games: int,
    seed: int,
    progress: Progress | None = None,
) -> dict:
    """Every measurement of one scenario."""
    n = _mult3(games)
    out: dict = {"scenario": scenario, "games": n}
    mx = matrix(gd, scenario, n, seed, progress)
    out["matrix"] = _matrix_summary(mx, gd)
    out["values"], out["agency"], out["plans"], out["planner"] = {}, {}, {}, {}
    for side in SIDES:
        out["values"][side] = move_values(gd, scenario, side, n, seed, progress)
        ranking = _ranking(out["matrix"]["cells"], side)
        out["agency"][side] = agency(gd, scenario, side, ranking, n, seed, progress)
        search = plan_search(gd, scenario, side, ranking[0], design, n, seed, progress)
        out["plans"][side] = search
        pg = max(2, round(design.run["planner_games"] * games / design.run["games"]))
        out["planner"][side] = planner_vs_plan(
            gd, scenario, side, search["best"]["moves"], pg, seed, progress
        )
    return out


def _ranking(cells: list[dict], side: str) -> list[str]:
    """The side's personas, best first, by win rate against the opposing mix."""
    wins: dict[str, list[float]] = {}
    for c in cells:
        wins.setdefault(c[side], []).append(c[f"{side}_wins"])
    return sorted(wins, key=lambda k: -np.mean(wins[k]))


def balance(
    scenarios: list[str] | None = None,
    games: int | None = None,
    seed: int | None = None,
    design: Design | None = None,
    data: GameData | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run the lab on each scenario and check the design targets (see `verdict`)."""
    gd = data or load_data()
    design = design or load_design(gd=gd)
    scenarios = list(scenarios or DESIGN_SCENARIOS)
    games = games or design.run["games"]
    seed = design.run["seed"] if seed is None else seed
    rep = Report(scenarios, games, seed)
    for sc in scenarios:
        rep.results[sc] = lab(sc, design, gd, games, seed, progress)
    rep.checks = verdict(rep, design, gd)
    return rep


# ----------------------------------------------------------------------------- the verdict


def _sig(v: dict, least: float) -> bool:
    return v["win"] >= least and v["win"] > 2 * v["win_se"]


def _best_of(rows: list[dict], moves: Iterable[str]) -> tuple[str, float]:
    """The best mix value among rows whose move is (an option of) one of `moves`."""
    ids = set(moves)
    pick = [r for r in rows if r["move"].partition(":")[0] in ids or r["move"] in ids]
    if not pick:
        return "-", float("nan")
    r = max(pick, key=lambda r: r["mix"]["win"])
    return r["move"] + (" (once)" if r["once"] else ""), r["mix"]["win"]


def _matrix_checks(sc: str, mx: dict, T) -> list[Check]:
    """The variance split and the most one-sided pairing of one scenario's persona matrix."""
    checks: list[Check] = []
    sp = mx["split"]
    checks.append(Check(f"{sc}: choices' share of score variance",
                        sp["choices"] >= T("choices_share_min"),
                        f"{sp['choices']:.0%}", f">= {T('choices_share_min'):.0%}"))  # fmt: skip
    checks.append(Check(f"{sc}: dice's share of score variance",
                        sp["dice"] <= T("dice_share_max"),
                        f"{sp['dice']:.0%}", f"<= {T('dice_share_max'):.0%}"))  # fmt: skip
    top_cell = max(mx["cells"], key=lambda c: max(c["us_wins"], c["china_wins"]))
    top_win = max(top_cell["us_wins"], top_cell["china_wins"])
    checks.append(Check(f"{sc}: the most one-sided persona pairing",
                        top_win <= T("pairing_max"),
                        f"{top_cell['us']} vs {top_cell['china']} {top_win:.0%}",
                        f"<= {T('pairing_max'):.0%}"))  # fmt: skip
    return checks


def _move_checks(sc: str, side: str, rows: list[dict], design: Design, worth: dict) -> list[Check]:
    """One side's move values: the strongest move, the debate (trade vs industry, each case);
    records in `worth` each move's best significant value (for the every-move check)."""
    T = design.value
    checks: list[Check] = []
    top = max(rows, key=lambda r: r["mix"]["win"])
    checks.append(Check(f"{sc}: {side}'s strongest single move",
                        top["mix"]["win"] <= T("move_value_max"),
                        f"{top['move']} {top['mix']['win']:+.1f} pts",
                        f"<= +{T('move_value_max'):g} pts vs the mix"))  # fmt: skip
    for r in rows:
        best = max([r["mix"], *r["vs"].values()], key=lambda v: v["win"] - 2 * v["win_se"])
        key = r["move"]
        ok = _sig(best, T("move_worth_min"))
        worth[key] = max(worth.get(key, -math.inf), best["win"] if ok else -math.inf)
    g = design.groups[side]
    tm, tv = _best_of(rows, g["trade"])
    im, iv = _best_of(rows, g["industry"])
    ratio = tv / iv if iv > 0 else (math.inf if tv > 0 else 0.0)
    checks.append(Check(f"{sc}: {side}'s best trade move vs best industrial move",
                        ratio >= T("trade_vs_industry_min"),
                        f"{tm} {tv:+.1f} vs {im} {iv:+.1f} ({ratio:.2f})",
                        f">= {T('trade_vs_industry_min'):g}x"))  # fmt: skip
    for case, moves in g["cases"].items():
        pick = [r for r in rows if r["move"] in moves]
        ok = [(r["move"], o, v) for r in pick for o, v in [("mix", r["mix"]), *r["vs"].items()]
              if _sig(v, T("case_worth_min"))]  # fmt: skip
        best = max(ok, key=lambda x: x[2]["win"]) if ok else None
        checks.append(Check(f"{sc}: {side}: the {case} case is winnable", bool(ok),
                            f"{best[0]} vs {best[1]} {best[2]['win']:+.1f}" if best else "none",
                            f"a move >= +{T('case_worth_min'):g} pts (2 SE)"))  # fmt: skip
    return checks


def _play_checks(sc: str, side: str, res: dict, T) -> list[Check]:
    """One side's early endings, capital, agency by phase, fixed plans and planner."""
    checks: list[Check] = []
    rows = res["values"][side]["rows"]
    mx = res["matrix"]
    early = max(rows, key=lambda r: r["early"])
    checks.append(Check(f"{sc}: {side}'s early ending under any one move",
                        early["early"] <= T("early_end_move_max"),
                        f"{early['move']} {early['early']:.0%}",
                        f"<= {T('early_end_move_max'):.0%}"))  # fmt: skip
    e = mx["early"][side]
    checks.append(Check(f"{sc}: {side}'s early ending in persona games",
                        T("early_end_min") <= e <= T("early_end_max"), f"{e:.1%}",
                        f"{T('early_end_min'):.0%}-{T('early_end_max'):.0%}"))  # fmt: skip
    a = mx["affordable"][side]
    checks.append(Check(f"{sc}: {side}'s moves affordable in a typical quarter",
                        a["moves"] >= T("affordable_moves_min"),
                        f"{a['moves']:.1f} ({a['capital']:.0f} capital / {a['price']:.0f})",
                        f">= {T('affordable_moves_min'):g}"))  # fmt: skip
    ag = res["agency"][side]
    ls = ag["late_share"]
    checks.append(Check(f"{sc}: {side}'s late share of the best-worst spread",
                        ls >= T("late_share_min"),
                        f"{ls:.0%} ({ag['best']} vs {ag['worst']}: {ag['spread']:+.1f})",
                        f">= {T('late_share_min'):.0%}"))  # fmt: skip
    fp = res["plans"][side]["best"]
    checks.append(Check(f"{sc}: {side}'s best fixed plan vs its best persona",
                        fp["worst_margin"] <= T("fixed_plan_margin_max"),
                        f"{fp['plan']}: worst margin {fp['worst_margin']:+.1f} pts",
                        f"<= {T('fixed_plan_margin_max'):+g} pts"))  # fmt: skip
    pv = res["planner"][side]
    checks.append(Check(f"{sc}: planner vs {side}'s best fixed plan",
                        pv["share"] >= T("planner_vs_plan_min"),
                        f"{pv['share']:.0%} of {pv['planner_wins'] + pv['plan_wins']} decided",
                        f">= {T('planner_vs_plan_min'):.0%}"))  # fmt: skip
    return checks


def verdict(rep: Report, design: Design, gd: GameData) -> list[Check]:
    T = design.value
    checks: list[Check] = []
    worth: dict[str, dict[str, float]] = {s: {} for s in SIDES}
    for sc, res in rep.results.items():
        checks += _matrix_checks(sc, res["matrix"], T)
        for side in SIDES:
            rows = res["values"][side]["rows"]
            checks += _move_checks(sc, side, rows, design, worth[side])
            checks += _play_checks(sc, side, res, T)
    for side in SIDES:
        dead = sorted(k for k, v in worth[side].items() if v == -math.inf)
        checks.append(Check(f"{side}: every move worth playing somewhere", not dead,
                            f"{len(worth[side]) - len(dead)}/{len(worth[side])}",
                            f">= +{T('move_worth_min'):g} pts (2 SE) vs some persona",
                            "never worth it: " + ", ".join(dead) if dead else ""))  # fmt: skip
    return checks
