"""g2 sweep: --vary parsing, one-at-a-time and grid sweeps, the tornado table, and identical
results in-process, in a local process pool and on a Dask cluster."""

from __future__ import annotations

import argparse
import itertools
import json
import sys

import pytest

from game.analysis.sweep import (
    DataMismatchError,
    Point,
    parse_vary,
    run_point,
    sweep,
)
from game.cli import CliError, build_parser, cmd_sweep
from game.engine.data import load_data

HUAWEI = "huawei_output_2025=40000:146000:3"
SMALL = {"us": "hold", "china": "hold", "scenario": "2025-deepseek-shock", "games": 200, "seed": 1}
RESULT_KEYS = {
    "scenario",
    "us",
    "china",
    "games",
    "seed",
    "mode",
    "data_digest",
    "varies",
    "points",
    "sensitivity",
}
SENSITIVITY_KEYS = {
    "name",
    "base",
    "low",
    "high",
    "us_win_low",
    "us_win_high",
    "us_win_change",
    "score_p50_low",
    "score_p50_high",
    "score_p50_change",
}


@pytest.fixture(scope="module")
def oat():
    """The reference: a small one-at-a-time sweep run in-process."""
    return sweep([HUAWEI], workers=1, **SMALL)


def as_json(res: dict) -> str:
    return json.dumps(res, sort_keys=True)


def parser() -> argparse.ArgumentParser:
    return build_parser()


def run_sweep_cli(capsys, *argv: str) -> tuple[int, str, str]:
    args = parser().parse_args(["sweep", *argv])
    code = cmd_sweep(args)
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------------------------- parse_vary


def test_parse_vary_range_is_an_inclusive_linspace(gd):
    assert parse_vary(HUAWEI, gd) == ("huawei_output_2025", [40000.0, 93000.0, 146000.0])
    name, values = parse_vary(" grey_q = 2 : 1 : 2 ", gd)
    assert (name, values) == ("grey_q", [2.0, 1.0])


def test_parse_vary_list_and_multiples_of_the_base(gd):
    assert parse_vary("grey_q=1,2.5,1e4", gd) == ("grey_q", [1.0, 2.5, 10000.0])
    base = gd.params["huawei_growth_q"]
    name, values = parse_vary("huawei_growth_q=x0.5:x2:4", gd)
    assert name == "huawei_growth_q"
    assert values == pytest.approx([0.5 * base, base, 1.5 * base, 2 * base])
    assert parse_vary("huawei_growth_q=x1,0.2", gd)[1] == [base, 0.2]


def test_parse_vary_unknown_parameter_suggests_and_lists(gd):
    with pytest.raises(ValueError) as exc:
        parse_vary("huawei_output_2052=1,2", gd)
    msg = str(exc.value)
    assert "'huawei_output_2052'" in msg
    assert "did you mean 'huawei_output_2025'" in msg
    assert "grey_q" in msg and "score_gap_par" in msg  # the parameter names are listed


@pytest.mark.parametrize(
    "spec",
    [
        "huawei_output_2025",
        "huawei_output_2025=",
        "=1,2",
        "huawei_output_2025=1:2",
        "huawei_output_2025=1:2:3:4",
        "huawei_output_2025=1:2:1",
        "huawei_output_2025=1:2:two",
        "huawei_output_2025=1:1:3",
        "huawei_output_2025=a,b",
        "huawei_output_2025=1,,2",
        "huawei_output_2025=1,1",
        "huawei_output_2025=nan,1",
        "huawei_output_2025=xq:x2:3",
        "rasa_likelihood=0,1",  # a list-valued parameter
    ],
)
def test_parse_vary_rejects_bad_specs(gd, spec):
    with pytest.raises(ValueError):
        parse_vary(spec, gd)


# ----------------------------------------------------------------------------- sweeps


def test_oat_sweep_moves_china_compute_and_us_wins_the_right_way(oat):
    assert [p["overrides"]["huawei_output_2025"] for p in oat["points"]] == [
        40000.0,
        93000.0,
        146000.0,
    ]
    cn = [p["final"]["cn_compute"]["p50"] for p in oat["points"]]
    us = [p["win_rates"]["us"] for p in oat["points"]]
    assert cn[0] < cn[1] < cn[2], cn
    assert us[0] >= us[1] >= us[2], us
    (row,) = oat["sensitivity"]
    assert set(row) == SENSITIVITY_KEYS
    assert (row["low"], row["high"]) == (40000.0, 146000.0)
    assert row["us_win_change"] == pytest.approx(us[2] - us[0]) and row["us_win_change"] <= 0
    scores = [p["final"]["score"]["p50"] for p in oat["points"]]
    assert row["score_p50_change"] == pytest.approx(scores[2] - scores[0])
    for p in oat["points"]:
        assert p["varied"] == "huawei_output_2025"
        assert abs(sum(p["win_rates"].values()) - 1.0) < 1e-9
        assert set(p["final"]) == set(load_data().meters_in("sweep"))
        for m in load_data().meters_in("sweep"):
            q = p["final"][m]
            assert q["p10"] <= q["p50"] <= q["p90"]


def test_sweep_is_deterministic(oat):
    assert as_json(sweep([HUAWEI], workers=1, **SMALL)) == as_json(oat)
    assert as_json(sweep([("huawei_output_2025", [40000, 93000, 146000])], workers=1, **SMALL)) == (
        as_json(oat)
    )


def test_common_random_numbers_at_an_unchanged_value(gd):
    """Points that differ only in figures not varied in the run (x1 = the base value) are the same
    games: in oat mode the all-base point appears once per figure and must match exactly."""
    res = sweep(["huawei_output_2025=x0.5,x1", "grey_q=x1,x2"], workers=1, **{**SMALL, "games": 50})
    a, b = res["points"][1], res["points"][2]
    assert (a["varied"], b["varied"]) == ("huawei_output_2025", "grey_q")
    assert a["overrides"] == b["overrides"]
    assert a["win_rates"] == b["win_rates"] and a["final"] == b["final"]


def test_grid_sweep_order_and_averaged_sensitivity():
    res = sweep(
        ["huawei_output_2025=40000,146000", "huawei_growth_q=0.03:0.12:3"],
        mode="grid",
        workers=1,
        **{**SMALL, "games": 50},
    )
    combos = list(itertools.product([40000.0, 146000.0], [0.03, 0.075, 0.12]))
    got = [
        (p["overrides"]["huawei_output_2025"], round(p["overrides"]["huawei_growth_q"], 9))
        for p in res["points"]
    ]
    assert got == combos
    assert all(p["varied"] is None for p in res["points"])
    rows = {r["name"]: r for r in res["sensitivity"]}
    pts = res["points"]
    us_hi = sum(p["win_rates"]["us"] for p in pts[3:]) / 3
    us_lo = sum(p["win_rates"]["us"] for p in pts[:3]) / 3
    assert rows["huawei_output_2025"]["us_win_change"] == pytest.approx(us_hi - us_lo)
    score = [p["final"]["score"]["p50"] for p in pts]
    want = ((score[2] - score[0]) + (score[5] - score[3])) / 2
    assert rows["huawei_growth_q"]["score_p50_change"] == pytest.approx(want)
    effects = [abs(r["score_p50_change"]) for r in res["sensitivity"]]
    assert effects == sorted(effects, reverse=True)


def test_progress_reports_every_point():
    calls = []
    sweep([HUAWEI], workers=1, progress=lambda d, t: calls.append((d, t)), **{**SMALL, "games": 20})
    assert calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("threaded", [False, True], ids=["fork", "forkserver"])
def test_local_pool_matches_in_process(oat, monkeypatch, threaded):
    if threaded:  # a process with threads must not fork: the pool uses forkserver/spawn instead
        monkeypatch.setattr("game.analysis.sweep.threading.active_count", lambda: 2)
    assert as_json(sweep([HUAWEI], workers=2, **SMALL)) == as_json(oat)


@pytest.mark.slow  # starts a local Dask cluster: ~2.5 s (the default run keeps under 60 s)
def test_dask_cluster_matches_in_process(oat):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        res = sweep([HUAWEI], dask_address=cluster.scheduler_address, **SMALL)
    assert as_json(res) == as_json(oat)


def test_run_point_refuses_other_game_data():
    with pytest.raises(DataMismatchError, match="differs"):
        run_point(Point("2025-deepseek-shock", "hold", "hold", 5, 1, {}, "not-our-digest"))


# ----------------------------------------------------------------------------- command line


def test_json_output_has_the_documented_keys(capsys):
    code, out, err = run_sweep_cli(
        capsys, "--vary", "huawei_output_2025=40000,146000", "--us", "hold", "--china", "hold",
        "--games", "30", "--workers", "1", "--json",
    )  # fmt: skip
    assert code == 0 and err == ""
    body = json.loads(out)
    assert set(body) == RESULT_KEYS
    assert (body["games"], body["seed"], body["mode"]) == (30, 1, "oat")
    assert body["varies"] == [
        {
            "name": "huawei_output_2025",
            "base": load_data().params["huawei_output_2025"],
            "values": [40000.0, 146000.0],
        }
    ]
    assert len(body["points"]) == 2
    for p in body["points"]:
        assert set(p) == {"varied", "overrides", "win_rates", "final"}
        assert set(p["win_rates"]) == {"us", "china", "draw"}
        assert set(p["final"]) == set(load_data().meters_in("sweep"))
    assert set(body["sensitivity"][0]) == SENSITIVITY_KEYS


def test_text_output_has_the_point_and_sensitivity_tables(capsys):
    code, out, _ = run_sweep_cli(
        capsys, "--vary", "huawei_output_2025=40000,146000", "--vary", "grey_q=x1,x3",
        "--us", "hold", "--china", "hold", "--games", "20", "--workers", "1",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("4 points x 20 games of 2025-deepseek-shock")
    header = next(line for line in lines if line.startswith("huawei_output_2025"))
    for col in ("grey_q", "US", "China", "draw", "score p10", "p50", "p90", "gap p50"):
        assert col in header
    assert "Sensitivity" in out
    assert any(line.startswith("40k") and "base" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--vary", "huawei_output_2052=1,2"], "did you mean 'huawei_output_2025'"),
        (["--vary", "huawei_output_2025=1:2"], "LO:HI:STEPS"),
        (["--vary", "grey_q=1,2", "--vary", "grey_q=3,4"], "twice"),
        (["--vary", "grey_q=1,2", "--us", "hawkk"], "unknown agent 'hawkk'"),
        (["--vary", "grey_q=1,2", "--scenario", "nope"], "unknown scenario"),
        (["--vary", "grey_q=1,2", "--games", "0"], "games"),
        (["--vary", "grey_q=1,2", "--workers", "0"], "workers"),
    ],
)
def test_bad_arguments_raise_a_cli_error(argv, needle):
    args = parser().parse_args(["sweep", *argv])
    with pytest.raises(CliError, match=needle) as exc:
        cmd_sweep(args)
    assert "\n" not in str(exc.value)


def test_missing_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    args = parser().parse_args(
        ["sweep", "--vary", "grey_q=1,2", "--games", "5", "--dask", "tcp://127.0.0.1:1"]
    )
    with pytest.raises(CliError, match=r"uv sync --extra dask"):
        cmd_sweep(args)


def test_vary_is_required(capsys):
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["sweep"])
    assert exc.value.code == 2
    assert "--vary" in capsys.readouterr().err


def test_g2_main_reports_a_bad_vary_in_one_line(capsys):
    from game import cli

    sub = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    if "sweep" not in sub.choices:
        pytest.skip("`g2 sweep` is not wired into game/cli.py yet")
    assert cli.main(["sweep", "--vary", "huawei_output_2052=1,2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("g2 sweep: error: unknown parameter 'huawei_output_2052'")
    assert err.count("\n") == 1
