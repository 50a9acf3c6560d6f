"""The meters table: every meter's value, change this quarter and history; the highlighted row's
"why it moved" and source are posted for the detail panel."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import DataTable

from game.i18n import N_, _, language, tc
from game.tui import format as fmt
from game.tui.session import Session

# the meters' units that are words (meters.yaml `unit`); "%", "/100", "x" and "B300e" stay as they are
UNITS = {"months": N_("months"), "RMB/month": N_("RMB/month"), "$B/q": N_("$B/q")}

# the columns' widths (name, value, change) by mode: fixed, so the first quarter's "·" does not
# size the change column for the whole game. Chinese values are wider (180万, 800亿美元, 美国 +3.6)
# and its names narrower (at most 5 characters for a short name), in the same total width.
WIDTHS = {
    "en": {"short": (12, 8, 9), "full": (23, 8, 9)},
    "zh": {"short": (10, 9, 10), "full": (20, 10, 10)},  # a change of "+114亿美元" is 10 cells
}


def unit_text(unit: str) -> str:
    """A meter's unit as the player reads it ('months' is 月 in Chinese)."""
    return _(UNITS[unit]) if unit in UNITS else unit


def with_unit(name: str, unit: str) -> str:
    """'Capability gap (months)': a meter's name (already in the player's language) and its unit."""
    if not unit:
        return name
    return _("{meter} ({unit})").format(meter=name, unit=unit_text(unit))


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
    _lang: str | None = None  # the language the column headings are in

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def _columns(self, mode: str) -> None:
        """Fixed widths (the first quarter's "·" must not size the change column for the whole
        game), wide enough for the longest value ('CN +12.4', '−1.23M')."""
        if self.mode == mode and self._lang == language():
            return
        self.clear(columns=True)
        self.mode, self._lang = mode, language()
        widths = WIDTHS.get(language(), WIDTHS["en"])
        name_w, value_w, change_w = widths["short" if mode == "short" else "full"]
        self.add_column(_("meter"), key="meter", width=name_w)
        self.add_column(_("now"), key="value", width=value_w)
        self.add_column(_("change"), key="delta", width=change_w)
        if mode == "trend":
            self.add_column(_("trend"), key="hist", width=5)

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
            self.add_row(tc(spec.short if mode == "short" else spec.name), *cells, key=m)
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
