"""The outlook: each bill's stage and the odds of its next step this quarter (with and without a
push), and the odds of the big events this quarter. The figures come from the engine
(`Game.bills`, `Game.event_odds`), computed from what the viewer may see."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.widgets import Static

from game.i18n import _, tc


def stage_bar(index: int, stages: int) -> str:
    return "▰" * (index + 1) + "▱" * (stages - index - 1)


def laws_text(bills: list, compact: bool = False) -> Text:
    """Each bill: its stage; unless done, the chance of its next step this quarter without and
    with its sponsor's push; who pushed it last quarter. `compact`: two lines a bill."""
    out = Text(_("Bills before Congress"), "bold")
    for b in bills:
        out.append(f"\n{tc(b.name)} ", "bold")
        out.append(stage_bar(b.stage, len(b.stages)), "cyan")
        out.append(f" {tc(b.stage_label)}")
        if b.done:
            continue
        nxt = b.stages[b.stage + 1] if compact else b.next_step
        words = {
            "step": escape(tc(str(nxt))),
            "now": f"{b.chance_if_not:.0%}",
            "pushed": f"{b.chance_if_pushed:.0%}",
        }
        if compact or not b.push_move_name:
            line = _("{step}: [b]{now}[/b] now, {pushed} if pushed")
        elif b.sponsor == "us":
            line = _(
                "{step}: [b]{now}[/b] now, {pushed} if pushed[dim] by the US move "
                "[i]{move}[/i][/dim]"
            )
        else:
            line = _(
                "{step}: [b]{now}[/b] now, {pushed} if pushed[dim] by the Chinese move "
                "[i]{move}[/i][/dim]"
            )
        out.append("\n  → ")
        move = escape(tc(b.push_move_name or ""))
        out.append_text(Text.from_markup(line.format(move=move, **words)))
        if compact:
            continue
        done = tc(", ".join(b.pushed_last_quarter)) or _("nobody")
        out.append("\n" + "  " + _("pushed last quarter: {who}").format(who=done), "dim")
    return out


def odds_text(odds: list, limit: int | None = 5) -> Text:
    out = Text(_("This quarter's odds"), "bold")
    shown = [o for o in odds if o.chance >= 0.005][:limit]
    if not shown:
        out.append("\n  " + _("no big event is likely"), "dim")
    for o in shown:
        out.append(f"\n{o.chance:>4.0%} ", "bold")
        out.append(tc(o.name))
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
