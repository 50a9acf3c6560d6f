"""Briefing cards (`g2 brief`, game.analysis.brief): every built-in scenario's cards for each
side, in Markdown and HTML, in English and Chinese; only the side's own (allowed) moves; a
teacher's role, objectives and victory margin; the HTML parses; the command writes its file.

Chinese interface strings come from the module's catalog fragment
(game/locale/zh/LC_MESSAGES/parts/messages-brief.po), compiled here in memory in front of the
project's catalog, so the tests hold before and after the lead merges the fragment."""

from __future__ import annotations

import argparse
import dataclasses
import gettext
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import game.i18n as i18n
from game.analysis import brief
from game.engine import data as engine_data
from game.engine.data import Scenario, load_data

ROOT = Path(__file__).resolve().parents[2]
FRAGMENT = ROOT / "game" / "locale" / "zh" / "LC_MESSAGES" / "messages.po"  # merged in
SCENARIOS = tuple(sorted(load_data().scenarios))
CJK = re.compile(r"[\u4e00-\u9fff]")
VOID = {"meta", "br", "hr", "img", "link", "input"}


def _fragment() -> dict[str, str]:
    with open(FRAGMENT, "rb") as fh:
        cat = read_po(fh)
    return {
        m.id if isinstance(m.id, str) else m.id[0]: m.string
        if isinstance(m.string, str)
        else m.string[0]
        for m in cat
        if m.id
    }


@pytest.fixture
def zh_catalog(monkeypatch):
    """The fragment's translations in front of the project's `messages` catalog."""
    with open(FRAGMENT, "rb") as fh:
        cat = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, cat)
    buf.seek(0)
    frag = gettext.GNUTranslations(buf)
    original = i18n.catalog
    frag.add_fallback(original("zh", "messages"))

    def catalog(lang, domain):
        return frag if (lang, domain) == ("zh", "messages") else original(lang, domain)

    monkeypatch.setattr(i18n, "catalog", catalog)


@pytest.fixture
def lookups(monkeypatch, zh_catalog):
    """Every interface string the card looks up, with what it became."""
    seen: list[tuple[str, str]] = []

    def record(text: str) -> str:
        out = i18n._(text)
        seen.append((text, out))
        return out

    monkeypatch.setattr(brief, "_", record)
    return seen


class Tree(HTMLParser):
    """Checks that tags nest and close, and keeps the text and each article's text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.articles: list[list[str]] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "article":
            self.articles.append([])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if "article" in self.stack:
            self.articles[-1].append(data)


def parse_html(page: str) -> Tree:
    tree = Tree()
    tree.feed(page)
    tree.close()
    assert tree.stack == [], f"unclosed: {tree.stack}"
    return tree


def _move_names(side: str, lang: str) -> list[str]:
    gd = load_data()
    previous = i18n.language()
    i18n.set_language(lang)
    try:
        return [i18n.tc(m.name) for m in gd.moves_for(side)]
    finally:
        i18n.set_language(previous)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenario_has_a_card_for_each_side(scenario, fmt, lang, lookups):
    """Both cards of every built-in scenario: the scenario's name and dates, the default role and
    objective (built-ins have no roles), the side's own moves only, the starting meters and
    questions; in Chinese, every interface string translated and no English move name left."""
    gd = load_data()
    sc = gd.scenarios[scenario]
    for side in ("us", "china"):
        lookups.clear()
        text = brief.cards(scenario, side, fmt, lang)
        if fmt == "html":
            tree = parse_html(text)
            assert len(tree.articles) == 1
            assert tree.lang == ("zh-Hans" if lang == "zh" else "en")
            text = "".join(tree.text)
        assert engine_data.quarter_name(sc.start) in text
        assert engine_data.quarter_name(sc.end) in text
        for name in _move_names(side, lang):
            assert name in text, name
        for name in _move_names(engine_data.other_side(side), lang):
            assert name not in text, f"{side}'s card lists {name!r}"
        assert len([q for q, _ in lookups if q in _questions()]) >= 3
        if lang == "en":
            assert sc.name in text
            assert "US +3 or more" in text
            assert ("You lead the United States" if side == "us" else "You lead China") in text
        else:
            assert len(CJK.findall(text)) > 300
            untranslated = [q for q, out in lookups if out == q and re.search("[A-Za-z]", q)]
            assert untranslated == []
            assert "political capital" not in text and "Your moves" not in text
            for m in gd.moves_for(side):
                assert m.name not in text, m.name


def _questions() -> set[str]:
    return {q for qs in brief.QUESTIONS.values() for _, q in qs} | set(brief.GENERAL)


def test_both_gives_one_card_a_page():
    page = brief.cards("2026-h200-thaw", "both", "html", "en")
    tree = parse_html(page)
    assert len(tree.articles) == 2
    assert "@page { size: A4" in page and "break-after: page" in page
    us, china = ("".join(a) for a in tree.articles)
    assert "H200 export policy" in us and "Nvidia import stance" not in us
    assert "Nvidia import stance" in china and "H200 export policy" not in china
    md = brief.cards("2026-h200-thaw", "both", "md", "en")
    assert md.count("\n---\n") == 1 and md.count("## Your moves") == 2


def test_starting_situation_and_current_policies():
    text = brief.cards("2026-h200-thaw", "us", "md", "en")
    for words in (
        "5.18M B300e",
        "passed the House",
        "US +7.4",
        "12.3×",
        "the US ahead",
        "case-by-case review (12, now)",
        "60/100, +18 a quarter",
    ):
        assert words in text, words


def test_language_is_restored(zh_catalog):
    i18n.set_language("en")
    brief.cards("long-game", "china", "md", "zh")
    assert i18n.language() == "en"
    i18n.set_language("zh")
    try:
        assert "H200" in brief.cards("long-game", "us", "md", "en")
        assert i18n.language() == "zh"
    finally:
        i18n.set_language("en")


def _teacher_scenario(sc: Scenario, **extra) -> Scenario:
    """`sc` with roles, allowed moves and a victory margin, whether or not the loader has them."""

    @dataclasses.dataclass(frozen=True)
    class Teacher(Scenario):
        roles: dict = dataclasses.field(default_factory=dict)
        allowed: dict | None = None
        win_margin: float | None = None

    values = {f.name: getattr(sc, f.name) for f in dataclasses.fields(sc)}
    return Teacher(**{**values, "id": "class-test", **extra})


def _role(briefing: str, objectives: tuple[str, ...]):
    make = getattr(engine_data, "Role", None)
    return make(briefing, objectives) if make else {"briefing": briefing, "objectives": objectives}


def test_a_teachers_roles_moves_and_margin():
    """A role's briefing and objectives replace the defaults; only the allowed moves show; the
    margin is the scenario's."""
    gd = load_data()
    sc = _teacher_scenario(
        gd.scenarios["2026-h200-thaw"],
        roles={"us": _role("You chair the NSC's chips desk.", ("Keep the score at US +5",))},
        allowed={"us": ("h200_exports", "rasa_push")},
        win_margin=5.0,
    )
    us = brief.cards(sc, "us", "md", "en", data=gd)
    assert "You chair the NSC's chips desk." in us and "- Keep the score at US +5" in us
    assert "You lead the United States" not in us
    assert "H200 export policy" in us and "Push the Remote Access Security Act" in us
    assert "Fund a Stargate tranche" not in us and "Summit diplomacy" not in us
    assert "a score of US +5 or more is a US win" in us
    # China has no `moves:` list and no role: all its moves, the default role and objective
    china = brief.cards(sc, "china", "md", "en", data=gd)
    assert "You lead China" in china and "China +5 or more: a China win" in china
    for name in _move_names("china", "en"):
        assert name in china


def test_a_side_with_few_moves_still_gets_three_questions():
    gd = load_data()
    sc = _teacher_scenario(gd.scenarios["long-game"], allowed={"china": ("retaliation",)})
    text = brief.cards(sc, "china", "md", "en", data=gd)
    questions = text.split("## Before the first quarter")[1]
    assert len(re.findall(r"^\d\. ", questions, re.M)) == 3
    assert "Retaliate (rare earths, probes)" in text and "Ascend ramp-up" not in text


SCENARIO_FILE = """\
id: brief-test-class
extends: 2026-h200-thaw
name: {en: "2026: the Senate decides", zh: "2026：参议院的抉择"}
briefing: {en: "The Senate decides on RASA.", zh: "参议院就RASA作出决定。"}
overrides:
  rasa_stage: {value: senate_banking, reason: "the class starts before the Senate floor"}
moves:
  us: [h200_exports, rasa_push, stargate_tranche]
roles:
  us:
    briefing: {en: "You run the White House's AI policy.", zh: "你主管白宫的AI政策。"}
    objectives: [{en: "Get RASA signed", zh: "让RASA签署成为法律"}]
victory: {margin: 6}
injects:
  - {quarter: 2026Q3, event: rasa_senate_vote}
"""


@pytest.mark.skipif(
    not hasattr(engine_data, "load_scenario_file"), reason="the loader has no scenario files yet"
)
def test_a_scenario_file_in_both_languages(tmp_path, zh_catalog):
    path = tmp_path / "class.yaml"
    path.write_text(SCENARIO_FILE, encoding="utf-8")
    en = brief.cards(str(path), "us", "md", "en")
    assert "# 2026: the Senate decides — United States" in en
    assert "You run the White House's AI policy." in en and "- Get RASA signed" in en
    assert "cleared Senate Banking" in en and "US +6 or more" in en
    assert "Chip subsidies" not in en
    zh = brief.cards(str(path), "us", "md", "zh")
    assert "2026：参议院的抉择" in zh and "参议院就RASA作出决定。" in zh
    assert "你主管白宫的AI政策。" in zh and "让RASA签署成为法律" in zh


def test_an_unknown_scenario_side_or_format():
    with pytest.raises(brief.BriefError, match="did you mean '2026-h200-thaw'"):
        brief.cards("2026-h200-thaws", "us")
    with pytest.raises(brief.BriefError, match="no such scenario file"):
        brief.cards("nowhere/class.yaml", "us")
    with pytest.raises(brief.BriefError, match="unknown side"):
        brief.cards("long-game", "eu")
    with pytest.raises(brief.BriefError, match="unknown format"):
        brief.cards("long-game", "us", "pdf")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="g2")
    sub = p.add_subparsers(dest="command")
    brief.add_brief_parser(sub)
    # `g2` adds --lang to every command after adding them: that must not clash
    sub.choices["brief"].add_argument("--lang", default=argparse.SUPPRESS)
    return p


def test_the_command_writes_html_atomically(tmp_path, capsys):
    out = tmp_path / "cards" / "thaw.html"
    args = _parser().parse_args(["brief", "2026-h200-thaw", "--out", str(out)])
    assert args.func(args) == 0
    page = out.read_text(encoding="utf-8")
    assert len(parse_html(page).articles) == 2  # --side both by default; html from the suffix
    assert [p.name for p in out.parent.iterdir()] == ["thaw.html"]
    printed = []
    args = _parser().parse_args(["brief", "long-game", "--side", "china", "--format", "md"])
    assert args.func(args, out=printed.append) == 0
    assert printed[0].startswith("# The long game: 2025-2030 — China")


def test_the_command_reports_a_bad_scenario(capsys):
    args = _parser().parse_args(["brief", "no-such-scenario"])
    assert args.func(args) == 2
    assert "unknown scenario 'no-such-scenario'" in capsys.readouterr().err


def test_the_fragment_translates_every_string_the_module_marks():
    """Every msgid brief.py marks (_, N_, ngettext) has its Chinese in the fragment, with the same
    {placeholders}."""
    marked = {
        msg if isinstance(msg, str) else msg[0]
        for _line, msg, _comments, _context in extract_from_file(
            "python",
            str(ROOT / "game" / "analysis" / "brief.py"),
            keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        )
    }
    table = _fragment()
    assert sorted(marked - set(table)) == []
    for msgid, text in table.items():
        assert text, msgid
        assert set(re.findall(r"\{\w*\}", msgid)) == set(re.findall(r"\{\w*\}", text)), msgid


def _doc_examples() -> list[str]:
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    return [
        block
        for block in re.findall(r"```yaml\n(.*?)```", text, re.S)
        if block.lstrip().startswith("# class-2026-senate.yaml")
    ]


@pytest.mark.skipif(
    not hasattr(engine_data, "load_scenario_file"), reason="the loader has no scenario files yet"
)
def test_the_documented_example_loads_and_briefs(tmp_path):
    """docs/scenarios.md's full example (English and Chinese sections: the same file but for its
    comments) is a valid scenario, and its cards show its roles and allowed moves."""
    from game.engine.yamlsrc import parse

    english, chinese = _doc_examples()
    assert parse(english).value == parse(chinese).value
    path = tmp_path / "class-2026-senate.yaml"
    path.write_text(english, encoding="utf-8")
    text = brief.cards(str(path), "china", "md", "en")
    assert "State Council's compute task force" in text and "China +5 or more" in text
    assert "Lithography moonshot" not in text and "Ascend ramp-up" in text


def test_the_module_imports_light():
    """The CLI builds its parser from add_brief_parser: importing it loads neither numpy nor the
    game API (they load when a card is made)."""
    import subprocess
    import sys

    code = (
        "import sys, game.analysis.brief\n"
        "print([m for m in ('numpy', 'game.engine.api') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"
