"""The "why" breakdown in words a newcomer understands: random games of every scenario book no cause
that is jargon ("interaction", a "window"), an id (an underscore, a lever's, move's, event's or
meter's id), and opposite movements are booked apart (a Stargate tranche ending as another starts)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS, check_why

from game import new_game
from game.engine.batch import Batch

JARGON = ("interaction", "window")


def _ids(gd) -> set[str]:
    return {*gd.levers, *(m.id for m in gd.moves), *(e.id for e in gd.events), *gd.meters}


def _bad(cause: str, ids: set[str]) -> str:
    low = cause.lower()
    for word in JARGON:
        if word in low:
            return f"jargon {word!r}"
    if "_" in cause:
        return "an underscore"
    if low in ids:
        return "an id"
    return ""


def _causes_of_random_games(gd, scenario: str, n: int, seed: int) -> dict[str, set[str]]:
    """Cause -> meters, over n random games of `scenario` (every move tried at random)."""
    rng = np.random.default_rng(seed)
    b = Batch(scenario, n, seed, gd)
    n_opts = np.array([len(m.options) for m in gd.moves])
    seen: dict[str, set[str]] = {}
    while not b.done and b.state.q <= b.scenario.end:
        pick = rng.random((n, len(gd.moves))) < 0.3
        choices = np.where(pick, rng.integers(0, 1 << 16, pick.shape) % n_opts, -1)
        _, _, _, ledger = b.step(choices.astype(np.int16))
        for meter, causes in ledger.causes.items():
            for cause, v in causes.items():
                if np.any(np.abs(v) > 1e-12):
                    seen.setdefault(cause, set()).add(meter)
    return seen


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_random_games_book_causes_in_words(gd, scenario):
    seen = _causes_of_random_games(gd, scenario, 400, 7)
    assert len(seen) > 40, sorted(seen)  # the games did move the meters for many reasons
    ids = _ids(gd)
    bad = {c: (_bad(c, ids), sorted(m)) for c, m in seen.items() if _bad(c, ids)}
    assert not bad, bad


def test_every_rest_label_is_in_words(gd):
    ids = _ids(gd)
    for meter in gd.meters.values():
        assert meter.rest and not _bad(meter.rest, ids), (meter.id, meter.rest)


def test_the_check_would_catch_jargon_and_ids(gd):
    ids = _ids(gd)
    assert _bad("interaction", ids) and _bad("start of the four-quarter window", ids)
    assert _bad("Stargate", ids) and _bad("grey_flow", ids)
    assert not _bad("both sides' compute changing together", ids)


# ----------------------------------------------------------------------------- gross, not net


def _stargate_game():
    """Stargate funded in 2025Q1 and again in 2026Q1, when the first tranche's four quarters end."""
    g = new_game(seed=5)
    results = []
    for q in range(6):
        us = ["stargate_tranche"] if q in (0, 4) else []
        r = g.play_turn({"us": us})
        check_why(r)
        results.append(r)
    return g, results


def test_a_tranche_ending_as_another_starts_shows_both():
    g, rs = _stargate_game()
    tranche = g.data.params["stargate_capex_q"]
    first, again = rs[0].why["us_ai_capex"], rs[4].why["us_ai_capex"]
    assert first["new Stargate tranche"] == pytest.approx(tranche)
    assert "a Stargate tranche ending" not in first
    assert again["new Stargate tranche"] == pytest.approx(tranche)
    assert again["a Stargate tranche ending"] == pytest.approx(-tranche)
    for r in rs[1:4]:  # the tranche running: no Stargate cause at all
        assert not any("Stargate" in c for c in r.why["us_ai_capex"]), r.why["us_ai_capex"]


def test_a_tranche_ending_alone_shows_the_ending():
    g = new_game(seed=5)
    rs = [g.play_turn({"us": ["stargate_tranche"] if q == 0 else []}) for q in range(5)]
    tranche = g.data.params["stargate_capex_q"]
    assert rs[4].why["us_ai_capex"]["a Stargate tranche ending"] == pytest.approx(-tranche)
    assert "new Stargate tranche" not in rs[4].why["us_ai_capex"]


def test_revenue_curbs_are_booked_one_by_one():
    """Blocking Chinese users while lifting tariffs shows both, not their net."""
    g = new_game(seed=5)
    g.play_turn({"us": ["tariffs:raised"]})
    r = g.play_turn({"us": ["tariffs:normal", "block_cn_users:on"]})
    check_why(r)
    why = r.why["us_ai_revenue"]
    assert why["US blocking Chinese users"] < 0 < why["tariff retaliation"]
