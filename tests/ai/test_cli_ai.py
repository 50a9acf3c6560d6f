"""The AI commands from the command line: sim with personas, tournament, calibrate T11."""

from __future__ import annotations

import json

import pytest

from game.analysis.tournament import BALANCE_LIMIT, matrix_text, tournament
from game.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_sim_accepts_personas_and_is_deterministic(capsys):
    argv = ["sim", "--us", "hawk", "--china", "pragmatist", "--games", "300", "--seed", "4"]
    a = _json(capsys, [*argv, "--json"])
    b = _json(capsys, [*argv, "--json"])
    assert a == b
    assert abs(sum(a["win_rates"].values()) - 1) < 1e-9
    other = _json(capsys, [*argv[:-1], "5", "--json"])
    assert other["win_rates"] != a["win_rates"] or other["final"] != a["final"]


def test_sim_personas_differ_from_hold(capsys):
    base = ["sim", "--games", "300", "--seed", "2", "--json"]
    hold = _json(capsys, base)
    sr = _json(capsys, [*base, "--china", "self-reliance"])
    # self-reliance bans Nvidia imports: Huawei's share in China ends higher than under hold
    assert sr["final"]["huawei_cn_share"]["p50"] > hold["final"]["huawei_cn_share"]["p50"] + 5


@pytest.mark.slow  # ~2.4 s: the planner plays whole games
def test_sim_planner_and_unknown_agent(capsys):
    out = _json(capsys, ["sim", "--us", "planner:1", "--games", "20", "--seed", "1", "--json"])
    assert out["us"] == "planner:1"
    assert main(["sim", "--us", "hawkk"]) == 2
    assert "did you mean 'hawk'" in capsys.readouterr().err
    assert main(["sim", "--china", "hawk"]) == 2
    assert "us persona" in capsys.readouterr().err


def test_sim_writes_tidy_rows(tmp_path, capsys):
    out = tmp_path / "rows.jsonl"
    argv = ["sim", "--us", "dealmaker", "--china", "efficiency-first", "--games", "5"]
    assert main([*argv, "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 5 * 16
    assert {"game", "quarter", "score"} <= set(rows[0])


@pytest.mark.slow  # keeps the default run under a minute; .ci/run runs it
def test_tournament_matrix_and_verdict():
    res = tournament("2025-deepseek-shock", games=200, planner_games=0, seed=3)
    assert len(res["cells"]) == 9
    again = tournament("2025-deepseek-shock", games=200, planner_games=0, seed=3)
    assert again == res
    for c in res["cells"]:
        assert abs(c["us_wins"] + c["china_wins"] + c["draw_wins"] - 1) < 1e-9
    top = max(max(c["us_wins"], c["china_wins"]) for c in res["cells"])
    assert res["worst"]["wins"] == top
    assert res["balanced"] == (top <= BALANCE_LIMIT)
    assert res["balanced"], matrix_text(res)
    text = matrix_text(res)
    assert "hawk" in text and "efficiency-first" in text
    strict = tournament("2025-deepseek-shock", games=200, planner_games=0, seed=3, limit=0.3)
    assert not strict["balanced"]


def test_tournament_cli_exit_status(capsys):
    assert main(["tournament", "--games", "100", "--planner-games", "0", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "balance: PASS" in out
    assert main(["tournament", "--planner", "hawk"]) == 2


def test_agents_lists_every_persona(capsys):
    from game.ai import PERSONAS

    assert main(["agents"]) == 0
    out = capsys.readouterr().out
    for side in PERSONAS:
        for key, cls in PERSONAS[side].items():
            assert key in out and cls.description in out
    assert "planner" in out
