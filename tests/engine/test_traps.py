"""No hidden traps: read-only game data, caches that live with the data they describe, and traces
whose every series stops where a game ended."""

from __future__ import annotations

import dataclasses
import gc
import shutil

import numpy as np
import pytest
import yaml
from conftest import DATA

from game.ai.base import observe
from game.engine.batch import Batch
from game.engine.data import load_data
from game.engine.plans import HOLD
from game.engine.runner import run


def test_game_data_cannot_be_changed_in_place():
    gd = load_data()
    with pytest.raises(TypeError):
        gd.params["capital_regen"] = 99.0
    with pytest.raises(TypeError):
        gd.move_index["rasa_push"] = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        gd.params = {}
    # a changed copy is the way to vary a figure (g2 sweep does this), and the original is intact
    varied = dataclasses.replace(gd, params={**gd.params, "capital_regen": 99.0})
    assert varied.params["capital_regen"] == 99.0
    assert load_data().params["capital_regen"] == gd.params["capital_regen"] != 99.0
    assert varied.move_index == gd.move_index  # built with the data, not filled in afterwards


def test_parsed_moves_are_cached_with_their_data_not_by_object_id(tmp_path):
    """Two data sets whose moves are in different orders, loaded one after the other (so the
    second may reuse the first's memory): an agent's wants must play the right column each time."""
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    doc = yaml.safe_load((DATA / "moves.yaml").read_text())
    doc["moves"] = list(reversed(doc["moves"]))
    (tmp_path / "moves.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    for folder in (str(DATA), str(tmp_path), str(DATA), str(tmp_path)):
        gd = load_data(folder)
        c = observe(Batch("2025-deepseek-shock", 2, 1, gd), "us").choices()
        c.want("rasa_push")
        assert (c.array[:, gd.move_index["rasa_push"]] == 0).all()
        assert (c.array >= 0).sum() == 2
        del gd, c
        gc.collect()


def test_the_legacy_stock_stops_when_a_game_ends():
    tr = run("long-game", HOLD, HOLD, 2000, 1)
    early = np.flatnonzero(tr.ended < len(tr.quarters))
    assert len(early) > 0, "no game ended early: the check below would be empty"
    for i in early:
        e = tr.ended[i]
        assert (tr.meters["legacy_stock"][e:, i] == tr.meters["legacy_stock"][e, i]).all()
        assert (tr.meters["score"][e:, i] == tr.meters["score"][e, i]).all()
