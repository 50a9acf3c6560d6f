"""The end of a game: who won and why, the score quarter by quarter and its parts at the end, the
turning points, and how the player's side's personas fared from the same start (simulated in a
worker)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Sparkline, Static
from textual.worker import Worker, WorkerState

from game.ai import PERSONAS, forecast
from game.i18n import N_, _, ngettext, tc
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.header import G2Header
from game.tui.widgets.score import ScorePanel

# marked with N_, translated where shown: _(RESULT[result])
RESULT = {"us": N_("The United States wins"), "china": N_("China wins"), "draw": N_("Draw")}
# the heading over the persona comparison, by the player's side
FARED = {
    "us": N_("How the US personas fared from the same start"),
    "china": N_("How China's personas fared from the same start"),
}
# a line of the persona comparison in hot-seat play, by the side compared
PLAYER_DID = {
    "us": N_("The US player did better than {share} of {games} simulated {persona} games"),
    "china": N_("China's player did better than {share} of {games} simulated {persona} games"),
}
COMPARE_GAMES = 300
BAR = 20  # characters in a comparison bar


def signed(x: float) -> str:
    """+7.9 / −5.6 (a true minus sign, as in the rest of the screen)."""
    return f"{x:+.1f}".replace("-", "−")


def the_side(side: str) -> str:
    return _("the United States") if side == "us" else _("China")


def opponent_name(session: Session) -> str:
    title = session.opponent_title()
    return title if session.hotseat else _("the {persona}").format(persona=title)


def result_reason(session: Session) -> str:
    """Why the game ended as it did: the early decisive lead, or the final score against the margin."""
    game = session.game
    p = game.data.params
    result = game.result
    if result is None:
        return _("The game is not over yet.")
    margin, dq, us_gap = game.win_margin, int(p["decisive_quarters"]), p["us_decisive_gap"]
    gaps = [m["capability_gap_months"] for m in game.meter_history[1:]]
    score = game.meters["score"]
    gap = game.meters["capability_gap_months"]
    last = gaps[-dq:] if len(gaps) >= dq else []
    sc = game.data.scenarios[game.scenario]
    left = sc.quarters - len(game.history)
    if result == "us" and last and all(g >= us_gap for g in last):
        if left > 0:
            text = ngettext(
                "The US held a capability lead of {lead} months or more for {dq} quarters in a "
                "row (final gap {gap} months), ending the game {n} quarter early.",
                "The US held a capability lead of {lead} months or more for {dq} quarters in a "
                "row (final gap {gap} months), ending the game {n} quarters early.",
                left,
            )
        else:
            text = _(
                "The US held a capability lead of {lead} months or more for {dq} quarters in a "
                "row (final gap {gap} months)."
            )
        return text.format(lead=f"{us_gap:g}", dq=dq, gap=f"{gap:.1f}", n=left)
    if result == "china" and last and all(g < 0 for g in last):
        if left > 0:
            text = ngettext(
                "China's frontier led the US for {dq} quarters in a row (final gap {gap} months: "
                "China ahead), ending the game {n} quarter early.",
                "China's frontier led the US for {dq} quarters in a row (final gap {gap} months: "
                "China ahead), ending the game {n} quarters early.",
                left,
            )
        else:
            text = _(
                "China's frontier led the US for {dq} quarters in a row (final gap {gap} months: "
                "China ahead)."
            )
        return text.format(dq=dq, gap=signed(gap), n=left)
    if result == "us":
        text = _("Final leadership score {score}: at or above the US +{margin} a US win needs.")
    elif result == "china":
        text = _(
            "Final leadership score {score}: at or beyond the China +{margin} a China win needs."
        )
    else:
        text = _(
            "Final leadership score {score}: inside {margin} either way, so neither side leads "
            "decisively (final capability gap {gap} months)."
        )
    return text.format(score=fmt.score(score), margin=f"{margin:g}", gap=signed(gap))


def player_verdict(session: Session) -> str:
    result = session.game.result
    if result is None or session.hotseat:
        return ""
    played = _("You played {side} against {opponent}.").format(
        side=the_side(session.side), opponent=opponent_name(session)
    )
    if result == "draw":
        return played
    verdict = _("You win. {played}") if result == session.side else _("You lose. {played}")
    return verdict.format(played=played)


def move_label(session: Session, move: str) -> tuple[str, str]:
    """(side, the move in words) of a move string such as 'h200_exports:deny'."""
    gd = session.game.data
    mid = move.partition(":")[0]
    if mid not in gd.move_index:
        return "", move
    return gd.moves[gd.move_index[mid]].side, session.game.move_label(move)


def turning_points_table(session: Session) -> Table | Text:
    points = session.turning_points()
    if not points:
        return Text(_("No quarters were played."), style="dim")
    gd = session.game.data
    event_names = {e.id: e.name for e in gd.events}
    records = {r["quarter"]: r for r in session.game.history}
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(ratio=1)
    for quarter, change, moves in points:
        lines = []
        by_side: dict[str, list[str]] = {"us": [], "china": []}
        for mv in moves:
            side, name = move_label(session, mv)
            by_side.setdefault(side, []).append(tc(name))
        for side in ("us", "china"):
            if by_side.get(side):
                played = _("US: {moves}") if side == "us" else _("China: {moves}")
                lines.append(played.format(moves=_(", ").join(by_side[side])))
        if not moves:
            lines.append(_("no moves: the quarter turned on momentum and events"))
        events = [tc(event_names.get(e, e)) for e in records.get(quarter, {}).get("events", [])]
        if events:
            lines.append(_("Events: {events}").format(events=_(", ").join(events)))
        table.add_row(
            quarter,
            Text(fmt.score(change), style="blue" if change > 0 else "red"),
            "\n".join(lines),
        )
    return table


def comparison_text(session: Session, shares: dict[str, float], games: int) -> Text:
    if not shares:
        return Text(_("No quarters were played, so there is nothing to compare."), style="dim")
    personas = PERSONAS[session.side]
    against = (
        _("opponents drawn from the other side's personas")
        if session.hotseat
        else opponent_name(session)
    )
    did = (
        _(PLAYER_DID[session.side])
        if session.hotseat
        else _("You did better than {share} of {games} simulated {persona} games")
    )
    out = Text()
    for key, share in shares.items():
        title = tc(personas[key].title) if key in personas else key
        filled = round(share * BAR)
        out.append("█" * filled, style="green")
        out.append("░" * (BAR - filled), style="dim")
        out.append(f" {share:4.0%}  ", style="bold")
        out.append(did.format(share=f"{share:.0%}", games=games, persona=title) + "\n")
    out.append(
        _("Same scenario, same seed, against {opponent}.").format(opponent=against), style="dim"
    )
    return out


class GameOverScreen(Screen[str]):
    """Dismisses with "new" (n: a new game) or "quit" (q)."""

    DEFAULT_CSS = """
    GameOverScreen #body { height: 1fr; padding: 0 2; }
    GameOverScreen #result { text-style: bold; margin-top: 1; color: $text; }
    GameOverScreen #result.us { color: $primary; }
    GameOverScreen #result.china { color: $error; }
    GameOverScreen #result.draw { color: $warning; }
    GameOverScreen #verdict { text-style: italic; }
    GameOverScreen #verdict.-empty { display: none; }
    GameOverScreen #why { margin-bottom: 1; }
    GameOverScreen .section { text-style: bold; color: $accent; margin-top: 1; }
    GameOverScreen #score-box { height: auto; }
    GameOverScreen #score-spark { height: 4; margin: 0; }
    GameOverScreen .score-label { color: $text-muted; }
    GameOverScreen #compare { height: auto; }
    GameOverScreen #compare.pending { color: $text-muted; text-style: italic; }
    GameOverScreen #buttons { height: auto; padding: 0 2; }
    GameOverScreen #buttons Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("n", "new_game", N_("New game")),
        Binding("q", "quit", N_("Quit")),
    ]

    def __init__(self, session: Session, compare_games: int = COMPARE_GAMES) -> None:
        super().__init__()
        self.session = session
        if session.opponent.startswith("planner"):
            compare_games = min(compare_games, 60)  # the planner costs ~4 ms a game-quarter
        self.compare_games = compare_games

    def compose(self) -> ComposeResult:
        s = self.session
        result = s.game.result
        scores = s.score_history()
        quarters = [_("start"), *(r["quarter"] for r in s.game.history)]
        hi = max(range(len(scores)), key=scores.__getitem__)
        lo = min(range(len(scores)), key=scores.__getitem__)
        yield G2Header()
        with VerticalScroll(id="body"):
            yield Static(
                _(RESULT[result]) if result in RESULT else _("The game is not over"),
                id="result",
                classes=result or "",
            )
            verdict = player_verdict(s)
            yield Static(verdict, id="verdict", classes="" if verdict else "-empty")
            yield Static(result_reason(s), id="why")
            yield Static(
                _(
                    "Leadership score, {first} to {last} (up: towards the US, down: towards China)"
                ).format(first=quarters[0], last=quarters[-1]),
                classes="section",
            )
            with Vertical(id="score-box"):
                high = _("high {score} ({quarter})").format(
                    score=fmt.score(scores[hi]), quarter=quarters[hi]
                )
                final = _("final {score} ({quarter})").format(
                    score=fmt.score(scores[-1]), quarter=quarters[-1]
                )
                yield Static(f"{high}   {final}", classes="score-label", id="score-high")
                yield Sparkline(scores, id="score-spark")
                yield Static(
                    # two spaces after "low": its score lines up with the high one's above
                    _("low  {score} ({quarter})").format(
                        score=fmt.score(scores[lo]), quarter=quarters[lo]
                    ),
                    classes="score-label",
                    id="score-low",
                )
            yield Static(_("What the final score is made of"), classes="section")
            yield ScorePanel(detail=False, id="final-parts")
            yield Static(_("Turning points"), classes="section")
            yield Static(turning_points_table(s), id="turning")
            yield Static(_(FARED[s.side]), classes="section")
            yield Static(
                ngettext(
                    "simulating… ({n} game for each persona)",
                    "simulating… ({n} games for each persona)",
                    self.compare_games,
                ).format(n=self.compare_games),
                id="compare",
                classes="pending",
            )
        with Horizontal(id="buttons"):
            yield Button(_("New game"), id="new", variant="primary")
            yield Button(_("Quit"), id="quit", variant="error")
        yield G2Footer()

    def on_mount(self) -> None:
        game = self.session.game
        self.query_one("#final-parts", ScorePanel).show(
            game.score_breakdown(), game.meters["score"]
        )
        self.simulate()

    def on_resize(self) -> None:
        for button in self.query(Button):
            button.compact = self.size.height < 30

    @work(thread=True, exclusive=True, group="compare")
    def simulate(self) -> dict[str, float]:
        s = self.session
        return forecast.compare_with_personas(
            s.game, s.side, s.comparison_opponent, self.compare_games
        )

    @on(Worker.StateChanged)
    def _simulated(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "compare":
            return
        box = self.query_one("#compare", Static)
        if event.state == WorkerState.SUCCESS:
            box.remove_class("pending")
            box.update(comparison_text(self.session, event.worker.result, self.compare_games))
        elif event.state == WorkerState.ERROR:
            box.update(_("The simulation failed: {error}").format(error=event.worker.error))

    @on(Button.Pressed, "#new")
    def action_new_game(self) -> None:
        self.dismiss("new")

    @on(Button.Pressed, "#quit")
    def action_quit(self) -> None:
        self.dismiss("quit")
