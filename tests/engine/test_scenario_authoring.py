"""Scenario authoring for the classroom: the scenario schema ({en, zh} text, roles, `moves:`,
`victory:`, `event` injects), scenario files from anywhere and their saves, the facilitator's
injects during play, validation that reports every problem at once, the template, and the
design lab on a file's scenario."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from game.ai import agent_policy, agent_rng, make_agent
from game.ai.base import observe
from game.analysis import balance
from game.analysis.authoring import (
    Problem,
    is_one_sided,
    resolve_scenario,
    scenario_template,
    template_id,
    validate_scenario,
)
from game.analysis.validate import validate_file
from game.engine import api, model
from game.engine.api import (
    SAVE_SCHEMA,
    Game,
    IllegalMove,
    InjectError,
    SaveError,
    load_game,
    new_game,
    read_save,
)
from game.engine.batch import Batch
from game.engine.data import (
    DEFAULT_SCENARIO,
    Role,
    load_data,
    load_scenario_file,
    load_scenario_text,
    parse_quarter,
)
from game.engine.plans import Plan
from game.engine.runner import run
from game.engine.yamlsrc import DataError

HOLD = Plan("hold", None)
GOLDEN_V1 = Path(__file__).resolve().parents[1] / "data" / "golden_save.json"
GOLDEN_V2 = Path(__file__).resolve().parents[1] / "data" / "golden_save_v2.json"
REGEN = "if the change is intended, run `uv run python tests/data/make_golden_save.py`"

CLASS = """\
id: test-class
name: {en: "2026: the Senate decides", zh: "2026：参议院的抉择"}
extends: 2025-deepseek-shock
start: 2025Q1
end: 2026Q4
briefing: {en: "Everyone reads this.", zh: "所有人都读这个。"}
description: {en: "A note for teachers.", zh: "给老师的说明。"}
overrides:
  tension: {value: 55, reason: "the class starts tense"}
moves:
  us: [h200_exports, rasa_push, stargate_tranche, chip_subsidy]
  china: [h200_imports, ascend_rampup, neocloud_access]
roles:
  us:
    briefing: {en: "Lead the US.", zh: "领导美国。"}
    objectives: [{en: "Keep the score at US +5 or more", zh: "保持美国 +5 或以上"}, "Pass RASA"]
  china: {briefing: "Lead China.", objectives: []}
victory: {margin: 5}
injects:
  - {quarter: 2025Q3, headline: {en: "Strait crisis.", zh: "海峡危机。"}, add: {tension: 10}}
  - {quarter: 2026Q1, event: hbm_shortage}
"""


@pytest.fixture(scope="module")
def gd():
    return load_data()


def _write(tmp_path: Path, text: str, name: str = "class.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


@pytest.fixture()
def class_file(tmp_path):
    return _write(tmp_path, CLASS)


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _load_error(tmp_path, text: str) -> DataError:
    p = _write(tmp_path, text, "bad.yaml")
    with pytest.raises(DataError) as exc:
        load_scenario_file(p)
    return exc.value


# ----------------------------------------------------------------------------- 1. the schema


def test_bilingual_text_stores_english_and_collects_chinese(class_file):
    gd, sid = load_scenario_file(class_file)
    sc = gd.scenarios[sid]
    assert sc.name == "2026: the Senate decides" and sc.briefing == "Everyone reads this."
    assert sc.roles["us"] == Role("Lead the US.", ("Keep the score at US +5 or more", "Pass RASA"))
    assert sc.roles["china"] == Role("Lead China.", ())
    assert sc.injects[0].headline == "Strait crisis."
    zh = gd.translations["zh"]
    assert zh["2026: the Senate decides"] == "2026：参议院的抉择"
    assert zh["Everyone reads this."] == "所有人都读这个。"
    assert sc.description == "A note for teachers." and zh[sc.description] == "给老师的说明。"
    assert zh["Lead the US."] == "领导美国。"
    assert zh["Keep the score at US +5 or more"] == "保持美国 +5 或以上"
    assert zh["Strait crisis."] == "海峡危机。"
    assert "Pass RASA" not in zh  # English only: nothing to translate


def test_front_ends_translate_a_files_text_with_add_translations(class_file):
    from game.i18n import add_translations, language, set_language, tc

    gd, _ = load_scenario_file(class_file)
    add_translations(gd.translations)
    before = language()
    try:
        set_language("zh")
        assert tc("Strait crisis.") == "海峡危机。"
    finally:
        set_language(before)


def test_roles_are_frozen_and_empty_when_not_given(gd, class_file):
    sc = gd.scenarios[DEFAULT_SCENARIO]
    assert sc.roles == {} and sc.role("us") == Role() and sc.role("us").objectives == ()
    assert sc.allowed is None and sc.win_margin is None
    role = load_scenario_file(class_file)[0].scenarios["test-class"].roles["us"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        role.briefing = "x"


def test_a_plain_string_is_english(tmp_path):
    text = _edit(
        CLASS, 'name: {en: "2026: the Senate decides", zh: "2026：参议院的抉择"}', 'name: "Plain"'
    )
    gd, sid = load_scenario_file(_write(tmp_path, text))
    assert gd.scenarios[sid].name == "Plain" and "Plain" not in gd.translations["zh"]


def test_extends_replaces_a_text_whole(tmp_path):
    """A file's {en} name over a base's text must not keep the base's other language."""
    text = _edit(
        CLASS,
        'name: {en: "2026: the Senate decides", zh: "2026：参议院的抉择"}',
        'name: {en: "Only English"}',
    )
    gd, sid = load_scenario_file(_write(tmp_path, text))
    assert gd.scenarios[sid].name == "Only English"
    assert "Only English" not in gd.translations.get("zh", {})


def test_allowed_moves_and_victory_margin_are_loaded(class_file):
    gd, sid = load_scenario_file(class_file)
    sc = gd.scenarios[sid]
    assert sc.allowed == {
        "us": ("h200_exports", "rasa_push", "stargate_tranche", "chip_subsidy"),
        "china": ("h200_imports", "ascend_rampup", "neocloud_access"),
    }
    assert sc.win_margin == 5.0 and gd.win_margin(sid) == 5.0
    assert Game(sid, 1, data=gd).win_margin == 5.0
    assert new_game(DEFAULT_SCENARIO, 1).win_margin == gd.params["win_margin"]


def test_a_side_left_out_of_moves_keeps_all_its_moves(tmp_path):
    text = _edit(CLASS, "  china: [h200_imports, ascend_rampup, neocloud_access]\n", "")
    gd, sid = load_scenario_file(_write(tmp_path, text))
    g = Game(sid, 1, data=gd)
    assert all(m.in_scenario for m in g.moves("china"))
    assert not all(m.in_scenario for m in g.moves("us"))


def test_moves_outside_the_scenario_are_illegal_everywhere(class_file):
    gd, sid = load_scenario_file(class_file)
    g = Game(sid, 3, data=gd)
    out = {m.id: m for m in g.moves("us")}
    assert (
        not out["b30a_licence"].legal and out["b30a_licence"].reason == "not part of this scenario"
    )
    assert not out["b30a_licence"].in_scenario and out["rasa_push"].in_scenario
    assert "b30a_licence" not in {m.id for m in g.legal_moves("us")}
    assert {m.id for m in g.legal_moves("us")} <= set(gd.scenarios[sid].allowed["us"])
    digest = g.digest()
    with pytest.raises(IllegalMove, match="not part of this scenario"):
        g.play_turn({"us": ["b30a_licence:licensed"]})
    assert g.digest() == digest and not g.history
    # the batch engine's legality, which every AI reads
    obs = observe(Batch(sid, 4, 1, gd), "china")
    for j, legal in obs.legal.items():
        if not gd.scenarios[sid].allows(gd.moves[j]):
            assert not legal.any(), gd.moves[j].id


def test_the_bill_tracker_offers_no_push_the_scenario_leaves_out(class_file):
    gd, sid = load_scenario_file(class_file)
    bills = {b.track: b for b in Game(sid, 1, data=gd).bills("us")}
    assert bills["rasa_stage"].push_move == "rasa_push"  # in the scenario
    safe = bills["safe_stage"]  # safe_chips_push is not
    assert safe.push_move is None and safe.chance_if_pushed == safe.chance_if_not


def test_ais_and_plans_never_play_moves_outside_the_scenario(class_file):
    gd, sid = load_scenario_file(class_file)
    sc = gd.scenarios[sid]
    out = np.array([not sc.allows(m) for m in gd.moves])
    batch = Batch(sid, 64, 5, gd)
    agents = {
        "us": agent_policy(make_agent("hawk", "us"), agent_rng(5, "us")),
        "china": agent_policy(make_agent("self-reliance", "china"), agent_rng(5, "china")),
    }
    while not batch.done:
        choices = np.maximum(agents["us"](batch), agents["china"](batch))
        assert (choices[:, out] < 0).all()
        batch.step(choices)
    # a plan naming a move the scenario leaves out: skipped, like any illegal move
    j = gd.move_index["b30a_licence"]
    plan = Plan("test", "us", {sc.start: [(j, 1)]})
    tr = run(sid, plan, HOLD, 4, 1, gd, until=sc.start)
    assert tr.n == 4
    b = Batch(sid, 4, 1, gd)
    ch = b.no_moves()
    ch[:, j] = 1
    b.step(ch)
    assert (b.state.lev["b30a_licence"] == 0).all()


def test_the_result_uses_the_scenarios_margin(tmp_path):
    text = _edit(CLASS, "victory: {margin: 5}", "victory: {margin: 100}")
    gd, sid = load_scenario_file(_write(tmp_path, text))
    hold = HOLD
    tr = run(sid, hold, hold, 200, 7, gd)
    at_end = tr.ended == len(tr.quarters)
    assert at_end.any()
    assert (tr.result[at_end] == model.RESULT_DRAW).all()  # nobody reaches 100 points
    # and the default margin decides some of the same games
    gd3 = dataclasses.replace(
        gd, scenarios={**gd.scenarios, sid: dataclasses.replace(gd.scenarios[sid], win_margin=None)}
    )
    tr3 = run(sid, hold, hold, 200, 7, gd3)
    assert (tr3.result[at_end] != model.RESULT_DRAW).any()


def test_an_event_inject_fires_the_catalogue_event_at_its_quarter(class_file):
    gd, sid = load_scenario_file(class_file)
    g = Game(sid, 2, data=gd)
    q = parse_quarter("2026Q1")
    while parse_quarter(g.quarter) < q:
        g.play_turn({})
    r = g.play_turn({})
    assert r.quarter == "2026Q1"
    assert "hbm_shortage" in g.history[-1]["events"]
    rep = [e for e in r.events if e.id == "hbm_shortage"][0]
    assert rep.name == "HBM shortage" and rep.headline
    assert not [e for e in r.events if e.id == "inject"]  # reported once, as the event


def test_an_event_inject_needs_the_events_requirements(tmp_path):
    """A legislative event fired by an inject still needs its stage: it cannot skip one."""
    text = _edit(CLASS, "event: hbm_shortage", "event: rasa_signed")
    gd, sid = load_scenario_file(_write(tmp_path, text))
    signed = gd.levers["rasa_stage"].options.index("signed")
    b = Batch(sid, 200, 3, gd)
    while b.state.q < parse_quarter("2026Q1"):
        b.step(b.no_moves())
    before = b.state.lev["rasa_stage"].copy()
    b.step(b.no_moves())
    after = b.state.lev["rasa_stage"]
    ready = before == signed - 1
    assert (after[ready] >= signed).all()  # fired where RASA had passed the Senate
    assert (after[~ready] < signed).all()  # nowhere else
    assert (~ready).any()


# ----------------------------------------------------------------------------- 1. load errors


@pytest.mark.parametrize(
    "old,new,field,words",
    [
        (
            'zh: "2026：参议院的抉择"',
            'zn: "x"',
            "name.zn",
            ["unknown language", "did you mean 'zh'"],
        ),
        ('zh: "2026：参议院的抉择"', 'cn: "x"', "name.cn", ["did you mean 'zh'"]),
        (
            '{en: "Everyone reads this.", zh: "所有人都读这个。"}',
            '{zh: "只有中文"}',
            "briefing.en",
            ["missing", "English"],
        ),
        (
            "rasa_push, stargate",
            "rasa_psh, stargate",
            "moves.us[1]",
            ["unknown move", "did you mean 'rasa_push'"],
        ),
        ("[h200_imports,", "[rasa_push, h200_imports,", "moves.china[0]", ["a US move"]),
        (
            "event: hbm_shortage",
            "event: hbm_shortag",
            "injects[1].event",
            ["unknown event", "did you mean 'hbm_shortage'"],
        ),
        ("margin: 5", "margin: 0", "victory.margin", ["above 0"]),
        ("margin: 5", "margin: 101", "victory.margin", ["at most 100"]),
        (
            "victory: {margin: 5}",
            "victory: {margni: 5}",
            "victory.margni",
            ["did you mean 'margin'"],
        ),
        ("roles:\n", "roles:\n  nato: {briefing: x}\n", "roles.nato", ["unknown field"]),
    ],
)
def test_schema_errors_name_the_field(tmp_path, old, new, field, words):
    err = _load_error(tmp_path, _edit(CLASS, old, new))
    assert err.field == field, str(err)
    for w in words:
        assert w in str(err), str(err)
    assert err.line is not None


def test_a_file_may_not_reuse_a_built_in_id(tmp_path):
    err = _load_error(tmp_path, _edit(CLASS, "id: test-class", f"id: {DEFAULT_SCENARIO}"))
    assert err.field == "id" and "already defined by" in str(err)


def test_a_scenario_file_names_its_own_id(tmp_path):
    err = _load_error(tmp_path, _edit(CLASS, "id: test-class\n", ""))
    assert err.field == "id" and "missing" in str(err)


def test_a_built_in_scenarios_own_file_loads_as_it_is(gd):
    got, sid = load_scenario_file(Path(gd.scenarios["long-game"].path))
    assert sid == "long-game" and got is gd


# ----------------------------------------------------------------------------- 2. files and saves


def test_a_game_on_a_file_saves_and_replays_without_the_file(tmp_path, class_file):
    gd, sid = load_scenario_file(class_file)
    g = new_game(sid, 9, data=gd)
    for moves in ({"us": ["rasa_push"]}, {"china": ["ascend_rampup"]}, {}, {}):
        g.play_turn(moves)
    p = g.save(tmp_path / "saves" / "class.json")
    class_file.unlink()  # another machine: no scenario file
    body = read_save(p)
    assert body["schema"] == SAVE_SCHEMA == 2
    assert body["scenario_file"] == {"name": "class.yaml", "text": CLASS}
    g2 = load_game(p)
    assert g2.digest() == g.digest() and g2.scenario == sid and g2.meters == g.meters
    assert g2.data.scenarios[sid].roles["us"].briefing == "Lead the US."
    assert g2.data.translations["zh"]["Strait crisis."] == "海峡危机。"
    g2.save(tmp_path / "again.json")  # and saves it again, file included
    assert read_save(tmp_path / "again.json")["scenario_file"]["text"] == CLASS


def test_a_built_in_games_save_carries_no_file(tmp_path):
    g = new_game(DEFAULT_SCENARIO, 1)
    g.play_turn({})
    body = read_save(g.save(tmp_path / "s.json"))
    assert "scenario_file" not in body and "injects" not in body["history"][0]


def test_an_old_save_still_loads():
    body = json.loads(GOLDEN_V1.read_text(encoding="utf-8"))
    assert body["schema"] == 1
    assert load_game(GOLDEN_V1).digest() == body["digest"]


def _file_save(tmp_path, class_file) -> dict:
    gd, sid = load_scenario_file(class_file)
    g = Game(sid, 4, data=gd)
    g.play_turn({})
    return json.loads(g.save(tmp_path / "f.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "change,words",
    [
        (
            lambda b: b["scenario_file"].update(text=b["scenario_file"]["text"] + "x: &a 1\n"),
            ["anchors"],
        ),
        (
            lambda b: b["scenario_file"].update(
                text=b["scenario_file"]["text"].replace("margin: 5", "margin: 500")
            ),
            ["victory.margin"],
        ),
        (lambda b: b["scenario_file"].update(text="a" * 300_000), ["scenario_file"]),
        (lambda b: b["scenario_file"].update(text=5), ["scenario_file"]),
        (lambda b: b["scenario_file"].pop("name"), ["scenario_file"]),
        (lambda b: b.update(scenario="other-class"), ["other-class", "altered"]),
        (
            lambda b: b["scenario_file"].update(text=CLASS.replace("test-class", DEFAULT_SCENARIO)),
            ["already defined"],
        ),
        (lambda b: b.pop("scenario_file"), ["unknown scenario"]),
    ],
)
def test_a_bad_embedded_scenario_file_is_refused(tmp_path, class_file, change, words):
    body = _file_save(tmp_path, class_file)
    change(body)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(body), encoding="utf-8")
    before = p.read_bytes()
    with pytest.raises(SaveError) as exc:
        load_game(p)
    msg = str(exc.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, msg
    assert p.read_bytes() == before


def test_load_scenario_text_uses_the_same_limits():
    with pytest.raises(DataError, match="larger than"):
        load_scenario_text(CLASS + "#" * 300_000, "big.yaml")
    gd, sid = load_scenario_text(CLASS, "class.yaml")
    assert sid == "test-class" and gd.scenarios[sid].text == CLASS


# ----------------------------------------------------------------------------- 3. the facilitator


def test_facilitator_injects_apply_show_and_are_recorded():
    g = new_game(DEFAULT_SCENARIO, 3)
    twin = new_game(DEFAULT_SCENARIO, 3)
    r = g.play_turn(
        {"us": ["rasa_push"]},
        injects=[
            {"event": "hbm_shortage"},
            {"headline": "Strait crisis", "add": {"tension": 10}, "set": {"h200_exports": "open"}},
        ],
    )
    twin.play_turn({"us": ["rasa_push"]})
    assert [(e.id, e.name, e.headline) for e in r.events][:2] == [
        ("facilitator", "Facilitator", "Strait crisis"),
        ("hbm_shortage", "HBM shortage", "HBM stockpiles run dry: Ascend shipments stall."),
    ]
    assert "hbm_shortage" in g.history[0]["events"]
    assert g.history[0]["injects"] == [
        {"event": "hbm_shortage"},
        {"headline": "Strait crisis", "add": {"tension": 10.0}, "set": {"h200_exports": 2.0}},
    ]
    assert g.policy()["h200_exports"] == "open" and twin.policy()["h200_exports"] == "deny"
    assert "facilitator: Strait crisis" in r.why["tension"]
    assert g.observation("china")["history"][0]["injects"] == g.history[0]["injects"]
    assert twin.history[0]["injects"] == []


def test_facilitator_injects_replay_bit_for_bit(tmp_path):
    g = new_game(DEFAULT_SCENARIO, 8)
    g.play_turn({}, injects=[{"headline": "Tariff shock", "mul": {"tension": 1.15}}])
    g.play_turn({"china": ["ascend_rampup"]}, injects=[{"event": "trade_truce"}])
    g.play_turn({})
    body = read_save(g.save(tmp_path / "f.json"))
    assert body["history"][0]["injects"] == [{"headline": "Tariff shock", "mul": {"tension": 1.15}}]
    assert "injects" not in body["history"][2]
    assert load_game(tmp_path / "f.json").digest() == g.digest()
    # without its injects the same history is another game: the save detects it
    for rec in body["history"]:
        rec.pop("injects", None)
    (tmp_path / "g.json").write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(SaveError, match="digest"):
        load_game(tmp_path / "g.json")


def test_golden_replay_with_a_scenario_file_and_injects():
    body = json.loads(GOLDEN_V2.read_text(encoding="utf-8"))
    assert body["schema"] == 2 and body["scenario"] == "golden-class"
    assert any(rec.get("injects") for rec in body["history"])
    try:
        g = load_game(GOLDEN_V2)
    except SaveError as exc:
        pytest.fail(f"the golden game no longer replays: {exc}\n{REGEN}")
    assert g.digest() == body["digest"], REGEN
    for k, v in body["extra"]["meters"].items():
        assert g.meters[k] == pytest.approx(v, rel=1e-6, abs=1e-6), f"{k}; {REGEN}"
    assert g.policy() == body["extra"]["policy"]
    assert [r["events"] for r in g.history] == body["extra"]["events"]
    assert "trade_truce" in g.history[1]["events"] and "hbm_shortage" in g.history[2]["events"]


@pytest.mark.parametrize(
    "injects,words",
    [
        ("x", ["must be a list"]),
        ([5], ["inject 1", "expected an inject"]),
        ([{"event": "hbm_shortag"}], ["inject 1, event", "did you mean 'hbm_shortage'"]),
        ([{"headline": "x", "add": {"tensio": 1}}], ["add.tensio", "did you mean 'tension'"]),
        ([{"headline": "x", "add": {"tension": 1000}}], ["add.tension", "at most"]),
        ([{"headline": "x", "set": {"h200_exports": "opne"}}], ["set.h200_exports", "opne"]),
        ([{"headline": "x", "mul": {"tension": float("nan")}}], ["finite"]),
        ([{"add": {"tension": 1}}], ["headline", "missing"]),
        ([{"headline": "a\nb"}], ["one line"]),
        ([{"headline": "x", "quarter": "2025Q1"}], ["unknown field", "quarter"]),
        ([{"event": "hbm_shortage", "add": {"tension": 1}}], ["not both"]),
        ([{"event": "rasa_signed"}], ["cannot happen now", "RASA"]),
        ([{"event": "hbm_shortage"}, {"event": "hbm_shortage"}], ["inject 2", "twice"]),
        ([{"headline": "x"}] * (api.MAX_INJECTS + 1), ["at most"]),
    ],
)
def test_bad_facilitator_injects_are_refused_and_change_nothing(injects, words):
    g = new_game(DEFAULT_SCENARIO, 5)
    digest = g.digest()
    with pytest.raises(InjectError) as exc:
        g.play_turn({"us": ["rasa_push"]}, injects=injects)
    assert isinstance(exc.value, IllegalMove)
    for w in words:
        assert w in str(exc.value), str(exc.value)
    assert g.digest() == digest and not g.history


def test_a_once_event_that_happened_cannot_be_fired_again():
    g = new_game(DEFAULT_SCENARIO, 5)
    g.play_turn({}, injects=[{"event": "litho_breakthrough"}])
    assert "litho_breakthrough" in g.history[0]["events"]
    cat = {e.id: e for e in g.event_catalogue()}
    assert not cat["litho_breakthrough"].ready and "once" in cat["litho_breakthrough"].reason
    with pytest.raises(InjectError, match="already happened"):
        g.play_turn({}, injects=[{"event": "litho_breakthrough"}])


def test_the_event_catalogue_lists_every_event_with_its_name(gd):
    g = new_game(DEFAULT_SCENARIO, 1)
    cat = g.event_catalogue()
    assert [e.id for e in cat] == g.event_ids() == [e.id for e in gd.events]
    by = {e.id: e for e in cat}
    assert by["hbm_shortage"].name == "HBM shortage" and by["hbm_shortage"].ready
    assert by["rasa_house_vote"].ready and not by["rasa_signed"].ready
    assert "RASA" in by["rasa_signed"].reason and by["rasa_signed"].headline


@pytest.mark.parametrize(
    "bad,words",
    [
        ("x", ["history[0].injects"]),
        ([{"event": "Bad Id!"}], ["history[0].injects[0]"]),
        ([{"headline": 5}], ["headline"]),
        ([{"headline": "x", "add": {"tension": "lots"}}], ["add.tension"]),
        ([{"headline": "x", "add": {"tension": True}}], ["add.tension"]),
        ([{"headline": "x", "bogus": 1}], ["unknown field"]),
        ([{"headline": "x", "add": [1]}], ["add"]),
        ([{"event": "hbm_shortage", "headline": "x"}], ["event inject"]),
        ([{"event": "no_such_event"}], ["does not replay", "unknown event"]),
    ],
)
def test_saved_injects_are_checked(tmp_path, bad, words):
    g = new_game(DEFAULT_SCENARIO, 2)
    g.play_turn({}, injects=[{"event": "hbm_shortage"}])
    body = json.loads(g.save(tmp_path / "s.json").read_text(encoding="utf-8"))
    body["history"][0]["injects"] = bad
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(SaveError) as exc:
        load_game(p)
    for w in words:
        assert w in str(exc.value), str(exc.value)


def test_injects_work_on_a_file_scenario_and_clone(class_file):
    gd, sid = load_scenario_file(class_file)
    g = Game(sid, 1, data=gd)
    g.play_turn({}, injects=[{"headline": "Drill", "add": {"tension": 3}}])
    c = g.clone()
    c.history[0]["injects"][0]["headline"] = "changed"
    assert g.history[0]["injects"][0]["headline"] == "Drill"


# ----------------------------------------------------------------------------- 4. validation


def _problems(tmp_path, text: str) -> list[Problem]:
    return validate_scenario(_write(tmp_path, text, "v.yaml"))


def _one(tmp_path, old: str, new: str) -> Problem:
    problems = _problems(tmp_path, _edit(CLASS, old, new))
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_a_good_file_has_no_problems(class_file, gd):
    assert validate_scenario(class_file) == []
    assert validate_scenario(gd.scenarios["long-game"].path) == []  # a built-in's own file


def test_every_independent_error_in_one_pass(tmp_path):
    text = _edit(CLASS, "victory:", "victroy:")
    text = _edit(text, "quarter: 2025Q3", "quarter: 2025Q5")
    text = _edit(text, "rasa_push, stargate", "rasa_psh, stargate")
    problems = _problems(tmp_path, text)
    assert [p.field for p in problems] == ["moves.us[1]", "victroy", "injects[0].quarter"]
    assert all(p.file.endswith("v.yaml") and p.line for p in problems)
    assert "did you mean 'victory'" in problems[1].message
    assert "did you mean 'rasa_push'" in problems[0].message
    assert str(problems[0]).startswith(
        f"{problems[0].file}:{problems[0].line}: field 'moves.us[1]'"
    )


def test_problems_come_in_the_order_of_the_file(tmp_path):
    text = _edit(CLASS, "end: 2026Q4", "end: 2024Q4")
    text = _edit(text, "margin: 5", "margin: -1")
    text = _edit(
        text,
        'name: {en: "2026: the Senate decides", zh: "2026：参议院的抉择"}',
        'name: {en: "x", fr: "y"}',
    )
    problems = _problems(tmp_path, text)
    lines = [p.line for p in problems]
    assert lines == sorted(lines) and len(problems) == 3


# one test per kind of message: (old, new, field, words)
MESSAGES = {
    "unknown key": ("victory:", "victroy:", "victroy", ["unknown field", "did you mean 'victory'"]),
    "wrong type": ("end: 2026Q4", "end: [2026Q4]", "end", ["not a quarter"]),
    "wrong type of a text": (
        "briefing: {en",
        "briefing: [1]\nx_briefing: {en",
        "briefing",
        ["expected text"],
    ),
    "quarter out of range": (
        "quarter: 2025Q3",
        "quarter: 2027Q1",
        "injects[0].quarter",
        ["outside"],
    ),
    "bad quarter": ("quarter: 2025Q3", "quarter: 2025Q5", "injects[0].quarter", ["2025Q5"]),
    "end before start": ("end: 2026Q4", "end: 2024Q4", "end", ["outside"]),
    "unknown move": (
        "rasa_push, stargate",
        "rasa_psh, stargate",
        "moves.us[1]",
        ["unknown move", "did you mean 'rasa_push'"],
    ),
    "unknown event": (
        "event: hbm_shortage",
        "event: hbm_shortag",
        "injects[1].event",
        ["unknown event", "did you mean 'hbm_shortage'"],
    ),
    "unknown lever": (
        "add: {tension: 10}",
        "add: {tensoin: 10}",
        "injects[0].add.tensoin",
        ["unknown lever", "did you mean 'tension'"],
    ),
    "wrong side's move": (
        "[h200_imports,",
        "[chip_subsidy, h200_imports,",
        "moves.china[0]",
        ["a US move"],
    ),
    "margin out of range": ("margin: 5", "margin: 200", "victory.margin", ["at most 100"]),
    "margin not above 0": ("margin: 5", "margin: 0", "victory.margin", ["above 0"]),
    "missing en": (
        '{en: "Lead the US.", zh: "领导美国。"}',
        '{zh: "领导美国。"}',
        "roles.us.briefing.en",
        ["missing", "English"],
    ),
    "unknown language key": (
        'zh: "海峡危机。"',
        'zh_CN: "海峡危机。"',
        "injects[0].headline.zh_CN",
        ["unknown language", "did you mean 'zh'"],
    ),
    "duplicate id with a built-in": (
        "id: test-class",
        "id: long-game",
        "id",
        ["already defined by", "long-game.yaml"],
    ),
    "unknown role side": (
        "  china: {briefing",
        "  chnia: {briefing",
        "roles.chnia",
        ["did you mean 'china'"],
    ),
    "option instead of a move": (
        "[h200_exports,",
        "[h200_exports:deny,",
        "moves.us[0]",
        ["option"],
    ),
}


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_each_kind_of_validation_message(tmp_path, kind):
    old, new, field, words = MESSAGES[kind]
    text = _edit(CLASS, old, new)
    if kind == "end before start":  # inside the calendar, before the start
        text = _edit(CLASS, "start: 2025Q1", "start: 2026Q1")
        text = _edit(text, "end: 2026Q4", "end: 2025Q4")
        text = _edit(text, "quarter: 2025Q3", "quarter: 2026Q2")
        words = ["ends before it starts"]
    problems = _problems(tmp_path, text)
    hit = [p for p in problems if p.field == field]
    assert hit, [str(p) for p in problems]
    for w in words:
        assert w in hit[0].message, hit[0].message
    assert hit[0].line and hit[0].file.endswith("v.yaml")


def test_unreadable_files_are_one_problem(tmp_path):
    p = _write(tmp_path, "id: [unclosed\n", "syntax.yaml")
    (problem,) = validate_scenario(p)
    assert problem.field == "<syntax>"
    (missing,) = validate_scenario(tmp_path / "nothing.yaml")
    assert "not found" in missing.message
    (anchor,) = validate_scenario(_write(tmp_path, CLASS + "x: &a 1\n", "anchor.yaml"))
    assert "anchors" in anchor.message


def test_an_unknown_base_is_reported_with_the_other_errors(tmp_path):
    text = _edit(CLASS, "extends: 2025-deepseek-shock", "extends: 2025-deepseek-shok")
    text = _edit(text, "margin: 5", "margin: 500")
    fields = [p.field for p in _problems(tmp_path, text)]
    assert "extends" in fields and "victory.margin" in fields


def test_g2_validate_still_reports_one_line_per_file(tmp_path):
    text = _edit(CLASS, "victory:", "victroy:")
    text = _edit(text, "rasa_push, stargate", "rasa_psh, stargate")
    errors = validate_file(_write(tmp_path, text, "v.yaml"))
    assert len(errors) == 1 and "field '" in errors[0]
    assert validate_file(_write(tmp_path, CLASS, "ok.yaml")) == []


# ----------------------------------------------------------------------------- 5. the template


def test_the_template_validates_as_it_is(tmp_path, gd):
    text = scenario_template("Taiwan class 2026")
    p = _write(tmp_path, text, "new.yaml")
    assert validate_scenario(p) == []
    gd2, sid = load_scenario_file(p)
    sc = gd2.scenarios[sid]
    assert sid == "taiwan-class-2026" and sc.name == "Taiwan class 2026"
    assert set(sc.roles) == {"us", "china"} and all(r.objectives for r in sc.roles.values())
    assert sc.allowed and sc.win_margin and any(i.event for i in sc.injects)
    assert any(not i.event for i in sc.injects)
    zh = gd2.translations["zh"]
    for english in (sc.name, sc.briefing, sc.roles["us"].briefing, *sc.roles["china"].objectives):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[english]), english
    for field in ("id:", "name:", "extends:", "moves:", "roles:", "victory:", "injects:"):
        line = text.index("\n" + field) if not text.startswith(field) else 0
        assert text[:line].rstrip().splitlines()[-1].startswith("#"), f"{field} has no comment"
    Game(sid, 1, data=gd2).play_turn({})


def test_the_template_in_chinese_validates_too(tmp_path):
    from game.i18n import language, set_language

    before = language()
    try:
        set_language("zh")
        text = scenario_template("台海课堂")
    finally:
        set_language(before)
    p = _write(tmp_path, text, "zh.yaml")
    assert validate_scenario(p) == []
    gd2, sid = load_scenario_file(p)
    assert sid == "my-scenario" and gd2.translations["zh"][gd2.scenarios[sid].name] == "台海课堂"


def test_template_ids(gd):
    assert template_id("  The Senate: decides! ") == "the-senate-decides"
    assert template_id("long game") == "long-game-2"  # a built-in's id is taken
    assert template_id("中文") == "my-scenario"


# ----------------------------------------------------------------------------- 6. the design lab


def test_balance_accepts_data_holding_a_files_scenario(class_file):
    gd, sid = resolve_scenario(class_file)
    assert resolve_scenario(DEFAULT_SCENARIO)[1] == DEFAULT_SCENARIO
    with pytest.raises(KeyError):
        resolve_scenario("no-such-scenario")
    moves = balance.side_moves(gd, "us", (), sid)
    assert {m.partition(":")[0] for m in moves} <= set(gd.scenarios[sid].allowed["us"])
    values = balance.move_values(gd, sid, "china", 12, 1)
    played = {r["move"].partition(":")[0] for r in values["rows"]}
    assert played and played <= set(gd.scenarios[sid].allowed["china"])
    mx = balance.matrix(gd, sid, 6, 1)
    assert mx["traces"][("hawk", "pragmatist")].scenario == sid


def test_is_one_sided_on_a_file(class_file):
    r = is_one_sided(class_file, games=30)
    assert r.scenario == "test-class" and r.games == 30 and len(r.cells) == 9
    assert r.side in ("us", "china") and 0 <= r.wins <= 1 and r.one_sided == (r.wins > r.limit)


def test_fuzzed_files_validate_exactly_when_they_load(tmp_path):
    """validate_scenario finds no problem exactly when load_scenario_file loads the file, and
    neither raises anything but DataError, whatever a file holds."""
    import random

    import yaml

    weird = [None, 5, -1, 1e300, "x", [], [1, [2]], {}, {"en": 1}, {"zh": "x"}, True, "2025Q9"]

    def mutate(rng, v):
        if isinstance(v, dict) and v:
            k = rng.choice(list(v))
            if rng.random() < 0.3:
                v[k] = rng.choice(weird)
            elif rng.random() < 0.1:
                v[f"{k}x"] = v.pop(k)
            else:
                v[k] = mutate(rng, v[k])
            return v
        if isinstance(v, list) and v:
            i = rng.randrange(len(v))
            v[i] = mutate(rng, v[i]) if rng.random() < 0.7 else rng.choice(weird)
            return v
        return rng.choice(weird)

    rng = random.Random(20261205)
    base = yaml.safe_load(CLASS)
    p = tmp_path / "fuzz.yaml"
    for _ in range(150):
        v = json.loads(json.dumps(base))
        for _ in range(rng.randint(1, 4)):
            v = mutate(rng, v)
        p.write_text(yaml.safe_dump(v, allow_unicode=True), encoding="utf-8")
        problems = validate_scenario(p)
        try:
            load_scenario_file(p)
            loads = True
        except DataError:
            loads = False
        assert loads == (not problems), (p.read_text(encoding="utf-8"), problems)
