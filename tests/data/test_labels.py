"""Words, not ids: every move option and bill stage has a label players can read, move strings and
seed figures turn into words, and the loader refuses a label or headline that is not one line of
words, naming the file, the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.analysis.validate import validate_file
from game.engine.data import figure_text, load_data, move_label, seed_documents

DATA = Path(__file__).resolve().parents[2] / "data"


def test_every_move_option_has_a_label_in_words(gd):
    stance_moves = [m for m in gd.moves if m.has_options]
    assert stance_moves
    for m in stance_moves:
        for o in m.options:
            assert o.label, f"{m.id}:{o.name} has no label in data/moves.yaml"
            assert "_" not in o.label, f"{m.id}:{o.name}: label {o.label!r} has an underscore"
            assert o.words == o.label


def test_every_bill_stage_is_in_words(gd):
    tracks = [L for L in gd.levers.values() if L.kind == "track"]
    assert {L.id for L in tracks} == {"rasa_stage", "safe_stage", "decouple_stage"}
    for L in tracks:
        words = [L.option_words(i) for i in range(len(L.options))]
        assert all(w and "_" not in w for w in words), words
    assert gd.levers["rasa_stage"].option_words(1) == "passed the House"


def test_move_strings_in_words(gd):
    assert move_label(gd, "h200_exports:case_by_case") == "H200 export policy: case-by-case review"
    assert move_label(gd, "h200_exports:open") == "H200 export policy: open sales"
    assert move_label(gd, "rasa_push") == "Push the Remote Access Security Act"
    assert (
        move_label(gd, "anti_smuggling:on")
        == "Chip location verification: location checks enforced"
    )
    assert move_label(gd, "h200_exports") == "H200 export policy"


@pytest.mark.parametrize(
    "key", ["hold", "no_such_move", "h200_exports:no_such_option", "", "x:y:z"]
)
def test_unknown_move_strings_come_back_unchanged(gd, key):
    assert move_label(gd, key) == key


def test_every_legal_move_string_has_words_without_ids(gd):
    for m in gd.moves:
        keys = [f"{m.id}:{o.name}" for o in m.options] if m.has_options else [m.id]
        for key in keys:
            text = move_label(gd, key)
            assert text != key and "_" not in text, (key, text)


def test_figure_text_describes_figures_and_documents(gd):
    fig = "s002.lin_cn_lead_probability"
    text = figure_text(gd, fig)
    assert text.startswith(gd.figures[fig]["measures"]) and "Zouchuqu Think Tank" in text
    assert figure_text(None, fig) == text
    assert "s002" not in text and "_" not in text
    for doc in seed_documents():
        words = figure_text(gd, doc)
        assert words != doc and not re.search(r"\bs\d{3}\b", words), words
    assert figure_text(gd, "s999.nothing") == "s999.nothing"
    assert figure_text(None, "hawk") == "hawk"


def _broken(tmp_path: Path, src: str, old: str, new: str) -> tuple[Path, int]:
    text = (DATA / src).read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    p = tmp_path / src
    p.write_text(text, encoding="utf-8")
    line = [i for i, ln in enumerate(text.splitlines(), 1) if new.splitlines()[0] in ln]
    return p, line[0]


OPTION = 'case_by_case: {cost: 12, add: {tension: -3}, label: "case-by-case review"}'
CHILL = '- {lever: rasa_stage, min: 5, headline: "'


@pytest.mark.parametrize(
    "src,old,new,field,words",
    [
        ("moves.yaml", OPTION, OPTION.replace("case-by-case review", "case_by_case"),
         "moves[0](h200_exports).options.case_by_case.label", "no underscores"),
        ("moves.yaml", OPTION, OPTION.replace('"case-by-case review"', "12"),
         "moves[0](h200_exports).options.case_by_case.label", "expected a label"),
        ("moves.yaml", OPTION, OPTION.replace("case-by-case review", "x" * 41),
         "moves[0](h200_exports).options.case_by_case.label", "at most 40"),
        ("events.yaml", CHILL, '- {lever: rasa_stages, min: 5, headline: "',
         "events[12].when[0].lever", "unknown lever"),
        ("events.yaml", CHILL, '- {lever: rasa_stage, min: 5, headlin: "',
         "events[12].when[0].headlin", "unknown field"),
        ("levers.yaml", 'labels: ["introduced", "cleared committee", "passed the Senate", "law"]',
         'labels: ["introduced", "cleared committee", "law"]', "levers.safe_stage.labels",
         "one per option"),
    ],
    ids=["underscore", "not text", "too long", "when lever", "when field", "stage labels"],
)  # fmt: skip
def test_bad_labels_name_file_line_and_field(tmp_path, src, old, new, field, words):
    p, line = _broken(tmp_path, src, old, new)
    errors = validate_file(p)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{p}:{line}: field '{field}'"), errors[0]
    assert words in errors[0], errors[0]


def test_the_real_data_validates_with_its_labels():
    for name in ("moves.yaml", "events.yaml", "levers.yaml", "meters.yaml"):
        assert validate_file(DATA / name) == [], name
    assert load_data().events  # and loads
