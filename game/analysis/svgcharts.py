"""Line charts as SVG for the debrief report and the class view, drawn by matplotlib.

Text stays text in the SVG (`svg.fonttype: none`): the reader's browser sets it in its own fonts
(Noto Sans CJK SC first, so Chinese labels show wherever that font or any CJK sans-serif is
installed). matplotlib is imported on first use, never at import time: the CLI imports this module's
callers to build its parser, and `g2 play` must not pay for matplotlib.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FONT_FAMILY = "'Noto Sans CJK SC', sans-serif"
FONT_LIST = ["Noto Sans CJK SC", "Noto Sans CJK", "DejaVu Sans", "sans-serif"]

# the game's side colours, and a palette for teams and personas (colour-blind-safe Okabe-Ito)
US_BLUE = "#1f4e9c"
CHINA_RED = "#c0392b"
NVIDIA_GREEN = "#5a8f00"
HUAWEI_RED = "#d7263d"
INK = "#333333"
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")

WIDTH_IN = 7.0  # inches: fits A4's text width (180 mm) at 100%
HEIGHT_IN = 2.6
MARGIN_LEFT_IN, MARGIN_RIGHT_IN, MARGIN_TOP_IN, MARGIN_BOTTOM_IN = 0.95, 0.12, 0.3, 0.32
LEGEND_ROW_IN = 0.22  # the height of one row of a legend under the chart


@dataclass(frozen=True)
class Line:
    """One line of a chart: `values` at x = 0, 1, …; `band` an optional (low, high) pair of the
    same length drawn as a shaded range (p10–p90) behind the line."""

    label: str
    values: Sequence[float]
    color: str | None = None
    style: str = "-"
    width: float = 1.8
    band: tuple[Sequence[float], Sequence[float]] | None = None
    marker: str | None = None


@dataclass(frozen=True)
class Mark:
    """A point to ring and label on a chart (e.g. a turning point)."""

    x: int
    y: float
    text: str


def line_chart(
    key: str,
    title: str,
    x_labels: Sequence[str],
    lines: Sequence[Line],
    *,
    ylabel: str = "",
    logy: bool = False,
    zero: bool = False,
    hband: tuple[float, float, str] | None = None,
    marks: Sequence[Mark] = (),
    yfmt: Callable[[float], str] | None = None,
    height: float = HEIGHT_IN,
    legend_below: bool = False,
) -> str:
    """One line chart as a standalone SVG document (text as text). `key` salts the SVG's ids so
    that several charts inlined in one page never share an id. `hband` = (low, high, label)
    shades a horizontal range (the score's draw zone); `zero` draws y = 0; `yfmt` formats the
    y-axis ticks; `legend_below` puts the legend under the chart (for many lines or bands, where
    one inside would hide them)."""
    import matplotlib

    matplotlib.use("Agg", force=False)  # never a GUI backend, whatever the environment says
    rc = {
        "svg.fonttype": "none",
        "svg.hashsalt": f"g2-{key}",
        "font.family": FONT_LIST,
        "font.size": 8,
        "axes.titlesize": 9.5,
        "axes.titleweight": "bold",
        "axes.edgecolor": "#888888",
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(rc), _quiet():
        fig, ax = _figure(height, len(lines), legend_below)
        n = max((len(line.values) for line in lines), default=0)
        _draw_lines(ax, lines, hband, zero)
        _draw_marks(ax, marks)
        _axes(ax, x_labels, n, title, ylabel, logy, yfmt)
        _legend(fig, ax, len(lines), hband is not None, legend_below)
        buf = io.StringIO()
        fig.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return _tidy(buf.getvalue(), title, re.sub(r"[^A-Za-z0-9_-]", "-", key))


def _figure(height: float, n_lines: int, legend_below: bool):
    """The figure and its one plot, with fixed margins (in inches), the same in every chart: their
    plot areas line up on the page, and a layout engine would double the time a chart takes."""
    from matplotlib.figure import Figure

    below = LEGEND_ROW_IN * (1 + (n_lines - 1) // 4) if legend_below else 0.0
    fig_h = height + below
    fig = Figure(figsize=(WIDTH_IN, fig_h))
    fig.subplots_adjust(
        left=MARGIN_LEFT_IN / WIDTH_IN,
        right=1 - MARGIN_RIGHT_IN / WIDTH_IN,
        top=1 - MARGIN_TOP_IN / fig_h,
        bottom=(MARGIN_BOTTOM_IN + below) / fig_h,
    )
    return fig, fig.add_subplot()


def _draw_lines(ax, lines: Sequence[Line], hband, zero: bool) -> None:
    """The draw band, the zero line, then each line over its p10-p90 band."""
    if hband is not None:
        lo, hi, label = hband
        ax.axhspan(lo, hi, color="#eeeeee", zorder=0, label=label)
    if zero:
        ax.axhline(0, color="#999999", linewidth=0.8, zorder=1)
    for i, line in enumerate(lines):
        color = line.color or PALETTE[i % len(PALETTE)]
        xs = list(range(len(line.values)))
        if line.band is not None:
            ax.fill_between(xs, line.band[0], line.band[1], color=color, alpha=0.15, lw=0)
        ax.plot(
            xs,
            list(line.values),
            line.style,
            color=color,
            linewidth=line.width,
            label=line.label,
            marker=line.marker,
            markersize=3,
            zorder=3,
        )


def _draw_marks(ax, marks: Sequence[Mark]) -> None:
    """Each mark ringed and labelled just above."""
    for m in marks:
        ax.plot([m.x], [m.y], "o", mfc="none", mec=INK, ms=8, mew=1.2, zorder=4)
        ax.annotate(
            m.text,
            (m.x, m.y),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=7,
            color=INK,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=5,
        )


def _axes(ax, x_labels, n: int, title: str, ylabel: str, logy: bool, yfmt) -> None:
    """Scales, ticks (at most ~9 quarter labels), grid and titles."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if logy:
        ax.set_yscale("log")
    if yfmt is not None:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: yfmt(v)))
    elif not logy:
        ax.yaxis.set_major_locator(MaxNLocator(6))
    step = max(1, -(-n // 9))
    ticks = list(range(0, n, step))
    ax.set_xticks(ticks, [x_labels[t] if t < len(x_labels) else "" for t in ticks])
    ax.set_xlim(-0.3, max(n - 1, 1) + 0.3)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_title(title, loc="left")
    if ylabel:
        ax.set_ylabel(ylabel)


def _legend(fig, ax, n_lines: int, banded: bool, legend_below: bool) -> None:
    """Under the chart (many lines or bands), inside it, or none for a single plain line."""
    if legend_below:
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=min(len(labels), 4),
            fontsize=7.5,
            frameon=False,
        )
    elif n_lines > 1 or banded:
        ax.legend(fontsize=7.5, frameon=False, loc="best")


class _quiet:
    """Silence matplotlib's font warnings: a missing CJK font only affects how text is measured
    (the browser draws it), so it is no reason to clutter the user's terminal."""

    def __enter__(self):
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing.*")
        warnings.filterwarnings("ignore", message=".*findfont.*")
        self._log = logging.getLogger("matplotlib.font_manager")
        self._level = self._log.level
        self._log.setLevel(logging.ERROR)
        return self

    def __exit__(self, *exc):
        self._log.setLevel(self._level)
        self._warn.__exit__(*exc)
        return False


def _tidy(svg: str, title: str, key: str) -> str:
    """matplotlib's SVG as a standalone document: no comments or metadata, one font family, a
    title for screen readers."""
    from xml.sax.saxutils import escape

    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"font-family:[^;\"]*", f"font-family: {FONT_FAMILY}", svg)
    svg = re.sub(r"font-family=\"[^\"]*\"", f'font-family="{FONT_FAMILY}"', svg)
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    # ids unique to this chart (matplotlib's group ids are the same in every chart), and the
    # references to them with them
    ids = set(re.findall(r'\sid="([^"]+)"', svg))
    svg = re.sub(
        r'(\sid="|url\(#|href="#)([^")]+)',
        lambda m: m.group(1) + (f"{key}-{m.group(2)}" if m.group(2) in ids else m.group(2)),
        svg,
    )
    return re.sub(
        r"(<svg[^>]*>)", lambda m: f"{m.group(1)}\n<title>{escape(title)}</title>", svg, count=1
    )


def inline(svg: str) -> str:
    """A standalone SVG made ready to sit inside an HTML page: no XML prolog or DOCTYPE, no
    namespace declarations (HTML knows SVG), `href` for `xlink:href`, and sized by CSS (width 100%,
    height from the viewBox)."""
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = svg.replace("*{stroke-linejoin", ".chart *{stroke-linejoin")  # not the whole page's

    def sized(m: re.Match[str]) -> str:
        tag = re.sub(r'\s(width|height)="[^"]*"', "", m.group(0))
        return tag.replace("<svg ", '<svg class="chart" ', 1)

    return re.sub(r"<svg[^>]*>", sized, svg, count=1).strip()
