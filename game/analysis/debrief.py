"""The debrief report of a saved game: what was played, what it did, and what else could have been.

    from game.analysis.debrief import report
    html = report("saves/team-a.json", fmt="html", lang="zh")     # one self-contained page
    report("saves/team-a.json", fmt="md", out=Path("debrief.md"))  # + one .svg per chart beside it

The report holds: a summary (who played, the result and why); charts of the key meters quarter by
quarter (inline SVG drawn by matplotlib); the turning points (the quarters that moved the score
most, with the moves and events then); the score's parts at the end; a timeline (both sides' moves
in words, the events with their headlines, the facilitator's injects, and the teams' journal:
rationales and predictions against what happened); and a counterfactual: (a) how each of the
player's side's personas played from the same start and seed, and (b) at the biggest turning point,
every legal move of the player's side (and the planner's pick) simulated from that quarter's state
on shared dice, with the best alternative's likely effect on the final score and its p10–p90.

A save is hostile input (it travels between players): it is read with the engine's checks, and
every text it carries is escaped where it is shown. `build()` does the work once; `render()` writes
it in either format and either language. The CLI's `g2 report` is `add_report_parser`.

This module's import is light (the CLI builds its parser from it): numpy, the engine, the AI and
matplotlib are imported where they are used.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.analysis.reportdoc import (
    Break,
    Bullets,
    Document,
    Figure,
    Inline,
    Para,
    ReportError,
    Section,
    Strong,
    Table,
    add_output_options,
    axis_score,
    change_text,
    chart_names,
    check_format,
    clean_number,
    clean_text,
    fail,
    favours,
    fill,
    labelled,
    localised,
    meter_text,
    output_format,
    positive_int,
    render_document,
    score_range,
    score_text,
    scored,
    short_range,
    side_label,
    side_subject,
    side_title,
    write_document,
    wrote_message,
)
from game.i18n import N_, _, language, tc

if TYPE_CHECKING:  # pragma: no cover
    from game.engine.api import Game

SIDES = ("us", "china")
FORECAST_GAMES = 200  # simulated futures per choice in the counterfactual (b)
PLANNER_LEVEL = 1  # the planner whose pick joins the choices in (b)
TURNING_POINTS = 3
MAX_JOURNAL = 2000  # journal entries read from a save
ALTERNATIVES_SHOWN = 6  # rows of the ranking table in (b)
MAX_PREDICTION = 1e12  # a journal's predicted value beyond this is no prediction of a meter

# the charts of the key meters, in the order shown
METER_CHARTS = ("score", "gap", "compute", "shares", "bubble")


# ----------------------------------------------------------------------------- the record


@dataclass
class JournalEntry:
    quarter: str
    side: str
    rationale: str
    meter: str | None = None
    predicted: float | None = None
    actual: float | None = None
    error: float | None = None


@dataclass
class Inject:
    """A facilitator's inject as the save records it: a catalogue event or a custom headline."""

    event: str | None = None
    headline: str | None = None
    changes: list[tuple[str, str, float | str]] = field(
        default_factory=list
    )  # (kind, lever, value)


@dataclass
class Event:
    id: str
    name: str
    headline: str


@dataclass
class Quarter:
    """One quarter of a recorded game."""

    index: int
    quarter: str
    moves: dict[str, list[str]]
    events: list[Event]
    injects: list[Inject]
    journal: list[JournalEntry]
    score_before: float
    score_after: float

    @property
    def change(self) -> float:
        return self.score_after - self.score_before


@dataclass
class Record:
    """A save, replayed: the game at its end and everything the report needs of each quarter."""

    path: Path
    game: Game
    history: list[dict[str, Any]]  # the save's own history (with its injects)
    side: str
    opponent: str
    team: str
    quarters: list[Quarter]
    extra: dict[str, Any]

    @property
    def scenario(self) -> str:
        return self.game.scenario

    @property
    def seed(self) -> int:
        return self.game.seed

    def scores(self) -> list[float]:
        """The score at the start and after every quarter played."""
        return [m["score"] for m in self.game.meter_history]

    def meter_path(self, meter: str) -> list[float]:
        return [m[meter] for m in self.game.meter_history]


def _play(game: Game, rec: dict[str, Any]):
    """Play one recorded quarter with its facilitator's injects."""
    moves = {"us": list(rec.get("us", [])), "china": list(rec.get("china", []))}
    injects = rec.get("injects")
    return game.play_turn(moves, injects=injects) if injects else game.play_turn(moves)


def _replay(like: Game, history: Sequence[dict[str, Any]]) -> tuple[Game, list]:
    """A fresh game of `like`'s scenario, seed and data (a scenario file's too) with `history`
    played: (the game, each quarter's TurnResult)."""
    from game.engine.api import Game

    game = Game(like.scenario, like.seed, like.data)
    results = [_play(game, rec) for rec in history]
    return game, results


def _injects(raw: Any) -> list[Inject]:
    out: list[Inject] = []
    if not isinstance(raw, list):
        return out
    for item in raw[:50]:
        if not isinstance(item, dict):
            continue
        event = clean_text(item.get("event"), 80)
        headline = localised(item.get("headline"))
        changes: list[tuple[str, str, float | str]] = []
        for kind in ("set", "add", "mul"):
            block = item.get(kind) if isinstance(item.get(kind), dict) else {}
            for k, v in list(block.items())[:50]:
                x = clean_number(v) if clean_number(v) is not None else clean_text(v, 64)
                if isinstance(k, str) and x is not None:
                    changes.append((kind, k[:64], x))
        if event or headline or changes:
            out.append(Inject(event, headline, changes))
    return out


def _journal(raw: Any, game: Game, index: dict[str, int]) -> list[JournalEntry]:
    """The journal entries a save's `extra.journal` holds (malformed ones are left out), each
    prediction's actual value and error taken from the replayed game where its quarter was played
    (error = predicted − actual), else from the entry."""
    out: list[JournalEntry] = []
    if not isinstance(raw, list):
        return out
    history = game.meter_history
    for item in raw[:MAX_JOURNAL]:
        if not isinstance(item, dict):
            continue
        quarter = clean_text(item.get("quarter"), 16)
        side = item.get("side")
        if not quarter or side not in SIDES:
            continue
        entry = JournalEntry(quarter, side, clean_text(item.get("rationale")) or "")
        pred = item.get("prediction")
        if isinstance(pred, dict):
            meter = clean_text(pred.get("meter"), 60)
            value = clean_number(pred.get("value"))
            if meter and value is not None and abs(value) <= MAX_PREDICTION:
                entry.meter, entry.predicted = meter, value
                i = index.get(quarter)
                if i is not None and meter in history[i + 1]:
                    entry.actual = history[i + 1][meter]
                else:
                    entry.actual = clean_number(item.get("actual"))
                if entry.actual is not None:
                    entry.error = value - entry.actual
        if entry.rationale or entry.meter:
            out.append(entry)
    return out


def load_record(path: str | Path) -> Record:
    """Read and replay a save (the engine's checks: SaveError, one line, for a bad file)."""
    from game.ai.catalog import default_opponent
    from game.engine.api import load_game, read_save

    p = Path(path)
    body = read_save(p)
    game = load_game(p, body)
    from game.i18n import add_translations

    add_translations(game.data.translations)  # a scenario file's own Chinese, embedded in the save
    extra = body.get("extra") or {}
    side = extra.get("side") if extra.get("side") in SIDES else "us"
    opponent = clean_text(extra.get("opponent"), 64) or default_opponent(side)
    team = clean_text(extra.get("team"), 80) or p.stem
    history = game.history  # the save's, replayed and checked (its injects in canonical form)
    # the events' headlines come from replaying the quarters (the save keeps only the events' ids);
    # when that replay does not reach the save's state, the events are named without headlines
    replayed, results = _replay(game, history)
    if replayed.digest() != game.digest():
        results = []
    gd = game.data
    names = {e.id: e.name for e in gd.events}
    index = {rec["quarter"]: i for i, rec in enumerate(game.history)}
    journal = _journal(extra.get("journal"), game, index)
    scores = [m["score"] for m in game.meter_history]
    quarters = []
    for i, rec in enumerate(game.history):
        if i < len(results):
            events = [Event(e.id, e.name, e.headline) for e in results[i].events]
        else:
            events = [Event(e, names.get(e, e), "") for e in rec["events"]]
        quarters.append(
            Quarter(
                i,
                rec["quarter"],
                {s: list(rec[s]) for s in SIDES},
                events,
                _injects(rec.get("injects")),
                [j for j in journal if j.quarter == rec["quarter"]],
                scores[i],
                scores[i + 1],
            )
        )
    return Record(p, game, [dict(h) for h in history], side, opponent, team, quarters, extra)


def turning_points(record: Record, k: int = TURNING_POINTS) -> list[Quarter]:
    """The k quarters whose score moved most, largest first (as the game-over screen ranks them)."""
    return sorted(record.quarters, key=lambda q: -abs(q.change))[:k]


def move_words(game: Game, move: str) -> str:
    """A move string in words, in the language; covert moves say so."""
    gd = game.data
    text = tc(game.move_label(move))
    j = gd.move_index.get(move.partition(":")[0])
    if j is not None and gd.moves[j].covert:
        text += _(" (covert)")
    return text


def moves_words(game: Game, moves: Sequence[str]) -> str:
    return _(", ").join(move_words(game, m) for m in moves) if moves else _("no moves")


def opponent_title(spec: str, side: str) -> str:
    """An opponent spec in words: a persona's title, the planner and its level, a second player."""
    from game.ai.catalog import PERSONA_INFO

    name, _sep, level = spec.partition(":")
    if spec == "human":
        return _("a second player (hot-seat)")
    if name == "planner":
        return _("Planner (level {level})").format(level=level or "2")
    if name == "random-persona":
        return _("a persona drawn at random")
    if name == "hold":
        return _("a passive player (holds)")
    info = PERSONA_INFO.get(side, {}).get(spec)
    return tc(info.title) if info else spec


# ----------------------------------------------------------------------------- counterfactuals


@dataclass
class PersonaRun:
    key: str
    title: str  # in English: translated where shown
    scores: list[float]
    result: str | None
    top_moves: list[tuple[str, int]]

    @property
    def final(self) -> float:
        return self.scores[-1]


def _agent_rng(seed: int, side: str, q: int):
    """An AI's dice in one quarter, as the terminal UI seeds its opponent's (session._agent_rng)."""
    import numpy as np

    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([seed, 7, SIDES.index(side), q]))
    )


def comparison_opponent(record: Record) -> str:
    """The opponent the personas face in (a): the save's, when it is a persona; else the default
    opponent of the player's side."""
    from game.ai.catalog import PERSONA_INFO, default_opponent

    other = "china" if record.side == "us" else "us"
    return (
        record.opponent if record.opponent in PERSONA_INFO[other] else default_opponent(record.side)
    )


def persona_runs(record: Record) -> list[PersonaRun]:
    """(a) Each persona of the player's side playing the scenario from the same start and seed,
    against `comparison_opponent`, with the save's facilitator injects at the same quarters: as
    many quarters as the save played (to the end when the save's game is over)."""
    from game.ai import decide, make_agent
    from game.ai.catalog import PERSONA_INFO
    from game.engine.api import Game

    if not record.quarters:
        return []
    like = record.game
    side = record.side
    other = "china" if side == "us" else "us"
    opponent = comparison_opponent(record)
    sc = record.game.data.scenarios[record.scenario]
    quarters = sc.quarters if record.game.over else len(record.quarters)
    out = []
    for key, info in PERSONA_INFO[side].items():
        game = Game(like.scenario, like.seed, like.data)
        me, them = make_agent(key, side), make_agent(opponent, other)
        me.reset(1)
        them.reset(1)
        counts: Counter[str] = Counter()
        for q in range(quarters):
            if game.over:
                break
            mine = decide(me, game, _agent_rng(record.seed, side, q))
            theirs = decide(them, game, _agent_rng(record.seed, other, q))
            counts.update(mine)
            rec = {side: mine, other: theirs}
            if q < len(record.history) and record.history[q].get("injects"):
                rec["injects"] = record.history[q]["injects"]
            _play(game, rec)
        scores = [m["score"] for m in game.meter_history]
        out.append(PersonaRun(key, info.title, scores, game.result, counts.most_common(3)))
    return out


@dataclass
class Choice:
    """One choice simulated in (b): the moves (empty: hold), the final score's p10/p50/p90 over the
    futures, and the difference it makes against what was played, future by future (US-positive)."""

    moves: tuple[str, ...]
    final: tuple[float, float, float]
    versus_played: tuple[float, float, float]
    played: bool = False
    planner: bool = False
    mean_gain: float = 0.0  # the side's mean gain against what was played (its ranking key)


@dataclass
class Alternative:
    """(b) The choices at the biggest turning point, best first for the side."""

    quarter: Quarter
    side: str
    n: int
    choices: list[Choice]
    best: Choice | None
    played: Choice
    planner_pick: tuple[str, ...] | None
    planner_level: int
    future_quarters: list[str]
    paths: dict[str, Any]  # "played" / "best": (quarters, 3) p10/p50/p90 of the score
    start_score: float
    meter_effects: list[Any] = field(default_factory=list)  # forecast.Spread of the best move


def _percentiles(x) -> tuple[float, float, float]:
    import numpy as np

    return tuple(float(v) for v in np.percentile(x, (10, 50, 90)))  # type: ignore[return-value]


def best_alternative(
    record: Record, n: int = FORECAST_GAMES, planner_level: int = PLANNER_LEVEL
) -> Alternative | None:
    """(b) At the biggest turning point: replay the save to that quarter; simulate n futures for
    each choice the player's side had (what it played, holding, every legal move on its own, the
    planner's pick), all on the same dice and against the other side's personas (as the game's
    move preview plays them: the side makes no further moves, so the difference is that quarter's
    choice); rank them by the side's mean gain in the final score against what was played. The
    best alternative's effect over the next year on every preview meter comes from
    game.ai.forecast.preview."""
    import numpy as np

    from game.ai import decide
    from game.ai.base import observe
    from game.ai.forecast import preview
    from game.ai.personas import PERSONAS, Mixture
    from game.ai.planner import Planner
    from game.ai.rollout import TiledRng, fork, rollout
    from game.engine.data import quarter_name, score_sign

    if n < 1:
        raise ReportError(_("the number of simulated games must be at least 1"))
    if not record.quarters:
        return None
    turn = max(record.quarters, key=lambda q: abs(q.change))
    game, _results = _replay(record.game, record.history[: turn.index])
    if game.over:
        return None
    side, other = record.side, "china" if record.side == "us" else "us"
    played = tuple(turn.moves[side])
    pick = tuple(
        decide(Planner(side, planner_level), game, _agent_rng(record.seed, side, 1000 + turn.index))
    )
    cands: list[tuple[str, ...]] = [played, ()]
    for mv in game.legal_moves(side):
        cands.extend((s,) for s in mv.ids())
    cands.append(pick)
    seen: set[tuple[str, ...]] = set()
    unique = []
    for c in cands:
        key = tuple(sorted(c))
        if key not in seen:
            seen.add(key)
            unique.append(c)
    cands = unique
    K = len(cands)
    batch = game.snapshot()
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([record.seed, 99, turn.index]))
    )
    sim = fork(batch, np.zeros(1, dtype=int), K, n, rng)
    rows = np.arange(K * n) // n
    choices = observe(sim, side).choices()
    playable = np.ones(K, bool)
    for k, cand in enumerate(cands):
        for mv in cand:
            took = choices.want(mv, rows == k)
            playable[k] &= bool(took[rows == k].all())
    first = choices.array
    opp = Mixture(other, [cls() for cls in PERSONAS[other].values()])
    opp.assign = np.tile(np.arange(n) % len(PERSONAS[other]), K)  # each future: one persona
    dice = TiledRng(rng, 1, K, n)
    q0 = sim.state.q
    left = max(sim.scenario.end - q0 + 1, 0)
    path = np.empty((left, K * n))
    for h in range(left):
        rollout(sim, side, first if h == 0 else sim.no_moves(), opp, dice, 1)
        path[h] = sim.state.meters["score"]
    final = path[-1].reshape(K, n)
    sign = score_sign(side)
    out = []
    for k, cand in enumerate(cands):
        if not playable[k]:
            continue
        diff = final[k] - final[0]
        out.append(
            Choice(
                cand,
                _percentiles(final[k]),
                _percentiles(diff),
                played=k == 0,
                planner=tuple(sorted(cand)) == tuple(sorted(pick)),
                mean_gain=float(np.mean(diff) * sign),
            )
        )
    out.sort(key=lambda c: (-c.mean_gain, len(c.moves)))
    played_choice = next(c for c in out if c.played)
    others = [c for c in out if not c.played]
    best = others[0] if others else None
    paths = {}
    by_moves = {cands[k]: k for k in range(K)}
    for name, choice in (("played", played_choice), ("best", best)):
        if choice is None:
            continue
        k = by_moves[choice.moves]
        seg = path[:, k * n : (k + 1) * n]
        paths[name] = np.percentile(seg, (10, 50, 90), axis=1).T
    effects = []
    if best is not None and len(best.moves) == 1:
        effects = preview(game, best.moves[0], side, n)
    return Alternative(
        turn,
        side,
        n,
        out,
        best,
        played_choice,
        pick,
        planner_level,
        [quarter_name(q0 + h) for h in range(left)],
        paths,
        game.meters["score"],
        effects,
    )


# ----------------------------------------------------------------------------- the debrief


@dataclass
class Debrief:
    record: Record
    turning: list[Quarter]
    breakdown: list[dict[str, Any]]
    personas: list[PersonaRun]
    opponent_for_personas: str
    alternative: Alternative | None
    simulated: bool = True  # False: built without the counterfactual


def build(
    save_path: str | Path,
    *,
    n: int = FORECAST_GAMES,
    planner_level: int = PLANNER_LEVEL,
    counterfactual: bool = True,
) -> Debrief:
    """Everything the report shows, computed once (render it in any format and language). `n` is
    the number of simulated futures per choice in the counterfactual (b); `counterfactual=False`
    leaves (a) and (b) out."""
    record = load_record(save_path)
    personas = persona_runs(record) if counterfactual else []
    alt = best_alternative(record, n, planner_level) if counterfactual else None
    return Debrief(
        record,
        turning_points(record),
        record.game.score_breakdown(),
        personas,
        comparison_opponent(record),
        alt,
        counterfactual,
    )


# ----------------------------------------------------------------------------- the report's content


def quarter_labels(record: Record) -> list[str]:
    return [_("start"), *(q.quarter for q in record.quarters)]


def win_margin(game: Game) -> float:
    """The score a side needs at the end to win: the scenario's `victory.margin` where the engine
    gives scenarios one, else params.yaml's."""
    margin = getattr(game, "win_margin", None)  # Game.win_margin: the scenario's, else params'
    return float(margin if margin is not None else game.data.params["win_margin"])


# marked with N_, translated where shown: _(RESULT_WORDS[result])
RESULT_WORDS = {
    "us": N_("The United States wins"),
    "china": N_("China wins"),
    "draw": N_("Draw"),
}


def result_text(game: Game) -> str:
    if game.result is None:
        return _("Not finished: {quarters} quarters played, next {quarter}").format(
            quarters=len(game.history), quarter=game.quarter
        )
    return _(RESULT_WORDS[game.result])


def result_reason(game: Game) -> str:
    """Why the game ended as it did (or where it stands)."""
    p = game.data.params
    dq, us_gap = int(p["decisive_quarters"]), float(p["us_decisive_gap"])
    gaps = [m["capability_gap_months"] for m in game.meter_history[1:]]
    last = gaps[-dq:] if len(gaps) >= dq else []
    margin = win_margin(game)
    score = score_text(game.meters["score"])
    if game.result == "us" and last and all(g >= us_gap for g in last):
        return _(
            "The US held a capability lead of {lead} months or more for {dq} quarters in a row."
        ).format(lead=f"{us_gap:g}", dq=dq)
    if game.result == "china" and last and all(g < 0 for g in last):
        return _("China's frontier led the US for {dq} quarters in a row.").format(dq=dq)
    if game.result is None:
        return _(
            "The score stands at {score}; a win at the end needs {margin} points either way."
        ).format(score=score, margin=f"{margin:g}")
    return _("Final score {score}; a win needs {margin} points either way.").format(
        score=score, margin=f"{margin:g}"
    )


def _meter_name(game: Game, meter: str) -> str:
    m = game.data.meters.get(meter)
    return tc(m.name) if m else meter


def _meter_fmt(game: Game, meter: str) -> str:
    m = game.data.meters.get(meter)
    return m.fmt if m else ""


def _charts(d: Debrief) -> list[Figure]:
    from game.analysis.svgcharts import (
        CHINA_RED,
        HUAWEI_RED,
        NVIDIA_GREEN,
        US_BLUE,
        Line,
        Mark,
        line_chart,
    )

    r, game = d.record, d.record.game
    x = quarter_labels(r)
    margin = win_margin(game)
    scores = r.scores()
    marks = [Mark(q.index + 1, q.score_after, q.quarter) for q in d.turning]
    name = lambda m: _meter_name(game, m)  # noqa: E731
    figs = [
        Figure(
            "score",
            name("score"),
            lambda: line_chart(
                "score",
                name("score"),
                x,
                [Line(name("score"), scores, "#222222", marker="o")],
                zero=True,
                hband=(
                    -margin,
                    margin,
                    _("draw zone (within {margin})").format(margin=f"{margin:g}"),
                ),
                marks=marks,
                yfmt=axis_score,
            ),
            _("Up: towards the US; down: towards China. Circled: the turning points."),
        ),
        Figure(
            "gap",
            name("capability_gap_months"),
            lambda: line_chart(
                "gap",
                name("capability_gap_months"),
                x,
                [
                    Line(
                        name("capability_gap_months"),
                        r.meter_path("capability_gap_months"),
                        "#6a3d9a",
                        marker="o",
                    )
                ],
                ylabel=_("months (+: the US ahead)"),
                zero=True,
            ),
            _("How many months China's best models trail the US frontier."),
        ),
        Figure(
            "compute",
            _("Compute: the US and China"),
            lambda: line_chart(
                "compute",
                _("Compute: the US and China"),
                x,
                [
                    Line(name("us_compute"), r.meter_path("us_compute"), US_BLUE, marker="o"),
                    Line(name("cn_compute"), r.meter_path("cn_compute"), CHINA_RED, marker="o"),
                ],
                ylabel=_("B300-equivalents (log scale)"),
                logy=True,
                yfmt=lambda v: meter_text(v, "compute"),
            ),
            _("Effective installed compute on each side, in B300-equivalents."),
        ),
        Figure(
            "shares",
            _("China's chip market: Nvidia and Huawei"),
            lambda: line_chart(
                "shares",
                _("China's chip market: Nvidia and Huawei"),
                x,
                [
                    Line(
                        name("nvidia_cn_share"),
                        r.meter_path("nvidia_cn_share"),
                        NVIDIA_GREEN,
                        marker="o",
                    ),
                    Line(
                        name("huawei_cn_share"),
                        r.meter_path("huawei_cn_share"),
                        HUAWEI_RED,
                        marker="o",
                    ),
                ],
                ylabel=_("share of China's AI chip market (%)"),
            ),
            "",
        ),
        Figure(
            "bubble",
            name("bubble_risk"),
            lambda: line_chart(
                "bubble",
                name("bubble_risk"),
                x,
                [Line(name("bubble_risk"), r.meter_path("bubble_risk"), "#e08e0b", marker="o")],
                ylabel=_("risk index"),
            ),
            "",
        ),
    ]
    return figs


def _events_inline(ev: Event, by_facilitator: bool = False) -> Inline:
    """An event with its headline: catalogue events by name, the scenario's scripted news as
    'Scripted', the facilitator's custom news as 'Facilitator'."""
    names = {"inject": _("Scripted"), "facilitator": _("Facilitator")}
    name = names.get(ev.id) or tc(ev.name)
    if by_facilitator:
        name += _(" (fired by the facilitator)")
    if ev.headline and ev.headline.strip() != ev.name.strip():
        return fill(_("{who}: {what}"), who=Strong(name), what=tc(ev.headline.strip()))
    return Strong(name)


def _change_words(game: Game, kind: str, lever: str, value: float | str) -> str:
    """One lever change of an inject in words: 'Tension +10', 'RASA stage = Senate floor', '×1.5'."""
    L = game.data.levers.get(lever)
    name = tc(L.name) if L is not None and L.name else lever
    if isinstance(value, str):
        if L is not None and value in L.options:
            value = tc(L.option_words(L.options.index(value)))
        return f"{name} = {value}"
    if kind == "add":
        return f"{name} {value:+g}"
    if kind == "mul":
        return f"{name} ×{value:g}"
    if L is not None and L.options and float(value).is_integer() and 0 <= value < len(L.options):
        return f"{name} = {tc(L.option_words(int(value)))}"
    return f"{name} = {value:g}"


def _quarter_news(game: Game, q: Quarter) -> list[Inline]:
    """The quarter's facilitator injects and events, each once: a custom inject with its headline
    and what it changed; a catalogue event the facilitator fired marked as such."""
    fired = {inj.event for inj in q.injects if inj.event}
    items: list[Inline] = []
    custom = [inj for inj in q.injects if not inj.event]
    for inj in custom:
        text = inj.headline or _("a custom inject")
        changes = [_change_words(game, k, lever, v) for k, lever, v in inj.changes]
        if changes:
            text = f"{text} ({_(', ').join(changes)})"
        items.append(fill(_("{who}: {what}"), who=Strong(_("Facilitator")), what=text))
    shown = set()
    for ev in q.events:
        if ev.id == "facilitator" and custom:
            continue  # shown above, with what it changed
        items.append(_events_inline(ev, ev.id in fired))
        shown.add(ev.id)
    for eid in sorted(fired - shown):  # (when the events could not be replayed with headlines)
        ev = next((e for e in game.data.events if e.id == eid), None)
        items.append(_events_inline(Event(eid, ev.name if ev else eid, ""), True))
    return items


def _journal_inline(game: Game, j: JournalEntry) -> Inline:
    who = side_label(j.side)
    prediction = ""
    if j.meter is not None and j.predicted is not None:
        fmt = _meter_fmt(game, j.meter)
        if j.meter == "score":  # scores are written for the side they favour
            value, change = score_text, lambda x: f"{x:+.1f}".replace("-", "−")
        else:
            value, change = (lambda x: meter_text(x, fmt)), (lambda x: change_text(x, fmt))
        if j.actual is None:
            prediction = _("predicted {meter} {value} (not yet resolved)").format(
                meter=_meter_name(game, j.meter), value=value(j.predicted)
            )
        else:
            prediction = _("predicted {meter} {value}, actual {actual}, error {error}").format(
                meter=_meter_name(game, j.meter),
                value=value(j.predicted),
                actual=value(j.actual),
                error=change(j.error or 0.0),
            )
    if j.rationale and prediction:
        text = _("“{rationale}”; {prediction}").format(rationale=j.rationale, prediction=prediction)
    elif j.rationale:
        text = _("“{rationale}”").format(rationale=j.rationale)
    else:
        text = prediction
    return fill(
        _("{journal}: {text}"), journal=Strong(_("Journal ({side})").format(side=who)), text=text
    )


def _moves_line(game: Game, side: str, moves: Sequence[str]) -> Inline:
    return fill(_("{side}: {moves}"), side=Strong(side_label(side)), moves=moves_words(game, moves))


def _summary(d: Debrief) -> Section:
    r, game = d.record, d.record.game
    blocks: list[Any] = [
        Para(
            fill(
                _("{result}. {reason}"),
                result=Strong(result_text(game)),
                reason=result_reason(game),
            ),
            "lead",
        ),
    ]
    final = game.meters["score"]
    parts = sorted(d.breakdown, key=lambda p: -abs(p["points"]))
    played = _("{team} played {side} against {opponent}.").format(
        team=r.team,
        side=side_title(r.side),
        opponent=opponent_title(r.opponent, "china" if r.side == "us" else "us"),
    )
    if parts:
        final_text = fill(
            _("Final score: {score}; its largest part: {part} ({points})."),
            score=scored(final),
            part=tc(parts[0]["part"]),
            points=score_text(parts[0]["points"]),
        )
    else:
        final_text = fill(_("Final score: {score}."), score=scored(final))
    blocks.append(Para([played, " ", *final_text]))
    journal = [j for q in r.quarters for j in q.journal]
    if journal:
        predicted = [j for j in journal if j.error is not None]
        blocks.append(
            Para(
                _(
                    "The journal holds {entries} entries; {predictions} predictions were checked against what happened."
                ).format(entries=len(journal), predictions=len(predicted))
            )
        )
    return Section(_("Summary"), blocks)


def _turning_section(d: Debrief) -> Section:
    game = d.record.game
    if not d.turning:
        return Section(_("Turning points"), [Para(_("No quarters were played."), "note")])
    rows = []
    for q in d.turning:
        what: list[Any] = []
        for side in SIDES:
            what += [_moves_line(game, side, q.moves[side]), Break()]
        events = [tc(e.name) if e.id != "inject" else _("Scripted") for e in q.events]
        what.append(
            _("events: {events}").format(events=_(", ").join(events)) if events else _("no events")
        )
        rows.append([q.quarter, scored(q.change), what])
    return Section(
        _("Turning points"),
        [
            Para(_("The quarters that moved the score most, largest first."), "lead-in"),
            Table(
                [_("Quarter"), _("Score moved"), _("Moves and events")],
                rows,
                numeric=(1,),
                cls="keep",
            ),
        ],
    )


def _parts_section(d: Debrief) -> Section:
    rows = [
        [
            tc(p["part"]),
            scored(p["points"]),
            f"±{p['weight']:g}",
            tc(p.get("measures", "")),
            tc(p.get("argument", "")),
        ]
        for p in sorted(d.breakdown, key=lambda p: -abs(p["points"]))
    ]
    total = d.record.game.meters["score"]
    return Section(
        _("What the final score is made of"),
        [
            Table(
                [_("Part"), _("Points"), _("Weight"), _("What it measures"), _("Whose argument")],
                rows,
                numeric=(1, 2),
                cls="keep",
            ),
            Para(fill(_("Together: {score}"), score=scored(total)), "note"),
        ],
    )


def _timeline_section(d: Debrief) -> Section:
    game = d.record.game
    subs = []
    for q in d.record.quarters:
        items: list[Inline] = [_moves_line(game, s, q.moves[s]) for s in SIDES]
        items += _quarter_news(game, q)
        items += [_journal_inline(game, j) for j in q.journal]
        title = fill(
            _("{quarter} · score {score} ({change})"),
            quarter=q.quarter,
            score=scored(q.score_after),
            change=_("moved {change}").format(change=score_text(q.change))
            if favours(q.change)
            else _("no change"),
        )
        subs.append(Section(title, [Bullets(items)], level=3, cls="quarter"))
    if not subs:
        subs = [Para(_("No quarters were played."), "note")]
    return Section(_("Quarter by quarter"), subs, cls="newpage")


def _personas_section(d: Debrief) -> Section:
    from game.analysis.svgcharts import Line, line_chart

    r, game = d.record, d.record.game
    other = "china" if r.side == "us" else "us"
    opponent = opponent_title(d.opponent_for_personas, other)
    title = _("(a) Your side's personas from the same start")
    if not r.quarters:
        return Section(title, [Para(_("No quarters were played."), "note")], 3)
    if not d.personas:
        return Section(title, [Para(_("Not simulated."), "note")], 3)
    mine = r.scores()[-1]
    rows: list[list[Inline]] = [
        [Strong(r.team), scored(mine), result_text(game) if game.over else "", ""],
    ]
    for p in d.personas:
        top = _(", ").join(f"{move_words(game, m)} ×{c}" for m, c in p.top_moves) or _("no moves")
        rows.append(
            [tc(p.title), scored(p.final), _(RESULT_WORDS[p.result]) if p.result else "", top]
        )
    sign = 1 if r.side == "us" else -1
    better = sum(1 for p in d.personas if (mine - p.final) * sign > 0)
    x = [_("start"), *(q.quarter for q in r.quarters)]
    longest = max([len(r.scores()), *(len(p.scores) for p in d.personas)])
    if longest > len(x):
        from game.engine.data import quarter_name

        q0 = game.data.scenarios[r.scenario].start
        x = [_("start"), *(quarter_name(q0 + i) for i in range(longest - 1))]
    lines = [Line(r.team, r.scores(), "#222222", width=2.6)]
    lines += [Line(tc(p.title), p.scores, None, style="--", width=1.4) for p in d.personas]
    fig = Figure(
        "personas",
        _("Score: {team} and the personas").format(team=r.team),
        lambda: line_chart(
            "personas",
            _("Score: {team} and the personas").format(team=r.team),
            x,
            lines,
            zero=True,
            yfmt=axis_score,
            legend_below=True,
        ),
        _("Same scenario, same seed, against {opponent}.").format(opponent=opponent),
    )
    played_for = len(d.personas[0].scores) - 1
    return Section(
        _("(a) Your side's personas from the same start"),
        [
            Para(
                _(
                    "Each persona of {side} played {quarters} quarters of the same scenario with the same seed (the same dice), against {opponent}."
                ).format(side=side_title(r.side), quarters=played_for, opponent=opponent)
            ),
            Table(
                [_("Player"), _("Final score"), _("Result"), _("Moves played most")],
                rows,
                numeric=(1,),
                nowrap=(2,),
            ),
            Para(
                _("{team} ended better for {side} than {better} of the {n} personas.").format(
                    team=r.team, side=side_title(r.side), better=better, n=len(d.personas)
                )
            ),
            fig,
        ],
        level=3,
    )


def _alternative_section(d: Debrief) -> Section:
    from game.analysis.svgcharts import Line, line_chart

    title = _("(b) The best alternative at the biggest turning point")
    a = d.alternative
    game = d.record.game
    if a is None:
        why = (
            _("No quarter to go back to: the game has no turning point to replay.")
            if d.simulated
            else _("Not simulated.")
        )
        return Section(title, [Para(why, "note")], 3)
    side = a.side
    q = a.quarter
    blocks: list[Any] = [
        Para(
            _("The score moved most in {quarter} ({change}). {side} played: {moves}.").format(
                quarter=q.quarter,
                change=score_text(q.change),
                side=side_subject(side),
                moves=moves_words(game, a.played.moves),
            )
        ),
        Para(
            _(
                "From the position at the start of {quarter}, {n} simulated futures of each of {k} choices (what was played, holding, every legal move on its own, and the planner's pick), all on the same dice, played to the end of the scenario: {side} makes no further moves and the other side is played by its personas, as in the game's move preview."
            ).format(quarter=q.quarter, n=a.n, k=len(a.choices), side=side_title(side)),
            "note",
        ),
    ]
    if a.best is None:
        blocks.append(Para(_("There was no other choice to compare."), "note"))
        return Section(title, blocks, 3)
    b = a.best
    gain = b.versus_played
    blocks.append(
        Para(
            fill(
                _(
                    "Best alternative: {choice}. Final score with it: {median} ({range}); with "
                    "what was played: {played} ({played_range}). Its likely effect on the final "
                    "score: {effect} ({effect_range})."
                ),
                choice=Strong(moves_words(game, b.moves) if b.moves else _("hold (no moves)")),
                median=score_text(b.final[1]),
                range=score_range(b.final),
                played=score_text(a.played.final[1]),
                played_range=score_range(a.played.final),
                effect=Strong(score_text(gain[1])),
                effect_range=score_range(gain),
            ),
            "lead",
        )
    )
    if a.planner_pick is not None:
        blocks.append(
            Para(
                _("The planner (level {level}) would have played: {moves}.").format(
                    level=a.planner_level,
                    moves=moves_words(game, a.planner_pick)
                    if a.planner_pick
                    else _("hold (no moves)"),
                )
            )
        )
    rows = []
    shown = a.choices[:ALTERNATIVES_SHOWN]
    if a.played not in shown:
        shown.append(a.played)
    for c in shown:
        tags = []
        if c.played:
            tags.append(_("played"))
        if c.planner:
            tags.append(_("the planner's pick"))
        label = moves_words(game, c.moves) if c.moves else _("hold (no moves)")
        if tags:
            label = _("{choice} ({notes})").format(choice=label, notes=_(", ").join(tags))
        versus: Inline = (
            "—" if c.played else [scored(c.versus_played[1]), Break(), short_range(c.versus_played)]
        )
        rows.append(
            [
                str(a.choices.index(c) + 1),
                Strong(label) if c is b else label,
                [scored(c.final[1]), Break(), short_range(c.final)],
                versus,
            ]
        )
    blocks.append(
        Table(
            [
                _("Rank"),
                _("Choice"),
                _("Final score (p10 … p90)"),
                _("Against what was played (p10 … p90)"),
            ],
            rows,
            numeric=(0, 2, 3),
            cls="ranking",
        )
    )
    x = [_("start of {quarter}").format(quarter=q.quarter), *a.future_quarters]
    lines = []
    actual = d.record.scores()[q.index :]
    lines.append(Line(_("what happened"), actual, "#888888", style=":", width=1.4))
    for key, label, color in (
        ("played", _("played: median and p10–p90"), "#222222"),
        ("best", _("best alternative: median and p10–p90"), "#009e73"),
    ):
        if key in a.paths:
            p = a.paths[key]
            vals = [a.start_score, *p[:, 1]]
            lo = [a.start_score, *p[:, 0]]
            hi = [a.start_score, *p[:, 2]]
            lines.append(Line(label, vals, color, band=(lo, hi)))
    blocks.append(
        Figure(
            "alternative",
            _("Score after {quarter}: what was played against the best alternative").format(
                quarter=q.quarter
            ),
            lambda: line_chart(
                "alternative",
                _("Score after {quarter}: what was played against the best alternative").format(
                    quarter=q.quarter
                ),
                x,
                lines,
                zero=True,
                yfmt=axis_score,
                legend_below=True,
            ),
            _(
                "Median of the simulated futures with their p10–p90 range; dotted: what actually "
                "happened, with the moves that followed."
            ),
        )
    )
    if a.meter_effects:
        rows = []
        for s in a.meter_effects:
            fmt = _meter_fmt(game, s.meter)
            eff = score_text(s.effect) if s.meter == "score" else change_text(s.effect, fmt)
            rows.append([_meter_name(game, s.meter), eff])
        blocks.append(
            Section(
                _("The best alternative over the next year, against holding"),
                [Table([_("Meter"), _("Median effect")], rows, numeric=(1,), cls="compact keep")],
                level=4,
            )
        )
    return Section(title, blocks, 3)


def document(d: Debrief) -> Document:
    """The report's content in the current language."""
    r, game = d.record, d.record.game
    sc = game.data.scenarios[r.scenario]
    other = "china" if r.side == "us" else "us"
    meta: list[Inline] = [
        labelled(_("Team"), r.team),
        labelled(_("Side"), side_subject(r.side)),
        labelled(_("Opponent"), opponent_title(r.opponent, other)),
        labelled(_("Seed"), str(r.seed)),
        labelled(_("Quarters played"), f"{len(r.quarters)} / {sc.quarters}"),
    ]
    if r.extra.get("facilitator") is True:
        meter = _("run with a facilitator")
        meta.append(meter)
    takebacks = r.extra.get("takebacks")
    if isinstance(takebacks, list) and takebacks:
        meta.append(_("{n} quarters taken back").format(n=len(takebacks)))
    counter = Section(
        _("What else could have happened"),
        [_personas_section(d), _alternative_section(d)],
        cls="newpage",
    )
    return Document(
        _("Debrief: {scenario}").format(scenario=tc(sc.name)),
        meta,
        [
            _summary(d),
            Section(_("The key meters over time"), _charts(d)),
            _turning_section(d),
            _parts_section(d),
            _timeline_section(d),
            counter,
        ],
        _("Made by G2 from {file}: scenario {scenario}, seed {seed}.").format(
            file=r.path.name, scenario=r.scenario, seed=r.seed
        ),
    )


# ----------------------------------------------------------------------------- the API


def render(
    d: Debrief,
    fmt: str = "html",
    lang: str | None = None,
    chart_files: dict[str, str] | None = None,
):
    """The debrief as text in `fmt` and `lang`: (the text, {chart key: standalone SVG}). For
    Markdown, `chart_files` maps each chart's key to the file it is to be written to, and the
    charts come back to be written there; without it the charts are left out, with a note (and
    not drawn). HTML holds its charts inline."""
    return render_document(document, d, fmt, lang, chart_files)


ALL_CHARTS = (*METER_CHARTS, "personas", "alternative")


def report(
    save_path: str | Path,
    fmt: str = "md",
    lang: str | None = None,
    out: str | Path | None = None,
    *,
    n: int = FORECAST_GAMES,
    planner_level: int = PLANNER_LEVEL,
) -> str | Path:
    """The debrief report of a save, in `fmt` ('md' or 'html') and `lang` ('en', 'zh'; None: the
    current language). Without `out` it returns the text (Markdown then leaves the charts out, with
    a note); with `out` it writes the report there (Markdown: each chart as an .svg file beside
    it) and returns the path. Raises SaveError for a save that cannot be read and ReportError for
    a bad argument; `n` is the simulated futures per choice in the counterfactual."""
    check_format(fmt)
    d = build(save_path, n=n, planner_level=planner_level)
    if out is None:
        return render(d, fmt, lang)[0]
    return write_report(d, fmt, lang, Path(out))[0]


def write_report(d: Debrief, fmt: str, lang: str | None, out: Path) -> list[Path]:
    """Write the debrief to `out` (Markdown: each chart as an .svg file beside it, named
    `<out's stem>-<chart>.svg`), every file atomically; returns the files written, `out` first."""
    files = chart_names(out, ALL_CHARTS) if fmt == "md" else None
    text, svgs = render(d, fmt, lang, files)
    if files is not None:
        files = {k: v for k, v in files.items() if k in svgs}
    return write_document(text, svgs, files, out)


# ----------------------------------------------------------------------------- the CLI's glue


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    """`g2 report SAVE [--format md|html] [--out FILE] [--games N]`. `--lang` is the one every
    g2 command takes (the CLI adds it); the report is in the language the CLI has set."""
    p = subparsers.add_parser(
        "report",
        help=_(
            "a debrief report of a saved game: timeline, charts, turning points, what else could have happened"
        ),
        description=_(
            "A debrief of a saved game: both sides' moves quarter by quarter, events, injects and the "
            "journal; charts of the key meters; the turning points; the score's parts; how the side's "
            "personas did from the same start; and the best alternative at the biggest turning point."
        ),
    )
    p.add_argument("save", metavar="SAVE", type=Path, help=_("a saved game (.json)"))
    add_output_options(p)
    p.add_argument(
        "--games",
        type=positive_int,
        default=FORECAST_GAMES,
        metavar="N",
        help=_("simulated futures per choice at the turning point (default: {n})").format(
            n=FORECAST_GAMES
        ),
    )
    p.set_defaults(func=run_report)
    return p


def run_report(args: argparse.Namespace) -> int:
    from game.engine.api import SaveError

    fmt = output_format(args)
    lang = getattr(args, "lang", None) or language()
    try:
        d = build(args.save, n=args.games)
        if args.out is None:
            sys.stdout.write(render(d, fmt, lang)[0])
            return 0
        written = write_report(d, fmt, lang, args.out)
    except (SaveError, ReportError, OSError) as exc:
        return fail("report", exc)
    print(wrote_message(written))
    return 0
