"""Charts drawn with plotext: a move's likely path to the end of the scenario with it and without it
(PathChart, from `forecast.preview_path`), and a meter's history over the quarters played with the
quarters where events happened marked (MeterChart)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from game.ai.forecast import PathPreview
from game.engine.api import Game
from game.engine.data import Meter, parse_quarter
from game.i18n import _, tc
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.meters import with_unit

# 256-colour indexes, so the lines (plotext) and the legend in the title (Rich) are the same colour
WITH, WITHOUT = 14, 8  # the move's path: bright cyan; holding's: grey (the baseline)
SIDE_COLOUR = {"us": 12, "china": 9}  # bright blue, bright red: the score panel's side colours
SINGLE = 14
EVENT_COLOUR = 3
LINE, BAND = "braille", "·"  # medians and history: thin lines; p10/p90: dotted
# plotext gives every character one cell; a Chinese character takes two. Each wide character of a
# title or tick label is followed by WIDE, a private-use character plotext counts as the second cell,
# and Chart.render takes WIDE out of what plotext drew: the columns line up in Chinese too.
WIDE = "\ue000"

# Meters drawn together, the US side's first. meters.yaml has no pairing field, so the pairs are
# named here (tests/tui/test_charts.py checks every id is a meter).
PAIRS: tuple[tuple[str, str], ...] = (
    ("us_compute", "cn_compute"),
    ("nvidia_cn_share", "huawei_cn_share"),
    ("us_political_capital", "cn_political_capital"),
)


def companions(meter: str) -> tuple[str, ...]:
    """The meters a chart of `meter` shows: its pair (US side first), or the meter alone."""
    return next((pair for pair in PAIRS if meter in pair), (meter,))


def log_scale(spec: Meter) -> bool:
    """Compute spans orders of magnitude (US 1.8M against China 0.28M B300e): drawn as log10."""
    return spec.fmt == "compute"


# ----------------------------------------------------------------------------- axes


def nice_ticks(lo: float, hi: float, most: int) -> list[float]:
    """At most `most` (>= 2) round values (steps of 1, 2 or 5 × 10^k) between lo and hi."""
    if hi - lo < 1e-12:
        return [lo]
    for k in range(-12, 16):
        for m in (1, 2, 5):
            step = m * 10.0**k
            first = math.ceil(lo / step - 1e-9)
            count = math.floor(hi / step + 1e-9) - first + 1
            if count <= max(most, 2):
                return [round((first + i) * step, 12) for i in range(count)]
    return [lo, hi]


def log_ticks(lo: float, hi: float, most: int) -> list[float]:
    """At most `most` tick positions in log10 space (values 1, 2, 5 × 10^k) between lo and hi."""
    for mult in ((1, 2, 5), (1, 3), (1,)):
        vals = [
            math.log10(m * 10.0**k)
            for k in range(math.floor(lo) - 1, math.ceil(hi) + 1)
            for m in mult
        ]
        inside = [v for v in vals if lo - 1e-9 <= v <= hi + 1e-9]
        if len(inside) <= max(most, 2):
            return inside or [lo]
    return nice_ticks(lo, hi, most)


def widen(text: str) -> str:
    """`text` for plotext: each wide (two-cell) character followed by WIDE (see Chart.render)."""
    if text.isascii():
        return text
    return "".join(ch + WIDE if cell_len(ch) == 2 else ch for ch in text)


def unwiden(text: Text) -> Text:
    """What plotext drew with the WIDE fillers taken out, styles kept."""
    plain = text.plain
    if WIDE not in plain:
        return text
    cuts = [i for i, ch in enumerate(plain) if ch == WIDE]
    pieces = text.divide([c for i in cuts for c in (i, i + 1)])
    return Text("").join(p for p in pieces if p.plain != WIDE)


def tick_label(v: float, spec: Meter) -> str:
    """A y tick in the meter's units; the score names the side a value favours ("US +10")."""
    if spec.id == "score":
        if abs(v) < 1e-9:
            return "0"
        side = _("US") if v > 0 else _("CN")
        return f"{side} +{abs(v):g}"
    text = fmt.value(v, spec.fmt)
    return re.sub(r"\.0(?=\D|$)", "", text) if float(v).is_integer() else text


def quarter_ticks(labels: list[str], cols: int) -> tuple[list[int], list[str]]:
    """Sparse x ticks: every k-th of `labels` (k = 1, 2, 4, 8, …) so the labels do not collide in
    `cols` columns; "2026Q1" shortens to "26Q1" when space is tight."""
    short = cols < 8 * len(labels)
    names = [s[2:] if short and len(s) == 6 and s.isascii() else s for s in labels]
    room = max(2, cols // (max(map(cell_len, names)) + 2))
    step = 1
    while len(labels) > 1 and (len(labels) - 1) // step + 1 > room:
        step *= 2
    pos = list(range(0, len(labels), step))
    return pos, [names[i] for i in pos]


def fitted(width: int, *titles: str) -> str:
    """The first of `titles` that fits in `width` columns (the last one, cut, if none does)."""
    for t in titles:
        if cell_len(t) <= width:
            return t
    cut = ""
    for ch in titles[-1]:
        if cell_len(cut + ch) > width:
            break
        cut += ch
    return cut


# ----------------------------------------------------------------------------- the base


@dataclass(frozen=True)
class Series:
    """One line: y values at x = 0, 1, …; `colour` a 256-colour index; `marker` plotext's."""

    y: list[float]
    colour: int
    marker: str = LINE


class Chart(PlotextPlot):
    """A plotext chart drawn at the widget's size each time it renders: subclasses say what to draw
    (`draw`), and the title's legend words ("━ with") are coloured like their lines."""

    DEFAULT_CSS = """
    Chart { height: 1fr; min-height: 6; }
    """

    def __init__(self, *, name=None, id=None, classes=None, disabled=False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.legend: list[tuple[str, int]] = []  # (text in the title, colour)
        self.ready = False

    def draw(self, width: int, height: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()
        if self.ready and self.size.width > 4 and self.size.height > 3:
            self.draw(self.size.width, self.size.height)
        text = super().render()
        if isinstance(text, Text):
            text = unwiden(text)
            first_line = len(text.plain.split("\n", 1)[0])
            for words, colour in self.legend:
                at = text.plain.find(words, 0, first_line)
                if at >= 0:
                    text.stylize(f"bold color({colour})", at, at + len(words))
        return text

    def plot_lines(self, series: list[Series], spec: Meter, x_labels: list[str], h: int, w: int):
        """The series over x = 0 … len(x_labels) − 1 with round y ticks in the meter's units (in
        log10 space when `log_scale(spec)`). Returns the y limits drawn and the plot's width (the
        columns the y ticks leave)."""
        plt = self.plt
        log = log_scale(spec)
        tf = (lambda v: math.log10(max(v, 1.0))) if log else float
        ys = [[tf(v) for v in s.y] for s in series]
        lo, hi = min(min(y) for y in ys), max(max(y) for y in ys)
        pad = (hi - lo) * 0.05 or max(abs(hi) * 0.05, 0.5 if not log else 0.05)
        lo, hi = lo - pad, hi + pad
        for s, y in zip(series, ys, strict=True):
            plt.plot(list(range(len(y))), y, marker=s.marker, color=s.colour)
        rows = max(h - 4, 2)
        ticks = (log_ticks if log else nice_ticks)(lo, hi, max(2, min(5, rows // 2 + 1)))
        labels = [tick_label(10**t if log else t, spec) for t in ticks]
        plt.yticks(ticks, [widen(t) for t in labels])
        plt.ylim(lo, hi)
        cols = w - max(map(cell_len, labels)) - 1  # right of the y ticks: the title's room
        xpos, xlab = quarter_ticks(x_labels, cols - 2)
        plt.xticks(xpos, [widen(t) for t in xlab])
        plt.xlim(-0.2, len(x_labels) - 0.8)
        return lo, hi, cols


# ----------------------------------------------------------------------------- a move's path


class PathChart(Chart):
    """A move's likely path to the end of the scenario: the median with it and without it as lines,
    p10 and p90 of each as dotted lines (the band 8 futures in 10 fall in), from `show`."""

    def __init__(self, *, name=None, id=None, classes=None, disabled=False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.path: PathPreview | None = None
        self.meter = "score"
        self.viewer_side = "us"
        self.label = ""

    def show(self, path: PathPreview, meter: str, viewer_side: str, label: str) -> None:
        """Draw `meter` from `path`; `label` names the move ("━ with Stargate")."""
        if meter not in path.meters:
            raise KeyError(
                f"{meter!r} is not in the path preview (it has {', '.join(path.meters)})"
            )
        self.path, self.meter, self.viewer_side, self.label = path, meter, viewer_side, label
        self.ready = bool(path.quarters)
        self.refresh()

    def titles(self) -> list[str]:
        """The title, longest first: what the numbers mean, then which line is which."""
        spec = self.path.specs[self.meter]
        if spec.id == "score":
            name = _("Score (US +, China −)")
            want = "↑" if self.viewer_side == "us" else "↓"
            head = [_("Score (US +, China −; you want {arrow})").format(arrow=want), name]
            head += [_("Score US+ CN−")]
        else:
            name = tc(spec.name)
            unit = spec.unit if spec.unit not in ("x", "/100") else ""
            head = [with_unit(name, unit), name, tc(spec.short) or spec.id]
        with_ = _("━ with")
        without = _("━ without")
        with_label = _("━ with {move}").format(move=self.label) if self.label else with_

        def title(head: str, legend: str) -> str:
            return _("{title}: {legend}").format(title=head, legend=legend)

        out = [title(h, f"{with_label} {without}") for h in head[:2]]
        out += [title(h, f"{with_} {without}") for h in head] + [f"{with_} {without}"]
        self.legend = [(with_label, WITH), (with_, WITH), (without, WITHOUT)]
        return out

    def draw(self, width: int, height: int) -> None:
        p, m = self.path, self.meter
        start = p.start[m]
        series = []
        for arr, colour in ((p.without[m], WITHOUT), (p.with_move[m], WITH)):
            series += [Series([start, *arr[:, 0]], colour, BAND)]
            series += [Series([start, *arr[:, 2]], colour, BAND)]
        # the medians last, so they draw over the bands
        series += [Series([start, *p.without[m][:, 1]], WITHOUT)]
        series += [Series([start, *p.with_move[m][:, 1]], WITH)]
        labels = [_("now"), *p.quarters]
        _lo, _hi, cols = self.plot_lines(series, p.specs[m], labels, height, width)
        self.plt.title(widen(fitted(cols, *self.titles())))


# ----------------------------------------------------------------------------- a meter's history


@dataclass(frozen=True)
class Mark:
    """Quarter `x` of a meter history (the value after it was played) and what happened in it."""

    x: int
    quarter: str
    events: tuple[str, ...]


def event_marks(game: Game) -> list[Mark]:
    """The quarters played in which events fired or the scenario's scripted news came, in order
    and in the player's language: x is the quarter's place in `game.meter_history` (0 is the
    start)."""
    gd = game.data
    names = {e.id: e.name for e in gd.events}
    injects = gd.scenarios[game.scenario].injects
    out = []
    for i, rec in enumerate(game.history):
        q = parse_quarter(rec["quarter"])
        what = [
            _("Scripted: {headline}").format(headline=tc(inj.headline).rstrip(".。"))
            for inj in injects
            if inj.quarter == q
        ]
        what += [tc(names.get(e, e)) for e in rec.get("events", [])]
        if what:
            out.append(Mark(i + 1, rec["quarter"], tuple(what)))
    return out


class MeterChart(Chart):
    """A meter's history over the quarters played (both sides' meters where the meter has a pair,
    compute on a log scale), the quarters where events happened marked by numbered lines."""

    def __init__(self, *, name=None, id=None, classes=None, disabled=False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.game: Game | None = None
        self.meter = "score"
        self.viewer = "us"
        self.marks: list[Mark] = []

    @property
    def meters(self) -> tuple[str, ...]:
        return companions(self.meter)

    def show(self, session: Session, meter: str, viewer: str) -> None:
        """Draw `meter`'s history in `session`'s game as `viewer` (the player) sees it."""
        if meter not in session.game.data.meters:
            raise KeyError(f"unknown meter {meter!r}")
        self.game, self.meter, self.viewer = session.game, meter, viewer
        self.marks = event_marks(session.game)
        self.ready = True
        self.refresh()

    def titles(self) -> list[str]:
        specs = self.game.data.meters
        scale = _(" (log scale)") if log_scale(specs[self.meter]) else ""
        if len(self.meters) == 1:
            spec = specs[self.meter]
            self.legend = []
            conv = _(" (US +, China −)") if spec.id == "score" else ""
            return [f"{tc(spec.name)}{conv}{scale}", tc(spec.name), tc(spec.short)]
        keys = ("us", "china")
        # "(you)" on a side's own meter (us_…, cn_…), not on a company's (Nvidia's share)
        own = self.meters[0].startswith("us_")
        you = {k: _(" (you)") if own and k == self.viewer else "" for k in keys}
        full = [f"━ {tc(specs[m].name)}{you[k]}" for m, k in zip(self.meters, keys, strict=True)]
        short = [f"━ {tc(specs[m].short)}{you[k]}" for m, k in zip(self.meters, keys, strict=True)]
        self.legend = [
            (t, SIDE_COLOUR[k]) for ts in (full, short) for t, k in zip(ts, keys, strict=True)
        ]
        return [" ".join(full) + scale, " ".join(full), " ".join(short)]

    def draw(self, width: int, height: int) -> None:
        hist = self.game.meter_history
        labels = [_("start"), *(rec["quarter"] for rec in self.game.history)]
        colours = [SINGLE] if len(self.meters) == 1 else [SIDE_COLOUR[k] for k in ("us", "china")]
        series = [
            Series([h[m] for h in hist], c) for m, c in zip(self.meters, colours, strict=True)
        ]
        spec = self.game.data.meters[self.meter]
        _lo, hi, cols = self.plot_lines(series, spec, labels, height, width)
        for n, mark in enumerate(self.marks, 1):  # numbered along the top, listed by the screen
            self.plt.text(str(n), mark.x, hi, color=EVENT_COLOUR, alignment="center")
        self.plt.title(widen(fitted(cols, *self.titles())))
