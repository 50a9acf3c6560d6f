"""The quarter's report: both sides' moves (covert ones hidden until exposed), events and headlines,
and each meter's change with its causes."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from game.engine.api import TurnResult
from game.engine.data import other_side
from game.i18n import N_, _, ngettext, tc
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.footer import G2Footer


def side_label(side: str) -> str:
    """'United States' or 'China' in the current language."""
    return _("United States") if side == "us" else _("China") if side == "china" else side


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal columns (a Chinese character takes two)."""
    fill = " " * max(0, width - cell_len(text))
    return fill + text if right else text + fill


def exposed_lines(game, r: TurnResult, viewer: str) -> list[str]:
    """The other side's covert moves this quarter's events exposed: those of this quarter said as
    such, earlier ones with their quarter."""
    lines = []
    for side, moves in r.revealed.items():
        if side == viewer:
            continue
        now, before = [], []
        for text in moves:
            quarter, _sep, key = text.partition(" ")
            (now if quarter == r.quarter else before).append((quarter, tc(game.move_label(key))))
        who = side_label(side)
        if now:
            what = _(", ").join(label for _q, label in now)
            lines.append(
                _("[b red]Exposed:[/b red] {side} was caught this quarter: {moves}").format(
                    side=who, moves=what
                )
            )
        if before:
            what = _(", ").join(f"{label} ({q})" for q, label in before)
            lines.append(
                _("[b red]Exposed:[/b red] {side} had earlier played {moves}").format(
                    side=who, moves=what
                )
            )
    return lines


def journal_lines(session: Session, r: TurnResult) -> list[str]:
    """The quarter's rationales and predictions against what happened (players' own words are
    shown as typed: markup in them is escaped)."""
    from rich.markup import escape

    from game.tui.screens.journal import prediction_lines

    gd = session.game.data

    def words(meter: str) -> tuple[str, str]:
        m = gd.meters.get(meter)
        return (m.name, m.fmt) if m is not None else (meter, "num")

    return [escape(line) for line in prediction_lines(session.journal_for(r.quarter), words)]


def report_text(session: Session, r: TurnResult, viewer: str) -> str:
    """The report as `viewer` may see it, in words: moves by name, scores labelled by side."""
    g = session.game
    gd = g.data
    other = other_side(viewer)
    seen = g.observation(viewer)["history"][-1]
    words = lambda keys: _(", ").join(tc(g.move_label(k)) for k in keys)  # noqa: E731
    lines = [_("[b]{quarter}: the quarter's report[/b]").format(quarter=r.quarter), ""]
    lines.append(
        _("Score {score} ({change} this quarter)").format(
            score=fmt.score(r.meters["score"]), change=fmt.score(r.deltas["score"])
        )
    )
    lines.append(
        _("[b]{side} played:[/b] {moves}").format(
            side=side_label(viewer), moves=words(r.moves[viewer]) or _("nothing")
        )
    )
    theirs = words(seen[other]) or _("nothing seen")
    hidden = seen.get("hidden_moves", 0)
    if hidden:
        played = ngettext(
            "[b]{side} played:[/b] {moves} (+{n} covert move not yet exposed)",
            "[b]{side} played:[/b] {moves} (+{n} covert moves not yet exposed)",
            hidden,
        )
    else:
        played = _("[b]{side} played:[/b] {moves}")
    lines.append(played.format(side=side_label(other), moves=theirs, n=hidden))
    lines += exposed_lines(g, r, viewer)
    lines.append("")
    journal = journal_lines(session, r)
    if journal:
        lines.append(_("[b]Decision journal[/b]"))
        lines += [f"  {line}" for line in journal]
        lines.append("")
    if r.events:
        lines.append(_("[b]Headlines[/b]"))
        lines += [f"  • {tc(e.headline or e.name)}" for e in r.events]
        lines.append("")
    lines.append(_("[b]What moved, and why[/b]"))
    seen = r.why_seen(viewer)  # the other side's unexposed covert moves stay unexplained
    for m, spec in gd.meters.items():
        d = r.deltas.get(m, 0.0)
        if abs(d) < 1e-9:
            continue
        causes = list(seen.get(m, {}).items())[:3]
        if m == "score":
            now, change = fmt.score(r.meters[m]), fmt.score_change(d)
            why = _("; ").join(f"{tc(c)} {fmt.score(v)}" for c, v in causes)
        else:
            now, change = fmt.value(r.meters[m], spec.fmt), fmt.change(d, spec.fmt)
            why = _("; ").join(f"{tc(c)} {fmt.change(v, spec.fmt)}" for c, v in causes)
        lines.append(f"  {pad(tc(spec.name), 24)} {pad(now, 9, right=True)} ({change})")
        if why:  # the causes on their own line: they wrap under it, not under the numbers
            lines.append(f"      [dim]{why}[/dim]")
    return "\n".join(lines)


class ReportScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "dismiss_report", N_("Continue"), priority=True),
        Binding("escape", "dismiss_report", N_("Continue"), show=False),
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
            yield Static(_("[dim]enter: on to the next quarter[/dim]"))
        yield G2Footer()

    def action_dismiss_report(self) -> None:
        self.dismiss(None)
