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

    mode: str | None = None  # the column set in use: "short" names, "full" names, full + "trend"

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def _columns(self, mode: str) -> None:
        """Fixed widths (the first quarter's "·" must not size the change column for the whole
        game), wide enough for the longest value ('CN +12.4', '−1.23M')."""
        if self.mode == mode:
            return
        self.clear(columns=True)
        self.mode = mode
        self.add_column("meter", key="meter", width=12 if mode == "short" else 23)
        self.add_column("now", key="value", width=8)
        self.add_column("change", key="delta", width=9)
        if mode == "trend":
            self.add_column("trend", key="hist", width=5)

    def show(self, session: Session, mode: str = "full") -> None:
        """Every meter's row; `mode` picks the columns ("short", "full" or "trend")."""
        gd = session.game.data
        hist = session.game.meter_history
        now = hist[-1]
        before = hist[-2] if len(hist) > 1 else now
        row = self.cursor_row
        self._columns(mode)
        self.clear()
        for m, spec in gd.meters.items():  # the catalogue's order
            d = now[m] - before[m]
            if m == "score":  # the one score convention: the side a number favours
                cells = [fmt.score(now[m], short=True), fmt.score(d, short=True) if d else "·"]
            else:
                cells = [fmt.value(now[m], spec.fmt), fmt.change(d, spec.fmt)]
            if mode == "trend":
                cells.append(fmt.sparkline([h[m] for h in hist], 5))
            self.add_row(spec.short if mode == "short" else spec.name, *cells, key=m)
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
