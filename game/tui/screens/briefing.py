"""A side's briefing card on screen (b in the war room; shown when a classroom game starts): the
scenario, the role's briefing and objectives, what wins, the moves it may use, the situation at the
start — the same card `g2 brief` prints for handing out (game.analysis.brief)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from game.i18n import N_, language
from game.tui.screens.prompt import READER_CSS
from game.tui.session import Session
from game.tui.widgets.footer import G2Footer


def briefing_markdown(session: Session, side: str) -> str:
    from game.analysis.brief import cards

    g = session.game
    return cards(g.scenario, side, fmt="md", lang=language(), data=g.data)


class BriefingScreen(ModalScreen[None]):
    DEFAULT_CSS = READER_CSS.format(name="BriefingScreen")
    BINDINGS = [Binding("escape,enter,b,q", "close", N_("Close"), key_display="esc")]

    def __init__(self, session: Session, side: str) -> None:
        super().__init__()
        self.session, self.side = session, side

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(briefing_markdown(self.session, self.side))
        yield G2Footer()

    def action_close(self) -> None:
        self.dismiss(None)
