"""A move's path preview (forecast.preview_path): the same paired futures as the 4-quarter preview,
played to the scenario's end, with p10/p50/p90 of each preview meter after every quarter."""

from __future__ import annotations

import numpy as np
import pytest

from game.ai import forecast
from game.engine.api import new_game
from game.engine.data import DEFAULT_SCENARIO, quarter_name, score_sign

N = 8  # futures each way: enough to check the plumbing, fast
MOVE = "h200_exports:case_by_case"


@pytest.fixture(scope="module")
def game():
    return new_game(DEFAULT_SCENARIO, seed=5)


@pytest.fixture(scope="module")
def path(game):
    return forecast.preview_path(game, MOVE, "us", n=N)


def test_every_preview_meter_is_followed_with_the_score_first(game, path):
    assert path.meters[0] == "score"
    assert sorted(path.meters) == sorted(forecast.preview_meters(game))
    assert set(path.with_move) == set(path.without) == set(path.start) == set(path.meters)
    assert path.specs["score"].id == "score"


def test_each_meter_has_p10_p50_p90_for_every_quarter_left(path):
    q = len(path.quarters)
    for m in path.meters:
        for arr in (path.with_move[m], path.without[m]):
            assert arr.shape == (q, 3)
            assert np.isfinite(arr).all()
            assert (np.diff(arr, axis=1) >= 0).all(), f"{m}: p10 <= p50 <= p90"


def test_the_quarters_run_from_now_to_the_end_of_the_scenario(game, path):
    scenario = game.data.scenarios[game.scenario]
    assert len(path.quarters) == scenario.quarters == 16
    assert path.quarters[0] == game.quarter
    assert path.quarters[-1] == quarter_name(scenario.end)


def test_two_quarters_in_the_path_starts_at_the_quarter_to_play():
    g = new_game(DEFAULT_SCENARIO, seed=5)
    g.play_turn({})
    g.play_turn({})
    p = forecast.preview_path(g, None, "china", n=N)
    assert len(p.quarters) == 14
    assert p.quarters[0] == g.quarter == "2025Q3"
    assert p.start == {m: pytest.approx(g.meters[m]) for m in p.meters}


def test_a_finished_game_has_no_path():
    g = new_game("2025-backtest", seed=5)
    while not g.over:
        g.play_turn({})
    p = forecast.preview_path(g, None, "us", n=N)
    assert p.quarters == ()
    assert p.with_move["score"].shape == (0, 3)


def test_the_same_game_gives_the_same_path(game, path):
    again = forecast.preview_path(game, MOVE, "us", n=N)
    assert again.quarters == path.quarters
    for m in path.meters:
        np.testing.assert_array_equal(again.with_move[m], path.with_move[m])
        np.testing.assert_array_equal(again.without[m], path.without[m])


def test_holding_is_the_same_future_both_ways(game):
    p = forecast.preview_path(game, None, "us", n=N)
    for m in p.meters:
        np.testing.assert_array_equal(p.with_move[m], p.without[m])
        assert not p.effect(m).any()


def test_a_move_changes_the_path(path):
    assert any(np.abs(path.effect(m)).max() > 1e-6 for m in path.meters)


@pytest.mark.parametrize("side, move", [("us", MOVE), ("us", "rasa_push"), ("china", None)])
def test_the_first_year_is_exactly_the_preview(game, side, move):
    """Both play the same futures (same dice, same opponents): after PREVIEW_QUARTERS quarters the
    path's percentiles, less the start, are the preview's percentiles of each meter's change."""
    p = forecast.preview_path(game, move, side, n=N)
    h = forecast.PREVIEW_QUARTERS - 1
    for spread in forecast.preview(game, move, side, n=N):
        m = spread.meter
        assert p.with_move[m][h] - p.start[m] == pytest.approx(spread.with_move, abs=1e-9)
        assert p.without[m][h] - p.start[m] == pytest.approx(spread.without, abs=1e-9)


def test_the_score_is_us_positive_and_the_path_says_whose_move_it_is(game):
    p = forecast.preview_path(game, None, "china", n=N)
    assert p.side == "china" and p.sign == score_sign("china") == -1
    assert p.start["score"] == pytest.approx(game.meters["score"])  # the game's own sign
