"""The public API: Batch (N games at once) and Game (one game, the player's and the AI's view)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.engine import model, observe, rules
from game.engine.batch import Batch
from game.engine.data import (
    DEFAULT_SCENARIO,
    SIDES,
    GameData,
    capital_lever,
    other_side,
    quarter_name,
)
from game.engine.plans import MoveError, parse_move
from game.engine.rules import Budget, why_illegal

SAVE_FORMAT = "g2-save"
SAVE_SCHEMA = 1


class IllegalMove(ValueError):
    """A move that cannot be played now: wrong side, unknown, bad option, unaffordable, or not allowed."""


class SaveError(ValueError):
    """A save file is missing, corrupt, truncated, foreign or does not replay to its digest."""


# ----------------------------------------------------------------------------- value objects


@dataclass(frozen=True)
class MoveOption:
    name: str
    cost: float
    legal: bool
    reason: str = ""


@dataclass(frozen=True)
class Move:
    """A move a side can make. `options` is empty for one-off moves; choose one with 'id:option'."""

    id: str
    name: str
    side: str
    group: str
    cost: float
    options: tuple[MoveOption, ...]
    description: str
    sources: tuple[str, ...]
    covert: bool = False
    current: str | None = None
    legal: bool = True
    reason: str = ""

    def ids(self) -> list[str]:
        """The strings that play this move: ['rasa_push'] or ['h200_exports:deny', ...] (legal ones)."""
        if not self.options:
            return [self.id] if self.legal else []
        return [f"{self.id}:{o.name}" for o in self.options if o.legal]


@dataclass
class EventReport:
    id: str
    name: str
    headline: str


@dataclass
class TurnResult:
    """What one quarter did: the meters after it, each meter's change and its causes, and what happened."""

    quarter: str
    moves: dict[str, list[str]]
    meters: dict[str, float]
    deltas: dict[str, float]
    why: dict[str, dict[str, float]]
    events: list[EventReport]
    revealed: dict[str, list[str]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # meter -> cause -> lever
    hidden: dict[str, set[str]] = field(default_factory=dict)  # viewer -> levers hidden from it

    def why_seen(self, viewer: str) -> dict[str, dict[str, float]]:
        """`why` as `viewer` may see it: causes driven by the other side's covert moves that are
        not exposed yet are folded into one "unexplained (covert)" cause (game.engine.observe)."""
        hidden = self.hidden.get(viewer, set())
        if not hidden:
            return self.why
        return {
            m: observe.fold_causes(c, self.tags.get(m, {}), hidden) for m, c in self.why.items()
        }


# ----------------------------------------------------------------------------- one game


class Game:
    """One game: the API the terminal UI, the CLI and the AIs share. Use new_game() or load_game()."""

    def __init__(
        self,
        scenario: str = DEFAULT_SCENARIO,
        seed: int | None = None,
        data: GameData | None = None,
    ):
        self._batch = Batch(scenario, 1, seed, data)
        self.history: list[dict[str, Any]] = []
        self._meter_history: list[dict[str, float]] = [self.meters]

    # -- facts
    @property
    def data(self) -> GameData:
        return self._batch.data

    @property
    def seed(self) -> int:
        return self._batch.seed

    @property
    def scenario(self) -> str:
        return self._batch.scenario.id

    @property
    def quarter(self) -> str:
        """The quarter to be played next (or the last one played, once the game is over)."""
        q = self._batch.state.q
        return quarter_name(q - 1 if self.over else q)

    @property
    def meters(self) -> dict[str, float]:
        return {k: float(v[0]) for k, v in self._batch.state.meters.items()}

    @property
    def meter_history(self) -> list[dict[str, float]]:
        """Meters at the start and after every quarter played."""
        return list(self._meter_history)

    @property
    def over(self) -> bool:
        return bool(self._batch.state.over[0])

    @property
    def result(self) -> str | None:
        """'us', 'china' or 'draw' once the game is over; None before."""
        return model.RESULT_NAMES[int(self._batch.state.result[0])]

    def policy(self, side: str | None = None) -> dict[str, str | float]:
        """Current stances and tracks by lever id (option names where the lever has options)."""
        out: dict[str, str | float] = {}
        for name, L in self.data.levers.items():
            if side is not None and L.side != side:
                continue
            v = float(self._batch.state.lev[name][0])
            out[name] = L.options[int(round(v))] if L.options else v
        return out

    # -- moves
    def moves(self, side: str) -> list[Move]:
        """Every move of a side, legal or not, with the reason when not."""
        if side not in SIDES:
            raise IllegalMove(f"unknown side {side!r}: use 'us' or 'china'")
        gd, st = self.data, self._batch.state
        out = []
        for j, m in enumerate(gd.moves):
            if m.side != side:
                continue
            opts = []
            for k, o in enumerate(m.options):
                ok = bool(rules.legal(gd, st, j, k)[0])
                opts.append(MoveOption(o.name, o.cost, ok, "" if ok else why_illegal(gd, st, j, k)))
            current = None
            if m.has_options:
                current = self.data.levers[m.lever].options[int(round(st.lev[m.lever][0]))]
            legal = any(o.legal for o in opts)
            reason = (
                ""
                if legal
                else (
                    opts[0].reason
                    if len(opts) == 1
                    else "; ".join(f"{o.name}: {o.reason}" for o in opts)
                )
            )
            costs = [o.cost for o in opts if o.legal] or [o.cost for o in opts]
            out.append(
                Move(
                    m.id,
                    m.name,
                    side,
                    m.group,
                    min(costs),
                    tuple(opts) if m.has_options else (),
                    m.description,
                    m.sources,
                    m.covert,
                    current,
                    legal,
                    reason,
                )
            )
        return out

    def legal_moves(self, side: str) -> list[Move]:
        """The moves a side may make now (options filtered to the legal ones)."""
        out = []
        for mv in self.moves(side):
            if not mv.legal:
                continue
            if mv.options:
                mv = Move(**{**mv.__dict__, "options": tuple(o for o in mv.options if o.legal)})
            out.append(mv)
        return out

    def _choices(self, moves: dict[str, list[str]]) -> tuple[np.ndarray, dict[str, list[str]]]:
        """Validate both sides' moves; return the choice matrix and the moves in canonical form."""
        gd, st = self.data, self._batch.state
        if self.over:
            raise IllegalMove(f"the game is over ({self.result})")
        if not isinstance(moves, dict):
            raise IllegalMove("moves must be a dict like {'us': [...], 'china': [...]}")
        choices = self._batch.no_moves()
        chosen: dict[str, list[str]] = {side: [] for side in SIDES}
        for side, lst in moves.items():
            if side not in SIDES:
                raise IllegalMove(f"unknown side {side!r}: use 'us' or 'china'")
            if isinstance(lst, str):
                lst = [lst]
            if lst is not None and not isinstance(lst, (list, tuple)):
                raise IllegalMove(f"{side}'s moves must be a list of move strings, got {lst!r}")
            pc = float(st.lev[capital_lever(side)][0])
            budget = Budget(gd, np.array([pc]), lambda j, k: rules.legal(gd, st, j, k))
            for text in lst or []:
                if isinstance(text, str) and text.strip() == "hold":
                    continue
                try:
                    j, k = parse_move(gd, text, side)
                except MoveError as exc:
                    raise IllegalMove(str(exc)) from None
                if choices[0, j] >= 0:
                    raise IllegalMove(f"{gd.moves[j].id!r} is chosen twice this quarter")
                reason = why_illegal(gd, st, j, k)
                if reason:
                    raise IllegalMove(f"{text!r} is not allowed now: {reason}")
                if not budget.take(j, k)[0]:
                    spent = pc - float(budget.left[0]) + gd.moves[j].options[k].cost
                    raise IllegalMove(
                        f"{side}'s moves cost {spent:g} political capital, only {pc:.0f} available "
                        f"(the quarter's moves were not played)"
                    )
                choices[0, j] = k
                m = gd.moves[j]
                chosen[side].append(f"{m.id}:{m.options[k].name}" if m.has_options else m.id)
        return choices, chosen

    def play_turn(self, moves: dict[str, list[str]] | None = None) -> TurnResult:
        """Both sides' moves for this quarter, resolved together. Illegal moves raise and change nothing."""
        choices, chosen = self._choices(moves or {})
        played_q = self._batch.state.q
        before = self.meters
        _, fired, revealed, ledger = self._batch.step(choices)
        after = self.meters
        gd = self.data
        covert = {
            side: [t for t in chosen[side] if gd.moves[gd.move_index[t.split(":")[0]]].covert]
            for side in SIDES
        }
        record = {
            "quarter": quarter_name(played_q),
            "us": chosen["us"],
            "china": chosen["china"],
            "events": [gd.events[i].id for i in np.flatnonzero(fired[0])],
            "hidden": {side: list(covert[side]) for side in SIDES},
        }
        newly: dict[str, list[str]] = {}
        for si, side in enumerate(SIDES):
            if revealed[0, si]:
                for rec in (*self.history, record):
                    if rec["hidden"][side]:
                        newly.setdefault(side, []).extend(
                            f"{rec['quarter']} {t}" for t in rec["hidden"][side]
                        )
                        rec["hidden"][side] = []
        self.history.append(record)
        self._meter_history.append(after)
        why = {
            m: dict(
                sorted(
                    ((c, float(v[0])) for c, v in causes.items() if abs(v[0]) > 1e-12),
                    key=lambda cv: -abs(cv[1]),
                )
            )
            for m, causes in ledger.causes.items()
            if m in after
        }
        tags: dict[str, dict[str, str]] = {}
        for (m, c), lever in ledger.tags.items():
            tags.setdefault(m, {})[c] = lever
        hidden = {side: self.hidden_levers(side) for side in SIDES}
        events = [
            EventReport(gd.events[i].id, gd.events[i].name, gd.events[i].headline)
            for i in np.flatnonzero(fired[0])
        ]
        for inj in self._batch.scenario.injects:
            if inj.quarter == played_q:
                events.insert(0, EventReport("inject", "Scripted", inj.headline))
        return TurnResult(
            quarter_name(played_q),
            chosen,
            after,
            {k: after[k] - before[k] for k in after},
            why,
            events,
            newly,
            tags,
            hidden,
        )

    # -- views
    def observation(self, side: str) -> dict[str, Any]:
        """What `side` can see: all meters, its own levers, the other side's public levers, and the
        history with the other side's covert moves hidden until revealed."""
        if side not in SIDES:
            raise ValueError(f"unknown side {side!r}")
        other = other_side(side)
        hidden = self.hidden_levers(side)
        policy = {k: v for k, v in self.policy().items() if k not in hidden}
        hist = []
        for rec in self.history:
            hidden = set(rec["hidden"][other])
            visible = [t for t in rec[other] if t not in hidden]
            hist.append(
                {
                    "quarter": rec["quarter"],
                    side: list(rec[side]),
                    other: visible,
                    "hidden_moves": len(hidden),
                    "events": list(rec["events"]),
                }
            )
        return {
            "side": side,
            "quarter": self.quarter,
            "scenario": self.scenario,
            "meters": self.meters,
            "policy": policy,
            "history": hist,
            "over": self.over,
            "result": self.result,
        }

    def hidden_levers(self, viewer: str) -> set[str]:
        """The levers `viewer` cannot see now: set by the other side's unexposed covert moves."""
        hidden = observe.hidden_levers(self.data, self._batch.state, viewer)
        return {k for k, where in hidden.items() if where[0]}

    def china_channels(self, viewer: str | None = None) -> dict[str, float]:
        """China's effective compute by channel (B300e). Seen by `viewer`, the channels fed by the
        other side's unexposed covert moves are folded into one "unexplained (covert)" channel."""
        ch = {k: float(v[0]) for k, v in model.china_channels(self.data, self._batch.state).items()}
        if viewer is None:
            return ch
        return observe.fold_channels(self.data, ch, self.hidden_levers(viewer))

    def snapshot(self) -> Batch:
        """A copy of this game as a one-game Batch (for agents and previews); the game is untouched."""
        return self._batch.copy()

    def clone(self) -> Game:
        other = object.__new__(Game)
        other._batch = self._batch.copy()
        other.history = copy.deepcopy(self.history)
        other._meter_history = list(self._meter_history)
        return other

    def digest(self) -> str:
        h = hashlib.sha256()
        for arr in self._batch.state.arrays():
            h.update(np.ascontiguousarray(arr).tobytes())
        h.update(json.dumps(self._batch.rng.state, sort_keys=True).encode())
        return h.hexdigest()

    # -- saving
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SAVE_FORMAT,
            "schema": SAVE_SCHEMA,
            "seed": self.seed,
            "scenario": self.scenario,
            "data_digest": self.data.digest,
            "quarter": self.quarter,
            "history": [
                {"quarter": r["quarter"], "us": r["us"], "china": r["china"]} for r in self.history
            ],
            "digest": self.digest(),
        }

    def save(self, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
        """Write the game atomically (temp file + rename). `extra` (e.g. the player's side) is kept."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        body = self.to_dict()
        if extra:
            body["extra"] = extra
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(body, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return p


def new_game(scenario: str = DEFAULT_SCENARIO, seed: int | None = None) -> Game:
    """Start a game of `scenario` (see `g2 scenarios`); the same seed and moves replay bit for bit."""
    return Game(scenario, seed)


def read_save(path: str | Path) -> dict[str, Any]:
    """Read and check a save's structure (not its replay). Raises SaveError; never modifies the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SaveError(f"{p}: no such save file") from None
    except OSError as exc:
        raise SaveError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SaveError(f"{p}: corrupt or truncated save (not valid JSON: {exc})") from None
    if not isinstance(body, dict) or body.get("format") != SAVE_FORMAT:
        raise SaveError(f"{p}: not a G2 save file")
    if body.get("schema") != SAVE_SCHEMA:
        raise SaveError(
            f"{p}: save schema {body.get('schema')!r} is not supported (this G2 reads {SAVE_SCHEMA})"
        )
    for key, kind in (("seed", int), ("scenario", str), ("history", list), ("digest", str)):
        if not isinstance(body.get(key), kind):
            raise SaveError(f"{p}: corrupt save: field {key!r} is missing or malformed")
    return body


def load_game(path: str | Path) -> Game:
    """Load a save by replaying its moves from its seed, then check the state digest."""
    p = Path(path)
    body = read_save(p)
    try:
        g = Game(body["scenario"], body["seed"])
    except (KeyError, ValueError) as exc:
        raise SaveError(f"{p}: {exc}") from None
    for i, rec in enumerate(body["history"]):
        if not isinstance(rec, dict):
            raise SaveError(f"{p}: corrupt save: history[{i}] is not a turn")
        try:
            g.play_turn({"us": rec.get("us") or [], "china": rec.get("china") or []})
        except (IllegalMove, RuntimeError) as exc:
            raise SaveError(
                f"{p}: history[{i}] ({rec.get('quarter')}) does not replay: {exc}"
            ) from None
    if g.digest() != body["digest"]:
        why = (
            "it was made with different game data"
            if body.get("data_digest") != g.data.digest
            else "the file was altered"
        )
        raise SaveError(f"{p}: the replayed game does not match the saved digest ({why})")
    return g
