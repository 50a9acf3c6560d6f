"""A team's game in a shared room: the Session the war room plays, bound to the room's store.

The room (game.rooms.store) holds the game: each side commits its moves there, and the quarter
resolves when both have (or the facilitator forces it). A team keeps a local copy of the game for
its screens and brings it level with the room by replaying each quarter the room has played — the
dice depend only on the seed and the quarter, so the replay is the room's quarter, and its
TurnResult is the report this side reads. No Textual here: it is tested directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game.engine.api import Game, TurnResult
from game.engine.data import SIDES, other_side
from game.i18n import _
from game.rooms.store import RoomError, default_db_path
from game.tui.defaults import HOTSEAT
from game.tui.session import Session

if TYPE_CHECKING:
    from game.rooms.store import Member, RoomStore, RoomView

POLL_SECONDS = 0.5  # how often a team waiting for the other one asks the room


def rooms_db(db: str | Path | None = None) -> Path:
    """The rooms database: `db` when given, else $G2_ROOMS_DB, else rooms.db in the save folder."""
    return Path(db) if db else default_db_path()


# ----------------------------------------------------------------------------- replaying a room


def replay(game: Game, record: dict) -> TurnResult:
    """Play one quarter of a room's history (both sides' moves and the facilitator's injects) on
    `game`, which must stand at that quarter."""
    moves = {side: list(record[side]) for side in SIDES}
    injects = record.get("injects")
    return game.play_turn(moves, injects=list(injects)) if injects else game.play_turn(moves)


def catch_up(game: Game, room_game: Game) -> tuple[Game, list[TurnResult]]:
    """Bring `game` level with `room_game` (the room's game from the store) by replaying the
    quarters it has not played yet. Returns the game and the new quarters' results. Should the
    replay not land where the room stands (it always does: same seed, same moves), the room's own
    game is rebuilt from its start, so the screens never show another game than the room's."""
    played = len(game.history)
    if played > len(room_game.history) or any(
        mine[key] != theirs[key]
        for mine, theirs in zip(game.history, room_game.history, strict=False)
        for key in ("quarter", *SIDES)
    ):
        return rebuild(room_game)
    results = [replay(game, rec) for rec in room_game.history[played:]]
    if game.digest() != room_game.digest():
        return rebuild(room_game)
    return game, results


def rebuild(room_game: Game) -> tuple[Game, list[TurnResult]]:
    """A local copy of a room's game replayed from its start, with every quarter's result."""
    fresh = Game(room_game.scenario, room_game.seed, room_game.data)
    results = [replay(fresh, rec) for rec in room_game.history]
    if fresh.digest() != room_game.digest():  # cannot happen: the room is its seed and moves
        return room_game, []
    return fresh, results


def scored_journal(entries: list[dict], game: Game) -> list[dict]:
    """A room's journal entries as the report reads them (Session.journal): each prediction with
    the meter's value before its quarter and, once the quarter is played, the actual value, how
    far off it was and whether it called the direction (as Session.resolve scores them)."""
    played = {rec["quarter"]: i for i, rec in enumerate(game.history)}
    hist = game.meter_history
    out = []
    for e in entries:
        quarter, side = e.get("quarter"), e.get("side")
        if side not in SIDES or not isinstance(quarter, str):
            continue
        entry: dict[str, Any] = {
            "quarter": quarter,
            "side": side,
            "rationale": str(e.get("rationale") or ""),
            "prediction": None,
        }
        p = e.get("prediction")
        i = played.get(quarter)
        if isinstance(p, dict) and p.get("meter") in hist[0] and _number(p.get("value")):
            meter = p["meter"]
            before = p.get("before")
            if not _number(before):
                before = hist[i][meter] if i is not None else game.meters[meter]
            before = float(before)
            entry["prediction"] = {"meter": meter, "value": float(p["value"]), "before": before}
            if i is not None:
                actual = float(hist[i + 1][meter])
                entry["actual"] = actual
                entry["error"] = abs(actual - float(p["value"]))
                entry["direction_right"] = bool(
                    np.sign(float(p["value"]) - before) == np.sign(actual - before)
                )
        out.append(entry)
    return out


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and bool(np.isfinite(x))


# ----------------------------------------------------------------------------- a team's session


@dataclass
class RoomSession(Session):
    """One team's side of a room. The opponent is the other team ("human") with no hand-over: the
    war room plays one side. `resolve` commits this side's moves to the room (with the decision
    journal's entry) and waits — in the war room's worker thread — until the room has played the
    quarter; then it replays that quarter on the local game and returns its result. Nothing is
    autosaved: the room is the save."""

    store: RoomStore | None = None
    member: Member | None = None
    poll_seconds: float = POLL_SECONDS
    view: RoomView | None = field(default=None, init=False, compare=False)

    def __post_init__(self) -> None:
        from game.i18n import add_translations

        add_translations(self.game.data.translations)  # a scenario file's own Chinese
        if self.side not in SIDES:
            raise ValueError(f"side must be 'us' or 'china', got {self.side!r}")
        self.other = other_side(self.side)
        self.agent = None  # the other side is a team in the same room
        room = self.member.room if self.member is not None else "room"
        self.name = self.name or f"room-{room}-{self.side}"
        self._stop = threading.Event()
        # one catch-up at a time: a turn worker Textual could not stop may still be waiting too
        self._catching_up = threading.Lock()

    @classmethod
    def join(
        cls, store: RoomStore, member: Member, poll_seconds: float = POLL_SECONDS
    ) -> RoomSession:
        """The session of the team `member` joined as: the room's game replayed locally."""
        if member.role not in SIDES:
            raise RoomError(_("only a team (the US or China) plays in the war room"))
        game, results = rebuild(store.game(member))
        s = cls(
            game,
            member.role,
            HOTSEAT,
            store=store,
            member=member,
            results=results,
            poll_seconds=poll_seconds,
        )
        view = s.refresh()
        s.journal = scored_journal(view.journal, s.game)
        return s

    # -- what differs from a game at one keyboard
    @property
    def hotseat(self) -> bool:
        return False  # the other side plays on its own machine: no hand-over here

    @property
    def journal_on(self) -> bool:
        return True  # a room is a classroom game: each side may say why and predict

    @property
    def comparison_opponent(self) -> str:
        return "random-persona"  # a team cannot be replayed: the personas stand in for it

    def opponent_title(self) -> str:
        if self.game.over:  # the game-over screen says "the {persona}" around it
            return _("China team") if self.other == "china" else _("US team")
        return _("the China team") if self.other == "china" else _("the US team")

    def autosave(self) -> Path | None:
        self.autosave_error = None
        return None  # the room is the save

    def unsaved_summary(self, plan: list[str] | None = None) -> str | None:
        return None

    def take_back(self, autosave: bool = True) -> TurnResult | None:
        raise ValueError(_("a quarter cannot be taken back in a room"))

    # -- the room
    @property
    def room(self) -> str:
        return self.member.room if self.member is not None else ""

    def refresh(self) -> RoomView:
        """Ask the room how it stands (who has committed, quarters played): `view`."""
        self.view = self.store.view(self.member)
        return self.view

    @property
    def behind(self) -> bool:
        """True when the room has played a quarter this copy has not (the facilitator forced it)."""
        return self.view is not None and self.view.turns > len(self.game.history)

    @property
    def committed(self) -> bool:
        """True when this side has committed its moves for the quarter it is at."""
        v = self.view
        return bool(v and not self.behind and v.committed.get(self.side))

    def stop(self) -> None:
        """End any wait (the war room is closing)."""
        self._stop.set()

    def resolve(
        self, mine: list[str], theirs: list[str] | None = None, autosave: bool = False
    ) -> TurnResult | None:
        """Commit this side's moves (and its journal entry) to the room, then wait for the quarter
        to resolve and return its result (None when stopped). `theirs` is ignored: the other team
        commits its own. RoomError (one line) when the room refuses the moves or has moved on."""
        entry = self._journal_entry()
        played = len(self.game.history)
        view = self.refresh()
        if view.turns != played:  # the facilitator closed the quarter before the moves arrived
            raise RoomError(
                _("{quarter} was closed before your moves arrived: your side held.").format(
                    quarter=self.game.quarter
                )
            )
        if not view.committed.get(self.side):
            self.store.commit(self.member, list(mine), entry)
        return self.wait()

    def wait(self) -> TurnResult | None:
        """Block until the room has played the quarter this copy stands at, polling the room every
        `poll_seconds`; then catch up and return the last result (None when stopped)."""
        played = len(self.game.history)
        while not self._stop.is_set():
            if self.refresh().turns > played:
                return self.catch_up()
            self._stop.wait(self.poll_seconds)
        return None

    def catch_up(self) -> TurnResult | None:
        """Replay the quarters the room has played since this copy's last; the last one's result
        (None when there is none)."""
        with self._catching_up:
            game, results = catch_up(self.game, self.store.game(self.member))
            if game is not self.game:  # rebuilt from the start: every result is new
                self.results = []
            self.game = game
            self.results.extend(results)
        view = self.refresh()
        self.journal = scored_journal(view.journal, self.game)
        return results[-1] if results else None  # nothing new: no report to show again

    def _journal_entry(self) -> dict | None:
        """This side's journal entry for the quarter, in the form the room's commit takes."""
        mine = [
            e for e in self.journal if e["quarter"] == self.game.quarter and e["side"] == self.side
        ]
        if not mine:
            return None
        e = mine[-1]
        p = e.get("prediction")
        return {
            "rationale": e.get("rationale", ""),
            "prediction": None if not p else {"meter": p["meter"], "value": float(p["value"])},
        }


__all__ = ["RoomSession", "catch_up", "rebuild", "replay", "rooms_db", "scored_journal"]
