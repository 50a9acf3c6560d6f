"""The title screen: choose a side, a scenario, an opponent and a seed, or load a saved game.

It is the first screen, so it starts light: the scenarios' names and briefings come from their
files' headers (`scenario_cards`), and the engine (numpy, all the data) loads in a worker after the
first paint (NewGameScreen.ENGINE_DELAY), to add who leads each scenario at its start to the briefing.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.validation import Function
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from game.ai.catalog import LEVELS, default_opponent
from game.ai.catalog import PERSONA_INFO as PERSONAS
from game.engine.data import (
    DEFAULT_SCENARIO,
    SEED_MAX,
    _merged,
    data_dir,
    other_side,
    parse_quarter,
    quarter_name,
    scenario_docs,
)
from game.engine.yamlsrc import DataError, Doc
from game.i18n import N_, _, language, ngettext, set_language, tc
from game.tui.defaults import HOTSEAT, SAVE_DIR
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.header import G2Header

# the texts below are marked with N_ and translated where they are shown: `_(TITLE)`
TITLE = N_("G2 — the US–China AI compute race")
PITCH = N_(
    "Lead the United States or China through the race for AI compute, one quarter at a time. "
    "Set H200 export policy, push the Remote Access Security Act, ramp up Huawei Ascend, fund "
    "Stargate or rent overseas neoclouds, while your rival moves at the same moment. An engine "
    "built on the figures of five source documents moves compute, the capability gap, markets, "
    "the US bubble and tension, and tells you why each meter moved."
)
SEED_RULE = re.compile(r"\s*\d{1,20}\s*")
SEED_HELP = N_("A whole number such as 42, or empty for a random game.")
CHOSEN = "▶ "  # marks each list's choice: the highlight's colour is lost in a text capture


def seed_range() -> str:
    """What a seed may be, in the current language: 'a whole number from 0 to 18,446,…'."""
    return _("a whole number from {low} to {high}").format(low=0, high=f"{SEED_MAX:,}")


BUTTON_NAMES = {"en": "English", "zh": "中文"}  # each language named in its own words


def other_language() -> str:
    """The language the new-game screen's language button switches to."""
    return "en" if language() == "zh" else "zh"


def _seed_ok(text: str) -> bool:
    """A seed a save can hold: a whole number from 0 to SEED_MAX."""
    return bool(SEED_RULE.fullmatch(text)) and int(text) <= SEED_MAX


PLANNER_BLURB = {
    1: N_("Looks ahead with the engine: {rollouts} futures a move."),
    2: N_("Looks ahead with the engine: {rollouts} futures a move."),
    3: N_("Looks ahead: {rollouts} futures a move, then a second move."),
}
PLANNER_STRENGTH = {1: N_("quick"), 2: N_("the default"), 3: N_("strongest")}


# ----------------------------------------------------------------------------- what is offered


@dataclass(frozen=True)
class ScenarioCard:
    """What the new-game screen shows of a scenario before the engine is loaded."""

    id: str
    name: str
    briefing: str
    start: int
    end: int

    @property
    def quarters(self) -> int:
        return self.end - self.start + 1


@lru_cache(maxsize=1)
def scenario_cards(folder: str | None = None) -> dict[str, ScenarioCard]:
    """The playable scenarios, in `load_data().scenarios`' order, read from their files' headers
    (id, name, briefing, start, end, after `extends:`) without building them: no engine, no
    numpy, none of the other data files. Calibration scenarios (calib-*) script both sides'
    policy: they are not for play. The full check of each file happens when a game starts."""
    raw = scenario_docs((Path(folder) if folder else data_dir()) / "scenarios")
    cards = {}
    for sid, doc in raw.items():
        if sid.startswith("calib-"):
            continue
        v = _merged(doc, raw).value
        start, end = (_quarter(doc, v, key) for key in ("start", "end"))
        cards[sid] = ScenarioCard(
            sid, str(v.get("name") or ""), str(v.get("briefing") or "").strip(), start, end
        )
    return cards


def _quarter(doc: Doc, v: dict, key: str) -> int:
    if key not in v:
        raise doc.error(key, "missing")
    try:
        return parse_quarter(v[key])
    except ValueError as exc:
        raise doc.error(key, str(exc)) from None


class OpponentChoice(NamedTuple):
    """One opponent on offer: its agent spec (a persona key, `planner:N` or "human"), a one-line
    title for the list and the description shown below it."""

    id: str
    title: str
    description: str


def opponent_choices(player_side: str) -> list[OpponentChoice | None]:
    """Every opponent for a player of `player_side`: the other side's personas, the planner's
    levels and a second human. `None` entries are separators."""
    choices: list[OpponentChoice | None] = [
        OpponentChoice(key, tc(p.title), tc(p.description))
        for key, p in PERSONAS[other_side(player_side)].items()
    ]
    choices.append(None)
    for level, budget in LEVELS.items():
        blurb = _(PLANNER_BLURB.get(level, PLANNER_BLURB[1])).format(rollouts=budget.rollouts)
        strength = _(PLANNER_STRENGTH[level]) if level in PLANNER_STRENGTH else _("custom")
        title = _("Planner, level {level} ({strength})").format(level=level, strength=strength)
        choices.append(OpponentChoice(f"planner:{level}", title, blurb))
    choices.append(None)
    choices.append(
        OpponentChoice(
            HOTSEAT, _("Second human (hot-seat)"), _("Two players, one keyboard, turn about.")
        )
    )
    return choices


def start_text(scenario: str) -> str:
    """Who leads `scenario` at its start and why: the largest parts of the score for each side,
    the leader's first, from the scenario's starting state (the same for every seed)."""
    from game.engine.api import favours, new_game

    game = new_game(scenario, seed=0)
    parts = sorted(game.score_breakdown(), key=lambda p: -abs(p["points"]))
    total = game.meters["score"]
    lead = favours(total)
    names = {"us": _("the US"), "china": _("China")}
    clauses = []
    for side in [lead, other_side(lead)] if lead else ["us", "china"]:
        mine = [
            _("{part} (+{points})").format(part=tc(p["part"]), points=f"{abs(p['points']):.1f}")
            for p in parts
            if p["favours"] == side
        ][:2]
        if len(mine) == 2:
            clause = _("{first} and {second} favour {side}")
        elif mine:
            clause = _("{first} favours {side}")
        else:
            continue
        clauses.append(clause.format(first=mine[0], second=mine[-1], side=names[side]))
    reasons = _("; ").join(clauses)
    if lead and clauses:
        head = _("At the start {side} leads the score by {points}: {reasons}.")
    elif lead:
        head = _("At the start {side} leads the score by {points}.")
    elif clauses:
        head = _("At the start neither side leads the score: {reasons}.")
    else:
        head = _("At the start neither side leads the score.")
    head = head.format(side=names.get(lead, ""), points=f"{abs(total):.1f}", reasons=reasons)
    tail = ngettext(
        "In the war room, s shows the {n} part of the score.",
        "In the war room, s shows all {n} parts of the score.",
        len(parts),
    ).format(n=len(parts))
    return _("{start} {more}").format(start=head, more=tail)


# by (language, scenario): the engine runs once for each scenario and language
_START_TEXT: dict[tuple[str, str], str] = {}


@dataclass
class NewGameChoice:
    """What the player chose. `opponent` is an agent spec: a persona key, `planner:N` or "human"."""

    side: str
    scenario: str
    opponent: str
    seed: int | None


# ----------------------------------------------------------------------------- widgets


class ChoiceList(OptionList):
    """An OptionList of (id, label) choices whose highlighted option is the choice, marked with
    CHOSEN so that it shows without colour too. A click only highlights; enter (OptionSelected)
    means "start with these choices". `None` entries are separators."""

    def __init__(self, choices: Iterable[tuple[str, str] | None], **kwargs) -> None:
        self._labels: dict[str, str] = {}
        self._marked: int | None = None
        super().__init__(*self._as_options(choices), **kwargs)

    def _as_options(self, choices: Iterable[tuple[str, str] | None]) -> list[Option | None]:
        choices = list(choices)
        self._labels = {c[0]: c[1] for c in choices if c is not None}
        self._marked = None
        return [
            None if c is None else Option(self._marked_prompt(c[1], False), id=c[0])
            for c in choices
        ]

    @staticmethod
    def _marked_prompt(label: str, chosen: bool) -> Content:
        return Content.assemble((CHOSEN, "bold") if chosen else " " * len(CHOSEN), label)

    def set_choices(self, choices: Iterable[tuple[str, str] | None]) -> None:
        self.set_options(self._as_options(choices))

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted == self._marked:
            return
        for index, chosen in ((self._marked, False), (highlighted, True)):
            if index is not None and index < self.option_count:
                option = self.get_option_at_index(index)
                label = self._labels.get(option.id or "", "")
                self.replace_option_prompt_at_index(index, self._marked_prompt(label, chosen))
        self._marked = highlighted

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # OptionList's own handler would post OptionSelected
        index = event.style.meta.get("option")
        if index is not None and not self.get_option_at_index(index).disabled:
            self.highlighted = index


# ----------------------------------------------------------------------------- the screen


class NewGameScreen(Screen[NewGameChoice | Path]):
    """Dismisses with a NewGameChoice (Start) or the Path of a save (Load game)."""

    class StartFound(Message):
        """The engine has worked out who leads `scenario` at its start, in `language` (or the data
        is broken)."""

        def __init__(
            self, scenario: str, text: str | None, error: str | None = None, language: str = ""
        ) -> None:
            super().__init__()
            self.scenario, self.text, self.error = scenario, text, error
            self.language = language

    DEFAULT_CSS = """
    NewGameScreen #body { height: 1fr; padding: 0 1; }
    NewGameScreen #title { text-style: bold; color: $accent; margin-top: 1; }
    NewGameScreen .pitch { color: $text-muted; margin-bottom: 1; }
    NewGameScreen #pitch-end { display: none; margin: 1 0 0 0; }
    NewGameScreen #choices { height: auto; }
    NewGameScreen #left { width: 1fr; height: auto; }
    NewGameScreen #right { width: 1fr; height: auto; margin-left: 1; }
    NewGameScreen OptionList { height: auto; border: round $primary-darken-2; }
    NewGameScreen OptionList:focus { border: round $accent; }
    NewGameScreen #opponent-about { color: $text-muted; padding: 0 1; height: auto; }
    NewGameScreen #seed { border: round $primary-darken-2; }
    NewGameScreen #seed:focus { border: round $accent; }
    NewGameScreen #seed.-invalid { border: round $error; }
    NewGameScreen #seed-help { color: $text-muted; padding: 0 1; }
    NewGameScreen #seed-help.-invalid { color: $error; text-style: bold; }
    NewGameScreen #briefing { border: round $primary-darken-3; padding: 0 1; height: auto; }
    NewGameScreen #buttons { height: auto; padding: 0 1; }
    NewGameScreen #buttons Button { margin-right: 1; }
    NewGameScreen.-narrow #choices { layout: vertical; }
    NewGameScreen.-narrow #right { margin-left: 0; }
    NewGameScreen.-short #title { display: none; }
    NewGameScreen.-short #pitch { display: none; }
    NewGameScreen.-short #pitch-end { display: block; }
    """
    # below 76 columns the two columns stack; below 30 rows the choices come first (the header
    # already names the game) and the pitch moves to the end
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (76, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("enter,s", "start", N_("Start"), key_display="enter/s"),
        Binding("l", "load", N_("Load game")),
        Binding("f1,question_mark", "help", N_("Help"), key_display="?"),
        Binding("t", "toggle_language", N_("中文 / English"), show=False),
        Binding("q", "quit", N_("Quit")),
    ]
    AUTO_FOCUS = "#side"
    # The engine (numpy and all the data) loads in a thread this many seconds after the first
    # paint: importing it holds the GIL in long stretches, which would slow the first keys. Tests
    # set 0 (the worker starts right after the first paint) and await app.workers.wait_for_complete().
    ENGINE_DELAY = 0.25

    def __init__(self, save_dir: Path | None = None) -> None:
        super().__init__()
        self._save_dir = save_dir
        self._scenarios = scenario_cards()
        self._opponents_for = "us"  # the side the opponent list was built for
        self._about: dict[str, str] = {}  # the offered opponents' descriptions, by spec
        self._finding: set[str] = set()  # scenarios whose start the engine is working out

    def compose(self) -> ComposeResult:
        yield G2Header()
        with VerticalScroll(id="body"):
            yield Static(_(TITLE), id="title")
            yield Static(_(PITCH), id="pitch", classes="pitch")
            with Horizontal(id="choices"):
                with Vertical(id="left"):
                    sides = ChoiceList(
                        [("us", _("United States")), ("china", _("China"))], id="side"
                    )
                    sides.border_title = _("Your side")
                    yield sides
                    scenarios = ChoiceList(
                        [(sid, tc(sc.name)) for sid, sc in self._scenarios.items()], id="scenario"
                    )
                    scenarios.border_title = _("Scenario")
                    yield scenarios
                    seed = Input(
                        placeholder=_("empty = random"),
                        id="seed",
                        valid_empty=True,
                        validators=[Function(_seed_ok, failure_description=_(SEED_HELP))],
                    )
                    seed.border_title = _("Seed (optional)")
                    yield seed
                    yield Static(_(SEED_HELP), id="seed-help")
                with Vertical(id="right"):
                    opponents = ChoiceList(self._offer("us"), id="opponent")
                    opponents.border_title = _("Opponent ({side})").format(side=_("China"))
                    yield opponents
                    yield Static(id="opponent-about")
            briefing = Static(id="briefing")
            briefing.border_title = _("Briefing")
            yield briefing
            yield Static(_(PITCH), id="pitch-end", classes="pitch")
        with Horizontal(id="buttons"):
            yield Button(_("Start"), id="start", variant="primary")
            yield Button(_("Load game"), id="load")
            yield Button(_("Help"), id="help")
            # the other language, named in its own words: "中文" in English, "English" in Chinese
            yield Button(
                BUTTON_NAMES[other_language()], id="lang", tooltip=_("Switch language (t)")
            )
            yield Button(_("Quit"), id="quit", variant="error")
        yield G2Footer()

    def on_resize(self) -> None:
        # short terminals: one-line buttons leave room for the choices
        for button in self.query(Button):
            button.compact = self.size.height < 30

    def on_mount(self) -> None:
        self.query_one("#side", OptionList).highlighted = 0
        scenarios = self.query_one("#scenario", OptionList)
        ids = list(self._scenarios)
        scenarios.highlighted = ids.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in ids else 0
        self._select_opponent(default_opponent("us"))
        self._show_briefing()

    # -- reading the form
    def _picked(self, selector: str) -> str:
        ol = self.query_one(selector, OptionList)
        option = ol.highlighted_option
        return option.id if option is not None and option.id else ""

    @property
    def side(self) -> str:
        return self._picked("#side") or "us"

    def _offer(self, player_side: str) -> list[tuple[str, str] | None]:
        """The opponents for `player_side` as (spec, title) choices; remembers their descriptions."""
        choices = opponent_choices(player_side)
        self._about = {c.id: c.description for c in choices if c is not None}
        return [None if c is None else (c.id, c.title) for c in choices]

    def _select_opponent(self, spec: str) -> None:
        ol = self.query_one("#opponent", OptionList)
        try:
            ol.highlighted = ol.get_option_index(spec)
        except OptionDoesNotExist:  # not offered to this side: take the first option
            ol.highlighted = 0

    def _show_briefing(self) -> None:
        sid = self._picked("#scenario")
        sc = self._scenarios.get(sid)
        if sc is None:
            return
        span = ngettext("{first}–{last}, {n} quarter", "{first}–{last}, {n} quarters", sc.quarters)
        span = "  " + span.format(
            first=quarter_name(sc.start), last=quarter_name(sc.end), n=sc.quarters
        )
        start = _START_TEXT.get((language(), sid))
        if start is None and sid not in self._finding:
            self._finding.add(sid)
            find = partial(self._find_start, sid)
            if self.ENGINE_DELAY:
                self.call_after_refresh(self.set_timer, self.ENGINE_DELAY, find)
            else:
                self.call_after_refresh(find)
        self.query_one("#briefing", Static).update(
            Content.assemble(
                (tc(sc.name), "bold"),
                (span + "\n", "dim"),
                tc(sc.briefing),
                f"\n\n{start}" if start else "",
            )
        )

    @work(thread=True, group="start-text")
    def _find_start(self, scenario: str) -> None:
        lang = language()
        try:
            text = start_text(scenario)
        except DataError as exc:  # the headers read, but the full data does not load
            self.post_message(self.StartFound(scenario, None, str(exc), lang))
            return
        self.post_message(self.StartFound(scenario, text, language=lang))

    @on(StartFound)
    def _start_found(self, found: StartFound) -> None:
        self._finding.discard(found.scenario)
        if found.error is not None:
            self.notify(found.error, title=_("The game's data has an error"), severity="error")
            return
        if found.text is not None:
            _START_TEXT[found.language, found.scenario] = found.text
        if self._picked("#scenario") == found.scenario:
            self._show_briefing()

    def _seed(self) -> tuple[bool, int | None]:
        text = self.query_one("#seed", Input).value.strip()
        if not text:
            return True, None
        if not _seed_ok(text):
            return False, None
        return True, int(text)

    def choice(self) -> NewGameChoice | None:
        """The form as a NewGameChoice, or None while the seed is not one a save can hold."""
        ok, seed = self._seed()
        if not ok:
            return None
        scenario = self._picked("#scenario") or DEFAULT_SCENARIO
        opponent = self._picked("#opponent") or default_opponent(self.side)
        return NewGameChoice(self.side, scenario, opponent, seed)

    # -- reacting to the form
    @on(OptionList.OptionHighlighted, "#side")
    def _side_changed(self) -> None:
        ol = self.query_one("#opponent", ChoiceList)
        if self._opponents_for == self.side:
            return
        self._opponents_for = self.side
        current = self._picked("#opponent")
        ol.set_choices(self._offer(self.side))
        keep = current.startswith("planner") or current == HOTSEAT
        self._select_opponent(current if keep else default_opponent(self.side))
        other = _("China") if self.side == "us" else _("the United States")
        ol.border_title = _("Opponent ({side})").format(side=other)

    @on(OptionList.OptionHighlighted, "#opponent")
    def _opponent_changed(self) -> None:
        about = self._about.get(self._picked("#opponent"), "")
        self.query_one("#opponent-about", Static).update(about)

    @on(OptionList.OptionHighlighted, "#scenario")
    def _scenario_changed(self) -> None:
        self._show_briefing()

    @on(OptionList.OptionSelected)
    def _option_chosen(self) -> None:
        self.action_start()

    @on(Input.Changed, "#seed")
    def _seed_changed(self, event: Input.Changed) -> None:
        bad = event.validation_result is not None and not event.validation_result.is_valid
        help_ = self.query_one("#seed-help", Static)
        help_.set_class(bad, "-invalid")
        help_.update(
            _("{value} is not {allowed}.").format(
                value=repr(event.value.strip()[:24]), allowed=seed_range()
            )
            if bad
            else _(SEED_HELP)
        )

    @on(Input.Submitted, "#seed")
    def _seed_submitted(self) -> None:
        self.action_start()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        if event.button.id == "lang":
            await self.action_toggle_language()
            return
        actions = {
            "start": self.action_start,
            "load": self.action_load,
            "help": self.action_help,
            "quit": self.action_quit,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    # -- actions
    def action_start(self) -> None:
        choice = self.choice()
        if choice is None:
            self.notify(
                _("A seed is {allowed}, or empty for a random game.").format(allowed=seed_range()),
                title=_("Not a seed"),
                severity="error",
            )
            self.query_one("#seed", Input).focus()
            return
        self.dismiss(choice)

    def action_load(self) -> None:
        from game.tui.screens.load import LoadScreen

        folder = self._save_dir or Path(getattr(self.app, "save_dir", SAVE_DIR))

        def loaded(path: Path | None) -> None:
            if path is not None:
                self.dismiss(path)

        self.app.push_screen(LoadScreen(folder), loaded)

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()

    async def action_toggle_language(self) -> None:
        """Switch English <-> Chinese, remember it (the player's settings), and redraw the form
        in the new language with every choice kept."""
        from game.tui import prefs

        kept = {sel: self._picked(sel) for sel in ("#side", "#scenario", "#opponent")}
        seed = self.query_one("#seed", Input).value
        lang = set_language(other_language())
        problem = prefs.set("lang", lang)
        if problem:
            self.notify(problem, severity="warning", markup=False)
        retitle = getattr(self.app, "retitle", None)
        if retitle is not None:
            retitle()
        self._opponents_for = "us"
        await self.recompose()
        for sel in ("#side", "#scenario"):
            ol = self.query_one(sel, OptionList)
            with contextlib.suppress(OptionDoesNotExist):
                ol.highlighted = ol.get_option_index(kept[sel])
        self._side_changed()
        self._select_opponent(kept["#opponent"] or default_opponent(self.side))
        self.query_one("#seed", Input).value = seed
        self._show_briefing()
        self.on_resize()
        self.query_one("#lang", Button).focus()


__all__ = [
    "NewGameChoice",
    "NewGameScreen",
    "OpponentChoice",
    "ScenarioCard",
    "opponent_choices",
    "scenario_cards",
]
