"""The observation rule for covert moves: the other side sees neither the move nor its effects until
it is exposed. The report's causes, the channel bars and every observation follow it."""

from __future__ import annotations

import numpy as np
import pytest

from game.ai.base import observe
from game.engine.api import new_game
from game.engine.ledger import COVERT

COVERT_MOVES = ["grey_market:on", "neocloud_access:on"]


def unexposed_game():
    """A game where China's two covert moves are played and stay unexposed for a quarter."""
    for seed in range(200):
        g = new_game("2025-deepseek-shock", seed=seed)
        r = g.play_turn({"china": COVERT_MOVES})
        if g.hidden_levers("us") == {"grey", "neocloud"}:
            return g, r
    raise AssertionError("no seed kept the covert moves hidden")


def test_the_other_side_sees_neither_the_moves_nor_their_causes():
    g, r = unexposed_game()
    seen = r.why_seen("us")
    for meter in ("cn_compute", "cn_cloud_compute", "stock_ratio"):
        assert "grey-market push" not in seen[meter] and "neocloud push" not in seen[meter]
        assert COVERT in seen[meter]
        assert sum(seen[meter].values()) == pytest.approx(sum(r.why[meter].values()))
    # China itself sees its own moves' effects by name
    own = r.why_seen("china")
    assert "grey-market push" in own["cn_compute"] and "neocloud push" in own["cn_cloud_compute"]
    # the observation hides the stances and the history hides the moves
    obs = g.observation("us")
    assert "grey" not in obs["policy"] and "neocloud" not in obs["policy"]
    assert obs["history"][-1]["china"] == [] and obs["history"][-1]["hidden_moves"] == 2
    # the channel bars fold grey market and cloud into one unexplained channel
    ch = g.china_channels("us")
    assert "grey mkt" not in ch and "cloud" not in ch and COVERT in ch
    full = g.china_channels()
    assert ch[COVERT] == full["grey mkt"] + full["cloud"]
    assert sum(ch.values()) == pytest.approx(sum(full.values()))
    # agents: the batch observation shows the stance as NaN while hidden
    o = observe(g.snapshot(), "us")
    assert np.isnan(o.levers["grey"][0]) and np.isnan(o.levers["neocloud"][0])
    assert not np.isnan(observe(g.snapshot(), "china").levers["grey"][0])


def test_once_exposed_everything_is_seen():
    g, _ = unexposed_game()
    for _ in range(30):  # the quarterly exposure chance (25%) comes up sooner or later
        r = g.play_turn({})
        if r.revealed.get("china"):
            break
    else:
        raise AssertionError("never exposed")
    assert g.hidden_levers("us") == set()
    assert g.observation("us")["policy"]["grey"] == "on"
    assert "grey mkt" in g.china_channels("us")
    assert COVERT not in r.why_seen("us").get("cn_compute", {})
    assert not np.isnan(observe(g.snapshot(), "us").levers["grey"][0])


def test_the_report_folds_what_the_us_cannot_see(tmp_path):
    from game.tui.screens.report import report_text
    from game.tui.session import Session

    g, r = unexposed_game()
    s = Session(g, "us", "pragmatist", save_dir=tmp_path)
    text = report_text(s, r, "us")
    assert "grey-market push" not in text and "neocloud push" not in text
    assert "unexplained (covert)" in text
    assert "covert moves not yet exposed" in text
