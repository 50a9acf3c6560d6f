"""Forecasts for a player: a move's preview, the advisors' recommendations, and how the side's
personas did from the same start. All run on the engine's rollouts (`game.ai.rollout`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from game.ai.base import agent_policy, agent_rng, move_strings, observe, sanitize
from game.ai.personas import PERSONAS, Mixture
from game.ai.registry import make_agent
from game.ai.rollout import TiledRng, fork, rollout
from game.engine.api import Game, favours
from game.engine.batch import Batch
from game.engine.data import Meter, figure_text, other_side, quarter_name, score_sign
from game.engine.runner import run
from game.i18n import _, ngettext, score_text, tc

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


def _paired_futures(game: Game, move: str | None, side: str, n: int):
    """The futures a preview plays: 2n forks of `game` where rows i and n+i (with and without
    `move`) share their dice, the other side played by its personas (each pair facing the same
    one). Returns (sim, first quarter's choices, opponent, dice)."""
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
    opp = Mixture(other, [cls() for cls in PERSONAS[other].values()])
    half = np.arange(n) % len(PERSONAS[other])
    opp.assign = np.concatenate([half, half])  # each pair faces the same persona
    return sim, first, opp, TiledRng(rng, 1, 2, n)


def _quarters_left(sim: Batch) -> int:
    """Quarters still to play in the scenario (0 once it has ended)."""
    return max(sim.scenario.end - sim.state.q + 1, 0)


def preview(game: Game, move: str | None, side: str, n: int = PREVIEW_GAMES) -> list[Spread]:
    """The likely effect of `move` over the next quarters against holding: n simulated futures
    each way, sharing their dice, with the other side played by its personas."""
    sim, first, opp, dice = _paired_futures(game, move, side, n)
    meters = preview_meters(game)
    start = {m: sim.state.meters[m].copy() for m in meters}
    rollout(sim, side, first, opp, dice, min(PREVIEW_QUARTERS, _quarters_left(sim)))
    out = []
    for m in meters:
        d = sim.state.meters[m] - start[m]
        q = lambda x: tuple(float(v) for v in np.percentile(x, (10, 50, 90)))  # noqa: E731
        out.append(Spread(m, q(d[:n]), q(d[n:])))
    return out


PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class PathPreview:
    """A move's likely path to the end of the scenario against holding: for each meter and each
    quarter left, p10/p50/p90 of the meter's value at the end of that quarter over `n` futures with
    the move and `n` without it (pairs sharing their dice). The score is US-positive (+ favours the
    US, − China) whichever side moves; `side` is the side that plays the move, so a UI can say
    which way is good for the player (`score_sign(side)`)."""

    side: str
    move: str | None
    n: int
    quarters: tuple[str, ...]  # the quarters played, "2025Q1", …; values are at each one's end
    meters: tuple[str, ...]  # the score first, then the catalogue's preview meters
    specs: dict[str, Meter]  # each meter's catalogue entry (name, unit, fmt, why)
    start: dict[str, float]  # each meter's value now, before the first of `quarters`
    with_move: dict[str, np.ndarray] = field(repr=False)  # meter -> (len(quarters), 3)
    without: dict[str, np.ndarray] = field(repr=False)  # meter -> (len(quarters), 3)

    @property
    def sign(self) -> int:
        """+1 when a higher score is good for `side`, −1 when a lower one is."""
        return score_sign(self.side)

    def effect(self, meter: str) -> np.ndarray:
        """The median's difference the move makes, quarter by quarter (in the meter's units)."""
        return self.with_move[meter][:, 1] - self.without[meter][:, 1]


def path_meters(game: Game) -> list[str]:
    """The meters a path preview follows: the score first, then the other preview meters."""
    names = preview_meters(game)
    return [m for m in names if m == "score"] + [m for m in names if m != "score"]


def preview_path(game: Game, move: str | None, side: str, n: int = PREVIEW_GAMES) -> PathPreview:
    """`preview`'s paired futures (the same dice and opponents) played to the end of the scenario,
    with each preview meter's p10/p50/p90 recorded after every quarter, with the move and without.
    The first PREVIEW_QUARTERS quarters are exactly the futures `preview` plays."""
    sim, first, opp, dice = _paired_futures(game, move, side, n)
    meters = path_meters(game)
    q0, left = sim.state.q, _quarters_left(sim)
    start = {m: float(sim.state.meters[m][0]) for m in meters}
    seen = {m: np.empty((left, 2 * n)) for m in meters}
    for h in range(left):
        # one quarter at a time, so each quarter's values can be read; the dice run on as in one call
        rollout(sim, side, first if h == 0 else sim.no_moves(), opp, dice, 1)
        for m in meters:
            seen[m][h] = sim.state.meters[m]
    with_move, without = {}, {}
    for m in meters:
        # (3, quarters, 2, n) -> per half: (quarters, 3)
        p = np.percentile(seen[m].reshape(left, 2, n), PERCENTILES, axis=2)
        with_move[m] = np.ascontiguousarray(p[:, :, 0].T)
        without[m] = np.ascontiguousarray(p[:, :, 1].T)
    return PathPreview(
        side,
        move,
        n,
        tuple(quarter_name(q0 + h) for h in range(left)),
        tuple(meters),
        {m: game.data.meters[m] for m in meters},
        start,
        with_move,
        without,
    )


ADVISOR_TRIES = 3  # an advisor forecasts up to this many of its wants, looking for one that pays


def _gap_text(gap: float) -> str:
    if gap > 0.05:
        return _("widens the US lead by {months} months").format(months=f"{gap:.1f}")
    if gap < -0.05:
        return _("narrows it by {months} months").format(months=f"{-gap:.1f}")
    return _("barely moves the capability gap")


def advisors(game: Game, side: str) -> list[Advice]:
    """The side's personas as advisors: each names a move now and why, with the engine's forecast
    of that move against holding (changes from the advised side's point of view).

    An advisor forecasts its wants in priority order (up to ADVISOR_TRIES) and recommends the first
    its forecast says does not lose; when every one loses, it recommends its first want and says so,
    and why it still stands by it (the argument it speaks for pays beyond the forecast's year)."""
    obs = observe(game.snapshot(), side)  # personas only read it: one view serves all three
    sign = score_sign(side)
    out = []
    for key, cls in PERSONAS[side].items():
        persona = cls()
        persona.patience = 0.0
        row = sanitize(obs, persona.act(obs, np.random.default_rng(0)))[0]
        moves = move_strings(game.data, row)
        if not moves:
            out.append(Advice(key, cls.title, None, _("Hold: nothing on my list pays now.")))
            continue
        tried = []
        for move in moves[:ADVISOR_TRIES]:
            sp = {s.meter: s for s in preview(game, move, side, n=100)}
            # judged as shown (to one decimal): a move that shows as "even 0.0" does not lose
            score = round(sp["score"].effect * sign, 1)
            tried.append((move, sp["capability_gap_months"].effect, score))
            if score >= 0:
                break
        move, gap, score = next((t for t in tried if t[2] >= 0), tried[0])
        reason = _(
            "{description} Forecast over a year against holding: {gap}; the score moves {score}."
        ).format(
            description=tc(cls.description),
            gap=_gap_text(gap),
            score=score_text(score * sign, side=favours(score * sign)),
        )
        if score < 0:
            why = _("; ").join(tc(figure_text(game.data, f)) for f in cls.speaks_for)
            why = why or _("my reading of the documents")
            others = len(tried) - 1
            if others:
                text = ngettext(
                    "It loses points this year, as did the other {n} move I weighed; I still "
                    "advise it: it is the case the documents I speak for make ({why}), and it "
                    "pays beyond the forecast's year if at all.",
                    "It loses points this year, as did the other {n} moves I weighed; I still "
                    "advise it: it is the case the documents I speak for make ({why}), and it "
                    "pays beyond the forecast's year if at all.",
                    others,
                )
            else:
                text = _(
                    "It loses points this year; I still advise it: it is the case the documents "
                    "I speak for make ({why}), and it pays beyond the forecast's year if at all."
                )
            reason += " " + text.format(n=others, why=why)
        out.append(Advice(key, cls.title, move, reason))
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
