"""The race at a glance (the war room's centre at 110 columns and more): the score with its largest
parts, both sides' compute on one shared log scale, China's compute by channel, the bills before
Congress and the odds of this quarter's big events."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.engine.ledger import COVERT
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.outlook import LawsPanel, OddsPanel
from game.tui.widgets.score import ScorePanel

LOG_LO, LOG_HI = 4.0, 8.0  # the compute bars' shared axis: 10k to 100M B300e


def track(score: float, width: int = 19) -> str:
    """−100 … +100 with a marker: China on the left, the US on the right."""
    pos = int(round((max(-100.0, min(score, 100.0)) + 100) / 200 * (width - 1)))
    cells = ["─"] * width
    cells[width // 2] = "┼"
    cells[pos] = "●"
    return "CN " + "".join(cells) + " US"


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
            f"[b]Score {fmt.score(m['score'])}[/b]\n{track(m['score'])}"
        )
        self.query_one("#score-parts", ScorePanel).show(g.score_breakdown(), m["score"])
        w = 12
        self.query_one("#compute", Static).update(
            "\n".join(
                [
                    "[b]Compute[/b] [dim]B300e, log scale[/dim]",
                    f"US {log_bar(m['us_compute'], w)} {fmt.value(m['us_compute'], 'compute')}",
                    f"CN {log_bar(m['cn_compute'], w)} {fmt.value(m['cn_compute'], 'compute')}",
                ]
            )
        )
        ch = g.china_channels(viewer)
        total = sum(ch.values()) or 1.0
        lines = ["[b]China by channel[/b]"]
        for name, v in ch.items():
            name = "covert ?" if name == COVERT else name  # the other side's unexposed moves
            lines.append(f"{name:10s} {gauge(v, total, 7)} {fmt.value(v, 'compute'):>6s}")
        self.query_one("#channels", Static).update("\n".join(lines))
        self.query_one("#laws", LawsPanel).show(g, viewer)
        self.query_one("#odds", OddsPanel).show(g, viewer)
