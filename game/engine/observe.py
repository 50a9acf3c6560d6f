"""The observation rule: what one side may see of a game, used by the API, every agent, the env and the UI.

The rule for covert moves: the other side sees neither the move nor its effects until it is exposed
(by an event that reveals that side, or by the quarterly chance of intelligence or press exposing
it). Until then the stance it set is hidden, the causes it drives in "why" are folded into one
"unexplained (covert)" cause, and the channels of China's compute it feeds are folded into one
"unexplained (covert)" channel. Meters are public: both sides see every meter's value.
"""

from __future__ import annotations

import numpy as np

from game.engine import model
from game.engine.data import GameData, other_side
from game.engine.ledger import COVERT


def covert_lever(m) -> str | None:
    """The lever a covert move sets or keeps its lasting effect on (what stays hidden)."""
    if m.lever:
        return m.lever
    return m.lasts_while.lever if m.lasts_while else None


def covert_levers(gd: GameData, viewer: str) -> list[str]:
    """Levers the other side's covert moves set: the ones `viewer` may not be able to see."""
    other = other_side(viewer)
    out = []
    for m in gd.moves:
        lever = covert_lever(m) if m.covert and m.side == other else None
        if lever and lever not in out:
            out.append(lever)
    return out


def hidden_levers(gd: GameData, st, viewer: str) -> dict[str, np.ndarray]:
    """For each lever `viewer` may not see, where (per game) it is hidden now: a covert move of the
    other side that set it has not been exposed yet."""
    other = other_side(viewer)
    out: dict[str, np.ndarray] = {}
    for j, m in enumerate(gd.moves):
        lever = covert_lever(m) if m.covert and m.side == other else None
        if lever:
            out[lever] = out.get(lever, np.zeros(st.n, bool)) | st.unexposed[:, j]
    return out


def visible_levers(gd: GameData, st, viewer: str) -> dict[str, np.ndarray]:
    """Every lever as `viewer` sees it: NaN where a covert move keeps it hidden."""
    hidden = hidden_levers(gd, st, viewer)
    return {k: (np.where(hidden[k], np.nan, v) if k in hidden else v) for k, v in st.lev.items()}


def fold_causes(
    causes: dict[str, float], tags: dict[str, str], hidden: set[str]
) -> dict[str, float]:
    """One meter's causes with those driven by a hidden lever summed into one covert cause."""
    out: dict[str, float] = {}
    covert = 0.0
    for cause, value in causes.items():
        if tags.get(cause) in hidden:
            covert += value
        else:
            out[cause] = value
    if covert:
        out[COVERT] = covert
    return dict(sorted(out.items(), key=lambda cv: -abs(cv[1])))


def channel_levers(gd: GameData) -> dict[str, str]:
    """Which channel of China's compute each lever feeds (covert stances and lasting effects)."""
    out = dict(model.LEVER_CHANNEL)
    for flow, rules in gd.scalings.items():
        for sc in rules:
            if flow in model.FLOW_CHANNEL:
                out.setdefault(sc.condition.lever, model.FLOW_CHANNEL[flow])
    return out


def fold_channels(gd: GameData, channels: dict[str, float], hidden: set[str]) -> dict[str, float]:
    """China's compute by channel with the channels a hidden lever feeds folded into one."""
    feeds = channel_levers(gd)
    folded = {feeds[lv] for lv in hidden if lv in feeds}
    out = {k: v for k, v in channels.items() if k not in folded}
    if folded:
        out[COVERT] = sum(channels[k] for k in folded)
    return out
