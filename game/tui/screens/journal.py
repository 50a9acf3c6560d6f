"""The decision journal: as a side commits its moves it may write one line of why and predict one
meter's value after the quarter; the report reveals and scores the prediction (Session.resolve)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Number
from textual.widgets import Button, Input, Select, Static

from game.i18n import N_, _, tc
from game.tui import format as fmt
from game.tui.screens.prompt import PROMPT_CSS
from game.tui.session import MAX_RATIONALE


@dataclass(frozen=True)
class JournalEntry:
    rationale: str
    meter: str | None
    value: float | None


class JournalScreen(ModalScreen[JournalEntry | None]):
    """Dismisses with a JournalEntry (commit the quarter, the rationale and prediction optional)
    or None (escape: back to planning, nothing committed)."""

    BINDINGS = [Binding("escape", "back", N_("Back to the plan"))]
    DEFAULT_CSS = (
        PROMPT_CSS.format(name="JournalScreen")
        + """
    JournalScreen > Vertical { width: 76; max-width: 96%; }
    JournalScreen .hint { color: $text-muted; }
    JournalScreen #predict { height: auto; }
    JournalScreen #meter { width: 1fr; }
    JournalScreen #value { width: 18; }
    JournalScreen #journal-error { color: $error; height: auto; }
    JournalScreen #journal-buttons { height: auto; margin-top: 1; }
    JournalScreen #journal-buttons Button { margin-right: 1; }
    """
    )

    def __init__(self, side_label: str, quarter: str, meters: dict[str, tuple[str, float, str]]):
        """`meters`: id -> (name in words, value now, fmt)."""
        super().__init__()
        self.side_label, self.quarter, self.meters = side_label, quarter, meters

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(
                    _("Decision journal: {side}, {quarter}").format(
                        side=self.side_label, quarter=self.quarter
                    ),
                    style="bold",
                )
            )
            yield Static(_("Why this plan? One line (optional):"), classes="hint")
            yield Input(max_length=MAX_RATIONALE, id="rationale")
            yield Static(
                _("Predict one meter's value after this quarter (optional):"), classes="hint"
            )
            with Horizontal(id="predict"):
                yield Select(
                    [
                        (f"{name} ({fmt.value(now, f)})", key)
                        for key, (name, now, f) in self.meters.items()
                    ],
                    prompt=_("a meter"),
                    id="meter",
                )
                yield Input(placeholder=_("value"), id="value", validators=[Number()])
            yield Static(id="journal-error")
            with Horizontal(id="journal-buttons"):
                yield Button(_("Commit the quarter"), id="commit", variant="primary")
                yield Button(_("Back"), id="back")

    def on_mount(self) -> None:
        self.query_one("#rationale", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "commit":
            self.action_commit()
        else:
            self.action_back()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "rationale":
            self.query_one("#meter", Select).focus()
        else:
            self.action_commit()

    def action_commit(self) -> None:
        meter = self.query_one("#meter", Select).value
        meter = None if meter is Select.NULL else str(meter)
        text = self.query_one("#value", Input).value.strip()
        value = None
        if meter and text:
            try:
                value = float(text.replace(",", ""))
            except ValueError:
                self.query_one("#journal-error", Static).update(
                    _("{value} is not a number.").format(value=repr(text[:24]))
                )
                return
        elif meter or text:
            self.query_one("#journal-error", Static).update(
                _("A prediction needs both a meter and a value (or neither).")
            )
            return
        rationale = self.query_one("#rationale", Input).value
        self.dismiss(JournalEntry(rationale.strip(), meter if value is not None else None, value))

    def action_back(self) -> None:
        self.dismiss(None)


def prediction_lines(entries: list[dict], meter_words) -> list[str]:
    """The journal of a quarter, as the report shows it: each side's rationale and its prediction
    against what happened. `meter_words(meter) -> (name, fmt)`."""
    lines = []
    for e in entries:
        side = _("United States") if e["side"] == "us" else _("China")
        if e.get("rationale"):
            lines.append(_("Reason ({side}): {why}").format(side=side, why=e["rationale"]))
        p = e.get("prediction")
        if p and "actual" in e:
            name, f = meter_words(p["meter"])
            verdict = (
                _("the direction was right")
                if e.get("direction_right")
                else _("the direction was wrong")
            )
            lines.append(
                _(
                    "{side} predicted {meter} {value}; it is {actual} (off by {error}; {verdict})."
                ).format(
                    side=side,
                    meter=tc(name),
                    value=fmt.value(p["value"], f),
                    actual=fmt.value(e["actual"], f),
                    error=fmt.value(e["error"], f).lstrip("+"),
                    verdict=verdict,
                )
            )
    return lines
