"""A meter's history as a chart: the meter (with the other side's where it has a pair), what it
measures, and the events by quarter; ←/→ or [ ] step through every meter in the catalogue's order."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.i18n import N_, _, tc
from game.tui.session import Session
from game.tui.widgets.charts import MeterChart, companions, event_marks
from game.tui.widgets.footer import G2Footer


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
        Binding("escape,q,g", "close", N_("Close"), key_display="esc"),
        Binding("left,left_square_bracket", "step(-1)", N_("Previous meter"), key_display="←"),
        Binding("right,right_square_bracket", "step(1)", N_("Next meter"), key_display="→"),
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
        yield G2Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        game = self.session.game
        spec = game.data.meters[self.meter]
        box = self.query_one("#chart-box", Vertical)
        place = f"{self.order.index(self.meter) + 1}/{len(self.order)}"
        box.border_title = f"{tc(spec.name)} — {place}"
        box.border_subtitle = _("←/→ meter · esc close")
        self.query_one(MeterChart).show(self.session, self.meter, self.viewer)
        specs = [game.data.meters[m] for m in companions(self.meter)]
        why = (
            _("; ").join(
                _("{meter}: {why}").format(meter=tc(s.short or s.name), why=tc(s.why))
                for s in specs
            )
            if len(specs) > 1
            else tc(spec.why)
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
        return _("No events yet.")
    lines = [
        _("[b]{n}[/b] {quarter}: {events}").format(
            n=n, quarter=m.quarter, events=_("; ").join(escape(e) for e in m.events)
        )
        for n, m in enumerate(marks, 1)
    ]
    return "\n".join(lines)
