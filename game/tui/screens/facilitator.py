"""The facilitator's console between quarters (`g2 play --facilitator`): the room pauses here after
each report. The facilitator may queue events for the next quarter — one from the catalogue, or a
custom headline with its effect ("the Senate passes RASA") — reveal or hide both sides' policies on
the projector, read the last quarter's predictions, and advance. Queued events are played with the
quarter and recorded in its history, so a save replays them exactly."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Number
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from game.i18n import N_, _, tc
from game.tui.screens.journal import prediction_lines
from game.tui.session import Session
from game.tui.widgets.footer import G2Footer

HEADLINE_MAX = 160


def needs_text(ev) -> str:
    """Why catalogue event `ev` (a CatalogueEvent) cannot happen now, in the player's language."""
    n = ev.needs
    kind = n[0] if n else ""
    if kind == "over":
        return _("the game is over")
    if kind == "once":
        return _("it has already happened in this game (it happens once)")
    if kind == "reason":
        return tc(n[1])
    if kind == "stage":
        want = _(" or ").join(_("“{stage}”").format(stage=tc(w)) for w in n[2])
        return _("needs {lever} at {stage} (now {now})").format(
            lever=tc(n[1]), stage=want, now=_("“{stage}”").format(stage=tc(n[3]))
        )
    if kind == "most":
        return _("needs {lever} at most {bound} (now {now})").format(
            lever=tc(n[1]), bound=f"{n[2]:g}", now=f"{n[3]:.3g}"
        )
    if kind == "least":
        return _("needs {lever} at least {bound} (now {now})").format(
            lever=tc(n[1]), bound=f"{n[2]:g}", now=f"{n[3]:.3g}"
        )
    if kind == "between":
        return _("needs {lever} between {lo} and {hi} (now {now})").format(
            lever=tc(n[1]), lo=f"{n[2]:g}", hi=f"{n[3]:g}", now=f"{n[4]:.3g}"
        )
    return tc(ev.reason)


def catalogue_options(game) -> list[Option]:
    """The catalogue's events as the facilitator's list shows them: those that can happen now,
    and the others greyed with the reason."""
    options = []
    for ev in game.event_catalogue():
        if ev.ready:
            options.append(Option(tc(ev.name), id=ev.id))
        else:
            label = _("{event} — not now: {reason}").format(
                event=tc(ev.name), reason=needs_text(ev)
            )
            options.append(Option(Text(label, "dim"), id=ev.id, disabled=True))
    return options


def custom_inject_fields(gd) -> ComposeResult:
    """The custom event's row: a headline, a lever and an amount (ids headline, lever, amount);
    the terminal's console and the room's console both show it (read with read_custom_inject)."""
    yield Input(
        placeholder=_("e.g. The Senate passes RASA"), max_length=HEADLINE_MAX, id="headline"
    )
    yield Select(
        [
            (tc(lev.name) if getattr(lev, "name", "") else key, key)
            for key, lev in gd.levers.items()
        ],
        prompt=_("a lever"),
        id="lever",
    )
    yield Input(placeholder=_("+/- amount"), id="amount", validators=[Number()], valid_empty=True)


def read_custom_inject(screen) -> dict | None:
    """The custom event `screen`'s row describes, as an inject ({headline, add: {lever: n}}), or
    None (the screen is told why) when a part is missing."""
    headline = screen.query_one("#headline", Input).value.strip()
    lever = screen.query_one("#lever", Select).value
    try:
        value = float(screen.query_one("#amount", Input).value.strip())
    except ValueError:
        value = None
    if not headline or lever is Select.NULL or value is None:
        screen.notify(
            _("A custom event needs a headline, a lever and an amount."), severity="error"
        )
        return None
    return {"headline": headline, "add": {str(lever): value}}


def clear_custom_inject(screen) -> None:
    screen.query_one("#headline", Input).value = ""
    screen.query_one("#amount", Input).value = ""


class FacilitatorScreen(ModalScreen[None]):
    """Dismisses with None when the facilitator advances to the next quarter."""

    BINDINGS = [
        Binding("ctrl+n", "advance", N_("Advance"), key_display="^n", priority=True),
        Binding("ctrl+r", "reveal", N_("Reveal / hide both sides"), key_display="^r"),
    ]
    DEFAULT_CSS = """
    FacilitatorScreen { align: center middle; }
    FacilitatorScreen > VerticalScroll {
        width: 96%; max-width: 110; height: 94%; border: thick $warning; background: $surface;
        padding: 0 1;
    }
    FacilitatorScreen .heading { text-style: bold; color: $warning; margin-top: 1; }
    FacilitatorScreen #events { height: 8; border: round $primary-darken-2; }
    FacilitatorScreen #custom { height: auto; }
    FacilitatorScreen #headline { width: 1fr; }
    FacilitatorScreen #lever { width: 30; }
    FacilitatorScreen #amount { width: 12; }
    FacilitatorScreen #queued, FacilitatorScreen #state, FacilitatorScreen #predictions {
        height: auto;
    }
    FacilitatorScreen #fac-buttons { height: auto; margin-top: 1; }
    FacilitatorScreen #fac-buttons Button { margin-right: 1; }
    """

    def __init__(self, session: Session, revealed: bool = False) -> None:
        super().__init__()
        self.session = session
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        g = self.session.game
        gd = g.data
        with VerticalScroll():
            yield Static(
                Text(
                    _("Facilitator: before {quarter}").format(quarter=g.quarter),
                    style="bold reverse",
                )
            )
            yield Static(_("Last quarter's journal"), classes="heading")
            yield Static(id="predictions")
            yield Static(_("Inject an event from the catalogue (enter)"), classes="heading")
            yield OptionList(*catalogue_options(g), id="events")
            yield Static(_("Or a custom event: headline, and what it changes"), classes="heading")
            with Horizontal(id="custom"):
                yield from custom_inject_fields(gd)
            yield Button(_("Queue the custom event"), id="queue-custom")
            yield Static(id="queued")
            yield Static(_("Both sides' policies"), classes="heading")
            yield Static(id="state")
            with Horizontal(id="fac-buttons"):
                yield Button(_("Advance to the quarter"), id="advance", variant="primary")
                yield Button(_("Reveal / hide both sides"), id="reveal")
        yield G2Footer()

    def on_mount(self) -> None:
        self.refresh_panels()
        self.query_one("#events", OptionList).focus()

    def refresh_panels(self) -> None:
        s, g = self.session, self.session.game
        last = g.history[-1]["quarter"] if g.history else None
        lines = prediction_lines(s.journal_for(last), self._meter_words) if last else []
        self.query_one("#predictions", Static).update(
            "\n".join(lines) or _("Nothing written last quarter.")
        )
        queued = [self._inject_words(i) for i in s.pending_injects]
        self.query_one("#queued", Static).update(
            _("Queued for {quarter}: {events}").format(
                quarter=g.quarter, events=_("; ").join(queued)
            )
            if queued
            else _("Nothing queued: the quarter plays as the dice fall.")
        )
        self.query_one("#state", Static).update(self._state() if self.revealed else _("hidden"))

    def _meter_words(self, meter: str) -> tuple[str, str]:
        m = self.session.game.data.meters.get(meter)
        return (m.name, m.fmt) if m is not None else (meter, "num")

    def _inject_words(self, inj: dict) -> str:
        gd = self.session.game.data
        if "event" in inj:
            ev = next((e for e in gd.events if e.id == inj["event"]), None)
            return tc(ev.name) if ev is not None else inj["event"]
        ((lever, amount),) = inj.get("add", {}).items()
        return f"{inj['headline']} ({lever} {amount:+g})"

    def _state(self) -> Table:
        g = self.session.game
        table = Table(box=None, padding=(0, 1), show_header=True)
        table.add_column(_("lever"))
        for side in ("us", "china"):
            table.add_column(_("United States") if side == "us" else _("China"))
        policies = {side: g.policy(side) for side in ("us", "china")}
        keys = [k for k in g.data.levers if any(k in policies[s] for s in policies)]
        for k in keys:
            lev = g.data.levers[k]
            cells = []
            for side in ("us", "china"):
                v = policies[side].get(k, "")
                cells.append(tc(str(v).replace("_", " ")) if isinstance(v, str) else f"{v:g}")
            table.add_row(tc(getattr(lev, "name", k) or k), *cells)
        return table

    # -- actions
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.session.pending_injects.append({"event": event.option.id})
        self.refresh_panels()
        self.notify(_("Queued: {event}").format(event=event.option.prompt), markup=False, timeout=3)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "advance":
            self.action_advance()
        elif event.button.id == "reveal":
            self.action_reveal()
        elif event.button.id == "queue-custom":
            self.queue_custom()

    def queue_custom(self) -> None:
        inject = read_custom_inject(self)
        if inject is None:
            return
        self.session.pending_injects.append(inject)
        clear_custom_inject(self)
        self.refresh_panels()

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.refresh_panels()

    def action_advance(self) -> None:
        self.dismiss(None)
