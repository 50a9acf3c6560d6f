"""The facilitator's console of a room (joined with the facilitator's code). It asks the room every
second how it stands and shows who has committed this quarter and both sides' committed moves; it
queues injects (a catalogue event or a custom headline with its effect), closes the quarter (a
side that has not committed holds), reveals or hides both sides' policies, gives a team a new code
(the old one stops working), exports the room to an ordinary save, and reads the decision journal.
The projector view shows only what the whole class may see: the score, the meters, the last
quarter's headlines and who has committed — never the moves pending."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static

from game.engine.api import Game, TurnResult, one_line
from game.engine.data import SIDES
from game.i18n import N_, _, tc
from game.rooms.screens import codes_text
from game.rooms.session import catch_up, rebuild, scored_journal
from game.rooms.store import AccessDenied, Member, RoomError, RoomStore, RoomView
from game.tui import format as fmt
from game.tui.defaults import default_save_dir
from game.tui.screens.facilitator import (
    catalogue_options,
    clear_custom_inject,
    custom_inject_fields,
    read_custom_inject,
)
from game.tui.screens.journal import prediction_lines
from game.tui.screens.report import side_label
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.header import G2Header
from game.tui.widgets.meters import MeterTable

RESULT_WORDS = {
    "us": N_("The game is over: the United States wins."),
    "china": N_("The game is over: China wins."),
    "draw": N_("The game is over: neither side leads decisively (a draw)."),
}


@dataclass
class ConsolePolled(Message):
    """The room as the store saw it; `game` and `results` when quarters were played since."""

    view: RoomView | None
    game: Game | None = None
    results: list[TurnResult] | None = None
    error: str | None = None
    denied: bool = False
    rebuilt: bool = False  # `results` are every quarter's, from the start


def inject_words(game: Game, inj: dict) -> str:
    """A queued inject in words: a catalogue event's name, or a headline with its effects."""
    if "event" in inj:
        ev = next((e for e in game.data.events if e.id == inj["event"]), None)
        return tc(ev.name) if ev is not None else str(inj["event"])
    effects = []
    for kind, sign in (("add", "+"), ("set", "="), ("mul", "×")):
        for lever, amount in (inj.get(kind) or {}).items():
            lev = game.data.levers.get(lever)
            name = tc(getattr(lev, "name", "") or lever) if lev is not None else lever
            effects.append(f"{name} {amount:+g}" if sign == "+" else f"{name} {sign}{amount:g}")
    return _("{headline} ({effects})").format(
        headline=inj.get("headline", ""), effects=_(", ").join(effects)
    )


def moves_words(game: Game, moves: list[str]) -> str:
    return _(", ").join(tc(game.move_label(k)) for k in moves) or _("hold (no moves)")


def committed_text(view: RoomView) -> Text:
    """Who has committed this quarter, for the console and the projector (no moves)."""
    out = Text()
    for i, side in enumerate(SIDES):
        if i:
            out.append("   ")
        done = view.committed.get(side)
        out.append(_("{side}: ").format(side=side_label(side)), "bold")
        out.append(
            _("committed ✓") if done else _("planning …"), "bold green" if done else "yellow"
        )
    return out


def policies_table(game: Game) -> Table:
    """Both sides' policies, lever by lever (what the facilitator reveals on the projector)."""
    table = Table(box=None, padding=(0, 1), show_header=True)
    table.add_column(_("lever"))
    for side in SIDES:
        table.add_column(side_label(side))
    policies = {side: game.policy(side) for side in SIDES}
    for k, lev in game.data.levers.items():
        if not any(k in policies[s] for s in SIDES):
            continue
        cells = []
        for side in SIDES:
            v = policies[side].get(k, "")
            cells.append(tc(str(v).replace("_", " ")) if isinstance(v, str) else f"{v:g}")
        table.add_row(tc(getattr(lev, "name", k) or k), *cells)
    return table


def headline_lines(result: TurnResult | None) -> list[str]:
    if result is None:
        return []
    return [f"• {tc(e.headline or e.name)}" for e in result.events]


class ConsoleScreen(Screen[None]):
    """The facilitator's console of one room."""

    BINDINGS = [
        Binding("p", "projector", N_("Projector view")),
        Binding("r", "reveal", N_("Reveal / hide both sides")),
        Binding("e", "force", N_("Close the quarter")),
        Binding("x", "export", N_("Export")),
        Binding("q", "quit", N_("Quit")),
    ]
    DEFAULT_CSS = """
    ConsoleScreen #console { height: 1fr; }
    ConsoleScreen #status { height: auto; padding: 0 1; background: $boost; }
    ConsoleScreen #console-main { height: 1fr; }
    ConsoleScreen #console-left { width: 1fr; padding: 0 1; }
    ConsoleScreen #console-right { width: 1fr; padding: 0 1; }
    ConsoleScreen .heading { text-style: bold; color: $warning; margin-top: 1; }
    ConsoleScreen #events { height: 10; border: round $primary-darken-2; }
    ConsoleScreen #events:focus { border: round $accent; }
    ConsoleScreen #custom { height: auto; }
    ConsoleScreen #headline { width: 1fr; }
    ConsoleScreen #lever { width: 26; }
    ConsoleScreen #amount { width: 12; }
    ConsoleScreen #codes, ConsoleScreen #pending, ConsoleScreen #queued,
    ConsoleScreen #journal, ConsoleScreen #state, ConsoleScreen #exported { height: auto; }
    ConsoleScreen #exported { color: $success; }
    ConsoleScreen .buttons { height: auto; margin-top: 1; }
    ConsoleScreen .buttons Button { margin-right: 1; }
    ConsoleScreen #projector { display: none; height: 1fr; padding: 0 2; }
    ConsoleScreen.-projector #projector { display: block; }
    ConsoleScreen.-projector #console { display: none; }
    ConsoleScreen.-projector G2Footer { display: none; }  /* the class sees no facilitator keys */
    ConsoleScreen #proj-title { text-style: bold; color: $accent; margin-top: 1; }
    ConsoleScreen #proj-score { text-style: bold; height: auto; margin: 1 0;
        border: round $accent; padding: 0 2; width: auto; }
    ConsoleScreen #proj-committed { height: auto; margin-bottom: 1; }
    ConsoleScreen #proj-row { height: auto; }
    ConsoleScreen #proj-meters { width: 60; height: auto; max-height: 30;
        border: round $primary-darken-2; }
    ConsoleScreen #proj-news { width: 1fr; height: auto; padding: 0 2; }
    ConsoleScreen #proj-state { height: auto; margin-top: 1; }
    ConsoleScreen .hint { color: $text-muted; }
    """
    POLL = 1.0  # seconds between asking the room

    def __init__(
        self, store: RoomStore, member: Member, codes: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.store, self.member = store, member
        self.codes = dict(codes or {})
        self.codes.setdefault("facilitator", member.code)
        self.view: RoomView = store.view(member)
        self.game, self.results = rebuild(store.game(member))
        self.projector = False
        self.exported: list[Path] = []
        self._asking = False
        self._catalogue_for = ""  # the quarter the catalogue's readiness was worked out for

    # -- layout
    def compose(self) -> ComposeResult:
        gd = self.game.data
        yield G2Header()
        with Vertical(id="console"):
            yield Static(id="status")
            with Horizontal(id="console-main"):
                with VerticalScroll(id="console-left"):
                    yield Static(_("Join codes"), classes="heading")
                    yield Static(id="codes")
                    with Horizontal(classes="buttons"):
                        yield Button(_("New code for the US"), id="revoke-us")
                        yield Button(_("New code for China"), id="revoke-china")
                    yield Static(_("Committed moves this quarter"), classes="heading")
                    yield Static(id="pending")
                    yield Static(_("Queued for this quarter"), classes="heading")
                    yield Static(id="queued")
                    yield Static(_("Decision journal"), classes="heading")
                    yield Static(id="journal")
                    yield Static(_("Both sides' policies"), classes="heading")
                    yield Static(id="state")
                with VerticalScroll(id="console-right"):
                    yield Static(_("The quarter"), classes="heading")
                    with Horizontal(classes="buttons"):
                        yield Button(_("Close the quarter now"), id="force", variant="warning")
                        yield Button(_("Reveal / hide both sides"), id="reveal")
                    with Horizontal(classes="buttons"):
                        yield Button(_("Projector view"), id="projector-on", variant="primary")
                        yield Button(_("Export to a save"), id="export")
                    yield Static(id="exported")
                    yield Static(_("Inject an event from the catalogue (enter)"), classes="heading")
                    yield OptionList(id="events")
                    yield Static(
                        _("Or a custom event: headline, and what it changes"), classes="heading"
                    )
                    with Horizontal(id="custom"):
                        yield from custom_inject_fields(gd)
                    yield Button(_("Queue the custom event"), id="queue-custom")
        with VerticalScroll(id="projector"):
            yield Static(id="proj-title")
            yield Static(id="proj-score")
            yield Static(id="proj-committed")
            with Horizontal(id="proj-row"):
                meters = MeterTable(id="proj-meters")
                meters.border_title = _("Meters")
                yield meters
                yield Static(id="proj-news")
            yield Static(id="proj-state")
            yield Static(_("p: back to the console"), classes="hint")
        yield G2Footer()

    def on_mount(self) -> None:
        self.show()
        self.set_interval(self.POLL, self._tick)
        self.query_one("#events", OptionList).focus()

    # -- showing the room
    def show(self) -> None:
        v, g = self.view, self.game
        self.title = _("G2 · {quarter} · Score {score}").format(
            quarter=g.quarter, score=fmt.score(g.meters["score"])
        )
        self.sub_title = _("Facilitator · room {room} · {scenario}").format(
            room=v.room, scenario=tc(g.data.scenarios[g.scenario].name)
        )
        self.query_one("#status", Static).update(self._status())
        self.query_one("#codes", Static).update(self._codes())
        self.query_one("#pending", Static).update(self._pending())
        self.query_one("#queued", Static).update(self._queued())
        self.query_one("#journal", Static).update(self._journal())
        self.query_one("#state", Static).update(
            policies_table(g)
            if v.revealed
            else _("hidden (Reveal shows them here and on the projector)")
        )
        self.query_one("#exported", Static).update(self._exported())
        self._catalogue()
        self._show_projector()

    def _status(self) -> Text:
        v = self.view
        if v.over:
            return Text(_(RESULT_WORDS.get(self.game.result or "", "")), "bold")
        out = Text(_("{quarter}: ").format(quarter=v.quarter), "bold")
        out.append_text(committed_text(v))
        shown = _("both sides' policies are shown") if v.revealed else _("policies hidden")
        out.append(f"   · {shown}", "dim")
        return out

    def _codes(self) -> Text:
        out = codes_text(self.view.room, self.codes, big=False)
        if not all(side in self.codes for side in SIDES):
            out.append(
                _(
                    "A team's code is shown when the room is opened or the code is replaced. "
                    "A team that lost its code: give it a new one (the old one stops working)."
                ),
                "dim",
            )
        return out

    def _pending(self) -> Text:
        v, g = self.view, self.game
        out = Text()
        for side in SIDES:
            out.append(_("{side}: ").format(side=side_label(side)), "bold")
            moves = (v.pending or {}).get(side)
            if moves is None:
                out.append(_("not committed yet"), "dim")
            else:
                out.append(moves_words(g, moves))
            out.append("\n")
        return out

    def _queued(self) -> str:
        queued = [inject_words(self.game, i) for i in self.view.injects or []]
        if not queued:
            return _("Nothing queued: the quarter plays as the dice fall.")
        return "\n".join(f"• {q}" for q in queued)

    def _journal(self) -> str:
        g = self.game
        entries = scored_journal(self.view.journal, g)
        if not entries:
            return _("Nothing written yet.")

        def words(meter: str) -> tuple[str, str]:
            m = g.data.meters.get(meter)
            return (m.name, m.fmt) if m is not None else (meter, "num")

        lines: list[str] = []
        for quarter in sorted({e["quarter"] for e in entries}, reverse=True):
            now = [e for e in entries if e["quarter"] == quarter]
            said = [f"  {escape(line)}" for line in prediction_lines(now, words)]
            for e in now:  # this quarter's predictions, not scored yet
                p = e.get("prediction")
                if p and "actual" not in e:
                    name, f = words(p["meter"])
                    said.append(
                        "  "
                        + escape(
                            _("{side} predicts {meter} {value}").format(
                                side=side_label(e["side"]),
                                meter=tc(name),
                                value=fmt.value(p["value"], f),
                            )
                        )
                    )
            if said:
                lines += [f"[b]{quarter}[/b]", *said]
        return "\n".join(lines) or _("Nothing written yet.")

    def _exported(self) -> str:
        if not self.exported:
            return ""
        paths = "\n".join(f"  {p}" for p in self.exported)
        return _("Exported (read them with g2 report FILE):") + "\n" + paths

    def _catalogue(self) -> None:
        """The catalogue's events, those that cannot happen now greyed with the reason."""
        g = self.game
        if self._catalogue_for == f"{g.quarter}/{len(g.history)}":
            return
        self._catalogue_for = f"{g.quarter}/{len(g.history)}"
        self.query_one("#events", OptionList).set_options(catalogue_options(g))

    def _show_projector(self) -> None:
        v, g = self.view, self.game
        self.query_one("#proj-title", Static).update(
            _("Room {room} · {scenario} · {quarter}").format(
                room=v.room, scenario=tc(g.data.scenarios[g.scenario].name), quarter=v.quarter
            )
        )
        score = Text(_("Score {score}").format(score=fmt.score(g.meters["score"])), "bold")
        if v.over:
            score.append("\n" + _(RESULT_WORDS.get(g.result or "", "")))
        self.query_one("#proj-score", Static).update(score)
        self.query_one("#proj-committed", Static).update(Text("") if v.over else committed_text(v))
        self.query_one("#proj-meters", MeterTable).show(SimpleNamespace(game=g), "full")
        last = self.results[-1] if self.results else None
        news = headline_lines(last)
        head = (
            _("Headlines of {quarter}").format(quarter=last.quarter)
            if last is not None
            else _("Headlines")
        )
        body = "\n".join(news) if news else _("No headlines yet.")
        self.query_one("#proj-news", Static).update(Text.assemble((head, "bold"), "\n", body))
        self.query_one("#proj-state", Static).update(policies_table(g) if v.revealed else "")

    # -- asking the room
    def _tick(self) -> None:
        if not self._asking:
            self._asking = True
            self.ask_room(self.view.version, len(self.game.history))

    @work(thread=True, exclusive=True, group="poll")
    def ask_room(self, version: int, played: int) -> None:
        try:
            view = self.store.view(self.member)
            if view.version == version:
                self.post_message(ConsolePolled(view))
                return
            game = results = None
            rebuilt = False
            if view.turns != played:
                mine = self.game.clone()
                game, results = catch_up(mine, self.store.game(self.member))
                rebuilt = game is not mine
        except AccessDenied as exc:
            self.post_message(ConsolePolled(None, error=str(exc), denied=True))
            return
        except Exception as exc:  # a busy or unreadable store: say so, ask again next time
            self.post_message(ConsolePolled(None, error=one_line(str(exc), 200)))
            return
        self.post_message(ConsolePolled(view, game, results, rebuilt=rebuilt))

    def on_console_polled(self, msg: ConsolePolled) -> None:
        self._asking = False
        if msg.denied:
            self.app.lost_access(msg.error or "")
            return
        if msg.view is None:
            self.query_one("#status", Static).update(
                Text(_("The room cannot be reached: {error}").format(error=msg.error), "red")
            )
            return
        changed = msg.view.version != self.view.version
        self.view = msg.view
        if msg.game is not None:
            self.game = msg.game
            self.results = (
                (msg.results or []) if msg.rebuilt else self.results + (msg.results or [])
            )
        if changed or msg.game is not None:
            self.show()

    def poll_now(self) -> None:
        """Ask the room at once (after the facilitator changed something)."""
        self._asking = True
        self.ask_room(self.view.version, len(self.game.history))

    # -- the facilitator's actions
    def _do(self, what, *args) -> object | None:
        """Run a store operation; a refusal is notified (one line) and gives None."""
        try:
            out = what(self.member, *args)
        except AccessDenied as exc:
            self.app.lost_access(str(exc))
            return None
        except RoomError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        self.poll_now()
        return True if out is None else out

    @on(OptionList.OptionSelected, "#events")
    def _inject_event(self, event: OptionList.OptionSelected) -> None:
        if self._do(self.store.inject, {"event": event.option.id}):
            self.notify(
                _("Queued: {event}").format(event=str(event.option.prompt)), markup=False, timeout=3
            )

    @on(Button.Pressed, "#queue-custom")
    def queue_custom(self) -> None:
        inject = read_custom_inject(self)
        if inject is not None and self._do(self.store.inject, inject):
            clear_custom_inject(self)
            self.notify(
                _("Queued: {event}").format(event=inject["headline"]), markup=False, timeout=3
            )

    @on(Button.Pressed, "#force")
    def action_force(self) -> None:
        from game.tui.screens.prompt import ConfirmScreen

        v = self.view
        if v.over:
            return
        missing = [side_label(s) for s in SIDES if not v.committed.get(s)]
        if len(missing) == 2:
            question = _("Close {quarter} now? Neither team has committed: both hold.")
        elif missing:
            question = _("Close {quarter} now? {side} has not committed and holds (no moves).")
        else:
            question = _("Close {quarter} now?")
        question = question.format(quarter=v.quarter, side=missing[0] if missing else "")

        def answered(yes: bool | None) -> None:
            if yes and self._do(self.store.force):
                self.notify(_("{quarter} is closed.").format(quarter=v.quarter), timeout=4)

        self.app.push_screen(
            ConfirmScreen(question, _("Close it"), _("Wait"), title=_("Close the quarter")),
            answered,
        )

    @on(Button.Pressed, "#reveal")
    def action_reveal(self) -> None:
        self._do(self.store.reveal, not self.view.revealed)

    @on(Button.Pressed, "#revoke-us")
    def _revoke_us(self) -> None:
        self.revoke("us")

    @on(Button.Pressed, "#revoke-china")
    def _revoke_china(self) -> None:
        self.revoke("china")

    def revoke(self, side: str) -> None:
        from game.tui.screens.prompt import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            code = self._do(self.store.revoke, side)
            if isinstance(code, str):
                self.codes[side] = code
                self.query_one("#codes", Static).update(self._codes())
                self.notify(
                    _("New code for {side}: {code} (the old one no longer works)").format(
                        side=side_label(side), code=code
                    ),
                    timeout=15,
                    markup=False,
                )

        question = _(
            "Give {side} a new code? The old one stops working at once: whoever is playing "
            "with it is sent back to the join screen."
        ).format(side=side_label(side))
        self.app.push_screen(
            ConfirmScreen(question, _("New code"), _("Keep it"), title=_("New code")), answered
        )

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        """Write the room as two ordinary saves (one seen from each side) in the save folder."""
        folder = default_save_dir()
        written = []
        for side in SIDES:
            path = self._do(self.store.export, folder / f"room-{self.view.room}-{side}.json", side)
            if not isinstance(path, Path):
                return
            written.append(path.resolve())
        self.exported = written
        self.query_one("#exported", Static).update(self._exported())
        self.notify(
            _("Exported to {path}").format(path=", ".join(str(p) for p in written)),
            timeout=10,
            markup=False,
        )

    @on(Button.Pressed, "#projector-on")
    def action_projector(self) -> None:
        self.projector = not self.projector
        self.set_class(self.projector, "-projector")
        if self.projector:
            self._show_projector()
            self.query_one("#proj-meters").focus()
        else:
            self.query_one("#events", OptionList).focus()

    def action_quit(self) -> None:
        self.app.confirm_quit()
