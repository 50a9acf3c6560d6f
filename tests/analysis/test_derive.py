"""Scenarios that start from a simulated state: `stocks.<channel>.by_age`, `derived_from:` and
`overrides:` in scenario files, and `g2 derive-scenario FILE [--check]` that writes and checks them.
(Deriving 1,000 runs takes well under a second, so none of this is marked slow.)"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from game.analysis.derive import MARKER, check_scenario, derive_scenario
from game.analysis.validate import validate_file
from game.cli import main
from game.engine import model
from game.engine.data import STOCK_AGES, STOCK_CHANNELS, load_data, load_scenario
from game.engine.yamlsrc import DataError, parse

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "data" / "scenarios" / "2025-deepseek-shock.yaml"
THAW = ROOT / "data" / "scenarios" / "2026-h200-thaw.yaml"
US_STOCK = re.compile(r"^  us: \{b300e: .*\}$", re.M)


def _scenario(text: str, name: str = "s.yaml"):
    gd = load_data()
    return load_scenario(parse(text, name), gd.levers, gd.figures, set(gd.scenarios))


def _with_us_stock(spec: str) -> str:
    text = BASE.read_text(encoding="utf-8")
    assert len(US_STOCK.findall(text)) == 1
    return US_STOCK.sub(f"  us: {spec}", text)


def _error(text: str) -> DataError:
    with pytest.raises(DataError) as exc:
        _scenario(text)
    return exc.value


def _run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------------------------- the schema


def test_by_age_gives_exactly_those_stocks_at_the_start():
    ages = [900000, 800000, 0, 50000.5, 1]
    sc = _scenario(_with_us_stock(f"{{by_age: {ages}, assumption: test}}"))
    gd = load_data()
    st = model.initial_state(gd, sc, 3)
    want = np.array(ages + [0] * (STOCK_AGES - len(ages)), dtype=float)
    assert np.array_equal(st.stocks[:, STOCK_CHANNELS.index("us")], np.tile(want, (3, 1)))
    assert sc.stocks["us"] == (sum(ages), 0, 4)
    assert st.meters["us_compute"][0] == pytest.approx(sum(ages))


def test_the_even_spread_form_still_spreads_b300e_over_its_ages():
    gd = load_data()
    sc = gd.scenarios["2025-deepseek-shock"]
    st = model.initial_state(gd, sc, 1)
    for i, ch in enumerate(STOCK_CHANNELS):
        amount, a0, a1 = sc.stocks[ch]
        want = np.zeros(STOCK_AGES)
        want[a0 : a1 + 1] = amount / (a1 - a0 + 1)
        assert np.array_equal(st.stocks[0, i], want), ch


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ("{by_age: [1000, 2000, -5]}", "stocks.us.by_age[2]", "at least 0"),
        (f"{{by_age: {[1] * (STOCK_AGES + 1)}}}", "stocks.us.by_age", "at most 24"),
        ("{by_age: [1000, lots]}", "stocks.us.by_age[1]", "expected a number"),
        ("{by_age: [1000, true]}", "stocks.us.by_age[1]", "expected a number"),
        ("{by_age: 1000}", "stocks.us.by_age", "expected a list"),
        ("{by_age: [.nan]}", "stocks.us.by_age[0]", "finite"),
        ("{by_age: [1000], b300e: 5}", "stocks.us.b300e", "not both"),
        ("{by_ages: [1000]}", "stocks.us.by_ages", "did you mean 'by_age'"),
    ],
)
def test_a_bad_by_age_names_the_file_the_line_and_the_field(spec, field, words):
    spec = spec[:-1] + ", assumption: test}"
    text = _with_us_stock(spec)
    err = _error(text)
    assert err.field == field and words in str(err), str(err)
    assert err.line == text.splitlines().index(f"  us: {spec}") + 1
    assert len(str(err).splitlines()) == 1


def _with_overrides(block: str) -> str:
    return BASE.read_text(encoding="utf-8") + block


def test_overrides_are_applied_over_levers_and_state():
    sc = _scenario(
        _with_overrides(
            "overrides:\n"
            '  h200_exports: {value: case_by_case, reason: "a test"}\n'
            '  tension: {value: 52, reason: "a test"}\n'
            '  cuda_lockin: {value: 70.5, reason: "a test"}\n'
        )
    )
    gd = load_data()
    assert sc.levers["h200_exports"] == gd.levers["h200_exports"].value_of("case_by_case")
    assert sc.levers["tension"] == 52 and sc.state["cuda_lockin"] == 70.5
    assert sc.overrides["tension"].reason == "a test" and sc.overrides["tension"].lever
    assert not sc.overrides["cuda_lockin"].lever


@pytest.mark.parametrize(
    ("block", "field", "words"),
    [
        ("  tension: {value: 52}\n", "overrides.tension.reason", "why"),
        ('  tension: {value: 52, reason: "  "}\n', "overrides.tension.reason", "why"),
        ("  tension: 52\n", "overrides.tension", "expected {value, reason}"),
        ('  tension: {value: 520, reason: "x"}\n', "overrides.tension.value", "at most 100"),
        ('  tension: {reason: "x"}\n', "overrides.tension.value", "missing"),
        ('  tenson: {value: 52, reason: "x"}\n', "overrides.tenson", "did you mean 'tension'"),
        ('  h200_exports: {value: opn, reason: "x"}\n', "overrides.h200_exports.value", "open"),
        ('  tension: {value: 52, reason: "x", why: "y"}\n', "overrides.tension.why", "unknown"),
    ],
)
def test_a_bad_override_names_the_field(block, field, words):
    text = _with_overrides("overrides:\n" + block)
    err = _error(text)
    assert err.field == field and words in str(err), str(err)
    assert err.line == len(text.splitlines())


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ("{scenario: long-game, us: hold, china: hold, at: 2025Q2, runs: 10, seed: 1}",
         "derived_from.at", "start"),
        ("{scenario: 2025-deepseek-shok, us: hold, china: hold, at: 2025Q1, runs: 10, seed: 1}",
         "derived_from.scenario", "did you mean '2025-deepseek-shock'"),
        ("{scenario: long-game, us: hold, china: hold, at: 2025Q1, runs: 0, seed: 1}",
         "derived_from.runs", "at least 1"),
        ("{scenario: long-game, us: hold, china: hold, at: 2025Q1, runs: 10, seed: -1}",
         "derived_from.seed", "whole number"),
        ("{scenario: long-game, us: hold, at: 2025Q1, runs: 10, seed: 1}",
         "derived_from.china", "missing"),
        ("{scenario: 2025-deepseek-shock, us: hold, china: hold, at: 2025Q1, runs: 10, seed: 1}",
         "derived_from.scenario", "itself"),
    ],
)  # fmt: skip
def test_a_bad_derived_from_names_the_field(spec, field, words):
    err = _error(BASE.read_text(encoding="utf-8") + f"derived_from: {spec}\n")
    assert err.field == field and words in str(err), str(err)


def test_every_stock_of_a_derived_scenario_needs_no_citation_of_its_own():
    sc = load_data().scenarios["2026-h200-thaw"]
    assert sc.derived_from is not None and set(sc.ages) == set(STOCK_CHANNELS)
    assert validate_file(THAW) == []


# ----------------------------------------------------------------------------- the command


def test_the_shipped_thaw_scenario_is_current(capsys):
    code, out, err = _run_cli(capsys, "derive-scenario", str(THAW), "--check")
    assert code == 0, out + err
    assert "current" in out


def test_the_thaw_scenario_keeps_the_january_2026_policies():
    gd = load_data()
    sc = gd.scenarios["2026-h200-thaw"]
    assert sc.start == sc.derived_from.at
    policy = {
        k: gd.levers[k].options[int(sc.levers[k])] for k in sc.overrides if gd.levers[k].options
    }
    assert policy == {
        "h200_exports": "case_by_case",
        "rasa_stage": "passed_house",
        "cn_imports": "approved_buyers",
        "export_fee": "fee_25",
    }
    # it starts from the backtest, not from hold vs hold
    assert (sc.derived_from.scenario, sc.derived_from.us, sc.derived_from.china) == (
        "2025-backtest",
        "us-history",
        "china-history",
    )
    assert sc.levers["tension"] == 52
    assert sc.levers["us_political_capital"] == sc.levers["cn_political_capital"] == 60
    text = THAW.read_text(encoding="utf-8")
    assert text.startswith(MARKER)
    assert "  h200_exports: case_by_case  # override: BIS" in text


def test_a_hand_edited_copy_fails_the_check_naming_the_value(tmp_path, capsys):
    text = THAW.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("  cuda_lockin: "))
    edited = text.replace(line, "  cuda_lockin: 12.5")
    p = tmp_path / "thaw.yaml"
    p.write_text(edited, encoding="utf-8")
    code, out, err = _run_cli(capsys, "derive-scenario", str(p), "--check")
    assert code == 1
    assert out.splitlines() == [
        f"{p}:{edited.splitlines().index('  cuda_lockin: 12.5') + 1}: state.cuda_lockin: "
        f"the file has 12.5, derived {line.split(': ')[1]}"
    ]
    assert "1 value(s) differ" in err
    assert p.read_text(encoding="utf-8") == edited  # --check writes nothing


def test_a_changed_override_or_stock_is_named_too(tmp_path):
    text = THAW.read_text(encoding="utf-8")
    p = tmp_path / "thaw.yaml"
    p.write_text(
        text.replace("  tension: 52  # override", "  tension: 55  # override").replace(
            "    by_age: [", "    by_age: [1, ", 1
        ),
        encoding="utf-8",
    )
    _, problems = check_scenario(p)
    fields = [x.split(": ")[1] for x in problems]
    assert "levers.tension" in fields and "stocks.us.by_age[0]" in fields, problems
    assert any("override: a truce" in x for x in problems)


def test_values_within_rounding_pass_the_check(tmp_path):
    """A value off by less than half its last digit is current (the file is rounded)."""
    text = THAW.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("  cn_rent_rmb: "))
    value = float(line.split(": ")[1])
    p = tmp_path / "thaw.yaml"
    p.write_text(text.replace(line, f"  cn_rent_rmb: {value + 1:g}"), encoding="utf-8")
    assert check_scenario(p)[1] == []


def test_regenerating_a_copy_reproduces_it(tmp_path, capsys):
    text = THAW.read_text(encoding="utf-8")
    p = tmp_path / "thaw.yaml"
    p.write_text(text, encoding="utf-8")
    code, out, _ = _run_cli(capsys, "derive-scenario", str(p))
    assert code == 0 and "wrote" in out
    assert p.read_text(encoding="utf-8") == text
    assert [x.name for x in tmp_path.iterdir()] == ["thaw.yaml"]  # no temp file left


def test_a_header_only_file_is_generated_in_full(tmp_path):
    """Only the header, `derived_from:` and `overrides:` are written by hand; the command writes
    the rest, and the old `b300e/age_min/age_max` form fails the check until it does."""
    text = THAW.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, x in enumerate(lines) if x.startswith("stocks:"))
    header = [x for x in lines[:first] if not x.startswith("#")]
    p = tmp_path / "thaw.yaml"
    p.write_text("\n".join(header) + "\n", encoding="utf-8")
    _, problems = check_scenario(p)
    assert [x.split(": ")[1] for x in problems] == ["stocks", "levers", "state"]
    derive_scenario(p)
    assert p.read_text(encoding="utf-8") == text


def test_an_old_form_scenario_fails_the_check(tmp_path):
    text = THAW.read_text(encoding="utf-8")
    old = re.sub(
        r"^  us:  #.*\n    by_age: \[[^\]]*\]\n",
        '  us: {b300e: 5000000, age_min: 0, age_max: 11, assumption: "by hand"}\n',
        text,
        flags=re.M,
    )
    assert old != text
    p = tmp_path / "thaw.yaml"
    p.write_text(old, encoding="utf-8")
    _, problems = check_scenario(p)
    assert len(problems) == 1 and "stocks.us: not given `by_age:`" in problems[0]


def test_a_few_runs_of_another_plan_derive_a_current_file(tmp_path, capsys):
    text = THAW.read_text(encoding="utf-8").replace("runs: 1000", "runs: 40")
    text = text.replace("us: us-history, china: china-history", "us: hawk, china: pragmatist")
    p = tmp_path / "thaw.yaml"
    p.write_text(text, encoding="utf-8")
    assert _run_cli(capsys, "derive-scenario", str(p))[0] == 0
    new = p.read_text(encoding="utf-8")
    assert new != text and "derived_from: {scenario: 2025-backtest, us: hawk" in new
    assert _run_cli(capsys, "derive-scenario", str(p), "--check")[0] == 0
    sc = _scenario(new, str(p))
    assert sc.levers["tension"] == 52  # the overrides still win


def test_a_derivation_that_breaks_the_scenario_writes_nothing(tmp_path, capsys):
    text = THAW.read_text(encoding="utf-8").replace(
        "overrides:\n", 'overrides:\n  nvidia_cn_share: {value: 90, reason: "a test"}\n', 1
    )
    p = tmp_path / "thaw.yaml"
    p.write_text(text, encoding="utf-8")
    code, _, err = _run_cli(capsys, "derive-scenario", str(p))
    assert code == 2 and "more than the whole market" in err
    assert p.read_text(encoding="utf-8") == text
    assert [x.name for x in tmp_path.iterdir()] == ["thaw.yaml"]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: re.sub(r"^derived_from:.*\n", "", t, flags=re.M), "derived_from"),
        (lambda t: t.replace("us: us-history, china", "us: nobody, china"), "derived_from.us"),
        (lambda t: t.replace("at: 2026Q1", "at: 2026Q2"), "derived_from.at"),
        (
            lambda t: t.replace("scenario: 2025-backtest", "scenario: nope"),
            "unknown scenario",
        ),
    ],
)
def test_a_bad_derived_from_exits_2(tmp_path, capsys, edit, words):
    p = tmp_path / "thaw.yaml"
    p.write_text(edit(THAW.read_text(encoding="utf-8")), encoding="utf-8")
    for extra in ((), ("--check",)):
        code, _, err = _run_cli(capsys, "derive-scenario", str(p), *extra)
        assert code == 2 and words in err and str(p) in err, err
        assert len(err.strip().splitlines()) == 1
