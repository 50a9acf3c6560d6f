"""The room store: shared game rooms in one SQLite file, for `g2 serve`, the room app and the CLI.

A facilitator opens a room for a scenario and gets three join codes (the US team, the China team,
the facilitator). Each team commits its moves for the quarter once; the quarter resolves, in the
same transaction, when the second side commits (or when the facilitator forces it: a side that has
not committed holds). Everything a room is lives in the database, so any number of processes may
share one file and a restarted server resumes every room:

- `rooms`: the scenario, the seed (as text: seeds go up to 2**64 - 1), a scenario file's name and
  YAML when the room plays one, the version (bumped on every change, for polling), whether the
  facilitator has revealed both sides' policies, and the turns played, the quarter and `over`;
- `codes`: a SHA-256 of each join code (never the code), its room and role, and whether revoked;
- `turns`: each quarter resolved, with both sides' moves and the facilitator's injects, as the
  game's history records them; the game is rebuilt from the seed and these turns;
- `pending`, `injects`, `journal`: the moves a side has committed, the injects queued and the
  decision-journal entries, by turn index (the journal's prediction is scored when its quarter
  resolves, as game.tui.session.Session.resolve does).

The database is in WAL mode (readers never wait for a writer) with `busy_timeout` 5000 ms; every
change is one `BEGIN IMMEDIATE` transaction, so two processes committing at once are serialised.
Every call carries the member's code, which is checked against the room and the role each time, in
constant time; a revoked code is refused from then on. No Textual here: the server, the room app
and the CLI all use this module.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import os
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from game.engine.api import (
    MAX_MOVES,
    Game,
    IllegalMove,
    SaveError,
    TurnResult,
    new_game,
    one_line,
)
from game.engine.data import SEED_MAX, SIDES, GameData, load_data, load_scenario_text, other_side
from game.engine.yamlsrc import DataError
from game.i18n import _
from game.tui.defaults import default_save_dir  # (no Textual: os and pathlib only)

__all__ = [
    "ROLES",
    "AccessDenied",
    "Member",
    "RoomError",
    "RoomStore",
    "RoomView",
    "default_db_path",
]

ROLES = ("us", "china", "facilitator")
FACILITATOR = "facilitator"
DB_ENV = "G2_ROOMS_DB"
DB_NAME = "rooms.db"
SCHEMA_VERSION = 1  # PRAGMA user_version of a rooms database this module made

# join codes: 8 characters with no look-alikes (no 0/O, 1/I/L), shown as K7QX-2MPD; typed in any
# case, with or without the dash or spaces
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CODE_INPUT = 64  # characters of a typed code looked at (a longer one is refused unread)
ROOM_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ROOM_LENGTH = 5
MAX_RATIONALE = 200  # characters of a journal rationale (as game.tui.session, which reads exports)
MAX_ERROR = 300  # characters of an engine message passed on in a RoomError
GAME_CACHE = 64  # rooms whose rebuilt game one store keeps in memory


class RoomError(ValueError):
    """Something a room cannot do now; the message is one line, shown to the user."""


class AccessDenied(RoomError):
    """A wrong, revoked or other room's code, or an action the member's role may not do."""


@dataclass(frozen=True)
class Member:
    room: str  # the room id (short, e.g. "r7k2q")
    role: str  # "us", "china" or "facilitator"
    code: str  # the code it joined with (re-checked on every call)


@dataclass(frozen=True)
class RoomView:
    """What `member` may see of the room now."""

    room: str
    scenario: str
    seed: int
    quarter: str  # the quarter being played (or the last, when over)
    over: bool
    version: int  # increases on every change to the room (polling compares it)
    turns: int  # quarters resolved
    committed: dict[str, bool]  # {"us": bool, "china": bool} for this quarter
    # a team's own committed moves this quarter (None before it commits, and for the facilitator)
    my_moves: list[str] | None
    # facilitator only: the committed moves of the sides that have committed this quarter
    pending: dict[str, list[str]] | None
    injects: list[dict] | None  # facilitator only: injects queued for this quarter
    journal: list[dict]  # entries the member may see (a team: its own; facilitator: all)
    revealed: bool  # the facilitator shows both sides' policies on the projector


def default_db_path() -> Path:
    """The rooms database: $G2_ROOMS_DB, else rooms.db in the save folder (default_save_dir:
    $G2_SAVES, else ./saves)."""
    env = os.environ.get(DB_ENV)
    return Path(env) if env else default_save_dir() / DB_NAME


def _normal_code(code: object) -> str | None:
    """A typed code as stored (8 characters, upper case, no dash), or None when it cannot be one."""
    if not isinstance(code, str) or len(code) > MAX_CODE_INPUT:
        return None
    raw = "".join(code.split()).replace("-", "").upper()
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return raw


def _shown_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _engine_error(exc: Exception) -> RoomError:
    return RoomError(one_line(str(exc), MAX_ERROR))


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


_SCHEMA = """
CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    seed TEXT NOT NULL,
    scenario_file_name TEXT,
    scenario_file_text TEXT,
    created TEXT NOT NULL,
    version INTEGER NOT NULL,
    revealed INTEGER NOT NULL DEFAULT 0,
    turns INTEGER NOT NULL DEFAULT 0,
    quarter TEXT NOT NULL,
    over INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE codes (
    code_hash TEXT PRIMARY KEY,
    room TEXT NOT NULL REFERENCES rooms(id),
    role TEXT NOT NULL CHECK (role IN ('us', 'china', 'facilitator')),
    revoked INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE INDEX codes_by_room ON codes (room, role);
CREATE TABLE turns (
    room TEXT NOT NULL REFERENCES rooms(id),
    idx INTEGER NOT NULL,
    quarter TEXT NOT NULL,
    us TEXT NOT NULL,
    china TEXT NOT NULL,
    injects TEXT NOT NULL,
    resolved TEXT NOT NULL,
    PRIMARY KEY (room, idx)
);
CREATE TABLE pending (
    room TEXT NOT NULL REFERENCES rooms(id),
    idx INTEGER NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('us', 'china')),
    moves TEXT NOT NULL,
    committed TEXT NOT NULL,
    PRIMARY KEY (room, idx, side)
);
CREATE TABLE injects (
    room TEXT NOT NULL REFERENCES rooms(id),
    idx INTEGER NOT NULL,
    n INTEGER NOT NULL,
    inject TEXT NOT NULL,
    PRIMARY KEY (room, idx, n)
);
CREATE TABLE journal (
    room TEXT NOT NULL REFERENCES rooms(id),
    idx INTEGER NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('us', 'china')),
    entry TEXT NOT NULL,
    PRIMARY KEY (room, idx, side)
);
"""


class RoomStore:
    """The rooms in one SQLite file. One store per process (a connection is not shared across a
    fork); its methods may be called from several threads. Every method but `rooms` takes the
    caller's Member and re-checks its code; errors are RoomError (AccessDenied for the code or the
    role), one line each."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._games: OrderedDict[str, Game] = OrderedDict()  # room -> its game, turns played
        self._data: dict[str, GameData] = {}  # room -> the data of its scenario file
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                str(path), timeout=5.0, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise RoomError(
                _("the room store cannot be used: {error}").format(error=one_line(str(exc), 200))
            ) from None
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut too
            self._conn.execute("PRAGMA foreign_keys=ON")
            # the write lock only to make the schema: a store opened while another process
            # holds the lock (a long commit) starts at once
            have = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if have == 0:
                self._create_schema()
            elif have != SCHEMA_VERSION:
                raise RoomError(
                    _(
                        "the room database was made by another version of G2 (schema {schema})"
                    ).format(schema=have)
                )
        except sqlite3.Error as exc:
            self._conn.close()
            raise _db_error(exc) from None
        except BaseException:
            self._conn.close()
            raise

    def _create_schema(self) -> None:
        with self._write() as db:
            have = db.execute("PRAGMA user_version").fetchone()[0]
            if have == 0:  # (not made meanwhile by another process)
                # one statement at a time: executescript would commit the transaction
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        db.execute(stmt)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # -- the connection
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> RoomStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _txn(self, begin: str) -> Iterator[_Txn]:
        """One transaction: committed when the block ends, rolled back when it raises. Callbacks
        given to `after` run once it is committed (the in-memory caches follow the database)."""
        with self._lock:
            try:
                self._conn.execute(begin)
            except sqlite3.Error as exc:
                raise _db_error(exc) from None
            txn = _Txn(self._conn)
            try:
                yield txn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise _db_error(exc) from None
                raise
            for fn in txn.after_commit:
                fn()

    def _write(self) -> contextlib.AbstractContextManager[_Txn]:
        return self._txn("BEGIN IMMEDIATE")

    def _read(self) -> contextlib.AbstractContextManager[_Txn]:
        return self._txn("BEGIN")  # a snapshot: every read in it sees the same commit

    # -- rooms
    def open_room(
        self,
        scenario: str,
        seed: int | None = None,
        scenario_file: tuple[str, str] | None = None,
    ) -> tuple[str, dict[str, str]]:
        """A new room: (room id, {"us": code, "china": code, "facilitator": code}).
        `scenario_file` is a scenario file's (name, YAML text), kept in the room; the room then
        plays its scenario (`scenario` may be empty, or must be the file's id)."""
        data, name, text = None, None, None
        if scenario_file is not None:
            ok = (
                isinstance(scenario_file, tuple | list)
                and len(scenario_file) == 2
                and all(isinstance(x, str) for x in scenario_file)
            )
            if not ok:
                raise RoomError(_("the scenario file must be given as its name and its text"))
            name, text = scenario_file
            try:
                data, sid = load_scenario_text(text, name)
            except DataError as exc:
                raise _engine_error(exc) from None
            if scenario and scenario != sid:
                raise RoomError(
                    _("the scenario file is {found}, not {scenario}").format(
                        found=sid, scenario=scenario
                    )
                )
            scenario = sid
        else:
            known = load_data().scenarios
            if not isinstance(scenario, str) or scenario not in known:
                raise RoomError(
                    _("unknown scenario {scenario}; known: {known}").format(
                        scenario=one_line(repr(scenario), 80), known=", ".join(sorted(known))
                    )
                )
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX
        ):
            raise RoomError(
                _("the seed must be a whole number from 0 to {most}").format(most=SEED_MAX)
            )
        game = new_game(scenario, seed, data=data)
        with self._write() as db:
            room = self._new_id(db)
            db.execute(
                "INSERT INTO rooms (id, scenario, seed, scenario_file_name, scenario_file_text,"
                " created, version, quarter, over) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (room, scenario, str(game.seed), name, text, _now(), game.quarter, int(game.over)),
            )
            codes = {role: self._new_code(db, room, role) for role in ROLES}
            if data is not None:
                db.after(lambda: self._data.__setitem__(room, data))
            db.after(lambda: self._cache(room, game))
        return room, codes

    def rooms(self) -> list[str]:
        """Every room's id, oldest first."""
        with self._read() as db:
            return [r["id"] for r in db.execute("SELECT id FROM rooms ORDER BY created, rowid")]

    def join(self, code: str) -> Member:
        """The member a code makes (its room and role); AccessDenied for an unknown or revoked one."""
        raw = _normal_code(code)
        if raw is None:
            raise AccessDenied(_("unknown or revoked code"))
        h = _hash(raw)
        with self._read() as db:
            row = db.execute(
                "SELECT code_hash, room, role, revoked FROM codes WHERE code_hash = ?", (h,)
            ).fetchone()
        if row is None or row["revoked"] or not hmac.compare_digest(row["code_hash"], h):
            raise AccessDenied(_("unknown or revoked code"))
        return Member(row["room"], row["role"], _shown_code(raw))

    def view(self, member: Member) -> RoomView:
        """What `member` may see of the room now (cheap: no game is rebuilt; poll it)."""
        with self._read() as db:
            room = self._check(db, member, ROLES)
            idx = room["turns"]
            pend = {k: json.loads(v) for k, v in _pending_text(db, room["id"], idx).items()}
            facilitator = member.role == FACILITATOR
            injects = None
            if facilitator:
                injects = _queued(db, room["id"], idx)
            journal = self._journal(db, room["id"], None if facilitator else member.role)
        return RoomView(
            room=room["id"],
            scenario=room["scenario"],
            seed=int(room["seed"]),
            quarter=room["quarter"],
            over=bool(room["over"]),
            version=room["version"],
            turns=idx,
            committed={side: side in pend for side in SIDES},
            my_moves=None if facilitator else pend.get(member.role),
            pending={s: pend[s] for s in SIDES if s in pend} if facilitator else None,
            injects=injects,
            journal=journal,
            revealed=bool(room["revealed"]),
        )

    def game(self, member: Member) -> Game:
        """The room's game as resolved so far, rebuilt from its seed and turns (a copy: changing it
        changes nothing in the room)."""
        with self._read() as db:
            room = self._check(db, member, ROLES)
            return self._game_at(db, room).clone()

    # -- the teams
    def commit(self, member: Member, moves: list[str], journal: dict | None = None) -> bool:
        """A team commits its moves for the current quarter (once; a second commit the same quarter
        is refused); journal: {"rationale": str, "prediction": {"meter", "value"} | None}. Validates
        the moves as the engine does (IllegalMove → RoomError). Resolves the quarter inside the
        same transaction when the other side has committed too; returns True when it resolved.

        The engine's work is done first on a snapshot, outside the write lock; the transaction
        then only checks that the room is as the snapshot saw it (else it plays again) and writes."""
        if not isinstance(moves, list | tuple) or not all(isinstance(m, str) for m in moves):
            raise RoomError(_("the moves must be a list of move strings"))
        if len(moves) > MAX_MOVES:
            raise RoomError(
                _("at most {most} moves a quarter, not {n}").format(most=MAX_MOVES, n=len(moves))
            )
        with self._read() as db:
            plan = self._plan_commit(db, member, list(moves), journal)
        with self._write() as db:
            room = self._check(db, member, SIDES, _("only a team commits moves"))
            if not plan.still(db, room):  # the room changed meanwhile: play it again
                plan = self._plan_commit(db, member, list(moves), journal)
            rid, idx, side = room["id"], room["turns"], member.role
            db.execute(
                "INSERT INTO pending (room, idx, side, moves, committed) VALUES (?, ?, ?, ?, ?)",
                (rid, idx, side, _dump(plan.canon), _now()),
            )
            if plan.entry is not None:
                db.execute(
                    "INSERT INTO journal (room, idx, side, entry) VALUES (?, ?, ?, ?)",
                    (rid, idx, side, _dump(plan.entry)),
                )
            if plan.theirs is None:
                self._bump(db, rid)
                return False
            self._record(db, room, *plan.resolved)
            return True

    def _plan_commit(
        self, db: _Txn, member: Member, moves: list[str], journal: dict | None
    ) -> _CommitPlan:
        """Check a commit against the room as `db` sees it and play it (and the quarter, when the
        other side has committed) on copies of the game; nothing is written."""
        room = self._check(db, member, SIDES, _("only a team commits moves"))
        side, rid, idx = member.role, room["id"], room["turns"]
        if room["over"]:
            raise RoomError(_("the game is over"))
        pend = _pending_text(db, rid, idx)
        if side in pend:
            raise RoomError(
                _("your team has already committed its moves for {quarter}").format(
                    quarter=room["quarter"]
                )
            )
        game = self._game_at(db, room)
        try:
            canon = game.clone().play_turn({side: moves}).moves[side]
        except IllegalMove as exc:
            raise _engine_error(exc) from None
        entry = None if journal is None else _journal_entry(game, side, journal)
        theirs = pend.get(other_side(side))
        injects = _queued_text(db, rid, idx)
        resolved = None
        if theirs is not None:
            both = {side: canon, other_side(side): json.loads(theirs)}
            resolved = self._play(game, both, json.loads(injects))
        return _CommitPlan(side, idx, canon, entry, theirs, injects, resolved)

    # -- the facilitator
    def inject(self, member: Member, inject: dict) -> None:
        """Facilitator only: queue news for the quarter being played, {"event": id} (a catalogue
        event that can happen now) or {"headline": str, "add"/"set"/"mul": {lever: n}}; checked as
        the engine checks it (InjectError → RoomError), applied when the quarter resolves."""
        with self._write() as db:
            room = self._check(db, member, (FACILITATOR,))
            rid, idx = room["id"], room["turns"]
            if room["over"]:
                raise RoomError(_("the game is over"))
            queued = _queued(db, rid, idx)
            try:
                canon = self._game_at(db, room).parse_injects([*queued, inject])[1]
            except IllegalMove as exc:  # InjectError
                raise _engine_error(exc) from None
            db.execute(
                "INSERT INTO injects (room, idx, n, inject) VALUES (?, ?, ?, ?)",
                (rid, idx, len(queued), _dump(canon[-1])),
            )
            self._bump(db, rid)

    def force(self, member: Member) -> None:
        """Facilitator only: resolve the quarter now; a side that has not committed holds."""
        with self._write() as db:
            room = self._check(db, member, (FACILITATOR,))
            if room["over"]:
                raise RoomError(_("the game is over"))
            pend = _pending_text(db, room["id"], room["turns"])
            pend = {k: json.loads(v) for k, v in pend.items()}
            self._resolve(db, room, self._game_at(db, room), pend)

    def reveal(self, member: Member, on: bool) -> None:
        """Facilitator only: show (or hide) both sides' policies on the projector."""
        with self._write() as db:
            room = self._check(db, member, (FACILITATOR,))
            if bool(room["revealed"]) != bool(on):
                db.execute(
                    "UPDATE rooms SET revealed = ? WHERE id = ?", (int(bool(on)), room["id"])
                )
                self._bump(db, room["id"])

    def revoke(self, member: Member, role: str) -> str:
        """Facilitator only: refuse `role`'s code from now on; returns the new code for `role`."""
        if role not in ROLES:
            raise RoomError(
                _("unknown role {role}: use us, china or facilitator").format(
                    role=one_line(repr(role), 40)
                )
            )
        with self._write() as db:
            room = self._check(db, member, (FACILITATOR,))
            db.execute(
                "UPDATE codes SET revoked = 1 WHERE room = ? AND role = ? AND revoked = 0",
                (room["id"], role),
            )
            code = self._new_code(db, room["id"], role)
            self._bump(db, room["id"])
        return code

    def export(self, member: Member, path: str | Path, side: str = "us") -> Path:
        """Facilitator only: the room's game as an ordinary save at `path` (`g2 report`, `g2 class`
        and `g2 play --load` read it), seen from `side`, with the journal of the quarters played."""
        if side not in SIDES:
            raise RoomError(
                _("unknown side {side}: use us or china").format(side=one_line(repr(side), 40))
            )
        with self._read() as db:
            room = self._check(db, member, (FACILITATOR,))
            game = self._game_at(db, room).clone()
            journal = [
                e
                for e in self._journal(db, room["id"], None, with_idx=True)
                if e.pop("_idx") < room["turns"]
            ]
        extra: dict[str, Any] = {
            "side": side,
            "opponent": "human",
            "name": f"room-{room['id']}",
            "saved_at": datetime.now().isoformat(timespec="seconds"),
            "facilitator": True,
        }
        if journal:
            extra["journal"] = journal
        try:
            return game.save(path, extra=extra)
        except SaveError as exc:
            raise RoomError(str(exc)) from None

    # -- inside
    def _check(
        self, db: _Txn, member: Member, roles: tuple[str, ...], refused: str | None = None
    ) -> sqlite3.Row:
        """The member's room row, after checking its code against the room and the role (in
        constant time) and that the role may do this; AccessDenied otherwise."""
        raw = _normal_code(getattr(member, "code", None))
        if not isinstance(member, Member) or raw is None:
            raise AccessDenied(_("unknown or revoked code"))
        h = _hash(raw)
        row = db.execute(
            "SELECT code_hash, room, role, revoked FROM codes WHERE code_hash = ?", (h,)
        ).fetchone()
        ok = (
            row is not None
            and hmac.compare_digest(row["code_hash"], h)
            and not row["revoked"]
            and row["room"] == member.room
            and row["role"] == member.role
        )
        if not ok:
            raise AccessDenied(_("unknown or revoked code"))
        if member.role not in roles:
            raise AccessDenied(refused or _("only the facilitator may do that"))
        room = db.execute("SELECT * FROM rooms WHERE id = ?", (member.room,)).fetchone()
        if room is None:  # a code outlived its room (never, unless the file was edited)
            raise AccessDenied(_("unknown or revoked code"))
        return room

    def _new_id(self, db: _Txn) -> str:
        while True:
            room = "".join(secrets.choice(ROOM_ALPHABET) for _i in range(ROOM_LENGTH))
            if not db.execute("SELECT 1 FROM rooms WHERE id = ?", (room,)).fetchone():
                return room

    def _new_code(self, db: _Txn, room: str, role: str) -> str:
        while True:
            raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            h = _hash(raw)
            if not db.execute("SELECT 1 FROM codes WHERE code_hash = ?", (h,)).fetchone():
                db.execute(
                    "INSERT INTO codes (code_hash, room, role, created) VALUES (?, ?, ?, ?)",
                    (h, room, role, _now()),
                )
                return _shown_code(raw)

    def _bump(self, db: _Txn, room: str) -> None:
        db.execute("UPDATE rooms SET version = version + 1 WHERE id = ?", (room,))

    def _journal(self, db: _Txn, room: str, side: str | None, with_idx: bool = False) -> list[dict]:
        rows = db.execute(
            "SELECT idx, side, entry FROM journal WHERE room = ? AND (? IS NULL OR side = ?)"
            " ORDER BY idx, CASE side WHEN 'us' THEN 0 ELSE 1 END",
            (room, side, side),
        )
        out = []
        for r in rows:
            entry = json.loads(r["entry"])
            if with_idx:
                entry["_idx"] = r["idx"]
            out.append(entry)
        return out

    def _scenario_data(self, room: sqlite3.Row) -> GameData | None:
        if room["scenario_file_text"] is None:
            return None
        data = self._data.get(room["id"])
        if data is None:
            try:
                data, _sid = load_scenario_text(
                    room["scenario_file_text"], room["scenario_file_name"] or "scenario.yaml"
                )
            except DataError as exc:
                raise RoomError(
                    _("room {room} does not replay: {error}").format(
                        room=room["id"], error=one_line(str(exc), MAX_ERROR)
                    )
                ) from None
            self._data[room["id"]] = data
        return data

    def _game_at(self, db: _Txn, room: sqlite3.Row) -> Game:
        """The room's game with every committed turn played (the store's own: never changed by a
        caller; clone it to play). Kept in memory and played forward from the turns it lacks."""
        rid = room["id"]
        game = self._games.get(rid)
        if game is None or len(game.history) > room["turns"]:
            game = new_game(room["scenario"], int(room["seed"]), data=self._scenario_data(room))
        if len(game.history) < room["turns"]:
            game = game.clone()
            rows = db.execute(
                "SELECT idx, quarter, us, china, injects FROM turns WHERE room = ? AND idx >= ?"
                " ORDER BY idx",
                (rid, len(game.history)),
            )
            for r in rows:
                if r["idx"] != len(game.history):
                    raise RoomError(
                        _("room {room} does not replay: {error}").format(
                            room=rid, error=f"turn {len(game.history)} is missing"
                        )
                    )
                injects = json.loads(r["injects"])
                try:
                    game.play_turn(
                        {"us": json.loads(r["us"]), "china": json.loads(r["china"])},
                        injects=injects or None,
                    )
                except (ValueError, RuntimeError) as exc:  # IllegalMove is a ValueError
                    raise RoomError(
                        _("room {room} does not replay: {error}").format(
                            room=rid, error=one_line(str(exc), MAX_ERROR)
                        )
                    ) from None
        # only committed turns were read, so the game may be kept whatever this transaction does
        self._cache(rid, game)
        return game

    def _cache(self, room: str, game: Game) -> None:
        self._games[room] = game
        self._games.move_to_end(room)
        while len(self._games) > GAME_CACHE:
            self._games.popitem(last=False)

    def _resolve(
        self, db: _Txn, room: sqlite3.Row, game: Game, moves: dict[str, list[str]]
    ) -> None:
        """Play the quarter (with the injects queued for it) and record it, in this transaction."""
        injects = _queued(db, room["id"], room["turns"])
        self._record(db, room, *self._play(game, moves, injects))

    @staticmethod
    def _play(
        game: Game, moves: dict[str, list[str]], injects: list[dict]
    ) -> tuple[Game, TurnResult]:
        """The quarter played on a copy of `game`: (the game after it, its result)."""
        after = game.clone()
        try:
            r = after.play_turn(
                {side: list(moves.get(side, [])) for side in SIDES}, injects=injects or None
            )
        except IllegalMove as exc:
            raise _engine_error(exc) from None
        return after, r

    def _record(self, db: _Txn, room: sqlite3.Row, after: Game, r: TurnResult) -> None:
        """Write the quarter `after` has just played (r): the turn, the journal's scores, the room."""
        rid, idx = room["id"], room["turns"]
        rec = after.history[-1]
        db.execute(
            "INSERT INTO turns (room, idx, quarter, us, china, injects, resolved)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                idx,
                rec["quarter"],
                _dump(rec["us"]),
                _dump(rec["china"]),
                _dump(rec.get("injects", [])),
                _now(),
            ),
        )
        for row in db.execute(
            "SELECT side, entry FROM journal WHERE room = ? AND idx = ?", (rid, idx)
        ).fetchall():
            entry = json.loads(row["entry"])
            p = entry.get("prediction")
            if p and p["meter"] in r.meters:
                entry["actual"] = float(r.meters[p["meter"]])
                entry["error"] = abs(entry["actual"] - p["value"])
                # did it call the direction of the change (up, down) right?
                entry["direction_right"] = _sign(p["value"] - p["before"]) == _sign(
                    entry["actual"] - p["before"]
                )
                db.execute(
                    "UPDATE journal SET entry = ? WHERE room = ? AND idx = ? AND side = ?",
                    (_dump(entry), rid, idx, row["side"]),
                )
        db.execute(
            "UPDATE rooms SET turns = ?, quarter = ?, over = ?, version = version + 1 WHERE id = ?",
            (idx + 1, after.quarter, int(after.over), rid),
        )
        db.after(lambda: self._cache(rid, after))


@dataclass
class _CommitPlan:
    """A commit checked and played on a snapshot: what to write if the room is still as it was."""

    side: str
    idx: int
    canon: list[str]  # the moves as the engine writes them
    entry: dict | None  # the journal entry
    theirs: str | None  # the other side's committed moves (JSON), None when it has not committed
    injects: str  # the injects queued (JSON)
    resolved: tuple[Game, TurnResult] | None  # the quarter played, when `theirs` is not None

    def still(self, db: _Txn, room: sqlite3.Row) -> bool:
        """Is the room (seen inside the write transaction) as the plan saw it?"""
        if room["over"] or room["turns"] != self.idx:
            return False
        pend = _pending_text(db, room["id"], self.idx)
        if self.side in pend or pend.get(other_side(self.side)) != self.theirs:
            return False
        return _queued_text(db, room["id"], self.idx) == self.injects


class _Txn:
    """The connection inside one transaction, and what to do once it is committed."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self.after_commit: list[Callable[[], None]] = []

    def execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def after(self, fn: Callable[[], None]) -> None:
        self.after_commit.append(fn)


def _pending_text(db: _Txn, room: str, idx: int) -> dict[str, str]:
    """The moves each side has committed for turn `idx`, as stored (JSON text)."""
    rows = db.execute("SELECT side, moves FROM pending WHERE room = ? AND idx = ?", (room, idx))
    return {r["side"]: r["moves"] for r in rows}


def _queued(db: _Txn, room: str, idx: int) -> list[dict]:
    """The injects queued for turn `idx`, in order."""
    rows = db.execute(
        "SELECT inject FROM injects WHERE room = ? AND idx = ? ORDER BY n", (room, idx)
    )
    return [json.loads(r["inject"]) for r in rows]


def _queued_text(db: _Txn, room: str, idx: int) -> str:
    """The injects queued for turn `idx` as one JSON text (to compare two reads)."""
    return _dump(_queued(db, room, idx))


def _db_error(exc: sqlite3.Error) -> RoomError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return RoomError(_("the room store is busy; try again"))
    return RoomError(_("the room store cannot be used: {error}").format(error=one_line(text, 200)))


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _journal_entry(game: Game, side: str, journal: object) -> dict:
    """A team's journal entry for the quarter being played, checked: its rationale (one line, at
    most MAX_RATIONALE characters) and prediction (a meter's value after the quarter), with the
    meter's value now (`before`), as game.tui.session.Session.note_journal records it."""
    if not isinstance(journal, dict):
        raise RoomError(_("a journal entry must be a mapping with a rationale and a prediction"))
    rationale = journal.get("rationale") or ""
    if not isinstance(rationale, str):
        raise RoomError(_("the rationale must be text"))
    pred = journal.get("prediction")
    prediction = None
    if pred is not None:
        if not isinstance(pred, dict) or "meter" not in pred or "value" not in pred:
            raise RoomError(_("a prediction needs a meter and a value"))
        meter, value = pred["meter"], pred["value"]
        now = game.meters
        if not isinstance(meter, str) or meter not in now:
            raise RoomError(_("unknown meter {meter}").format(meter=one_line(repr(meter), 60)))
        if not _number(value):
            raise RoomError(_("the predicted value must be a number"))
        prediction = {"meter": meter, "value": float(value), "before": float(now[meter])}
    return {
        "quarter": game.quarter,
        "side": side,
        "rationale": one_line(rationale.strip(), MAX_RATIONALE),
        "prediction": prediction,
    }
