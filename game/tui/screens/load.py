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
from textual.widgets import DataTable, Static

from game.ai import DEFAULT_LEVEL, PERSONAS
from game.engine.api import one_line
from game.i18n import N_, _, tc
from game.tui.session import HOTSEAT, SAVE_DIR, SaveInfo, list_saves
from game.tui.widgets.footer import G2Footer

# marked for translation, translated where shown
COLUMNS = (N_("Name"), N_("Scenario"), N_("Side"), N_("Quarter"), N_("Saved"), N_("Opponent"))
SIDES = {"us": N_("US"), "china": N_("China")}
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
        Binding("enter", "choose", N_("Load"), priority=True),
        Binding("escape,q", "cancel", N_("Back"), key_display="esc"),
    ]

    def __init__(self, folder: Path = SAVE_DIR) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.saves: list[SaveInfo] = list_saves(self.folder)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(
                _("Load a game — {folder}").format(folder=one_line(str(self.folder), 80))
            )
            if self.saves:
                dialog.border_subtitle = _("enter load · esc back")
                yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
                yield Static(id="detail")
            else:
                dialog.border_subtitle = _("esc back")
                yield Static(
                    Text(
                        _(
                            "No saves yet in {folder}/.\n\n"
                            "Every game saves itself each quarter in its own slot "
                            "(autosave-<scenario>-<side>-<seed>-…) and on ctrl+s in the war room. "
                            "Press escape to go back."
                        ).format(folder=one_line(str(self.folder)))
                    ),
                    id="empty",
                )
        yield G2Footer()

    def on_mount(self) -> None:
        if not self.saves:
            return
        table = self.query_one("#saves", DataTable)
        table.add_columns(*(_(c) for c in COLUMNS))
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
            detail.update(
                Text(
                    _("{name} cannot be loaded: {error}").format(
                        name=one_line(info.path.name), error=info.error
                    )
                )
            )
        else:
            detail.update(
                Text(
                    _(
                        "{path}: {scenario}, {side} against {opponent}, next quarter {quarter}, "
                        "saved {saved}"
                    ).format(
                        path=one_line(str(info.path)),
                        scenario=info.scenario,
                        side=side_label(info.side),
                        opponent=opponent_title(info.opponent),
                        quarter=info.quarter,
                        saved=info.saved.replace("T", " "),
                    )
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
                title=_("Cannot load {name}").format(name=one_line(info.path.name, 60)),
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


def side_label(side: str) -> str:
    """'US' or 'China' in the current language; a side the game does not know, as it is."""
    return _(SIDES[side]) if side in SIDES else side


def opponent_title(spec: str) -> str:
    """A readable name for an agent spec ('pragmatist', 'planner:2', 'human')."""
    if spec == HOTSEAT:
        return _("a second human (hot-seat)")
    name, _sep, level = spec.partition(":")
    if name == "planner":
        return _("the planner (level {level})").format(level=level or DEFAULT_LEVEL)
    for personas in PERSONAS.values():
        if spec in personas:
            return _("the {persona}").format(persona=tc(personas[spec].title))
    return spec


def _cells(info: SaveInfo) -> tuple[Text, ...]:
    """A table row; Rich Text so that brackets in names and errors are not read as markup."""
    name = one_line(info.path.stem, 60)
    if info.error:
        text = info.error.split(" (")[0]
        text = text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…"
        return (Text(name), Text(text, style="red"), *(Text("") for _c in COLUMNS[2:]))
    return (
        Text(name, style="bold"),
        Text(info.scenario),
        Text(side_label(info.side)),
        Text(info.quarter),
        Text(info.saved.replace("T", " ")[:16]),
        Text(info.opponent),
    )
