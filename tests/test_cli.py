"""The g2 command line: help, sim summaries and outputs, calibrate, validate and clear errors."""

from __future__ import annotations

import csv
import json

import pytest

from game.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_arguments_prints_help(capsys):
    code, out, _ = run_cli(capsys)
    assert code == 0
    assert "sim" in out and "calibrate" in out and "validate" in out


def test_sim_json_gives_final_percentiles(capsys):
    code, out, _ = run_cli(
        capsys, "sim", "--us", "hold", "--china", "hold", "--games", "200", "--seed", "1", "--json"
    )
    assert code == 0
    body = json.loads(out)
    assert body["games"] == 200
    final = body["final"]["stock_ratio"]
    assert final["p10"] <= final["p50"] <= final["p90"]
    assert abs(sum(body["win_rates"].values()) - 1.0) < 1e-9


def test_sim_is_deterministic_for_a_seed(capsys):
    outs = [run_cli(capsys, "sim", "--games", "50", "--seed", "4", "--json")[1] for _ in range(2)]
    assert outs[0] == outs[1]
    assert outs[0] != run_cli(capsys, "sim", "--games", "50", "--seed", "5", "--json")[1]


def test_sim_writes_csv_and_jsonl_rows(tmp_path, capsys):
    csv_path, jsonl_path = tmp_path / "r.csv", tmp_path / "r.jsonl"
    assert run_cli(capsys, "sim", "--games", "3", "--seed", "2", "--out", str(csv_path))[0] == 0
    rows = list(csv.DictReader(csv_path.open()))
    games = {r["game"] for r in rows}
    assert games == {
        "0",
        "1",
        "2",
    }  # a row per quarter each game played (16, or fewer if decided early)
    assert all(1 <= sum(r["game"] == gm for r in rows) <= 16 for gm in games)
    assert rows[0]["quarter"] == "2025Q1" and float(rows[0]["us_compute"]) > 0
    assert run_cli(capsys, "sim", "--games", "2", "--seed", "2", "--out", str(jsonl_path))[0] == 0
    lines = [json.loads(x) for x in jsonl_path.read_text().splitlines()]
    assert {x["game"] for x in lines} == {0, 1} or {x["game"] for x in lines} == {"0", "1"}
    assert len(lines) <= 2 * 16 and {"game", "quarter", "score"} <= set(lines[0])


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("quarters:\n  2026Q1: [h200_exports:opne]\n", "has no option 'opne'"),
        ("quarters:\n  2026Q1: [ascend_rampup]\n", "is a china move, not a us move"),
        ("quarters:\n  2026Q5: [rasa_push]\n", "is not a quarter"),
        ("quarters:\n  2026Q1: [rasa_pushh]\n", "did you mean 'rasa_push'"),
    ],
)
def test_bad_plan_is_a_clear_error_not_a_traceback(tmp_path, capsys, plan, message):
    path = tmp_path / "plan.yaml"
    path.write_text(plan)
    code, _, err = run_cli(capsys, "sim", "--us", str(path), "--games", "2")
    assert code == 2
    assert message in err and str(path) in err and "Traceback" not in err


def test_unknown_scenario_and_missing_plan(capsys):
    code, _, err = run_cli(capsys, "sim", "--scenario", "nope", "--games", "2")
    assert code == 2 and "unknown scenario" in err
    code, _, err = run_cli(capsys, "sim", "--us", "no-such-plan", "--games", "2")
    assert code == 2 and "no such plan" in err


def test_validate_names_file_line_and_field(tmp_path, capsys):
    from game.engine.data import data_dir

    text = (data_dir() / "scenarios" / "2026-h200-thaw.yaml").read_text()
    broken = text.replace("  h200_exports: case_by_case", "  h200_export: case_by_case")
    # the lever's line (a generated scenario marks an overridden value with a trailing comment)
    line = next(i for i, x in enumerate(broken.splitlines(), 1) if x.startswith("  h200_export: "))
    path = tmp_path / "typo.yaml"
    path.write_text(broken)
    code, _, err = run_cli(capsys, "validate", str(path))
    assert code == 2
    assert (
        f"{path}:{line}" in err
        and "levers.h200_export" in err
        and "did you mean 'h200_exports'" in err
    )


def test_validate_all_shipped_data_is_clean(capsys):
    code, out, err = run_cli(capsys, "validate")
    assert code == 0, err
    assert "moves.yaml" in out


def test_moves_and_scenarios_list(capsys):
    code, out, _ = run_cli(capsys, "moves", "--side", "china")
    assert code == 0 and "ascend_rampup" in out and "h200_exports" not in out and "sources:" in out
    code, out, _ = run_cli(capsys, "scenarios")
    assert code == 0
    for sid in ("2025-deepseek-shock", "2026-h200-thaw", "long-game"):
        assert sid in out


def test_calibrate_json_reports_every_target(capsys):
    code, out, _ = run_cli(capsys, "calibrate", "--runs", "100", "--json")
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {f"T{i}" for i in range(1, 19)}
    assert code == (0 if all(r["pass"] for r in rows) else 1)
    backtest = [r for r in rows if int(r["id"][1:]) >= 12]
    assert all(r["assumption"] for r in backtest if not r["source"])  # outside figures named


def test_calibrate_at_several_seeds_reports_each(capsys):
    code, out, _ = run_cli(capsys, "calibrate", "--runs", "50", "--seeds", "2", "--json")
    rows = json.loads(out)
    assert all(len(r["values"]) == 2 for r in rows)
    assert code == (0 if all(r["pass"] for r in rows) else 1)


def test_sim_track_shows_nvidias_china_share_falling_in_the_backtest(capsys):
    code, out, _ = run_cli(
        capsys, "sim", "--scenario", "long-game", "--us", "us-history", "--china",
        "china-history", "--games", "200", "--track", "nvidia_cn_share", "--json",
    )  # fmt: skip
    assert code == 0
    share = json.loads(out)["by_quarter"]["nvidia_cn_share"]
    assert share["2025Q1"]["p50"] > 45 and share["2025Q4"]["p50"] < 15
    code, _, err = run_cli(capsys, "sim", "--games", "2", "--track", "nvidia_share")
    assert code == 2 and "nvidia_cn_share" in err


def test_sim_results_do_not_depend_on_the_chunk_size(tmp_path, capsys):
    args = ["sim", "--us", "random-persona", "--china", "random-persona", "--games", "120"]
    outs = []
    for chunk in ("120", "11"):
        out = tmp_path / f"rows-{chunk}.csv"
        assert main([*args, "--chunk", chunk, "--json", "--out", str(out)]) == 0
        outs.append((capsys.readouterr().out, out.read_bytes()))
    assert outs[0] == outs[1]
    header = outs[0][1].decode().splitlines()[0]
    assert header.startswith("game,quarter,score,")


# ----------------------------------------------------------------------------- integer options

SEED_RANGE = "a whole number from 0 to 18446744073709551615"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sim", "--seed=-1"], f"--seed must be {SEED_RANGE}, not -1"),
        (["sim", "--us", "hawk", "--seed", "-1"], f"--seed must be {SEED_RANGE}, not -1"),
        (["sim", "--seed", str(2**64)], f"--seed must be {SEED_RANGE}, not {2**64}"),
        (["sim", "--games", "0"], "--games must be at least 1, not 0"),
        (["sim", "--games=-3"], "--games must be at least 1, not -3"),
        (["sim", "--chunk", "0"], "--chunk must be at least 1, not 0"),
        (["calibrate", "--seed=-1"], f"--seed must be {SEED_RANGE}, not -1"),
        (["calibrate", "--runs", "0"], "--runs must be at least 1, not 0"),
        (["calibrate", "--seeds", "0"], "--seeds must be at least 1, not 0"),
        (["tournament", "--seed=-1"], f"--seed must be {SEED_RANGE}, not -1"),
        (["tournament", "--games", "0"], "--games must be at least 1, not 0"),
        (["tournament", "--planner-games=-1"], "--planner-games must be at least 0, not -1"),
        (["tournament", "--fixed-plan=-1"], "--fixed-plan must be at least 0, not -1"),
        (["balance", "--seed=-1"], f"--seed must be {SEED_RANGE}, not -1"),
        (["sweep", "--vary", "grey_q=1,2", "--seed=-1"], f"--seed must be {SEED_RANGE}, not -1"),
        (["sweep", "--vary", "grey_q=1,2", "--workers", "0"], "--workers must be at least 1"),
        (["sweep", "--vary", "grey_q=1,2", "--games", "0"], "--games must be at least 1, not 0"),
        (["play", "--seed=-1"], f"--seed must be {SEED_RANGE}, not -1"),
    ],
)
def test_an_integer_option_out_of_range_names_its_own_flag(capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert f"g2 {argv[0]}: error: {message}" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "flag", "allowed"),
    [
        (["sim", "--seed", "x"], "--seed", SEED_RANGE),
        (["sim", "--games", "1.5"], "--games", "at least 1"),
        (["tournament", "--planner-games", "many"], "--planner-games", "at least 0"),
    ],
)
def test_an_integer_option_that_is_not_a_number_says_what_is_allowed(capsys, argv, flag, allowed):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert f"argument {flag}: {argv[-1]!r} is not a whole number; it must be {allowed}" in err
