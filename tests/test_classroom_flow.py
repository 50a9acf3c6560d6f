"""One whole classroom exercise, as a teacher runs it from the README: write a scenario, validate it,
check its balance, hand out the briefings, play it with a facilitator's injects and the teams'
rationales and predictions, then the debrief report and the class view, in English and Chinese."""

from __future__ import annotations

import json
from html import unescape
from html.parser import HTMLParser

import pytest

from game import i18n
from game.cli import main
from game.engine.data import load_scenario_file
from game.tui.session import Session


@pytest.fixture(autouse=True)
def english_after(monkeypatch, tmp_path):
    monkeypatch.setenv("G2_CONFIG_DIR", str(tmp_path / "config"))
    yield
    i18n.set_language("en")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def play_team(path, team, seed, us_moves, tmp_path):
    """A facilitated game of the class scenario: the US team writes why and predicts the gap each
    quarter; the facilitator fires a catalogue event in the second quarter and a custom one in the
    third. Returns the save's path."""
    gd, sid = load_scenario_file(path)
    s = Session.new("us", sid, "pragmatist", seed=seed, save_dir=tmp_path, data=gd)
    s.facilitator, s.team = True, team
    for q in range(4):
        gap = s.game.meters["capability_gap_months"]
        s.note_journal("us", f"{team}: quarter {q + 1}", "capability_gap_months", gap + 0.5)
        if q == 1:
            s.pending_injects.append({"event": "deepseek_moment"})
        if q == 2:
            s.pending_injects.append({"headline": "The Senate passes RASA", "add": {"tension": 5}})
        s.resolve(us_moves if q == 0 else [], autosave=False)
    return s.save(team.lower().replace(" ", "-"))


@pytest.mark.slow  # about 10 s: four saves' worth of play, reports with their counterfactuals
def test_a_teacher_runs_a_whole_exercise(tmp_path, capsys):
    scenario = tmp_path / "senate.yaml"
    assert main(["new-scenario", "Senate decides", "--out", str(scenario)]) == 0
    assert main(["validate", str(scenario)]) == 0
    assert main(["balance", "--scenario", str(scenario), "--games", "30", "--json"]) in (0, 1)
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])  # the design lab ran on the teacher's file

    cards = tmp_path / "cards.html"
    assert (
        main(["brief", str(scenario), "--side", "both", "--format", "html", "--out", str(cards)])
        == 0
    )
    html = unescape(cards.read_text(encoding="utf-8"))
    assert "You are the US administration" in html and "You are China's leadership" in html
    zh_cards = tmp_path / "cards-zh.md"
    assert (
        main(["brief", str(scenario), "--side", "us", "--lang", "zh", "--out", str(zh_cards)]) == 0
    )
    assert "你代表美国政府" in zh_cards.read_text(encoding="utf-8")
    i18n.set_language("en")

    a = play_team(scenario, "Team A", 3, ["stargate_tranche"], tmp_path)
    b = play_team(scenario, "Team B", 3, ["rasa_push"], tmp_path)
    body = json.loads(a.read_text(encoding="utf-8"))
    assert body["history"][1]["injects"] == [{"event": "deepseek_moment"}]
    assert body["extra"]["journal"][0]["rationale"] == "Team A: quarter 1"
    assert "error" in body["extra"]["journal"][0]

    debrief = tmp_path / "debrief.html"
    # an explicit --lang is remembered (g2 brief --lang zh above): the teacher switches back
    assert main(["report", str(a), "--format", "html", "--lang", "en", "--out", str(debrief)]) == 0
    page = unescape(debrief.read_text(encoding="utf-8"))
    tags = Tags()
    tags.feed(page)
    assert tags.tags.count("svg") >= 5
    assert "Team A: quarter 1" in page and "The Senate passes RASA" in page
    assert "Fund a Stargate tranche" in page

    zh = tmp_path / "debrief-zh.html"
    assert main(["report", str(a), "--format", "html", "--lang", "zh", "--out", str(zh)]) == 0
    assert "时间线" in zh.read_text(encoding="utf-8") or "决策" in zh.read_text(encoding="utf-8")
    i18n.set_language("en")

    room = tmp_path / "class.html"
    assert main(["class", str(a), str(b), "--format", "html", "--out", str(room)]) == 0
    view = room.read_text(encoding="utf-8")
    assert "Team A" in view and "Team B" in view and "<svg" in view
