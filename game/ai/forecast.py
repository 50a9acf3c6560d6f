"""Forecasts for a player: a move's preview, the advisors' recommendations, and how the side's
personas did from the same start. All run on the engine's rollouts (`game.ai.rollout`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.ai.base import agent_policy, agent_rng, move_strings, observe, sanitize
from game.ai.personas import PERSONAS, Mixture
from game.ai.registry import make_agent
from game.ai.rollout import TiledRng, fork, rollout
from game.engine.api import Game
from game.engine.data import other_side, score_sign
from game.engine.runner import run

PREVIEW_GAMES = 200
PREVIEW_QUARTERS = 4


@dataclass
class Spread:
    """p10/p50/p90 of a meter's change after `PREVIEW_QUARTERS`, with the move and without it."""

    meter: str
    with_move: tuple[float, float, float]
    without: tuple[float, float, float]

    @property
    def effect(self) -> float:
        """Median difference the move makes."""
        return self.with_move[1] - self.without[1]


@dataclass
class Advice:
    advisor: str  # the persona key
    title: str
    move: str | None  # a move string, or None to hold
    reason: str


def preview_meters(game: Game) -> list[str]:
    """The meters a preview reports: the catalogue's preview meters, the score (the verdict) last."""
    names = game.data.meters_in("preview")
    return [m for m in names if m != "score"] + [m for m in names if m == "score"]


def preview(game: Game, move: str | None, side: str, n: int = PREVIEW_GAMES) -> list[Spread]:
    """The likely effect of `move` over the next quarters against holding: n simulated futures
    each way, sharing their dice, with the other side played by its personas."""
    other = other_side(side)
    batch = game.snapshot()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([game.seed, 99])))
    # rows i and n+i (with and without the move) share their dice: one game, 2 candidates, n futures
    sim = fork(batch, np.zeros(1, dtype=int), 2, n, rng)
    first = sim.no_moves()
    if move:
        c = observe(sim, side).choices()
        c.want(move, np.arange(2 * n) < n)
        first = c.array
    meters = preview_meters(game)
    start = {m: sim.state.meters[m].copy() for m in meters}
    opp = Mixture(other, [cls() for cls in PERSONAS[other].values()])
    half = np.arange(n) % len(PERSONAS[other])
    opp.assign = np.concatenate([half, half])  # each pair faces the same persona
    left = batch.scenario.end - batch.state.q + 1
    rollout(sim, side, first, opp, TiledRng(rng, 1, 2, n), min(PREVIEW_QUARTERS, left))
    out = []
    for m in meters:
        d = sim.state.meters[m] - start[m]
        q = lambda x: tuple(float(v) for v in np.percentile(x, (10, 50, 90)))  # noqa: E731
        out.append(Spread(m, q(d[:n]), q(d[n:])))
    return out


def advisors(game: Game, side: str) -> list[Advice]:
    """The side's personas as advisors: each names its first move now and why, with the engine's
    forecast of that move against holding (changes from the advised side's point of view)."""
    obs = observe(game.snapshot(), side)  # personas only read it: one view serves all three
    sign = score_sign(side)
    out = []
    for key, cls in PERSONAS[side].items():
        persona = cls()
        persona.patience = 0.0
        row = sanitize(obs, persona.act(obs, np.random.default_rng(0)))[0]
        moves = move_strings(game.data, row)
        if not moves:
            out.append(Advice(key, cls.title, None, "Hold: nothing on my list pays now."))
            continue
        first = moves[0]
        sp = {s.meter: s for s in preview(game, first, side, n=100)}
        gap = sp["capability_gap_months"].effect
        score = sp["score"].effect * sign
        gap_txt = (
            f"widens the US lead by {gap:.1f} months"
            if gap > 0.05
            else f"narrows it by {-gap:.1f} months"
            if gap < -0.05
            else "barely moves the capability gap"
        )
        out.append(
            Advice(
                key,
                cls.title,
                first,
                f"{cls.description} Forecast over a year against holding: {gap_txt}; "
                f"our score {score:+.1f}.",
            )
        )
    return out


def compare_with_personas(game: Game, side: str, opponent: str, n: int = 300) -> dict[str, float]:
    """For each persona of `side`: the share of n simulated games of the same start (same scenario,
    same seed, the same `opponent` agent) where the persona ended with a worse score than `game`."""
    if not game.history:
        return {}
    sign = score_sign(side)
    mine = game.meters["score"] * sign
    other = other_side(side)
    out = {}
    for key in PERSONAS[side]:
        pol = {
            side: agent_policy(make_agent(key, side), agent_rng(game.seed, side)),
            other: agent_policy(make_agent(opponent, other), agent_rng(game.seed, other)),
        }
        tr = run(game.scenario, pol["us"], pol["china"], n, game.seed)
        out[key] = float(np.mean(tr.final("score") * sign < mine))
    return out
