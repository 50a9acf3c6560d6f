"""The room app: G2 in a shared room. First the join screen (a team's or the facilitator's code, or
open a room); a team then plays its side in the war room, bound to the room; the facilitator gets
the console. `g2 serve` runs one of these per browser tab (`python -m game.rooms.app --db FILE`);
`g2 join` runs one in the terminal with the code already entered."""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from game.i18n import _, from_env, normalise, set_language
from game.rooms.session import POLL_SECONDS, RoomSession, rooms_db
from game.rooms.store import AccessDenied, Member, RoomError, RoomStore
from game.tui import app as tui_app
from game.tui.app import G2App
from game.tui.defaults import default_save_dir

FREE_TRIES = 3  # wrong codes a page may try before each try waits (RoomApp.join)
MAX_WAIT = 60.0  # seconds: the longest wait between tries
SERVED_NICENESS = 10  # a served app's scheduling priority below its server's (see main)
SERVER_CHECK = 1.0  # seconds between a served app's checks that its server is still there


def served() -> bool:
    """True when this app runs under `g2 serve` (textual-serve's web driver draws it)."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


class RoomApp(G2App):
    """`store` (or the database at `db`: $G2_ROOMS_DB, else rooms.db in the save folder); `code`
    is entered on the join screen at the start; `room`, when given, is the room it must open."""

    CSS_PATH = Path(tui_app.__file__).with_name("app.tcss")  # the war room looks the same
    POLL = POLL_SECONDS  # how often a waiting team asks the room (tests make it shorter)

    def __init__(
        self,
        store: RoomStore | None = None,
        db: str | Path | None = None,
        code: str = "",
        room: str = "",
    ) -> None:
        super().__init__(None, save_dir=default_save_dir())
        self._store = store
        self.db = rooms_db(db)
        self.initial_code, self.room = code, room
        self.codes: dict[str, dict[str, str]] = {}  # the codes of the rooms opened here
        self.member: Member | None = None
        self._wrong = 0  # wrong codes tried on this page
        self._locked_until = 0.0  # time.monotonic() before which no code is tried

    @property
    def store(self) -> RoomStore:
        if self._store is None:
            self._store = RoomStore(self.db)
        return self._store

    # -- the flow between screens
    def new_game(self) -> None:
        """The first screen (and where "New game" at the end leads): the join screen."""
        self.show_join(code=self.initial_code)
        self.initial_code = ""

    def show_join(self, error: str = "", code: str = "") -> None:
        from game.rooms.screens import JoinScreen

        self.member = None
        self.session = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        screen = JoinScreen(code=code, error=error)
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def join(self, code: str) -> str | None:
        """Enter the room `code` opens: the war room for a team, the console for the facilitator.
        Returns why not (one line, in the player's language), or None when in. After FREE_TRIES
        wrong codes each further try waits twice as long as the last (up to MAX_WAIT seconds):
        guessing codes from one page gets nowhere (and each new page costs its server a process,
        of which `g2 serve --max-sessions` allows so many)."""
        wait = self._locked_until - time.monotonic()
        if wait > 0:
            return _("Too many wrong codes: try again in {seconds} s.").format(
                seconds=math.ceil(wait)
            )
        try:
            member = self.store.join(code)
        except AccessDenied:
            self._wrong += 1
            if self._wrong >= FREE_TRIES:
                self._locked_until = time.monotonic() + min(
                    MAX_WAIT, 2.0 ** (self._wrong - FREE_TRIES)
                )
            return _(
                "That code is unknown or no longer works. Check it with your facilitator "
                "(a team that lost its code gets a new one)."
            )
        except RoomError as exc:
            return str(exc)
        if self.room and member.room != self.room:
            return _("That code is for room {room}, not {wanted}.").format(
                room=member.room, wanted=self.room
            )
        try:
            self.enter(member)
        except AccessDenied:
            return _("That code is unknown or no longer works. Check it with your facilitator.")
        except RoomError as exc:
            return str(exc)
        return None

    def enter(self, member: Member) -> None:
        self.member = member
        if member.role == "facilitator":
            from game.rooms.console import ConsoleScreen

            console = ConsoleScreen(self.store, member, self.codes.get(member.room))
            self.switch_screen(console)
            return
        session = RoomSession.join(self.store, member, poll_seconds=self.POLL)
        self.show_war_room(session)
        self.notify(
            _("You play {side} in room {room}.").format(
                side=_("the United States") if member.role == "us" else _("China"),
                room=member.room,
            ),
            timeout=4,
        )

    def show_war_room(self, session) -> None:
        from game.rooms.screens import RoomWarRoom

        self.session = session
        # the war room opens the game-over screen or the briefing card itself once it is up: a
        # screen's dismiss callback runs on the screen that opened it, which must still be there
        self.switch_screen(RoomWarRoom(session))

    def open_room(self, scenario: str, seed: int | None) -> str | None:
        """Open a room and show its codes; why not, or None."""
        from game.rooms.screens import CodesScreen

        try:
            room, codes = self.store.open_room(scenario, seed)
        except RoomError as exc:
            return str(exc)
        self.codes[room] = dict(codes)
        self.switch_screen(CodesScreen(room, codes))
        return None

    def lost_access(self, reason: str = "") -> None:
        """The code no longer works (the facilitator gave the team a new one): back to the join
        screen, saying so."""
        if isinstance(self.session, RoomSession):
            self.session.stop()
        self.show_join(
            _(
                "Your code no longer works: the facilitator may have given your team a new one. "
                "Enter the new code."
            )
        )

    def confirm_quit(self, plan: list[str] | None = None) -> None:
        from game.tui.screens.prompt import ConfirmScreen

        if self.member is None:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        question = _("Leave the room?") + "\n\n"
        if self.member.role == "facilitator":
            question += _("The room goes on without you; join again with your code.")
        else:
            question += _(
                "Your committed moves stay in the room; join again with your code to go on."
            )
        self.push_screen(
            ConfirmScreen(question, _("Leave"), _("Stay"), title=_("Leave the room")), answered
        )

    def on_mount(self) -> None:
        # (G2App's on_mount runs too: Textual calls each class's handler)
        if served():
            # served, this app's terminal is the server: should the server die without a word
            # (kill -9), its input just ends and nothing tells the app; it then ends itself, or
            # it would go on asking the room forever
            parent = os.getppid()
            self.set_interval(SERVER_CHECK, lambda: os.getppid() == parent or self.exit())

    def action_load(self) -> None:
        self.notify(_("In a room the game lives in the room: there is nothing to load."))

    def on_unmount(self) -> None:
        if isinstance(self.session, RoomSession):
            self.session.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m game.rooms.app [--db FILE] [--code CODE] [--room ROOM] [--lang en|zh]`: the room
    app in this terminal (what `g2 serve` runs for each browser)."""
    p = argparse.ArgumentParser(prog="python -m game.rooms.app", description=__doc__)
    p.add_argument("--db", help="the rooms database (default: $G2_ROOMS_DB, else saves/rooms.db)")
    p.add_argument("--code", default="", help="a join code, entered at the start")
    p.add_argument("--room", default="", help="the room the code must open")
    p.add_argument("--lang", help="en or zh (default: $G2_LANG, else en)")
    args = p.parse_args(argv)
    try:
        set_language(normalise(args.lang) if args.lang else from_env() or "en")
    except ValueError as exc:
        p.error(str(exc))
    if served() and hasattr(os, "nice"):
        # the server relays every session's screen and keys: under a class's load it must not
        # wait behind the apps it relays (a starved relay drops sessions at its heartbeat)
        os.nice(SERVED_NICENESS)
    RoomApp(db=args.db, code=args.code, room=args.room).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
