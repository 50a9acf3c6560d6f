"""The brief's direction checks. Each compares the median of a batch against a control batch run
with the same seed: the engine draws a fixed block of random numbers per quarter whatever the
moves, so the two batches share their luck (common random numbers) and differ only by the policy."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from moveplans import plan  # tests/engine/moveplans.py

from game.engine.data import load_data, parse_quarter
from game.engine.plans import HOLD
from game.engine.runner import Trace, run

N = 300
SEED = 12345
BASE = "2025-deepseek-shock"


def at(tr: Trace, meter: str, quarter: str) -> np.ndarray:
    """Every game's meter after `quarter` was played."""
    return tr.meters[meter][tr.index(parse_quarter(quarter)) + 1]


def med(tr: Trace, meter: str, quarter: str) -> float:
    return float(np.median(at(tr, meter, quarter)))


def flow_sum(tr: Trace, flow: str, start: str, end: str) -> np.ndarray:
    a, b = tr.index(parse_quarter(start)), tr.index(parse_quarter(end))
    return tr.flows[flow][a : b + 1].sum(axis=0)


@pytest.fixture(scope="module")
def control() -> Trace:
    return run(BASE, HOLD, HOLD, N, SEED)


# ----------------------------------------------------------------------------- RASA


def test_common_random_numbers(control):
    """The premise of every check here: the same seed and moves give the same batch."""
    again = run(BASE, HOLD, HOLD, N, SEED)
    np.testing.assert_array_equal(again.meters["cn_compute"], control.meters["cn_compute"])


def test_rasa_in_force_cuts_chinas_cloud_channel(control):
    rasa = run("calib-full-ban", HOLD, HOLD, N, SEED)
    # identical until the rules take effect in 2026Q2 ...
    np.testing.assert_allclose(
        at(rasa, "cn_cloud_compute", "2026Q1"), at(control, "cn_cloud_compute", "2026Q1")
    )
    # ... then the cloud channel is cut, and stays cut
    for q in ("2026Q2", "2026Q4", "2028Q4"):
        assert med(rasa, "cn_cloud_compute", q) < med(control, "cn_cloud_compute", q), q
    assert med(rasa, "cn_cloud_compute", "2026Q4") < 0.5 * med(
        control, "cn_cloud_compute", "2026Q4"
    )
    assert med(rasa, "cn_compute", "2026Q4") < med(control, "cn_compute", "2026Q4")
    assert np.median(flow_sum(rasa, "cn_added", "2026Q2", "2026Q4")) < np.median(
        flow_sum(control, "cn_added", "2026Q2", "2026Q4")
    )


def _scenario_with(levers: dict, sid: str):
    """A copy of the game data with a variant of the base scenario (a scenario dict, not a file)."""
    gd = load_data()
    base = gd.scenarios[BASE]
    sc = dataclasses.replace(base, id=sid, levers={**base.levers, **levers})
    return dataclasses.replace(gd, scenarios={**gd.scenarios, sid: sc})


def test_rasa_likelihood_alone_chills_the_cloud(control):
    """RASA past the House but nowhere near in force: clouds start dropping Chinese clients."""
    gd = _scenario_with({"rasa_stage": 1.0}, "rasa-passed-house")
    house = run("rasa-passed-house", HOLD, HOLD, N, SEED, data=gd)
    assert (house.meters["cn_cloud_compute"][:6] < 5).sum() == 0  # not a cut-off: a chill
    for q in ("2025Q1", "2025Q2", "2025Q4"):
        assert med(house, "cn_cloud_compute", q) < med(control, "cn_cloud_compute", q), q
    # paired game by game: never more cloud than the control (where the House may also pass
    # RASA in the first quarter), and less in most games
    h, c = at(house, "cn_cloud_compute", "2025Q1"), at(control, "cn_cloud_compute", "2025Q1")
    assert np.all(h <= c + 1e-6)
    assert np.mean(h < c) > 0.5
    assert med(house, "cloud_cost_ratio", "2025Q1") > med(control, "cloud_cost_ratio", "2025Q1")


def test_rasa_passed_house_chills_the_2026_cloud():
    """The 2026 scenario opens with RASA through the House; the same start in committee chills less."""
    gd = load_data()
    thaw = gd.scenarios["2026-h200-thaw"]
    assert thaw.levers["rasa_stage"] == 1.0  # passed_house
    sc = dataclasses.replace(
        thaw, id="thaw-in-committee", levers={**thaw.levers, "rasa_stage": 0.0}
    )
    gd2 = dataclasses.replace(gd, scenarios={**gd.scenarios, sc.id: sc})
    house = run(thaw.id, HOLD, HOLD, N, SEED, data=gd2)
    committee = run(sc.id, HOLD, HOLD, N, SEED, data=gd2)
    for q in ("2026Q1", "2026Q2", "2026Q4"):
        assert med(house, "cn_cloud_compute", q) < med(committee, "cn_cloud_compute", q), q


def test_chill_grows_with_the_stage():
    clouds = []
    for stage in (0.0, 1.0, 3.0):
        sid = f"rasa-stage-{int(stage)}"
        tr = run(sid, HOLD, HOLD, N, SEED, data=_scenario_with({"rasa_stage": stage}, sid), until=0)
        clouds.append(med(tr, "cn_cloud_compute", "2025Q1"))
    assert clouds[0] > clouds[1] > clouds[2]


# ----------------------------------------------------------------------------- H200, users


def test_h200_open_raises_nvidia_share_and_lockin_lowers_huawei(control):
    h200 = run(BASE, plan("us", {"2025Q1": ["h200_exports:open"]}), HOLD, N, SEED)
    for q in ("2025Q4", "2026Q4", "2028Q4"):
        assert med(h200, "nvidia_cn_share", q) > med(control, "nvidia_cn_share", q), q
        assert med(h200, "cuda_lockin", q) > med(control, "cuda_lockin", q), q
        assert med(h200, "huawei_cn_share", q) < med(control, "huawei_cn_share", q), q
    assert np.median(flow_sum(h200, "imports", "2025Q1", "2025Q4")) > np.median(
        flow_sum(control, "imports", "2025Q1", "2025Q4")
    )


def test_case_by_case_lies_between_deny_and_open(control):
    cbc = run(BASE, plan("us", {"2025Q1": ["h200_exports:case_by_case"]}), HOLD, N, SEED)
    opn = run(BASE, plan("us", {"2025Q1": ["h200_exports:open"]}), HOLD, N, SEED)
    vals = [med(t, "nvidia_cn_share", "2026Q4") for t in (control, cbc, opn)]
    assert vals[0] < vals[1] < vals[2]


def test_blocking_chinese_users_costs_revenue_and_raises_bubble_risk(control):
    block = run(BASE, plan("us", {"2025Q1": ["block_cn_users:on"]}), HOLD, N, SEED)
    for q in ("2025Q2", "2025Q4", "2026Q4"):
        assert med(block, "us_ai_revenue", q) < med(control, "us_ai_revenue", q), q
        assert med(block, "bubble_risk", q) > med(control, "bubble_risk", q), q
    assert med(block, "cn_global_app_share", "2026Q4") > med(
        control, "cn_global_app_share", "2026Q4"
    )


# ----------------------------------------------------------------------------- Ascend


def test_ascend_rampup_raises_huawei_share_with_diminishing_returns():
    outputs, shares = [], []
    for k in range(4):  # 0, 1, 2, 3 orders, one a quarter from 2025Q1
        cn = plan("china", {f"2025Q{i + 1}": ["ascend_rampup"] for i in range(k)})
        tr = run(BASE, HOLD, cn, N, SEED)
        outputs.append(float(np.median(flow_sum(tr, "huawei_out", "2027Q1", "2027Q4"))))
        shares.append(med(tr, "huawei_cn_share", "2027Q4"))
    gains = np.diff(outputs)
    assert np.all(gains > 0), outputs
    assert gains[1] < gains[0], f"the second order adds as much as the first: {outputs}"
    assert gains[2] < gains[1], outputs
    assert shares[0] < shares[1] < shares[2] < shares[3], shares
    assert np.all(np.diff(np.diff(shares)) < 0), shares


# ----------------------------------------------------------------------------- centres


def _capture(store: dict):
    """A no-move US policy that keeps a reference to the batch (to read its hidden state)."""

    def policy(batch):
        store["batch"] = batch
        return batch.no_moves()

    return policy


def test_centre_subsidies_add_capacity_but_lower_utilisation():
    results = {}
    for name, cn in (("on", HOLD), ("off", plan("china", {"2025Q1": ["centre_subsidies:off"]}))):
        store: dict = {}
        tr = run(BASE, _capture(store), cn, N, SEED, until=parse_quarter("2026Q4"))
        results[name] = (store["batch"].state.s["centre_capacity"], tr)
    cap_on, on = results["on"]
    cap_off, off = results["off"]
    assert np.median(cap_on) > np.median(cap_off)
    for q in ("2025Q4", "2026Q4"):
        assert med(on, "cn_utilization", q) < med(off, "cn_utilization", q), q
        assert med(on, "cn_rent_rmb", q) < med(off, "cn_rent_rmb", q), q


# ----------------------------------------------------------------------------- China's worst case


def test_refusing_h200_while_rasa_passes_is_chinas_worst_case():
    us = plan("us", {"2026Q1": ["h200_exports:case_by_case"]})
    refuse = plan("china", {"2026Q1": ["h200_imports:ban"]})
    combos = {}
    for rasa, scenario in (("no RASA", BASE), ("RASA in force", "calib-full-ban")):
        for stance, cn in (("buy", HOLD), ("refuse", refuse)):
            tr = run(scenario, us, cn, N, SEED)
            combos[(stance, rasa)] = (
                med(tr, "cn_compute", "2026Q4"),
                med(tr, "cn_compute", "2028Q4"),
                float(np.median(flow_sum(tr, "cn_added", "2026Q1", "2026Q4"))),
            )
    worst = ("refuse", "RASA in force")
    for i, what in enumerate(("cn_compute 2026Q4", "cn_compute 2028Q4", "added in 2026")):
        lowest = min(combos, key=lambda c: combos[c][i])
        assert lowest == worst, f"{what}: lowest is {lowest}: {combos}"
    # refusing hurts more when the cloud is also cut
    assert combos[("refuse", "RASA in force")][0] < combos[("refuse", "no RASA")][0]
