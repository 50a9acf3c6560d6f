"""The title screen: choose a side, a scenario, an opponent and a seed, or load a saved game."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.validation import Function
from textual.widgets import Button, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from game.ai.catalog import LEVELS, default_opponent
from game.ai.catalog import PERSONA_INFO as PERSONAS
from game.engine.data import (
    DEFAULT_SCENARIO,
    SEED_MAX,
    load_data,
    other_side,
    quarter_name,
)
from game.tui.defaults import HOTSEAT, SAVE_DIR

TITLE = "G2 — the US–China AI compute race"
PITCH = (
    "Lead the United States or China through the race for AI compute, one quarter at a time. "
    "Set H200 export policy, push the Remote Access Security Act, ramp up Huawei Ascend, fund "
    "Stargate or rent overseas neoclouds, while your rival moves at the same moment. An engine "
    "built on the figures of five source documents moves compute, the capability gap, markets, "
    "the US bubble and tension, and tells you why each meter moved."
)
SEED_RULE = re.compile(r"\s*\d{1,20}\s*")
SEED_HELP = "A whole number such as 42, or empty for a random game."


def _seed_ok(text: str) -> bool:
    """A seed a save can hold: a whole number from 0 to SEED_MAX."""
    return bool(SEED_RULE.fullmatch(text)) and int(text) <= SEED_MAX


PLANNER_BLURB = {
    1: "Looks ahead with the engine: {rollouts} futures a move.",
    2: "Looks ahead with the engine: {rollouts} futures a move.",
    3: "Looks ahead: {rollouts} futures a move, then a second move.",
}
PLANNER_STRENGTH = {1: "quick", 2: "the default", 3: "strongest"}


def start_text(scenario: str) -> str:
    """Who leads `scenario` at its start and why: the largest parts of the score for each side,
    the leader's first, from the scenario's starting state (the same for every seed)."""
    from game.engine.api import favours, new_game

    game = new_game(scenario, seed=0)
    parts = sorted(game.score_breakdown(), key=lambda p: -abs(p["points"]))
    total = game.meters["score"]
    lead = favours(total)
    names = {"us": "the US", "china": "China"}
    head = (
        f"At the start {names[lead]} leads the score by {abs(total):.1f}"
        if lead
        else "At the start neither side leads the score"
    )
    clauses = []
    for side in [lead, other_side(lead)] if lead else ["us", "china"]:
        mine = [p for p in parts if p["favours"] == side][:2]
        if mine:
            what = " and ".join(f"{p['part']} (+{abs(p['points']):.1f})" for p in mine)
            clauses.append(f"{what} favour{'s' if len(mine) == 1 else ''} {names[side]}")
    why = f": {'; '.join(clauses)}" if clauses else ""
    return f"{head}{why}. In the war room, s shows all {len(parts)} parts of the score."


_START_TEXT: dict[str, str] = {}  # by scenario: the engine runs once for each


@dataclass
class NewGameChoice:
    """What the player chose. `opponent` is an agent spec: a persona key, `planner:N` or "human"."""

    side: str
    scenario: str
    opponent: str
    seed: int | None


def opponent_options(player_side: str) -> list[Option | None]:
    """Every opponent for a player of `player_side`: the other side's personas, the planner's
    levels and a second human. `None` entries are separators."""
    other = other_side(player_side)
    options: list[Option | None] = []
    for key, cls in PERSONAS[other].items():
        options.append(Option(_two_lines(cls.title, cls.description), id=key))
    options.append(None)
    for level, budget in LEVELS.items():
        blurb = PLANNER_BLURB.get(level, PLANNER_BLURB[1])
        title = f"Planner, level {level} ({PLANNER_STRENGTH.get(level, 'custom')})"
        options.append(
            Option(_two_lines(title, blurb.format(rollouts=budget.rollouts)), id=f"planner:{level}")
        )
    options.append(None)
    options.append(
        Option(
            _two_lines("Second human (hot-seat)", "Two players, one keyboard, turn about."),
            id=HOTSEAT,
        )
    )
    return options


def _two_lines(title: str, description: str) -> Content:
    return Content.assemble((title, "bold"), "\n", (description, "dim"))


class ChoiceList(OptionList):
    """An OptionList whose highlighted option is the choice: a click only highlights it, and enter
    (OptionSelected) means "start with these choices"."""

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # OptionList's own handler would post OptionSelected
        index = event.style.meta.get("option")
        if index is not None and not self.get_option_at_index(index).disabled:
            self.highlighted = index


class NewGameScreen(Screen[NewGameChoice | Path]):
    """Dismisses with a NewGameChoice (Start) or the Path of a save (Load game)."""

    DEFAULT_CSS = """
    NewGameScreen #body { height: 1fr; padding: 0 1; }
    NewGameScreen #title { text-style: bold; color: $accent; margin-top: 1; }
    NewGameScreen #pitch { color: $text-muted; margin-bottom: 1; }
    NewGameScreen #choices { height: auto; }
    NewGameScreen #left { width: 1fr; height: auto; }
    NewGameScreen #right { width: 1fr; height: auto; margin-left: 1; }
    NewGameScreen OptionList { height: auto; border: round $primary-darken-2; }
    NewGameScreen OptionList:focus { border: round $accent; }
    NewGameScreen #opponent { max-height: 24; }
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
    NewGameScreen.-narrow #opponent { max-height: 14; }
    """
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (76, "-wide")]
    BINDINGS = [
        Binding("enter,s", "start", "Start", key_display="enter/s"),
        Binding("l", "load", "Load game"),
        Binding("f1,question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]
    AUTO_FOCUS = "#side"

    def __init__(self, save_dir: Path | None = None) -> None:
        super().__init__()
        self._save_dir = save_dir
        # calibration scenarios (calib-*) script both sides' policy: not for play
        self._scenarios = {
            k: v for k, v in load_data().scenarios.items() if not k.startswith("calib-")
        }
        self._opponents_for = "us"  # the side the opponent list was built for

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(TITLE, id="title")
            yield Static(PITCH, id="pitch")
            with Horizontal(id="choices"):
                with Vertical(id="left"):
                    sides = ChoiceList(
                        Option("United States", id="us"), Option("China", id="china"), id="side"
                    )
                    sides.border_title = "Your side"
                    yield sides
                    scenarios = ChoiceList(
                        *(Option(sc.name, id=sid) for sid, sc in self._scenarios.items()),
                        id="scenario",
                    )
                    scenarios.border_title = "Scenario"
                    yield scenarios
                    briefing = Static(id="briefing")
                    briefing.border_title = "Briefing"
                    yield briefing
                with Vertical(id="right"):
                    opponents = ChoiceList(*opponent_options("us"), id="opponent")
                    opponents.border_title = "Opponent (China)"
                    yield opponents
                    seed = Input(
                        placeholder="empty = random",
                        id="seed",
                        valid_empty=True,
                        validators=[Function(_seed_ok, failure_description=SEED_HELP)],
                    )
                    seed.border_title = "Seed (optional)"
                    yield seed
                    yield Static(SEED_HELP, id="seed-help")
        with Horizontal(id="buttons"):
            yield Button("Start", id="start", variant="primary")
            yield Button("Load game", id="load")
            yield Button("Help", id="help")
            yield Button("Quit", id="quit", variant="error")
        yield Footer()

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
        span = f"  {quarter_name(sc.start)}–{quarter_name(sc.end)}, {sc.quarters} quarters\n"
        start = _START_TEXT.get(sid)
        if start is None:  # the engine (numpy) loads after the screen is first drawn
            self.call_after_refresh(self._find_start, sid)
        self.query_one("#briefing", Static).update(
            Content.assemble(
                (sc.name, "bold"),
                (span, "dim"),
                sc.briefing.strip(),
                f"\n\n{start}" if start else "",
            )
        )

    def _find_start(self, scenario: str) -> None:
        if scenario not in _START_TEXT:
            _START_TEXT[scenario] = start_text(scenario)
            if self._picked("#scenario") == scenario:
                self._show_briefing()

    def _seed(self) -> tuple[bool, int | None]:
        text = self.query_one("#seed", Input).value.strip()
        if not text:
            return True, None
        if not _seed_ok(text):
            return False, None
        return True, int(text)

    def choice(self) -> NewGameChoice | None:
        """The form as a NewGameChoice, or None while the seed is not a number."""
        ok, seed = self._seed()
        if not ok:
            return None
        scenario = self._picked("#scenario") or DEFAULT_SCENARIO
        opponent = self._picked("#opponent") or default_opponent(self.side)
        return NewGameChoice(self.side, scenario, opponent, seed)

    # -- reacting to the form
    @on(OptionList.OptionHighlighted, "#side")
    def _side_changed(self) -> None:
        ol = self.query_one("#opponent", OptionList)
        if self._opponents_for == self.side:
            return
        self._opponents_for = self.side
        current = self._picked("#opponent")
        ol.clear_options()
        ol.add_options(opponent_options(self.side))
        keep = current.startswith("planner") or current == HOTSEAT
        self._select_opponent(current if keep else default_opponent(self.side))
        other = "China" if self.side == "us" else "the United States"
        ol.border_title = f"Opponent ({other})"

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
            f"{event.value.strip()[:24]!r} is not a whole number from 0 to {SEED_MAX:,}."
            if bad
            else SEED_HELP
        )

    @on(Input.Submitted, "#seed")
    def _seed_submitted(self) -> None:
        self.action_start()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
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
            self.notify(SEED_HELP, title="The seed is not a number", severity="error")
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


__all__ = ["NewGameChoice", "NewGameScreen", "opponent_options"]
