"""Ask the advisors: the three personas of the player's side each recommend a move, with the engine's
forecast. Number keys adopt a recommendation."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.ai import forecast
from game.ai.forecast import Advice
from game.i18n import N_, _, tc
from game.tui.session import Session
from game.tui.widgets.footer import G2Footer


class AdvisorsScreen(ModalScreen[str | None]):
    """Dismisses with the adopted move string, or None."""

    BINDINGS = [
        Binding("1", "adopt(0)", N_("Adopt 1")),
        Binding("2", "adopt(1)", N_("Adopt 2")),
        Binding("3", "adopt(2)", N_("Adopt 3")),
        Binding("escape", "close", N_("Close")),
    ]
    DEFAULT_CSS = """
    AdvisorsScreen { align: center middle; }
    AdvisorsScreen > VerticalScroll {
        width: 90%; height: auto; max-height: 90%; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    """

    def __init__(self, session: Session, side: str):
        super().__init__()
        self.session, self.side = session, side
        self.advice: list[Advice] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("[b]Your advisors[/b] — they see the same forecast and still disagree"))
            yield Static(_("Consulting the models…"), id="advice")
        yield G2Footer()

    def on_mount(self) -> None:
        self.consult()

    @work(thread=True, exclusive=True)
    def consult(self) -> None:
        advice = forecast.advisors(self.session.game, self.side)
        self.app.call_from_thread(self._show, advice)

    def _show(self, advice: list[Advice]) -> None:
        boxes = self.query("#advice")
        if not boxes:  # the dialog was closed before the advice came back from its thread
            return
        self.advice = advice
        lines = []
        for i, a in enumerate(advice, 1):
            move = tc(self.session.game.move_label(a.move)) if a.move else _("hold")
            head = _("[b]{n}. {advisor}[/b] recommends [b cyan]{move}[/b cyan]").format(
                n=i, advisor=tc(a.title), move=move
            )
            lines.append(f"{head}\n   {a.reason}\n")
        boxes.first(Static).update("\n".join(lines))

    def action_adopt(self, i: int) -> None:
        if i < len(self.advice):
            self.dismiss(self.advice[i].move)

    def action_close(self) -> None:
        self.dismiss(None)
