"""Small modal prompts: a save name, a yes/no question, and handing the keyboard over in hot-seat
play."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from game.engine.api import one_line
from game.i18n import N_, _
from game.tui.defaults import SAVE_DIR

PROMPT_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 60; height: auto; border: thick $accent; background: $surface; padding: 1 2;
}}
"""
# a read-only dialog (the score, the laws and odds): a scrolling box, centred, at most 100 wide
READER_CSS = """
{name} {{ align: center middle; }}
{name} > VerticalScroll {{
    width: 96%; max-width: 100; height: auto; max-height: 92%;
    border: round $accent; background: $surface; padding: 0 1;
}}
"""


class SaveNameScreen(ModalScreen[str | None]):
    """Asks for a save's name; dismisses with a usable name (see check_save_name) or None (escape).
    A name that cannot be used is refused here with the reason, and the prompt stays open."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    DEFAULT_CSS = PROMPT_CSS.format(name="SaveNameScreen") + (
        "SaveNameScreen #name-error { color: $error; height: auto; }\n"
    )

    def __init__(self, default: str, folder: str | Path = SAVE_DIR):
        super().__init__()
        self.default = default
        self.folder = Path(folder)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(_("Save as (in {folder}/):").format(folder=one_line(str(self.folder), 40)))
            )
            yield Input(value=self.default, id="name")
            yield Static(id="name-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from game.tui.session import SaveNameError, check_save_name

        try:
            check_save_name(event.value)
        except SaveNameError as exc:
            self.query_one("#name-error", Static).update(
                Text(_("Not saved: {reason}").format(reason=exc))
            )
            self.notify(str(exc), title=_("Not saved"), severity="error", markup=False)
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandOverScreen(ModalScreen[None]):
    """Hot-seat: hides the board until the next player is at the keyboard."""

    BINDINGS = [Binding("enter", "go", N_("I am ready"), priority=True)]
    DEFAULT_CSS = PROMPT_CSS.format(name="HandOverScreen")

    def __init__(self, who: str):
        super().__init__()
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                _("[b]Pass the keyboard to {player}.[/b]\n\nPress enter when ready.").format(
                    player=self.who
                )
            )

    def action_go(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question (e.g. "Quit G2?" with what would be lost). Dismisses with True for yes
    (y, or enter on the focused Yes button) and False for no (n, escape, or the No button). The
    question is plain text (never markup: it may quote a save's name) and wraps to fit 80×24."""

    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No"), key_display="n/esc"),
        # the focused button takes enter first (tab to No, enter: no); with no button focused it is yes
        Binding("enter", "answer(True)", N_("Yes"), show=False),
    ]
    DEFAULT_CSS = PROMPT_CSS.format(name="ConfirmScreen") + (
        "ConfirmScreen > Vertical { max-width: 76; max-height: 22; }\n"
        "ConfirmScreen #question { height: auto; max-height: 16; margin-bottom: 1; }\n"
        "ConfirmScreen #answers { height: auto; align-horizontal: center; }\n"
        "ConfirmScreen #answers Button { margin: 0 1; min-width: 12; }\n"
    )

    def __init__(
        self, question: str, yes: str | None = None, no: str | None = None, title: str = ""
    ) -> None:
        """`yes` and `no` label the buttons (already translated); by default "Yes" and "No"."""
        super().__init__()
        self.question, self.title_text = question, title
        self.yes = _("Yes") if yes is None else yes
        self.no = _("No") if no is None else no

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            if self.title_text:
                box.border_title = one_line(self.title_text, 60)
            box.border_subtitle = _("y yes · n/esc no")
            yield Static(Text(self.question), id="question")
            with Horizontal(id="answers"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
