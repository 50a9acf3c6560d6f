"""The same seed and the same moves give the same game, bit for bit; different seeds differ."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import random_turn, replay_moves

from game import new_game
from game.engine.api import Batch
from game.engine.plans import HOLD, Plan, parse_move
from game.engine.runner import run


def _scripted_game(seed: int, move_seed: int = 99, scenario: str = "2025-deepseek-shock"):
    g = new_game(scenario, seed=seed)
    rnd = random.Random(move_seed)
    digests, meters = [], []
    while not g.over:
        g.play_turn(random_turn(g, rnd))
        digests.append(g.digest())
        meters.append(g.meters)
    return g, digests, meters


def test_same_seed_and_moves_same_game():
    a, da, ma = _scripted_game(21)
    b, db, mb = _scripted_game(21)
    assert len(a.history) == len(b.history) >= 1
    assert da == db
    assert ma == mb  # exact float equality, quarter by quarter
    assert a.history == b.history
    assert a.result == b.result
    assert a.meter_history == b.meter_history


def test_sixteen_quarters_of_holding_are_identical():
    a, b = new_game(seed=5), new_game(seed=5)
    for _ in range(16):
        if a.over:
            break
        ra, rb = a.play_turn({}), b.play_turn({})
        assert ra.meters == rb.meters
        assert ra.why == rb.why
        assert [e.id for e in ra.events] == [e.id for e in rb.events]
        assert a.digest() == b.digest()


def test_different_seeds_differ():
    digests = set()
    finals = set()
    for seed in range(5):
        g = new_game(seed=seed)
        for _ in range(4):
            g.play_turn({})
        digests.add(g.digest())
        finals.add(g.meters["us_compute"])
    assert len(digests) == 5
    assert len(finals) == 5


def test_digest_depends_on_moves():
    a, b = new_game(seed=5), new_game(seed=5)
    assert a.digest() == b.digest()
    a.play_turn({"us": ["rasa_push"]})
    b.play_turn({"us": ["summit"]})
    assert a.digest() != b.digest()


def test_replaying_the_history_reproduces_the_game():
    g, digests, _ = _scripted_game(8, move_seed=3, scenario="long-game")
    h = new_game("long-game", seed=8)
    for i, moves in enumerate(replay_moves(g)):
        h.play_turn(moves)
        assert h.digest() == digests[i]
    assert h.meters == g.meters


def test_clone_and_replay_equals():
    g = new_game(seed=13)
    rnd = random.Random(4)
    for _ in range(3):
        g.play_turn(random_turn(g, rnd))
    c = g.clone()
    rest = []
    for _ in range(5):
        mv = random_turn(g, rnd)
        rest.append(mv)
        g.play_turn(mv)
    for mv in rest:
        c.play_turn(mv)
    assert c.digest() == g.digest()
    assert c.meters == g.meters
    assert c.history == g.history


def _batch_run(seed, n, quarters=16):
    b = Batch("2025-deepseek-shock", n, seed)
    for _ in range(quarters):
        b.step(b.no_moves())
    return b


def _same_state(a, b):
    for x, y in zip(a.state.arrays(), b.state.arrays(), strict=True):
        np.testing.assert_array_equal(x, y)


def test_batch_is_deterministic_given_seed_and_n():
    a, b = _batch_run(3, 16), _batch_run(3, 16)
    _same_state(a, b)
    c = _batch_run(4, 16)
    assert not np.array_equal(a.state.stocks, c.state.stocks)
    # games within a batch differ from one another
    assert len(np.unique(a.state.meters["us_compute"])) == 16


def test_batch_game_i_is_deterministic():
    a, b = _batch_run(9, 8), _batch_run(9, 8)
    for i in range(8):
        for k in a.state.meters:
            assert a.state.meters[k][i] == b.state.meters[k][i]
        np.testing.assert_array_equal(a.state.stocks[i], b.state.stocks[i])


def test_batch_copy_is_independent_and_replays():
    a = _batch_run(2, 4, quarters=3)
    b = a.copy()
    for _ in range(4):
        a.step(a.no_moves())
        b.step(b.no_moves())
    _same_state(a, b)
    c = a.copy()
    c.step(c.no_moves())
    assert c.state.q == a.state.q + 1


def test_runner_is_deterministic(gd):
    us = Plan("test", "us", by_quarter={4: [parse_move(gd, "h200_exports:case_by_case", "us")]})
    t1 = run("2025-deepseek-shock", us, HOLD, 32, 77)
    t2 = run("2025-deepseek-shock", us, HOLD, 32, 77)
    for k in t1.meters:
        np.testing.assert_array_equal(t1.meters[k], t2.meters[k])
    for k in t1.flows:
        np.testing.assert_array_equal(t1.flows[k], t2.flows[k])
    np.testing.assert_array_equal(t1.result, t2.result)
    np.testing.assert_array_equal(t1.ended, t2.ended)


def test_a_one_game_batch_matches_a_game():
    """Game is a batch of one: the same seed and no moves give the same numbers."""
    g = new_game(seed=31)
    b = Batch("2025-deepseek-shock", 1, 31)
    for _ in range(6):
        g.play_turn({})
        b.step(b.no_moves())
        assert g.meters == {k: float(v[0]) for k, v in b.state.meters.items()}


@pytest.mark.parametrize("seed", [0, 1, 2**40])
def test_large_and_small_seeds_work(seed):
    a, b = new_game(seed=seed), new_game(seed=seed)
    a.play_turn({})
    b.play_turn({})
    assert a.digest() == b.digest()


# ----------------------------------------------------------------------------- per-game dice


def test_game_i_plays_the_same_whatever_the_batch_it_runs_in():
    """A game's dice depend on (seed, game index) alone: game i of a 40-game batch is game i of a
    200-game batch, and a one-game Game with seed s is game 0."""
    small, big = _batch_run(9, 40), _batch_run(9, 200)
    for k in small.state.meters:
        np.testing.assert_array_equal(small.state.meters[k], big.state.meters[k][:40])
    g = new_game(seed=9)
    while not g.over:
        g.play_turn({})
    assert g.meters["score"] == big.state.meters["score"][0]
    part = Batch("2025-deepseek-shock", 5, 9, offset=100)
    for _ in range(16):
        part.step(part.no_moves())
    np.testing.assert_array_equal(part.state.stocks, big.state.stocks[100:105])


@pytest.mark.parametrize(("chunk", "n"), [(1, 12), (7, 64), (25, 64)])
def test_chunked_runs_match_one_batch_with_agents_on_both_sides(chunk, n):
    from game.ai import agent_policy, agent_rng, make_agent
    from game.engine.runner import run_chunks

    def pol(side):
        return agent_policy(make_agent("random-persona", side), agent_rng(5, side))

    whole = run("2025-deepseek-shock", pol("us"), pol("china"), n, 5)
    parts = list(run_chunks("2025-deepseek-shock", pol("us"), pol("china"), n, 5, chunk=chunk))
    assert [p.offset for p in parts] == list(range(0, n, chunk))
    for k in whole.meters:
        np.testing.assert_array_equal(whole.meters[k], np.hstack([p.meters[k] for p in parts]))
    np.testing.assert_array_equal(whole.result, np.concatenate([p.result for p in parts]))
    lean = list(run_chunks("2025-deepseek-shock", pol("us"), pol("china"), n, 5, chunk=chunk,
                           record=False))  # fmt: skip
    for k in ("score", "legacy_stock", "capability_gap_months"):
        np.testing.assert_array_equal(whole.final(k), np.concatenate([p.final(k) for p in lean]))
