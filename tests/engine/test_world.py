"""No cliffs, no drift: the mechanisms issue 10 put in place of fade constants and knife edges.

US installs follow money, chips retire by an age hazard, rent ages and follows utilisation, laws
need pushes, and the bubble keeps moving so a burst can come in any year."""

from __future__ import annotations

import numpy as np
import pytest
from moveplans import plan  # tests/engine/moveplans.py

from game.engine.batch import Batch
from game.engine.data import load_data, parse_quarter
from game.engine.domains import PARAMS
from game.engine.model import AGES, LEGACY, rent_utilisation_factor, survival_hazard
from game.engine.plans import HOLD
from game.engine.runner import run

N = 400
SEED = 777


def test_the_fade_constants_are_gone():
    assert "us_growth_decay_q" not in PARAMS and "us_output_growth_q" not in PARAMS
    assert "us_growth_decay_q" not in load_data().params


# ----------------------------------------------------------------------------- retirement


def test_no_vintage_retires_at_once_before_six_years():
    h = survival_hazard(load_data())
    assert len(h) == AGES
    assert (h[:-1] < 0.5).all(), h  # at most a third or so of a vintage goes in one quarter
    assert (np.diff(h[:-1]) >= 0).all()  # older chips fail at least as often
    assert h[-1] == 1.0  # what is left at six years is scrapped


def test_the_legacy_fleet_fades_without_a_cliff():
    """The pre-2023 fleet leaves over several quarters: no quarter takes more than about half of
    what is left (the worst case is an ageing-wave event on an already old fleet), and T8's
    'under a quarter left by 2026Q4' holds with room to spare, not at its edge."""
    gd = load_data()
    b = Batch("long-game", N, SEED, gd)
    start = b.state.stocks[:, LEGACY].sum(axis=1).copy()
    worst = np.zeros(N)
    hold = np.full((N, len(gd.moves)), -1, np.int16)
    left_2026q4 = None
    while b.state.q <= parse_quarter("2028Q4"):
        before = b.state.stocks[:, LEGACY].sum(axis=1).copy()
        b.step(hold)
        after = b.state.stocks[:, LEGACY].sum(axis=1)
        big = before > 0.05 * start  # ignore the scraps of the last vintage
        worst = np.maximum(worst, np.where(big, (before - after) / before, 0.0))
        if b.state.q - 1 == parse_quarter("2026Q4"):
            left_2026q4 = after / start
    assert worst.max() < 0.55, worst.max()
    assert np.median(worst) < 0.5
    assert 0.03 < np.median(left_2026q4) < 0.25


# ----------------------------------------------------------------------------- money


def test_us_installs_follow_money():
    """A Stargate tranche adds capex, and the capex becomes chips over the next quarters: more
    US compute without any output multiplier."""
    gd = load_data()
    assert "stargate_output_boost" not in gd.params
    base = run("2025-deepseek-shock", HOLD, HOLD, N, SEED)
    sg = run("2025-deepseek-shock", plan("us", {"2025Q1": ["stargate_tranche"]}), HOLD, N, SEED)
    extra_capex = sg.meters["us_ai_capex"][1:5].sum(axis=0) - base.meters["us_ai_capex"][1:5].sum(
        axis=0
    )
    # (in a few games the extra capex moves the bubble's dice: compare medians)
    assert np.median(extra_capex) == pytest.approx(4 * gd.params["stargate_capex_q"])
    extra_chips = sg.flows["us_added"][:6].sum(axis=0) - base.flows["us_added"][:6].sum(axis=0)
    # $124B at ~$98k per B300e, most of it delivered within six quarters
    assert 0.6e6 < np.median(extra_chips) < 1.3e6


def test_capex_learns_from_revenue():
    """Capex growth follows the revenue growth firms expect: a revenue shock (blocking Chinese
    users) slows capex a year later, compared on the same dice."""
    base = run("long-game", HOLD, HOLD, N, SEED)
    blocked = run("long-game", plan("us", {"2025Q1": ["block_cn_users:on"]}), HOLD, N, SEED)
    i = 12  # three years on
    assert np.median(blocked.meters["us_ai_revenue"][i]) < np.median(
        base.meters["us_ai_revenue"][i]
    )
    assert np.median(blocked.meters["us_ai_capex"][i]) <= np.median(base.meters["us_ai_capex"][i])


def test_bubble_keeps_moving_and_can_burst_in_any_year():
    gd = load_data()
    j = [e.id for e in gd.events].index("bubble_burst")
    b = Batch("long-game", 1000, SEED, gd)
    hold = np.full((1000, len(gd.moves)), -1, np.int16)
    years = set()
    risk = []
    while not b.state.over.all():
        q = b.state.q
        _, fired, _, _ = b.step(hold)
        risk.append(np.median(b.state.meters["bubble_risk"]))
        if fired[:, j].any():
            years.add(2025 + q // 4)
    assert years >= set(range(2025, 2031)), years
    # risk does not deflate mechanically: its median stays within a band over six years
    assert max(risk) - min(risk) < 20 and min(risk) > 35, risk


# ----------------------------------------------------------------------------- rent


def test_rent_falls_as_chips_age_and_rises_with_utilisation():
    p = load_data().params
    assert rent_utilisation_factor(p, 80.0) > rent_utilisation_factor(p, 30.0) > 0
    tr = run("long-game", HOLD, HOLD, N, SEED)
    rent = np.median(tr.meters["cn_rent_rmb"], axis=1)
    assert rent[-1] < 0.5 * rent[0]  # six years of ageing H100s
    busy = run(
        "long-game",
        HOLD,
        plan("china", {"2025Q1": ["ai_plus:on", "centre_subsidies:off"]}),
        N,
        SEED,
    )
    util = np.median(busy.meters["cn_utilization"][-1]) - np.median(tr.meters["cn_utilization"][-1])
    assert util > 10
    assert np.median(busy.meters["cn_rent_rmb"][-1]) > np.median(tr.meters["cn_rent_rmb"][-1])


# ----------------------------------------------------------------------------- laws


@pytest.fixture(scope="module")
def unpushed():
    gd = load_data()
    b = Batch("long-game", 2000, SEED, gd)
    hold = np.full((2000, len(gd.moves)), -1, np.int16)
    while not b.state.over.all():
        b.step(hold)
    return b.state.lev


def test_laws_do_not_pass_without_pushes(unpushed):
    assert (unpushed["decouple_stage"] >= 3).mean() < 0.02
    assert (unpushed["safe_stage"] >= 3).mean() < 0.03
    assert (unpushed["rasa_stage"] >= 5).mean() < 0.05


def test_pushing_passes_laws():
    gd = load_data()
    b = Batch("long-game", 1000, SEED, gd)
    push = plan("us", {}, every=["rasa_push"])
    while not b.state.over.all():
        b.step(push.choices(gd, b.state.q, 1000))
    assert (b.state.lev["rasa_stage"] >= 5).mean() > 0.3
