"""The outlook, read-only: where each bill stands and its odds of moving, and this quarter's event odds.

Everything here is computed from `rules.event_chances` on a copy of one game's state, before this
quarter's moves, and never changes the game. The covert rule holds: the levers the other side's
unexposed covert moves set (game.engine.observe) are read at their defaults for a `viewer` who may
not see them, so the odds never leak covert play (a smuggling scandal's odds do not rise with a
grey-market push the viewer has not seen). `viewer=None` is the referee, who sees everything.
`Game.bills(viewer)` and `Game.event_odds(viewer)` (game.engine.api) call these for one game.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from game.engine import observe, rules
from game.engine.data import EventDef, GameData, MoveDef
from game.engine.ledger import Ledger


@dataclass(frozen=True)
class Bill:
    """A legislative track (a `kind: track` lever) as the tracker shows it."""

    track: str  # the lever: 'rasa_stage'
    name: str  # 'RASA'
    stage: int  # index into `stages`
    stage_label: str  # the stage now, in words: 'passed the House'
    stages: tuple[str, ...]  # every stage, in words, in order
    done: bool  # at its last stage: nothing moves it further
    next_event: str | None  # the event that takes it to the next stage ('rasa_senate_banking')
    next_step: str | None  # that event's name ('RASA clears Senate Banking')
    push_move: str | None  # the move that lobbies for it ('rasa_push')
    push_move_name: str | None  # that move's name
    sponsor: str | None  # the side that can play it
    chance_if_pushed: float  # the chance of the next step this quarter if the sponsor pushes
    chance_if_not: float  # ... if nobody pushes
    pushed_last_quarter: tuple[str, ...]  # the moves and events that pushed it, by name


@dataclass(frozen=True)
class EventOdds:
    """A non-legislative event's chance of firing this quarter."""

    event: str  # its id
    name: str
    chance: float
    headline: str  # what the report would say if it fired now


def tracks(gd: GameData) -> list[str]:
    """The legislative tracks: levers of `kind: track`, in levers.yaml order."""
    return [k for k, L in gd.levers.items() if L.kind == "track"]


def _advances(ev: EventDef, track: str) -> bool:
    return any(name == track and val > 0 for name, val in ev.effects.add)


def legislative(gd: GameData, ev: EventDef) -> bool:
    """Does the event move a bill to its next stage?"""
    return any(_advances(ev, t) for t in tracks(gd))


def seen_state(gd: GameData, st, viewer: str | None, game: int = 0):
    """A one-game copy of game `game` of `st` as `viewer` may know it: the levers hidden from it
    (the other side's unexposed covert moves) at their defaults. `st` is never changed."""
    one = st.take(np.array([game]))
    if viewer is not None:
        for lever, where in observe.hidden_levers(gd, one, viewer).items():
            one.lev[lever] = np.where(where, gd.levers[lever].default, one.lev[lever])
    return one


def _chances(gd: GameData, st) -> np.ndarray:
    """Each event's chance this quarter in a one-game state (0 once the game is over)."""
    return rules.event_chances(gd, st)[0] * (not bool(st.over[0]))


def _push(gd: GameData, track: str) -> tuple[str | None, MoveDef | None]:
    """The track's push lever (a `kind: push` lever an advancing event reads) and the move that
    adds to it."""
    lever = None
    for ev in gd.events:
        if _advances(ev, track):
            pushes = [
                n for n, _ in ev.modifiers if gd.levers.get(n) and gd.levers[n].kind == "push"
            ]
            lever = lever or (pushes[0] if pushes else None)
    for m in gd.moves:
        if lever and any(n == lever and v > 0 for o in m.options for n, v in o.effects.add):
            return lever, m
    return lever, None


def _step_chance(gd: GameData, one, idx: list[int], lever: str | None, move, push: bool) -> float:
    """The chance that one of events `idx` fires this quarter, with the push lever at 0 or, with
    `push`, after the sponsor's move (its effects alone: the lever +1, and any tension it adds)."""
    st = one.copy()
    if lever:
        st.lev[lever] = np.zeros(1)
        if push and move is not None:
            rules.apply_effects(gd, st, move.options[0].effects, np.ones(1, bool), Ledger(1), "")
        elif push:
            rules.set_lever(gd, st, lever, np.ones(1))
    p = _chances(gd, st)[idx]
    return float(1.0 - np.prod(1.0 - p))


def _pushed_by(gd: GameData, lever: str | None, last: Mapping | None) -> tuple[str, ...]:
    """The moves and events of the last quarter (as the viewer saw it) that added to `lever`."""
    if not lever or not last:
        return ()
    out = []
    for side in ("us", "china"):
        for text in last.get(side, []):
            j = gd.move_index.get(str(text).split(":")[0])
            m = gd.moves[j] if j is not None else None
            k = m.option_index(str(text).partition(":")[2]) if m is not None else -1
            if k >= 0 and any(n == lever and v > 0 for n, v in m.options[k].effects.add):
                out.append(m.name)
    for ev in gd.events:
        if ev.id in last.get("events", []) and any(n == lever and v > 0 for n, v in ev.effects.add):
            out.append(ev.name)
    return tuple(out)


def bills(
    gd: GameData, st, viewer: str | None, last: Mapping | None = None, game: int = 0
) -> list[Bill]:
    """Every legislative track of game `game` as `viewer` sees it. `last` is the last quarter's
    record as the viewer may see it ({'us': [moves], 'china': [moves], 'events': [ids]}), for
    who pushed; None before the first quarter."""
    one = seen_state(gd, st, viewer, game)
    out = []
    for track in tracks(gd):
        L = gd.levers[track]
        stage = int(round(float(one.lev[track][0])))
        idx = [
            i
            for i, ev in enumerate(gd.events)
            if _advances(ev, track) and bool(rules.requirement_mask(one, ev.requires)[0])
        ]
        lever, move = _push(gd, track)
        # a push the scenario leaves out (its `moves:` lists) cannot happen: no odds "if pushed"
        barred = move is not None and one.allowed is not None
        barred = barred and not one.allowed[gd.move_index[move.id]]
        if barred:
            move = None
        nxt = gd.events[idx[0]] if idx else None
        out.append(
            Bill(
                track,
                L.name,
                stage,
                L.option_words(stage),
                tuple(L.option_words(i) for i in range(len(L.options))),
                stage >= len(L.options) - 1,
                nxt.id if nxt else None,
                nxt.name if nxt else None,
                move.id if move else None,
                move.name if move else None,
                move.side if move else None,
                _step_chance(gd, one, idx, lever, move, not barred) if idx else 0.0,
                _step_chance(gd, one, idx, lever, move, False) if idx else 0.0,
                _pushed_by(gd, lever, last),
            )
        )
    return out


def event_odds(
    gd: GameData,
    st,
    viewer: str | None,
    fired_before: Mapping[str, int] | None = None,
    game: int = 0,
) -> list[EventOdds]:
    """The chance this quarter (before its moves) of every event that does not move a bill, as
    `viewer` may know it, largest first. `fired_before` (event id -> times fired in the game)
    picks the headline each would carry (its nth `headlines`, or a `when:` report)."""
    one = seen_state(gd, st, viewer, game)
    chances = _chances(gd, one)
    levers = {k: float(v[0]) for k, v in one.lev.items()}
    counts = fired_before or {}
    out = [
        EventOdds(ev.id, ev.name, float(chances[i]), ev.headline_for(counts.get(ev.id, 0), levers))
        for i, ev in enumerate(gd.events)
        if not legislative(gd, ev)
    ]
    return sorted(out, key=lambda e: -e.chance)
