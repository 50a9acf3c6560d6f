"""The move picker: the acting side's moves grouped by kind, each option with its cost; illegal or
unaffordable ones are shown disabled with the reason. Enter/space toggles a move into the quarter's plan."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine.api import Move
from game.i18n import N_, _, tc


@dataclass
class Entry:
    """One playable string ('h200_exports:deny' or 'rasa_push') and what the player needs to know."""

    key: str
    move: Move
    option: str | None
    cost: float
    legal: bool
    reason: str
    option_label: str = ""

    @property
    def label(self) -> str:
        """The move in words, in the player's language: 'H200 export policy: case-by-case review',
        'Push RASA'."""
        if not self.option:
            return tc(self.move.name)
        return _("{move}: {option}").format(move=tc(self.move.name), option=tc(self.option_label))


def entries(moves: list[Move]) -> list[Entry]:
    out = []
    for mv in moves:
        if mv.options:
            for o in mv.options:
                key = f"{mv.id}:{o.name}"
                out.append(Entry(key, mv, o.name, o.cost, o.legal, o.reason, o.label or o.name))
        else:
            out.append(Entry(mv.id, mv, None, mv.cost, mv.legal, mv.reason))
    return out


def option_row(e: Entry, chosen: bool) -> Table:
    """One option as a row: mark, words (wrapping in their own column), cost at the right edge."""
    mark = "✓" if chosen else " " if e.legal else "✗"
    label = e.label + (_(" (now)") if e.option and e.move.current == e.option else "")
    row = Table.grid(expand=True)
    row.add_column(width=2, no_wrap=True)
    row.add_column(ratio=1, overflow="fold")  # a Chinese name has no spaces to wrap at: fold it
    row.add_column(justify="right", no_wrap=True)
    style = "dim" if not e.legal else "bold" if chosen else ""
    row.add_row(Text(mark, style), Text(label, style), Text(f" {e.cost:g}", "cyan"))
    return row


class MovePicker(OptionList):
    """Moves by group. Posts Highlighted(key) when the cursor moves, Toggled(key) on enter/space."""

    BINDINGS = [Binding("space", "toggle", N_("Choose"), show=False)]

    @dataclass
    class Highlighted(Message):
        entry: Entry

    @dataclass
    class Toggled(Message):
        entry: Entry

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.by_key: dict[str, Entry] = {}

    def show(self, moves: list[Move], chosen: list[str]) -> None:
        keep = self.highlighted
        self.clear_options()
        self.by_key = {}
        group = None
        listed = entries(moves)
        # one heading a group: a side's moves in the data need not come group by group
        order: dict[str, int] = {}
        for e in listed:
            order.setdefault(e.move.group, len(order))
        listed.sort(key=lambda e: order[e.move.group])  # stable: the data's order within a group
        for e in listed:
            if e.move.group != group:
                group = e.move.group
                self.add_option(Option(Text(f"── {tc(group)} ──", style="bold"), disabled=True))
            self.by_key[e.key] = e
            # illegal moves stay reachable (dimmed, marked ✗) so the player can read why
            self.add_option(Option(option_row(e, e.key in chosen), id=e.key))
        if keep is not None and self.option_count:
            self.highlighted = min(keep, self.option_count - 1)

    def _entry(self, index: int | None) -> Entry | None:
        if index is None:
            return None
        opt = self.get_option_at_index(index)
        return self.by_key.get(opt.id) if opt.id else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        e = self.by_key.get(event.option.id or "")
        if e:
            self.post_message(self.Highlighted(e))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        e = self.by_key.get(event.option.id or "")
        if e:
            self.post_message(self.Toggled(e))

    def action_toggle(self) -> None:
        e = self._entry(self.highlighted)
        if e:
            self.post_message(self.Toggled(e))

    # Textual 8.2's OptionList._move_page looks the highlighted option up in a line cache that is
    # only built while the list has room to draw (_update_lines returns early on an empty content
    # region), so pageup/pagedown with a highlight and no visible rows raised KeyError (a war room
    # at 40x12: home, then pageup). With no rows there is no page to move by, so do nothing.
    # See docs/upstream/textual-optionlist-page.md.
    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()
