"""The PettingZoo environment (game.ai.env): API conformance, masks, rewards and determinism."""

from __future__ import annotations

import importlib
import subprocess
import sys

import numpy as np
import pytest

pettingzoo = pytest.importorskip("pettingzoo")
from pettingzoo.test import parallel_api_test, parallel_seed_test  # noqa: E402

from game.ai.base import observe  # noqa: E402
from game.ai.env import G2ParallelEnv  # noqa: E402
from game.engine.api import new_game  # noqa: E402

AGENTS = ("us", "china")


def masked_random(env: G2ParallelEnv, obs, rng: np.random.Generator) -> dict[str, int]:
    """A uniformly random legal action (hold included) for every live agent."""
    return {a: int(rng.choice(np.flatnonzero(obs[a]["action_mask"]))) for a in env.agents}


def play(env: G2ParallelEnv, seed: int, actions_rng_seed: int):
    """A whole game with random masked actions; returns every step's outputs and the actions."""
    rng = np.random.default_rng(actions_rng_seed)
    obs, infos = env.reset(seed=seed)
    steps = [(obs, infos)]
    while env.agents:
        actions = masked_random(env, obs, rng)
        obs, rewards, terms, truncs, infos = env.step(actions)
        steps.append((actions, obs, rewards, terms, truncs, infos))
    return steps


def same(a, b) -> bool:
    """Deep equality of nested dicts/lists of numpy arrays and plain values."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def test_parallel_api():
    parallel_api_test(G2ParallelEnv(), num_cycles=40)


def test_parallel_seed():
    parallel_seed_test(lambda: G2ParallelEnv())


def test_spaces_are_cached_and_sized():
    env = G2ParallelEnv()
    gd = env.data
    for a in AGENTS:
        assert env.action_space(a) is env.action_space(a)
        assert env.observation_space(a) is env.observation_space(a)
        n_actions = sum(len(m.options) for m in gd.moves if m.side == a)
        assert env.action_space(a).n == 1 + n_actions
        assert env.observation_space(a)["action_mask"].shape == (1 + n_actions,)
        assert env.observation_space(a)["observation"].shape == (len(env.feature_names[a]),)
    # every lever has a feature; a covert stance reads -1 until exposed (test_covert_* below)
    assert "lever:grey" in env.feature_names["china"]
    assert "lever:grey" in env.feature_names["us"]


def test_action_to_move_round_trip():
    env = G2ParallelEnv()
    assert env.action_to_move("us", 0) is None
    assert env.move_to_action("us", "hold") == 0
    assert env.action_to_move("us", env.move_to_action("us", "h200_exports:deny")) == (
        "h200_exports:deny"
    )
    assert env.action_to_move("us", env.move_to_action("us", "rasa_push")) == "rasa_push"
    for a in AGENTS:
        for i in range(env.action_space(a).n):
            assert env.move_to_action(a, env.action_to_move(a, i)) == i
    with pytest.raises(ValueError):
        env.action_to_move("us", env.action_space("us").n)
    with pytest.raises(ValueError):
        env.move_to_action("us", "h200_imports:ban")  # a China move


def test_masks_match_observe_and_the_game_api():
    env = G2ParallelEnv()
    obs, infos = env.reset(seed=7)
    game = new_game(env.scenario, 7)
    rng = np.random.default_rng(0)
    while env.agents:
        for a in AGENTS:
            mask = obs[a]["action_mask"]
            legal = observe(env.batch, a).legal
            expect = [legal[j][0, k] for j, m in enumerate(env.data.moves) if m.side == a
                      for k in range(len(m.options))]  # fmt: skip
            assert mask[0] == 1
            assert mask[1:].tolist() == [int(x) for x in expect]
            legal_moves = [env.action_to_move(a, i) for i in np.flatnonzero(mask[1:]) + 1]
            assert infos[a]["legal_moves"] == legal_moves
            assert set(legal_moves) == {t for mv in game.legal_moves(a) for t in mv.ids()}
        actions = masked_random(env, obs, rng)
        game.play_turn({a: [m] if (m := env.action_to_move(a, actions[a])) else [] for a in AGENTS})
        obs, _, _, _, infos = env.step(actions)
        # the env plays exactly the world of the Game API with the same seed and moves
        assert infos["us"]["score"] == game.meters["score"]
        assert infos["us"]["quarter"] == game.quarter
    assert infos["us"]["result"] == game.result


def test_illegal_action_is_hold_and_flagged():
    env, ref = G2ParallelEnv(), G2ParallelEnv()
    obs, _ = env.reset(seed=3)
    ref.reset(seed=3)
    bad = int(np.flatnonzero(obs["us"]["action_mask"] == 0)[0])
    out = env.step({"us": bad, "china": 0})
    expect = ref.step({"us": 0, "china": 0})
    assert out[4]["us"]["illegal_action"] is True
    assert out[4]["us"]["played"] is None
    assert out[4]["china"]["illegal_action"] is False
    for got, want in zip(out[:4], expect[:4], strict=True):
        assert same(got, want)
    # not an action at all: also hold, flagged
    out = env.step({"us": 10_000, "china": "rasa_push"})
    expect = ref.step({"us": 0, "china": 0})
    assert out[4]["us"]["illegal_action"] and out[4]["china"]["illegal_action"]
    assert same(out[0], expect[0])
    with pytest.raises(KeyError):
        env.step({"nobody": 0})


def test_legal_action_is_played():
    env = G2ParallelEnv()
    obs, _ = env.reset(seed=3)
    a = int(np.flatnonzero(obs["china"]["action_mask"])[-1])
    _, _, _, _, infos = env.step({"us": 0, "china": a})
    assert infos["china"]["illegal_action"] is False
    assert infos["china"]["played"] == env.action_to_move("china", a)


def test_full_random_game_terminates_zero_sum():
    env = G2ParallelEnv(render_mode="ansi")
    for seed in range(3):
        steps = play(env, seed, 100 + seed)
        obs0, infos0 = steps[0]
        assert len(steps) - 1 <= 16
        total_us = 0.0
        for _actions, obs, rewards, terms, truncs, infos in steps[1:]:
            assert (
                set(obs) == set(rewards) == set(terms) == set(truncs) == set(infos) == set(AGENTS)
            )
            assert rewards["us"] + rewards["china"] == 0.0
            assert not any(truncs.values())
            for a in AGENTS:
                assert env.observation_space(a).contains(obs[a])
                assert np.all(np.abs(obs[a]["observation"]) <= 1.5)  # sensibly scaled
                assert infos[a]["illegal_action"] is False
            total_us += rewards["us"]
        assert all(terms.values())
        assert env.agents == []
        result = infos["us"]["result"]
        assert result in ("us", "china", "draw") and infos["china"]["result"] == result
        bonus = {"us": 1.0, "china": -1.0, "draw": 0.0}[result]
        shaped = (infos["us"]["score"] - infos0["us"]["score"]) / 100
        assert total_us == pytest.approx(shaped + bonus)
        assert "over" in env.render()
        assert env.state_space.contains(env.state())
        with pytest.raises(RuntimeError):
            env.step({})


def test_same_seed_same_trajectory():
    a = play(G2ParallelEnv(), 11, 5)
    b = play(G2ParallelEnv(), 11, 5)
    assert same(a, b)
    # a seeded reset fixes the seeds of later unseeded resets too
    e1, e2 = G2ParallelEnv(), G2ParallelEnv()
    e1.reset(seed=9)
    e2.reset(seed=9)
    o1, _ = e1.reset()
    o2, _ = e2.reset()
    assert same(o1, o2) and e1.batch.seed == e2.batch.seed != 9
    # and the game's seed is the one given, as in `g2 --seed`
    e1.reset(seed=9)
    assert e1.batch.seed == 9


def test_render_modes():
    env = G2ParallelEnv(render_mode="ansi")
    env.reset(seed=1)
    text = env.render()
    assert isinstance(text, str) and "2025Q1" in text and "score" in text
    quiet = G2ParallelEnv()
    quiet.reset(seed=1)
    with pytest.warns(UserWarning):
        assert quiet.render() is None
    with pytest.raises(ValueError):
        G2ParallelEnv(render_mode="human")
    with pytest.raises(KeyError):
        G2ParallelEnv(scenario="no-such-scenario")


def test_game_ai_does_not_import_the_env():
    code = (
        "import sys, game.ai; "
        "assert 'game.ai.env' not in sys.modules and 'pettingzoo' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_pettingzoo_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pettingzoo", None)
    monkeypatch.delitem(sys.modules, "game.ai.env")
    with pytest.raises(ImportError, match="uv sync --extra rl"):
        importlib.import_module("game.ai.env")


def test_a_covert_stance_reads_minus_one_for_the_other_side_until_exposed():
    env = G2ParallelEnv()
    for seed in range(100):
        obs, _ = env.reset(seed=seed)
        act = {"us": 0, "china": env.move_to_action("china", "grey_market:on")}
        obs, *_ = env.step(act)
        if "grey" in env.batch.state.lev and env.batch.state.unexposed.any():
            break
    else:
        raise AssertionError("the grey-market move was exposed in every seed")
    i_us = env.feature_names["us"].index("lever:grey")
    i_cn = env.feature_names["china"].index("lever:grey")
    assert obs["us"]["observation"][i_us] == -1.0  # hidden from the US
    assert obs["china"]["observation"][i_cn] == 1.0  # China sees its own stance: on
