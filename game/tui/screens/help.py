"""The help dialog: the keys, how a quarter works, how to win (from data/params.yaml) and a glossary
(from data/help/glossary.yaml, every source checked against the seed figures)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Markdown, Static, TabbedContent, TabPane

from game.engine.data import data_dir, load_data
from game.engine.yamlsrc import read
from game.i18n import N_, _, tc
from game.tui.widgets.footer import G2Footer

GLOSSARY = Path("help") / "glossary.yaml"  # under data/

# The keys of the game, as (key, what it does). Data, so the app can extend the list:
# HelpScreen(keys=[*GAME_KEYS, ("c", N_("clear your moves"))]). What a key does is marked with N_
# and translated where the table is drawn; key names stay as they are (but "escape": KEY_NAMES).
GAME_KEYS: tuple[tuple[str, str], ...] = (
    ("enter / space", N_("add the highlighted move to this quarter's plan, or take it out")),
    (
        "↑ / ↓",
        N_("highlight a move: its preview (the score with and without it, to the end) appears"),
    ),
    ("c", N_("clear this quarter's moves")),
    ("a", N_("ask your advisors: what each persona of your side would do now, and why")),
    ("e", N_("end the quarter: both sides' moves resolve at once")),
    ("s", N_("the score's parts: points, weight and whose argument")),
    ("g", N_("chart the highlighted meter: its history, both sides, the quarters' events")),
    ("o", N_("the laws and the odds: each bill's stage and chances, this quarter's big events")),
    ("u", N_("take back the last quarter (against the AI; the save records it)")),
    ("n / x", N_("the guided first quarter: next tip / end the tour")),
    ("ctrl+s", N_("save the game (it also autosaves every quarter in its own slot)")),
    ("l", N_("load a saved game")),
    ("?", N_("this help")),
    ("q", N_("quit (asks first if a plan or a quarter would be lost)")),
    ("tab / shift+tab", N_("move between panels")),
    ("escape", N_("close a dialog")),
)
# key names written as a word, in the current language (the others are keys' own names)
KEY_NAMES = {"escape": N_("escape")}

# the rules: Markdown, marked with N_, translated and filled in by quarter_text and win_text
QUARTER = N_("""\
Each turn is one quarter of a year. Both sides choose **at the same time**: neither sees the
other's moves for this quarter until it resolves.

1. **Read the meters.** Compute on each side, the capability gap, market shares, CUDA lock-in,
   the US bubble, China's overbuild, tension, your political capital, and the leadership score.
2. **Choose moves.** A move sets a stance (H200 exports: deny, case by case or open), pushes a
   bill a stage further, or funds a programme. Each costs **political capital**; a move you
   cannot make now says why (a requirement unmet, or not enough capital).
3. **Look before you leap** (optional). *Preview* plays {preview} simulated futures with the
   move and without it and shows the likely difference over the next year; the *advisors*
   (your side's personas) each name the move they would make and why.
4. **End the quarter.** Your moves and your opponent's (the AI's, or the second player's in
   hot-seat) resolve together. Covert moves, such as grey-market buying or renting overseas
   neoclouds, stay hidden from the other side until exposed: {reveal:.0%} a quarter, or by an event.
5. **The engine moves the world.** Chips are made, bought, smuggled, rented and retired; events
   may fire; markets, the bubble and tension move. Every meter's change is split into its causes.
6. **Capital comes back:** each side regains {regen:g} political capital a quarter (at most
   {capital_max:g}).
""")

WIN = N_("""\
**The leadership score** runs from **−100** (China dominates) to **+100** (the US dominates).
It adds up: {parts}. Press **s** in the war room to see each part now.

**At the end of the scenario** the final score decides:

* **+{margin:g} or more**: the United States wins;
* **−{margin:g} or less**: China wins;
* anything in between is a **draw**.

**The game can end early** on a decisive capability lead:

* **China** wins at once if its frontier **leads** (a capability gap below zero) for
  **{quarters:g} quarters in a row**;
* **the United States** wins at once if its lead reaches **{us_gap:g} months or more** for
  **{quarters:g} quarters in a row**.

Playing the US, you want the gap wide and China's market, users and lock-in tilted your way
without blowing up the bubble. Playing China, you want to close the gap before the score
tells against you.
""")


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    definition: str
    sources: tuple[str, ...]


def load_glossary(path: str | Path | None = None) -> list[GlossaryTerm]:
    """The glossary, read as every G2 file is (bounded, safe; yamlsrc.read). Raises DataError
    naming the file, line and term for a malformed entry or a source that is not a figure id."""
    p = Path(path) if path is not None else data_dir() / GLOSSARY
    doc = read(p)
    if not isinstance(doc.value, dict) or not isinstance(doc.value.get("terms"), list):
        raise doc.error("terms", "expected a 'terms:' list")
    figures = load_data().figures
    out = []
    for i, e in enumerate(doc.value["terms"]):
        w = f"terms[{i}]"
        name = e.get("term") if isinstance(e, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise doc.error(w, "has no 'term'")
        unknown_keys = [k for k in e if k not in ("term", "definition", "sources")]
        if unknown_keys:
            raise doc.error(
                f"{w}.{unknown_keys[0]}", "unknown field (known: term, definition, sources)"
            )
        definition = e.get("definition")
        if not isinstance(definition, str) or not definition.strip():
            raise doc.error(f"{w}.definition", f"term {name!r} has no definition")
        sources = e.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise doc.error(f"{w}.sources", f"term {name!r}: sources must be a list of figure ids")
        unknown = [s for s in sources if s not in figures]
        if unknown:
            raise doc.error(
                f"{w}.sources",
                f"term {name!r} cites {', '.join(unknown)}, not a figure in seeds/*.yaml",
            )
        out.append(GlossaryTerm(name.strip(), " ".join(definition.split()), tuple(sources)))
    return out


def quarter_text() -> str:
    from game.ai.forecast import PREVIEW_GAMES

    p = load_data().params
    return _(QUARTER).format(
        preview=PREVIEW_GAMES,
        reveal=p["reveal_chance"],
        regen=p["capital_regen"],
        capital_max=p["capital_max"],
    )


def win_text() -> str:
    from game.engine.model import SCORE_TERMS  # the engine's parts, whatever they are now

    p = load_data().params
    parts = [
        _("{part} (up to {points})").format(part=tc(name), points=f"{p[w]:g}")
        for name, w, *_rest in SCORE_TERMS
        if w in p
    ]
    return _(WIN).format(
        parts=_(", ").join(parts) or _("the capability gap and more"),
        margin=p["win_margin"],
        quarters=p["decisive_quarters"],
        us_gap=p["us_decisive_gap"],
    )


def term_renderable(term: GlossaryTerm, figures: dict[str, dict]) -> Group:
    """A glossary entry: the term, its definition, and each source with what it measures."""
    sources = Table.grid(padding=(0, 1))
    sources.add_column(width=3, justify="right")
    sources.add_column()
    for fid in term.sources:
        sources.add_row(
            "·", Text.assemble((fid, "italic"), "  ", (tc(figures[fid]["measures"]), "dim"))
        )
    if not term.sources:
        sources.add_row("·", Text(_("no figure in the sources: a game construct"), style="dim"))
    return Group(Text(tc(term.term), style="bold"), Text(tc(term.definition)), sources)


class HelpScreen(ModalScreen[None]):
    """Keys, rules and glossary in tabs. Dismisses with None (escape or q)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #dialog {
        width: 96%; max-width: 110; height: 92%; max-height: 36;
        border: round $accent; background: $surface;
    }
    HelpScreen TabbedContent { height: 1fr; }
    HelpScreen TabPane { padding: 0 1; }
    HelpScreen #keys-table { height: auto; max-height: 100%; }
    HelpScreen .prose { height: 1fr; }
    HelpScreen .prose Markdown { margin: 0; padding: 0 1 0 0; }
    HelpScreen #glossary { height: 1fr; }
    HelpScreen .term { margin-bottom: 1; padding-right: 1; }
    HelpScreen .term, HelpScreen Markdown { color: $text; }
    """
    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), key_display="esc"),
        Binding("1", "tab('keys')", N_("Keys"), show=False),
        Binding("2", "tab('quarter')", N_("Quarter"), show=False),
        Binding("3", "tab('win')", N_("Winning"), show=False),
        Binding("4", "tab('glossary')", N_("Glossary"), show=False),
    ]

    def __init__(self, keys: Iterable[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.keys = tuple(GAME_KEYS if keys is None else keys)
        self.glossary = load_glossary()

    def compose(self) -> ComposeResult:
        figures = load_data().figures
        with Vertical(id="dialog") as dialog:
            dialog.border_title = _("Help")
            dialog.border_subtitle = _("1–4 or ←/→ tabs · esc close")
            with TabbedContent(initial="keys"):
                with TabPane(_("Keys"), id="keys"):
                    yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)
                with (
                    TabPane(_("How a quarter works"), id="quarter"),
                    VerticalScroll(classes="prose"),
                ):
                    yield Markdown(quarter_text())
                with TabPane(_("How to win"), id="win"), VerticalScroll(classes="prose"):
                    yield Markdown(win_text())
                with TabPane(_("Glossary"), id="glossary-tab"), VerticalScroll(id="glossary"):
                    for t in self.glossary:
                        yield Static(term_renderable(t, figures), classes="term")
        yield G2Footer()

    def on_mount(self) -> None:
        table = self.query_one("#keys-table", DataTable)
        table.add_columns(_("Key"), _("What it does"))
        for key, what in self.keys:
            name = _(KEY_NAMES[key]) if key in KEY_NAMES else key
            table.add_row(Text(name, style="bold"), Text(_(what)))

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "glossary-tab" if tab == "glossary" else tab

    def action_close(self) -> None:
        self.dismiss(None)
