"""The outlook (game.engine.outlook via Game.bills / Game.event_odds): bills advance when their
events fire, a sponsor's push raises the odds, every chance is a probability, asking changes
nothing, and a viewer's odds never leak the other side's covert play."""

from __future__ import annotations

import random

import pytest
from conftest import assert_same_snapshot, random_turn, state_snapshot

from game import new_game
from game.engine import rules
from game.engine.outlook import legislative


def _bill(g, track, viewer="us"):
    return next(b for b in g.bills(viewer) if b.track == track)


def test_bills_cover_every_track_in_words():
    g = new_game(seed=1)
    bills = g.bills("us")
    assert [b.track for b in bills] == ["rasa_stage", "safe_stage", "decouple_stage"]
    rasa = bills[0]
    assert rasa.name == "RASA" and rasa.stage_label == rasa.stages[rasa.stage]
    assert rasa.next_event == "rasa_house_vote" and rasa.next_step == "The House passes RASA"
    assert rasa.push_move == "rasa_push" and rasa.sponsor == "us" and not rasa.done
    assert all("_" not in s for b in bills for s in b.stages)


def test_stages_advance_when_their_events_fire():
    g = new_game(seed=2)
    advanced = 0
    while not g.over and not _bill(g, "rasa_stage").done:
        before = _bill(g, "rasa_stage")
        r = g.play_turn({"us": ["rasa_push"]} if "rasa_push" in _ids(g) else {})
        after = _bill(g, "rasa_stage")
        fired = [e.id for e in r.events]
        if before.next_event in fired:
            assert after.stage == before.stage + 1
            assert after.stage_label == before.stages[before.stage + 1]
            advanced += 1
        else:
            assert after.stage == before.stage
    assert advanced >= 3, "RASA barely moved in a game of pushing it"


def _ids(g):
    return {i for m in g.legal_moves("us") for i in m.ids()}


def test_pushing_raises_the_chance_and_every_chance_is_a_probability():
    rnd = random.Random(4)
    g = new_game(seed=4)
    checked = 0
    while not g.over:
        for viewer in ("us", "china", None):
            for b in g.bills(viewer):
                assert 0.0 <= b.chance_if_not <= b.chance_if_pushed <= 1.0, b
                if not b.done:
                    assert b.chance_if_pushed > b.chance_if_not, b
                    checked += 1
            odds = g.event_odds(viewer)
            assert all(0.0 <= e.chance <= 1.0 for e in odds)
            assert [e.chance for e in odds] == sorted((e.chance for e in odds), reverse=True)
        g.play_turn(random_turn(g, rnd))
    assert checked > 10
    assert all(b.chance_if_pushed == 0.0 for b in g.bills("us"))  # the game is over


def test_event_odds_are_the_engines_chances_and_skip_the_bills():
    g = new_game(seed=6)
    g.play_turn({"us": ["rasa_push"], "china": ["ascend_rampup"]})
    odds = {e.event: e for e in g.event_odds(None)}
    gd, st = g.data, g.snapshot().state
    p = rules.event_chances(gd, st)[0]
    for i, ev in enumerate(gd.events):
        if legislative(gd, ev):
            assert ev.id not in odds
        else:
            assert odds[ev.id].chance == pytest.approx(p[i]) and odds[ev.id].headline
    assert "rasa_house_vote" not in odds and "hbm_shortage" in odds


def test_asking_changes_nothing():
    rnd = random.Random(8)
    g = new_game(seed=8)
    for _ in range(5):
        g.play_turn(random_turn(g, rnd))
    snap = state_snapshot(g)
    for viewer in ("us", "china", None):
        g.bills(viewer)
        g.event_odds(viewer)
    assert_same_snapshot(snap, state_snapshot(g))


def test_who_pushed_last_quarter():
    g = new_game(seed=9)
    assert _bill(g, "rasa_stage").pushed_last_quarter == ()
    g.play_turn({"us": ["rasa_push", "safe_chips_push"]})
    assert _bill(g, "rasa_stage", "china").pushed_last_quarter == (
        "Push the Remote Access Security Act",
    )
    assert _bill(g, "safe_stage").pushed_last_quarter == ("Push the SAFE Chips Act",)
    assert _bill(g, "decouple_stage").pushed_last_quarter == ()
    g.play_turn({})
    assert _bill(g, "rasa_stage").pushed_last_quarter == ()


def _scandal(g, viewer):
    return next(e.chance for e in g.event_odds(viewer) if e.event == "smuggling_scandal")


def test_odds_do_not_leak_covert_play():
    """While China's grey-market push is hidden from the US, the US sees the scandal's odds of a
    game without it; China and the referee see the push."""
    for seed in range(20):  # a game where the push stays hidden after its quarter
        covert, plain = new_game(seed=seed), new_game(seed=seed)
        covert.play_turn({"china": ["grey_market:on"]})
        plain.play_turn({})
        if "grey" in covert.hidden_levers("us"):
            break
    assert "grey" in covert.hidden_levers("us")
    assert _scandal(covert, "us") == _scandal(plain, "us") == _scandal(plain, None)
    assert _scandal(covert, "china") == _scandal(covert, None) > _scandal(covert, "us")
    us_view = [(e.event, e.chance) for e in covert.event_odds("us")]
    assert us_view == [(e.event, e.chance) for e in plain.event_odds("us")]


def test_exposed_covert_play_shows_in_the_odds():
    for seed in range(200):
        g = new_game(seed=seed)
        g.play_turn({"china": ["grey_market:on"]})
        for _ in range(8):
            if "grey" not in g.hidden_levers("us"):
                break
            g.play_turn({})
        if "grey" not in g.hidden_levers("us"):
            assert _scandal(g, "us") == _scandal(g, None)
            return
    pytest.fail("the grey-market push was never exposed in 200 games")
