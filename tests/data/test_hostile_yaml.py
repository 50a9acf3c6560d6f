"""Hostile YAML: every malformed data, scenario or plan file gives one clear line naming file, line and
field (exit 2 from the CLI), finishes fast, and changes nothing. The named cases are the ones a tester
found crashing, hanging or accepted as nonsense; the fuzz throws seeded random damage at every kind
of file and checks that whatever is accepted still plays finite games."""

from __future__ import annotations

import dataclasses
import math
import os
import random
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from game.ai import side_policy
from game.analysis.validate import validate_file
from game.cli import main
from game.engine.data import load_data
from game.engine.domains import PARAM_LISTS, PARAMS
from game.engine.runner import run
from game.engine.yamlsrc import MAX_BYTES, DataError, parse

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SC = "scenarios/2025-deepseek-shock.yaml"
PLAN = "plans/us-b30a-2026.yaml"
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{c}: &{c} [" + ",".join(["*" + p] * 9) + "]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def _edit(tmp: Path, src: str, old: str, new: str, name: str | None = None) -> Path:
    text = (DATA / src).read_text(encoding="utf-8")
    assert old in text, old
    p = tmp / (name or Path(src).name)
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def _assert_one_clear_line(path: Path, errors: list[str]) -> str:
    assert len(errors) == 1, errors
    msg = errors[0]
    assert "\n" not in msg and msg.startswith(f"{path}"), msg
    assert msg.count(str(path)) == 1, f"the path is printed twice: {msg}"
    assert "field '" in msg, msg
    return msg


# (name, file, old text, new text, the field named, words in the message)
CASES = [
    ("age_min NaN", SC, "age_min: 0", "age_min: .nan", "stocks.us.age_min", ["finite"]),
    ("age_max inf", SC, "age_max: 7", "age_max: .inf", "stocks.us.age_max", ["finite"]),
    ("age_min 0.9", SC, "age_min: 0", "age_min: 0.9", "stocks.us.age_min", ["whole number"]),
    ("end 9999Q4", SC, "end: 2028Q4", "end: 9999Q4", "end", ["9999Q4 is outside"]),
    ("start 0001Q1", SC, "start: 2025Q1", "start: 0001Q1", "start", ["0001Q1 is outside"]),
    ("stock NaN", SC, "b300e: 1800000", "b300e: .nan", "stocks.us.b300e", ["finite"]),
    ("stock inf", SC, "b300e: 1800000", "b300e: .inf", "stocks.us.b300e", ["finite"]),
    ("stock negative", SC, "b300e: 1800000", "b300e: -5", "stocks.us.b300e", ["at least 0"]),
    ("state NaN", SC, "cn_cloud: 50000", "cn_cloud: .nan", "state.cn_cloud", ["finite"]),
    ("lock-in -500", SC, "cuda_lockin: 78", "cuda_lockin: -500", "state.cuda_lockin", ["at least"]),
    ("share 150", SC, "nvidia_cn_share: 60", "nvidia_cn_share: 150", "state.nvidia_cn_share", []),
    (
        "shares 60 + 50",
        SC,
        "huawei_cn_share: 25",
        "huawei_cn_share: 50",
        "state.huawei_cn_share",
        ["more than the whole market"],
    ),
    ("misspelt injects", SC, "injects:", "injets:", "injets", ["did you mean 'injects'"]),
    ("misspelt briefing", SC, "briefing:", "breifing:", "breifing", ["did you mean 'briefing'"]),
    ("duplicate start", SC, "start: 2025Q1", "start: 2025Q1\nstart: 2026Q1", "start", ["line 3"]),
    ("end missing", SC, "end: 2028Q4\n", "", "end", ["missing"]),
    ("lever NaN", SC, "tension: 50", "tension: .nan", "levers.tension", ["finite"]),
    ("stance 1.5", SC, "h200_exports: deny", "h200_exports: 1.5", "levers.h200_exports", []),
    ("inject effect NaN", SC, "set: {diffusion_rule: rescinded}", "add: {tension: .nan}", "", []),
    ("alias bomb", SC, "id: 2025", BOMB + "id: 2025", "<syntax>", ["anchors"]),
    ("move cost -50", "moves.yaml", "deny: {cost: 10,", "deny: {cost: -50,", "", ["at least 0"]),
    ("move cost NaN", "moves.yaml", "deny: {cost: 10,", "deny: {cost: .nan,", "", ["finite"]),
    ("move effect NaN", "moves.yaml", "add: {tension: 4}", "add: {tension: .nan}", "", ["finite"]),
    ("move misspelt key", "moves.yaml", "    side: us", "    sied: us", "", ["'side'"]),
    ("parameter NaN", "params.yaml", "value: 0.12,", "value: .nan,", "", ["finite"]),
    (
        "US cost negative",
        "params.yaml",
        "us_cost_per_b300e: {value: 98,",
        "us_cost_per_b300e: {value: -98,",
        "us_cost_per_b300e.value",
        ["above 0"],
    ),
    ("hazard_max missing", "params.yaml", "hazard_max:", "# hazard_max:", "", ["hazard_max"]),
    ("event chance 5", "events.yaml", "chance: 0.35", "chance: 5", "", ["at most 1"]),
    ("event chance -3", "events.yaml", "chance: -0.1", "chance: -3", "", ["at least -1"]),
    ("meter bound NaN", "meters.yaml", "max: 100,", "max: .nan,", "meters.score.max", ["finite"]),
    ("meter min > max", "meters.yaml", "max: 100,", "max: -200,", "meters.score.max", ["above"]),
    (
        "plan quarter twice",
        PLAN,
        "  2026Q1: [b30a_licence:licensed]",
        "  2026Q1: [b30a_licence:licensed]\n  2026Q1: [rasa_push]",
        "quarters.2026Q1",
        ["duplicate key"],
    ),
    (
        "plan move twice",
        PLAN,
        "[b30a_licence:licensed]",
        "[h200_exports:deny, h200_exports:open]",
        "quarters.2026Q1[1]",
        ["chosen twice"],
    ),
    ("plan 2040Q1", PLAN, "2026Q1:", "2040Q1:", "quarters.2040Q1", ["outside"]),
    ("plan 0001Q1", PLAN, "2026Q1:", "0001Q1:", "quarters.0001Q1", ["0001Q1 is outside"]),
]


@pytest.mark.parametrize("name,src,old,new,field,words", CASES, ids=[c[0] for c in CASES])
def test_named_case_gives_one_clear_line(tmp_path, name, src, old, new, field, words):
    p = _edit(tmp_path, src, old, new)
    before = p.read_bytes()
    t0 = time.perf_counter()
    msg = _assert_one_clear_line(p, validate_file(p))
    assert time.perf_counter() - t0 < 1.0
    if field:
        assert f"field '{field}'" in msg, msg
    for w in words:
        assert w in msg, f"{name}: {msg!r} does not mention {w!r}"
    assert p.read_bytes() == before


def test_cli_validate_exits_2_with_a_line_a_problem(tmp_path, capsys):
    """A scenario file's problems come all at once, one line each, naming the file and the line:
    this copy of a built-in both reuses its id and ends outside the calendar."""
    p = _edit(tmp_path, SC, "end: 2028Q4", "end: 9999Q4")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith(f"{p}:") for line in err)
    assert any("9999Q4" in line for line in err) and any("already" in line for line in err)


def test_a_second_scenario_may_not_shadow_a_built_in_one(tmp_path):
    p = _edit(tmp_path, SC, "name:", "name:", "my-copy.yaml")
    msg = _assert_one_clear_line(p, validate_file(p))
    assert "already defined by" in msg and "2025-deepseek-shock.yaml" in msg


def _data_copy(tmp: Path) -> Path:
    folder = tmp / "data"
    shutil.copytree(DATA, folder)
    return folder


def test_shadowing_scenario_in_the_data_folder_stops_every_command(tmp_path):
    folder = _data_copy(tmp_path)
    shutil.copy(folder / SC, folder / "scenarios" / "zz-copy.yaml")
    with pytest.raises(DataError, match="already defined by"):
        load_data.__wrapped__(str(folder))


def test_alias_bomb_in_the_data_folder_fails_fast(tmp_path):
    folder = _data_copy(tmp_path)
    (folder / "scenarios" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="anchors"):
        load_data.__wrapped__(str(folder))
    assert time.perf_counter() - t0 < 1.0


def test_alias_without_anchor_deep_nesting_and_size(tmp_path):
    with pytest.raises(DataError, match="nested more than"):
        parse("[" * 100_000 + "]" * 100_000, "deep.yaml")
    with pytest.raises(DataError, match="larger than"):
        parse("a: " + "x" * (MAX_BYTES + 1), "big.yaml")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES)
    assert "larger than" in validate_file(big)[0]
    with pytest.raises(DataError, match="more than"):
        parse("\n".join(f"- [{i}, {i}, {i}]" for i in range(6000)), "many.yaml")
    with pytest.raises(DataError, match="merge keys"):
        parse("a: {x: 1}\nb:\n  <<: {y: 2}\n", "merge.yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_device_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    assert "not a regular file" in validate_file(fifo)[0]
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in validate_file(link)[0]
    assert "a folder" in validate_file(tmp_path)[0]
    assert time.perf_counter() - t0 < 1.0


def test_plan_outside_the_chosen_scenario_is_refused(tmp_path, capsys):
    p = _edit(tmp_path, PLAN, "2026Q1:", "2025Q2:")
    assert validate_file(p) == []  # inside some scenario...
    # ...but not inside the one it is played in
    rc = main(["sim", "--scenario", "2026-h200-thaw", "--us", str(p), "--games", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "outside scenario 2026-h200-thaw" in err[0]


def test_sweep_refuses_a_parameter_outside_its_domain(capsys):
    assert main(["sweep", "--vary", "hazard_max=-1,0.1", "--games", "2"]) == 2
    assert "at least 0" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the model's domains


def _finite_games(gd, scenario: str = "long-game", games: int = 6) -> None:
    us = side_policy("random-persona", "us", gd, 1)
    cn = side_policy("random-persona", "china", gd, 1)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        tr = run(scenario, us, cn, games, 1, gd)
    for name, v in {**tr.meters, **tr.flows}.items():
        assert np.isfinite(v).all(), name


def _param_edges():
    for name, dom in PARAMS.items():
        yield name, dom.lo + (1e-6 if dom.above else 0.0)
        yield name, dom.hi


def _at_edge(gd, name, x):
    val = [x] * len(gd.params[name]) if name in PARAM_LISTS else x
    return dataclasses.replace(gd, params={**gd.params, name: val})


EDGES = list(_param_edges())


@pytest.mark.parametrize("name,x", random.Random(9).sample(EDGES, 12), ids=lambda v: str(v)[:24])
def test_a_parameter_at_the_edge_of_its_domain_plays_finite_games(gd, name, x):
    _finite_games(_at_edge(gd, name, x))


@pytest.mark.slow
@pytest.mark.parametrize("name,x", EDGES, ids=lambda v: str(v)[:24])
def test_every_parameter_edge_plays_finite_games(gd, name, x):
    _finite_games(_at_edge(gd, name, x), games=16)


# ----------------------------------------------------------------------------- fuzz

FILES = [
    SC,
    "scenarios/long-game.yaml",
    PLAN,
    "moves.yaml",
    "events.yaml",
    "params.yaml",
    "levers.yaml",
    "meters.yaml",
]
HOSTILE = [
    math.nan,
    math.inf,
    -math.inf,
    -1e30,
    1e30,
    10**400,
    -3,
    5,
    0.9,
    -0.5,
    0,
    "",
    "x",
    "2040Q1",
    [],
    {},
    None,
    True,
    [1, [2, [3]]],
]


def _paths(v, prefix=()):
    yield prefix
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, (*prefix, k))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, (*prefix, i))


def _mutate_value(rng: random.Random, body):
    paths = [p for p in _paths(body) if p]
    path = rng.choice(paths)
    parent = body
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    kind = rng.randrange(4)
    if kind == 0 or not isinstance(parent, dict):
        parent[key] = rng.choice(HOSTILE)
    elif kind == 1:
        del parent[key]
    elif kind == 2 and isinstance(key, str) and len(key) > 2:
        i = rng.randrange(len(key) - 1)
        parent[key[:i] + key[i + 1] + key[i] + key[i + 2 :]] = parent.pop(key)
    else:
        parent[f"extra_{rng.randrange(99)}"] = rng.choice(HOSTILE)
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def _mutate_text(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    kind = rng.randrange(7)
    if kind == 0:
        return text[: rng.randrange(len(text))]
    if kind == 1:
        return "".join(lines[: i + 1] + lines[i:])  # a line (often a key) twice
    if kind == 2:
        return "".join(lines[:i] + [BOMB] + lines[i:])
    if kind == 3:
        return "".join(lines[:i] + ["\t" + lines[i]] + lines[i + 1 :])
    if kind == 4:
        junk = "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(20))
        return "".join(lines[:i] + [junk + "\n"] + lines[i:])
    if kind == 5:
        return "".join(lines[:i] + ["x: " + "[" * 200 + "]" * 200 + "\n"] + lines[i:])
    return "".join(lines[:i] + [lines[i].replace(":", ": &x", 1)] + lines[i + 1 :])


def _fuzz_one(tmp: Path, rng: random.Random, k: int) -> None:
    src = rng.choice(FILES)
    text = (DATA / src).read_text(encoding="utf-8")
    sid = None
    if src.startswith("scenarios/"):  # a new scenario (a copy under its own id would be refused)
        sid = f"fuzz-{k}"
        text = text.replace(f"id: {Path(src).stem}", f"id: {sid}", 1)
    if rng.random() < 0.5:
        new = _mutate_value(rng, yaml.safe_load(text))
    else:
        new = _mutate_text(rng, text)
    case = tmp / f"case{k}"
    case.mkdir()
    p = case / Path(src).name
    p.write_text(new, encoding="utf-8")
    t0 = time.perf_counter()
    errors = validate_file(p)  # must not raise anything but report
    assert time.perf_counter() - t0 < 1.0, src
    if errors:
        _assert_one_clear_line(p, errors)
        return
    # accepted: then it must also load as part of the data and play finite games
    if src.startswith("plans/"):
        return
    folder = case / "data"
    shutil.copytree(DATA, folder)
    (folder / (f"scenarios/{sid}.yaml" if sid else src)).write_text(new, encoding="utf-8")
    try:
        gd = load_data.__wrapped__(str(folder))
    except DataError as exc:  # e.g. a lever change that breaks a move: still one clear line
        assert "\n" not in str(exc)
        return
    played = [s.id for s in gd.scenarios.values() if s.path.endswith(f"{sid}.yaml")] if sid else []
    _finite_games(gd, played[0] if played else "long-game", games=3)


def test_fuzzed_files_give_one_line_or_finite_games(tmp_path):
    rng = random.Random(20251125)
    for k in range(40):
        _fuzz_one(tmp_path, rng, k)


@pytest.mark.slow
def test_fuzzed_files_many(tmp_path):
    rng = random.Random(7)
    for k in range(600):
        _fuzz_one(tmp_path, rng, k)
