"""The debrief report and the class view: a recorded game (AI players, a journal, no injects) made
into a self-contained HTML page and a Markdown file with its charts, in English and Chinese; the
class view of several teams' saves; the CLI's `g2 report` and `g2 class`."""

from __future__ import annotations

import argparse
import gettext
import inspect
import io
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import game.i18n as i18n
from game.ai import decide, make_agent
from game.analysis import classview, debrief
from game.analysis.reportdoc import md_escape
from game.engine.api import Game, load_game
from game.i18n import set_language, tc

# ~3 s of games, counterfactuals and matplotlib: in .ci/run's slow set (the default run stays < 60 s)
pytestmark = pytest.mark.slow

SCENARIO = "2026-h200-thaw"
QUARTERS = 3
GAMES = 6  # simulated futures per choice in the counterfactual: enough to rank, fast to run
FRAGMENT = Path(debrief.__file__).parents[1] / "locale/zh/LC_MESSAGES/parts/messages-debrief.po"
HOSTILE_TEAM = "Red <script>alert(1)</script> & *co*"


def play(path: Path, us: str, china: str, team: str, scenario: str = SCENARIO, seed: int = 5):
    """A game of `quarters` quarters between two AI players, saved with a journal (one line and one
    prediction of the capability gap a quarter, the last without a prediction)."""
    game = Game(scenario, seed)
    agents = {"us": make_agent(us, "us"), "china": make_agent(china, "china")}
    journal = []
    for q in range(QUARTERS):
        rng = np.random.default_rng([seed, q])
        moves = {side: decide(agent, game, rng) for side, agent in agents.items()}
        gap = game.meters["capability_gap_months"]
        entry = {"quarter": game.quarter, "side": "us", "rationale": f"hold the line <{q}> | *now*"}
        entry["prediction"] = (
            {"meter": "capability_gap_months", "value": round(gap + 1.0, 1)}
            if q < QUARTERS - 1
            else None
        )
        r = game.play_turn(moves)
        if entry["prediction"]:
            actual = r.meters["capability_gap_months"]
            entry |= {"actual": actual, "error": entry["prediction"]["value"] - actual}
        journal.append(entry)
    extra = {"side": "us", "opponent": china, "team": team, "journal": journal}
    game.save(path, extra=extra)
    return path


@pytest.fixture(scope="module")
def saves(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("class")
    return {
        "red": play(folder / "red.json", "hawk", "pragmatist", HOSTILE_TEAM),
        "blue": play(folder / "blue.json", "free-marketeer", "pragmatist", "Blue"),
        "other": play(folder / "other.json", "hawk", "pragmatist", "Elsewhere", "long-game"),
    }


@pytest.fixture(scope="module")
def built(saves) -> debrief.Debrief:
    return debrief.build(saves["red"], n=GAMES)


@pytest.fixture(scope="module")
def page_en(built) -> str:
    return debrief.render(built, "html", "en")[0]


@pytest.fixture
def zh(monkeypatch):
    """Chinese, with this part's catalog fragment in front of the compiled interface catalog
    (the lead merges the fragment into messages.po; until then it is read from the fragment)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = i18n.catalog
    if FRAGMENT.exists():
        buf = io.BytesIO()
        with open(FRAGMENT, "rb") as fh:
            write_mo(buf, read_po(fh))
        buf.seek(0)
        part = gettext.GNUTranslations(buf)
        part.add_fallback(compiled("zh", "messages"))

        def catalog(lang, domain):
            return part if (lang, domain) == ("zh", "messages") else compiled(lang, domain)

        monkeypatch.setattr(i18n, "catalog", catalog)
    yield
    set_language("en")


class Page(HTMLParser):
    """An HTML page read as a browser's parser would: its elements, text, and whether every
    element that must be closed was closed in order."""

    VOID = {"meta", "br", "link", "img", "input", "hr", "col", "source", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self) -> str:
        """The page's text, each run of white space as one space (as a browser shows it)."""
        return " ".join("".join(self.text).split())

    def count(self, tag: str) -> int:
        return sum(1 for t, _a in self.tags if t == tag)


def moves_played(path: Path) -> list[str]:
    game = load_game(path)
    return [tc(game.move_label(m)) for rec in game.history for s in ("us", "china") for m in rec[s]]


def test_the_html_report_is_one_valid_page_with_every_chart_move_and_the_counterfactual(
    page_en, saves
):
    text = page_en
    page = Page(text)
    assert not page.errors and not page.stack
    assert page.count("svg") == len(debrief.ALL_CHARTS)
    ids = {a.get("id") for t, a in page.tags if t == "figure"}
    assert ids == {f"chart-{k}" for k in debrief.ALL_CHARTS}
    words = page.words
    for move in moves_played(saves["red"]):
        assert " ".join(move.split()) in words, move
    for heading in ("Turning points", "What the final score is made of", "Quarter by quarter"):
        assert heading in words
    assert "What else could have happened" in words
    assert "(a) Your side's personas from the same start" in words
    assert "US Hawk" in words and "US Dealmaker" in words
    assert "Best alternative:" in words and "p10" in words
    # self-contained: no scripts, no links, nothing fetched
    lowered = text.lower()
    assert "http://" not in lowered and "https://" not in lowered
    assert page.count("script") == page.count("link") == page.count("img") == 0
    assert "@page { size: A4; margin: 15mm; }" in text
    assert "break-inside: avoid" in text
    # a save's text is shown as text, never as markup
    assert HOSTILE_TEAM in words and "<script" not in lowered


def test_the_journal_shows_each_rationale_and_prediction_against_what_happened(built, page_en):
    words = Page(page_en).words
    game = built.record.game
    assert "hold the line <0> | *now*" in words
    for q in built.record.quarters[: QUARTERS - 1]:
        (entry,) = q.journal
        actual = game.meter_history[q.index + 1]["capability_gap_months"]
        assert entry.actual == pytest.approx(actual)
        assert entry.error == pytest.approx(entry.predicted - actual)
        assert f"actual {actual:+.1f} mo" in words
    assert "The journal holds 3 entries; 2 predictions were checked" in words


def test_turning_points_and_the_counterfactual_are_computed_from_the_record(built):
    changes = [abs(q.change) for q in built.turning]
    assert changes == sorted(changes, reverse=True)
    assert changes[0] == max(abs(q.change) for q in built.record.quarters)
    assert [p.key for p in built.personas] == ["hawk", "dealmaker", "free-marketeer"]
    assert all(len(p.scores) == QUARTERS + 1 for p in built.personas)
    alt = built.alternative
    assert alt.quarter is built.turning[0]
    assert alt.best is not None and not alt.best.played
    assert alt.best.moves != alt.played.moves
    assert any(c.moves == () for c in alt.choices)  # holding is one of the choices
    assert any(c.planner for c in alt.choices)
    for c in alt.choices:
        assert c.final[0] <= c.final[1] <= c.final[2]
    assert alt.best.mean_gain >= max(c.mean_gain for c in alt.choices if not c.played)
    assert alt.played.versus_played == (0.0, 0.0, 0.0)


def test_markdown_written_to_a_file_puts_each_chart_beside_it(built, saves, tmp_path):
    out = tmp_path / "debrief.md"
    written = debrief.write_report(built, "md", "en", out)
    assert written[0] == out and len(written) == 1 + len(debrief.ALL_CHARTS)
    text = out.read_text(encoding="utf-8")
    for key in debrief.ALL_CHARTS:
        svg = tmp_path / f"debrief-{key}.svg"
        assert f"]({svg.name})" in text
        assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    for move in moves_played(saves["red"]):
        assert md_escape(move) in text, move
    assert "## What else could have happened" in text
    assert "\\<script\\>" in text  # the hostile team name cannot become markup
    assert not list(tmp_path.glob(".g2-*.tmp"))


def test_markdown_printed_leaves_the_charts_out_with_a_note(built):
    text, svgs = debrief.render(built, "md", "en")
    assert text.count("left out") == len(debrief.ALL_CHARTS)
    assert "<svg" not in text and svgs == {}


def test_report_returns_the_text_for_a_save(saves):
    text = debrief.report(saves["blue"], "md", "en", n=2)
    assert text.startswith("# Debrief: 2026: the H200 thaw")
    assert "- **Team**: Blue" in text and "### (b) The best alternative" in text
    with pytest.raises(debrief.ReportError):
        debrief.report(saves["blue"], "pdf")


def test_in_chinese_the_report_is_chinese_throughout(built, saves, zh):
    text, _ = debrief.render(built, "html", "zh")
    page = Page(text)
    words = page.words
    assert '<html lang="zh-Hans">' in text
    for heading in ("复盘", "概要", "关键指标的变化", "转折点", "逐季回顾", "本可能发生什么"):
        assert heading in words, heading
    assert "美国鹰派" in words  # the personas by their Chinese titles
    set_language("zh")
    for move in moves_played(saves["red"]):
        assert " ".join(move.split()) in words, move
    set_language("en")
    for english in ("Turning points", "Quarter by quarter", "Best alternative"):
        assert english not in words
    md, _ = debrief.render(built, "md", "zh")
    assert "## 转折点" in md and "## 本可能发生什么" in md


def test_the_class_view_compares_two_teams(saves):
    text = classview.compare([saves["red"], saves["blue"]], "md", "en")
    assert "Blue" in text and md_escape(HOSTILE_TEAM) in text
    assert "## Results" in text and "## Where the choices diverged" in text
    assert "first quarter, **2026Q1**" in text  # the hawk and the free-marketeer differ at once
    page = Page(classview.compare([saves["red"], saves["blue"]], "html", "en"))
    assert not page.errors and page.count("svg") == 1
    cv = classview.load_class([saves["red"], saves["blue"]])
    assert classview.first_divergence(cv) == 0
    same = classview.load_class([saves["blue"], saves["blue"]])
    assert classview.first_divergence(same) is None
    assert same.teams == ["Blue (blue.json)", "Blue (blue.json)"]


def test_the_class_view_in_chinese(saves, zh):
    text = classview.compare([saves["red"], saves["blue"]], "html", "zh")
    assert "班级视图" in text and "选择在哪里出现分歧" in text


def test_the_class_view_refuses_saves_of_different_scenarios(saves):
    with pytest.raises(classview.ClassViewError, match="different scenarios") as err:
        classview.compare([saves["red"], saves["other"]])
    assert SCENARIO in str(err.value) and "long-game" in str(err.value)
    assert "\n" not in str(err.value)


def cli(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="g2")
    sub = parser.add_subparsers(dest="command")
    debrief.add_report_parser(sub)
    classview.add_class_parser(sub)
    return parser.parse_args(argv)


def test_g2_report_and_g2_class_write_files_and_say_where(saves, tmp_path, capsys):
    out = tmp_path / "r.html"
    args = cli("report", str(saves["blue"]), "--out", str(out), "--games", "2")
    assert args.func(args) == 0  # the format from the file's suffix
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert Page(out.read_text(encoding="utf-8")).count("svg") == len(debrief.ALL_CHARTS)
    assert not list(tmp_path.glob(".g2-*.tmp"))
    md = tmp_path / "class.md"
    args = cli("class", str(saves["red"]), str(saves["blue"]), "--out", str(md))
    assert args.func(args) == 0
    said = capsys.readouterr().out
    assert str(md) in said and "1 charts" in said
    assert (tmp_path / "class-scores.svg").exists()


def test_g2_report_and_g2_class_fail_in_one_line(saves, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "g2-save", "schema": 1, "seed":', encoding="utf-8")
    args = cli("report", str(bad), "--format", "html")
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("g2 report: error: ") and err.count("\n") == 1 and "bad.json" in err
    args = cli("class", str(saves["red"]), str(saves["other"]))
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("g2 class: error: ") and err.count("\n") == 1
    assert not list(tmp_path.glob("*.html"))


@pytest.mark.skipif(
    "injects" not in inspect.signature(Game.play_turn).parameters,
    reason="the engine does not replay facilitator injects yet",
)
def test_facilitator_injects_show_in_the_timeline(tmp_path):
    game = Game(SCENARIO, 2)
    game.play_turn({}, injects=[{"headline": "A strait crisis flares", "add": {"tension": 10}}])
    game.play_turn({})
    path = game.save(tmp_path / "inject.json", extra={"side": "china"})
    d = debrief.build(path, counterfactual=False)
    text = debrief.render(d, "md", "en")[0]
    assert "- **Facilitator**: A strait crisis flares (Tension +10)" in text
