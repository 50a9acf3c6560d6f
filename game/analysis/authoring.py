"""Scenario authoring for teachers: check a scenario file and report every problem at once, write a
commented template for a new scenario, and ask whether a scenario is one-sided.

- `validate_scenario(path)`: every independent error of a scenario file in one pass (a misspelt
  key, a bad quarter and an unknown move id are three problems), each a `Problem` with the file,
  the line, the field and a message ("did you mean ..." for names). The engine's loader makes the
  checks (game.engine.data.load_scenario, collecting instead of raising).
- `scenario_template(name)`: a YAML template for a new scenario that validates as it is, in English
  and Chinese, with comments (in the interface language) teaching each field.
- `resolve_scenario(spec)`: a built-in id or a scenario file, as (data holding it, its id), for
  `g2 balance --scenario FILE`, `g2 play --scenario FILE` and the terminal UI.
- `is_one_sided(path)`: the persona round robin on the file's scenario (game.analysis.tournament):
  does one side win most games whoever plays?
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from game.engine.data import (
    DEFAULT_SCENARIO,
    ID_RE,
    GameData,
    _merged,
    _same_file,
    builtin_scenario_docs,
    load_data,
    load_scenario,
    load_scenario_file,
    quarter_name,
)
from game.engine.yamlsrc import DataError, Doc, parse, read_text
from game.i18n import N_, _

# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One problem of a file: where (file, line, field) and what (message, with "did you mean
    ..." for a misspelt name). str() is the line `g2 validate` prints."""

    file: str
    line: int | None
    field: str
    message: str

    @classmethod
    def of(cls, err: DataError) -> Problem:
        return cls(err.path, err.line, err.field, err.problem)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: field '{self.field}': {self.message}"


def validate_scenario(path: str | Path, data: GameData | None = None) -> list[Problem]:
    """Every problem of the scenario file at `path`, in the order of the file (empty: it is fine).

    Each section and each item is checked on its own, so one pass finds every independent error:
    unknown keys, wrong types, quarters out of range or an end before the start, unknown moves,
    events or levers (with did-you-mean), a move in the other side's list, a victory margin out of
    range, a text without its English or with an unknown language, an id that a built-in scenario
    already has. A file that cannot be read or parsed (too big, not YAML, anchors, ...) is one
    problem. `data`: the game data to check against (default: the built-in data)."""
    gd = data or load_data()
    p = Path(path)
    try:
        doc = parse(read_text(p), p)
    except DataError as exc:
        return [Problem.of(exc)]
    errors: list[DataError] = []
    v = doc.value
    if not isinstance(v, dict):
        errors.append(doc.error("", "expected a scenario (id, name, start, end, ...)"))
        return [Problem.of(e) for e in errors]
    if "id" not in v:
        errors.append(
            doc.error(
                "id",
                "missing: a scenario file names its own id (lower-case letters, digits, dashes)",
            )
        )
    raw = builtin_scenario_docs(gd)
    try:
        merged = _merged(doc, raw)
    except DataError as exc:
        errors.append(exc)
        # check the rest as if it extended the default scenario, so its other errors show too
        merged = _merged(Doc(doc.path, {**v, "extends": DEFAULT_SCENARIO}, doc.lines), raw)
    load_scenario(
        merged,
        gd.levers,
        gd.figures,
        set(raw),
        moves=gd.moves,
        events=gd.events,
        problems=errors,
    )
    sid = v.get("id")
    known = gd.scenarios.get(sid) if isinstance(sid, str) else None
    if known is not None and not _same_file(known.path, p):
        errors.append(
            doc.error(
                "id",
                f"scenario {sid!r} is already defined by {known.path}; give the file its own id",
            )
        )
    problems = [Problem.of(e) for e in errors]
    return sorted(dict.fromkeys(problems), key=lambda pr: pr.line or 0)


def resolve_scenario(spec: str | Path, data: GameData | None = None) -> tuple[GameData, str]:
    """A built-in scenario id, or the path of a scenario file (added to the data): returns (the
    data holding it, its id). Raises DataError for a bad file, KeyError for an unknown id."""
    gd = data or load_data()
    text = str(spec)
    if text in gd.scenarios:
        return gd, text
    p = Path(text)
    if p.suffix.lower() in (".yaml", ".yml") or p.exists():
        return load_scenario_file(p, gd)
    raise KeyError(f"unknown scenario {text!r}; known: {', '.join(sorted(gd.scenarios))}")


# ----------------------------------------------------------------------------- the template

# the template's comments, in the interface language (msgids for the `messages` catalog)
T_HEAD = N_("A G2 scenario: {name}.")
T_CHECK = N_("Check it with `g2 validate FILE`; it lists every problem with its line.")
T_TEXT = N_("Every text may be a string (English) or {en: ..., zh: ...}; the English is required.")
T_ID = N_("id: unique; lower-case letters, digits and dashes; not the id of a built-in scenario.")
T_NAME = N_("name: what the lists of scenarios show.")
T_EXTENDS = N_(
    "extends: start from a built-in scenario's stocks, levers and state (see `g2 scenarios`)."
)
T_DATES = N_(
    "start and end: the quarters played. The base's stocks describe its own start, so keep it."
)
T_LENGTH = N_(
    "A shorter game favours the side ahead at the start: check with `g2 balance --scenario FILE`."
)
T_BRIEFING = N_("briefing: what everyone reads before the first quarter.")
T_OVERRIDES = N_(
    "overrides: starting values you set on purpose (a lever or a state key), each with its reason."
)
T_MOVES = N_(
    "moves: the moves each side may use (ids as in `g2 moves`); leave a side out to allow all."
)
T_ROLES = N_("roles: each side's briefing card: what it reads and its objectives.")
T_VICTORY = N_(
    "victory: the score a side needs at the end to win (above 0, at most 100; the default is {margin})."
)
T_INJECTS = N_(
    "injects: scheduled news: a headline with effects on levers (add, set or mul), or a "
    "catalogue event by id (data/events.yaml), which fires if it can happen then."
)
T_INJECTS_BASE = N_("This list replaces the base scenario's injects.")

BRIEFING = {
    "en": (
        "January 2025. DeepSeek has just shown what a fraction of the compute can do; Washington "
        "weighs chip sales against controls, and Beijing weighs Nvidia against Huawei. Four years "
        "to decide who leads."
    ),
    "zh": (
        "2025年1月。DeepSeek刚刚证明，只用一小部分算力也能做出前沿模型；华盛顿在芯片出口与管制之间"
        "权衡，北京在英伟达与华为之间抉择。四年时间，决定谁将领先。"
    ),
}
ROLES = {
    "us": {
        "briefing": {
            "en": "You are the US administration. Keep America's compute lead without "
            "handing China's chip market to Huawei.",
            "zh": "你代表美国政府。保住美国的算力领先，同时不要把中国的芯片市场拱手让给华为。",
        },
        "objectives": [
            {
                "en": "End with the score at US +{margin} or more.",
                "zh": "结束时领先分达到美国 +{margin} 或以上。",
            },
            {
                "en": "Pass the Remote Access Security Act before the end.",
                "zh": "在推演结束前通过《远程访问安全法案》。",
            },
        ],
    },
    "china": {
        "briefing": {
            "en": "You are China's leadership. Close the capability gap and build a chip "
            "industry that no export control can stop.",
            "zh": "你代表中国领导层。缩小能力差距，建立任何出口管制都无法阻挡的芯片产业。",
        },
        "objectives": [
            {
                "en": "End with the score at China +{margin} or more.",
                "zh": "结束时领先分达到中国 +{margin} 或以上。",
            },
            {
                "en": "Raise Huawei's share of China's chip market.",
                "zh": "提高华为在中国芯片市场中的份额。",
            },
        ],
    },
}
INJECT = {
    "en": "Tensions flare in the Taiwan Strait; both capitals harden their stance.",
    "zh": "台海局势骤然紧张，两国首都的立场随之强硬。",
}
OVERRIDE_REASON = "the class starts a little tenser than the base scenario"
MOVES = {
    "us": ["h200_exports", "h20_controls", "anti_smuggling", "rasa_push", "stargate_tranche",
           "chip_subsidy", "tariffs", "summit"],
    "china": ["h200_imports", "ascend_rampup", "decuda_push", "neocloud_access", "efficiency_drive",
              "open_source", "centre_subsidies", "grey_market", "retaliation"],
}  # fmt: skip
MARGIN = 5
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def template_id(name: str, data: GameData | None = None) -> str:
    """A scenario id from a name: lower-case letters, digits and dashes, new among the built-ins
    ("Taiwan class 2026" -> "taiwan-class-2026"; a name with no such letters -> "my-scenario")."""
    gd = data or load_data()
    sid = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48].strip("-") or "my-scenario"
    if not ID_RE.match(sid):
        sid = "my-scenario"
    base, k = sid, 2
    while sid in gd.scenarios:
        sid, k = f"{base}-{k}", k + 1
    return sid


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _text(d: dict, margin: int) -> str:
    """A text in both languages as a YAML flow mapping, {margin} filled in."""
    en, zh = (_q(d[lang].format(margin=margin)) for lang in ("en", "zh"))
    return f"{{en: {en}, zh: {zh}}}"


def _comment(msgid: str, **kw) -> str:
    text = _(msgid)
    return "# " + (text.format(**kw) if kw else text)


def scenario_template(name: str, data: GameData | None = None) -> str:
    """A commented YAML template for a new scenario called `name`: its id made from the name,
    extending the default scenario, with a name, briefing, roles and objectives in English and
    Chinese, a `moves:` list per side, two injects (a headline with effects, a catalogue event),
    an override and `victory:`. It validates as it is (validate_scenario); the comments, in the
    interface language, teach each field."""
    gd = data or load_data()
    base = gd.scenarios[DEFAULT_SCENARIO]
    name = " ".join(str(name).split()) or "My scenario"
    sid = template_id(name, gd)
    if _CJK.search(name):
        en, zh = (name if name.isascii() else "New scenario"), name
    else:
        en, zh = name, f"{name}（课堂推演）"
    start, end = base.start, base.end
    q = quarter_name
    margin = MARGIN
    lines = [
        _comment(T_HEAD, name=name),
        _comment(T_CHECK),
        _comment(T_TEXT),
        "",
        _comment(T_ID),
        f"id: {sid}",
        _comment(T_NAME),
        f"name: {_text({'en': en, 'zh': zh}, margin)}",
        _comment(T_EXTENDS),
        f"extends: {base.id}",
        _comment(T_DATES),
        _comment(T_LENGTH),
        f"start: {q(start)}",
        f"end: {q(end)}",
        _comment(T_BRIEFING),
        "briefing:",
        f"  en: {_q(BRIEFING['en'])}",
        f"  zh: {_q(BRIEFING['zh'])}",
        _comment(T_OVERRIDES),
        "overrides:",
        f"  tension: {{value: 55, reason: {_q(OVERRIDE_REASON)}}}",
        _comment(T_MOVES),
        "moves:",
        *(f"  {side}: [{', '.join(ids)}]" for side, ids in MOVES.items()),
        _comment(T_ROLES),
        "roles:",
    ]
    for side, role in ROLES.items():
        lines += [
            f"  {side}:",
            f"    briefing: {_text(role['briefing'], margin)}",
            "    objectives:",
        ]
        lines += [f"      - {_text(o, margin)}" for o in role["objectives"]]
    lines += [
        _comment(T_VICTORY, margin=f"{gd.params['win_margin']:g}"),
        f"victory: {{margin: {margin}}}",
        _comment(T_INJECTS),
        _comment(T_INJECTS_BASE),
        "injects:",
        f"  - quarter: {q(start + 2)}",
        f"    headline: {_text(INJECT, margin)}",
        "    add: {tension: 10}",
        f"  - {{quarter: {q(start + 4)}, event: hbm_shortage}}",
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- one-sided?


@dataclass(frozen=True)
class OneSided:
    """The persona round robin on a scenario: the most one-sided pairing (`us` vs `china`), the
    side it favours and its share of games (`wins`); `one_sided` when that share is above
    `limit` (data/design.yaml's pairing_max)."""

    scenario: str
    one_sided: bool
    side: str
    us: str
    china: str
    wins: float
    limit: float
    games: int
    cells: list[dict] = field(default_factory=list)


def is_one_sided(
    path: str | Path,
    games: int = 300,
    seed: int = 1,
    data: GameData | None = None,
    progress: Callable[[str], None] | None = None,
) -> OneSided:
    """Play every US persona against every Chinese persona on the scenario of `path` (a file or a
    built-in id), `games` seeded games each: is the scenario one-sided whoever plays it? For the
    full design lab on a file run game.analysis.balance.balance([sid], data=gd) with
    `gd, sid = resolve_scenario(path)`."""
    from game.analysis.balance import load_design
    from game.analysis.tournament import tournament

    gd, sid = resolve_scenario(path, data)
    limit = load_design(gd=gd).value("pairing_max")
    out = tournament(
        sid, games, planner_games=0, seed=seed, limit=limit, data=gd, progress=progress
    )
    worst = out["worst"]
    return OneSided(
        sid,
        not out["balanced"],
        worst["side"],
        worst["us"],
        worst["china"],
        float(worst["wins"]),
        float(limit),
        games,
        out["cells"],
    )
