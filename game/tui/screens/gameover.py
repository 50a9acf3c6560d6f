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
from textual.widgets import Button, Footer, Header, Sparkline, Static
from textual.worker import Worker, WorkerState

from game.ai import PERSONAS, forecast
from game.tui import format as fmt
from game.tui.session import Session
from game.tui.widgets.score import ScorePanel

RESULT = {"us": "The United States wins", "china": "China wins", "draw": "Draw"}
THEIR = {"us": "the US", "china": "China's"}
PLAYER = {"us": "The US player", "china": "China's player"}
COMPARE_GAMES = 300
BAR = 20  # characters in a comparison bar


def signed(x: float) -> str:
    """+7.9 / −5.6 (a true minus sign, as in the rest of the screen)."""
    return f"{x:+.1f}".replace("-", "−")


def the_side(side: str) -> str:
    return "the United States" if side == "us" else "China"


def opponent_name(session: Session) -> str:
    title = session.opponent_title()
    return title if session.hotseat else f"the {title}"


def result_reason(session: Session) -> str:
    """Why the game ended as it did: the early decisive lead, or the final score against the margin."""
    game = session.game
    p = game.data.params
    result = game.result
    if result is None:
        return "The game is not over yet."
    margin, dq, us_gap = p["win_margin"], int(p["decisive_quarters"]), p["us_decisive_gap"]
    gaps = [m["capability_gap_months"] for m in game.meter_history[1:]]
    score = game.meters["score"]
    gap = game.meters["capability_gap_months"]
    last = gaps[-dq:] if len(gaps) >= dq else []
    sc = game.data.scenarios[game.scenario]
    left = sc.quarters - len(game.history)
    early = f", ending the game {left} quarter{'s' if left != 1 else ''} early" if left > 0 else ""
    if result == "us" and last and all(g >= us_gap for g in last):
        return (
            f"The US held a capability lead of {us_gap:g} months or more for {dq} quarters in a "
            f"row (final gap {gap:.1f} months){early}."
        )
    if result == "china" and last and all(g < 0 for g in last):
        return (
            f"China's frontier led the US for {dq} quarters in a row (final gap "
            f"{signed(gap)} months: China ahead){early}."
        )
    if result == "us":
        return (
            f"Final leadership score {fmt.score(score)}: at or above the US +{margin:g} a US "
            "win needs."
        )
    if result == "china":
        return (
            f"Final leadership score {fmt.score(score)}: at or beyond the China +{margin:g} a "
            "China win needs."
        )
    return (
        f"Final leadership score {fmt.score(score)}: inside {margin:g} either way, so neither "
        "side leads "
        f"decisively (final capability gap {signed(gap)} months)."
    )


def player_verdict(session: Session) -> str:
    result = session.game.result
    if result is None or session.hotseat:
        return ""
    played = f"You played {the_side(session.side)} against {opponent_name(session)}."
    if result == "draw":
        return played
    return f"{'You win' if result == session.side else 'You lose'}. {played}"


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
        return Text("No quarters were played.", style="dim")
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
            by_side.setdefault(side, []).append(name)
        for side in ("us", "china"):
            if by_side.get(side):
                lines.append(f"{'US' if side == 'us' else 'China'}: {', '.join(by_side[side])}")
        if not moves:
            lines.append("no moves: the quarter turned on momentum and events")
        events = [event_names.get(e, e) for e in records.get(quarter, {}).get("events", [])]
        if events:
            lines.append(f"Events: {', '.join(events)}")
        table.add_row(
            quarter,
            Text(fmt.score(change), style="blue" if change > 0 else "red"),
            "\n".join(lines),
        )
    return table


def comparison_text(session: Session, shares: dict[str, float], games: int) -> Text:
    if not shares:
        return Text("No quarters were played, so there is nothing to compare.", style="dim")
    personas = PERSONAS[session.side]
    against = (
        "opponents drawn from the other side's personas"
        if session.hotseat
        else opponent_name(session)
    )
    who = "You" if not session.hotseat else PLAYER[session.side]
    out = Text()
    for key, share in shares.items():
        title = personas[key].title if key in personas else key
        filled = round(share * BAR)
        out.append("█" * filled, style="green")
        out.append("░" * (BAR - filled), style="dim")
        out.append(f" {share:4.0%}  ", style="bold")
        out.append(f"{who} did better than {share:.0%} of {games} simulated {title} games\n")
    out.append(f"Same scenario, same seed, against {against}.", style="dim")
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
        Binding("n", "new_game", "New game"),
        Binding("q", "quit", "Quit"),
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
        quarters = ["start", *(r["quarter"] for r in s.game.history)]
        hi = max(range(len(scores)), key=scores.__getitem__)
        lo = min(range(len(scores)), key=scores.__getitem__)
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(
                RESULT.get(result or "", "The game is not over"),
                id="result",
                classes=result or "",
            )
            verdict = player_verdict(s)
            yield Static(verdict, id="verdict", classes="" if verdict else "-empty")
            yield Static(result_reason(s), id="why")
            yield Static(
                f"Leadership score, {quarters[0]} to {quarters[-1]} "
                "(up: towards the US, down: towards China)",
                classes="section",
            )
            with Vertical(id="score-box"):
                yield Static(
                    f"high {fmt.score(scores[hi])} ({quarters[hi]})   "
                    f"final {fmt.score(scores[-1])} ({quarters[-1]})",
                    classes="score-label",
                    id="score-high",
                )
                yield Sparkline(scores, id="score-spark")
                yield Static(
                    f"low  {fmt.score(scores[lo])} ({quarters[lo]})",
                    classes="score-label",
                    id="score-low",
                )
            yield Static("What the final score is made of", classes="section")
            yield ScorePanel(detail=False, id="final-parts")
            yield Static("Turning points", classes="section")
            yield Static(turning_points_table(s), id="turning")
            yield Static(
                f"How {THEIR[s.side]} personas fared from the same start",
                classes="section",
            )
            yield Static(
                f"simulating… ({self.compare_games} games for each persona)",
                id="compare",
                classes="pending",
            )
        with Horizontal(id="buttons"):
            yield Button("New game", id="new", variant="primary")
            yield Button("Quit", id="quit", variant="error")
        yield Footer()

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
            box.update(f"The simulation failed: {event.worker.error}")

    @on(Button.Pressed, "#new")
    def action_new_game(self) -> None:
        self.dismiss("new")

    @on(Button.Pressed, "#quit")
    def action_quit(self) -> None:
        self.dismiss("quit")
