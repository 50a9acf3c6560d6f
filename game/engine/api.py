"""The public API: Batch (N games at once) and Game (one game, the player's and the AI's view)."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import math
import os
import re
import reprlib
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.engine import model, observe, outlook, rules
from game.engine.batch import Batch
from game.engine.data import (
    DEFAULT_SCENARIO,
    EFFECT_KEYS,
    FACILITATOR_INJECT_KEYS,
    HEADLINE_MAX,
    ID_RE,
    SEED_MAX,
    SIDES,
    GameData,
    Inject,
    capital_lever,
    load_data,
    load_inject,
    load_scenario_text,
    move_label,
    other_side,
    quarter_name,
)
from game.engine.plans import MoveError, parse_move
from game.engine.rules import NOT_IN_SCENARIO, Budget, requirement_mask, why_illegal
from game.engine.yamlsrc import MAX_BYTES as MAX_SCENARIO_BYTES
from game.engine.yamlsrc import DataError, Doc

SAVE_FORMAT = "g2-save"
# 2: a turn may carry the facilitator's `injects`, and a save the `scenario_file` it was played on
SAVE_SCHEMA = 2
READ_SCHEMAS = (1, 2)  # the schemas load_game reads (older saves load as before)

# Saves travel between players, so every save is read as hostile input (read_save, load_game).
MAX_SAVE_BYTES = 2 * 1024 * 1024  # saves are 10-50 KB; room for rationales in the history later
MAX_TURNS = 1000  # history entries (the longest scenario is far shorter; replay stops at the end)
MAX_MOVES = 200  # moves per side in one history entry
MAX_DIGITS = 100  # characters in one JSON number (Python's own limit is 4300 digits, and slow)
MAX_DIGEST = 128  # characters in a digest
MAX_REASON = 300  # characters of the reason in a SaveError message (the path is kept whole)
MAX_INJECTS = 20  # facilitator injects in one quarter
MAX_EFFECTS = 50  # levers one inject may change (add, set and mul together)
MAX_FILE_NAME = 255  # characters in the name of a scenario file a save embeds
# a move as saves write it, 'id' or 'id:option' (the replay then checks it is a real one)
MOVE_TEXT_RE = re.compile(r"[A-Za-z0-9_.:-]{1,140}")
# Temporary files of atomic writes: a short fixed-length name whatever the save's name, so a long
# save name cannot push it past 255 bytes. The second pattern is the old `.NAME.json.XXXXXXXX.tmp`.
TEMP_PREFIX, TEMP_SUFFIX = ".g2-", ".tmp"
TEMP_NAME_RE = re.compile(r"\.g2-[a-z0-9_]{8}\.tmp|\..+\.json\.[a-z0-9_]{8}\.tmp")
STALE_TEMP_SECONDS = 300.0  # older temp files are left by a killed save; fresher ones may be live


class IllegalMove(ValueError):
    """A move that cannot be played now: wrong side, unknown, bad option, unaffordable, or not allowed."""


class InjectError(IllegalMove):
    """A facilitator's inject that cannot be fired: malformed (an unknown event or lever, a value
    out of range, no headline), or a catalogue event that cannot happen now. Nothing changes."""


class SaveError(ValueError):
    """A save file is missing, unreadable, not a regular file, too big, corrupt, truncated, foreign or
    does not replay to its digest; or a save cannot be written. The message is one printable line
    (no line breaks or control characters, a long reason cut), `path: reason` when `path` is given;
    `.path` and `.reason` hold the parts."""

    def __init__(self, message: object = "", *, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        if path is None:
            self.reason = one_line(str(message), 4 * MAX_REASON)
            super().__init__(self.reason)
        else:
            self.reason = one_line(str(message), MAX_REASON)
            super().__init__(f"{one_line(str(path))}: {self.reason}")


def one_line(text: str, limit: int | None = None) -> str:
    """`text` as one printable line: line breaks, control and format characters and lone surrogates
    escaped (\\n, \\x1b, \\u2028, \\udcff), cut to `limit` characters with '…'."""
    if limit is not None:
        text = text[: 4 * limit + 1]  # bound the work on huge texts
    out = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def favours(points: float) -> str:
    """The side a US-positive number of score points favours: 'us', 'china', or '' when it shows
    as 0.0 (to one decimal, as the game prints scores)."""
    if round(abs(points), 1) == 0:
        return ""
    return "us" if points > 0 else "china"


def lead_text(points: float) -> str:
    """US-positive score points as the side they favour: 'US +8.8', 'China +9.8' or 'even 0.0'."""
    side = favours(points)
    if not side:
        return "even 0.0"
    return f"{'US' if side == 'us' else 'China'} +{abs(points):.1f}"


# ----------------------------------------------------------------------------- value objects


@dataclass(frozen=True)
class MoveOption:
    """One option of a stance move: `name` is its id ('case_by_case'), `label` its words."""

    name: str
    cost: float
    legal: bool
    reason: str = ""
    label: str = ""


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
    current: str | None = None  # the lever's option now (an id), for stance moves
    legal: bool = True
    reason: str = ""
    current_label: str | None = None  # `current` in words ("case-by-case review")
    in_scenario: bool = True  # False: the scenario's `moves:` leave it out (never legal)

    def ids(self) -> list[str]:
        """The strings that play this move: ['rasa_push'] or ['h200_exports:deny', ...] (legal ones)."""
        if not self.options:
            return [self.id] if self.legal else []
        return [f"{self.id}:{o.name}" for o in self.options if o.legal]


@dataclass
class EventReport:
    """Something that happened in a quarter: a catalogue event (its id), the scenario's scripted
    news (id "inject", name "Scripted") or the facilitator's (id "facilitator", name
    "Facilitator")."""

    id: str
    name: str
    headline: str


@dataclass(frozen=True)
class CatalogueEvent:
    """A catalogue event (data/events.yaml) a facilitator may fire: its id, name, the headline it
    would carry now, and whether it can happen now (`ready`; else `reason` says why not)."""

    id: str
    name: str
    headline: str
    ready: bool
    reason: str = ""
    once: bool = False
    # why not, as parts a front end can put in its own words: ("over",), ("once",), ("reason",
    # text) for a requirement's own words, ("stage", lever name, (wanted options' words), now's
    # words), ("most" | "least", lever name, bound, now) or ("between", name, lo, hi, now)
    needs: tuple = ()


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

    @property
    def win_margin(self) -> float:
        """The score a side needs at the end to win: the scenario's `victory: {margin}`, else
        params.yaml's win_margin."""
        return self._batch.scenario.margin(self.data.params)

    def score_breakdown(self) -> list[dict[str, Any]]:
        """What the score is made of now, one dict per part in model.SCORE_TERMS order: `part` (its
        name), `points` (US-positive), `weight` (the most it can give either side), `measures`,
        `argument` (whose case it is), and `favours` ('us', 'china' or '' at zero). The points add
        up to the score meter, which is clipped to ±100."""
        parts = model.score_breakdown(self.data, self._batch.state.meters, game=0)
        return [{**p, "favours": favours(p["points"])} for p in parts]

    def score_summary(self, limit: int | None = None) -> str:
        """The score in one line, its largest parts first: "US +8.8: capability (US +9.0), US bubble
        (China +4.4), …". `limit` keeps that many parts and ends with "…" when some are left out."""
        parts = sorted(self.score_breakdown(), key=lambda p: -abs(p["points"]))
        shown = parts if limit is None else parts[:limit]
        text = ", ".join(f"{p['part']} ({lead_text(p['points'])})" for p in shown)
        more = ", …" if len(shown) < len(parts) else ""
        return f"{lead_text(self.meters['score'])}: {text}{more}"

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
                why = "" if ok else why_illegal(gd, st, j, k)
                opts.append(MoveOption(o.name, o.cost, ok, why, o.words if m.has_options else ""))
            current = current_label = None
            if m.has_options:
                current, current_label = self._current(m)
            legal = any(o.legal for o in opts)
            reason = (
                ""
                if legal
                else (
                    opts[0].reason
                    if len(opts) == 1
                    else "; ".join(f"{o.label or o.name}: {o.reason}" for o in opts)
                )
            )
            costs = [o.cost for o in opts if o.legal] or [o.cost for o in opts]
            in_scenario = self._batch.scenario.allows(m)
            if not in_scenario:
                reason = NOT_IN_SCENARIO
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
                    current_label,
                    in_scenario,
                )
            )
        return out

    def _current(self, m) -> tuple[str, str]:
        """A stance move's lever now: its option id and that option in words."""
        L = self.data.levers[m.lever]
        i = int(round(self._batch.state.lev[m.lever][0]))
        k = m.option_index(L.options[i])
        return L.options[i], (m.options[k].words if k >= 0 else L.option_words(i))

    def move_label(self, key: str) -> str:
        """A move string in words: 'h200_exports:case_by_case' -> 'H200 export policy:
        case-by-case review', 'rasa_push' -> the move's name; anything else comes back as given
        (game.engine.data.move_label, for callers without a Game)."""
        return move_label(self.data, key)

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

    def play_turn(
        self,
        moves: dict[str, list[str]] | None = None,
        injects: list[dict[str, Any]] | None = None,
    ) -> TurnResult:
        """Both sides' moves for this quarter, resolved together. Illegal moves raise and change nothing.

        `injects`: the facilitator's news this quarter, each `{"event": id}` (a catalogue event of
        data/events.yaml, fired whatever its chance; it must be able to happen now, see
        `event_catalogue`) or `{"headline": text, "add"/"set"/"mul": {lever: number}}`. They apply
        after the scenario's own injects, before the quarter resolves; they show in the result's
        events and are recorded in the history (`injects`), so a save replays them. A bad inject
        raises InjectError (an IllegalMove) and changes nothing."""
        choices, chosen = self._choices(moves or {})
        extra, canon = self.parse_injects(injects)
        played_q = self._batch.state.q
        before = self.meters
        _, fired, revealed, ledger = self._batch.step(choices, extra)
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
            "injects": canon,
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
        news = [
            EventReport("inject", "Scripted", inj.headline)
            for inj in self._batch.scenario.injects
            if inj.quarter == played_q and inj.event is None
        ]
        news += [
            EventReport("facilitator", "Facilitator", inj.headline)
            for inj in extra
            if inj.event is None
        ]
        events = news + [self._event_report(i) for i in np.flatnonzero(fired[0])]
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

    # -- the facilitator
    def parse_injects(
        self, injects: list[dict[str, Any]] | None
    ) -> tuple[tuple[Inject, ...], list[dict[str, Any]]]:
        """Check the facilitator's injects for this quarter (see play_turn) without playing them:
        returns them as the engine applies them and in the form the history records. Raises
        InjectError naming the inject and the field."""
        if injects is None:
            return (), []
        if not isinstance(injects, (list, tuple)):
            raise InjectError(
                "injects must be a list of {'event': id} or "
                f"{{'headline': text, 'add'/'set'/'mul': {{lever: number}}}}, not {_brief(injects)}"
            )
        if len(injects) > MAX_INJECTS:
            raise InjectError(f"at most {MAX_INJECTS} injects a quarter, not {len(injects)}")
        gd, q = self.data, self._batch.state.q
        out: list[Inject] = []
        canon: list[dict[str, Any]] = []
        for n, spec in enumerate(injects, 1):
            try:
                inj = load_inject(
                    Doc("inject", spec, {}), spec, "inject", gd.levers, gd.events, quarter=q
                )
            except DataError as exc:
                where = exc.field.removeprefix("inject").lstrip(".")
                raise InjectError(
                    f"inject {n}{f', {where}' if where else ''}: {exc.problem}"
                ) from None
            if inj.event is not None:
                ev = gd.events[gd.event_index[inj.event]]
                if any(o.event == inj.event for o in out):
                    raise InjectError(f"inject {n}: {ev.name} ({ev.id}) is fired twice")
                ready, why = self._can_fire(gd.event_index[inj.event])
                if not ready:
                    raise InjectError(
                        f"inject {n}: {ev.name} ({ev.id}) cannot happen now: {needs_words(why)}"
                    )
                canon.append({"event": inj.event})
            else:
                rec: dict[str, Any] = {"headline": inj.headline}
                for kind in EFFECT_KEYS:
                    block = getattr(inj.effects, kind)
                    if block:
                        rec[kind] = {name: float(v) for name, v in block}
                canon.append(rec)
            out.append(inj)
        return tuple(out), canon

    def _can_fire(self, i: int) -> tuple[bool, tuple]:
        """May catalogue event i happen now (fired by an inject)? (ready, why not: the parts of
        CatalogueEvent.needs; empty when ready)."""
        gd, st = self.data, self._batch.state
        ev = gd.events[i]
        if self.over:
            return False, ("over",)
        if ev.once and st.fired[0, i]:
            return False, ("once",)
        for r in ev.requires:
            if not requirement_mask(st, (r,))[0]:
                return False, self._requirement_parts(r)
        return True, ()

    def _requirement_parts(self, r) -> tuple:
        """An unmet requirement: its own reason, or the stage (or range) of the lever it needs and
        where the lever stands now (CatalogueEvent.needs)."""
        if r.reason != f"needs {r.lever} in [{r.lo:g}, {r.hi:g}]":
            return ("reason", r.reason)
        L = self.data.levers[r.lever]
        now = float(self._batch.state.lev[r.lever][0])
        if L.options:
            lo = max(int(np.ceil(r.lo - 1e-9)), 0)
            hi = min(int(np.floor(r.hi + 1e-9)), len(L.options) - 1)
            want = tuple(L.option_words(k) for k in range(lo, hi + 1))
            return ("stage", L.name, want, L.option_words(int(round(now))))
        if r.lo <= -1e17:
            return ("most", L.name, r.hi, now)
        if r.hi >= 1e17:
            return ("least", L.name, r.lo, now)
        return ("between", L.name, r.lo, r.hi, now)

    def event_catalogue(self) -> list[CatalogueEvent]:
        """Every catalogue event a facilitator may fire (`play_turn(..., injects=[{"event": id}])`),
        in data/events.yaml's order: id, name, the headline it would carry now, and whether it can
        happen now (`ready`; `reason` says why not: a stage not reached, a once-event that has
        happened)."""
        out = []
        for i, ev in enumerate(self.data.events):
            ready, needs = self._can_fire(i)
            out.append(
                CatalogueEvent(
                    ev.id,
                    ev.name,
                    self.event_headline(i),
                    ready,
                    needs_words(needs),
                    ev.once,
                    needs,
                )
            )
        return out

    def event_ids(self) -> list[str]:
        """The ids of the catalogue events (data/events.yaml), in order."""
        return [ev.id for ev in self.data.events]

    def _event_report(self, i: int) -> EventReport:
        """Event i's report for the quarter just played (recorded last in the history): its
        headline for this firing, counted in the game's history, and the state it left."""
        ev = self.data.events[i]
        return EventReport(ev.id, ev.name, self.event_headline(i, self.history[:-1]))

    def event_headline(self, i: int, history: list[dict[str, Any]] | None = None) -> str:
        """The headline event i would carry if it fired now: the nth firing in the game gets the
        nth of its `headlines` and a `when:` report wins where the levers after the quarter meet
        it (game.engine.data.EventDef.headline_for). Reads the history, never the dice."""
        ev = self.data.events[i]
        history = self.history if history is None else history
        times = sum(rec["events"].count(ev.id) for rec in history)
        levers = {k: float(v[0]) for k, v in self._batch.state.lev.items()}
        return ev.headline_for(times, levers)

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
                    "injects": copy.deepcopy(rec.get("injects", [])),
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

    def _last_seen(self, viewer: str | None) -> dict[str, list[str]] | None:
        """The last quarter's moves and events as `viewer` saw them (None: all of them)."""
        if not self.history:
            return None
        rec = self.history[-1]
        out = {"events": list(rec["events"])}
        for side in SIDES:
            hidden = set(rec["hidden"][side]) if viewer and side != viewer else set()
            out[side] = [t for t in rec[side] if t not in hidden]
        return out

    def bills(self, viewer: str | None) -> list[outlook.Bill]:
        """The legislation tracker: each bill's stage, its next step and that step's chance this
        quarter with and without its sponsor's push, and who pushed it last quarter, as `viewer`
        ('us', 'china', or None for the referee) may know it (game.engine.outlook.bills)."""
        return outlook.bills(self.data, self._batch.state, viewer, self._last_seen(viewer))

    def event_odds(self, viewer: str | None) -> list[outlook.EventOdds]:
        """The chance this quarter of every event that does not move a bill, largest first, with
        the headline each would carry; covert levers `viewer` cannot see are read at their
        defaults (game.engine.outlook.event_odds)."""
        counts: dict[str, int] = {}
        for rec in self.history:
            for eid in rec["events"]:
                counts[eid] = counts.get(eid, 0) + 1
        return outlook.event_odds(self.data, self._batch.state, viewer, counts)

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
        """The save: the seed, the scenario (with its file's YAML when it came from outside
        data/), the moves and the facilitator's injects of every quarter, and digests."""
        history = []
        for r in self.history:
            rec = {"quarter": r["quarter"], "us": r["us"], "china": r["china"]}
            if r.get("injects"):
                rec["injects"] = copy.deepcopy(r["injects"])
            history.append(rec)
        body: dict[str, Any] = {
            "format": SAVE_FORMAT,
            "schema": SAVE_SCHEMA,
            "seed": self.seed,
            "scenario": self.scenario,
        }
        sc = self._batch.scenario
        if sc.text:  # a scenario file from outside data/: the save carries it
            body["scenario_file"] = {
                "name": one_line(Path(sc.path).name or "scenario.yaml", MAX_FILE_NAME),
                "text": sc.text,
            }
        body |= {
            "data_digest": self.data.digest,
            "quarter": self.quarter,
            "history": history,
            "digest": self.digest(),
        }
        return body

    def save(self, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
        """Write the game atomically (a temp file `.g2-XXXXXXXX.tmp` beside it, then a rename), after
        removing stale temp files there. `extra` (e.g. the player's side) is kept. A save that cannot
        be written (no folder, a folder in the way, disk full, over MAX_SAVE_BYTES) raises SaveError
        and leaves any older save at `path` as it was."""
        p = Path(path)
        if not 0 <= self.seed <= SEED_MAX:  # read_save would refuse the file
            raise SaveError(
                f"cannot save: saves hold seeds up to {SEED_MAX}, not {self.seed}", path=p
            )
        body = self.to_dict()
        if extra:
            body["extra"] = extra
        return write_atomic(
            p, lambda fh: json.dump(body, fh, indent=1, allow_nan=False), MAX_SAVE_BYTES
        )


def write_atomic(path: str | Path, write, max_bytes: int | None = None, verb: str = "save") -> Path:
    """Write a file atomically: `write(fh)` fills a temp file `.g2-XXXXXXXX.tmp` beside `path`
    (after stale temp files there are removed), which is then renamed over `path`. If anything
    fails (no folder, a folder in the way, disk full, more than `max_bytes`, an exception in
    `write`, an interrupt), any older file at `path` is left as it was and no temp file remains;
    an OSError or the size limit raises a one-line SaveError ("cannot {verb}: why")."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=p.parent)
    except OSError as exc:
        raise _write_error(p, exc, verb) from None
    clean_stale_temps(p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
            fh.flush()
            size = os.fstat(fh.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise SaveError(
                    f"cannot {verb}: it would be {size} bytes, over the limit of "
                    f"{max_bytes} bytes that G2 reads",
                    path=p,
                )
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as exc:
        _remove_quietly(tmp)
        raise _write_error(p, exc, verb) from None
    except BaseException:
        _remove_quietly(tmp)
        raise
    return p


def _remove_quietly(path: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _write_error(p: Path, exc: OSError, verb: str = "save") -> SaveError:
    """A one-line SaveError for a failed write, naming what is in the way when something is."""
    why = exc.strerror or type(exc).__name__
    try:
        for folder in (p.parent, *p.parent.parents):
            if folder.exists() and not folder.is_dir():
                why = f"{folder} is a file, not a folder"
                break
        else:
            if p.is_dir():
                why = "a folder of that name is in the way"
    except OSError:
        pass
    return SaveError(f"cannot {verb}: {why}", path=p)


def clean_stale_temps(
    folder: str | Path, older_than: float = STALE_TEMP_SECONDS, now: float | None = None
) -> list[Path]:
    """Remove the temp files of atomic saves (TEMP_NAME_RE) left in `folder` by a save that was
    killed: only regular files last modified more than `older_than` seconds ago, never a fresh one
    a save may be writing now. Returns what was removed; never raises."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if TEMP_NAME_RE.fullmatch(e.name)]
    except OSError:
        return removed
    for name in names:
        path = Path(folder) / name
        try:
            st = path.lstat()
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def new_game(
    scenario: str = DEFAULT_SCENARIO, seed: int | None = None, data: GameData | None = None
) -> Game:
    """Start a game of `scenario` (see `g2 scenarios`; with `data` from
    game.engine.data.load_scenario_file, a scenario file's id); the same seed and moves replay
    bit for bit."""
    return Game(scenario, seed, data)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 60
_REPR.maxlevel = 2


def _brief(value: Any) -> str:
    """A short one-line repr of an untrusted value, for messages."""
    try:
        return one_line(_REPR.repr(value), 80)
    except Exception:  # a repr that fails is still a message
        return type(value).__name__


class _BadNumber(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _BadNumber(f"a number with {len(text)} digits")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_DIGITS:
        raise _BadNumber(f"a number with {len(text)} characters")
    return float(text)


def _parse_constant(text: str) -> Any:
    raise _BadNumber(f"{text} is not a number a save may hold")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device"
    if stat.S_ISSOCK(mode):
        return "it is a socket"
    return "it is not a regular file"


def _read_capped(p: Path) -> bytes:
    """The bytes of a regular file of at most MAX_SAVE_BYTES; never blocks (a FIFO or a device is
    refused before any read) and never reads more than MAX_SAVE_BYTES + 1 bytes."""
    flags = os.O_RDONLY
    for name in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC", "O_BINARY"):
        flags |= getattr(os, name, 0)
    too_big = f"too big to be a save (over {MAX_SAVE_BYTES} bytes)"
    try:
        st = os.stat(p)  # refuse pipes and devices without even opening them
        if not stat.S_ISREG(st.st_mode):
            raise SaveError(f"cannot read: {_kind(st.st_mode)}, not a save file", path=p)
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise SaveError("no such save file", path=p) from None
    except OSError as exc:
        raise SaveError(f"cannot read: {exc.strerror or type(exc).__name__}", path=p) from None
    try:
        st = os.fstat(fd)  # what was opened (it may have been swapped since the stat)
        if not stat.S_ISREG(st.st_mode):
            raise SaveError(f"cannot read: {_kind(st.st_mode)}, not a save file", path=p)
        if st.st_size > MAX_SAVE_BYTES:
            raise SaveError(too_big, path=p)
        chunks, n = [], 0
        while n <= MAX_SAVE_BYTES:
            chunk = os.read(fd, min(1 << 16, MAX_SAVE_BYTES + 1 - n))
            if not chunk:
                break
            chunks.append(chunk)
            n += len(chunk)
        if n > MAX_SAVE_BYTES:
            raise SaveError(too_big, path=p)
        return b"".join(chunks)
    except OSError as exc:
        raise SaveError(f"cannot read: {exc.strerror or type(exc).__name__}", path=p) from None
    finally:
        os.close(fd)


def _parse(p: Path, raw: bytes) -> Any:
    try:
        return json.loads(
            raw.decode("utf-8"),
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except RecursionError:
        raise SaveError("corrupt save: nested too deeply to be a save", path=p) from None
    except _BadNumber as exc:
        raise SaveError(f"corrupt save: {exc}", path=p) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise SaveError(f"corrupt or truncated save (not valid JSON: {exc})", path=p) from None


def _is_text(value: Any, pattern: re.Pattern[str] | None = None, limit: int = 64) -> bool:
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        return False
    return bool(pattern.fullmatch(value)) if pattern else value.isprintable()


def _check(p: Path, body: Any) -> dict[str, Any]:
    """Check every field of a parsed save (not its replay); raise SaveError for the first bad one."""

    def bad(what: str) -> SaveError:
        return SaveError(f"corrupt save: {what}", path=p)

    def field_(key: str, ok, want: str, optional: bool = False) -> None:
        if key not in body:
            if optional:
                return
            raise bad(f"field {key!r} is missing")
        if not ok(body[key]):
            raise bad(f"field {key!r} must be {want}, not {_brief(body[key])}")

    if not isinstance(body, dict) or body.get("format") != SAVE_FORMAT:
        raise SaveError("not a G2 save file", path=p)
    schema = body.get("schema")
    if type(schema) is not int or schema not in READ_SCHEMAS:
        raise SaveError(
            f"save schema {_brief(schema)} is not supported (this G2 reads "
            f"{' and '.join(map(str, READ_SCHEMAS))})",
            path=p,
        )
    field_(
        "seed",
        lambda v: type(v) is int and 0 <= v <= SEED_MAX,
        f"a whole number from 0 to {SEED_MAX}",
    )
    field_("scenario", lambda v: isinstance(v, str), "a scenario id")
    if "scenario_file" in body:  # played on a scenario file: the save carries its YAML
        field_("scenario", lambda v: _is_text(v, ID_RE, 64), "a scenario id")
        field_(
            "scenario_file",
            lambda v: (
                isinstance(v, dict)
                and set(v) == {"name", "text"}
                and _is_text(v["name"], None, MAX_FILE_NAME)
                and isinstance(v["text"], str)
                and len(v["text"]) <= MAX_SCENARIO_BYTES
            ),
            f"{{name, text}}: the scenario file's name and its YAML (at most "
            f"{MAX_SCENARIO_BYTES} characters)",
        )
    else:
        scenarios = load_data().scenarios
        if body["scenario"] not in scenarios:
            raise SaveError(
                f"unknown scenario {_brief(body['scenario'])}; known: "
                f"{', '.join(sorted(scenarios))}",
                path=p,
            )
    field_("quarter", lambda v: _is_text(v, None, 16), "a quarter like '2025Q1'")
    field_(
        "history",
        lambda v: isinstance(v, list) and len(v) <= MAX_TURNS,
        f"a list of at most {MAX_TURNS} turns",
    )
    for i, rec in enumerate(body["history"]):
        if not isinstance(rec, dict):
            raise bad(f"history[{i}] is not a turn but {_brief(rec)}")
        if not _is_text(rec.get("quarter"), None, 16):
            raise bad(
                f"history[{i}].quarter is not a quarter like '2025Q1': {_brief(rec.get('quarter'))}"
            )
        for side in SIDES:
            moves = rec.get(side)
            if not isinstance(moves, list) or len(moves) > MAX_MOVES:
                raise bad(f"history[{i}].{side} is not a list of moves: {_brief(moves)}")
            for j, m in enumerate(moves):
                if not _is_text(m, MOVE_TEXT_RE, 140):
                    raise bad(f"history[{i}].{side}[{j}] is not a move: {_brief(m)}")
        if "injects" in rec:
            injects = rec["injects"]
            if not isinstance(injects, list) or len(injects) > MAX_INJECTS:
                raise bad(
                    f"history[{i}].injects is not a list of at most {MAX_INJECTS} injects: "
                    f"{_brief(injects)}"
                )
            for k, spec in enumerate(injects):
                problem = _inject_problem(spec)
                if problem:
                    raise bad(f"history[{i}].injects[{k}] {problem}")
    field_("digest", lambda v: _is_text(v, None, MAX_DIGEST), "a digest")
    field_("data_digest", lambda v: _is_text(v, None, MAX_DIGEST), "a digest", optional=True)
    field_("extra", lambda v: isinstance(v, dict), "an object", optional=True)
    return body


def _inject_problem(spec: Any) -> str:
    """What is wrong with the shape of a saved facilitator inject ('' when nothing): `{"event":
    id}` or `{"headline": text, "add"/"set"/"mul": {lever: number}}` (the replay checks the ids)."""
    if not isinstance(spec, dict) or not spec:
        return f"is not an inject: {_brief(spec)}"
    for key in spec:
        if key not in FACILITATOR_INJECT_KEYS:
            return f"has an unknown field {_brief(key)}"
    if "event" in spec:
        if len(spec) != 1 or not _is_text(spec["event"], ID_RE, 64):
            return f"is not an event inject {{'event': id}}: {_brief(spec)}"
        return ""
    if not _is_text(spec.get("headline"), None, HEADLINE_MAX):
        return f"has no headline of one line: {_brief(spec.get('headline'))}"
    count = 0
    for kind in EFFECT_KEYS:
        if kind not in spec:
            continue
        block = spec[kind]
        if not isinstance(block, dict):
            return f"{kind} is not a mapping of lever: number: {_brief(block)}"
        count += len(block)
        if count > MAX_EFFECTS:
            return f"changes more than {MAX_EFFECTS} levers"
        for name, val in block.items():
            if not _is_text(name, ID_RE, 64):
                return f"{kind} names no lever: {_brief(name)}"
            number = type(val) in (int, float) and math.isfinite(val)
            if not number and not (kind == "set" and _is_text(val, ID_RE, 64)):
                return f"{kind}.{name} is not a number: {_brief(val)}"
    return ""


def read_save(path: str | Path) -> dict[str, Any]:
    """Read and check a save's structure and every field's type (not its replay). Only a regular
    file of at most MAX_SAVE_BYTES is read (a FIFO or a device never blocks). Raises SaveError with
    a one-line message that starts with the path; never modifies the file."""
    p = Path(path)
    return _check(p, _parse(p, _read_capped(p)))


def load_game(path: str | Path, body: dict[str, Any] | None = None) -> Game:
    """Load a save by replaying its moves from its seed, then check the state digest. `body` is
    what read_save(path) returned, to read the file once (it is checked again). Raises SaveError."""
    p = Path(path)
    body = read_save(p) if body is None else _check(p, body)
    gd = None
    sf = body.get("scenario_file")
    if sf is not None:  # the scenario file it was played on, checked as any file is
        try:
            gd, sid = load_scenario_text(sf["text"], sf["name"])
        except DataError as exc:
            raise SaveError(f"the scenario file in the save does not load: {exc}", path=p) from None
        if sid != body["scenario"]:
            raise SaveError(
                f"the save is of scenario {_brief(body['scenario'])} but the scenario file it "
                f"carries is {sid!r} (the file was altered)",
                path=p,
            )
    try:
        g = Game(body["scenario"], body["seed"], gd)
    except (KeyError, ValueError) as exc:
        raise SaveError(str(exc), path=p) from None
    for i, rec in enumerate(body["history"]):
        try:
            r = g.play_turn({"us": rec["us"], "china": rec["china"]}, rec.get("injects"))
        except (ValueError, RuntimeError) as exc:  # IllegalMove is a ValueError
            raise SaveError(
                f"history[{i}] ({rec['quarter']}) does not replay: {exc}", path=p
            ) from None
        if r.quarter != rec["quarter"]:
            raise SaveError(
                f"history[{i}] does not replay: it says {rec['quarter']} but it is {r.quarter} "
                "(the file was altered)",
                path=p,
            )
    if g.digest() != body["digest"]:
        why = (
            "it was made with different game data"
            if body.get("data_digest") != g.data.digest
            else "the file was altered"
        )
        raise SaveError(f"the replayed game does not match the saved digest ({why})", path=p)
    if body["quarter"] != g.quarter:
        raise SaveError(
            f"the save says quarter {body['quarter']} but the game is at {g.quarter} "
            "(the file was altered)",
            path=p,
        )
    return g


def needs_words(needs: tuple) -> str:
    """CatalogueEvent.needs in (English) words."""
    kind = needs[0] if needs else ""
    if kind == "over":
        return "the game is over"
    if kind == "once":
        return "it has already happened in this game (it happens once)"
    if kind == "reason":
        return needs[1]
    if kind == "stage":
        want = " or ".join(f"“{w}”" for w in needs[2])
        return f"needs {needs[1]} at {want} (now “{needs[3]}”)"
    if kind == "most":
        return f"needs {needs[1]} at most {needs[2]:g} (now {needs[3]:.3g})"
    if kind == "least":
        return f"needs {needs[1]} at least {needs[2]:g} (now {needs[3]:.3g})"
    if kind == "between":
        return f"needs {needs[1]} between {needs[2]:g} and {needs[3]:g} (now {needs[4]:.3g})"
    return ""
