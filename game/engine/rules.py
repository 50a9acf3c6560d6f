"""The rules: which moves are legal, what moves, events and injects do to the levers, and who pays.

This is the one place legality is decided. The engine applies moves with `legal`, the public API
explains a refusal with `why_illegal`, and every agent, the PettingZoo env and the terminal UI build
their choices through `Budget`, which adds the political-capital budget of a quarter on top.
"""

from __future__ import annotations

import numpy as np

from game.engine.data import GameData, capital_lever
from game.engine.ledger import Ledger

# levers the ledger explains like meters (their changes are booked by cause)
LEDGER_LEVERS = ("tension", "us_political_capital", "cn_political_capital")
EPS = 1e-9
# why a move is illegal when its scenario's `moves:` lists leave it out
NOT_IN_SCENARIO = "not part of this scenario"


def set_lever(gd: GameData, st, name: str, value: np.ndarray, mask=None) -> None:
    """Set a lever (clipped to its bounds), in every game or only where `mask` holds."""
    L = gd.levers[name]
    v = np.clip(value, L.lo, L.hi)
    if mask is None:
        st.lev[name] = v
    else:
        st.lev[name] = np.where(mask, v, st.lev[name])


def apply_effects(gd: GameData, st, effects, mask: np.ndarray, ledger: Ledger, label: str):
    """Apply an Effects record to the games in `mask`, booking meter-like levers in the ledger."""
    for kind in ("set", "add", "mul"):
        for name, val in getattr(effects, kind):
            before = st.lev[name].copy()
            if kind == "set":
                value = np.full(st.n, val)
            elif kind == "add":
                value = st.lev[name] + val
            else:
                value = st.lev[name] * val
            set_lever(gd, st, name, value, mask)
            if name in LEDGER_LEVERS:
                ledger.add(name, label, st.lev[name] - before)


def requirement_mask(st, reqs) -> np.ndarray:
    """Bool (n,): where every requirement (a lever within [lo, hi]) holds."""
    ok = np.ones(st.n, bool)
    for r in reqs:
        v = st.lev[r.lever]
        ok &= (v >= r.lo - EPS) & (v <= r.hi + EPS)
    return ok


# ----------------------------------------------------------------------------- legality


def _checks(gd: GameData, st, j: int, k: int):
    """The conditions for playing option k of move j, in the order a refusal names them: each a
    (n,) bool mask and a function giving the reason it fails in game g."""
    m = gd.moves[j]
    opt = m.options[k]
    pc = st.lev[capital_lever(m.side)]
    allowed = getattr(st, "allowed", None)
    if allowed is not None and not allowed[j]:  # the scenario's `moves:` leave it out
        yield np.zeros(st.n, bool), lambda g: NOT_IN_SCENARIO
    yield ~st.over, lambda g: "the game is over"
    for r in m.requires:
        yield requirement_mask(st, (r,)), lambda g, r=r: r.reason
    if m.has_options:
        yield st.lev[m.lever] != opt.value, lambda g: f"{opt.words} is already the policy"
    yield (
        pc >= opt.cost,
        lambda g: f"costs {opt.cost:g} political capital, {float(pc[g]):.0f} available",
    )


def legal(gd: GameData, st, j: int, k: int) -> np.ndarray:
    """Bool (n,): may option k of move j be played now, on its own? (The game is not over, its
    requirements hold, it is not already the policy, and its side can afford it.)"""
    ok = np.ones(st.n, bool)
    for mask, _ in _checks(gd, st, j, k):
        ok &= mask
    return ok


def why_illegal(gd: GameData, st, j: int, k: int, game: int = 0) -> str:
    """Why option k of move j cannot be played in game `game` ('' if it can)."""
    for mask, reason in _checks(gd, st, j, k):
        if not mask[game]:
            return reason(game)
    return ""


class Budget:
    """A side's choices for one quarter, built in priority order under legality and its political
    capital: `take(j, k, where)` plays option k of move j in the games where `where` holds, the
    option is legal, the move is not chosen yet and the capital left covers it."""

    def __init__(self, gd: GameData, capital: np.ndarray, legal_of=None):
        self.gd = gd
        self.array = np.full((len(capital), len(gd.moves)), -1, dtype=np.int16)
        self.left = np.asarray(capital, dtype=float).copy()
        self._legal_of = legal_of  # (j, k) -> (n,) bool

    def take(self, j: int, k, where=True) -> np.ndarray:
        n = len(self.left)
        k = np.broadcast_to(np.asarray(k, dtype=np.int64), (n,))
        costs = np.array([o.cost for o in self.gd.moves[j].options])
        cost = costs[k]
        ok = np.broadcast_to(np.asarray(where, bool), (n,)) & (self.array[:, j] < 0)
        ok = ok & self.legal_at(j, k) & (self.left >= cost - EPS)
        self.array[ok, j] = k[ok]
        self.left[ok] -= cost[ok]
        return ok

    def legal_at(self, j: int, k: np.ndarray) -> np.ndarray:
        opts = np.unique(k)
        if len(opts) == 1:
            return self._legal_of(j, int(opts[0]))
        out = np.zeros(len(k), bool)
        for kk in opts:
            out |= (k == kk) & self._legal_of(j, int(kk))
        return out


# ----------------------------------------------------------------------------- moves


def apply_moves(gd: GameData, st, choices: np.ndarray, ledger: Ledger) -> np.ndarray:
    """Apply chosen moves. `choices` is (n, n_moves): option index, or -1 for not chosen.

    Moves are applied in move order; a move that is not legal in a game when its turn comes
    (requirement unmet, already the stance, unaffordable, game over) is skipped in that game.
    Returns the (n, n_moves) mask of moves actually taken.
    """
    taken = np.zeros(choices.shape, bool)
    for j, m in enumerate(gd.moves):
        col = choices[:, j]
        if not ((col >= 0) & ~st.over).any():
            continue
        pc_name = capital_lever(m.side)
        for k, opt in enumerate(m.options):
            mask = (col == k) & legal(gd, st, j, k)
            if not mask.any():
                continue
            taken[:, j] |= mask
            before = st.lev[pc_name].copy()
            set_lever(gd, st, pc_name, st.lev[pc_name] - opt.cost, mask)
            ledger.add(pc_name, "moves' cost", st.lev[pc_name] - before)
            if m.has_options:
                set_lever(gd, st, m.lever, np.full(st.n, opt.value), mask)
            apply_effects(gd, st, opt.effects, mask, ledger, m.name)
    return taken


# ----------------------------------------------------------------------------- lasting effects


def scaled(gd: GameData, st, flow: str, value: np.ndarray, cause: str):
    """A named flow under the moves that hold it at a multiplier while they are in force
    (`scales:` in data/moves.yaml). Returns the flow and its parts as (cause, delta, lever):
    the flow before any scaling under `cause`, then each move's share under the move's name."""
    rules = gd.scalings.get(flow, ())
    if not rules:
        return value, [(cause, value, None)]
    parts = []
    running = value
    for sc in rules:
        on = requirement_mask(st, (sc.condition,))
        factor = np.where(on, sc.factor, 1.0)
        parts.append((sc.label, running * (factor - 1.0), sc.condition.lever))
        running = running * factor
    return running, [(cause, value, None), *parts]


# ----------------------------------------------------------------------------- events


def _signal(st, name: str) -> np.ndarray:
    """What an event modifier reads: a lever, a meter, or one of domains.EVENT_SIGNALS."""
    if name == "tension_rise":  # pressure builds only when tension rises above where it began
        return np.maximum(st.lev["tension"] - st.s["tension_start"], 0.0)
    return st.lev[name] if name in st.lev else st.meters[name]


def event_chances(gd: GameData, st) -> np.ndarray:
    out = np.zeros((st.n, len(gd.events)))
    for i, ev in enumerate(gd.events):
        p = np.full(st.n, ev.chance)
        for name, coef in ev.modifiers:
            p = p + coef * _signal(st, name)
        p = np.clip(p, 0.0, 1.0) * requirement_mask(st, ev.requires)
        if ev.once:
            p = p * ~st.fired[:, i]
        out[:, i] = p
    return out


def fire_events(gd: GameData, st, uniforms: np.ndarray, ledger: Ledger, forced=None):
    """Fire each event where its draw falls under its chance; returns (fired, revealed by side).
    `forced` (n, events) bool: events an inject fires this quarter whatever their chance, where
    their requirements hold (and a once-event has not fired yet)."""
    chances = event_chances(gd, st)
    fired = uniforms < chances
    if forced is not None:
        for i in np.flatnonzero(forced.any(axis=0)):
            ev = gd.events[i]
            can = requirement_mask(st, ev.requires)
            if ev.once:
                can &= ~st.fired[:, i]
            fired[:, i] |= forced[:, i] & can
    fired &= ~st.over[:, None]
    revealed = np.zeros((st.n, 2), bool)
    for i, ev in enumerate(gd.events):
        mask = fired[:, i]
        if not mask.any():
            continue
        apply_effects(gd, st, ev.effects, mask, ledger, ev.name)
        if ev.once:
            st.fired[:, i] |= mask
        if ev.reveals:
            revealed[:, 0 if ev.reveals == "us" else 1] |= mask
    return fired, revealed
