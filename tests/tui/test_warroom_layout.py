"""The war room a first-time player reads, at 80×24 and 120×40: the preview, the plan with its
capital, the score and the footer always in view; words, not ids; every score number labelled with
the side it favours. Each test here failed on the first edition of the war room."""

from __future__ import annotations

import io

import pytest
from driving import drive, highlight, screen_text  # tests/tui/driving.py
from rich.console import Console

from game.engine.api import TurnResult
from game.tui.screens.report import exposed_lines
from game.tui.session import Session
from game.tui.widgets.moves import entries, option_row
from game.tui.widgets.race import log_bar

SLOW = pytest.mark.slow  # the default run stays under a minute; .ci/run runs these after it
SIZES = [(80, 24), pytest.param((120, 40), marks=SLOW)]


def us_game(tmp_path, seed=3):
    return Session.new("us", "2025-deepseek-shock", "pragmatist", seed=seed, save_dir=tmp_path)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    "key",
    [
        "h200_exports:open",
        pytest.param("rasa_push", marks=SLOW),
        pytest.param("stargate_tranche", marks=SLOW),
    ],
)
def test_the_preview_score_line_is_in_view(tmp_path, cheap_forecasts, size, key):
    """Bug: the preview did not scroll; at 80×24 no preview line was visible, at 120×40 the score
    line was cut for several moves. Now the move and its effect on the score come first."""
    seen = {}

    async def look(app, pilot):
        await highlight(app, pilot, key)
        seen["text"] = screen_text(app)

    drive(look, us_game(tmp_path), size=size)
    assert "Score vs holding" in seen["text"]
    after = seen["text"].split("Score vs holding")[1].split("\n")[1]  # the line under it
    assert "in 4 quarters" in after and ("US +" in after or "China +" in after)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_plan_shows_every_move_in_words_and_the_capital_left(tmp_path, cheap_forecasts, size):
    """Bug: the plan box listed move ids and cut the third move and the capital line."""
    seen = {}

    async def plan(app, pilot):
        for key in ("rasa_push", "stargate_tranche", "chip_subsidy"):
            await highlight(app, pilot, key)
            await pilot.press("enter")
            await pilot.pause()
        seen["text"] = screen_text(app)
        seen["plan"] = str(app.screen.query_one("#plan").render())
        seen["chosen"] = list(app.screen.chosen["us"])

    drive(plan, us_game(tmp_path), size=size)
    assert seen["chosen"] == ["rasa_push", "stargate_tranche", "chip_subsidy"]
    flat = " ".join(seen["plan"].split())
    for words in ("Push the Remote Access", "Stargate", "Chip subsidies"):
        assert words in flat
    assert "stargate_tranche" not in flat and "rasa_push" not in flat
    # its last line, the capital, is on screen: the panel is not cut
    assert "political capital left" in seen["text"]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_score_and_every_key_stay_in_view(tmp_path, cheap_forecasts, size):
    """Bug: at 80×24 the score row scrolled away (the title did not carry it) and the footer ended
    at "^s Save  l". Now the title carries the labelled score and the footer every shown key."""
    seen = {}

    async def scroll(app, pilot):
        table = app.screen.query_one("#meters")
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        seen["text"] = screen_text(app)

    drive(scroll, us_game(tmp_path), size=size)
    lines = seen["text"].splitlines()
    assert "Score US +" in lines[0] or "Score China +" in lines[0]
    for key in ("e End quarter", "s Score", "g Chart", "o Laws", "? Help", "q Quit"):
        assert key in lines[-1]


def test_the_change_column_shows_whole_numbers_at_80_columns(tmp_path, cheap_forecasts):
    """Bug: at 80×24 the change column cut "+12.6" to "+12"; its cells now fit the widest value."""
    s = us_game(tmp_path)
    for moves in (["stargate_tranche"], ["chip_subsidy"], ["rasa_push"]):
        s.resolve(moves, autosave=False)
    seen = {}

    async def look(app, pilot):
        table = app.screen.query_one("#meters")
        seen["cells"] = [table.get_row(k)[2] for k in ("score", "us_compute", "us_ai_capex")]
        seen["width"] = table.columns[table.get_column_index("delta") and "delta"].width
        seen["text"] = screen_text(app)

    drive(look, s, size=(80, 24))
    for cell in seen["cells"]:
        assert len(str(cell)) <= seen["width"]
    for cell in seen["cells"][:2]:  # the rows in view at 80×24
        assert str(cell) in seen["text"]


def test_exposed_moves_of_this_quarter_are_not_said_to_be_earlier(tmp_path):
    """Bug: "Exposed: China earlier played 2025Q1 …" in the 2025Q1 report itself."""
    s = us_game(tmp_path)
    r = TurnResult(
        "2025Q2",
        {"us": [], "china": []},
        {},
        {},
        {},
        [],
        revealed={"china": ["2025Q2 grey_market:on", "2025Q1 neocloud:on"]},
    )
    text = "\n".join(exposed_lines(s.game, r, "us"))
    assert "caught this quarter" in text and "Grey-market" in text
    assert "earlier" in text and "(2025Q1)" in text
    assert "2025Q2" not in text and "grey_market" not in text


def test_compute_bars_share_one_log_scale():
    """Bug: the two log-scale compute bars were full width at 1.80M and 277k alike."""
    us, cn = log_bar(1.8e6, 12), log_bar(2.77e5, 12)
    assert us.count("█") > cn.count("█") > 0


def test_costs_stay_on_the_line_of_their_move():
    """Bug: costs wrapped onto a line of their own. The cost is its own column: line one."""
    s = Session.new("us", seed=1)
    for e in entries(s.game.moves("us")):
        out = io.StringIO()
        Console(file=out, width=38, color_system=None).print(option_row(e, False))
        first = out.getvalue().splitlines()[0].rstrip()
        assert first.endswith(f"{e.cost:g}"), first


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_tab_lights_the_focused_panel(tmp_path, cheap_forecasts, size):
    """Bug: Tab moved focus with no visible cue. The focused panel's border is lit."""
    seen = {}

    async def tab(app, pilot):
        meters, moves = app.screen.query_one("#meters"), app.screen.query_one("#moves")
        app.screen.query_one("#tour").display = False  # the tour lights its own target
        moves.focus()
        await pilot.pause()
        seen["before"] = (meters.styles.border_top, moves.styles.border_top)
        meters.focus()
        await pilot.pause()
        seen["after"] = (meters.styles.border_top, moves.styles.border_top)

    drive(tab, us_game(tmp_path), size=size)
    (m0, v0), (m1, v1) = seen["before"], seen["after"]
    assert m0 != m1 and v0 != v1 and m1 == v0


def test_the_end_screen_has_no_blank_gaps_at_80_columns(tmp_path, cheap_forecasts):
    """Bug: at 80×24 the end screen had 9 blank lines before the turning points. Each section now
    starts within a line (its margin) of the one above."""
    s = Session.new("us", seed=3, opponent="pragmatist", save_dir=tmp_path)
    while not s.over:
        s.resolve([], autosave=False)
    seen = {}

    async def look(app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen["rows"] = [(w.region.y, w.region.height) for w in app.screen.query("#body > *")]

    drive(look, s, size=(80, 24))
    rows = seen["rows"]
    assert len(rows) > 5
    for (y0, h0), (y1, _) in zip(rows, rows[1:], strict=False):
        assert 0 <= y1 - (y0 + h0) <= 1
