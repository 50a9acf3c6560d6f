"""The outlook: each bill's stage and the odds of its next step this quarter (with and without a
push), and the odds of the big events this quarter. The figures come from the engine
(`Game.bills`, `Game.event_odds`), computed from what the viewer may see."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def stage_bar(index: int, stages: int) -> str:
    return "▰" * (index + 1) + "▱" * (stages - index - 1)


def laws_text(bills: list, compact: bool = False) -> Text:
    """Each bill: its stage; unless done, the chance of its next step this quarter without and
    with its sponsor's push; who pushed it last quarter. `compact`: two lines a bill."""
    out = Text("Bills before Congress", "bold")
    for b in bills:
        out.append(f"\n{b.name} ", "bold")
        out.append(stage_bar(b.stage, len(b.stages)), "cyan")
        out.append(f" {b.stage_label}")
        if b.done:
            continue
        nxt = b.stages[b.stage + 1] if compact else b.next_step
        out.append(f"\n  → {nxt}: ")
        out.append(f"{b.chance_if_not:.0%}", "bold")
        out.append(f" now, {b.chance_if_pushed:.0%} if pushed")
        if compact:
            continue
        if b.push_move_name:
            out.append(f" by the {'US' if b.sponsor == 'us' else 'Chinese'} move ", "dim")
            out.append(b.push_move_name, "dim italic")
        done = ", ".join(b.pushed_last_quarter) or "nobody"
        out.append(f"\n  pushed last quarter: {done}", "dim")
    return out


def odds_text(odds: list, limit: int | None = 5) -> Text:
    out = Text("This quarter's odds", "bold")
    shown = [o for o in odds if o.chance >= 0.005][:limit]
    if not shown:
        out.append("\n  no big event is likely", "dim")
    for o in shown:
        out.append(f"\n{o.chance:>4.0%} ", "bold")
        out.append(o.name)
    return out


class LawsPanel(Static):
    def __init__(self, compact: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.compact = compact

    def show(self, game, viewer: str) -> None:
        self.update(laws_text(game.bills(viewer), self.compact))


class OddsPanel(Static):
    def __init__(self, limit: int | None = 5, **kwargs) -> None:
        super().__init__(**kwargs)
        self.limit = limit

    def show(self, game, viewer: str) -> None:
        self.update(odds_text(game.event_odds(viewer), self.limit))
