"""The room app's screens for joining and playing: the join screen (a code, or open a room), the
room's three codes shown big for the board, and the war room bound to the room (a team plays its
side; its moves are committed when it ends the quarter, and it waits for the other team)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.validation import Function
from textual.widgets import Button, Input, OptionList, RichLog, Static

from game.engine.api import IllegalMove
from game.engine.data import DEFAULT_SCENARIO, quarter_name
from game.i18n import N_, _, ngettext, set_language, tc
from game.rooms.session import RoomSession
from game.rooms.store import AccessDenied, RoomError, RoomView
from game.tui.messages import TurnResolved
from game.tui.screens.newgame import (
    BUTTON_NAMES,
    SEED_HELP,
    TITLE,
    ChoiceList,
    _seed_ok,
    other_language,
    scenario_cards,
)
from game.tui.screens.report import pad, side_label
from game.tui.screens.warroom import WarRoom
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.header import G2Header
from game.tui.widgets.plan import PlanPanel

MAX_CODE = 64  # characters a code box takes (a code is 8, shown as K7QX-2MPD)


# ----------------------------------------------------------------------------- joining


class CodeInput(Input):
    """The code box. A pasted code that ends its line joins at once, as typing it and pressing
    enter would (`g2 join URL --code` pastes the code so: one event, so no key can overtake it)."""

    def _on_paste(self, event: events.Paste) -> None:
        # Input's own handler runs after this one (Textual calls each class's) and inserts the
        # first line; the submission it posts is handled after that
        if event.text.rstrip(" ") != event.text.rstrip():  # a line break after the code
            self.call_later(self.action_submit)


class JoinScreen(Screen[None]):
    """The room app's first screen: enter a join code, or open a room (the facilitator). Each
    browser has its own process, so the language button switches this browser's language only."""

    DEFAULT_CSS = """
    JoinScreen #join-body { height: 1fr; padding: 0 2; align-horizontal: center; }
    JoinScreen #join-box { width: 76; max-width: 100%; height: auto; }
    JoinScreen #title { text-style: bold; color: $accent; margin-top: 1; }
    JoinScreen .hint { color: $text-muted; margin-top: 1; }
    JoinScreen .heading { text-style: bold; margin-top: 1; }
    JoinScreen #code { border: tall $accent; width: 40; margin-top: 1; }
    JoinScreen #join-error { color: $error; text-style: bold; height: auto; margin-top: 1; }
    JoinScreen #join-buttons { height: auto; margin-top: 1; }
    JoinScreen #join-buttons Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("ctrl+o", "open_room", N_("Open a room"), key_display="^o"),
        Binding("ctrl+l", "toggle_language", N_("中文 / English"), key_display="^l"),
    ]
    AUTO_FOCUS = "#code"

    def __init__(self, code: str = "", error: str = "") -> None:
        super().__init__()
        self.code, self.error = code, error

    def compose(self) -> ComposeResult:
        yield G2Header()
        body = VerticalScroll(id="join-body")
        body.can_focus = False  # a click beside the code box must leave the typing in it
        with body, Vertical(id="join-box"):
            yield Static(_(TITLE), id="title")
            yield Static(_("Join a room"), classes="heading")
            yield Static(
                _(
                    "Your facilitator has written a join code on the board for each team. "
                    "Enter your team's code to play your side."
                ),
                classes="hint",
            )
            yield CodeInput(
                value=self.code,
                placeholder=_("Enter your join code"),
                max_length=MAX_CODE,
                id="code",
            )
            yield Static(self.error, id="join-error", markup=False)
            with Horizontal(id="join-buttons"):
                yield Button(_("Join"), id="join", variant="primary")
                yield Button(_("Open a room"), id="open")
                yield Button(
                    BUTTON_NAMES[other_language()], id="lang", tooltip=_("Switch language")
                )
                yield Button(_("Quit"), id="quit", variant="error")
            yield Static(
                _(
                    "Facilitator: open a room for a scenario to get the codes for the two teams "
                    "and for yourself."
                ),
                classes="hint",
            )
        yield G2Footer()

    def on_paste(self, event: events.Paste) -> None:
        """A paste with nothing focused (a browser's page starts unfocused until it is clicked,
        and a click may come before the app is up) goes to the code box all the same."""
        self.app.app_focus = True  # a paste is the player at the page, as a key or a click is
        box = self.query_one("#code", CodeInput)
        box.focus()
        box.post_message(events.Paste(event.text))
        event.stop()

    def on_mount(self) -> None:
        if self.code and not self.error:  # `g2 join … --code`: the code is already entered
            self.call_after_refresh(self.action_join)

    def show_error(self, text: str) -> None:
        self.error = text
        self.query_one("#join-error", Static).update(text)
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def action_join(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self.show_error(_("Enter the code your facilitator gave your team."))
            return
        problem = self.app.join(code)
        if problem:
            self.show_error(problem)

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        if event.button.id == "lang":
            await self.action_toggle_language()
        elif event.button.id == "join":
            self.action_join()
        elif event.button.id == "open":
            self.action_open_room()
        elif event.button.id == "quit":
            self.app.exit()

    def action_open_room(self) -> None:
        def chosen(choice: RoomChoice | None) -> None:
            if choice is not None:
                problem = self.app.open_room(choice.scenario, choice.seed)
                if problem:
                    self.show_error(problem)

        self.app.push_screen(OpenRoomScreen(), chosen)

    async def action_toggle_language(self) -> None:
        """English <-> Chinese for this browser (this process): not remembered, so each browser
        of the class keeps its own."""
        self.code = self.query_one("#code", Input).value
        self.error = ""
        set_language(other_language())
        self.app.retitle()
        await self.recompose()
        self.query_one("#lang", Button).focus()


@dataclass(frozen=True)
class RoomChoice:
    scenario: str
    seed: int | None


class OpenRoomScreen(ModalScreen[RoomChoice | None]):
    """Open a room: the scenario (a built-in one) and an optional seed."""

    DEFAULT_CSS = """
    OpenRoomScreen { align: center middle; }
    OpenRoomScreen > Vertical {
        width: 84; max-width: 96%; height: auto; max-height: 94%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    OpenRoomScreen .heading { text-style: bold; margin-top: 1; }
    OpenRoomScreen #scenario { height: auto; max-height: 12; border: round $primary-darken-2; }
    OpenRoomScreen #scenario:focus { border: round $accent; }
    OpenRoomScreen #about { color: $text-muted; height: auto; max-height: 8; padding: 0 1; }
    OpenRoomScreen #seed { border: round $primary-darken-2; width: 40; }
    OpenRoomScreen #seed.-invalid { border: round $error; }
    OpenRoomScreen #open-buttons { height: auto; margin: 1 0; }
    OpenRoomScreen #open-buttons Button { margin-right: 1; }
    """
    BINDINGS = [Binding("escape", "back", N_("Back"))]
    AUTO_FOCUS = "#scenario"

    def __init__(self) -> None:
        super().__init__()
        self._cards = scenario_cards()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("Open a room"), style="bold reverse"))
            yield Static(_("The scenario the class plays"), classes="heading")
            yield ChoiceList(
                [(sid, tc(card.name)) for sid, card in self._cards.items()], id="scenario"
            )
            yield Static(id="about")
            seed = Input(
                placeholder=_("Seed (optional): empty = random"),
                id="seed",
                valid_empty=True,
                validators=[Function(_seed_ok, failure_description=_(SEED_HELP))],
            )
            yield seed
            with Horizontal(id="open-buttons"):
                yield Button(_("Open the room"), id="open-room", variant="primary")
                yield Button(_("Back"), id="back")

    def on_mount(self) -> None:
        ol = self.query_one("#scenario", OptionList)
        ids = list(self._cards)
        ol.highlighted = ids.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in ids else 0

    @on(OptionList.OptionHighlighted, "#scenario")
    def _about(self) -> None:
        card = self._cards.get(self._scenario())
        if card is None:
            return
        span = ngettext(
            "{first}–{last}, {n} quarter", "{first}–{last}, {n} quarters", card.quarters
        ).format(first=quarter_name(card.start), last=quarter_name(card.end), n=card.quarters)
        self.query_one("#about", Static).update(
            Content.assemble((span, "bold"), "\n", tc(card.briefing))
        )

    def _scenario(self) -> str:
        option = self.query_one("#scenario", OptionList).highlighted_option
        return option.id if option is not None and option.id else DEFAULT_SCENARIO

    @on(OptionList.OptionSelected, "#scenario")
    def _chosen(self) -> None:
        self.query_one("#seed", Input).focus()

    @on(Input.Submitted, "#seed")
    @on(Button.Pressed, "#open-room")
    def action_open(self) -> None:
        text = self.query_one("#seed", Input).value.strip()
        if text and not _seed_ok(text):
            self.notify(_(SEED_HELP), title=_("Not a seed"), severity="error")
            self.query_one("#seed", Input).focus()
            return
        self.dismiss(RoomChoice(self._scenario(), int(text) if text else None))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)


def spaced(code: str) -> str:
    """A code spaced out to read from the back of the room: 'K 7 Q X - 2 M P D'."""
    return " ".join(code)


def codes_text(room: str, codes: dict[str, str], big: bool = True) -> Text:
    """The room's codes, one a line, each labelled with its side (the facilitator's last)."""
    out = Text()
    out.append(_("Room {room}").format(room=room) + "\n\n", "bold")
    labels = {
        "us": _("United States"),
        "china": _("China"),
        "facilitator": _("Facilitator (keep it to yourself)"),
    }
    styles = {"us": "bold #7fb3ff", "china": "bold #ff8a80", "facilitator": "bold"}
    width = max(cell_len(label) for label in labels.values())
    for role in ("us", "china", "facilitator"):
        if role not in codes:
            continue
        code = spaced(codes[role]) if big else codes[role]
        out.append("  " + pad(labels[role], width + 2), "bold")  # a Chinese character is 2 cells
        out.append(f" {code} ", f"{styles[role]} reverse" if role != "facilitator" else "bold")
        out.append("\n\n" if big else "\n")
    return out


class CodesScreen(Screen[None]):
    """The codes of a room just opened, big and clear: the facilitator writes them on the board."""

    DEFAULT_CSS = """
    CodesScreen #codes-body { height: 1fr; align: center middle; }
    CodesScreen #codes-box {
        width: 80; max-width: 98%; height: auto; border: thick $accent; padding: 1 2;
        background: $surface;
    }
    CodesScreen #codes { height: auto; }
    CodesScreen .hint { color: $text-muted; height: auto; }
    CodesScreen #codes-buttons { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("enter", "console", N_("The facilitator's console"), priority=True)]

    def __init__(self, room: str, codes: dict[str, str]) -> None:
        super().__init__()
        self.room, self.codes = room, dict(codes)

    def compose(self) -> ComposeResult:
        yield G2Header()
        with Vertical(id="codes-body"), Vertical(id="codes-box"):
            yield Static(Text(_("The room is open: write these codes on the board"), "bold"))
            yield Static(codes_text(self.room, self.codes), id="codes")
            yield Static(
                _(
                    "Each team opens this page, enters its own code and plays its side. "
                    "The console shows the codes again; a lost code can be replaced there."
                ),
                classes="hint",
            )
            with Horizontal(id="codes-buttons"):
                yield Button(_("On to the facilitator's console"), id="console", variant="primary")
        yield G2Footer()

    @on(Button.Pressed, "#console")
    def action_console(self) -> None:
        self.app.join(self.codes["facilitator"])


# ----------------------------------------------------------------------------- the team's war room


@dataclass
class RoomPolled(Message):
    """The room as the store saw it just now (or why it could not be asked)."""

    view: RoomView | None
    error: str | None = None
    denied: bool = False
    epoch: int = 0  # the war room's epoch when it asked (RoomWarRoom._epoch)


class RoomWarRoom(WarRoom):
    """The war room of one team in a room. Ending the quarter commits the plan (and the journal's
    entry) to the room; the plan panel then says it is waiting for the other team until the room
    has played the quarter, and the report shows it from this side. The room is asked every
    POLL seconds how it stands: the other team's commit shows in the subtitle, and a quarter the
    facilitator forced (this side held) is caught up with its report."""

    POLL = 1.0  # seconds between asking the room, while planning

    session: RoomSession

    def __init__(self, session: RoomSession):
        super().__init__(session)
        self._asking = False
        # counts the war room's changes of state (a commit, a quarter's report, planning again):
        # an answer to a question asked before the last change is old news, and is dropped
        self._epoch = 0
        self._reported: set[str] = set()  # the quarters whose report this war room has shown

    def on_mount(self) -> None:
        # runs before WarRoom.on_mount (Textual calls each class's handler, the subclass's first)
        self.set_interval(self.POLL, self._tick)
        self.call_after_refresh(self._room_intro)

    def on_unmount(self) -> None:
        self.session.stop()

    def on_turn_resolved(self, msg: TurnResolved) -> None:
        if msg.result.quarter in self._reported:
            # a quarter resolves once, so its report shows once (a second turn worker, which
            # Textual cannot stop, may have caught the same quarter up)
            msg.prevent_default()
            return
        self._reported.add(msg.result.quarter)
        # (WarRoom's handler runs next and opens the report:) the room's word as it now stands,
        # not the poll's from before the quarter resolved
        self._epoch += 1
        self.sub_title = self.room_status()

    def _unbusy(self) -> None:
        self._epoch += 1
        super()._unbusy()

    def _room_intro(self) -> None:
        s = self.session
        self.query_one("#news", RichLog).write(
            _(
                "Room {room}: when you end the quarter your moves are committed; it resolves "
                "when both teams have committed (or the facilitator closes it)."
            ).format(room=s.room)
        )
        if s.over:
            self.app.game_over(s)
        elif s.committed:  # joined again after committing: back to waiting
            self._wait_for_room()
        elif s.behind:
            self._caught_out()
        elif not s.game.history:  # the start of a classroom game: this side's briefing card
            self.app.show_briefings(s)

    # -- what a room's war room shows
    def refresh_all(self) -> None:
        super().refresh_all()
        self.sub_title = self.room_status()

    def room_status(self) -> str:
        s = self.session
        v = s.view
        mine = side_label(s.side)
        theirs = side_label(s.other)
        if v is None or v.over:
            return _("{side} · room {room}").format(side=mine, room=s.room)
        if s.committed:
            state = (
                _("{side} has committed too").format(side=theirs)
                if v.committed.get(s.other)
                else _("{side} is still planning").format(side=theirs)
            )
        else:
            state = (
                _("{side} has committed").format(side=theirs)
                if v.committed.get(s.other)
                else _("{side} is planning").format(side=theirs)
            )
        return _("{side} · room {room} · {state}").format(side=mine, room=s.room, state=state)

    def show_plan(self) -> None:
        if not self.busy:
            super().show_plan()
            return
        s = self.session
        out = Text(_("Committed — waiting for the other team"), "bold")
        moves = s.view.my_moves if s.view is not None and s.view.my_moves is not None else None
        if moves is None:
            moves = self.chosen[s.side]
        words = _(", ").join(tc(s.game.move_label(k)) for k in moves) or _("hold (no moves)")
        out.append("\n" + _("Your moves: {moves}").format(moves=words), "dim")
        self.query_one("#plan", PlanPanel).update(out)

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("take_back", "save", "load", "facilitator"):
            return False  # the room is the save; the facilitator has a console of their own
        return super().check_action(action, parameters)

    # -- ending the quarter: commit, then wait for the room
    def _end_quarter_now(self) -> None:
        self._show_waiting()
        self.resolve_quarter()

    def _show_waiting(self) -> None:
        self._epoch += 1
        self.busy = True
        self.refresh_bindings()
        self.show_plan()
        self.sub_title = self.room_status()

    @work(thread=True, exclusive=True, group="turn")
    def resolve_quarter(self) -> None:
        s = self.session
        self._await_quarter(lambda: s.resolve(self.chosen[s.side]), (RoomError, IllegalMove))

    def _await_quarter(self, play, refused: tuple[type[Exception], ...]) -> None:
        """In the turn worker: `play()` (commit and wait, or only wait) until the room resolves the
        quarter, then its report; a lost code ends the visit, a refusal frees the plan again."""
        try:
            r = play()
        except AccessDenied as exc:
            self.app.call_from_thread(self.app.lost_access, str(exc))
            return
        except refused as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            self.app.call_from_thread(self._unbusy)
            return
        if r is not None:
            self.post_message(TurnResolved(r))

    def _wait_for_room(self) -> None:
        """This side has committed (in an earlier visit): wait for the quarter, then its report."""
        self._show_waiting()
        self.wait_quarter()

    @work(thread=True, exclusive=True, group="turn")
    def wait_quarter(self) -> None:
        self._await_quarter(self.session.wait, (RoomError,))

    def _caught_out(self) -> None:
        """The room played the quarter without this side's moves (the facilitator closed it)."""
        from game.tui.screens.journal import JournalScreen

        s = self.session
        if isinstance(self.app.screen, JournalScreen):
            self.app.screen.dismiss(None)  # the entry was for the quarter that is gone
        self.notify(
            _("The facilitator closed {quarter}: your side held (no moves).").format(
                quarter=s.game.quarter
            ),
            severity="warning",
            timeout=8,
        )
        self.busy = True
        self.refresh_bindings()
        self.catch_up_room()

    @work(thread=True, exclusive=True, group="turn")
    def catch_up_room(self) -> None:
        try:
            r = self.session.catch_up()
        except AccessDenied as exc:
            self.app.call_from_thread(self.app.lost_access, str(exc))
            return
        except RoomError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            self.app.call_from_thread(self._unbusy)
            return
        if r is not None:
            self.post_message(TurnResolved(r))
        else:
            self.app.call_from_thread(self._unbusy)

    # -- asking the room while planning

    def _tick(self) -> None:
        if not self.busy and not self._asking:
            self._asking = True
            self.ask_room(self._epoch)

    @work(thread=True, exclusive=True, group="poll")
    def ask_room(self, epoch: int) -> None:
        try:
            view = self.session.store.view(self.session.member)
        except AccessDenied as exc:
            self.post_message(RoomPolled(None, str(exc), denied=True, epoch=epoch))
            return
        except Exception as exc:  # a busy or unreadable store: say so, and ask again later
            self.post_message(RoomPolled(None, str(exc), epoch=epoch))
            return
        self.post_message(RoomPolled(view, epoch=epoch))

    def on_room_polled(self, msg: RoomPolled) -> None:
        self._asking = False
        if msg.epoch != self._epoch:
            return  # asked before the last change (a commit, a report): old news
        if msg.denied:
            self.app.lost_access(msg.error or "")
            return
        if msg.view is None:
            self.sub_title = _("The room cannot be reached: {error}").format(error=msg.error)
            return
        if self.busy:
            return  # a worker is committing or catching up: it has the room's word
        s = self.session
        s.view = msg.view
        self.sub_title = self.room_status()
        if s.behind:
            self._caught_out()
        elif s.committed:
            self._wait_for_room()
