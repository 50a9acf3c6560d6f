"""Effects as data: a move written in YAML alone can hold a named flow at a multiplier for as long
as it is in force, and "why" names the move that did it."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import DATA

from game.engine.api import Game
from game.engine.data import load_data
from game.engine.plans import Plan
from game.engine.runner import run
from game.engine.yamlsrc import DataError

LEVER = """
  hbm_export_ban: {kind: stance, options: ["off", "on"], default: 0, side: us, name: "HBM export ban"}
"""
MOVE = """
  - id: hbm_export_ban
    name: HBM export ban
    side: us
    group: Export controls
    lever: hbm_export_ban
    options:
      "off": {cost: 4}
      "on": {cost: 10, scales: {cn_domestic_output: 0.7}}
    description: "Ban exports of high-bandwidth memory to China: Ascend output falls while it lasts."
    assumption: "test move: HBM binds Ascend output (002); 30% is a round figure for the test"
"""
SCENARIO = "2025-deepseek-shock"
ON_AT, OFF_AT = 0, 6  # in force for six quarters: longer than any shock's fade


@pytest.fixture(scope="module")
def hbm_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    shutil.copytree(DATA, folder, dirs_exist_ok=True)
    levers = folder / "levers.yaml"
    levers.write_text(levers.read_text() + LEVER)
    moves = folder / "moves.yaml"
    moves.write_text(moves.read_text() + MOVE)
    return load_data(str(folder))


def domestic_output(gd, plan, n=400, seed=5):
    tr = run(SCENARIO, plan, Plan("hold", "china"), n, seed, data=gd, until=OFF_AT + 4)
    return tr.flows["huawei_out"] + tr.flows["other_out"]  # (quarters, n)


def test_a_yaml_only_ban_cuts_output_while_in_force_and_lifting_restores_it(hbm_data):
    gd = hbm_data
    j = gd.move_index["hbm_export_ban"]
    on, off = gd.moves[j].option_index("on"), gd.moves[j].option_index("off")
    ban = Plan("ban", "us", by_quarter={ON_AT: [(j, on)], OFF_AT: [(j, off)]})
    with_ban, without = domestic_output(gd, ban), domestic_output(gd, Plan("hold", "us"))
    live = (with_ban > 0) & (without > 0)  # games that have ended record no output
    ratio = np.where(live, with_ban / np.where(live, without, 1.0), np.nan)
    median = np.nanmedian(ratio, axis=1)
    # it lasts: the first quarter in force is cut by the full 30%, and every later one by at least
    # that, with no fade (a smaller Huawei sells less and grows a little slower: model.py)
    assert median[ON_AT] == pytest.approx(0.7, abs=1e-9)
    assert (median[ON_AT:OFF_AT] <= 0.7 + 1e-9).all() and (median[ON_AT:OFF_AT] > 0.6).all()
    # lifted: output comes back (to within the growth the ban cost)
    assert (median[OFF_AT:] > median[OFF_AT - 1] + 0.25).all() and (
        median[OFF_AT:] <= 1 + 1e-9
    ).all()


def test_why_names_the_move_while_it_is_in_force(hbm_data):
    g = Game(SCENARIO, seed=3, data=hbm_data)
    r = g.play_turn({"us": ["hbm_export_ban:on"]})
    assert r.why["cn_compute"]["HBM export ban"] < 0
    for _ in range(4):
        r = g.play_turn({})
        assert r.why["cn_compute"]["HBM export ban"] < 0
    r = g.play_turn({"us": ["hbm_export_ban:off"]})
    assert "HBM export ban" not in r.why["cn_compute"]
    assert g.policy("us")["hbm_export_ban"] == "off"


def test_a_scale_on_an_unknown_flow_names_the_file_line_and_flow(tmp_path):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    (tmp_path / "levers.yaml").write_text((tmp_path / "levers.yaml").read_text() + LEVER)
    bad = MOVE.replace("cn_domestic_output", "cn_domestic_outptu")
    (tmp_path / "moves.yaml").write_text((tmp_path / "moves.yaml").read_text() + bad)
    with pytest.raises(DataError) as exc:
        load_data(str(tmp_path))
    msg = str(exc.value)
    assert "moves.yaml:" in msg and "scales.cn_domestic_outptu" in msg
    assert "did you mean 'cn_domestic_output'" in msg


def test_a_one_off_move_with_scales_must_say_how_long(tmp_path):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    move = """
  - id: hbm_raid
    name: HBM raid
    side: us
    cost: 5
    scales: {cn_domestic_output: 0.9}
    assumption: "test move"
"""
    (tmp_path / "moves.yaml").write_text((tmp_path / "moves.yaml").read_text() + move)
    with pytest.raises(DataError, match="lasts_while"):
        load_data(str(tmp_path))
