"""`g2 brief`: a side's briefing card for a classroom exercise, in Markdown or printable HTML,
in English or Simplified Chinese.

A card holds what a team needs before the first quarter: the scenario (name, dates, quarters,
the shared briefing), the side's role and objectives, what wins, the moves the side may use in
this scenario (grouped as `g2 moves` groups them, each option in words with its cost), the
starting situation in a few meters, and questions to think about. The scenario is a built-in id
or a teacher's scenario file (`roles:`, `moves:` and `victory:` when the file has them; without
roles the card gives the scenario's briefing and an objective derived from the win margin).

The import is light (the CLI builds its parser from `add_brief_parser`): the engine's game API
and numpy are imported when a card is made.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.engine import data as engine_data
from game.engine.data import GameData, Scenario, did_you_mean, load_data, quarter_name
from game.i18n import N_, _, add_translations, compact, language, ngettext, set_language, tc

if TYPE_CHECKING:  # pragma: no cover
    from game.engine.api import Game

SIDE_CHOICES = ("us", "china", "both")
FORMATS = ("md", "html")

# the starting situation: (meter, how its value reads)
STANDING = (
    ("us_compute", "compute"),
    ("cn_compute", "compute"),
    ("stock_ratio", "ratio"),
    ("capability_gap_months", "gap"),
    ("nvidia_cn_share", "pct"),
    ("huawei_cn_share", "pct"),
)

# questions before the first quarter, by side: (the moves that make a question relevant, text);
# the first three or four whose moves the side may use, topped up from GENERAL
QUESTIONS: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "us": (
        (
            ("h200_exports", "b30a_licence", "h20_controls", "anti_smuggling"),
            N_(
                "Do export controls slow China down, or hand its chip market to Huawei? "
                "Which meter would tell you, and how soon?"
            ),
        ),
        (
            ("rasa_push",),
            N_(
                "RASA stands at “{stage}”. Is pushing it worth {cost} political capital a "
                "quarter, and what will China do with its overseas cloud while the bill moves?"
            ),
        ),
        (
            ("h200_exports", "export_fee"),
            N_(
                "Selling H200s earns revenue and keeps Chinese labs on CUDA. Is that “feeding "
                "the tiger”, or the cheapest way to keep China dependent?"
            ),
        ),
        (
            ("stargate_tranche", "chip_subsidy", "block_cn_users"),
            N_(
                "US bubble risk starts at {bubble}/100. Does more capex make your lead safer, "
                "or a burst more costly?"
            ),
        ),
    ),
    "china": (
        (
            ("h200_imports", "ascend_rampup"),
            N_(
                "Buy Nvidia now (compute today, CUDA dependence tomorrow) or build Ascend (the "
                "reverse)? What would a dual track of both cost you each quarter?"
            ),
        ),
        (
            ("neocloud_access", "grey_market"),
            N_(
                "RASA stands at “{stage}”. If it becomes law, the overseas cloud closes. What "
                "replaces it, and how soon?"
            ),
        ),
        (
            ("efficiency_drive", "open_source", "talent_drive", "decuda_push"),
            N_(
                "Can algorithms make up for missing compute? How far can efficiency go before "
                "the Int4 floor stops it?"
            ),
        ),
        (
            ("centre_subsidies", "ai_plus"),
            N_(
                "Your data centres are {used} used. Build more capacity, or create demand for "
                "what stands idle (AI+)?"
            ),
        ),
    ),
}
GENERAL = (
    N_(
        "Which two meters will you watch every quarter, and what change in them would make you "
        "change course?"
    ),
    N_("What do you expect the other side to do in its first quarter, and how will you answer?"),
    N_(
        "Where will your political capital go first: to a policy that lasts, or to a one-off "
        "push? Why?"
    ),
)


class BriefError(ValueError):
    """A scenario or side the card cannot be made for (one line, for the CLI)."""


@dataclass(frozen=True)
class MoveLine:
    """One move on a card: its name, whether it is covert, its options as (words, cost, in
    force at the start), and why it cannot be played at the start ('' when it can)."""

    name: str
    covert: bool
    options: tuple[tuple[str, float, bool], ...]
    blocked: str = ""


@dataclass
class Card:
    """A side's briefing card, every text already in the card's language."""

    side: str
    scenario: str
    side_title: str
    dates: str
    situation: str
    role: str
    objectives: list[str]
    wins: list[str]
    standing_at: str
    standing: list[tuple[str, str]]
    moves_note: str
    groups: list[tuple[str, list[MoveLine]]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- the scenario


def load_scenario_file(path: str | Path, gd: GameData | None = None) -> tuple[GameData, str]:
    """A scenario file added to the data: (data, its id). The engine's own loader when it has one
    (`game.engine.data.load_scenario_file`), else the checks `g2 validate` makes."""
    loader = getattr(engine_data, "load_scenario_file", None)
    if loader is not None:
        return loader(path) if gd is None else loader(path, gd)
    from game.engine.yamlsrc import read

    gd = gd or load_data()
    p = Path(path)
    doc = read(p)
    raw = {sid: read(sc.path) for sid, sc in gd.scenarios.items()}
    sc = engine_data.load_scenario(engine_data._merged(doc, raw), gd.levers, gd.figures, set(raw))
    known = gd.scenarios.get(sc.id)
    if known is not None:
        if Path(known.path).resolve() == p.resolve():
            return gd, sc.id
        raise BriefError(
            f"{p}: scenario {sc.id!r} is already defined by {known.path}; give the file its own id"
        )
    return replace(gd, scenarios={**gd.scenarios, sc.id: sc}), sc.id


def resolve(scenario: str | Path | Scenario, data: GameData | None = None) -> tuple[GameData, str]:
    """(data holding the scenario, its id) for a built-in id, a scenario file or a Scenario."""
    gd = data or load_data()
    if isinstance(scenario, Scenario) or hasattr(scenario, "briefing"):
        sc = scenario
        if gd.scenarios.get(sc.id) is not sc:
            gd = replace(gd, scenarios={**gd.scenarios, sc.id: sc})
        return gd, sc.id
    spec = str(scenario)
    if spec in gd.scenarios:
        return gd, spec
    p = Path(spec)
    if p.suffix.lower() in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise BriefError(f"{p}: no such scenario file")
        return load_scenario_file(p, data)
    raise BriefError(
        f"unknown scenario {spec!r}{did_you_mean(spec, gd.scenarios)}: give a built-in id "
        f"({', '.join(gd.scenarios)}) or a scenario file"
    )


def _roles(sc: Any) -> dict:
    return getattr(sc, "roles", None) or {}


def _field(role: Any, name: str) -> Any:
    """A role's `briefing` or `objectives` (a Role, or a mapping), None when it has none."""
    if role is None:
        return None
    return role.get(name) if isinstance(role, dict) else getattr(role, name, None)


def allowed_moves(gd: GameData, sc: Any, side: str) -> list:
    """The side's moves this scenario allows (`moves:`; all when it names none for the side)."""
    allowed = getattr(sc, "allowed", None) or {}
    ids = allowed.get(side)
    moves = gd.moves_for(side)
    if ids is None:
        return moves
    keep = set(ids)
    return [m for m in moves if m.id in keep]


def win_margin(gd: GameData, sc: Any) -> float:
    """The score a side needs at the end to win: the scenario's `victory.margin`, else params'."""
    margin = getattr(sc, "win_margin", None)
    return float(margin if margin is not None else gd.params["win_margin"])


# ----------------------------------------------------------------------------- numbers


def _num(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


def _compute(x: float) -> str:
    if language() == "zh":
        return compact(x, 2 if abs(x) >= 1e8 else 1) + " B300e"
    return (f"{x / 1e6:.2f}M" if abs(x) >= 1e6 else f"{x / 1e3:.0f}k") + " B300e"


def _score(points: float) -> str:
    """US-positive score points labelled with the side they favour."""
    if round(abs(points), 1) == 0:
        return _("even (0.0)")
    if points > 0:
        return _("US +{points}").format(points=_num(points))
    return _("China +{points}").format(points=_num(-points))


def _value(x: float, how: str) -> str:
    if how == "compute":
        return _compute(x)
    if how == "ratio":
        return f"{x:.1f}×"
    if how == "pct":
        return f"{x:.1f}%"
    if how == "gap":
        if round(x, 1) == 0:
            return _("level: no gap")
        if x > 0:
            return _("{months} months, the US ahead").format(months=_num(x))
        return _("{months} months, China ahead").format(months=_num(-x))
    return _num(x)


def _cost(x: float) -> str:
    return f"{x:g}"


# ----------------------------------------------------------------------------- the card


def _lever_words(gd: GameData, lever: str, value: Any) -> str:
    L = gd.levers[lever]
    if isinstance(value, str) and value in L.options:
        return tc(L.option_words(L.options.index(value)))
    return f"{float(value):g}"


def _lever_number(gd: GameData, lever: str, value: Any) -> float:
    L = gd.levers[lever]
    if isinstance(value, str) and value in L.options:
        return float(L.options.index(value))
    return float(value)


def _move_lines(gd: GameData, sc: Any, side: str, policy: dict) -> list[tuple[str, list]]:
    groups: dict[str, list[MoveLine]] = {}
    for m in allowed_moves(gd, sc, side):
        now = policy.get(m.lever) if m.has_options else None
        opts = tuple(
            (tc(o.words) if m.has_options else "", o.cost, m.has_options and o.name == now)
            for o in m.options
        )
        blocked = ""
        for r in m.requires:
            v = _lever_number(gd, r.lever, policy.get(r.lever, gd.levers[r.lever].default))
            if not r.lo - 1e-9 <= v <= r.hi + 1e-9:
                blocked = tc(r.reason)
                break
        groups.setdefault(m.group, []).append(MoveLine(tc(m.name), m.covert, opts, blocked))
    return [(tc(g), lines) for g, lines in groups.items()]


def _questions(gd: GameData, sc: Any, side: str, meters: dict, policy: dict) -> list[str]:
    usable = {m.id for m in allowed_moves(gd, sc, side)}
    rasa = next((m for m in gd.moves if m.id == "rasa_push"), None)
    values = {
        "stage": _lever_words(gd, "rasa_stage", policy.get("rasa_stage", 0)),
        "cost": _cost(rasa.options[0].cost) if rasa else "",
        "bubble": f"{meters.get('bubble_risk', 0):.0f}",
        "used": f"{meters.get('cn_utilization', 0):.0f}%",
    }
    out = [
        _(text).format(**values) for moves, text in QUESTIONS[side] if usable.intersection(moves)
    ][:4]
    for text in GENERAL:
        if len(out) >= 3:
            break
        out.append(_(text))
    return out


def _default_objectives(side: str, margin: str, last: str) -> list[str]:
    if side == "us":
        win = _("Finish {last} with the score at US +{margin} or more: a US win.")
    else:
        win = _("Finish {last} with the score at China +{margin} or more: a China win.")
    return [
        win.format(last=last, margin=margin),
        _("Short of a win, keep the score inside ±{margin}: a draw, not a loss.").format(
            margin=margin
        ),
    ]


def _wins(gd: GameData, game: Game, margin: str, last: str) -> list[str]:
    p = gd.params
    parts = sorted(game.score_breakdown(), key=lambda x: -abs(x["points"]))[:3]
    largest = ("、" if language() == "zh" else ", ").join(
        _("{part} ({points})").format(part=tc(x["part"]), points=_score(x["points"])) for x in parts
    )
    return [
        _(
            "At the end of {last}, a score of US +{margin} or more is a US win and China "
            "+{margin} or more a China win; anything between is a draw."
        ).format(last=last, margin=margin),
        _(
            "The game ends early when China's capability leads for {n} quarters running (a "
            "China win), or the US leads by {gap} months or more for {n} quarters running (a "
            "US win)."
        ).format(n=f"{float(p['decisive_quarters']):g}", gap=f"{float(p['us_decisive_gap']):g}"),
        _(
            "The leadership score runs from China +100 to US +100. It starts at {score}; its "
            "largest parts: {parts}."
        ).format(score=_score(game.meters["score"]), parts=largest),
    ]


def build_card(gd: GameData, sid: str, side: str) -> Card:
    """The card of `side` in scenario `sid` of `gd`, in the current language."""
    from game.engine.api import Game

    sc = gd.scenarios[sid]
    game = Game(sid, 0, gd)
    meters, policy = game.meters, game.policy()
    first, last = quarter_name(sc.start), quarter_name(sc.end)
    margin = f"{win_margin(gd, sc):g}"
    role = _roles(sc).get(side)
    role_text = tc(_field(role, "briefing") or "").strip()
    objectives = [tc(o) for o in (_field(role, "objectives") or ()) if o]
    if not role_text:
        role_text = (
            _("You lead the United States: its export controls, laws, industry and diplomacy.")
            if side == "us"
            else _("You lead China: its chip imports, domestic industry, software and diplomacy.")
        )
    standing = [(tc(gd.meters[k].name), _value(meters[k], how)) for k, how in STANDING]
    if "rasa_stage" in policy:
        standing.append(
            (tc(gd.levers["rasa_stage"].name), _lever_words(gd, "rasa_stage", policy["rasa_stage"]))
        )
    standing.append((tc(gd.meters["score"].name), _score(meters["score"])))
    capital = engine_data.capital_lever(side)
    standing.append(
        (
            _("Your political capital"),
            _("{now}/100, +{regen} a quarter").format(
                now=f"{meters[capital]:.0f}", regen=f"{float(gd.params['capital_regen']):g}"
            ),
        )
    )
    side_title = _("United States") if side == "us" else _("China")
    return Card(
        side=side,
        scenario=tc(sc.name),
        side_title=side_title,
        dates=ngettext(
            "{first}–{last}, {n} quarter", "{first}–{last}, {n} quarters", sc.quarters
        ).format(first=first, last=last, n=sc.quarters),
        situation=tc(sc.briefing).strip(),
        role=role_text,
        objectives=objectives or _default_objectives(side, margin, last),
        wins=_wins(gd, game, margin, last),
        standing_at=_("Where things stand at the start of {first}").format(first=first),
        standing=standing,
        moves_note=_(
            "The number in brackets is the cost in political capital, which comes back each "
            "quarter. A move with options sets a policy that lasts until you change it; “now” "
            "marks the policy at the start. A covert move stays hidden from the other side until "
            "it is exposed."
        ),
        groups=_move_lines(gd, sc, side, policy),
        questions=_questions(gd, sc, side, meters, policy),
    )


# ----------------------------------------------------------------------------- rendering

# the card's headings and fixed words, translated where shown
HEADINGS = {
    "kicker": N_("Briefing card: {side}"),
    "situation": N_("The situation"),
    "role": N_("Your role"),
    "objectives": N_("Your objectives"),
    "wins": N_("What wins"),
    "moves": N_("Your moves"),
    "questions": N_("Before the first quarter"),
    "meter": N_("Meter"),
    "value": N_("Value"),
    "covert": N_("covert"),
    "now": N_("now"),
    "blocked": N_("unavailable at the start: {reason}"),
    "footer": N_("G2, the US–China AI compute race. `g2 moves` describes every move in full."),
}


def _t(key: str, **values: str) -> str:
    text = _(HEADINGS[key])
    return text.format(**values) if values else text


def _option_text(words: str, cost: float, now: bool) -> str:
    if now:
        return _("{option} ({cost}, now)").format(option=words, cost=_cost(cost))
    return _("{option} ({cost})").format(option=words, cost=_cost(cost))


def _paren(text: str) -> str:
    """`text` in brackets, as the language writes them: ' (covert)' or '（隐蔽）'."""
    return _(" ({text})").format(text=text)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_md(card: Card) -> str:
    out = [
        f"# {card.scenario} — {card.side_title}",
        "",
        f"**{_t('kicker', side=card.side_title)}** · {card.dates}",
        "",
        f"## {_t('situation')}",
        "",
        card.situation,
        "",
        f"## {_t('role')}",
        "",
        card.role,
        "",
        f"## {_t('objectives')}",
        "",
        *[f"- {o}" for o in card.objectives],
        "",
        f"## {_t('wins')}",
        "",
    ]
    for para in card.wins:
        out += [para, ""]
    out += [
        f"## {card.standing_at}",
        "",
        f"| {_t('meter')} | {_t('value')} |",
        "|---|---:|",
        *[f"| {_md_cell(k)} | {_md_cell(v)} |" for k, v in card.standing],
        "",
        f"## {_t('moves')}",
        "",
        card.moves_note,
        "",
    ]
    for group, lines in card.groups:
        out += [f"### {group}", ""]
        for mv in lines:
            name = f"**{mv.name}**" + (_paren(_t("covert")) if mv.covert else "")
            if mv.options[0][0]:
                opts = " · ".join(_option_text(*o) for o in mv.options)
                out.append("- " + _("{move}: {options}").format(move=name, options=opts))
            else:
                out.append(f"- {name}{_paren(_cost(mv.options[0][1]))}")
            if mv.blocked:
                out.append(f"  {_t('blocked', reason=mv.blocked)}")
        out.append("")
    out += [f"## {_t('questions')}", ""]
    out += [f"{i}. {q}" for i, q in enumerate(card.questions, 1)]
    out += ["", f"*{_t('footer')}*"]
    return "\n".join(out).rstrip() + "\n"


CSS = """
@page { size: A4; margin: 11mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; background: #e8e8e4; color: #1c1c1c;
  font-family: "Source Sans 3", "Source Sans Pro", "Helvetica Neue", Arial, "Noto Sans CJK SC",
    "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 9pt; line-height: 1.34;
}
.card {
  width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 11mm 12mm; background: #fff;
  box-shadow: 0 1px 6px rgba(0, 0, 0, .18);
}
.us { --side: #1d4e89; --tint: #e8f0fa; }
.china { --side: #a3161a; --tint: #fbeaea; }
header { border-bottom: 2.5pt solid var(--side); padding-bottom: 2.5mm; margin-bottom: 3mm; }
.kicker {
  color: var(--side); font-weight: 700; font-size: 8.5pt; letter-spacing: .08em;
  text-transform: uppercase;
}
h1 { font-size: 17pt; line-height: 1.15; margin: 1mm 0 .5mm; }
.meta { color: #555; font-size: 9pt; }
h2 {
  color: var(--side); font-size: 9.6pt; letter-spacing: .05em; text-transform: uppercase;
  margin: 2.6mm 0 1mm; padding-bottom: .5mm; border-bottom: .5pt solid #c9c9c9;
}
h3 { font-size: 8.8pt; margin: 1.8mm 0 .6mm; color: #333; }
p { margin: 0 0 1.3mm; }
ul, ol { margin: 0 0 1.6mm; padding-left: 5mm; }
li { margin-bottom: .6mm; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 7mm; }
.role { background: var(--tint); border-left: 2pt solid var(--side); padding: 1.6mm 2.4mm; }
table { width: 100%; border-collapse: collapse; }
td { padding: .5mm 0; border-bottom: .4pt dotted #bbb; vertical-align: top; }
td.v { text-align: right; font-weight: 600; font-variant-numeric: tabular-nums; padding-left: 2mm; }
.note { color: #555; font-size: 8.4pt; }
.move { margin: 0 0 1.1mm; break-inside: avoid; page-break-inside: avoid; }
.name { font-weight: 600; }
.covert {
  font-size: 7.6pt; font-weight: 700; color: #fff; background: #555; border-radius: 2pt;
  padding: 0 1mm; margin-left: 1mm; vertical-align: 1px;
}
.opt { white-space: nowrap; margin-right: 2.2mm; }
.opt, .cost { font-size: 8.5pt; }
.cost {
  display: inline-block; min-width: 5mm; text-align: center; border-radius: 2pt;
  background: var(--tint); color: var(--side); font-weight: 700;
  font-variant-numeric: tabular-nums; padding: 0 .8mm;
}
.now .cost { background: var(--side); color: #fff; }
.blocked { color: #8a5a00; font-size: 8.4pt; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .95em; }
.questions { margin-top: 1mm; }
.questions ol { columns: 2; column-gap: 7mm; }
.questions li { break-inside: avoid; }
footer { margin-top: 3mm; color: #777; font-size: 7.8pt; border-top: .5pt solid #ddd; padding-top: 1mm; }
@media print {
  body { background: none; }
  .card {
    width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none;
    break-after: page; page-break-after: always;
  }
  .card:last-child { break-after: auto; page-break-after: auto; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_options(mv: MoveLine) -> str:
    out = []
    for words, cost, now in mv.options:
        cls, label = ("opt now", _e(words + _paren(_t("now")))) if now else ("opt", _e(words))
        out.append(
            f'<span class="{cls}">{label} <span class="cost">{_e(_cost(cost))}</span></span>'
        )
    return " ".join(out)


def render_card_html(card: Card) -> str:
    t = {key: _e(_t(key)) for key in HEADINGS if "{" not in HEADINGS[key]}
    t["kicker"] = _e(_t("kicker", side=card.side_title))
    t["footer"] = re.sub(r"`([^`]+)`", r"<code>\1</code>", t["footer"])
    standing = "".join(
        f'<tr><td>{_e(k)}</td><td class="v">{_e(v)}</td></tr>' for k, v in card.standing
    )
    moves = []
    for group, lines in card.groups:
        moves.append(f"<h3>{_e(group)}</h3>")
        for mv in lines:
            covert = f'<span class="covert">{t["covert"]}</span>' if mv.covert else ""
            blocked = (
                f'<div class="blocked">{_e(_t("blocked", reason=mv.blocked))}</div>'
                if mv.blocked
                else ""
            )
            if mv.options[0][0]:  # a stance: its options on a line of their own
                body = f"<br>{_html_options(mv)}"
            else:  # a one-off move: its cost beside its name
                body = f' <span class="cost">{_e(_cost(mv.options[0][1]))}</span>'
            moves.append(
                f'<div class="move"><span class="name">{_e(mv.name)}</span>{covert}{body}'
                f"{blocked}</div>"
            )
    objectives = "".join(f"<li>{_e(o)}</li>" for o in card.objectives)
    wins = "".join(f"<p>{_e(p)}</p>" for p in card.wins)
    questions = "".join(f"<li>{_e(q)}</li>" for q in card.questions)
    return f"""<article class="card {card.side}">
<header>
<div class="kicker">{t["kicker"]}</div>
<h1>{_e(card.scenario)}</h1>
<div class="meta">{_e(card.side_title)} · {_e(card.dates)}</div>
</header>
<div class="cols">
<div>
<section><h2>{t["situation"]}</h2><p>{_e(card.situation)}</p></section>
<section><h2>{t["role"]}</h2><p class="role">{_e(card.role)}</p></section>
<section><h2>{t["objectives"]}</h2><ul>{objectives}</ul></section>
<section><h2>{t["wins"]}</h2>{wins}</section>
<section><h2>{_e(card.standing_at)}</h2><table>{standing}</table></section>
</div>
<section id="moves-{card.side}" class="moves"><h2>{t["moves"]}</h2>
<p class="note">{_e(card.moves_note)}</p>
{"".join(moves)}
</section>
</div>
<section class="questions"><h2>{t["questions"]}</h2><ol>{questions}</ol></section>
<footer>{t["footer"]}</footer>
</article>"""


def render_html(cards: list[Card]) -> str:
    lang = "zh-Hans" if language() == "zh" else "en"
    title = " · ".join(dict.fromkeys([cards[0].scenario, *(c.side_title for c in cards)]))
    body = "\n".join(render_card_html(c) for c in cards)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


# ----------------------------------------------------------------------------- entry points


def cards(
    scenario: str | Path | Scenario,
    side: str,
    fmt: str = "md",
    lang: str = "en",
    data: GameData | None = None,
) -> str:
    """The briefing card of `side` ('us', 'china' or 'both': one card each) in `scenario` (a
    built-in id, a scenario file or a Scenario), as Markdown (`fmt="md"`) or a self-contained
    HTML page printable on A4, one card a page (`fmt="html"`), in `lang` ('en' or 'zh').
    BriefError for an unknown scenario, side or format; the scenario file's own errors
    (DataError) pass through."""
    if side not in SIDE_CHOICES:
        raise BriefError(f"unknown side {side!r}: use one of {', '.join(SIDE_CHOICES)}")
    if fmt not in FORMATS:
        raise BriefError(f"unknown format {fmt!r}: use md or html")
    gd, sid = resolve(scenario, data)
    previous = language()
    set_language(lang)
    try:
        if getattr(gd, "translations", None):
            add_translations(gd.translations)
        sides = ("us", "china") if side == "both" else (side,)
        made = [build_card(gd, sid, s) for s in sides]
        if fmt == "html":
            return render_html(made)
        return "\n---\n\n".join(render_md(c) for c in made)
    finally:
        set_language(previous)


def add_brief_parser(subparsers) -> None:
    """`g2 brief SCENARIO --side us|china|both --format md|html [--lang zh] [--out FILE]`."""
    b = subparsers.add_parser(
        "brief",
        help=_("print or write the briefing cards of a scenario's sides, for a class"),
        description=_(
            "A side's briefing card: the scenario, the role and its objectives, what wins, the "
            "moves the side may use with their costs, the starting situation and questions to "
            "think about. HTML prints on A4, one card a page."
        ),
        # `g2` adds --lang to every command; either definition may come last
        conflict_handler="resolve",
    )
    b.add_argument("scenario", metavar="SCENARIO", help=_("a built-in scenario id or a file"))
    b.add_argument("--side", choices=SIDE_CHOICES, default="both", help=_("default: both"))
    b.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help=_("md or html (default: html when --out ends in .html, else md)"),
    )
    b.add_argument("--lang", choices=("en", "zh"), default=None, help=_("en or zh"))
    b.add_argument("--out", metavar="FILE", help=_("write the cards to FILE (default: print)"))
    b.set_defaults(func=cmd_brief)


def cmd_brief(args, out: Callable[[str], Any] | None = None) -> int:
    """Run `g2 brief`: 0 when the cards were printed or written, 2 on a bad scenario or file."""
    from game.engine.api import SaveError, write_atomic
    from game.engine.yamlsrc import DataError

    fmt = args.format or (
        "html" if args.out and Path(args.out).suffix.lower() in (".html", ".htm") else "md"
    )
    lang = getattr(args, "lang", None) or language()
    try:
        text = cards(args.scenario, args.side, fmt, lang)
        if args.out:
            write_atomic(args.out, lambda fh: fh.write(text), verb="write the cards")
        else:
            (out or sys.stdout.write)(text)
    except (BriefError, DataError, SaveError) as exc:
        print(_("g2 brief: error: {message}").format(message=exc), file=sys.stderr)
        return 2
    if args.out:
        print(_("wrote {file}").format(file=args.out), file=sys.stderr)
    return 0
