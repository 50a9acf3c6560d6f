"""The quarter's plan: the acting side's chosen moves in words with their costs, and the political
capital left. Always visible, at every size: it wraps instead of cutting."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def plan_text(who: str, moves: list[tuple[str, float]], capital: float, spent: float) -> Text:
    """'Your plan (United States): Stargate tranche 15 · Push RASA 5 — 20 of 40 capital left'."""
    out = Text.assemble((f"Plan ({who}): ", "bold"))
    if not moves:
        out.append("hold (no moves yet)", "dim")
    for i, (name, cost) in enumerate(moves):
        if i:
            out.append(" · ")
        out.append(name)
        out.append(f" {cost:g}", "cyan")
    left = capital - spent
    out.append("\n")
    out.append(f"{left:.0f} of {capital:.0f} political capital left", "bold" if left else "yellow")
    return out


class PlanPanel(Static):
    """The plan as `plan_text` renders it; `busy` replaces it while the quarter resolves."""

    def show(self, who: str, moves: list[tuple[str, float]], capital: float, spent: float) -> None:
        self.update(plan_text(who, moves, capital, spent))

    def busy(self) -> None:
        self.update(Text("Resolving the quarter…", "bold"))
