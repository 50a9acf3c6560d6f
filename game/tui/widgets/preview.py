"""The move preview: what the highlighted move is, what it costs and whether it can be played, then
the engine's forecast with the score first, then the other meters, the description and the sources.
It scrolls, so at 80×24 the first lines (the move and its effect on the score) are always in view."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.i18n import _, ngettext, tc
from game.tui import format as fmt
from game.tui.widgets.charts import PathChart
from game.tui.widgets.moves import Entry
from game.tui.widgets.score import pad


def head_text(e: Entry) -> Text:
    mv = e.move
    cost = "  " + _("cost {cost}").format(cost=f"{e.cost:g}")
    out = Text.assemble((e.label, "bold"), (cost, "cyan"))
    if mv.current and e.option:
        now = tc(mv.current_label or mv.current)
        out.append("  " + _("(now: {option})").format(option=now), "dim")
    if not e.legal:
        out.append("\n" + _("Not available: {reason}").format(reason=tc(e.reason)), "red")
    return out


def body_text(e: Entry) -> Text:
    mv = e.move
    out = Text(tc(mv.description))
    if mv.covert:
        out.append("\n" + _("Covert: hidden from the other side until exposed."), "dim")
    out.append("\n" + _("Sources: {sources}").format(sources=", ".join(mv.sources)), "dim")
    return out


def forecast_text(path) -> Text:
    """The preview's numbers, from `forecast.preview_path`: the score first ('US +1.3' = that much
    towards the US, against holding), in a year and at the scenario's end; then each meter's
    median effect in a year, with its p10…p90 under the move."""
    out = Text()
    if not path.quarters:
        return Text(_("The game is over: nothing left to preview."), "dim")
    year = min(4, len(path.quarters)) - 1
    end = path.quarters[-1]
    eff = path.effect("score")
    n = year + 1
    out.append(_("Score vs holding (median)") + "\n", "bold")
    out.append("  " + ngettext("in {n} quarter", "in {n} quarters", n).format(n=n) + " ")
    out.append(fmt.score_change(eff[year]), "bold blue" if eff[year] > 0 else "bold red")
    out.append(" · " + _("by {quarter}").format(quarter=end) + " ")
    out.append(fmt.score_change(eff[-1]), "bold blue" if eff[-1] > 0 else "bold red")
    words = _("In {n} quarters: median vs holding (p10…p90 with it)").format(n=n)
    out.append("\n" + words, "dim")
    for m in path.meters:
        if m == "score":
            continue
        spec = path.specs[m]
        start = path.start[m]
        lo, hi = (fmt.change(v - start, spec.fmt) for v in path.with_move[m][year, [0, 2]])
        out.append("\n" + pad(tc(spec.short), 12))
        out.append(pad(fmt.change(path.effect(m)[year], spec.fmt), 8, right=True), "bold")
        out.append(f" ({lo}…{hi})", "dim")
    return out


class PreviewPanel(VerticalScroll):
    """The highlighted move: head, forecast (filled in when the worker reports), body."""

    DEFAULT_CSS = """
    PreviewPanel > Static { height: auto; }
    PreviewPanel #pv-forecast { margin: 1 0 0 0; }
    PreviewPanel #pv-chart { height: 10; margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="pv-head")
        yield Static(id="pv-forecast")
        yield PathChart(id="pv-chart")
        yield Static(id="pv-body")

    def on_mount(self) -> None:
        self.query_one(PathChart).display = False

    @property
    def text(self) -> str:
        """Everything the panel shows, as plain text (tests and screen readers)."""
        return "\n".join(str(w.render()) for w in self.query(Static))

    def hint(self, text: str) -> None:
        self.query_one(PathChart).display = False
        self.query_one("#pv-head", Static).update(Text(text, "dim"))
        self.query_one("#pv-forecast", Static).update("")
        self.query_one("#pv-body", Static).update("")

    def show_move(self, e: Entry) -> None:
        self.query_one("#pv-head", Static).update(head_text(e))
        pending = Text(_("previewing…"), "dim italic") if e.legal else ""
        self.query_one("#pv-forecast", Static).update(pending)
        self.query_one(PathChart).display = False
        self.query_one("#pv-body", Static).update(body_text(e))
        self.scroll_home(animate=False)

    def show_forecast(self, path, label: str) -> None:
        """The worker's `forecast.preview_path` for the move called `label`."""
        self.query_one("#pv-forecast", Static).update(forecast_text(path))
        chart = self.query_one(PathChart)
        chart.display = bool(path.quarters)
        if path.quarters:
            chart.show(path, "score", path.side, label)
