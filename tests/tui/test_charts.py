"""The charts: a move's path with and without it (PathChart), a meter's history with the events
marked (MeterChart), and the chart screen that steps through every meter (←/→, [ ]) and closes on
escape, q or g. Rendered at the small sizes a terminal gives them."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from game.ai import forecast
from game.engine.api import new_game
from game.engine.data import DEFAULT_SCENARIO, load_data
from game.tui.screens.chart import ChartScreen
from game.tui.session import Session
from game.tui.widgets import charts
from game.tui.widgets.charts import MeterChart, PathChart

SIZES = [(80, 24), pytest.param((120, 40), marks=pytest.mark.slow)]  # 120x40 in the slow run


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    s = Session.new("us", seed=1, save_dir=tmp_path_factory.mktemp("saves"))
    s.resolve([], autosave=False)
    s.resolve(["rasa_push"], autosave=False)
    return s


@pytest.fixture(scope="module")
def path():
    return forecast.preview_path(new_game(DEFAULT_SCENARIO, seed=1), "rasa_push", "us", n=8)


def plain(widget) -> list[str]:
    """The widget's rendered lines as text, at its size on screen."""
    return widget.render().plain.rstrip("\n").split("\n")


class Host(App):
    """A bare app that opens the chart screen."""

    def __init__(self, session, meter="us_compute"):
        super().__init__()
        self.session, self.meter = session, meter

    def on_mount(self) -> None:
        self.push_screen(ChartScreen(self.session, self.meter, "us"))


def run(app: App, script, size) -> None:
    async def go():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(pilot)

    asyncio.run(go())


def test_every_pair_names_two_meters_of_the_catalogue():
    meters = load_data().meters
    for us, cn in charts.PAIRS:
        assert us in meters and cn in meters
        assert charts.companions(us) == charts.companions(cn) == (us, cn)
    assert charts.companions("score") == ("score",)


def test_ticks_are_round_and_inside_the_range():
    assert charts.nice_ticks(-16.5, 13.9, 4) == [-10, 0, 10]
    assert charts.nice_ticks(0, 1, 3) == [0, 0.5, 1]
    # compute on a log scale: China's 0.28M and the US's 1.8M both get a tick near them
    ticks = [round(10**t) for t in charts.log_ticks(5.4, 6.3, 5)]
    assert ticks == [300_000, 1_000_000] or ticks == [500_000, 1_000_000, 2_000_000][:2]
    assert charts.quarter_ticks(["now", *[f"2025Q{i}" for i in range(1, 5)]] * 4, 30)[0][0] == 0


@pytest.mark.parametrize("size", SIZES)
def test_the_chart_screen_draws_the_meter_and_steps_and_closes(session, size):
    seen = {}

    async def script(pilot):
        screen = pilot.app.screen
        assert isinstance(screen, ChartScreen)
        chart = screen.query_one(MeterChart)
        assert chart.region.width > 40 and chart.region.height >= 8
        lines = plain(chart)
        seen["title"] = lines[0]
        seen["text"] = "\n".join(lines)
        assert chart.meters == ("us_compute", "cn_compute")
        seen["events"] = str(screen.query_one("#chart-event-list", Static).content)
        seen["why"] = str(screen.query_one("#chart-why", Static).content)
        for key, meter in [("right", "cn_compute"), ("right_square_bracket", "stock_ratio")]:
            await pilot.press(key)
            await pilot.pause()
            assert screen.meter == chart.meter == meter
        assert plain(chart)[0] != seen["title"]  # redrawn for the ratio
        for key in ("left", "left_square_bracket"):
            await pilot.press(key)
            await pilot.pause()
        assert screen.meter == "us_compute"
        await pilot.press("escape")
        await pilot.pause()
        seen["closed"] = not isinstance(pilot.app.screen, ChartScreen)

    run(Host(session), script, size)
    assert "US compute (you)" in seen["title"] and "China compute" in seen["title"]
    assert "log scale" in seen["title"] or size[0] < 100
    assert "start" in seen["text"] and "2025Q2" in seen["text"]
    assert "2025Q2" in seen["events"]  # the scenario's scripted news that quarter
    assert "US installed compute" in seen["why"]
    assert seen["closed"]


@pytest.mark.parametrize("key", ["q", "g"])
def test_q_and_g_close_the_chart_screen(session, key):
    closed = {}

    async def script(pilot):
        await pilot.press(key)
        await pilot.pause()
        closed[key] = not isinstance(pilot.app.screen, ChartScreen)

    run(Host(session, "score"), script, (80, 24))
    assert closed[key]


def test_stepping_goes_through_every_meter_in_the_catalogue_order(session):
    order = []

    async def script(pilot):
        screen = pilot.app.screen
        for _ in range(len(load_data().meters)):  # the keys are tested above; the action here
            order.append(screen.meter)
            screen.action_step(1)
            assert screen.query_one(MeterChart).meter == screen.meter
        await pilot.pause()
        order.append(screen.meter)

    run(Host(session, "score"), script, (80, 24))
    assert order[:-1] == list(load_data().meters)
    assert order[-1] == "score"  # round again


def test_event_marks_follow_the_history(session):
    marks = charts.event_marks(session.game)
    for mark in marks:
        rec = session.game.history[mark.x - 1]
        assert rec["quarter"] == mark.quarter
    assert any(m.events[0].startswith("Scripted: ") for m in marks)


class PathHost(App):
    CSS = "PathChart { width: 1fr; height: 1fr; }"

    def __init__(self, path, meter, viewer):
        super().__init__()
        self.path, self.meter, self.viewer = path, meter, viewer

    def compose(self) -> ComposeResult:
        yield PathChart()

    def on_mount(self) -> None:
        self.query_one(PathChart).show(self.path, self.meter, self.viewer, "RASA push")


@pytest.mark.parametrize(
    "size, meter, viewer",
    [((38, 10), "score", "us"), ((38, 10), "stock_ratio", "china"), ((100, 24), "score", "china")],
)
def test_the_path_chart_shows_with_and_without_at_small_sizes(path, size, meter, viewer):
    seen = {}

    async def script(pilot):
        chart = pilot.app.query_one(PathChart)
        seen["size"] = chart.size
        text = chart.render()
        seen["lines"] = text.plain.rstrip("\n").split("\n")
        seen["styles"] = {
            text.plain[s.start : s.end]: str(s.style)
            for s in text.spans
            if s.start < len(seen["lines"][0])
        }

    run(PathHost(path, meter, viewer), script, size)
    lines = seen["lines"]
    assert len(lines) == size[1]
    title = lines[0]
    assert "━ with" in title and "━ without" in title
    assert seen["styles"]["━ without"].endswith(f"color({charts.WITHOUT})")
    assert any("now" in line for line in lines[-2:])  # the x axis: from now …
    assert any(path.quarters[-1][2:] in line for line in lines[-2:])  # … to the end
    if meter == "score":
        ticks = "\n".join(line[:7] for line in lines)
        assert "US +" in ticks or "CN +" in ticks  # the score's ticks say whom they favour
    if size[0] >= 100:
        assert "RASA push" in title and ("you want ↓" in title)


def test_the_path_chart_refuses_a_meter_it_has_not_got(path):
    with pytest.raises(KeyError):
        PathChart().show(path, "us_compute", "us", "")
