"""The move preview: what the highlighted move is, what it costs and whether it can be played, then
the engine's forecast with the score first, then the other meters, the description and the sources.
It scrolls, so at 80×24 the first lines (the move and its effect on the score) are always in view."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.tui import format as fmt
from game.tui.widgets.moves import Entry


def head_text(e: Entry) -> Text:
    mv = e.move
    out = Text.assemble((e.label, "bold"), (f"  cost {e.cost:g}", "cyan"))
    if mv.current and e.option:
        out.append(f"  (now: {mv.current_label or mv.current})", "dim")
    if not e.legal:
        out.append(f"\nNot available: {e.reason}", "red")
    return out


def body_text(e: Entry) -> Text:
    mv = e.move
    out = Text(mv.description)
    if mv.covert:
        out.append("\nCovert: hidden from the other side until exposed.", "dim")
    out.append(f"\nSources: {', '.join(mv.sources)}", "dim")
    return out


def forecast_text(gd, spreads: list, side: str, quarters: int) -> Text:
    """The preview's numbers: the score first ('US +1.3' = that much towards the US, against
    holding), then each meter's median effect and its p10…p90 with the move."""
    by = {sp.meter: sp for sp in spreads}
    out = Text()
    if "score" in by:
        sp = by["score"]
        out.append(f"Score vs holding, {quarters} quarters: ", "bold")
        out.append(fmt.score(sp.effect), "bold blue" if sp.effect > 0 else "bold red")
        lo, hi = (fmt.score(v) for v in (sp.with_move[0], sp.with_move[2]))
        out.append(f"\n  the score's own change with it, p10 to p90: {lo} to {hi}", "dim")
    for m, sp in by.items():
        if m == "score":
            continue
        spec = gd.meters[m]
        lo, hi = (fmt.change(v, spec.fmt) for v in (sp.with_move[0], sp.with_move[2]))
        out.append(f"\n{spec.short:<12}")
        out.append(f"{fmt.change(sp.effect, spec.fmt):>8}", "bold")
        out.append(f"  ({lo} … {hi})", "dim")
    return out


class PreviewPanel(VerticalScroll):
    """The highlighted move: head, forecast (filled in when the worker reports), body."""

    DEFAULT_CSS = """
    PreviewPanel > Static { height: auto; }
    PreviewPanel #pv-forecast { margin: 1 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="pv-head")
        yield Static(id="pv-forecast")
        yield Static(id="pv-body")

    @property
    def text(self) -> str:
        """Everything the panel shows, as plain text (tests and screen readers)."""
        return "\n".join(str(w.render()) for w in self.query(Static))

    def hint(self, text: str) -> None:
        self.query_one("#pv-head", Static).update(Text(text, "dim"))
        self.query_one("#pv-forecast", Static).update("")
        self.query_one("#pv-body", Static).update("")

    def show_move(self, e: Entry) -> None:
        self.query_one("#pv-head", Static).update(head_text(e))
        pending = Text("previewing…", "dim italic") if e.legal else ""
        self.query_one("#pv-forecast", Static).update(pending)
        self.query_one("#pv-body", Static).update(body_text(e))
        self.scroll_home(animate=False)

    def show_forecast(self, gd, spreads: list, side: str, quarters: int) -> None:
        self.query_one("#pv-forecast", Static).update(forecast_text(gd, spreads, side, quarters))
