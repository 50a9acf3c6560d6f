"""A meter's history as a chart: the meter (with the other side's where it has a pair), what it
measures, and the events by quarter; ←/→ or [ ] step through every meter in the catalogue's order."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from game.tui.session import Session
from game.tui.widgets.charts import MeterChart, companions, event_marks


class ChartScreen(ModalScreen[None]):
    """`meter`'s history in `session`'s game as `viewer` sees it. Dismisses with None (escape, q, g)."""

    DEFAULT_CSS = """
    ChartScreen { align: center middle; }
    ChartScreen > Vertical {
        width: 96%; max-width: 140; height: 96%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ChartScreen MeterChart { height: 1fr; min-height: 8; }
    ChartScreen #chart-why { color: $text-muted; height: auto; }
    ChartScreen #chart-events { height: auto; max-height: 35%; }
    ChartScreen #chart-events > Static { height: auto; }
    """
    BINDINGS = [
        Binding("escape,q,g", "close", "Close", key_display="esc"),
        Binding("left,left_square_bracket", "step(-1)", "Previous meter", key_display="←"),
        Binding("right,right_square_bracket", "step(1)", "Next meter", key_display="→"),
    ]

    def __init__(self, session: Session, meter: str, viewer: str) -> None:
        super().__init__()
        self.session, self.viewer = session, viewer
        self.order = list(session.game.data.meters)  # the catalogue's order (data/meters.yaml)
        if meter not in self.order:
            raise KeyError(f"unknown meter {meter!r}")
        self.meter = meter

    def compose(self) -> ComposeResult:
        with Vertical(id="chart-box"):
            yield MeterChart(id="chart")
            yield Static(id="chart-why")
            with VerticalScroll(id="chart-events"):
                yield Static(id="chart-event-list")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        game = self.session.game
        spec = game.data.meters[self.meter]
        box = self.query_one("#chart-box", Vertical)
        place = f"{self.order.index(self.meter) + 1}/{len(self.order)}"
        box.border_title = f"{spec.name} — {place}"
        box.border_subtitle = "←/→ meter · esc close"
        self.query_one(MeterChart).show(self.session, self.meter, self.viewer)
        specs = [game.data.meters[m] for m in companions(self.meter)]
        why = (
            "; ".join(f"{s.short or s.name}: {s.why}" for s in specs)
            if len(specs) > 1
            else spec.why
        )
        self.query_one("#chart-why", Static).update(why)
        self.query_one("#chart-event-list", Static).update(events_text(self.session))

    def action_step(self, by: int) -> None:
        self.meter = self.order[(self.order.index(self.meter) + by) % len(self.order)]
        self.show()

    def action_close(self) -> None:
        self.dismiss(None)


def events_text(session: Session) -> str:
    """The numbered events by quarter, as the chart marks them; a line when there were none."""
    marks = event_marks(session.game)
    if not marks:
        return "No events yet."
    lines = [
        f"[b]{n}[/b] {m.quarter}: " + "; ".join(escape(e) for e in m.events)
        for n, m in enumerate(marks, 1)
    ]
    return "\n".join(lines)
