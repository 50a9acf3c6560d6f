"""The design lab (`g2 balance`): the targets file, the measurements' arithmetic, the fixed-plan
agents, the opposing mix, the report and the command line. Everything here is fast except the one
full CLI run at 30 games per arm (marked slow)."""

from __future__ import annotations

import io
import json
import math
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from game import new_game
from game.ai.base import Hold, observe
from game.analysis import tournament as tmod
from game.analysis.balance import (
    RESULT_OF,
    Check,
    PlanTable,
    Report,
    Rotation,
    load_design,
    neighbours,
    outcome,
    paired,
    play,
    random_plans,
    side_moves,
    starting_stances,
    variance_split,
)
from game.analysis.balance_report import report_json, report_text
from game.cli import main
from game.engine.batch import Batch
from game.engine.data import capital_lever, data_dir, load_data
from game.engine.yamlsrc import DataError

SCENARIO = "2025-deepseek-shock"
DESIGN = data_dir() / "design.yaml"


# ----------------------------------------------------------------------------- the targets file


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = DESIGN.read_text(encoding="utf-8")
    assert old in text, f"data/design.yaml no longer has {old!r}"
    path = tmp_path / "design.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, path.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, x in enumerate(text.splitlines(), 1) if needle in x)


def test_the_shipped_design_file_loads():
    d = load_design()
    assert d.value("choices_share_min") > 0 and d.targets["choices_share_min"][1]
    assert d.run["games"] >= 3 and "trade" in d.groups["us"]


def test_a_missing_target_names_the_file_and_the_field(tmp_path):
    text = DESIGN.read_text(encoding="utf-8")
    block = re.search(r"  dice_share_max:\n(    .*\n)+", text).group(0)
    path, _ = _broken(tmp_path, block, "")
    with pytest.raises(DataError) as exc:
        load_design(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}:") and "targets.dice_share_max" in msg and "missing" in msg


def test_a_value_that_is_not_a_number_names_its_line(tmp_path):
    path, text = _broken(
        tmp_path, "  choices_share_min:\n    value: 0.50", "  choices_share_min:\n    value: half"
    )
    with pytest.raises(DataError) as exc:
        load_design(path)
    line = _line_of(text, "value: half")
    assert f"{path}:{line}: field 'targets.choices_share_min.value'" in str(exc.value)
    assert "expected a number" in str(exc.value)


def test_an_unknown_move_in_a_group_says_did_you_mean(tmp_path):
    path, text = _broken(tmp_path, "industry: [stargate_tranche,", "industry: [stargate_tranch,")
    with pytest.raises(DataError) as exc:
        load_design(path)
    msg = str(exc.value)
    assert f"{path}:{_line_of(text, 'stargate_tranch,')}:" in msg
    assert "groups.us.industry[0]" in msg and "did you mean 'stargate_tranche'" in msg


def test_an_unknown_field_says_did_you_mean(tmp_path):
    path, text = _broken(tmp_path, "  refine_rounds:", "  refine_round:")
    with pytest.raises(DataError) as exc:
        load_design(path)
    msg = str(exc.value)
    assert f"{path}:{_line_of(text, 'refine_round:')}: field 'run.refine_round'" in msg
    assert "did you mean 'refine_rounds'" in msg


# ----------------------------------------------------------------------------- arithmetic


def test_variance_split_pure_dice_and_pure_choices():
    dice = np.tile(np.array([1.0, 5.0, -2.0, 7.0]), (3, 1))  # every pairing sees the same games
    s = variance_split(dice)
    assert s["dice"] == pytest.approx(1) and s["choices"] == pytest.approx(0)
    assert s["interaction"] == pytest.approx(0, abs=1e-12)
    choices = np.tile(np.array([[2.0], [-1.0], [4.0]]), (1, 5))  # each pairing: one score
    s = variance_split(choices)
    assert s["choices"] == pytest.approx(1) and s["dice"] == pytest.approx(0)


def test_variance_split_known_mixed_examples():
    # x = [[0, 0], [0, 4]]: mean 1; pairing means 0, 2 and game means 0, 2 -> 1 each; total 3
    s = variance_split(np.array([[0.0, 0.0], [0.0, 4.0]]))
    assert (s["choices"], s["dice"], s["interaction"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert s["total"] == pytest.approx(3)
    s = variance_split(np.array([[0.0, 2.0], [2.0, 0.0]]))  # pure interaction
    assert s["interaction"] == pytest.approx(1) and s["choices"] == pytest.approx(0)
    assert variance_split(np.full((2, 3), 7.0))["total"] == 0


def test_paired_mean_and_standard_error():
    d, se = paired(np.array([3, 5, 4, 8]), np.array([1, 2, 2, 3]))  # differences 2, 3, 2, 5
    assert d == pytest.approx(3) and se == pytest.approx(math.sqrt(2 / 4))
    d, se = paired(np.array([1.0, 2, 3, 4]), np.zeros(4))
    assert d == pytest.approx(2.5) and se == pytest.approx(math.sqrt((5 / 3) / 4))
    assert math.isnan(paired(np.array([1.0]), np.array([0.0]))[1])


# ----------------------------------------------------------------------------- fixed plans


def _two_programmes(gd):
    """Two US programmes legal at the start with different costs: (dear, cheap)."""
    g = new_game(SCENARIO, seed=1)
    progs = sorted((m.cost, m.id) for m in g.legal_moves("us") if not m.options)
    (c_cheap, cheap), (c_dear, dear) = progs[0], progs[-1]
    assert c_dear > c_cheap > 0
    return (dear, c_dear), (cheap, c_cheap)


def _played(gd, row) -> set[str]:
    return {gd.moves[j].id for j in np.flatnonzero(row >= 0)}


def test_plan_table_plays_in_order_and_skips_what_it_cannot_afford():
    gd = load_data()
    (a, ca), (b, cb) = _two_programmes(gd)
    obs = observe(Batch(SCENARIO, 4, 1, gd), "us")
    cap = np.array([ca, ca + cb, cb, 0.0])
    obs = replace(obs, meters={**obs.meters, capital_lever("us"): cap})
    ab = PlanTable("us", gd, [((a, b),)], 4).act(obs, None)
    assert [_played(gd, r) for r in ab] == [{a}, {a, b}, {b}, set()]
    ba = PlanTable("us", gd, [((b, a),)], 4).act(obs, None)
    assert _played(gd, ba[0]) == {b}  # the first in the list gets the capital


def test_plan_table_cycles_blocks_and_once():
    gd = load_data()
    (a, _), (b, _) = _two_programmes(gd)
    batch = Batch(SCENARIO, 4, 1, gd)
    cycle = PlanTable("us", gd, [((a,), (b,)), ((b,),)], block=2)
    once = PlanTable("us", gd, [((a,),)], 4, once=True)
    first = cycle.act(observe(batch, "us"), None)
    assert [_played(gd, r) for r in first] == [{a}, {a}, {b}, {b}]
    assert all(_played(gd, r) == {a} for r in once.act(observe(batch, "us"), None))
    batch.step(batch.no_moves())
    second = cycle.act(observe(batch, "us"), None)
    assert [_played(gd, r) for r in second] == [{b}, {b}, {b}, {b}]
    assert all(_played(gd, r) == set() for r in once.act(observe(batch, "us"), None))


def _valid(plan, cands) -> bool:
    if not 1 <= len(plan) <= 4:
        return False
    for moves in plan:
        ids = [m.partition(":")[0] for m in moves]
        if not 1 <= len(moves) <= 4 or len(set(ids)) != len(ids) or not set(moves) <= set(cands):
            return False
    return True


def test_random_plans_and_neighbours_are_distinct_and_valid():
    gd = load_data()
    cands = side_moves(gd, "china", starting_stances(gd, SCENARIO))
    plans = random_plans(cands, 60, np.random.default_rng(3))
    assert len(plans) == 60 and len(set(plans)) == 60
    assert all(_valid(p, cands) for p in plans)
    assert any(len(p) == 1 for p in plans) and any(len(p) > 1 for p in plans)
    PlanTable("china", gd, plans, 3)  # every move parses
    for plan in plans[:10]:
        near = neighbours(plan, cands)
        assert near and len(set(near)) == len(near) and plan not in near
        for p in near:
            assert _valid(p, cands) and len(p) == len(plan)
            assert sum(x != y for x, y in zip(p, plan, strict=True)) == 1


# ----------------------------------------------------------------------------- the opposing mix


def test_rotation_gives_game_i_the_persona_i_mod_3():
    gd = load_data()
    (a, _), (b, _) = _two_programmes(gd)
    legal = new_game(SCENARIO, seed=1).legal_moves("us")
    c = next(m.id for m in legal if not m.options and m.id not in (a, b))
    agents = [PlanTable("us", gd, [((x,),)], 99) for x in (a, b, c)]
    mix = Rotation("us", agents)
    out = mix.act(observe(Batch(SCENARIO, 7, 1, gd), "us"), None)
    assert [_played(gd, r) for r in out] == [{[a, b, c][i % 3]} for i in range(7)]
    shifted = mix.act(observe(Batch(SCENARIO, 3, 1, gd, offset=4), "us"), None)
    assert [_played(gd, r) for r in shifted] == [{b}, {c}, {a}]  # games 4, 5, 6 of the run


def test_outcome_is_one_sides_view_of_a_run():
    gd = load_data()
    tr = play(gd, SCENARIO, Hold("us"), Hold("china"), 9, 2)
    us, cn = outcome(tr, "us"), outcome(tr, "china")
    assert list(us.who) == [i % 3 for i in range(9)]
    np.testing.assert_array_equal(us.win, tr.result == RESULT_OF["us"])
    np.testing.assert_allclose(us.score, -cn.score)
    assert us.subset(1).win.shape == (3,)
    assert np.all(us.early <= us.win)


# ----------------------------------------------------------------------------- report and JSON


def _report() -> Report:
    rep = Report([SCENARIO], 3, 1)
    rep.results[SCENARIO] = {"nan": float("nan"), "plan": (("a", "b"),), "x": np.float64(2.5)}
    rep.checks = [Check("one", True, "1", ">= 0"), Check("two", False, "nan", ">= 1", "why")]
    return rep


def test_report_json_is_plain_json():
    js = report_json(_report())
    text = json.dumps(js, allow_nan=False)
    back = json.loads(text)
    assert back["results"][SCENARIO] == {"nan": None, "plan": [["a", "b"]], "x": 2.5}
    assert back["passed"] is False and back["failed"] == 1
    assert back["checks"][1] == {
        "name": "two",
        "passed": False,
        "value": "nan",
        "target": ">= 1",
        "note": "why",
    }


@pytest.mark.slow
def test_tournament_can_add_each_sides_best_fixed_plan():
    res = tmod.tournament(SCENARIO, games=30, planner_games=0, seed=2, fixed_plan_games=30)
    rows = {c["us"] for c in res["cells"]}
    cols = {c["china"] for c in res["cells"]}
    assert tmod.FIXED in rows and tmod.FIXED in cols
    fp = res["fixed_plans"]
    for side in ("us", "china"):
        assert fp[side]["persona"] == tmod.best_persona(res["cells"], side)
        assert fp[side]["beats_best_everywhere"] == (fp[side]["worst_margin"] > 0)
    names = [v["name"] for v in res["verdict"]]
    assert "best fixed plan beats the best persona everywhere" in names
    assert res["passed"] == all(v["passed"] is not False for v in res["verdict"])
    text = tmod.verdict_text(res)
    assert text.splitlines()[-1].startswith("balance: PASS" if res["passed"] else "balance: FAIL")
    assert tmod.FIXED in tmod.matrix_text(res)


# ----------------------------------------------------------------------------- the command line


def _cli(capsys, *argv):
    code = main(["balance", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scenario", "2025-deepseek-shok"], "did you mean '2025-deepseek-shock'"),
        (["--games", "0"], "--games must be at least 1"),
        (["--games", "-4"], "--games must be at least 1"),
        (["--seed", "-1"], "--seed must be a whole number"),
        (["--scenario", "no-such-file.yaml"], "no-such-file.yaml: field '<file>': file not found"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = _cli(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_malformed_design_file_exits_2_naming_file_line_and_field(tmp_path, capsys):
    path, text = _broken(tmp_path, "  seed: 11", "  seed: eleven")
    code, _, err = _cli(capsys, "--design", str(path), "--scenario", SCENARIO)
    assert code == 2
    assert f"{path}:{_line_of(text, 'seed: eleven')}: field 'run.seed'" in err


def _run30():
    """`g2 balance --games 30 --scenario 2025-deepseek-shock` (~7 s): its exit status, stdout,
    stderr and the Report it printed."""
    import game.analysis.balance as bal

    seen = []
    real = bal.balance

    def keep(*args, **kw):
        seen.append(real(*args, **kw))
        return seen[-1]

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bal, "balance", keep)
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["balance", "--games", "30", "--scenario", SCENARIO])
    return code, out.getvalue(), err.getvalue(), seen[0]


def _check_report(code: int, out: str, err: str, rep: Report) -> None:
    assert code == (0 if rep.passed else 1)
    assert out.strip() == report_text(rep)
    for head in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "VERDICT"):
        assert head in out
    last = out.strip().splitlines()[-1]
    if code == 0:
        assert last == "balance: PASS"
    else:
        failed = sum(not c.passed for c in rep.checks)
        assert last == f"balance: FAIL ({failed} of {len(rep.checks)} targets failed)"
    verdict = out.split("VERDICT\n", 1)[1].strip().splitlines()[:-1]
    assert [x[:4] for x in verdict if x] == ["PASS" if c.passed else "FAIL" for c in rep.checks]
    for c in rep.checks:
        assert c.name in out
    lines = err.strip().splitlines()
    assert lines and all(re.match(rf"\[\s*\d+s\] {SCENARIO}: ", x) for x in lines)
    assert any("us move values" in x for x in lines)


def _check_move_values_sorted(text: str, rep: Report) -> None:
    """The US move values: one row per arm, best first against the mix, '(once)' marked."""
    block = text.split("the US (hold wins", 1)[1].split("China (hold wins", 1)[0]
    rows = block.split("\n  ---", 1)[1].strip().splitlines()[1:]
    mix = [float(re.match(r"\s*\S+(?: \(once\))?\s+([+-]\d+\.\d) ±", x).group(1)) for x in rows]
    us_rows = rep.results[SCENARIO]["values"]["us"]["rows"]
    assert len(mix) == len(us_rows)
    assert mix == sorted(mix, reverse=True)
    assert sum("(once)" in x for x in rows) == sum(r["once"] for r in us_rows)


def _check_json(capsys, monkeypatch, rep: Report) -> None:
    import game.analysis.balance as bal

    monkeypatch.setattr(bal, "balance", lambda *a, **k: rep)  # the CLI's --json path, same report
    code, out, _ = _cli(capsys, "--games", "30", "--scenario", SCENARIO, "--json")
    assert code == (0 if rep.passed else 1)
    js = json.loads(out)
    assert js == json.loads(json.dumps(report_json(rep), allow_nan=False))
    assert js["scenarios"] == [SCENARIO] and len(js["checks"]) == len(rep.checks)
    assert set(js["results"][SCENARIO]) >= {"matrix", "values", "agency", "plans", "planner"}
    assert js["failed"] == sum(not c.passed for c in rep.checks)


@pytest.mark.slow
def test_balance_at_30_games_report_verdict_and_json(capsys, monkeypatch):
    """One real run (so the file stays fast under xdist), checked three ways."""
    code, out, err, rep = _run30()
    _check_report(code, out, err, rep)
    _check_move_values_sorted(out, rep)
    _check_json(capsys, monkeypatch, rep)
