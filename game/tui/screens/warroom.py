"""The war room: the race at a glance, every meter with its history and causes, the move picker with
previews, and the news feed. One quarter: choose moves, end the quarter, read the report."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import RichLog, Static

from game.ai import forecast
from game.engine.api import IllegalMove
from game.engine.data import capital_lever
from game.i18n import N_, _, tc
from game.tui import format as fmt
from game.tui.messages import PreviewReady, TurnResolved
from game.tui.screens.prompt import HandOverScreen
from game.tui.session import Session, side_name
from game.tui.widgets.footer import G2Footer
from game.tui.widgets.header import G2Header
from game.tui.widgets.meters import MeterTable, with_unit
from game.tui.widgets.moves import Entry, MovePicker
from game.tui.widgets.plan import PlanPanel
from game.tui.widgets.preview import PreviewPanel
from game.tui.widgets.race import RacePanel
from game.tui.widgets.tour import Tour


class WarRoom(Screen):
    BINDINGS = [
        Binding("e", "end_quarter", N_("End quarter")),
        Binding("s", "score", N_("Score")),
        Binding("g", "chart", N_("Chart")),
        Binding("o", "outlook", N_("Laws")),
        Binding("a", "advisors", N_("Advice")),
        Binding("u", "take_back", N_("Undo")),
        Binding("c", "clear", N_("Clear moves"), show=False),
        Binding("ctrl+s", "save", N_("Save")),
        Binding("l", "load", N_("Load"), show=False),
        Binding("question_mark,f1", "help", N_("Help"), key_display="?"),
        Binding("q", "quit", N_("Quit")),
        Binding("n", "tour_next", N_("Next tip"), show=False),
        Binding("x", "tour_end", N_("End tour"), show=False),
        Binding("f", "facilitator", N_("Facilitator"), show=False),
        Binding("b", "briefing", N_("Briefing"), show=False),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.acting = session.side  # hot-seat switches this to the second player
        self.chosen: dict[str, list[str]] = {"us": [], "china": []}
        self.busy = False
        self.focused_meter = "score"
        self.entry: Entry | None = None

    # -- layout
    def compose(self) -> ComposeResult:
        yield G2Header()
        with Horizontal(id="main"):
            with Vertical(id="left"):
                meters = MeterTable(id="meters")
                meters.border_title = _("Meters")
                meters.border_subtitle = _("g: chart")
                yield meters
                yield Static(id="why", classes="panel")
            yield RacePanel(id="race", classes="panel")
            with Vertical(id="right"):
                yield PlanPanel(id="plan")
                moves = MovePicker(id="moves")
                moves.border_title = _("Moves")
                moves.border_subtitle = _("enter: add/remove")
                yield moves
                preview = PreviewPanel(id="detail", classes="panel")
                preview.border_title = _("Preview")
                yield preview
        yield RichLog(id="news", markup=True, wrap=True)
        yield Tour(id="tour")
        yield G2Footer()

    def on_mount(self) -> None:
        self.refresh_all()
        log = self.query_one("#news", RichLog)
        sc = self.session.game.data.scenarios[self.session.game.scenario]
        log.write(
            _("[b]{scenario}[/b]: {briefing}").format(
                scenario=tc(sc.name), briefing=tc(sc.briefing.strip())
            )
        )
        log.write(
            _(
                "You lead {side} against {opponent}. "
                "Choose moves on the right (enter), then press [b]e[/b] to end the quarter."
            ).format(
                side=_("the United States") if self.session.side == "us" else _("China"),
                opponent=self.session.opponent_title(),
            )
        )
        self.query_one("#detail", PreviewPanel).hint(
            _(
                "Highlight a move (↑/↓) to see its cost, sources and a preview of its effect; "
                "enter adds it to this quarter's plan."
            )
        )
        self.query_one("#moves", MovePicker).focus()
        self.on_resize()
        self.start_tour()

    # -- the guided first quarter
    def start_tour(self) -> None:
        from game.tui import prefs

        tour = self.query_one("#tour", Tour)
        on = not prefs.get("tour_done") and not self.session.game.history
        tour.display = on
        if on:
            tour.show_step()
            self._point(tour.target)

    def _point(self, target: str | None) -> None:
        for w in self.query(".-tour-target"):
            w.remove_class("-tour-target")
        if target:
            self.query_one(f"#{target}").add_class("-tour-target")

    def action_tour_next(self) -> None:
        tour = self.query_one("#tour", Tour)
        if tour.display and tour.advance():
            self._point(tour.target)
        elif tour.display:
            self.action_tour_end()

    def action_tour_end(self) -> None:
        from game.tui import prefs

        tour = self.query_one("#tour", Tour)
        if not tour.display:
            return
        tour.display = False
        self._point(None)
        problem = prefs.set("tour_done", True)
        if problem:
            self.notify(
                _("The tour will show again: {problem}").format(problem=problem),
                severity="warning",
                markup=False,
            )

    @property
    def narrow(self) -> bool:
        return self.size.width < 110

    @property
    def meter_mode(self) -> str:
        """The meters table's columns for this width: short names at 80 columns, a trend at 140."""
        return "short" if self.narrow else "trend" if self.size.width >= 140 else "full"

    def on_resize(self, event=None) -> None:
        self.set_class(self.narrow, "narrow")
        self.set_class(self.size.height < 32, "short")
        self.set_class(self.meter_mode == "trend", "trend")
        # the keys need the room of the footer's "^p palette" (ctrl+p still opens it)
        footer = self.query_one(G2Footer)
        footer.show_command_palette = False
        footer.compact = self.narrow  # 80 columns: every key fits on the line
        if self.is_mounted:
            self.query_one("#meters", MeterTable).show(self.session, self.meter_mode)

    # -- rendering
    def refresh_all(self) -> None:
        s = self.session
        g = s.game
        self.show_title()
        who = tc(side_name(self.acting))
        self.sub_title = (
            _("{side} to move · vs {opponent}").format(side=who, opponent=s.opponent_title())
            if not s.hotseat
            else _("hot-seat: {side} to move").format(side=who)
        )
        self.query_one("#meters", MeterTable).show(s, self.meter_mode)
        self.query_one("#race", RacePanel).show(s, self.acting)
        self.show_plan()
        self.query_one("#moves", MovePicker).show(g.moves(self.acting), self.chosen[self.acting])
        self.show_why(self.focused_meter)
        self.refresh_bindings()

    def show_title(self) -> None:
        """The title carries the quarter and the score, in view whatever the meters table shows."""
        g = self.session.game
        self.title = _("G2 · {quarter} · Score {score}").format(
            quarter=g.quarter, score=fmt.score(g.meters["score"])
        )

    def capital(self) -> float:
        return self.session.game.meters[capital_lever(self.acting)]

    def spent(self) -> float:
        by_key = self.query_one("#moves", MovePicker).by_key
        return sum(by_key[k].cost for k in self.chosen[self.acting] if k in by_key)

    def show_plan(self) -> None:
        by_key = self.query_one("#moves", MovePicker).by_key
        mine = [(by_key[k].label, by_key[k].cost) for k in self.chosen[self.acting] if k in by_key]
        self.query_one("#plan", PlanPanel).show(
            tc(side_name(self.acting)), mine, self.capital(), self.spent()
        )

    def show_why(self, meter: str) -> None:
        self.focused_meter = meter
        g = self.session.game
        spec = g.data.meters[meter]
        name = with_unit(f"[b]{tc(spec.name)}[/b]", spec.unit)
        more = _(" · [b]s[/b]: its parts") if meter == "score" else ""  # the score dialog
        lines = [_("{meter}: {why}").format(meter=name, why=tc(spec.why)) + more]
        if self.session.results:
            why = self.session.results[-1].why_seen(self.acting).get(meter, {})
            if why:
                lines.append(_("Last quarter's change, by cause:"))
                lines += [
                    "  "
                    + _("{cause}: {change}").format(cause=tc(c), change=fmt.change(v, spec.fmt))
                    for c, v in list(why.items())[:5]
                ]
        if spec.source:
            lines.append(_("[dim]source: {source}[/dim]").format(source=spec.source))
        self.query_one("#why", Static).update("\n".join(lines))

    # -- events from widgets
    def on_meter_table_highlighted(self, msg: MeterTable.Highlighted) -> None:
        self.show_why(msg.meter)

    def on_meter_table_selected(self, msg: MeterTable.Selected) -> None:
        if msg.meter == "score" and not self.busy:
            self.action_score()

    def on_move_picker_highlighted(self, msg: MovePicker.Highlighted) -> None:
        self.entry = msg.entry
        self.query_one("#detail", PreviewPanel).show_move(msg.entry)
        if msg.entry.legal:
            self.run_preview(msg.entry.key)

    def on_move_picker_toggled(self, msg: MovePicker.Toggled) -> None:
        e = msg.entry
        mine = self.chosen[self.acting]
        if e.key in mine:
            mine.remove(e.key)
        elif not e.legal:
            self.notify(
                _("{move}: {reason}").format(move=tc(e.move.name), reason=tc(e.reason)),
                severity="warning",
            )
            return
        else:
            same = [k for k in mine if k.split(":")[0] == e.move.id]
            for k in same:  # one option per move: the new choice replaces the old
                mine.remove(k)
            if self.spent() + e.cost > self.capital() + 1e-9:
                self.notify(
                    _("Not enough political capital for {move} ({cost}); {left} left").format(
                        move=e.label,
                        cost=f"{e.cost:g}",
                        left=f"{self.capital() - self.spent():.0f}",
                    ),
                    severity="warning",
                )
                mine.extend(same)
                return
            mine.append(e.key)
        self.show_plan()
        self.query_one("#moves", MovePicker).show(
            self.session.game.moves(self.acting), self.chosen[self.acting]
        )

    # -- preview in a worker
    @work(thread=True, exclusive=True, group="preview")
    def run_preview(self, key: str) -> None:
        path = forecast.preview_path(self.session.game, key, self.acting)
        self.post_message(PreviewReady(key, path))

    def on_preview_ready(self, msg: PreviewReady) -> None:
        if self.entry is None or self.entry.key != msg.key:
            return
        self.query_one("#detail", PreviewPanel).show_forecast(msg.path, self.entry.label)

    # -- actions
    def check_action(self, action: str, parameters) -> bool | None:
        if action in ("tour_next", "tour_end"):
            return self.query_one("#tour", Tour).display
        if action in ("end_quarter", "advisors", "clear") and (self.busy or self.session.over):
            return None  # shown greyed out in the footer
        if action == "score" and self.busy:  # the quarter is resolving in a worker
            return None
        if action == "take_back":  # against the AI only, once a quarter has been played
            if self.session.hotseat:
                return False
            if self.busy or not self.session.game.history or self.acting != self.session.side:
                return None
        return True

    def action_clear(self) -> None:
        self.chosen[self.acting] = []
        self.refresh_all()

    def action_end_quarter(self) -> None:
        s = self.session
        if s.journal_on:  # a classroom game: the side may say why, and predict a meter
            from game.tui.screens.journal import JournalScreen

            gd = s.game.data
            meters = {
                k: (tc(m.name), s.game.meters[k], m.fmt)
                for k, m in gd.meters.items()
                if k in s.game.meters
            }

            def committed(entry) -> None:
                if entry is None:
                    return  # back to the plan
                s.note_journal(self.acting, entry.rationale, entry.meter, entry.value)
                self._end_quarter_now()

            self.app.push_screen(
                JournalScreen(tc(side_name(self.acting)), s.game.quarter, meters), committed
            )
            return
        self._end_quarter_now()

    def _end_quarter_now(self) -> None:
        s = self.session
        if s.hotseat and self.acting == s.side:
            self.acting = s.other
            self.app.push_screen(HandOverScreen(tc(side_name(self.acting))))
            self.refresh_all()
            return
        self.busy = True
        self.refresh_bindings()
        self.query_one("#plan", PlanPanel).busy()
        self.resolve_quarter()

    @work(thread=True, exclusive=True, group="turn")
    def resolve_quarter(self) -> None:
        s = self.session
        try:
            theirs = self.chosen[s.other] if s.hotseat else None
            r = s.resolve(self.chosen[s.side], theirs)
        except IllegalMove as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            self.app.call_from_thread(self._unbusy)
            return
        self.post_message(TurnResolved(r))

    def _unbusy(self) -> None:
        self.busy = False
        self.refresh_bindings()
        self.refresh_all()

    def on_turn_resolved(self, msg: TurnResolved) -> None:
        r = msg.result
        s = self.session
        self.chosen = {"us": [], "china": []}
        self.acting = s.side
        self.show_title()  # current while the report is open
        log = self.query_one("#news", RichLog)
        log.write(
            _("[b]{quarter}[/b] score {score} ({change} this quarter)").format(
                quarter=r.quarter,
                score=fmt.score(r.meters["score"]),
                change=fmt.score_change(r.deltas["score"]),
            )
        )
        for e in r.events:
            log.write(f"  • {tc(e.headline or e.name)}")
        if s.autosave_error:  # the quarter is played; only the autosave file is missing
            from rich.text import Text

            note = _("Autosave failed: {error}; the game goes on").format(error=s.autosave_error)
            log.write(Text(note, style="red"))
            self.notify(note, title=_("Autosave"), severity="warning", timeout=10, markup=False)
        viewer = s.side
        from game.tui.screens.report import ReportScreen

        def after(_result=None) -> None:
            self._unbusy()
            if s.over:
                self.app.game_over(s)
            elif s.facilitator:  # the room pauses: the facilitator injects, reveals, advances
                self.open_facilitator()

        self.app.push_screen(ReportScreen(s, r, viewer), after)

    def open_facilitator(self) -> None:
        from game.tui.screens.facilitator import FacilitatorScreen

        def advanced(_result=None) -> None:
            self.refresh_all()
            s = self.session
            if s.pending_injects:
                self.notify(
                    _("{n} event(s) will play with {quarter}").format(
                        n=len(s.pending_injects), quarter=s.game.quarter
                    ),
                    timeout=4,
                )

        self.app.push_screen(FacilitatorScreen(self.session), advanced)

    def action_facilitator(self) -> None:
        if self.session.facilitator and not self.busy:
            self.open_facilitator()

    def action_briefing(self) -> None:
        from game.tui.screens.briefing import BriefingScreen

        self.app.push_screen(BriefingScreen(self.session, self.acting))

    def action_score(self) -> None:
        from game.tui.screens.score import ScoreScreen

        self.app.push_screen(ScoreScreen(self.session.game))

    def action_outlook(self) -> None:
        from game.tui.screens.outlook import OutlookScreen

        self.app.push_screen(OutlookScreen(self.session.game, self.acting))

    def action_advisors(self) -> None:
        from game.tui.screens.advisors import AdvisorsScreen

        def adopt(move: str | None) -> None:
            if not move:
                return
            picker = self.query_one("#moves", MovePicker)
            e = picker.by_key.get(move)
            if e and move not in self.chosen[self.acting]:
                self.on_move_picker_toggled(MovePicker.Toggled(e))

        self.app.push_screen(AdvisorsScreen(self.session, self.acting), adopt)

    def action_save(self) -> None:
        from game.engine.api import SaveError, one_line
        from game.tui.screens.prompt import SaveNameScreen
        from game.tui.session import SaveNameError

        def save(name: str | None) -> None:
            if name is None:
                return
            try:
                path = self.session.save(name)
            except SaveNameError as exc:
                self.notify(str(exc), title=_("Not saved"), severity="error", markup=False)
                return
            except (OSError, SaveError) as exc:
                self.notify(
                    _("Could not save: {error}").format(error=exc), severity="error", markup=False
                )
                return
            self.notify(_("Saved to {path}").format(path=one_line(str(path))), markup=False)

        self.app.push_screen(SaveNameScreen(self.session.name, self.session.save_dir), save)

    def action_load(self) -> None:
        self.app.action_load()

    def action_help(self) -> None:
        self.app.action_help()

    def action_quit(self) -> None:
        """Quit, asking first when something would be lost (a plan, an unsaved quarter)."""
        self.app.confirm_quit([*self.chosen["us"], *self.chosen["china"]])

    def action_chart(self) -> None:
        from game.tui.screens.chart import ChartScreen

        self.app.push_screen(ChartScreen(self.session, self.focused_meter, self.acting))

    def action_take_back(self) -> None:
        """Undo the last quarter (against the AI); the save records it, so a replay is honest."""
        s = self.session
        try:
            gone = s.game.history[-1]["quarter"] if s.game.history else ""
            s.take_back()
        except ValueError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.chosen = {"us": [], "china": []}
        self.acting = s.side
        self.refresh_all()
        self.query_one("#news", RichLog).write(
            _(
                "[b]{quarter} taken back[/b]: back at the start of {now}. "
                "The quarter replays with the same dice; the save records the take-back."
            ).format(quarter=gone, now=s.game.quarter)
        )
        self.notify(
            _("Took back {quarter}; the save records it.").format(quarter=gone), markup=False
        )
