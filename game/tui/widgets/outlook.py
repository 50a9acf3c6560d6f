"""The outlook: each bill's stage and the odds of its next step this quarter (with and without a
push), and the odds of the big events this quarter. The figures come from the engine
(`Game.bills`, `Game.event_odds`), computed from what the viewer may see."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def stage_bar(index: int, stages: int) -> str:
    return "▰" * (index + 1) + "▱" * (stages - index - 1)


def laws_text(bills: list, limit: int | None = None) -> Text:
    out = Text("Bills before Congress", "bold")
    for b in bills[:limit]:
        out.append(f"\n{b.name} ", "bold")
        out.append(stage_bar(b.index, len(b.stages)), "cyan")
        out.append(f" {b.stage}")
        if b.done:
            continue
        out.append(f"\n  next: {b.next_step}: ")
        out.append(f"{b.chance_if_not:.0%}", "bold")
        out.append(f" this quarter, {b.chance_if_pushed:.0%} if pushed")
        if b.pushed_by:
            out.append(f" · pushed last quarter by {b.pushed_by}", "dim")
    return out


def odds_text(odds: list, limit: int = 5) -> Text:
    out = Text("This quarter's odds", "bold")
    shown = [o for o in odds if o.chance >= 0.005][:limit]
    if not shown:
        out.append("\n  no big event is likely", "dim")
    for o in shown:
        out.append(f"\n{o.chance:>4.0%} ", "bold")
        out.append(o.name)
    return out


class LawsPanel(Static):
    def show(self, game, viewer: str) -> None:
        if not hasattr(game, "bills"):  # SHIM-REMOVE
            return
        self.update(laws_text(game.bills(viewer)))


class OddsPanel(Static):
    def show(self, game, viewer: str) -> None:
        if not hasattr(game, "event_odds"):  # SHIM-REMOVE
            return
        self.update(odds_text(game.event_odds(viewer)))
