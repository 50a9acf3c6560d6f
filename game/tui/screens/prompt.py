"""Small modal prompts: a save name, and handing the keyboard over in hot-seat play."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

PROMPT_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 60; height: auto; border: thick $accent; background: $surface; padding: 1 2;
}}
"""


class SaveNameScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = PROMPT_CSS.format(name="SaveNameScreen")

    def __init__(self, default: str):
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Save as (in saves/):")
            yield Input(value=self.default, id="name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandOverScreen(ModalScreen[None]):
    """Hot-seat: hides the board until the next player is at the keyboard."""

    BINDINGS = [Binding("enter", "go", "I am ready", priority=True)]
    DEFAULT_CSS = PROMPT_CSS.format(name="HandOverScreen")

    def __init__(self, who: str):
        super().__init__()
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Pass the keyboard to {self.who}.[/b]\n\nPress enter when ready.")

    def action_go(self) -> None:
        self.dismiss(None)
