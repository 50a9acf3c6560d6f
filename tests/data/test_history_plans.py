"""History plans: per-move citations in plan files, `history: true` requiring them, and the
2025-26 backtest plans (data/plans/us-history.yaml, china-history.yaml) loading and playing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from game.analysis.validate import validate_file
from game.engine.api import Batch
from game.engine.data import parse_quarter
from game.engine.plans import load_plan, resolve_plan
from game.engine.runner import plan_policy
from game.engine.yamlsrc import DataError

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "data" / "plans"
HISTORY = {"us": PLANS / "us-history.yaml", "china": PLANS / "china-history.yaml"}
BACKTEST = "2025-backtest"
OUTLET_DATE = re.compile(r"[^:]*\b20\d\d\b[^:]*: \S")


def _plan(tmp_path: Path, body: str, name: str = "plan.yaml") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def _error(path: Path, gd) -> DataError:
    """The one error loading `path` gives, checked to be the same through `g2 validate`."""
    with pytest.raises(DataError) as exc:
        load_plan(path, gd)
    assert validate_file(path) == [str(exc.value)]
    assert "\n" not in str(exc.value)
    return exc.value


# ----------------------------------------------------------------------------- the real plans


@pytest.mark.parametrize("side", ["us", "china"])
def test_history_plans_load_and_cite_every_move(side, gd):
    plan = load_plan(HISTORY[side], gd, side, gd.scenarios[BACKTEST])
    assert plan.history and plan.side == side and plan.description and plan.assumption
    moves = [(q, j) for q, mv in plan.by_quarter.items() for j, _ in mv]
    assert len(moves) >= 6
    assert set(plan.citations) == set(moves)  # every move cited, and nothing else
    for key, text in plan.notes.items():
        cite = plan.citations[key]
        assert cite.sources or cite.assumption
        assert all(s in gd.figures for s in cite.sources)
        assert text and cite.line
        # an assumption opens with who reported it and when: "outlet, date: what happened"
        assert not cite.assumption or OUTLET_DATE.match(cite.assumption), cite.assumption
    assert min(plan.by_quarter) == parse_quarter("2025Q1")
    assert resolve_plan(f"{side}-history", gd, side).citations.keys() == plan.citations.keys()


def test_history_plans_key_moves(gd):
    us = load_plan(HISTORY["us"], gd, "us")
    cn = load_plan(HISTORY["china"], gd, "china")

    def played(plan, quarter):
        out = []
        for j, k in plan.by_quarter.get(parse_quarter(quarter), []):
            m = gd.moves[j]
            out.append(f"{m.id}:{m.options[k].name}" if m.has_options else m.id)
        return out

    assert "h20_controls:tightened" in played(us, "2025Q2")
    assert "diffusion_rule:rescinded" in played(us, "2025Q2")
    assert {"h20_controls:allowed", "export_fee:fee_15"} <= set(played(us, "2025Q3"))
    assert {"h200_exports:case_by_case", "export_fee:fee_25"} <= set(played(us, "2026Q1"))
    assert "h200_imports:discouraged" in played(cn, "2025Q3")
    assert "h200_imports:ban" in played(cn, "2025Q4")
    assert "h200_imports:approved_buyers" in played(cn, "2026Q1")
    j = gd.move_index["h200_exports"]
    assert "s002.h200_rule_effective" in us.citations[(parse_quarter("2026Q1"), j)].sources


def test_history_plans_are_played(gd):
    """Through the engine, as `g2 sim` plays them: every planned move is taken in most games, and
    at the end of 2026Q1 the H200 is under case-by-case review and Beijing approves buyers."""
    sc = gd.scenarios[BACKTEST]
    plans = {s: load_plan(HISTORY[s], gd, s, sc) for s in HISTORY}
    policies = {s: plan_policy(p, s, gd) for s, p in plans.items()}
    batch = Batch(BACKTEST, 40, 7, gd)
    while batch.state.q <= parse_quarter("2026Q1"):
        q = batch.state.q
        taken, *_ = batch.step(np.maximum(policies["us"](batch), policies["china"](batch)))
        for side, plan in plans.items():
            for j, _ in plan.by_quarter.get(q, []):
                assert taken[:, j].mean() >= 0.75, (side, q, gd.moves[j].id)
    lev, levers = batch.state.lev, gd.levers
    us = lev["h200_exports"] == levers["h200_exports"].value_of("case_by_case")
    cn = lev["cn_imports"] == levers["cn_imports"].value_of("approved_buyers")
    assert us.mean() >= 0.9 and cn.mean() >= 0.9
    assert (lev["diffusion_rule"] == levers["diffusion_rule"].value_of("rescinded")).all()
    # the backtest scenario's inject: the House passed RASA in January 2026
    assert (lev["rasa_stage"] >= levers["rasa_stage"].value_of("passed_house")).all()


# ----------------------------------------------------------------------------- the format

HEAD = "name: test plan\nside: us\n"


def test_plain_string_plans_still_load(tmp_path, gd):
    p = _plan(tmp_path, HEAD + "quarters:\n  2026Q1: [h200_exports:case_by_case, rasa_push]\n")
    plan = load_plan(p, gd)
    assert not plan.history and not plan.citations and plan.notes == {}
    assert len(plan.by_quarter[parse_quarter("2026Q1")]) == 2


def test_mixed_items_and_top_level_sources(tmp_path, gd):
    body = (
        HEAD
        + "description: a test\nsources: [s002.h200_rule_effective]\n"
        + 'assumption: "game-design test"\nquarters:\n  2026Q1:\n    - rasa_push\n'
        + "    - move: h200_exports:case_by_case\n      source: s002.h200_rule_effective\n"
        + '  2026Q2:\n    move: summit\n    assumption: "AP, 13 May 2026: a summit"\n'
    )
    plan = load_plan(_plan(tmp_path, body), gd)
    assert plan.sources == ("s002.h200_rule_effective",) and plan.description == "a test"
    q1, q2 = parse_quarter("2026Q1"), parse_quarter("2026Q2")
    cite = plan.citations[(q1, gd.move_index["h200_exports"])]
    assert cite.sources == ("s002.h200_rule_effective",) and cite.line == 9
    assert plan.notes[(q2, gd.move_index["summit"])] == "AP, 13 May 2026: a summit"
    assert (q1, gd.move_index["rasa_push"]) not in plan.citations


BREAKS = [
    # (name, body after `quarters:`, line, field, words in the problem)
    (
        "uncited move in a history plan",
        '  2026Q1:\n    - move: summit\n      assumption: "AP, 2026: x"\n    - rasa_push\n',
        8,
        "quarters.2026Q1[1]",
        ["history plan", "rasa_push", "source"],
    ),
    (
        "unknown key",
        "  2026Q1:\n    - move: summit\n      sorce: s002.trump_china_visit\n",
        7,
        "quarters.2026Q1[0].sorce",
        ["unknown field", "did you mean 'source'"],
    ),
    (
        "unknown source id",
        "  2026Q1:\n    - move: summit\n      source: s002.trump_china_vist\n",
        7,
        "quarters.2026Q1[0].source",
        ["unknown source figure", "did you mean 's002.trump_china_visit'"],
    ),
    (
        "unknown source id in a list",
        "  2026Q1:\n    - move: summit\n      source:\n        - s002.trump_china_visit\n"
        "        - s009.nothing\n",
        9,
        "quarters.2026Q1[0].source[1]",
        ["unknown source figure", "s009.nothing"],
    ),
    (
        "no citation in the mapping",
        "  2026Q1:\n    - move: summit\n",
        6,
        "quarters.2026Q1[0]",
        ["needs `source`", "assumption"],
    ),
    (
        "empty assumption",
        '  2026Q1:\n    - move: summit\n      assumption: ""\n',
        7,
        "quarters.2026Q1[0].assumption",
        ["outlet, date"],
    ),
    (
        "no move in the mapping",
        "  2026Q1:\n    - source: s002.trump_china_visit\n",
        6,
        "quarters.2026Q1[0].move",
        ["missing"],
    ),
    (
        "bad move in the mapping",
        "  2026Q1:\n    - move: sumit\n      source: s002.trump_china_visit\n",
        6,
        "quarters.2026Q1[0].move",
        ["unknown move", "did you mean 'summit'"],
    ),
]


@pytest.mark.parametrize("name,body,line,field,words", BREAKS, ids=[b[0] for b in BREAKS])
def test_broken_citations_name_file_line_and_field(tmp_path, gd, name, body, line, field, words):
    p = _plan(tmp_path, HEAD + "history: true\nquarters:\n" + body)
    err = _error(p, gd)
    assert (err.path, err.line, err.field) == (str(p), line, field), str(err)
    assert str(err).startswith(f"{p}:{line}: field '{field}': ")
    for w in words:
        assert w in err.problem, f"{name}: {err.problem!r} does not mention {w!r}"


def test_history_flag_and_top_level_sources_are_checked(tmp_path, gd):
    err = _error(_plan(tmp_path, HEAD + "history: yes please\nquarters: {}\n"), gd)
    assert (err.line, err.field) == (3, "history")
    err = _error(_plan(tmp_path, HEAD + "sources: [s002.rasa_house_pas]\nquarters: {}\n"), gd)
    assert (err.line, err.field) == (3, "sources[0]")
    assert "did you mean 's002.rasa_house_pass'" in err.problem
    # `every:` moves of a history plan need a citation too
    err = _error(_plan(tmp_path, HEAD + "history: true\nevery: [rasa_push]\nquarters: {}\n"), gd)
    assert (err.line, err.field) == (4, "every[0]")
