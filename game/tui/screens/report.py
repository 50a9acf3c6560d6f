"""The quarter's report: both sides' moves (covert ones hidden until exposed), events and headlines,
and each meter's change with its causes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from game.engine.api import TurnResult
from game.engine.data import other_side
from game.tui import format as fmt
from game.tui.session import Session, side_name


def exposed_lines(game, r: TurnResult, viewer: str) -> list[str]:
    """The other side's covert moves this quarter's events exposed: those of this quarter said as
    such, earlier ones with their quarter."""
    lines = []
    for side, moves in r.revealed.items():
        if side == viewer:
            continue
        now, before = [], []
        for text in moves:
            quarter, _, key = text.partition(" ")
            (now if quarter == r.quarter else before).append((quarter, game.move_label(key)))
        who = side_name(side)
        if now:
            what = ", ".join(label for _, label in now)
            lines.append(f"[b red]Exposed:[/b red] {who} was caught this quarter: {what}")
        if before:
            what = ", ".join(f"{label} ({q})" for q, label in before)
            lines.append(f"[b red]Exposed:[/b red] {who} had earlier played {what}")
    return lines


def report_text(session: Session, r: TurnResult, viewer: str) -> str:
    """The report as `viewer` may see it, in words: moves by name, scores labelled by side."""
    g = session.game
    gd = g.data
    other = other_side(viewer)
    seen = g.observation(viewer)["history"][-1]
    words = lambda keys: ", ".join(g.move_label(k) for k in keys)  # noqa: E731
    lines = [f"[b]{r.quarter}: the quarter's report[/b]", ""]
    lines.append(
        f"Score {fmt.score(r.meters['score'])} ({fmt.score(r.deltas['score'])} this quarter)"
    )
    lines.append(f"[b]{side_name(viewer)} played:[/b] {words(r.moves[viewer]) or 'nothing'}")
    theirs = words(seen[other]) or "nothing seen"
    hidden = seen.get("hidden_moves", 0)
    if hidden:
        theirs += f" (+{hidden} covert move{'s' if hidden > 1 else ''} not yet exposed)"
    lines.append(f"[b]{side_name(other)} played:[/b] {theirs}")
    lines += exposed_lines(g, r, viewer)
    lines.append("")
    if r.events:
        lines.append("[b]Headlines[/b]")
        lines += [f"  • {e.headline or e.name}" for e in r.events]
        lines.append("")
    lines.append("[b]What moved, and why[/b]")
    seen = r.why_seen(viewer)  # the other side's unexposed covert moves stay unexplained
    for m, spec in gd.meters.items():
        d = r.deltas.get(m, 0.0)
        if abs(d) < 1e-9:
            continue
        causes = list(seen.get(m, {}).items())[:3]
        if m == "score":
            now, change = fmt.score(r.meters[m]), fmt.score_change(d)
            why = "; ".join(f"{c} {fmt.score(v)}" for c, v in causes)
        else:
            now, change = fmt.value(r.meters[m], spec.fmt), fmt.change(d, spec.fmt)
            why = "; ".join(f"{c} {fmt.change(v, spec.fmt)}" for c, v in causes)
        lines.append(f"  {spec.name:24s} {now:>9s} ({change})")
        if why:  # the causes on their own line: they wrap under it, not under the numbers
            lines.append(f"      [dim]{why}[/dim]")
    return "\n".join(lines)


class ReportScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "dismiss_report", "Continue", priority=True),
        Binding("escape", "dismiss_report", "Continue", show=False),
    ]
    DEFAULT_CSS = """
    ReportScreen { align: center middle; }
    ReportScreen > VerticalScroll {
        width: 96%; height: 92%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, session: Session, result: TurnResult, viewer: str):
        super().__init__()
        self.session, self.result, self.viewer = session, result, viewer

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(report_text(self.session, self.result, self.viewer), id="report")
            yield Static("[dim]enter: on to the next quarter[/dim]")
        yield Footer()

    def action_dismiss_report(self) -> None:
        self.dismiss(None)
