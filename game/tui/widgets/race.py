"""The race at a glance (the war room's centre at 110 columns and more): the score with its largest
parts, both sides' compute on one shared log scale, China's compute by channel, the bills before
Congress and the odds of this quarter's big events."""

from __future__ import annotations

import math

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.engine.ledger import COVERT
from game.i18n import _, tc
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.outlook import LawsPanel, OddsPanel
from game.tui.widgets.score import ScorePanel, pad

LOG_LO, LOG_HI = 4.0, 8.0  # the compute bars' shared axis: 10k to 100M B300e


def track(score: float, width: int = 19) -> str:
    """−100 … +100 with a marker: China on the left, the US on the right. The sides' names take
    what they need of `width` beyond two cells each ('CN', 'US'), so the line keeps its length."""
    cn, us = _("CN"), _("US")
    width = max(width - max(cell_len(cn) - 2, 0) - max(cell_len(us) - 2, 0), 5)
    pos = int(round((max(-100.0, min(score, 100.0)) + 100) / 200 * (width - 1)))
    cells = ["─"] * width
    cells[width // 2] = "┼"
    cells[pos] = "●"
    return f"{cn} {''.join(cells)} {us}"


def gauge(value: float, hi: float = 100.0, width: int = 9) -> str:
    n = int(round(max(0.0, min(value, hi)) / hi * width)) if hi > 0 else 0
    return "█" * n + "░" * (width - n)


def log_bar(value: float, width: int) -> str:
    """A bar on the shared log axis LOG_LO…LOG_HI, so 1.8M and 277k differ as they should."""
    x = (math.log10(max(value, 1.0)) - LOG_LO) / (LOG_HI - LOG_LO)
    return gauge(x, 1.0, width)


class RacePanel(VerticalScroll):
    """Score, compute, China's channels, the laws and the odds, as `viewer` may see them."""

    def compose(self) -> ComposeResult:
        yield Static(id="score-track")
        yield ScorePanel(compact=True, id="score-parts")
        yield Static(id="compute")
        yield Static(id="channels")
        yield LawsPanel(compact=True, id="laws")
        yield OddsPanel(limit=3, id="odds")

    def show(self, session: Session, viewer: str) -> None:
        g = session.game
        m = g.meters
        self.query_one("#score-track", Static).update(
            _("[b]Score {score}[/b]").format(score=fmt.score(m["score"])) + f"\n{track(m['score'])}"
        )
        self.query_one("#score-parts", ScorePanel).show(g.score_breakdown(), m["score"])
        # the sides' names in the language; the bars give up what the names need beyond 2 cells
        us, cn = _("US"), _("CN")
        names = max(cell_len(us), cell_len(cn), 2)
        w = 12 - (names - 2)
        self.query_one("#compute", Static).update(
            "\n".join(
                [
                    _("[b]Compute[/b] [dim]B300e, log scale[/dim]"),
                    f"{pad(us, names)} {log_bar(m['us_compute'], w)} "
                    f"{fmt.value(m['us_compute'], 'compute')}",
                    f"{pad(cn, names)} {log_bar(m['cn_compute'], w)} "
                    f"{fmt.value(m['cn_compute'], 'compute')}",
                ]
            )
        )
        ch = g.china_channels(viewer)
        total = sum(ch.values()) or 1.0
        lines = [_("[b]China by channel[/b]")]
        for name, v in ch.items():
            # the other side's unexposed moves
            name = _("covert ?") if name == COVERT else tc(name)
            value = fmt.value(v, "compute")
            lines.append(f"{pad(name, 10)} {gauge(v, total, 7)} {pad(value, 6, right=True)}")
        self.query_one("#channels", Static).update("\n".join(lines))
        self.query_one("#laws", LawsPanel).show(g, viewer)
        self.query_one("#odds", OddsPanel).show(g, viewer)
