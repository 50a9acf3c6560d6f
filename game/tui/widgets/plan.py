"""The quarter's plan: the acting side's chosen moves in words with their costs, and the political
capital left. Always visible, at every size: it wraps instead of cutting."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from game.i18n import _


def plan_text(who: str, moves: list[tuple[str, float]], capital: float, spent: float) -> Text:
    """'Plan (United States): Stargate tranche 15 · Push RASA 5', then '20 of 40 political capital
    left'. `who` and the moves' names are in the player's language already."""
    out = Text.assemble((_("Plan ({side}): ").format(side=who), "bold"))
    if not moves:
        out.append(_("hold (no moves yet)"), "dim")
    for i, (name, cost) in enumerate(moves):
        if i:
            out.append(" · ")
        out.append(name)
        out.append(f" {cost:g}", "cyan")
    left = capital - spent
    out.append("\n")
    words = _("{left} of {capital} political capital left")
    out.append(
        words.format(left=f"{left:.0f}", capital=f"{capital:.0f}"), "bold" if left else "yellow"
    )
    return out


class PlanPanel(Static):
    """The plan as `plan_text` renders it; `busy` replaces it while the quarter resolves."""

    def show(self, who: str, moves: list[tuple[str, float]], capital: float, spent: float) -> None:
        self.update(plan_text(who, moves, capital, spent))

    def busy(self) -> None:
        self.update(Text(_("Resolving the quarter…"), "bold"))
