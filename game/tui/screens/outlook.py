"""The laws and the odds (o in the war room): each bill's stage, the chance of its next step this
quarter with and without a push and who pushed it last; the chance of each big event this quarter.
At 110 columns and more the war room's centre panel shows the same."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.i18n import N_, _
from game.tui.screens.prompt import READER_CSS
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.outlook import LawsPanel, OddsPanel

NOTE = N_(
    "Chances are for this quarter, from the state as you see it. A bill moves one stage at a time, "
    "mostly when its sponsor spends capital pushing it; rising tension helps."
)


class OutlookScreen(ModalScreen[None]):
    DEFAULT_CSS = (
        READER_CSS.format(name="OutlookScreen")
        + """
    OutlookScreen Static { height: auto; margin-bottom: 1; }
    OutlookScreen #outlook-note { color: $text-muted; }
    """
    )
    BINDINGS = [Binding("escape,o,q", "close", N_("Close"), key_display="esc")]

    def __init__(self, game, viewer: str) -> None:
        super().__init__()
        self.game, self.viewer = game, viewer

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = _("Laws and odds, {quarter}").format(quarter=self.game.quarter)
            box.border_subtitle = _("esc close")
            yield LawsPanel(id="outlook-laws")
            yield OddsPanel(limit=None, id="outlook-odds")
            yield Static(_(NOTE), id="outlook-note")
        yield G2Footer()

    def on_mount(self) -> None:
        self.query_one(LawsPanel).show(self.game, self.viewer)
        self.query_one(OddsPanel).show(self.game, self.viewer)

    def action_close(self) -> None:
        self.dismiss(None)
