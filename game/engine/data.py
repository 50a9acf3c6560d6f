"""Loads and validates the game's data (params, levers, meters, moves, events, scenarios) into frozen tables."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from game.engine.yamlsrc import Doc, read

_PKG = Path(__file__).resolve().parents[1]
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
SIDES = ("us", "china")
DEFAULT_SCENARIO = "2025-deepseek-shock"
SIDE_NAMES = {"us": "United States", "china": "China"}
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
    return f"{2025 + q // 4}Q{q % 4 + 1}"


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

    def value_of(self, option: str) -> float:
        return float(self.options.index(option))


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
    rest: str = "limits"  # the ledger's name for whatever the named causes do not explain
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


@dataclass(frozen=True)
class Inject:
    quarter: int
    headline: str
    effects: Effects


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    briefing: str
    start: int
    end: int
    stocks: dict[str, tuple[float, int, int]]
    levers: dict[str, float]
    state: dict[str, float]
    injects: tuple[Inject, ...]
    path: str

    @property
    def quarters(self) -> int:
        return self.end - self.start + 1


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
    scalings: Mapping[str, tuple[Scaling, ...]] = field(init=False)
    _memo: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("params", "levers", "meters", "scenarios", "figures"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        object.__setattr__(
            self, "move_index", MappingProxyType({m.id: i for i, m in enumerate(self.moves)})
        )
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
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _need(doc: Doc, obj: dict, key: str, where: str, kind: type | tuple = object) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise doc.error(f"{where}.{key}" if where else key, "missing")
    val = obj[key]
    if kind is float:
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            raise doc.error(f"{where}.{key}", f"expected a number, got {val!r}")
        return float(val)
    if kind is not object and not isinstance(val, kind):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise doc.error(f"{where}.{key}", f"expected {name}, got {val!r}")
    return val


def _number(doc: Doc, val: Any, where: str) -> float:
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        raise doc.error(where, f"expected a number, got {val!r}")
    return float(val)


def _check_sources(
    doc: Doc, obj: dict, where: str, figures: dict, required: bool
) -> tuple[str, ...]:
    src = obj.get("sources", obj.get("source"))
    ids: list[str] = []
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
                f"{where}.{key}" + (f"[{i}]" if isinstance(src, list) else ""),
                f"unknown source figure {s!r} (not in seeds/)",
            )
        ids.append(s)
    return tuple(ids)


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
            out[kind].append((name, _number(doc, val, f)))
    return Effects(tuple(out["add"]), tuple(out["set"]), tuple(out["mul"]))


def _requires(doc: Doc, obj: dict, where: str, levers: dict[str, Lever]) -> tuple[Requirement, ...]:
    reqs = obj.get("requires", [])
    if not isinstance(reqs, list):
        raise doc.error(f"{where}.requires", "expected a list")
    out = []
    for i, r in enumerate(reqs):
        w = f"{where}.requires[{i}]"
        name = _need(doc, r, "lever", w, str)
        if name not in levers:
            raise doc.error(f"{w}.lever", f"unknown lever {name!r}")
        lo = _number(doc, r.get("min", -1e18), f"{w}.min")
        hi = _number(doc, r.get("max", 1e18), f"{w}.max")
        out.append(
            Requirement(name, lo, hi, str(r.get("reason", f"needs {name} in [{lo:g}, {hi:g}]")))
        )
    return tuple(out)


def _top_list(doc: Doc, key: str) -> list:
    if not isinstance(doc.value, dict) or key not in doc.value:
        raise doc.error(key, "missing")
    return doc.value[key]


# ----------------------------------------------------------------------------- loaders


def load_figures(folder: Path) -> dict[str, dict]:
    figs: dict[str, dict] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc = read(path)
        for i, f in enumerate(_need(doc, doc.value, "figures", "", list)):
            fid = _need(doc, f, "id", f"figures[{i}]", str)
            _need(doc, f, "value", f"figures[{i}]", float)
            figs[fid] = dict(f, document=doc.value.get("id"), file=path.name)
    return figs


def load_params(doc: Doc, figures: dict) -> dict[str, Any]:
    if not isinstance(doc.value, dict):
        raise doc.error("", "expected a mapping of parameter: {value, source|assumption}")
    out: dict[str, Any] = {}
    for name, spec in doc.value.items():
        if not isinstance(spec, dict):
            raise doc.error(name, "expected {value: ..., source: ... | assumption: ...}")
        val = _need(doc, spec, "value", name)
        if isinstance(val, list):
            out[name] = [_number(doc, v, f"{name}.value[{i}]") for i, v in enumerate(val)]
        else:
            out[name] = _number(doc, val, f"{name}.value")
        _check_sources(doc, spec, name, figures, required=True)
    return out


def load_levers(doc: Doc) -> dict[str, Lever]:
    out = {}
    for name, spec in _need(doc, doc.value, "levers", "", dict).items():
        w = f"levers.{name}"
        kind = _need(doc, spec, "kind", w, str)
        if kind not in ("stance", "track", "count", "push", "level", "factor"):
            raise doc.error(f"{w}.kind", f"unknown kind {kind!r}")
        options = tuple(str(o) for o in spec.get("options", ()))
        if kind in ("stance", "track") and not options:
            raise doc.error(f"{w}.options", "a stance or track needs options")
        lo = 0.0 if options else _need(doc, spec, "min", w, float)
        hi = float(len(options) - 1) if options else _need(doc, spec, "max", w, float)
        default = _need(doc, spec, "default", w, float)
        if not lo <= default <= hi:
            raise doc.error(f"{w}.default", f"{default} is outside [{lo}, {hi}]")
        side = spec.get("side")
        if side is not None and side not in SIDES:
            raise doc.error(f"{w}.side", f"expected us or china, got {side!r}")
        out[name] = Lever(
            name,
            kind,
            default,
            lo,
            hi,
            float(spec.get("revert", 0.0)),
            float(spec.get("decay", 0.0)),
            options,
            side,
            str(spec.get("name", name)),
        )
    return out


METER_FORMATS = ("compute", "pct", "ratio", "months", "money", "rmb", "num")


def load_meters(doc: Doc, figures: dict) -> dict[str, Meter]:
    out = {}
    for name, spec in _need(doc, doc.value, "meters", "", dict).items():
        w = f"meters.{name}"
        src = _check_sources(doc, spec, w, figures, required=False)
        fmt = str(spec.get("fmt", "num"))
        if fmt not in METER_FORMATS:
            raise doc.error(
                f"{w}.fmt", f"unknown format {fmt!r} (known: {', '.join(METER_FORMATS)})"
            )
        views = spec.get("show", [])
        if not isinstance(views, list) or any(v not in METER_VIEWS for v in views):
            raise doc.error(f"{w}.show", f"expected a list of {', '.join(METER_VIEWS)}")
        short = str(spec.get("short", ""))
        if len(short) > 11:
            raise doc.error(f"{w}.short", f"{short!r} is longer than 11 characters")
        lo, hi = _need(doc, spec, "min", w, float), _need(doc, spec, "max", w, float)
        out[name] = Meter(
            name,
            str(_need(doc, spec, "name", w, str)),
            str(spec.get("unit", "")),
            lo,
            hi,
            fmt,
            str(spec.get("why", "")),
            src[0] if src else None,
            short or str(spec["name"])[:11],
            str(spec.get("rest", "limits")),
            tuple(views),
            doc.line(w),
        )
    return out


def load_moves(doc: Doc, levers: dict[str, Lever], figures: dict) -> tuple[MoveDef, ...]:
    moves: list[MoveDef] = []
    seen: set[str] = set()
    for i, spec in enumerate(_top_list(doc, "moves")):
        w = f"moves[{i}]"
        mid = _need(doc, spec, "id", w, str)
        w = f"moves[{i}]({mid})"
        doc.lines.setdefault(w, doc.line(f"moves[{i}]"))
        if mid in seen or ":" in mid:
            raise doc.error(f"{w}.id", f"duplicate or malformed move id {mid!r}")
        seen.add(mid)
        side = _need(doc, spec, "side", w, str)
        if side not in SIDES:
            raise doc.error(f"{w}.side", f"expected us or china, got {side!r}")
        sources = _check_sources(doc, spec, w, figures, required=True)
        lever = spec.get("lever")
        options: list[Option] = []
        if lever is not None:
            if lever not in levers or levers[lever].kind != "stance":
                raise doc.error(f"{w}.lever", f"{lever!r} is not a stance lever")
            opts = _need(doc, spec, "options", w, dict)
            for oname, ospec in opts.items():
                ow = f"{w}.options.{oname}"
                if str(oname) not in levers[lever].options:
                    raise doc.error(
                        ow,
                        f"{oname!r} is not an option of lever {lever} "
                        f"({', '.join(levers[lever].options)})",
                    )
                ospec = ospec or {}
                options.append(
                    Option(
                        str(oname),
                        levers[lever].value_of(str(oname)),
                        _need(doc, ospec, "cost", ow, float),
                        _effects(doc, ospec, ow, levers),
                        _scales(doc, ospec, ow),
                    )
                )
        else:
            options.append(
                Option(
                    "",
                    0.0,
                    _need(doc, spec, "cost", w, float),
                    _effects(doc, spec, w, levers),
                    _scales(doc, spec, w),
                )
            )
        lasts = None
        if "lasts_while" in spec:
            if lever is not None:
                raise doc.error(f"{w}.lasts_while", "a stance's scales last while it is the policy")
            lasts = _requires(doc, {"requires": [spec["lasts_while"]]}, w, levers)[0]
        elif lever is None and options[0].scales:
            raise doc.error(
                f"{w}.scales",
                "a one-off move's scales need `lasts_while: {lever: ..., min: ...}` to say how long",
            )
        moves.append(
            MoveDef(
                mid,
                str(_need(doc, spec, "name", w, str)),
                side,
                str(spec.get("group", "Other")),
                str(spec.get("description", "")),
                sources,
                lever,
                tuple(options),
                _requires(doc, spec, w, levers),
                bool(spec.get("covert", False)),
                lasts,
            )
        )
    return tuple(moves)


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
        factor = _number(doc, val, f)
        if not 0.0 <= factor <= 10.0:
            raise doc.error(f, f"a multiplier must be between 0 and 10, got {factor:g}")
        out.append((str(flow), factor))
    return tuple(out)


def load_events(
    doc: Doc, levers: dict[str, Lever], meters: dict[str, Meter], figures: dict
) -> tuple[EventDef, ...]:
    events = []
    for i, spec in enumerate(_top_list(doc, "events")):
        w = f"events[{i}]"
        eid = _need(doc, spec, "id", w, str)
        mods = []
        for name, val in (spec.get("modifiers") or {}).items():
            if name not in levers and name not in meters:
                raise doc.error(f"{w}.modifiers.{name}", f"unknown lever or meter {name!r}")
            mods.append((name, _number(doc, val, f"{w}.modifiers.{name}")))
        reveals = spec.get("reveals")
        if reveals is not None and reveals not in SIDES:
            raise doc.error(f"{w}.reveals", "expected us or china")
        events.append(
            EventDef(
                eid,
                str(_need(doc, spec, "name", w, str)),
                str(spec.get("headline", "")),
                _need(doc, spec, "chance", w, float),
                tuple(mods),
                _requires(doc, spec, w, levers),
                _effects(doc, spec, w, levers),
                bool(spec.get("once", False)),
                reveals,
                _check_sources(doc, spec, w, figures, required=True),
            )
        )
    return tuple(events)


STOCK_CHANNELS = ("us", "cn_legacy", "cn_import", "cn_domestic", "cn_grey")
STATE_KEYS = (
    "cn_cloud",
    "nvidia_cn_share",
    "huawei_cn_share",
    "cn_global_app_share",
    "cuda_lockin",
    "cn_utilization",
    "cn_rent_rmb",
    "ascend_capacity",
    "subsidy_level",
)


def load_scenario(doc: Doc, levers: dict[str, Lever], figures: dict) -> Scenario:
    v = doc.value
    if not isinstance(v, dict):
        raise doc.error("", "a scenario is a mapping (id, name, start, end, stocks, ...)")
    sid = _need(doc, v, "id", "", str)
    # the starting levers and state are numbers too: they cite figures or say why
    _check_sources(doc, v, "", figures, required=True)
    try:
        start = parse_quarter(_need(doc, v, "start", ""))
    except ValueError as exc:
        raise doc.error("start", str(exc)) from None
    try:
        end = parse_quarter(_need(doc, v, "end", ""))
    except ValueError as exc:
        raise doc.error("end", str(exc)) from None
    if end < start:
        raise doc.error("end", "ends before it starts")
    stocks = {}
    for ch in STOCK_CHANNELS:
        spec = _need(doc, _need(doc, v, "stocks", "", dict), ch, "stocks", dict)
        w = f"stocks.{ch}"
        _check_sources(doc, spec, w, figures, required=True)
        amount = _need(doc, spec, "b300e", w, float)
        a0, a1 = (
            int(_need(doc, spec, "age_min", w, float)),
            int(_need(doc, spec, "age_max", w, float)),
        )
        if amount < 0 or not 0 <= a0 <= a1 < 24:
            raise doc.error(w, "needs b300e >= 0 and 0 <= age_min <= age_max < 24")
        stocks[ch] = (amount, a0, a1)
    lev = {}
    for name, val in (v.get("levers") or {}).items():
        w = f"levers.{name}"
        if name not in levers:
            raise doc.error(w, f"unknown lever {name!r}{did_you_mean(name, levers)}")
        L = levers[name]
        if isinstance(val, str):
            if val not in L.options:
                raise doc.error(
                    w,
                    f"{val!r} is not an option of {name} ({', '.join(L.options)})"
                    f"{did_you_mean(val, L.options)}",
                )
            val = L.value_of(val)
        val = _number(doc, val, w)
        if not L.lo <= val <= L.hi:
            raise doc.error(w, f"{val} is outside [{L.lo}, {L.hi}]")
        lev[name] = val
    state = {}
    st = _need(doc, v, "state", "", dict)
    for key in STATE_KEYS:
        state[key] = _need(doc, st, key, "state", float)
    for key in st:
        if key not in STATE_KEYS:
            raise doc.error(f"state.{key}", f"unknown state field (known: {', '.join(STATE_KEYS)})")
    injects = []
    for i, spec in enumerate(v.get("injects") or []):
        w = f"injects[{i}]"
        try:
            q = parse_quarter(_need(doc, spec, "quarter", w))
        except ValueError as exc:
            raise doc.error(f"{w}.quarter", str(exc)) from None
        if not start <= q <= end:
            raise doc.error(f"{w}.quarter", f"{quarter_name(q)} is outside the scenario")
        injects.append(Inject(q, str(spec.get("headline", "")), _effects(doc, spec, w, levers)))
    return Scenario(
        sid,
        str(_need(doc, v, "name", "", str)),
        str(v.get("briefing", "")).strip(),
        start,
        end,
        stocks,
        lev,
        state,
        tuple(injects),
        doc.path,
    )


def _merged(doc: Doc, raw: dict[str, Doc], seen: tuple[str, ...] = ()) -> Doc:
    """Resolve `extends: other-scenario`: the base's fields, overridden key by key (maps merge one level)."""
    v = doc.value
    if not isinstance(v, dict) or "extends" not in v:
        return doc
    base_id = v["extends"]
    if base_id not in raw or base_id in seen:
        raise doc.error("extends", f"unknown or circular base scenario {base_id!r}")
    base = _merged(raw[base_id], raw, (*seen, base_id))
    merged = dict(base.value)
    for key, val in v.items():
        if key == "extends":
            continue
        if isinstance(val, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **val}
        else:
            merged[key] = val
    lines = {**base.lines, **doc.lines}
    return Doc(doc.path, merged, lines)


def load_scenarios(
    folder: Path, levers: dict[str, Lever], figures: dict, digest=None
) -> list[Scenario]:
    raw: dict[str, Doc] = {}
    for path in sorted(folder.glob("*.yaml")):
        if digest is not None:
            digest.update(path.read_bytes())
        doc = read(path)
        sid = doc.value.get("id") if isinstance(doc.value, dict) else None
        raw[str(sid or path.stem)] = doc
    return [load_scenario(_merged(doc, raw), levers, figures) for doc in raw.values()]


@lru_cache(maxsize=1)
def load_data(folder: str | None = None) -> GameData:
    base = Path(folder) if folder else data_dir()
    figures = load_figures(seeds_dir())
    digest = hashlib.sha256()
    docs = {}
    for name in ("params", "levers", "meters", "moves", "events"):
        docs[name] = read(base / f"{name}.yaml")
        digest.update((base / f"{name}.yaml").read_bytes())
    params = load_params(docs["params"], figures)
    levers = load_levers(docs["levers"])
    meters = load_meters(docs["meters"], figures)
    moves = load_moves(docs["moves"], levers, figures)
    events = load_events(docs["events"], levers, meters, figures)
    scenarios = {sc.id: sc for sc in load_scenarios(base / "scenarios", levers, figures, digest)}
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
