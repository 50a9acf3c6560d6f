"""The public game API: new games, legal moves, turns, illegal moves, the end, observations, clones, why."""

from __future__ import annotations

import math
import random

import pytest
from conftest import (
    CAPITAL,
    SCENARIOS,
    assert_same_snapshot,
    check_why,
    random_turn,
    state_snapshot,
)

import game
from game import load_game, new_game
from game.engine import model
from game.engine.api import DEFAULT_SCENARIO, IllegalMove, Move, TurnResult, favours, lead_text
from game.engine.data import load_data, quarter_name

REGEN = load_data().params["capital_regen"]  # political capital regained each quarter

# ----------------------------------------------------------------------------- new games


def test_public_api_exports():
    assert game.new_game is new_game
    assert game.load_game is load_game
    assert game.IllegalMove is IllegalMove
    with pytest.raises(AttributeError):
        _ = game.no_such_thing


def test_new_game_defaults(gd):
    g = new_game(seed=7)
    assert g.scenario == DEFAULT_SCENARIO == "2025-deepseek-shock"
    assert g.seed == 7
    assert g.quarter == "2025Q1"
    assert not g.over
    assert g.result is None
    assert g.history == []
    assert g.meter_history == [g.meters]
    # every meter of data/meters.yaml is shown, and only those
    assert set(g.meters) == set(gd.meters)
    assert all(math.isfinite(v) for v in g.meters.values())
    sc = gd.scenarios[DEFAULT_SCENARIO]
    assert g.meters["us_compute"] == pytest.approx(sc.stocks["us"][0])
    assert g.meters["us_political_capital"] == 60
    assert g.meters["cn_political_capital"] == 60
    assert g.meters["tension"] == 50
    assert g.meters["cn_cloud_compute"] == sc.state["cn_cloud"]
    # the scenario's stances are in force
    pol = g.policy()
    assert pol["h200_exports"] == "deny"
    assert pol["cn_imports"] == "open"
    assert pol["rasa_stage"] == "in_committee"
    assert set(g.policy("us")) <= set(pol)
    assert "cn_imports" not in g.policy("us")
    assert "h200_exports" not in g.policy("china")


def test_new_game_without_seed_gets_a_random_valid_seed():
    a, b = new_game(), new_game()
    assert isinstance(a.seed, int) and a.seed >= 0
    assert a.seed != b.seed


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed_rejected(seed):
    with pytest.raises(ValueError, match="seed"):
        new_game(seed=seed)


def test_unknown_scenario_names_the_known_ones():
    with pytest.raises(KeyError, match="2025-deepseek-shock"):
        new_game("no-such-scenario", seed=1)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_starts(scenario, gd):
    g = new_game(scenario, seed=1)
    assert g.quarter == quarter_name(gd.scenarios[scenario].start)
    assert g.legal_moves("us") and g.legal_moves("china")


# ----------------------------------------------------------------------------- moves


@pytest.mark.parametrize("side", ["us", "china"])
def test_legal_moves_only_for_the_side(side, gd):
    g = new_game(seed=7)
    legal = g.legal_moves(side)
    assert legal
    assert all(isinstance(m, Move) and m.side == side and m.legal for m in legal)
    assert {m.id for m in g.moves(side)} == {m.id for m in gd.moves_for(side)}
    other = "china" if side == "us" else "us"
    assert not {m.id for m in legal} & {m.id for m in gd.moves_for(other)}
    for m in legal:
        assert m.ids(), m.id
        assert all(o.legal for o in m.options)
        assert m.name and m.description and m.sources
        for text in m.ids():
            assert text.split(":")[0] == m.id


def test_moves_explain_what_is_not_legal():
    g = new_game(seed=7)
    h200 = next(m for m in g.moves("us") if m.id == "h200_exports")
    assert h200.current == "deny"
    deny = next(o for o in h200.options if o.name == "deny")
    assert not deny.legal and "already" in deny.reason
    assert "h200_exports:deny" not in h200.ids()
    assert "h200_exports:open" in h200.ids()
    legal_h200 = next(m for m in g.legal_moves("us") if m.id == "h200_exports")
    assert {o.name for o in legal_h200.options} == {"case_by_case", "open"}
    # one-off moves have no options and play by their id
    rasa = next(m for m in g.moves("us") if m.id == "rasa_push")
    assert rasa.options == () and rasa.ids() == ["rasa_push"] and rasa.current is None


def test_moves_for_unknown_side():
    g = new_game(seed=7)
    with pytest.raises(IllegalMove, match="unknown side"):
        g.moves("eu")
    with pytest.raises(ValueError):
        g.observation("eu")


def test_play_turn_advances_one_quarter():
    g = new_game(seed=7)
    before = g.meters
    r = g.play_turn({"us": ["h200_exports:case_by_case", "rasa_push"], "china": ["ascend_rampup"]})
    assert isinstance(r, TurnResult)
    assert r.quarter == "2025Q1"
    assert g.quarter == "2025Q2"
    assert r.moves == {"us": ["h200_exports:case_by_case", "rasa_push"], "china": ["ascend_rampup"]}
    assert r.meters == g.meters
    assert set(r.deltas) == set(r.meters)
    for k in r.meters:
        assert r.deltas[k] == pytest.approx(r.meters[k] - before[k], abs=1e-9)
    assert g.policy()["h200_exports"] == "case_by_case"
    assert len(g.history) == 1 and g.history[0]["quarter"] == "2025Q1"
    assert g.meter_history == [before, g.meters]
    # the moves' cost was paid (24 of 60) and a quarter's capital regained
    assert g.meters["us_political_capital"] == pytest.approx(60 - 24 + REGEN)
    assert g.meters["cn_political_capital"] == pytest.approx(60 - 12 + REGEN)
    # the scripted inject of 2025Q2 is reported as an event of that quarter
    r2 = g.play_turn({})
    assert r2.quarter == "2025Q2"
    assert any(e.id == "inject" and "Diffusion" in e.headline for e in r2.events)
    assert g.policy()["diffusion_rule"] == "rescinded"


def test_play_turn_accepts_hold_and_empty():
    g = new_game(seed=7)
    g.play_turn(None)
    g.play_turn({})
    g.play_turn({"us": [], "china": ["hold"]})
    g.play_turn({"us": ["hold"], "china": None})
    assert g.quarter == "2026Q1"
    assert all(r["us"] == [] and r["china"] == [] for r in g.history)


def test_play_turn_accepts_a_bare_hold_string():
    # regression: a bare 'hold' string once passed validation, stepped the engine, then
    # crashed with KeyError('hold') while recording history
    g = new_game(seed=7)
    g.play_turn({"us": "hold", "china": "hold"})
    assert g.quarter == "2025Q2"
    assert g.history[0]["us"] == [] and g.history[0]["china"] == []


def test_move_text_is_canonicalised():
    # regression: ' rasa_push' validated (parse_move strips) but play_turn then looked up the
    # unstripped text and raised KeyError after the engine had already stepped
    g = new_game(seed=7)
    r = g.play_turn({"us": [" rasa_push", "h200_exports:open "], "china": [" hold "]})
    assert r.moves == {"us": ["rasa_push", "h200_exports:open"], "china": []}
    assert g.history[0]["us"] == ["rasa_push", "h200_exports:open"]
    assert g.quarter == "2025Q2"


@pytest.mark.parametrize("value", [5, 2.5, True])
def test_malformed_move_list_is_an_illegal_move(value):
    g = new_game(seed=7)
    before = state_snapshot(g)
    with pytest.raises(IllegalMove):
        g.play_turn({"us": value})
    assert_same_snapshot(before, state_snapshot(g))


def test_a_single_move_string_is_accepted():
    g = new_game(seed=7)
    r = g.play_turn({"us": "rasa_push", "china": "ascend_rampup"})
    assert r.moves == {"us": ["rasa_push"], "china": ["ascend_rampup"]}


# ----------------------------------------------------------------------------- illegal moves


DRAINED = 60 - 30 - 25 + REGEN


def _drain_us_capital(g):
    """Spend the US down: 60 - 30 - 25 + a quarter's regain left."""
    g.play_turn({"us": ["b30a_licence:licensed", "h200_exports:open"]})
    assert g.meters["us_political_capital"] == pytest.approx(DRAINED)


def _two_subsidy_rounds(g):
    for _ in range(2):
        g.play_turn({"us": ["chip_subsidy"]})
    assert g.policy()["subsidy"] == 2


ILLEGAL = [
    # (name, setup, moves, words the message must contain)
    ("wrong side", None, {"us": ["ascend_rampup"]}, ["ascend_rampup", "china move"]),
    ("wrong side (china)", None, {"china": ["rasa_push"]}, ["rasa_push", "us move"]),
    ("unknown id", None, {"us": ["rasa_pushh"]}, ["unknown move", "rasa_pushh", "rasa_push"]),
    ("bad option", None, {"us": ["h200_exports:maybe"]}, ["no option", "maybe", "case_by_case"]),
    ("missing option", None, {"us": ["h200_exports"]}, ["needs an option", "h200_exports:open"]),
    ("option on a one-off", None, {"us": ["rasa_push:yes"]}, ["takes no option"]),
    ("not a string", None, {"us": [42]}, ["must be a string"]),
    (
        "same move twice",
        None,
        {"us": ["h200_exports:case_by_case", "h200_exports:open"]},
        ["h200_exports", "twice"],
    ),
    ("same one-off twice", None, {"us": ["rasa_push", "rasa_push"]}, ["rasa_push", "twice"]),
    (
        "unaffordable",
        _drain_us_capital,
        {"us": ["chip_subsidy"]},
        ["costs 24", f"{DRAINED:g} available"],
    ),
    (
        "unaffordable together",
        _drain_us_capital,
        {"us": ["rasa_push", "decoupling_push"]},
        ["32 political capital", f"{DRAINED:g} available"],
    ),
    ("stance already current", None, {"us": ["h200_exports:deny"]}, ["deny", "already"]),
    ("china stance already current", None, {"china": ["h200_imports:open"]}, ["open", "already"]),
    ("requirement unmet", _two_subsidy_rounds, {"us": ["chip_subsidy"]}, ["two rounds"]),
    ("unknown side", None, {"eu": ["rasa_push"]}, ["unknown side", "eu"]),
    ("not a dict", None, ["rasa_push"], ["dict"]),
    # a legal US move does not get through when China's list is illegal
    ("legal us, illegal china", None, {"us": ["rasa_push"], "china": ["nope"]}, ["nope"]),
]


@pytest.mark.parametrize("name,setup,moves,words", ILLEGAL, ids=[c[0] for c in ILLEGAL])
def test_illegal_moves_raise_and_change_nothing(name, setup, moves, words):
    g = new_game(seed=7)
    if setup:
        setup(g)
    before = state_snapshot(g)
    with pytest.raises(IllegalMove) as exc:
        g.play_turn(moves)
    msg = str(exc.value)
    for w in words:
        assert w in msg, f"{name}: {msg!r} does not mention {w!r}"
    assert_same_snapshot(before, state_snapshot(g))
    # and the game goes on normally afterwards
    g.play_turn({})


def test_illegal_moves_are_not_in_legal_moves():
    g = new_game(seed=7)
    _two_subsidy_rounds(g)
    assert "chip_subsidy" not in {m.id for m in g.legal_moves("us")}
    sub = next(m for m in g.moves("us") if m.id == "chip_subsidy")
    assert not sub.legal and "two rounds" in sub.reason
    _drain = new_game(seed=7)
    _drain_us_capital(_drain)
    for m in _drain.legal_moves("us"):
        assert m.cost <= DRAINED, m.id


# ----------------------------------------------------------------------------- the end


def _play_out(g, rnd=None):
    while not g.over:
        g.play_turn(random_turn(g, rnd) if rnd else {})
    return g


@pytest.mark.parametrize("scenario,quarters", [("2025-deepseek-shock", 16), ("long-game", 24)])
def test_game_ends_at_scenario_end(scenario, quarters, gd):
    g = _play_out(new_game(scenario, seed=4))  # a seed whose game is not decided early
    assert g.over
    assert g.result in {"us", "china", "draw"}
    assert len(g.history) == quarters
    assert g.history[-1]["quarter"] == quarter_name(gd.scenarios[scenario].end)
    assert g.quarter == quarter_name(gd.scenarios[scenario].end)
    with pytest.raises(IllegalMove, match="over"):
        g.play_turn({})
    before = state_snapshot(g)
    with pytest.raises(IllegalMove):
        g.play_turn({"us": ["rasa_push"]})
    assert_same_snapshot(before, state_snapshot(g))
    assert all(not m.legal for m in g.moves("us"))
    assert g.legal_moves("china") == []
    with pytest.raises(RuntimeError):
        b = g.snapshot()
        b.step(b.no_moves())


def test_random_games_end_with_a_result():
    rnd = random.Random(5)
    for seed in range(6):
        g = _play_out(new_game("2025-deepseek-shock", seed=seed), rnd)
        assert g.result in {"us", "china", "draw"}
        assert 1 <= len(g.history) <= 16


def _early_finisher():
    """A long-game seed that ends before 2030Q4 (a decisive lead held four quarters)."""
    for seed in range(200):
        g = _play_out(new_game("long-game", seed=seed))
        if len(g.history) < 24:
            return g
    pytest.skip("no early finish found in 200 seeds")


def test_early_end_is_final():
    g = _early_finisher()
    assert g.result in {"us", "china"}
    with pytest.raises(IllegalMove, match="over"):
        g.play_turn({})


def test_quarter_after_early_end_is_the_last_played():
    # regression: a game that ended early (decisive lead) reported the next, unplayed quarter
    g = _early_finisher()
    assert g.quarter == g.history[-1]["quarter"]


# ----------------------------------------------------------------------------- observations


def _hidden_covert_seed():
    """A seed where China's covert moves of 2025Q1 are not exposed in that quarter."""
    for seed in range(100):
        g = new_game(seed=seed)
        r = g.play_turn({"china": ["neocloud_access:on", "grey_market:on"]})
        if "china" not in r.revealed:
            return g
    pytest.fail("every seed revealed the covert moves at once")


def test_observation_hides_chinas_covert_moves_until_revealed():
    g = _hidden_covert_seed()
    covert = ["neocloud_access:on", "grey_market:on"]
    us, cn = g.observation("us"), g.observation("china")
    assert us["side"] == "us" and cn["side"] == "china"
    # China sees its own moves and levers
    assert cn["history"][0]["china"] == covert
    assert cn["history"][0]["hidden_moves"] == 0  # nothing of the US is hidden from China
    assert cn["policy"]["neocloud"] == "on" and cn["policy"]["grey"] == "on"
    # the US sees neither the moves nor the covert levers, only that something was done
    assert us["history"][0]["china"] == []
    assert us["history"][0]["hidden_moves"] == 2
    assert "neocloud" not in us["policy"] and "grey" not in us["policy"]
    assert "cn_imports" in us["policy"]  # public China stances stay visible
    # a public China move next quarter is visible at once; covert ones stay hidden
    r = g.play_turn({"china": ["open_source:on"]})
    if "china" not in r.revealed:
        us = g.observation("us")
        assert us["history"][0]["china"] == []
        assert us["history"][1]["china"] == ["open_source:on"]
    # play on until an exposure
    while "china" not in r.revealed:
        assert not g.over, "the covert moves were never revealed"
        r = g.play_turn({})
    assert sorted(r.revealed["china"]) == sorted(f"2025Q1 {m}" for m in covert)
    us = g.observation("us")
    assert us["history"][0]["china"] == covert
    assert us["history"][0]["hidden_moves"] == 0
    # once exposed, the covert stances show in the US view of China's policy
    assert us["policy"]["neocloud"] == "on" and us["policy"]["grey"] == "on"
    assert all(h["hidden_moves"] == 0 for h in us["history"])
    # revealed moves are reported once
    r = g.play_turn({})
    assert not any("2025Q1" in t for t in r.revealed.get("china", []))


def test_observation_shares_public_facts():
    g = new_game(seed=7)
    g.play_turn({"us": ["rasa_push"], "china": ["ascend_rampup"]})
    us, cn = g.observation("us"), g.observation("china")
    for obs in (us, cn):
        assert obs["meters"] == g.meters
        assert obs["quarter"] == g.quarter
        assert obs["scenario"] == g.scenario
        assert obs["over"] is False and obs["result"] is None
        assert obs["history"][0]["us"] == ["rasa_push"]
        assert obs["history"][0]["china"] == ["ascend_rampup"]
        assert obs["history"][0]["events"] == g.history[0]["events"]


# ----------------------------------------------------------------------------- clones


def test_clone_is_independent():
    g = new_game(seed=7)
    g.play_turn({"us": ["rasa_push"]})
    snap = state_snapshot(g)
    c = g.clone()
    assert c.digest() == g.digest()
    c.play_turn({"us": ["h200_exports:open"], "china": ["neocloud_access:on"]})
    c.play_turn({"china": ["ascend_rampup"]})
    assert_same_snapshot(snap, state_snapshot(g))
    assert g.policy()["h200_exports"] == "deny"
    assert len(g.history) == 1 and len(c.history) == 3
    # mutating the clone's history does not touch the original's
    c.history[0]["us"].append("junk")
    assert g.history[0]["us"] == ["rasa_push"]


def test_clone_with_same_moves_gives_same_digest():
    g = new_game(seed=7)
    g.play_turn({"us": ["rasa_push"]})
    c = g.clone()
    rnd = random.Random(1)
    for _ in range(5):
        moves = random_turn(g, rnd)
        rg, rc = g.play_turn(moves), c.play_turn(moves)
        assert rg.meters == rc.meters
        assert [e.id for e in rg.events] == [e.id for e in rc.events]
        assert g.digest() == c.digest()
    assert g.history == c.history


def test_clone_then_diverge_differs():
    g = new_game(seed=7)
    c = g.clone()
    g.play_turn({"us": ["h200_exports:open"]})
    c.play_turn({"us": ["h200_exports:case_by_case"]})
    assert g.digest() != c.digest()


# ----------------------------------------------------------------------------- why it moved


def test_why_causes_sum_to_the_change():
    rnd = random.Random(11)
    for scenario, seed in (("2025-deepseek-shock", 1), ("long-game", 2), ("calib-full-ban", 3)):
        g = new_game(scenario, seed=seed)
        while not g.over:
            check_why(g.play_turn(random_turn(g, rnd, p=0.35)))


def test_why_names_the_moves():
    g = new_game(seed=7)
    r = g.play_turn({"us": ["rasa_push", "h200_exports:open"], "china": ["retaliation"]})
    assert r.why["us_political_capital"]["moves' cost"] == pytest.approx(-37)
    assert r.why["us_political_capital"]["Retaliate (rare earths, probes)"] == pytest.approx(-8)
    assert r.why["tension"]["Push the Remote Access Security Act"] == pytest.approx(2)
    assert "Nvidia imports" in r.why["cn_compute"]
    # causes are sorted by size
    for causes in r.why.values():
        sizes = [abs(v) for v in causes.values()]
        assert sizes == sorted(sizes, reverse=True)


def test_capital_is_per_side():
    g = new_game(seed=7)
    g.play_turn({"us": ["b30a_licence:licensed"], "china": ["litho_moonshot"]})
    assert g.meters[CAPITAL["us"]] == pytest.approx(60 - 30 + REGEN)
    assert g.meters[CAPITAL["china"]] == pytest.approx(60 - 16 + REGEN)


# ----------------------------------------------------------------------------- the score's parts


def test_score_breakdown_adds_up_to_the_score_and_names_every_part(gd):
    rnd = random.Random(5)
    names = [t[0] for t in model.SCORE_TERMS]
    for scenario, seed in (("2025-deepseek-shock", 1), ("long-game", 2), ("2026-h200-thaw", 3)):
        g = new_game(scenario, seed=seed)
        while True:
            parts = g.score_breakdown()
            assert [p["part"] for p in parts] == names
            added = sum(p["points"] for p in parts)
            score = g.meters["score"]
            # the score meter is the parts' sum, clipped to ±100
            assert abs(max(-100.0, min(100.0, added)) - score) <= 1e-9, (g.quarter, parts, score)
            for p, (_, weight, *_) in zip(parts, model.SCORE_TERMS, strict=True):
                assert p["weight"] == gd.params[weight]
                assert abs(p["points"]) <= p["weight"] + 1e-9
                assert p["measures"] and p["argument"]
                assert p["favours"] == (
                    "us" if p["points"] > 0.05 else "china" if p["points"] < -0.05 else ""
                )
            if g.over:
                break
            g.play_turn(random_turn(g, rnd, p=0.35))


def test_score_breakdown_follows_the_game_not_its_start():
    g = new_game(seed=4)
    start = [p["points"] for p in g.score_breakdown()]
    while not g.over:
        g.play_turn({})
    assert [p["points"] for p in g.score_breakdown()] != start
    assert sum(p["points"] for p in g.score_breakdown()) == pytest.approx(g.meters["score"])


def test_score_summary_names_the_leader_then_the_largest_parts_first():
    g = new_game(seed=3)
    parts = sorted(g.score_breakdown(), key=lambda p: -abs(p["points"]))
    text = g.score_summary()
    assert text.startswith(f"{lead_text(g.meters['score'])}: ")
    at = [text.index(f"{p['part']} ({lead_text(p['points'])})") for p in parts]
    assert at == sorted(at)  # largest first
    short = g.score_summary(limit=2)
    assert parts[0]["part"] in short and parts[2]["part"] not in short and short.endswith(", …")


@pytest.mark.parametrize(
    ("points", "text", "side"),
    [
        (8.84, "US +8.8", "us"),
        (-9.8, "China +9.8", "china"),
        (0.04, "even 0.0", ""),
        (-0.04, "even 0.0", ""),
    ],
)
def test_lead_text_names_the_side_points_favour(points, text, side):
    assert lead_text(points) == text and favours(points) == side
