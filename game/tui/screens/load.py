"""The load dialog: every save in a folder, newest first, with the reason a broken one cannot load.

Every file in the folder may be hostile (saves travel between players): names, errors and fields are
shown as plain text (never as markup), on one line, and a file that cannot be read is listed in red."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from game.ai import DEFAULT_LEVEL, PERSONAS
from game.engine.api import one_line
from game.tui.session import HOTSEAT, SAVE_DIR, SaveInfo, list_saves

COLUMNS = ("Name", "Scenario", "Side", "Quarter", "Saved", "Opponent")
SIDES = {"us": "US", "china": "China"}
ERROR_WIDTH = 30  # the table shows what is wrong in short; the line below the table says it all


class LoadScreen(ModalScreen[Path | None]):
    """Dismisses with the Path of the chosen save, or None (Escape)."""

    DEFAULT_CSS = """
    LoadScreen { align: center middle; }
    LoadScreen #dialog {
        width: 96%; max-width: 120; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LoadScreen #saves { height: auto; max-height: 20; }
    LoadScreen #detail { color: $text-muted; height: auto; margin-top: 1; }
    LoadScreen #detail.-error { color: $error; }
    LoadScreen #empty { padding: 1 2; }
    """
    BINDINGS = [
        # priority: the table would otherwise take enter (and hide this binding from the footer)
        Binding("enter", "choose", "Load", priority=True),
        Binding("escape,q", "cancel", "Back", key_display="esc"),
    ]

    def __init__(self, folder: Path = SAVE_DIR) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.saves: list[SaveInfo] = list_saves(self.folder)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(f"Load a game — {one_line(str(self.folder), 80)}")
            if self.saves:
                dialog.border_subtitle = "enter load · esc back"
                yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
                yield Static(id="detail")
            else:
                dialog.border_subtitle = "esc back"
                yield Static(
                    Text(
                        f"No saves yet in {one_line(str(self.folder))}/.\n\n"
                        "Every game saves itself each quarter in its own slot "
                        "(autosave-<scenario>-<side>-<seed>-…) and on ctrl+s in the war room. "
                        "Press escape to go back."
                    ),
                    id="empty",
                )
        yield Footer()

    def on_mount(self) -> None:
        if not self.saves:
            return
        table = self.query_one("#saves", DataTable)
        table.add_columns(*COLUMNS)
        for i, info in enumerate(self.saves):
            table.add_row(*_cells(info), key=str(i))
        table.focus()
        self._show(0)

    def _info(self, row: int | None = None) -> SaveInfo | None:
        if not self.saves:
            return None
        table = self.query_one("#saves", DataTable)
        row = table.cursor_row if row is None else row
        return self.saves[row] if 0 <= row < len(self.saves) else None

    def _show(self, row: int) -> None:
        info = self._info(row)
        detail = self.query_one("#detail", Static)
        if info is None:
            return
        detail.set_class(bool(info.error), "-error")
        if info.error:
            detail.update(Text(f"{one_line(info.path.name)} cannot be loaded: {info.error}"))
        else:
            side = SIDES.get(info.side, info.side)
            detail.update(
                Text(
                    f"{one_line(str(info.path))}: {info.scenario}, {side} against "
                    f"{opponent_title(info.opponent)}, next quarter {info.quarter}, "
                    f"saved {info.saved.replace('T', ' ')}"
                )
            )

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._choose(self._info(event.cursor_row))

    def action_choose(self) -> None:
        self._choose(self._info())

    def _choose(self, info: SaveInfo | None) -> None:
        if info is None:
            return
        if info.error:
            self.notify(
                info.error,
                title=f"Cannot load {one_line(info.path.name, 60)}",
                severity="error",
                markup=False,
            )
            return
        self.dismiss(info.path)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None greys "Load" out in the footer when there is nothing to load
        return True if self.saves or action != "choose" else None

    def action_cancel(self) -> None:
        self.dismiss(None)


def opponent_title(spec: str) -> str:
    """A readable name for an agent spec ('pragmatist', 'planner:2', 'human')."""
    if spec == HOTSEAT:
        return "a second human (hot-seat)"
    name, _, level = spec.partition(":")
    if name == "planner":
        return f"the planner (level {level or DEFAULT_LEVEL})"
    for personas in PERSONAS.values():
        if spec in personas:
            return f"the {personas[spec].title}"
    return spec


def _cells(info: SaveInfo) -> tuple[Text, ...]:
    """A table row; Rich Text so that brackets in names and errors are not read as markup."""
    name = one_line(info.path.stem, 60)
    if info.error:
        text = info.error.split(" (")[0]
        text = text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…"
        return (Text(name), Text(text, style="red"), *(Text("") for _ in COLUMNS[2:]))
    return (
        Text(name, style="bold"),
        Text(info.scenario),
        Text(SIDES.get(info.side, info.side)),
        Text(info.quarter),
        Text(info.saved.replace("T", " ")[:16]),
        Text(info.opponent),
    )
