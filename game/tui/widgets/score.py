"""The score's parts: each part's points, labelled with the side they favour, a bar on the China ◀ │ ▶ US
axis and its weight; the total on top. The parts come from Game.score_breakdown() (the engine's
model.SCORE_TERMS), so this widget names none of them itself."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from game.engine.api import favours
from game.i18n import _, tc
from game.tui import format as fmt

BAR = 8  # cells on each side of the bar's centre
STYLE = {"us": "bold blue", "china": "bold red", "": "dim"}


def lead_text(points: float) -> str:
    """Score points as the side they favour, in the player's language: 'US +8.8', 'even 0.0'."""
    return fmt.score(points)


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal cells (a Chinese character takes two)."""
    gap = " " * max(width - cell_len(text), 0)
    return gap + text if right else text + gap


def ahead(total: float) -> str:
    side = favours(total)
    if side == "us":
        return _("US ahead")
    if side == "china":
        return _("China ahead")
    return _("level")


def total_text(total: float) -> Text:
    """'Score: China +9.8 — China ahead', coloured by the side it favours."""
    return Text.assemble(
        (_("Score: "), "bold"), (lead_text(total), STYLE[favours(total)]), f" — {ahead(total)}"
    )


def bar(points: float, scale: float, width: int = BAR) -> Text:
    """A bar from the centre: left for China, right for the US; `scale` points fill one side. A
    part that shows as nonzero gets at least one cell."""
    side = favours(points)
    n = max(1, min(width, round(abs(points) / scale * width))) if side and scale > 0 else 0
    cn, us = (n, 0) if side == "china" else (0, n)
    return Text.assemble(
        ("·" * (width - cn), "dim"),
        ("█" * cn, "red"),
        ("│", "bold"),
        ("█" * us, "blue"),
        ("·" * (width - us), "dim"),
    )


def largest_first(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(parts, key=lambda p: -abs(p["points"]))


def breakdown(parts: list[dict[str, Any]], total: float, detail: bool = True) -> RenderableType:
    """The total, then every part largest first: name, 'US +9.0', bar, 'of ±20'; with `detail`, a
    dim line under each part with what it measures and whose argument it is."""
    parts = largest_first(parts)
    scale = max((p["weight"] for p in parts), default=0.0)

    def weight(p: dict[str, Any]) -> str:
        return _("of ±{weight}").format(weight=format(p["weight"], "g"))

    name_w = max((cell_len(tc(p["part"])) for p in parts), default=0)
    lead_w = max((cell_len(lead_text(p["points"])) for p in parts), default=0)
    weight_w = max((cell_len(weight(p)) for p in parts), default=0)
    head = total_text(total)
    rows: list[RenderableType] = []
    added = sum(p["points"] for p in parts)
    if abs(added - total) > 0.05:  # only when the score sits at its ±100 limit
        note = _("(the parts add up to {added}; the score stops at ±100)")
        rows.append(Text(note.format(added=f"{added:+.1f}"), "dim"))
    # the bar's axis above the bars: on the total's line when it leaves room
    indent = name_w + 2 + lead_w + 2
    china, us = _("China ◀"), _("▶ US")
    axis = Text(f"{pad(china, BAR, right=True)}│{pad(us, BAR)}", "dim")
    if rows or head.cell_len >= indent:
        rows.append(Text(" " * indent) + axis)
    else:
        head = head + " " * (indent - head.cell_len) + axis
    rows.insert(0, head)
    for p in parts:
        side = favours(p["points"])
        rows.append(
            Text.assemble(
                (pad(tc(p["part"]), name_w) + "  ", "bold"),
                (pad(lead_text(p["points"]), lead_w, right=True), STYLE[side]),
                "  ",
                bar(p["points"], scale),
                ("  " + pad(weight(p), weight_w, right=True), "dim"),
            )
        )
        if detail:
            what = f"{tc(p['measures'])} · {tc(p['argument'])}"
            rows.append(Padding(Text(what, "dim italic"), (0, 0, 0, 2)))
    return Group(*rows)


def compact(parts: list[dict[str, Any]], limit: int = 3) -> RenderableType:
    """The `limit` largest parts, one a row ('US +9.0 capability'; long names wrap), and a hint
    that s shows them all."""
    parts = largest_first(parts)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, min_width=11)
    grid.add_column(ratio=1)
    for p in parts[:limit]:
        grid.add_row(
            Text(lead_text(p["points"]), STYLE[favours(p["points"])]),
            Text.assemble(tc(p["part"]), (f" ±{p['weight']:g}", "dim")),
        )
    more = _(": all {n} parts").format(n=len(parts))
    return Group(grid, Text.assemble(("s", "bold"), (more, "dim")))


class ScorePanel(Static):
    """What the score is made of: the total and every part (name, points for a side, bar, weight),
    with `detail` what each measures and whose argument it is; or, `compact`, only the few largest
    parts (the war room's race panel)."""

    def __init__(self, *, detail: bool = True, compact: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.detail, self.compact = detail, compact

    def show(self, parts: list[dict[str, Any]], total: float) -> None:
        """Render `parts` (Game.score_breakdown()) and the score meter's `total`."""
        self.update(compact(parts) if self.compact else breakdown(parts, total, self.detail))
