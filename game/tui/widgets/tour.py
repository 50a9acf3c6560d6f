"""The guided first quarter: three short prompts that point at the meters, a move's preview and the
end-quarter key. n shows the next, x ends the tour; once ended it is remembered (game.tui.prefs)
and not shown again."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from game.i18n import N_, _


@dataclass(frozen=True)
class Step:
    target: str  # the id of the widget the step points at (lit while the step shows)
    text: str  # English, marked for translation (N_): shown as _(text)


STEPS = (
    Step(
        "meters",
        N_(
            "The meters: where the race stands. Tab to them, ↑/↓ to read why one moved, g for its "
            "chart. The score is in the title bar."
        ),
    ),
    Step(
        "moves",
        N_(
            "Your moves: highlight one and the preview below shows its likely effect against "
            "holding, the score first. Enter adds it to your plan, above."
        ),
    ),
    Step(
        "plan",
        N_(
            "Plan ready? Press e to end the quarter. The report shows what both sides did and why "
            "each meter moved."
        ),
    ),
)


class Tour(Static):
    """Shows STEPS one at a time; `advance` moves on and says when the tour is over."""

    step: int = 0

    def show_step(self) -> None:
        s = STEPS[self.step]
        self.update(
            Text.assemble(
                (
                    _("Tour {step}/{steps}").format(step=self.step + 1, steps=len(STEPS)) + " ",
                    "bold",
                ),
                (_("(n: next, x: end)") + " ", "dim"),
                _(s.text),
            )
        )

    @property
    def target(self) -> str:
        return STEPS[self.step].target

    def advance(self) -> bool:
        """The next step; False when there is none (the tour is over)."""
        if self.step + 1 >= len(STEPS):
            return False
        self.step += 1
        self.show_step()
        return True
