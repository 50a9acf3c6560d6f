"""The race at a glance: the score track and its largest parts, compute on each side over time,
China's compute by channel and the gauges (bubble risk, overbuild, lock-in, tension, capital)."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from game.engine.ledger import COVERT
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.score import ScorePanel

BAR = 9


def track(score: float, width: int = 19) -> str:
    """−100 … +100 with a marker: China on the left, the US on the right."""
    pos = int(round((score + 100) / 200 * (width - 1)))
    cells = ["─"] * width
    cells[width // 2] = "┼"
    cells[pos] = "●"
    return "CN " + "".join(cells) + " US"


def gauge(value: float, hi: float = 100.0, width: int = BAR) -> str:
    n = int(round(max(0.0, min(value, hi)) / hi * width))
    return "█" * n + "░" * (width - n)


class RacePanel(Vertical):
    """Score track, compute sparklines and China's channels."""

    def compose(self) -> ComposeResult:
        yield Static(id="score-track")
        yield ScorePanel(compact=True, id="score-parts")
        yield Static("US compute, log scale", classes="label")
        yield Sparkline([], id="us-spark")
        yield Static("China compute, log scale", classes="label")
        yield Sparkline([], id="cn-spark")
        yield Static(id="channels")
        yield Static(id="gauges")

    def show(self, session: Session, viewer: str) -> None:
        """Render the race as `viewer` sees it (covert channels folded until exposed)."""
        g = session.game
        m = g.meters
        hist = g.meter_history
        lead = "US ahead" if m["score"] > 0 else "China ahead" if m["score"] < 0 else "level"
        self.query_one("#score-track", Static).update(
            f"[b]Score {m['score']:+.1f}[/b] {lead}\n{track(m['score'])}"
        )
        self.query_one("#score-parts", ScorePanel).show(g.score_breakdown(), m["score"])
        self.query_one("#us-spark", Sparkline).data = [
            math.log10(max(h["us_compute"], 1)) for h in hist
        ]
        self.query_one("#cn-spark", Sparkline).data = [
            math.log10(max(h["cn_compute"], 1)) for h in hist
        ]
        ch = g.china_channels(viewer)
        total = sum(ch.values()) or 1.0
        lines = [
            f"US {fmt.value(m['us_compute'], 'compute')} vs CN "
            f"{fmt.value(m['cn_compute'], 'compute')} ({m['stock_ratio']:.1f}×)",
            "[b]China's compute by channel[/b]",
        ]
        for name, v in ch.items():
            name = "covert ?" if name == COVERT else name  # the other side's unexposed moves
            lines.append(f"{name:10s} {gauge(v, total, 7)} {fmt.value(v, 'compute'):>6s}")
        self.query_one("#channels", Static).update("\n".join(lines))
        self.query_one("#gauges", Static).update(
            "\n".join(
                [
                    f"bubble     {gauge(m['bubble_risk'])} {m['bubble_risk']:3.0f}",
                    f"CN DC used {gauge(m['cn_utilization'])} {m['cn_utilization']:3.0f}%",
                    f"CUDA lock  {gauge(m['cuda_lockin'])} {m['cuda_lockin']:3.0f}",
                    f"tension    {gauge(m['tension'])} {m['tension']:3.0f}",
                    f"capital US {m['us_political_capital']:.0f} · CN "
                    f"{m['cn_political_capital']:.0f}",
                ]
            )
        )
