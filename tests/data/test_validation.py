"""Data validation: broken data files give errors naming the file, the line and the field; every
figure is cited and sourced; and everything is read with safe loaders."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from game.analysis.validate import validate_file
from game.engine.data import (
    load_data,
    load_events,
    load_levers,
    load_moves,
    load_params,
    load_scenario,
)
from game.engine.plans import load_plan, resolve_plan
from game.engine.yamlsrc import DataError, parse, read

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEEDS = ROOT / "seeds"
BASE = DATA / "scenarios" / "2025-deepseek-shock.yaml"
FIGURE_ID = re.compile(r"\bs\d{3}\.[a-z0-9_]+\b")


def _line_of(text: str, needle: str) -> int:
    lines = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    assert len(lines) == 1, f"{needle!r} occurs on lines {lines}"
    return lines[0]


def _broken_copy(tmp_path: Path, src: Path, old: str, new: str, name: str | None = None):
    """Copy `src` into tmp_path with one line changed; return (path, line number of the change)."""
    text = src.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    p = tmp_path / (name or src.name)
    p.write_text(text, encoding="utf-8")
    return p, _line_of(text, new.strip().splitlines()[0])


def _one_error(path: Path) -> str:
    errors = validate_file(path)
    assert len(errors) == 1, errors
    return errors[0]


# ----------------------------------------------------------------------------- the real data


def test_real_data_loads(gd):
    assert gd.moves and gd.events and gd.scenarios and gd.params and gd.figures
    assert {"2025-deepseek-shock", "calib-full-ban", "long-game"} <= set(gd.scenarios)


def _data_files():
    files = sorted(DATA.glob("*.yaml")) + sorted((DATA / "scenarios").glob("*.yaml"))
    files += sorted((DATA / "plans").glob("*.yaml")) + sorted(SEEDS.glob("*.yaml"))
    return files


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_file_validates(path):
    assert validate_file(path) == []


@pytest.mark.parametrize("path", sorted((DATA / "plans").glob("*.yaml")), ids=lambda p: p.stem)
def test_real_plans_resolve_by_name(path, gd):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    plan = resolve_plan(path.stem, gd, doc["side"])
    assert plan.by_quarter or plan.every


# ----------------------------------------------------------------------------- scenarios


SCENARIO_BREAKS = [
    # (name, old text, new text, field, words in the problem)
    (
        "typo'd lever",
        "  h200_exports: deny",
        "  h200_export: deny",
        "levers.h200_export",
        ["unknown lever"],
    ),
    (
        "bad option",
        "  b30a_licence: deny",
        "  b30a_licence: maybe",
        "levers.b30a_licence",
        ["maybe", "licensed"],
    ),
    (
        "bad inject quarter",
        "  - quarter: 2025Q2",
        "  - quarter: 2025Q5",
        "injects[0].quarter",
        ["2025Q5"],
    ),
    (
        "inject outside the scenario",
        "  - quarter: 2025Q2",
        "  - quarter: 2031Q1",
        "injects[0].quarter",
        ["outside"],
    ),
    (
        "non-number state",
        "  cn_cloud: 50000",
        "  cn_cloud: lots",
        "state.cn_cloud",
        ["expected a number", "lots"],
    ),
    ("non-number lever", "  tension: 50", "  tension: high", "levers.tension", ["high"]),
    ("lever out of range", "  tension: 50", "  tension: 500", "levers.tension", ["at most 100"]),
    (
        "unknown state field",
        "  cn_cloud: 50000",
        "  cn_cloud: 50000\n  cn_clowd: 1",
        "state.cn_clowd",
        ["unknown field", "did you mean 'cn_cloud'"],
    ),
    ("bad start", "start: 2025Q1", "start: 2025-Q1", "start", ["not a quarter"]),
    ("ends before the calendar", "end: 2028Q4", "end: 2024Q4", "end", ["outside 2025Q1"]),
    (
        "inject sets an unknown lever",
        "    set: {diffusion_rule: rescinded}",
        "    set: {diffusion_rules: rescinded}",
        "injects[0].set.diffusion_rules",
        ["unknown lever"],
    ),
]


@pytest.mark.parametrize(
    "name,old,new,field,words", SCENARIO_BREAKS, ids=[c[0] for c in SCENARIO_BREAKS]
)
def test_broken_scenario_names_file_line_and_field(tmp_path, name, old, new, field, words):
    p, line = _broken_copy(tmp_path, BASE, old, new)
    if name == "unknown state field":
        line += 1  # the new field is on the line after the one we matched
    msg = _one_error(p)
    assert msg.startswith(f"{p}:{line}: "), f"{name}: {msg!r} should start with {p}:{line}"
    assert f"'{field}'" in msg, msg
    for w in words:
        assert w in msg, f"{name}: {msg!r} does not mention {w!r}"


def test_scenario_data_error_has_path_line_and_field(tmp_path, gd):
    p, line = _broken_copy(tmp_path, BASE, "  h200_exports: deny", "  h200_export: deny")
    with pytest.raises(DataError) as exc:
        load_scenario(read(p), gd.levers, gd.figures)
    err = exc.value
    assert err.path == str(p)
    assert err.line == line == _line_of(BASE.read_text(encoding="utf-8"), "h200_exports: deny")
    assert err.field == "levers.h200_export"
    assert "did you mean 'h200_exports'" in str(err)
    assert isinstance(err, ValueError)


def test_stock_without_source_or_assumption(tmp_path):
    p, line = _broken_copy(
        tmp_path,
        BASE,
        'cn_grey: {b300e: 15000, age_min: 0, age_max: 6, assumption: "smuggled H100-class, small"}',
        "cn_grey: {b300e: 15000, age_min: 0, age_max: 6}",
    )
    msg = _one_error(p)
    assert f"{p}:{line}:" in msg and "stocks.cn_grey" in msg and "assumption" in msg


def test_extending_scenario_with_a_typo(tmp_path):
    src = DATA / "scenarios" / "long-game.yaml"
    p, line = _broken_copy(tmp_path, src, "end: 2030Q4", "end: 2030Q9")
    msg = _one_error(p)
    assert msg.startswith(f"{p}:{line}: ") and "'end'" in msg
    p2, line2 = _broken_copy(
        tmp_path, src, "extends: 2025-deepseek-shock", "extends: 2024-nothing", "x.yaml"
    )
    msg2 = _one_error(p2)
    assert msg2.startswith(f"{p2}:{line2}: ") and "'extends'" in msg2


# ----------------------------------------------------------------------------- syntax errors


def test_yaml_syntax_error_reports_its_line(tmp_path):
    p, line = _broken_copy(
        tmp_path, BASE, 'name: "2025: the DeepSeek shock"', "name: [unclosed\nstart2: x"
    )
    msg = _one_error(p)
    assert msg.startswith(f"{p}:"), msg
    assert "<syntax>" in msg and "not valid YAML" in msg
    reported = int(msg.split(":")[1])
    assert line <= reported <= line + 1, msg


def test_syntax_error_line_from_parse():
    text = "a: 1\nb: 2\nc: [1, 2\nd: 4\n"
    with pytest.raises(DataError) as exc:
        parse(text, "inline.yaml")
    assert exc.value.field == "<syntax>"
    assert exc.value.line in (3, 4)
    assert exc.value.path == "inline.yaml"


def test_tab_indentation_is_a_syntax_error(tmp_path):
    p = tmp_path / "plan.yaml"
    p.write_text("side: us\nquarters:\n\t2026Q1: [rasa_push]\n", encoding="utf-8")
    msg = _one_error(p)
    assert f"{p}:3:" in msg and "<syntax>" in msg


def test_missing_and_non_utf8_files(tmp_path):
    assert "file not found" in _one_error(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: \xff\xfe\n")
    assert "not UTF-8" in _one_error(bad)


def test_unrecognised_file(tmp_path):
    p = tmp_path / "what.yaml"
    p.write_text("hello: world\n", encoding="utf-8")
    assert "not a recognised G2 file" in _one_error(p)


# ----------------------------------------------------------------------------- plans


def _plan(tmp_path, body: str, name="plan.yaml") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


PLAN_BREAKS = [
    (
        "unknown move",
        "  2026Q2: [rasa_pushh]\n",
        "quarters.2026Q2[0]",
        ["unknown move", "did you mean 'rasa_push'"],
    ),
    (
        "wrong-side move",
        "  2026Q2: [ascend_rampup]\n",
        "quarters.2026Q2[0]",
        ["china move", "not a us move"],
    ),
    ("bad quarter", "  2026Q5: [rasa_push]\n", "quarters.2026Q5", ["not a quarter"]),
    ("bad option", "  2026Q2: [h200_exports:free]\n", "quarters.2026Q2[0]", ["no option", "free"]),
    ("missing option", "  2026Q2: [tariffs]\n", "quarters.2026Q2[0]", ["needs an option"]),
]


@pytest.mark.parametrize("name,bad,field,words", PLAN_BREAKS, ids=[c[0] for c in PLAN_BREAKS])
def test_broken_plan_names_file_line_and_field(tmp_path, gd, name, bad, field, words):
    body = "name: test plan\nside: us\nquarters:\n  2026Q1: [h200_exports:case_by_case]\n" + bad
    p = _plan(tmp_path, body)
    msg = _one_error(p)
    assert msg.startswith(f"{p}:5: "), msg
    assert f"'{field}'" in msg, msg
    for w in words:
        assert w in msg, f"{name}: {msg!r} does not mention {w!r}"
    with pytest.raises(DataError) as exc:
        load_plan(p, gd)
    assert exc.value.line == 5 and exc.value.field == field


def test_plan_for_the_wrong_side(tmp_path, gd):
    p = _plan(tmp_path, "side: china\nquarters:\n  2026Q1: [h200_imports:ban]\n")
    assert validate_file(p) == []
    with pytest.raises(DataError) as exc:
        load_plan(p, gd, side="us")
    assert exc.value.line == 1 and exc.value.field == "side"


def test_plan_unknown_field_and_bad_side(tmp_path):
    p = _plan(tmp_path, "side: us\nquarters: {}\nqaurters: {}\n")
    msg = _one_error(p)
    assert f"{p}:3:" in msg and "'qaurters'" in msg
    p = _plan(tmp_path, "side: russia\nquarters: {}\n", "p2.yaml")
    assert f"{p}:1:" in _one_error(p)


def test_unknown_plan_name(gd):
    with pytest.raises(DataError, match="no such plan"):
        resolve_plan("no-such-plan", gd, "us")


# ----------------------------------------------------------------------------- moves, events, levers, params


MOVE_BREAKS = [
    # (name, old, new, field suffix, words)
    (
        "unknown lever in effects",
        "    add: {rasa_push: 1, tension: 2}",
        "    add: {rasa_psh: 1, tension: 2}",
        "(rasa_push).add.rasa_psh",
        ["unknown lever", "did you mean 'rasa_push'"],
    ),
    (
        "unknown source figure",
        "    sources: [s001.decoupling_penalty_usd]\n",
        "    sources: [s001.decoupling_penalty_eur]\n",
        "(decoupling_push).sources[0]",
        ["s001.decoupling_penalty_eur", "not in seeds/"],
    ),
    (
        "non-number cost",
        "    cost: 10\n    add: {tension: -10}\n",
        "    cost: cheap\n    add: {tension: -10}\n",
        "(summit).cost",
        ["expected a number"],
    ),
]


def _move_error(tmp_path, gd, old, new):
    p, line = _broken_copy(tmp_path, DATA / "moves.yaml", old, new)
    with pytest.raises(DataError) as exc:
        load_moves(read(p), gd.levers, gd.figures)
    return p, line, exc.value


@pytest.mark.parametrize("name,old,new,field,words", MOVE_BREAKS, ids=[c[0] for c in MOVE_BREAKS])
def test_broken_move_names_file_and_field(tmp_path, gd, name, old, new, field, words):
    p, line, err = _move_error(tmp_path, gd, old, new)
    assert err.path == str(p)
    assert err.field.endswith(field), err.field
    # the line is inside the move (at worst its first line)
    text = p.read_text(encoding="utf-8").splitlines()
    assert err.line is not None and err.line <= line
    assert all(not t.startswith("  - id:") for t in text[err.line : line - 1]), (err.line, line)
    msg = _one_error(p)
    assert msg.startswith(f"{p}:{err.line}: ") and f"'{err.field}'" in msg
    for w in words:
        assert w in msg, f"{name}: {msg!r} does not mention {w!r}"


@pytest.mark.parametrize("name,old,new,field,words", MOVE_BREAKS, ids=[c[0] for c in MOVE_BREAKS])
def test_broken_move_reports_the_fields_own_line(tmp_path, gd, name, old, new, field, words):
    p, line, err = _move_error(tmp_path, gd, old, new)
    assert err.line == line


def test_event_with_a_non_number_chance(tmp_path, gd):
    src = DATA / "events.yaml"
    p, line = _broken_copy(tmp_path, src, "    chance: 0.05\n", "    chance: often\n")
    msg = _one_error(p)
    assert msg.startswith(f"{p}:{line}: ") and "chance" in msg and "expected a number" in msg
    with pytest.raises(DataError):
        load_events(read(p), gd.levers, gd.meters, gd.figures)


def test_lever_default_outside_its_range(tmp_path):
    src = DATA / "levers.yaml"
    old = 'tension: {kind: level, min: 0, max: 100, default: 50, name: "Tension"}'
    p, line = _broken_copy(tmp_path, src, old, old.replace("default: 50", "default: 150"))
    with pytest.raises(DataError) as exc:
        load_levers(read(p))
    assert exc.value.line == line and exc.value.field == "levers.tension.default"


def test_param_without_source_or_assumption_fails(gd):
    text = (DATA / "params.yaml").read_text(encoding="utf-8")
    line = _line_of(text, "hazard_max:")
    bare = re.sub(r"^hazard_max: .*$", "hazard_max: {value: 0.12}", text, flags=re.M)
    with pytest.raises(DataError) as exc:
        load_params(parse(bare, "params.yaml"), gd.figures, gd.levers)
    assert exc.value.line == line and exc.value.field == "hazard_max"
    assert "assumption" in str(exc.value)
    # either a source or an assumption is enough
    fig = next(iter(gd.figures))
    ok = re.sub(
        r"^hazard_max: .*$", f"hazard_max: {{value: 0.12, source: {fig}}}", text, flags=re.M
    )
    assert load_params(parse(ok, "params.yaml"), gd.figures, gd.levers)["hazard_max"] == 0.12


def test_param_file_validation(tmp_path):
    src = DATA / "params.yaml"
    text = src.read_text(encoding="utf-8")
    first = next(ln for ln in text.splitlines() if re.match(r"^\w+: \{value: ", ln))
    stripped = re.sub(r", (assumption|source): .*\}$", "}", first)
    assert stripped != first
    p, line = _broken_copy(tmp_path, src, first, stripped)
    msg = _one_error(p)
    assert msg.startswith(f"{p}:{line}: ") and "assumption" in msg
    (tmp_path / "x").mkdir()
    p2, line2 = _broken_copy(
        tmp_path / "x", src, first, re.sub(r"value: [^,}]+", "value: lots", first)
    )
    msg2 = _one_error(p2)
    assert msg2.startswith(f"{p2}:{line2}: ") and "expected a number" in msg2


def test_every_real_param_has_a_source_or_assumption():
    body = yaml.safe_load((DATA / "params.yaml").read_text(encoding="utf-8"))
    for name, spec in body.items():
        assert isinstance(spec, dict) and "value" in spec, name
        assert "source" in spec or "sources" in spec or "assumption" in spec, name


# ----------------------------------------------------------------------------- the source register


def test_every_cited_figure_exists(gd):
    files = sorted(DATA.glob("*.yaml")) + sorted((DATA / "scenarios").glob("*.yaml"))
    cited = set()
    for path in files:
        for fid in FIGURE_ID.findall(path.read_text(encoding="utf-8")):
            assert fid in gd.figures, f"{path.name} cites {fid}, which is not in seeds/"
            cited.add(fid)
    assert len(cited) > 20


def test_every_seed_figure_is_complete():
    seen = set()
    files = sorted(SEEDS.glob("*.yaml"))
    assert files
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("id", "file", "summary", "figures"):
            assert doc.get(key), f"{path.name}: no {key}"
        assert path.stem == Path(doc["file"]).stem, f"{path.name} is not named after its seed file"
        for i, fig in enumerate(doc["figures"]):
            for key in ("id", "value", "unit", "measures"):
                assert key in fig and fig[key] not in (None, ""), (
                    f"{path.name} figures[{i}] has no {key}"
                )
            assert isinstance(fig["value"], (int, float)) and not isinstance(fig["value"], bool)
            assert fig["id"].startswith(doc["id"] + "."), f"{fig['id']} is not in {doc['id']}"
            assert fig["id"] not in seen, f"duplicate figure id {fig['id']}"
            seen.add(fig["id"])


def test_broken_seed_figure_fails(tmp_path, monkeypatch):
    from game.engine import data

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    victim = sorted(seeds.glob("*.yaml"))[0]
    text = victim.read_text(encoding="utf-8")
    m = re.search(r"\n    value: [^\n]+\n", text)
    victim.write_text(text[: m.start()] + "\n    value: many\n" + text[m.end() :], encoding="utf-8")
    with pytest.raises(DataError) as exc:
        data.load_figures(seeds)
    assert exc.value.path == str(victim) and "value" in exc.value.field


# ----------------------------------------------------------------------------- safe loading


def test_no_unsafe_loading_in_the_package():
    offenders = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for bad in ("yaml.load(", "yaml.unsafe_load", "pickle", "eval(", "exec("):
            for i, line in enumerate(text.splitlines(), 1):
                if bad in line and "literal_eval(" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_yaml_tags_cannot_build_objects(tmp_path):
    p = tmp_path / "evil.yaml"
    p.write_text("id: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    errors = validate_file(p)
    assert len(errors) == 1 and "<syntax>" in errors[0]


def test_load_data_from_a_broken_copy_names_the_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    target = data / "moves.yaml"
    text = target.read_text(encoding="utf-8")
    old = "    cost: 10\n    add: {tension: -10}\n"
    assert text.count(old) == 1
    target.write_text(
        text.replace(old, "    cost: cheap\n    add: {tension: -10}\n"), encoding="utf-8"
    )
    with pytest.raises(DataError) as exc:
        load_data(str(data))
    assert exc.value.path == str(target)


def test_scenario_without_source_or_assumption_for_its_numbers_fails(tmp_path):
    """A scenario's starting numbers must cite seeds/ figures or say why they were chosen."""
    from game.engine.data import data_dir

    text = (data_dir() / "scenarios" / "2026-h200-thaw.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("sources:"))
    end = next(i for i, x in enumerate(lines) if x.startswith("briefing:"))
    path = tmp_path / "uncited.yaml"
    path.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")
    problems = validate_file(path)
    assert len(problems) == 1
    assert str(path) in problems[0] and "assumption" in problems[0]
