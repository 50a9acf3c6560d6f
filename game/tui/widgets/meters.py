"""The meters table: every meter's value, change this quarter and history; the highlighted row's
"why it moved" and source are posted for the detail panel."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import DataTable

from game.tui import format as fmt
from game.tui.session import Session


class MeterTable(DataTable):
    """One row per meter: name, value, change this quarter, sparkline of its history."""

    @dataclass
    class Highlighted(Message):
        meter: str

    @dataclass
    class Selected(Message):
        """Enter on a meter's row."""

        meter: str

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        # fixed widths: the first quarter's "·" must not size the change column for the whole game
        self.add_column("meter", key="meter", width=22)
        self.add_column("value", key="value", width=8)
        self.add_column("Δ", key="delta", width=7)
        self.add_column("trend", key="hist", width=5)

    def show(self, session: Session) -> None:
        gd = session.game.data
        hist = session.game.meter_history
        now = hist[-1]
        before = hist[-2] if len(hist) > 1 else now
        row = self.cursor_row
        self.clear()
        for m, spec in gd.meters.items():  # the catalogue's order
            self.add_row(
                spec.name,
                fmt.value(now[m], spec.fmt),
                fmt.change(now[m] - before[m], spec.fmt),
                fmt.sparkline([h[m] for h in hist], 5),
                key=m,
            )
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(self.Highlighted(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(self.Selected(event.row_key.value))
