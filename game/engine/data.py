"""Loads and validates the game's data (params, levers, meters, moves, events, scenarios) into frozen tables."""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from game.engine.domains import (
    AGE,
    CHANCE,
    COST,
    EVENT_SIGNALS,
    INTERCEPT,
    LAST_Q,
    MULTIPLIER,
    PARAM_LISTS,
    PARAMS,
    SIGNED,
    STATE,
    STATE_SHARES_OF_ONE_MARKET,
    STOCK,
    Domain,
)
from game.engine.yamlsrc import DataError, Doc, parse, read, read_text

_PKG = Path(__file__).resolve().parents[1]
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
SIDES = ("us", "china")
DEFAULT_SCENARIO = "2025-deepseek-shock"
SIDE_NAMES = {"us": "United States", "china": "China"}
SEED_MAX = 2**64 - 1  # the largest seed a save may hold (new games draw theirs below 2**63)
CAPITAL_LEVERS = {"us": "us_political_capital", "china": "cn_political_capital"}


def other_side(side: str) -> str:
    """'us' -> 'china' and back."""
    return "china" if side == "us" else "us"


def side_name(side: str) -> str:
    """The side's display name: 'United States' or 'China'."""
    return SIDE_NAMES[side]


def score_sign(side: str) -> int:
    """+1 for the US, -1 for China: the leadership score (US-positive) seen from `side`."""
    return 1 if side == "us" else -1


def capital_lever(side: str) -> str:
    """The lever (and meter) holding a side's political capital."""
    return CAPITAL_LEVERS[side]


def compact(x: float) -> str:
    """A number in a few significant digits with k/M suffixes: 3.67M, 88k, 12.5, 0.35."""
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:.3g}M"
    if a >= 1e4:
        return f"{x / 1e3:.4g}k"
    return f"{x:.4g}"


def words_of(ident: str) -> str:
    """An id in words: 'passed_house' -> 'passed house' (for ids that have no label)."""
    return str(ident).replace("_", " ")


def data_dir() -> Path:
    installed = _PKG / "_data"
    return installed if installed.is_dir() else _PKG.parent / "data"


def seeds_dir() -> Path:
    installed = _PKG / "_seeds"
    return installed if installed.is_dir() else _PKG.parent / "seeds"


def parse_quarter(text: Any) -> int:
    """'2026Q2' -> quarters since 2025Q1 (may be negative). Raises ValueError."""
    m = QUARTER_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"{text!r} is not a quarter like 2026Q1")
    return (int(m.group(1)) - 2025) * 4 + int(m.group(2)) - 1


def quarter_name(q: int) -> str:
    return f"{2025 + q // 4:04d}Q{q % 4 + 1}"


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Lever:
    id: str
    kind: str
    default: float
    lo: float
    hi: float
    revert: float = 0.0
    decay: float = 0.0
    options: tuple[str, ...] = ()
    side: str | None = None
    name: str = ""
    labels: tuple[str, ...] = ()  # the options in words, one per option (`labels:`), or none

    def value_of(self, option: str) -> float:
        return float(self.options.index(option))

    def option_words(self, index: int) -> str:
        """Option `index` in words: its label, else its id with underscores as spaces."""
        return self.labels[index] if self.labels else words_of(self.options[index])


# what a meter's named causes leave unexplained when meters.yaml gives no `rest:`: its clipping
REST = "held at the edge of its range"
# where a meter appears besides the war room: `g2 sim`'s summary table, the move preview, `g2 sweep`
METER_VIEWS = ("summary", "preview", "sweep")


@dataclass(frozen=True)
class Meter:
    """A meter as data/meters.yaml declares it; the catalogue's order is the order players see."""

    id: str
    name: str
    unit: str
    lo: float
    hi: float
    fmt: str
    why: str
    source: str | None = None
    short: str = ""  # a label of at most 11 characters for narrow tables
    rest: str = REST  # the ledger's name for whatever the named causes do not explain
    views: tuple[str, ...] = ()  # which of METER_VIEWS show it
    line: int | None = None  # where it is declared in meters.yaml (for errors)


@dataclass(frozen=True)
class Requirement:
    lever: str
    lo: float
    hi: float
    reason: str


@dataclass(frozen=True)
class Effects:
    add: tuple[tuple[str, float], ...] = ()
    set: tuple[tuple[str, float], ...] = ()
    mul: tuple[tuple[str, float], ...] = ()


# the named flows a move may hold at a multiplier while it is in force (`scales:` in moves.yaml)
FLOWS_SCALABLE = {
    "us_output": "US chip output installed each quarter",
    "cn_domestic_output": "China's domestic chip output (Huawei and the other makers)",
    "nvidia_imports": "Nvidia chips China imports legally (H20, H200, B30A)",
    "grey_flow": "grey-market Nvidia chips reaching China",
    "cloud_demand": "the overseas cloud capacity China seeks to rent",
}


@dataclass(frozen=True)
class Scaling:
    """A lasting effect: `flow` is multiplied by `factor` wherever `condition` holds."""

    flow: str
    factor: float
    condition: Requirement
    label: str  # the move's name: what "why" calls it


@dataclass(frozen=True)
class Option:
    name: str
    value: float
    cost: float
    effects: Effects
    scales: tuple[tuple[str, float], ...] = ()
    label: str = ""  # the words players see ("case-by-case review"); "" for a one-off move

    @property
    def words(self) -> str:
        """The option in words: its label, else its id with underscores as spaces."""
        return self.label or words_of(self.name)


@dataclass(frozen=True)
class MoveDef:
    """A move as data. Stance moves have options; other moves have a single implicit option."""

    id: str
    name: str
    side: str
    group: str
    description: str
    sources: tuple[str, ...]
    lever: str | None
    options: tuple[Option, ...]
    requires: tuple[Requirement, ...]
    covert: bool = False
    lasts_while: Requirement | None = None  # when a one-off move's `scales` are in force

    @property
    def has_options(self) -> bool:
        return self.lever is not None

    def option_index(self, name: str | None) -> int:
        if not self.has_options:
            return 0
        for i, o in enumerate(self.options):
            if o.name == name:
                return i
        return -1


@dataclass(frozen=True)
class EventDef:
    """An event as data. `headline` is its first report; `headlines` (when given) the reports of
    its 1st, 2nd, ... firing in a game, the last repeating; `variants` are (condition, headline)
    pairs that win when the condition holds on the levers after the quarter (`when:`)."""

    id: str
    name: str
    headline: str
    chance: float
    modifiers: tuple[tuple[str, float], ...]
    requires: tuple[Requirement, ...]
    effects: Effects
    once: bool
    reveals: str | None
    sources: tuple[str, ...]
    headlines: tuple[str, ...] = ()
    variants: tuple[tuple[Requirement, str], ...] = ()

    def headline_for(self, times_before: int, levers: Mapping[str, Any]) -> str:
        """The report of this event's firing after it fired `times_before` times in the game, with
        the levers (numbers, by id) as they stand after the quarter. Text only: no dice."""
        for req, text in self.variants:
            v = levers.get(req.lever)
            if v is not None and req.lo - 1e-9 <= float(v) <= req.hi + 1e-9:
                return text
        if self.headlines:
            return self.headlines[min(max(int(times_before), 0), len(self.headlines) - 1)]
        return self.headline


@dataclass(frozen=True)
class Inject:
    """Scripted news at `quarter`: a headline with effects on the levers, or (`event`) a catalogue
    event of data/events.yaml fired that quarter with its own effects and headline (it still
    needs its `requires:` to hold, and a `once:` event fires at most once a game). `facilitator`:
    fired during play by the person running the game (Game.play_turn's `injects`), not by the
    scenario."""

    quarter: int
    headline: str
    effects: Effects
    event: str | None = None
    facilitator: bool = False

    @property
    def label(self) -> str:
        """What the ledger calls its effects: 'scripted: headline' or 'facilitator: headline'."""
        return f"{'facilitator' if self.facilitator else 'scripted'}: {self.headline or 'inject'}"


@dataclass(frozen=True)
class Role:
    """One side's briefing card in a scenario (`roles:`): what the side reads and its objectives,
    in English (their other languages are in GameData.translations)."""

    briefing: str = ""
    objectives: tuple[str, ...] = ()


STOCK_AGES = 24  # the vintage buckets (quarters old) the model keeps for each stock channel


@dataclass(frozen=True)
class DerivedFrom:
    """Where a scenario's stocks, levers and state come from (`derived_from:`): the median of `runs`
    games of `scenario` seeded `seed`, the US playing `us` and China `china`, at the start of `at`
    (the scenario's own start). `g2 derive-scenario` writes them; `--check` says if they are current."""

    scenario: str
    us: str
    china: str
    at: int
    runs: int
    seed: int


@dataclass(frozen=True)
class Override:
    """A value the scenario sets on purpose over the derived ones (`overrides:`), and why."""

    value: float
    reason: str
    lever: bool  # a lever (else a key of `state:`)


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    briefing: str
    start: int
    end: int
    stocks: dict[str, tuple[float, int, int]]  # channel: (B300e in all, youngest, oldest age)
    levers: dict[str, float]
    state: dict[str, float]
    injects: tuple[Inject, ...]
    path: str
    ages: dict[str, tuple[float, ...]] = field(default_factory=dict)  # `by_age:` stocks
    derived_from: DerivedFrom | None = None
    overrides: dict[str, Override] = field(default_factory=dict)
    # each side's briefing card (`roles:`), only the sides the file gives
    roles: dict[str, Role] = field(default_factory=dict)
    # the moves each side may play (`moves:`, by move id); None, or a side left out: all of them
    allowed: dict[str, tuple[str, ...]] | None = None
    # the score a side needs at the end to win (`victory: {margin: N}`); None: params' win_margin
    win_margin: float | None = None
    # the other languages of the scenario's text: {lang: {english: text}} (`{en: ..., zh: ...}`)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # the file's YAML when it came from outside data/ (load_scenario_file): a save embeds it
    text: str = ""
    description: str = ""  # a note about the file for other teachers (`description:`)

    @property
    def quarters(self) -> int:
        return self.end - self.start + 1

    def allows(self, move: MoveDef) -> bool:
        """May `move` be played in this scenario (its side's `moves:` list, when it has one)?"""
        if self.allowed is None or move.side not in self.allowed:
            return True
        return move.id in self.allowed[move.side]

    def role(self, side: str) -> Role:
        """`side`'s briefing card (an empty Role when the scenario gives none)."""
        return self.roles.get(side) or Role()

    def margin(self, params: Mapping[str, Any]) -> float:
        """The score a side needs at the end to win: `victory: {margin}` or params' win_margin."""
        return float(self.win_margin if self.win_margin is not None else params["win_margin"])

    def stock_profile(self, channel: str) -> tuple[float, ...]:
        """The channel's starting B300e in each of the STOCK_AGES vintage buckets: its `by_age:`
        list, or `b300e` spread evenly over ages age_min..age_max."""
        if channel in self.ages:
            return self.ages[channel]
        amount, a0, a1 = self.stocks[channel]
        each = amount / (a1 - a0 + 1)
        return tuple(each if a0 <= a <= a1 else 0.0 for a in range(STOCK_AGES))


@dataclass(frozen=True)
class GameData:
    """All the game's data, read-only: the mappings are views that cannot be changed in place
    (`dataclasses.replace(gd, params={...})` makes a changed copy, as `g2 sweep` does)."""

    params: Mapping[str, Any]
    levers: Mapping[str, Lever]
    meters: Mapping[str, Meter]
    moves: tuple[MoveDef, ...]
    events: tuple[EventDef, ...]
    scenarios: Mapping[str, Scenario]
    figures: Mapping[str, dict]
    digest: str
    meters_path: str = ""
    move_index: Mapping[str, int] = field(init=False)
    event_index: Mapping[str, int] = field(init=False)
    scalings: Mapping[str, tuple[Scaling, ...]] = field(init=False)
    # the scenarios' text in other languages, {lang: {english: text}}, for the front ends'
    # game.i18n.add_translations (built-in scenarios are translated in the content catalog)
    translations: Mapping[str, Mapping[str, str]] = field(init=False)
    _memo: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("params", "levers", "meters", "scenarios", "figures"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(
            self, "move_index", MappingProxyType({m.id: i for i, m in enumerate(self.moves)})
        )
        object.__setattr__(
            self, "event_index", MappingProxyType({e.id: i for i, e in enumerate(self.events)})
        )
        tr: dict[str, dict[str, str]] = {}
        for sc in self.scenarios.values():
            for lang, table in sc.translations.items():
                tr.setdefault(lang, {}).update(table)
        object.__setattr__(self, "translations", {k: dict(v) for k, v in tr.items()})
        object.__setattr__(self, "scalings", MappingProxyType(_scalings(self)))
        object.__setattr__(self, "_memo", {})

    def moves_for(self, side: str) -> list[MoveDef]:
        return [m for m in self.moves if m.side == side]

    def memo(self, key, make):
        """A value computed once per GameData (caches live and die with the data they describe)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def meters_in(self, view: str) -> list[str]:
        """The meters shown in `view` (one of METER_VIEWS), in catalogue order."""
        return [k for k, m in self.meters.items() if view in m.views]

    def win_margin(self, scenario: str) -> float:
        """The score a side needs at the end of `scenario` to win (its `victory:` or params')."""
        return self.scenarios[scenario].margin(self.params)


def move_label(gd: GameData, key: str) -> str:
    """A move string in words: 'h200_exports:case_by_case' -> 'H200 export policy: case-by-case
    review', 'rasa_push' -> 'Push the Remote Access Security Act'. A string that names no move
    (or no option of it) comes back unchanged."""
    text = str(key)
    mid, colon, opt = text.strip().partition(":")
    j = gd.move_index.get(mid)
    if j is None:
        return text
    m = gd.moves[j]
    if not colon:
        return m.name
    k = m.option_index(opt) if m.has_options else -1
    return f"{m.name}: {m.options[k].words}" if k >= 0 else text


def _scalings(gd: GameData) -> dict[str, tuple[Scaling, ...]]:
    out: dict[str, list[Scaling]] = {}
    for m in gd.moves:
        for o in m.options:
            if not o.scales:
                continue
            cond = Requirement(m.lever, o.value, o.value, "") if m.has_options else m.lasts_while
            for flow, factor in o.scales:
                out.setdefault(flow, []).append(Scaling(flow, factor, cond, m.name))
    return {k: tuple(v) for k, v in out.items()}


# ----------------------------------------------------------------------------- helpers


def did_you_mean(name: str, known) -> str:
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def subfield(where: str, key: str) -> str:
    return f"{where}.{key}" if where else str(key)


def check_fields(doc: Doc, obj: Any, where: str, allowed, what: str = "a mapping") -> dict:
    """`obj` must be a mapping whose keys are all in `allowed`; an unknown key is an error naming
    the nearest valid one (a misspelt optional key would otherwise be silently ignored)."""
    if not isinstance(obj, dict):
        raise doc.error(where, f"expected {what}, got {_show(obj)}")
    for key in obj:
        if key not in allowed:
            raise doc.error(
                subfield(where, key),
                f"unknown field{did_you_mean(key, allowed)} (known: {', '.join(allowed)})",
            )
    return obj


def _show(val: Any) -> str:
    text = repr(val)
    return text if len(text) <= 40 else text[:39] + "…"


def _num(doc: Doc, val: Any, where: str, dom: Domain = SIGNED) -> float:
    """A finite number inside `dom`, or an error naming the field."""
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        raise doc.error(where, f"expected a number, got {_show(val)}")
    try:
        x = float(val)
    except OverflowError:
        x = math.inf
    problem = dom.problem(x)
    if problem:
        raise doc.error(where, problem)
    return x


def _need(doc: Doc, obj: dict, key: str, where: str, kind: type | tuple = object) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise doc.error(subfield(where, key), "missing")
    val = obj[key]
    if kind is float:
        return _num(doc, val, subfield(where, key))
    if kind is not object and not isinstance(val, kind):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise doc.error(subfield(where, key), f"expected {name}, got {_show(val)}")
    return val


def _text(doc: Doc, obj: dict, key: str, where: str, default: str | None = None) -> str:
    """A text field (required when `default` is None)."""
    if default is not None and key not in obj:
        return default
    val = _need(doc, obj, key, where)
    if not isinstance(val, (str, int, float)) or isinstance(val, bool):
        raise doc.error(subfield(where, key), f"expected text, got {_show(val)}")
    return str(val)


def _flag(doc: Doc, obj: dict, key: str, where: str) -> bool:
    val = obj.get(key, False)
    if not isinstance(val, bool):
        raise doc.error(subfield(where, key), f"expected true or false, got {_show(val)}")
    return val


def quarter_in(
    doc: Doc, val: Any, where: str, lo: int = 0, hi: int = LAST_Q, span: str = ""
) -> int:
    """A quarter like 2026Q1, inside [lo, hi] (by default the calendar the model runs); `span`
    names that range in the message ("scenario long-game")."""
    try:
        q = parse_quarter(val)
    except ValueError as exc:
        raise doc.error(where, str(exc)) from None
    if not lo <= q <= hi:
        bounds = f"{quarter_name(lo)}–{quarter_name(hi)}"
        raise doc.error(
            where, f"{quarter_name(q)} is outside {f'{span} ({bounds})' if span else bounds}"
        )
    return q


SOURCE_KEYS = ("source", "sources", "assumption")


def check_sources(
    doc: Doc, obj: dict, where: str, figures: Mapping, required: bool
) -> tuple[str, ...]:
    """`source:`/`sources:` of `obj` (seeds/ figure ids, each known) and its `assumption:` text;
    with `required`, one of the two must be given. Returns the figure ids."""
    if "source" in obj and "sources" in obj:
        raise doc.error(subfield(where, "sources"), "give `source` or `sources`, not both")
    src = obj.get("sources", obj.get("source"))
    ids: list[str] = []
    if "assumption" in obj and not isinstance(obj["assumption"], str):
        raise doc.error(
            subfield(where, "assumption"), "expected text saying where the value comes from"
        )
    if src is None:
        if required and "assumption" not in obj:
            raise doc.error(
                where, "needs `source`/`sources` (a seeds/ figure id) or an `assumption:`"
            )
        return ()
    key = "sources" if "sources" in obj else "source"
    for i, s in enumerate(src if isinstance(src, list) else [src]):
        if not isinstance(s, str) or s not in figures:
            raise doc.error(
                subfield(where, key) + (f"[{i}]" if isinstance(src, list) else ""),
                f"unknown source figure {_show(s)} (not in seeds/)"
                f"{did_you_mean(s, figures) if isinstance(s, str) else ''}",
            )
        ids.append(s)
    return tuple(ids)


EFFECT_KEYS = ("add", "set", "mul")


def _effects(doc: Doc, obj: dict, where: str, levers: dict[str, Lever]) -> Effects:
    out: dict[str, list] = {"add": [], "set": [], "mul": []}
    for kind in out:
        block = obj.get(kind)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise doc.error(f"{where}.{kind}", "expected a mapping of lever: value")
        for name, val in block.items():
            f = f"{where}.{kind}.{name}"
            if name not in levers:
                raise doc.error(f, f"unknown lever {name!r}{did_you_mean(name, levers)}")
            lev = levers[name]
            if kind == "set" and isinstance(val, str):
                if val not in lev.options:
                    raise doc.error(
                        f, f"{val!r} is not an option of {name} ({', '.join(lev.options)})"
                    )
                val = lev.value_of(val)
            span = lev.hi - lev.lo
            dom = {
                "add": Domain(-span, span),
                "set": Domain(lev.lo, lev.hi, integer=bool(lev.options)),
                "mul": MULTIPLIER,
            }[kind]
            out[kind].append((name, _num(doc, val, f, dom)))
    return Effects(tuple(out["add"]), tuple(out["set"]), tuple(out["mul"]))


def _requires(doc: Doc, obj: dict, where: str, levers: dict[str, Lever]) -> tuple[Requirement, ...]:
    reqs = obj.get("requires", [])
    if not isinstance(reqs, list):
        raise doc.error(f"{where}.requires", "expected a list")
    out = []
    for i, r in enumerate(reqs):
        w = f"{where}.requires[{i}]"
        check_fields(doc, r, w, ("lever", "min", "max", "reason"), "{lever, min, max, reason}")
        out.append(_requirement(doc, r, w, levers))
    return tuple(out)


def _requirement(doc: Doc, r: dict, w: str, levers: dict[str, Lever]) -> Requirement:
    name = _need(doc, r, "lever", w, str)
    if name not in levers:
        raise doc.error(f"{w}.lever", f"unknown lever {name!r}{did_you_mean(name, levers)}")
    lo = _num(doc, r.get("min", -1e18), f"{w}.min")
    hi = _num(doc, r.get("max", 1e18), f"{w}.max")
    if lo > hi:
        raise doc.error(f"{w}.max", f"max {hi:g} is below min {lo:g}")
    reason = _text(doc, r, "reason", w, f"needs {name} in [{lo:g}, {hi:g}]")
    return Requirement(name, lo, hi, reason)


def _top_list(doc: Doc, key: str) -> list:
    if not isinstance(doc.value, dict) or key not in doc.value:
        raise doc.error(key, "missing")
    return doc.value[key]


# ----------------------------------------------------------------------------- loaders


FIGURE_FILE_KEYS = ("id", "file", "date", "outlet", "author", "stance", "summary", "figures")
FIGURE_KEYS = ("id", "value", "unit", "measures", "note")


def load_figures(folder: Path) -> dict[str, dict]:
    figs: dict[str, dict] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc = read(path)
        check_fields(
            doc, doc.value, "", FIGURE_FILE_KEYS, "a seeds file (id, outlet, figures, ...)"
        )
        for i, f in enumerate(_need(doc, doc.value, "figures", "", list)):
            w = f"figures[{i}]"
            check_fields(doc, f, w, FIGURE_KEYS, "a figure {id, value, unit, measures}")
            fid = _need(doc, f, "id", w, str)
            if fid in figs:
                raise doc.error(f"{w}.id", f"figure {fid!r} is also in {figs[fid]['file']}")
            _need(doc, f, "value", w, float)
            figs[fid] = dict(f, document=doc.value.get("id"), file=path.name)
    return figs


@lru_cache(maxsize=1)
def seed_documents() -> Mapping[str, Mapping[str, str]]:
    """The seeds/ documents' headers by id ('s002'): date, outlet, author and stance (as text)."""
    out = {}
    for path in sorted(seeds_dir().glob("*.yaml")):
        v = read(path).value
        if isinstance(v, dict) and isinstance(v.get("id"), str):
            keys = ("date", "outlet", "author", "stance")
            out[v["id"]] = MappingProxyType({k: str(v.get(k) or "").strip() for k in keys})
    return MappingProxyType(out)


def _document_name(doc: Mapping[str, str] | None) -> str:
    """'Zouchuqu Think Tank, 2026-01', or 'an article of 2025-02' when the outlet is unknown."""
    if not doc:
        return "a source document"
    outlet = re.split(r",| \(", doc["outlet"])[0].strip()
    if not outlet or outlet == "unknown":
        return f"an article of {doc['date']}" if doc["date"] else "an article"
    return f"{outlet}, {doc['date']}" if doc["date"] else outlet


def figure_text(gd: GameData | None, figure_id: str) -> str:
    """A seed figure or document in words, for players: a figure id ('s002.lin_cn_lead_probability')
    gives what it measures and where it comes from, a document id ('s002') its source and stance.
    `gd` supplies the figures (None: read seeds/); an unknown id comes back unchanged."""
    fid = str(figure_id)
    figures = gd.figures if gd is not None else _seed_figures()
    docs = seed_documents()
    if fid in figures:
        fig = figures[fid]
        what = str(fig.get("measures") or "").strip()
        return f"{what} — {_document_name(docs.get(fig.get('document')))}" if what else fid
    if fid in docs:
        stance = docs[fid]["stance"].split(";")[0].strip().rstrip(".")
        if len(stance) > 100:
            stance = stance.split(":")[0]
        name = _document_name(docs[fid])
        return f"{name[0].upper()}{name[1:]}: {stance}" if stance else name
    return fid


@lru_cache(maxsize=1)
def _seed_figures() -> Mapping[str, dict]:
    return MappingProxyType(load_figures(seeds_dir()))


def load_params(
    doc: Doc, figures: dict, levers: Mapping[str, Lever] | None = None
) -> dict[str, Any]:
    """Every parameter the model reads (domains.PARAMS), each inside its domain and sourced."""
    if not isinstance(doc.value, dict):
        raise doc.error("", "expected a mapping of parameter: {value, source|assumption}")
    out: dict[str, Any] = {}
    for name, spec in doc.value.items():
        if name not in PARAMS:
            raise doc.error(
                str(name),
                f"unknown parameter{did_you_mean(name, PARAMS)}: the model does not read it",
            )
        check_fields(
            doc, spec, name, ("value", *SOURCE_KEYS), "{value: ..., source: ... | assumption: ...}"
        )
        val = _need(doc, spec, "value", name)
        dom = PARAMS[name]
        if name in PARAM_LISTS:
            stages = levers[PARAM_LISTS[name]].options if levers else None
            if not isinstance(val, list) or (stages and len(val) != len(stages)):
                want = f"{len(stages)} numbers" if stages else "a list of numbers"
                raise doc.error(
                    f"{name}.value", f"expected {want}, one per stage of {PARAM_LISTS[name]}"
                )
            out[name] = [_num(doc, v, f"{name}.value[{i}]", dom) for i, v in enumerate(val)]
        else:
            out[name] = _num(doc, val, f"{name}.value", dom)
        check_sources(doc, spec, name, figures, required=True)
    missing = [k for k in PARAMS if k not in out]
    if missing:
        raise doc.error(
            "",
            f"missing parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            "(the model needs every one)",
        )
    return out


LEVER_KINDS = ("stance", "track", "count", "push", "level", "factor")
LEVER_KEYS = (
    "kind", "options", "labels", "default", "min", "max", "revert", "decay", "side", "name",
)  # fmt: skip


def load_levers(doc: Doc) -> dict[str, Lever]:
    check_fields(doc, doc.value, "", ("levers", *SOURCE_KEYS), "a mapping with `levers:`")
    out = {}
    for name, spec in _need(doc, doc.value, "levers", "", dict).items():
        w = f"levers.{name}"
        check_fields(doc, spec, w, LEVER_KEYS, "a lever {kind, default, ...}")
        kind = _need(doc, spec, "kind", w, str)
        if kind not in LEVER_KINDS:
            raise doc.error(f"{w}.kind", f"unknown kind {kind!r}{did_you_mean(kind, LEVER_KINDS)}")
        raw_options = spec.get("options", [])
        if not isinstance(raw_options, list) or not all(
            isinstance(o, str) and o for o in raw_options
        ):
            raise doc.error(f"{w}.options", "expected a list of option names (quote on/off)")
        options = tuple(raw_options)
        if len(set(options)) != len(options):
            raise doc.error(f"{w}.options", "an option is named twice")
        if kind in ("stance", "track") and not options:
            raise doc.error(f"{w}.options", "a stance or track needs options")
        lo = 0.0 if options else _need(doc, spec, "min", w, float)
        hi = float(len(options) - 1) if options else _need(doc, spec, "max", w, float)
        if lo > hi:
            raise doc.error(f"{w}.max", f"max {hi:g} is below min {lo:g}")
        default = _num(
            doc, _need(doc, spec, "default", w), f"{w}.default", Domain(lo, hi, bool(options))
        )
        side = spec.get("side")
        if side is not None and side not in SIDES:
            raise doc.error(f"{w}.side", f"expected us or china, got {_show(side)}")
        out[name] = Lever(
            name,
            kind,
            default,
            lo,
            hi,
            _num(doc, spec.get("revert", 0.0), f"{w}.revert", Domain(0.0, 1.0)),
            _num(doc, spec.get("decay", 0.0), f"{w}.decay", Domain(0.0, max(hi - lo, 0.0))),
            options,
            side,
            _text(doc, spec, "name", w, name),
            _lever_labels(doc, spec, w, options),
        )
    return out


def _lever_labels(doc: Doc, spec: dict, w: str, options: tuple[str, ...]) -> tuple[str, ...]:
    """`labels:` of a lever with options: the options in words, one each, in the same order."""
    raw = spec.get("labels")
    if raw is None:
        return ()
    if not options or not isinstance(raw, list) or len(raw) != len(options):
        raise doc.error(
            f"{w}.labels",
            f"expected a list of {len(options)} labels, one per option"
            if options
            else "only a lever with options has labels",
        )
    return tuple(_label(doc, val, f"{w}.labels[{i}]") for i, val in enumerate(raw))


METER_FORMATS = ("compute", "pct", "ratio", "months", "money", "rmb", "num")
METER_KEYS = ("name", "unit", "min", "max", "fmt", "why", "short", "rest", "show", *SOURCE_KEYS)


def load_meters(doc: Doc, figures: dict) -> dict[str, Meter]:
    check_fields(doc, doc.value, "", ("meters", *SOURCE_KEYS), "a mapping with `meters:`")
    out = {}
    for name, spec in _need(doc, doc.value, "meters", "", dict).items():
        w = f"meters.{name}"
        check_fields(doc, spec, w, METER_KEYS, "a meter {name, min, max, ...}")
        src = check_sources(doc, spec, w, figures, required=False)
        fmt = _text(doc, spec, "fmt", w, "num")
        if fmt not in METER_FORMATS:
            raise doc.error(
                f"{w}.fmt", f"unknown format {fmt!r} (known: {', '.join(METER_FORMATS)})"
            )
        views = spec.get("show", [])
        if not isinstance(views, list) or any(v not in METER_VIEWS for v in views):
            raise doc.error(f"{w}.show", f"expected a list of {', '.join(METER_VIEWS)}")
        short = _text(doc, spec, "short", w, "")
        if len(short) > 11:
            raise doc.error(f"{w}.short", f"{short!r} is longer than 11 characters")
        lo, hi = _need(doc, spec, "min", w, float), _need(doc, spec, "max", w, float)
        if lo >= hi:
            raise doc.error(f"{w}.max", f"max {hi:g} must be above min {lo:g}")
        title = _text(doc, spec, "name", w)
        out[name] = Meter(
            name,
            title,
            _text(doc, spec, "unit", w, ""),
            lo,
            hi,
            fmt,
            _text(doc, spec, "why", w, ""),
            src[0] if src else None,
            short or title[:11],
            _text(doc, spec, "rest", w, REST),
            tuple(views),
            doc.line(w),
        )
    return out


MOVE_KEYS = (
    "id", "name", "side", "group", "description", "lever", "options", "cost", *EFFECT_KEYS,
    "scales", "requires", "covert", "lasts_while", *SOURCE_KEYS,
)  # fmt: skip
OPTION_KEYS = ("cost", *EFFECT_KEYS, "scales", "description", "label")
LABEL_MAX = (
    40  # characters in an option's or a stage's label (it shares a line with the move's name)
)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def _id(doc: Doc, obj: dict, where: str, seen, what: str) -> str:
    """An id: lower-case letters, digits, `_ . -`, unique among `seen`."""
    val = _need(doc, obj, "id", where, str)
    if not ID_RE.match(val):
        raise doc.error(
            f"{where}.id", f"{_show(val)} is not an id (lower-case letters, digits, _ . -)"
        )
    if val in seen:
        raise doc.error(f"{where}.id", f"duplicate {what} id {val!r}")
    return val


def load_moves(doc: Doc, levers: dict[str, Lever], figures: dict) -> tuple[MoveDef, ...]:
    check_fields(doc, doc.value, "", ("moves", *SOURCE_KEYS), "a mapping with `moves:`")
    moves: list[MoveDef] = []
    seen: set[str] = set()
    for i, spec in enumerate(_top_list(doc, "moves")):
        w = f"moves[{i}]"
        check_fields(doc, spec, w, MOVE_KEYS, "a move {id, name, side, cost, ...}")
        mid = _id(doc, spec, w, seen, "move")
        w = f"moves[{i}]({mid})"
        doc.lines.setdefault(w, doc.line(f"moves[{i}]"))
        seen.add(mid)
        side = _need(doc, spec, "side", w, str)
        if side not in SIDES:
            raise doc.error(f"{w}.side", f"expected us or china, got {_show(side)}")
        sources = check_sources(doc, spec, w, figures, required=True)
        options = _move_options(doc, spec, w, levers)
        moves.append(
            MoveDef(
                mid,
                _text(doc, spec, "name", w),
                side,
                _text(doc, spec, "group", w, "Other"),
                _text(doc, spec, "description", w, ""),
                sources,
                spec.get("lever"),
                options,
                _requires(doc, spec, w, levers),
                _flag(doc, spec, "covert", w),
                _lasts_while(doc, spec, w, levers, options),
            )
        )
    return tuple(moves)


def _option(doc: Doc, spec: dict, w: str, name: str, value: float, levers) -> Option:
    """One option's cost, effects, scales and label (a one-off move is a single nameless option)."""
    return Option(
        name,
        value,
        _num(doc, _need(doc, spec, "cost", w), f"{w}.cost", COST),
        _effects(doc, spec, w, levers),
        _scales(doc, spec, w),
        _label(doc, spec.get("label"), f"{w}.label") if name else "",
    )


def _label(doc: Doc, val: Any, where: str) -> str:
    """A player-facing label: one line of 1..LABEL_MAX characters, in words (no underscores)."""
    if val is None:
        return ""
    if not isinstance(val, str) or not val.strip():
        raise doc.error(where, f"expected a label in words, got {_show(val)}")
    if len(val) > LABEL_MAX or not val.isprintable():
        raise doc.error(
            where, f"{_show(val)}: a label is one line of at most {LABEL_MAX} characters"
        )
    if "_" in val:
        raise doc.error(where, f"{_show(val)}: a label is words, not an id (no underscores)")
    return val.strip()


def _move_options(doc: Doc, spec: dict, w: str, levers: dict[str, Lever]) -> tuple[Option, ...]:
    """A stance move's options (one per option of its lever that it prices), or a one-off move's
    single option from the move's own fields."""
    lever = spec.get("lever")
    if lever is None:
        if "options" in spec:
            raise doc.error(f"{w}.options", "options need a stance `lever:`")
        return (_option(doc, spec, w, "", 0.0, levers),)
    if lever not in levers or levers[lever].kind != "stance":
        raise doc.error(f"{w}.lever", f"{_show(lever)} is not a stance lever")
    for key in ("cost", *EFFECT_KEYS, "scales"):
        if key in spec:
            raise doc.error(f"{w}.{key}", "a stance move gives this per option")
    L = levers[lever]
    options = []
    for oname, ospec in _need(doc, spec, "options", w, dict).items():
        ow = f"{w}.options.{oname}"
        if str(oname) not in L.options:
            raise doc.error(
                ow, f"{oname!r} is not an option of lever {lever} ({', '.join(L.options)})"
            )
        ospec = check_fields(doc, ospec or {}, ow, OPTION_KEYS, "an option {cost, add, ...}")
        options.append(_option(doc, ospec, ow, str(oname), L.value_of(str(oname)), levers))
    return tuple(options)


def _lasts_while(
    doc: Doc, spec: dict, w: str, levers: dict[str, Lever], options: tuple[Option, ...]
) -> Requirement | None:
    """When a one-off move's `scales` are in force (a stance's last while it is the policy)."""
    if "lasts_while" not in spec:
        if spec.get("lever") is None and options[0].scales:
            raise doc.error(
                f"{w}.scales",
                "a one-off move's scales need `lasts_while: {lever: ..., min: ...}` to say how long",
            )
        return None
    if spec.get("lever") is not None:
        raise doc.error(f"{w}.lasts_while", "a stance's scales last while it is the policy")
    lw = f"{w}.lasts_while"
    check_fields(doc, spec["lasts_while"], lw, ("lever", "min", "max", "reason"))
    return _requirement(doc, spec["lasts_while"], lw, levers)


def _scales(doc: Doc, obj: dict, where: str) -> tuple[tuple[str, float], ...]:
    block = obj.get("scales")
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise doc.error(f"{where}.scales", "expected a mapping of flow: multiplier")
    out = []
    for flow, val in block.items():
        f = f"{where}.scales.{flow}"
        if flow not in FLOWS_SCALABLE:
            raise doc.error(
                f,
                f"unknown flow {flow!r}{did_you_mean(flow, FLOWS_SCALABLE)} "
                f"(flows: {', '.join(FLOWS_SCALABLE)})",
            )
        out.append((str(flow), _num(doc, val, f, MULTIPLIER)))
    return tuple(out)


EVENT_KEYS = (
    "id", "name", "headline", "headlines", "when", "chance", "modifiers", "requires", *EFFECT_KEYS,
    "once", "reveals", *SOURCE_KEYS,
)  # fmt: skip
HEADLINE_MAX = 200  # characters in a headline (one line of the report)


def _headline(doc: Doc, val: Any, where: str) -> str:
    if not isinstance(val, str) or not val.strip():
        raise doc.error(where, f"expected a headline (text), got {_show(val)}")
    if len(val) > HEADLINE_MAX or not val.isprintable():
        raise doc.error(where, f"a headline is one line of at most {HEADLINE_MAX} characters")
    return val.strip()


def _headlines(
    doc: Doc, spec: dict, w: str, levers: Mapping[str, Lever]
) -> tuple[str, tuple[str, ...], tuple[tuple[Requirement, str], ...]]:
    """An event's `headline`, `headlines` (one per firing, the last repeating) and `when:` list
    of {lever, min, max, headline} (the first whose lever is in range after the quarter wins)."""
    if "headline" in spec and "headlines" in spec:
        raise doc.error(f"{w}.headlines", "give `headline` or `headlines`, not both")
    many: tuple[str, ...] = ()
    if "headlines" in spec:
        raw = spec["headlines"]
        if not isinstance(raw, list) or not raw:
            raise doc.error(f"{w}.headlines", "expected a list of headlines, one per firing")
        many = tuple(_headline(doc, h, f"{w}.headlines[{i}]") for i, h in enumerate(raw))
    first = many[0] if many else _text(doc, spec, "headline", w, "")
    variants = []
    raw_when = spec.get("when", [])
    if not isinstance(raw_when, list):
        raise doc.error(f"{w}.when", "expected a list of {lever, min, max, headline}")
    for i, v in enumerate(raw_when):
        vw = f"{w}.when[{i}]"
        check_fields(doc, v, vw, ("lever", "min", "max", "headline"), "{lever, min, max, headline}")
        text = _headline(doc, _need(doc, v, "headline", vw), f"{vw}.headline")
        cond = {k: x for k, x in v.items() if k != "headline"}
        variants.append((_requirement(doc, cond, vw, levers), text))
    return first, many, tuple(variants)


def load_events(
    doc: Doc, levers: dict[str, Lever], meters: dict[str, Meter], figures: dict
) -> tuple[EventDef, ...]:
    check_fields(doc, doc.value, "", ("events", *SOURCE_KEYS), "a mapping with `events:`")
    events = []
    seen: set[str] = set()
    for i, spec in enumerate(_top_list(doc, "events")):
        w = f"events[{i}]"
        check_fields(doc, spec, w, EVENT_KEYS, "an event {id, name, chance, ...}")
        eid = _id(doc, spec, w, seen, "event")
        seen.add(eid)
        mods = []
        block = spec.get("modifiers") or {}
        if not isinstance(block, dict):
            raise doc.error(f"{w}.modifiers", "expected a mapping of lever or meter: per unit")
        for name, val in block.items():
            if name not in levers and name not in meters and name not in EVENT_SIGNALS:
                known = [*levers, *meters, *EVENT_SIGNALS]
                raise doc.error(
                    f"{w}.modifiers.{name}",
                    f"unknown lever, meter or signal {name!r}{did_you_mean(name, known)}",
                )
            # a change of chance per unit of the lever or meter; the sum is clipped to [0, 1]
            mods.append((name, _num(doc, val, f"{w}.modifiers.{name}", Domain(-1.0, 1.0))))
        reveals = spec.get("reveals")
        if reveals is not None and reveals not in SIDES:
            raise doc.error(f"{w}.reveals", "expected us or china")
        headline, headlines, variants = _headlines(doc, spec, w, levers)
        events.append(
            EventDef(
                eid,
                _text(doc, spec, "name", w),
                headline,
                # with modifiers, `chance` is an intercept (the chance where they read 0)
                _num(
                    doc, _need(doc, spec, "chance", w), f"{w}.chance", INTERCEPT if mods else CHANCE
                ),
                tuple(mods),
                _requires(doc, spec, w, levers),
                _effects(doc, spec, w, levers),
                _flag(doc, spec, "once", w),
                reveals,
                check_sources(doc, spec, w, figures, required=True),
                headlines,
                variants,
            )
        )
    return tuple(events)


STOCK_CHANNELS = ("us", "cn_legacy", "cn_import", "cn_domestic", "cn_grey")
STATE_KEYS = tuple(STATE)
SCENARIO_KEYS = (
    "id", "name", "briefing", "description", "start", "end", "stocks", "levers", "state",
    "injects", "extends", "derived_from", "overrides", "moves", "roles", "victory", *SOURCE_KEYS,
)  # fmt: skip
STOCK_KEYS = ("b300e", "age_min", "age_max", "by_age", *SOURCE_KEYS)
INJECT_KEYS = ("quarter", "headline", "event", *EFFECT_KEYS)
FACILITATOR_INJECT_KEYS = ("event", "headline", *EFFECT_KEYS)  # Game.play_turn's `injects`
DERIVED_KEYS = ("scenario", "us", "china", "at", "runs", "seed")
OVERRIDE_KEYS = ("value", "reason")
ROLE_KEYS = ("briefing", "objectives")
VICTORY_KEYS = ("margin",)
MARGIN = Domain(0.0, 100.0, above=True)  # the score a side needs at the end to win
RUNS = Domain(1.0, 1e6, integer=True)  # games a derived scenario's values are the median of
# the languages a scenario's text may come in (`name: {en: ..., zh: ...}`); English is required
TEXT_LANGS = ("en", "zh")
# the text fields of a scenario: `extends:` replaces them whole (their languages go together)
TEXT_KEYS = ("name", "briefing", "description")


def _stock(doc: Doc, spec: dict, w: str) -> tuple[tuple[float, int, int], tuple[float, ...] | None]:
    """One channel's stock: `{b300e, age_min, age_max}` spread evenly over those ages, or
    `{by_age: [...]}`, B300e in each vintage bucket from the youngest (at most STOCK_AGES)."""
    if "by_age" not in spec:
        amount = _num(doc, _need(doc, spec, "b300e", w), f"{w}.b300e", STOCK)
        a0 = _num(doc, _need(doc, spec, "age_min", w), f"{w}.age_min", AGE)
        a1 = _num(doc, _need(doc, spec, "age_max", w), f"{w}.age_max", AGE)
        if a1 < a0:
            raise doc.error(f"{w}.age_max", f"age_max {a1:g} is below age_min {a0:g}")
        return (amount, int(a0), int(a1)), None
    for key in ("b300e", "age_min", "age_max"):
        if key in spec:
            raise doc.error(
                f"{w}.{key}", "give either `by_age:` or b300e/age_min/age_max, not both"
            )
    raw = spec["by_age"]
    if not isinstance(raw, list):
        raise doc.error(
            f"{w}.by_age",
            f"expected a list of at most {STOCK_AGES} numbers (B300e aged 0, 1, 2, ... quarters), "
            f"got {_show(raw)}",
        )
    if len(raw) > STOCK_AGES:
        raise doc.error(
            f"{w}.by_age",
            f"{len(raw)} numbers; at most {STOCK_AGES} (the model keeps {STOCK_AGES} quarterly "
            "vintages)",
        )
    ages = [_num(doc, x, f"{w}.by_age[{i}]", STOCK) for i, x in enumerate(raw)]
    ages += [0.0] * (STOCK_AGES - len(ages))
    held = [a for a, x in enumerate(ages) if x > 0] or [0]
    return (math.fsum(ages), held[0], held[-1]), tuple(ages)


def _lever_value(doc: Doc, L: Lever, val: Any, w: str) -> float:
    """A lever's value: one of its options by name, or a number inside its bounds."""
    if isinstance(val, str):
        if val not in L.options:
            raise doc.error(
                w,
                f"{val!r} is not an option of {L.id} ({', '.join(L.options)})"
                f"{did_you_mean(val, L.options)}",
            )
        val = L.value_of(val)
    return _num(doc, val, w, Domain(L.lo, L.hi, bool(L.options)))


def load_derived_from(doc: Doc, v: dict, start: int, sid: str) -> DerivedFrom | None:
    """`derived_from: {scenario, us, china, at, runs, seed}` (None when the scenario has none);
    `at` must be the scenario's `start`."""
    if "derived_from" not in v:
        return None
    w = "derived_from"
    spec = check_fields(doc, v[w], w, DERIVED_KEYS, "{scenario, us, china, at, runs, seed}")
    src = _need(doc, spec, "scenario", w, str)
    if not ID_RE.match(src):
        raise doc.error(f"{w}.scenario", f"{_show(src)} is not a scenario id")
    if src == sid:
        raise doc.error(f"{w}.scenario", "a scenario cannot be derived from itself")
    plans = [_need(doc, spec, side, w, str).strip() for side in SIDES]
    for side, plan in zip(SIDES, plans, strict=True):
        if not plan:
            raise doc.error(f"{w}.{side}", "expected a plan: 'hold', a plan name or a plan file")
    at = quarter_in(doc, _need(doc, spec, "at", w), f"{w}.at")
    if at != start:
        raise doc.error(
            f"{w}.at",
            f"{quarter_name(at)} is not the scenario's start {quarter_name(start)}: the derived "
            "values are the state the scenario starts from",
        )
    runs = int(_num(doc, _need(doc, spec, "runs", w), f"{w}.runs", RUNS))
    seed = _need(doc, spec, "seed", w)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise doc.error(
            f"{w}.seed", f"expected a whole number from 0 to {SEED_MAX}, got {_show(seed)}"
        )
    return DerivedFrom(src, plans[0], plans[1], at, runs, seed)


class Collect:
    """Where a loader's errors go: raised at once (`into` None, the default), or appended to `into`
    so that one pass finds every independent error (game.analysis.authoring.validate_scenario).
    `attempt(make, fallback)` runs one check and gives `fallback` when it fails and is collected."""

    def __init__(self, into: list[DataError] | None = None):
        self.into = into
        self.count = 0

    def report(self, err: DataError) -> None:
        if self.into is None:
            raise err
        self.into.append(err)
        self.count += 1

    def attempt(self, make, fallback: Any = None) -> Any:
        try:
            return make()
        except DataError as exc:
            self.report(exc)
            return fallback


def _each_field(doc: Doc, obj: Any, where: str, allowed, what: str, c: Collect) -> dict | None:
    """check_fields that reports every unknown key (each its own error) and goes on without them;
    None when `obj` is not a mapping."""
    if not isinstance(obj, dict):
        c.report(doc.error(where, f"expected {what}, got {_show(obj)}"))
        return None
    for key in obj:
        if key not in allowed:
            c.report(
                doc.error(
                    subfield(where, key),
                    f"unknown field{did_you_mean(key, allowed)} (known: {', '.join(allowed)})",
                )
            )
    return obj


def _nearest_lang(lang: Any) -> str:
    """The language of TEXT_LANGS a mistaken key most likely means: 'cn', 'zh_CN', 'chinese' ->
    'zh'; 'eng', 'en-US' -> 'en'; otherwise the closest spelling."""
    key = str(lang).strip().lower().replace("-", "_")
    if key.startswith(("zh", "cn", "chi", "man", "中", "汉")) or key in ("hans", "hant", "tw"):
        return "zh"
    if key.startswith(("en", "eng")) or key in ("us", "uk", "gb", "english"):
        return "en"
    return difflib.get_close_matches(key, TEXT_LANGS, n=1, cutoff=0.0)[0]


def _plain_text(doc: Doc, val: Any, where: str) -> str:
    if not isinstance(val, (str, int, float)) or isinstance(val, bool):
        raise doc.error(where, f"expected text, got {_show(val)}")
    return str(val)


def lang_text(doc: Doc, val: Any, where: str, translations: dict) -> str:
    """A text in one or more languages: a string (English) or `{en: ..., zh: ...}`. Returns the
    English (what the engine stores); the other languages go into `translations[lang][english]`.
    English is required; an unknown language key is an error naming the nearest valid one."""
    if not isinstance(val, dict):
        if isinstance(val, list) or val is None:
            raise doc.error(where, f"expected text or {{en: ..., zh: ...}}, got {_show(val)}")
        return _plain_text(doc, val, where)
    for lang in val:
        if lang not in TEXT_LANGS:
            raise doc.error(
                subfield(where, str(lang)),
                f"unknown language {_show(lang)} (did you mean {_nearest_lang(lang)!r}?): a text "
                f"is a string or {{{', '.join(f'{k}: ...' for k in TEXT_LANGS)}}}",
            )
    if "en" not in val:
        raise doc.error(
            subfield(where, "en"),
            "missing: every text needs its English (`en:`), the game's own language; the other "
            "languages translate it",
        )
    texts = {lang: _plain_text(doc, t, subfield(where, lang)) for lang, t in val.items()}
    en = texts["en"]
    if not en.strip():
        raise doc.error(subfield(where, "en"), "empty: every text needs its English")
    for lang, text in texts.items():
        if lang != "en" and text.strip():
            translations.setdefault(lang, {})[en.strip()] = text.strip()
    return en


def _ltext(
    doc: Doc, obj: dict, key: str, where: str, translations: dict, default: str | None = None
) -> str:
    """A text field in one or more languages (required when `default` is None): see lang_text."""
    if default is not None and obj.get(key) is None:
        return default
    return lang_text(doc, _need(doc, obj, key, where), subfield(where, key), translations)


def _override(doc: Doc, name: Any, spec: Any, levers: Mapping[str, Lever]) -> Override:
    w = f"overrides.{name}"
    if name not in levers and name not in STATE:
        known = [*levers, *STATE]
        raise doc.error(w, f"unknown lever or state key {name!r}{did_you_mean(name, known)}")
    check_fields(doc, spec, w, OVERRIDE_KEYS, "{value, reason}")
    reason = spec.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise doc.error(
            f"{w}.reason",
            f"{'missing' if reason is None else f'expected text, got {_show(reason)}'}: "
            "an override says why the scenario sets this value",
        )
    val = _need(doc, spec, "value", w)
    if name in levers:
        return Override(_lever_value(doc, levers[name], val, f"{w}.value"), reason, True)
    return Override(_num(doc, val, f"{w}.value", STATE[name]), reason, False)


def load_overrides(
    doc: Doc, v: dict, levers: Mapping[str, Lever], collect: Collect | None = None
) -> dict[str, Override]:
    """`overrides: {name: {value, reason}}`: a lever (an option name or a number) or a key of
    `state:` the scenario sets on purpose, over the derived values; a reason is required."""
    c = collect or Collect()
    block = v.get("overrides")
    if block is None:
        return {}
    if not isinstance(block, dict):
        c.report(
            doc.error("overrides", "expected a mapping of lever or state key: {value, reason}")
        )
        return {}
    out = {}
    for name, spec in block.items():
        o = c.attempt(lambda name=name, spec=spec: _override(doc, name, spec, levers))
        if o is not None:
            out[name] = o
    return out


def _catalogue(moves, events) -> tuple[tuple[MoveDef, ...], tuple[EventDef, ...]]:
    """The moves and events a scenario may name: the given ones, else the built-in data's."""
    if moves is None or events is None:
        gd = load_data()
        moves = gd.moves if moves is None else moves
        events = gd.events if events is None else events
    return tuple(moves), tuple(events)


def load_inject(
    doc: Doc,
    spec: Any,
    w: str,
    levers: Mapping[str, Lever],
    events: tuple[EventDef, ...],
    translations: dict | None = None,
    *,
    lo: int = 0,
    hi: int = LAST_Q,
    quarter: int | None = None,
    collect: Collect | None = None,
) -> Inject | None:
    """One inject. In a scenario: `{quarter, headline, add/set/mul}` (the headline a text or
    {en, zh}) or `{quarter, event}` (a catalogue event of data/events.yaml), the quarter inside
    [lo, hi]. With `quarter` given it is the facilitator's, fired during play: no `quarter:`, and
    a custom one needs a headline (one line of text). With `collect`, each of its problems is
    reported there and the result is None when there was any."""
    c = collect or Collect()
    before = c.count
    live = quarter is not None
    if live:
        keys, what = FACILITATOR_INJECT_KEYS, "an inject {event} or {headline, add/set/mul}"
    else:
        keys = INJECT_KEYS
        what = "an inject {quarter, headline, add/set/mul} or {quarter, event}"
    if _each_field(doc, spec, w, keys, what, c) is None:
        return None
    if quarter is None:
        quarter = c.attempt(
            lambda: quarter_in(doc, _need(doc, spec, "quarter", w), f"{w}.quarter", lo, hi), lo
        )
    if "event" in spec:
        for key in ("headline", *EFFECT_KEYS):
            if key in spec:
                c.report(
                    doc.error(
                        f"{w}.{key}",
                        "an `event` inject fires the catalogue event as data/events.yaml writes "
                        "it: give `event`, or a headline with add/set/mul, not both",
                    )
                )
        eid = spec["event"]
        known = [e.id for e in events]
        if not isinstance(eid, str) or eid not in known:
            hint = did_you_mean(eid, known) if isinstance(eid, str) else ""
            c.report(
                doc.error(
                    f"{w}.event", f"unknown event {_show(eid)}{hint} (the ids of data/events.yaml)"
                )
            )
            return None
        ev = events[known.index(eid)]
        return Inject(quarter, ev.headline, Effects(), eid, live) if c.count == before else None
    if live and "headline" not in spec:
        c.report(doc.error(f"{w}.headline", "missing: the headline the players read (one line)"))
        headline = ""
    elif live:
        headline = c.attempt(lambda: _headline(doc, spec["headline"], f"{w}.headline"), "")
    else:
        tr = {} if translations is None else translations
        headline = c.attempt(lambda: _ltext(doc, spec, "headline", w, tr, ""), "")
    effects = c.attempt(lambda: _effects(doc, spec, w, levers))
    if c.count != before:
        return None
    return Inject(quarter, headline, effects, None, live)


SIDE_ADJ = {"us": "a US", "china": "a Chinese"}


def _allowed_move(
    doc: Doc, mid: Any, w: str, side: str, moves: tuple[MoveDef, ...], seen: list[str]
) -> str:
    if not isinstance(mid, str):
        raise doc.error(w, f"expected a move id, got {_show(mid)}")
    by_id = {m.id: m for m in moves}
    base, colon, _opt = mid.partition(":")
    if colon and base in by_id:
        raise doc.error(
            w,
            f"{mid!r} is an option: list the move {base!r} (its options are all allowed then)",
        )
    if mid not in by_id:
        own = [m.id for m in moves if m.side == side]
        hint = did_you_mean(mid, own) or did_you_mean(mid, by_id)
        raise doc.error(w, f"unknown move {mid!r}{hint} (see `g2 moves --side {side}`)")
    m = by_id[mid]
    if m.side != side:
        raise doc.error(w, f"{mid!r} is {SIDE_ADJ[m.side]} move: it cannot be in `moves.{side}`")
    if mid in seen:
        raise doc.error(w, f"{mid!r} is listed twice")
    return mid


def _allowed_moves(
    doc: Doc, v: dict, moves: tuple[MoveDef, ...], c: Collect
) -> dict[str, tuple[str, ...]] | None:
    """`moves: {us: [...], china: [...]}`: the move ids each listed side may play (None: all)."""
    block = v.get("moves")
    if block is None:
        return None
    what = "a mapping of side: [move ids] ({us: [...], china: [...]})"
    if _each_field(doc, block, "moves", SIDES, what, c) is None:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for side in SIDES:
        if side not in block:
            continue
        w = f"moves.{side}"
        lst = block[side]
        if not isinstance(lst, list):
            c.report(doc.error(w, f"expected a list of {side} move ids, got {_show(lst)}"))
            continue
        ids: list[str] = []
        for i, mid in enumerate(lst):
            got = c.attempt(
                lambda wi=f"{w}[{i}]", mid=mid, side=side, ids=ids: _allowed_move(
                    doc, mid, wi, side, moves, ids
                )
            )
            if got is not None:
                ids.append(got)
        out[side] = tuple(ids)
    return out


def _roles(doc: Doc, v: dict, translations: dict, c: Collect) -> dict[str, Role]:
    """`roles: {us: {briefing, objectives: [...]}, china: ...}`: each side's briefing card."""
    block = v.get("roles")
    if block is None:
        return {}
    what = "a mapping of side: {briefing, objectives}"
    if _each_field(doc, block, "roles", SIDES, what, c) is None:
        return {}
    out = {}
    for side in SIDES:
        if side not in block:
            continue
        w = f"roles.{side}"
        spec = _each_field(doc, block[side], w, ROLE_KEYS, "a role {briefing, objectives}", c)
        if spec is None:
            continue
        briefing = c.attempt(
            lambda w=w, spec=spec: _ltext(doc, spec, "briefing", w, translations, ""), ""
        )
        raw = spec.get("objectives")
        if raw is not None and not isinstance(raw, list):
            c.report(
                doc.error(
                    f"{w}.objectives",
                    f"expected a list of objectives (each a text or {{en, zh}}), got {_show(raw)}",
                )
            )
            raw = None
        objectives = []
        for i, val in enumerate(raw or []):

            def one(val=val, wi=f"{w}.objectives[{i}]") -> str:
                text = lang_text(doc, val, wi, translations).strip()
                if not text:
                    raise doc.error(wi, "an empty objective")
                return text

            text = c.attempt(one)
            if text is not None:
                objectives.append(text)
        out[side] = Role(briefing.strip(), tuple(objectives))
    return out


def _victory(doc: Doc, v: dict) -> float | None:
    """`victory: {margin: N}`: the score a side needs at the end to win, 0 < N <= 100."""
    block = v.get("victory")
    if block is None:
        return None
    check_fields(doc, block, "victory", VICTORY_KEYS, "{margin: N} (the score a side needs to win)")
    return _num(doc, _need(doc, block, "margin", "victory"), "victory.margin", MARGIN)


def _scenario_stocks(doc: Doc, v: dict, figures: dict, c: Collect):
    stocks: dict[str, tuple[float, int, int]] = {}
    ages: dict[str, tuple[float, ...]] = {}
    block = c.attempt(lambda: _need(doc, v, "stocks", "", dict))
    if block is None or _each_field(doc, block, "stocks", STOCK_CHANNELS, "a mapping", c) is None:
        return stocks, ages
    # a derived scenario's stocks come from its `derived_from:` runs
    sourced = "derived_from" not in v

    def one(ch: str):
        w = f"stocks.{ch}"
        spec = check_fields(doc, _need(doc, block, ch, "stocks", dict), w, STOCK_KEYS)
        check_sources(doc, spec, w, figures, required=sourced)
        return _stock(doc, spec, w)

    for ch in STOCK_CHANNELS:
        got = c.attempt(lambda ch=ch: one(ch))
        if got is not None:
            stocks[ch], by_age = got
            if by_age is not None:
                ages[ch] = by_age
    return stocks, ages


def _scenario_levers(doc: Doc, v: dict, levers: Mapping[str, Lever], c: Collect) -> dict:
    block = v.get("levers")
    if block is None:
        return {}
    if not isinstance(block, dict):
        c.report(doc.error("levers", f"expected a mapping of lever: value, got {_show(block)}"))
        return {}

    def one(name: Any, val: Any) -> float:
        w = f"levers.{name}"
        if name not in levers:
            raise doc.error(w, f"unknown lever {name!r}{did_you_mean(name, levers)}")
        return _lever_value(doc, levers[name], val, w)

    out = {}
    for name, val in block.items():
        x = c.attempt(lambda name=name, val=val: one(name, val))
        if x is not None:
            out[name] = x
    return out


def _scenario_state(doc: Doc, v: dict, c: Collect) -> dict[str, float]:
    st = c.attempt(lambda: _need(doc, v, "state", "", dict))
    if st is None or _each_field(doc, st, "state", STATE_KEYS, "a mapping", c) is None:
        return {}
    state = {}
    for key in STATE_KEYS:
        x = c.attempt(
            lambda key=key: _num(doc, _need(doc, st, key, "state"), f"state.{key}", STATE[key])
        )
        if x is not None:
            state[key] = x
    return state


def load_scenario(
    doc: Doc,
    levers: Mapping[str, Lever],
    figures: Mapping,
    scenarios=None,
    *,
    moves: tuple[MoveDef, ...] | None = None,
    events: tuple[EventDef, ...] | None = None,
    problems: list[DataError] | None = None,
    text: str = "",
) -> Scenario | None:
    """A scenario from its (merged) document. `scenarios`, when given, are the ids a
    `derived_from.scenario` may name; `moves` and `events` are the catalogues its `moves:` lists
    and `event` injects may name (default: the built-in data's). An error raises at once; with
    `problems` (a list) every independent error is appended to it instead (each section and
    item checked on its own) and the result is None when there was any. `text`: the file's YAML,
    kept when the scenario comes from outside data/ (a save embeds it)."""
    c = Collect(problems)
    v = doc.value
    if not isinstance(v, dict):
        c.report(
            doc.error(
                "", f"expected a scenario (id, name, start, end, stocks, ...), got {_show(v)}"
            )
        )
        return None
    _each_field(doc, v, "", SCENARIO_KEYS, "a scenario (id, name, start, end, stocks, ...)", c)
    moves, events = _catalogue(moves, events)
    tr: dict[str, dict[str, str]] = {}
    sid = c.attempt(lambda: _id(doc, v, "", (), "scenario"), "")
    # the starting levers and state are numbers too: they cite figures or say why
    c.attempt(lambda: check_sources(doc, v, "", figures, required=True))
    name = c.attempt(lambda: _ltext(doc, v, "name", "", tr), "")
    briefing = c.attempt(lambda: _ltext(doc, v, "briefing", "", tr, "").strip(), "")
    description = c.attempt(lambda: _ltext(doc, v, "description", "", tr, "").strip(), "")
    start = c.attempt(lambda: quarter_in(doc, _need(doc, v, "start", ""), "start"))
    end = c.attempt(lambda: quarter_in(doc, _need(doc, v, "end", ""), "end"))
    if start is not None and end is not None and end < start:
        c.report(
            doc.error(
                "end",
                f"{quarter_name(end)} ends before it starts (start: {quarter_name(start)})",
            )
        )
        end = None
    derived = None
    if start is not None:
        derived = c.attempt(lambda: load_derived_from(doc, v, start, sid))
    if derived and scenarios is not None and derived.scenario not in scenarios:
        c.report(
            doc.error(
                "derived_from.scenario",
                f"unknown scenario {derived.scenario!r}{did_you_mean(derived.scenario, scenarios)}",
            )
        )
    overrides = load_overrides(doc, v, levers, c)
    stocks, ages = _scenario_stocks(doc, v, figures, c)
    lev = _scenario_levers(doc, v, levers, c)
    state = _scenario_state(doc, v, c)
    for key, o in overrides.items():  # what the scenario changes on purpose wins
        (lev if o.lever else state)[key] = o.value
    if all(k in state for k in STATE_SHARES_OF_ONE_MARKET):
        total = sum(state[k] for k in STATE_SHARES_OF_ONE_MARKET)
        if total > 100:
            c.report(
                doc.error(
                    f"state.{STATE_SHARES_OF_ONE_MARKET[-1]}",
                    f"{' + '.join(STATE_SHARES_OF_ONE_MARKET)} is {total:g}%, more than the "
                    "whole market",
                )
            )
    lo = start if start is not None else 0
    hi = end if end is not None else LAST_Q
    injects = []
    raw_injects = v.get("injects") or []
    if not isinstance(raw_injects, list):
        what = "expected a list of {quarter, headline, add/set/mul} or {quarter, event}"
        c.report(doc.error("injects", f"{what}, got {_show(raw_injects)}"))
        raw_injects = []
    for i, spec in enumerate(raw_injects):
        w = f"injects[{i}]"
        inj = load_inject(doc, spec, w, levers, events, tr, lo=lo, hi=hi, collect=c)
        if inj is not None:
            injects.append(inj)
    allowed = _allowed_moves(doc, v, moves, c)
    roles = _roles(doc, v, tr, c)
    margin = c.attempt(lambda: _victory(doc, v))
    if c.count:  # only when collecting: otherwise the first error has been raised
        return None
    return Scenario(
        sid,
        name,
        briefing,
        start,
        end,
        stocks,
        lev,
        state,
        tuple(injects),
        doc.path,
        ages,
        derived,
        overrides,
        roles,
        allowed,
        margin,
        tr,
        text,
        description,
    )


def _merged(doc: Doc, raw: dict[str, Doc], seen: tuple[str, ...] = ()) -> Doc:
    """Resolve `extends: other-scenario`: the base's fields, overridden key by key (maps merge one
    level; a text field, a string or {en, zh}, is replaced whole)."""
    v = doc.value
    if not isinstance(v, dict) or "extends" not in v:
        return doc
    base_id = v["extends"]
    if not isinstance(base_id, str) or base_id not in raw or base_id in seen:
        raise doc.error(
            "extends",
            f"unknown or circular base scenario {_show(base_id)}{did_you_mean(base_id, raw)}",
        )
    base = _merged(raw[base_id], raw, (*seen, base_id))
    merged = dict(base.value)
    for key, val in v.items():
        if key == "extends":
            continue
        if isinstance(val, dict) and isinstance(merged.get(key), dict) and key not in TEXT_KEYS:
            merged[key] = {**merged[key], **val}
        else:
            merged[key] = val
    lines = {**base.lines, **doc.lines}
    return Doc(doc.path, merged, lines)


def scenario_docs(folder: Path, digest=None) -> dict[str, Doc]:
    """Each scenario file in `folder` by its id; two files may not claim one id."""
    raw: dict[str, Doc] = {}
    for path in sorted(folder.glob("*.yaml")):
        if digest is not None:
            digest.update(path.read_bytes())
        doc = read(path)
        sid = doc.value.get("id") if isinstance(doc.value, dict) else None
        sid = str(sid or path.stem)
        if sid in raw:
            raise doc.error("id", f"scenario {sid!r} is already defined by {raw[sid].path}")
        raw[sid] = doc
    return raw


def load_scenarios(
    folder: Path,
    levers: dict[str, Lever],
    figures: dict,
    digest=None,
    moves: tuple[MoveDef, ...] | None = None,
    events: tuple[EventDef, ...] | None = None,
) -> list[Scenario]:
    raw = scenario_docs(folder, digest)
    return [
        load_scenario(_merged(doc, raw), levers, figures, raw, moves=moves, events=events)
        for doc in raw.values()
    ]


@lru_cache(maxsize=1)
def load_data(folder: str | None = None) -> GameData:
    base = Path(folder) if folder else data_dir()
    figures = load_figures(seeds_dir())
    digest = hashlib.sha256()
    docs = {}
    for name in ("params", "levers", "meters", "moves", "events"):
        docs[name] = read(base / f"{name}.yaml")
        digest.update((base / f"{name}.yaml").read_bytes())
    levers = load_levers(docs["levers"])
    params = load_params(docs["params"], figures, levers)
    meters = load_meters(docs["meters"], figures)
    moves = load_moves(docs["moves"], levers, figures)
    events = load_events(docs["events"], levers, meters, figures)
    scenarios = {
        sc.id: sc
        for sc in load_scenarios(base / "scenarios", levers, figures, digest, moves, events)
    }
    return GameData(
        params,
        levers,
        meters,
        moves,
        events,
        scenarios,
        figures,
        digest.hexdigest()[:16],
        str(base / "meters.yaml"),
    )


# ----------------------------------------------------------------------------- scenario files


def builtin_scenario_docs(gd: GameData) -> dict[str, Doc]:
    """The documents of `gd`'s scenarios from data/ (the bases a scenario file may extend)."""
    return gd.memo(
        "builtin_scenario_docs",
        lambda: {sid: read(sc.path) for sid, sc in gd.scenarios.items() if not sc.text},
    )


def add_scenario(gd: GameData, doc: Doc, text: str) -> tuple[GameData, str]:
    """`gd` plus the scenario of `doc` (a file from outside data/ whose YAML is `text`): its
    `extends:` resolved against `gd`'s built-in scenarios; its id must be its own and new."""
    v = doc.value
    if isinstance(v, dict) and "id" not in v:
        raise doc.error(
            "id", "missing: a scenario file names its own id (lower-case letters, digits, dashes)"
        )
    raw = builtin_scenario_docs(gd)
    sc = load_scenario(
        _merged(doc, raw), gd.levers, gd.figures, set(raw), moves=gd.moves, events=gd.events,
        text=text,
    )  # fmt: skip
    assert sc is not None  # errors raise
    known = gd.scenarios.get(sc.id)
    if known is not None:
        raise doc.error(
            "id",
            f"scenario {sc.id!r} is already defined by {known.path}; give the file its own id",
        )
    digest = hashlib.sha256(f"{gd.digest}\n{text}".encode()).hexdigest()[:16]
    return replace(gd, scenarios={**gd.scenarios, sc.id: sc}, digest=digest), sc.id


def load_scenario_text(
    text: str, name: str = "<scenario>", data: GameData | None = None
) -> tuple[GameData, str]:
    """A scenario file's YAML `text` (e.g. embedded in a save; `name` is what errors call it),
    read with the same safe reader and limits as any file: (the data holding it, its id)."""
    return add_scenario(data or load_data(), parse(text, name), text)


def load_scenario_file(path: str | Path, data: GameData | None = None) -> tuple[GameData, str]:
    """A scenario file from anywhere (a teacher's) added to the built-in data (or `data`): returns
    (the data holding it, its id); start a game on it with `Game(id, seed, data=...)`. Its
    `extends:` names a built-in scenario, and its id may not be a built-in's, unless the file is
    that built-in scenario's own file (then `data` comes back unchanged). Read through the safe
    reader (yamlsrc: a regular file of at most 256 KB, no anchors, ...); an error raises
    DataError naming the file, the line and the field."""
    gd = data or load_data()
    p = Path(path)
    text = read_text(p)
    doc = parse(text, p)
    sid = doc.value.get("id") if isinstance(doc.value, dict) else None
    known = gd.scenarios.get(sid) if isinstance(sid, str) else None
    if known is not None and not known.text and _same_file(known.path, p):
        return gd, sid
    return add_scenario(gd, doc, text)


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
