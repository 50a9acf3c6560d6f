"""The score explained: every part of the leadership score with its points, the side it favours, its
weight, what it measures and whose argument it is (s in the war room)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.engine.api import Game
from game.i18n import N_, _
from game.tui.screens.prompt import READER_CSS
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.score import ScorePanel


def score_note(game: Game) -> str:
    """How the parts make the score and how the score decides the game (from the game's params)."""
    p = game.data.params
    if "win_margin" in p:
        return _(
            "Each part gives one side at most its weight; together they make the score, from −100 "
            "(China dominates) to +100 (the US dominates). At the end, ±{margin} or beyond wins; "
            "inside is a draw."
        ).format(margin=f"{game.win_margin:g}")
    return _(
        "Each part gives one side at most its weight; together they make the score, from −100 "
        "(China dominates) to +100 (the US dominates)."
    )


class ScoreScreen(ModalScreen[None]):
    """The score's parts for `game` as it stands. Dismisses with None (escape, s or q)."""

    DEFAULT_CSS = (
        READER_CSS.format(name="ScoreScreen")
        + """
    ScoreScreen #score-parts { height: auto; }
    ScoreScreen #score-note { color: $text-muted; margin-top: 1; }
    """
    )
    BINDINGS = [Binding("escape,s,q", "close", N_("Close"), key_display="esc")]

    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = _("The score, {quarter}").format(quarter=self.game.quarter)
            box.border_subtitle = _("esc close")
            yield ScorePanel(id="score-parts")
            yield Static(score_note(self.game), id="score-note")
        yield G2Footer()

    def on_mount(self) -> None:
        self.query_one(ScorePanel).show(self.game.score_breakdown(), self.game.meters["score"])

    def action_close(self) -> None:
        self.dismiss(None)
