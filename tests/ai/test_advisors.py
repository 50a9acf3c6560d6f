"""The advisors never recommend a move their own forecast says loses without saying why."""

from __future__ import annotations

import re

import pytest

from game import new_game
from game.ai import forecast


@pytest.mark.parametrize("side", ["us", "china"])
def test_an_advisor_names_a_losing_forecast_and_why_it_stands_by_it(side):
    g = new_game(seed=5)
    g.play_turn({})  # the middle of a game, not its opening
    for a in forecast.advisors(g, side):
        if a.move is None:
            continue
        # one score convention: the side the move favours, never a bare sign
        found = re.search(r"the score moves (US|China|even) \+?(\d+\.\d)", a.reason)
        assert found, a.reason
        mine = {"us": "US", "china": "China"}[side]
        if found.group(1) not in (mine, "even"):
            assert "still advise" in a.reason, a.reason
        else:
            assert "still advise" not in a.reason, a.reason


def test_an_advisor_prefers_a_want_that_does_not_lose(monkeypatch):
    # forecasts rigged: the first want loses, the second pays; the advisor must recommend the second
    calls = []

    def fake_preview(game, move, side, n=100):
        calls.append(move)
        effect = -2.0 if len(calls) == 1 else 1.0
        sign = 1 if side == "us" else -1
        return [
            forecast.Spread("capability_gap_months", (0, 0, 0), (0, 0, 0)),
            forecast.Spread("score", (0, sign * effect, 0), (0, 0, 0)),
        ]

    monkeypatch.setattr(forecast, "preview", fake_preview)
    g = new_game(seed=5)
    hawk = next(a for a in forecast.advisors(g, "us") if a.advisor == "hawk")
    assert len(calls) >= 2
    assert hawk.move == calls[1] and "still advise" not in hawk.reason
