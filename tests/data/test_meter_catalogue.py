"""The meter catalogue (data/meters.yaml) is the only list of meters: the engine must compute exactly
the meters it declares, and every view (summary, preview, sweep, war room) reads it."""

from __future__ import annotations

import shutil

import pytest
from conftest import DATA

from game.analysis.validate import validate_file
from game.cli import main
from game.engine.api import Game
from game.engine.data import METER_VIEWS, load_data
from game.engine.yamlsrc import DataError

EXTRA = '  data_centre_power: {name: "Data-centre power", unit: GW, min: 0, max: 500, fmt: num}\n'


def with_meters(tmp_path, text: str):
    shutil.copytree(DATA, tmp_path, dirs_exist_ok=True)
    (tmp_path / "meters.yaml").write_text(text)
    return tmp_path


def test_a_meter_declared_but_not_computed_fails_validate_with_file_line_and_meter(tmp_path):
    text = (DATA / "meters.yaml").read_text() + EXTRA
    folder = with_meters(tmp_path, text)
    line = text.splitlines().index(EXTRA.rstrip("\n")) + 1
    problems = validate_file(folder / "meters.yaml")
    assert len(problems) == 1
    assert f"meters.yaml:{line}: field 'meters.data_centre_power'" in problems[0]
    assert "declared but the model does not compute it" in problems[0]
    # and a game on such data refuses to start with the same error instead of crashing later
    with pytest.raises(DataError, match="data_centre_power"):
        Game("2025-deepseek-shock", seed=1, data=load_data(str(folder)))


def test_a_computed_meter_missing_from_the_catalogue_fails_validate(tmp_path):
    lines = (DATA / "meters.yaml").read_text().splitlines(keepends=True)
    text = "".join(x for x in lines if not x.lstrip().startswith("cuda_lockin:"))
    problems = validate_file(with_meters(tmp_path, text) / "meters.yaml")
    assert problems and "computes meter 'cuda_lockin'" in problems[0]


def test_g2_validate_exits_1_on_the_extra_meter(tmp_path, capsys):
    folder = with_meters(tmp_path, (DATA / "meters.yaml").read_text() + EXTRA)
    assert main(["validate", str(folder / "meters.yaml")]) == 2
    assert "data_centre_power" in capsys.readouterr().err


def test_the_shipped_catalogue_matches_the_model_and_feeds_every_view():
    gd = load_data()
    g = Game("2025-deepseek-shock", seed=1)
    assert set(g.meters) == set(gd.meters)
    for view in METER_VIEWS:
        assert gd.meters_in(view), f"no meter is shown in {view}"
    for m in gd.meters.values():
        assert m.short and len(m.short) <= 11


def test_a_bad_view_or_long_label_names_the_field(tmp_path):
    text = (
        (DATA / "meters.yaml").read_text().replace('short: "bubble"', 'short: "bubble risk now!"')
    )
    problems = validate_file(with_meters(tmp_path, text) / "meters.yaml")
    assert problems and "meters.bubble_risk.short" in problems[0]
