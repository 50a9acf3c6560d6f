"""The G2 terminal app: the new-game screen, then the war room until the game is over."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from game.i18n import N_, _
from game.tui.defaults import SAVE_DIR
from game.tui.screens.too_small import MinimumSizeApp

if TYPE_CHECKING:  # the session (numpy, the engine, the AIs) loads after the first screen is up
    from game.tui.session import Session


class G2App(MinimumSizeApp):  # below 80×24 a "too small" screen covers the game
    CSS_PATH = "app.tcss"
    TITLE = "G2"
    SUB_TITLE = N_("the US–China AI compute race")  # translated in retitle

    def __init__(
        self,
        session: Session | None = None,
        save_dir: Path = SAVE_DIR,
        facilitator: bool = False,
        team: str = "",
    ):
        super().__init__()
        self.session = session
        self.save_dir = Path(save_dir)
        self.facilitator, self.team = (
            facilitator,
            team,
        )  # for games started here (g2 play --facilitator)
        self.retitle()

    def retitle(self) -> None:
        """The header's subtitle in the current language (again after the language changes)."""
        self.sub_title = _(self.SUB_TITLE)

    def on_mount(self) -> None:
        if self.session is not None:
            self.show_war_room(self.session)
        else:
            self.new_game()

    # -- flow between screens
    def new_game(self) -> None:
        from game.tui.screens.newgame import NewGameScreen

        self.push_screen(NewGameScreen(), self.start)

    def start(self, choice) -> None:
        from game.tui.screens.newgame import NewGameChoice
        from game.tui.session import Session

        self.retitle()  # the new-game screen may have changed the language
        if isinstance(choice, Path):
            if not self.load(choice):  # the new-game screen is gone: bring it back, never a blank
                self.new_game()
        elif isinstance(choice, NewGameChoice):
            try:
                s = Session.new(
                    choice.side, choice.scenario, choice.opponent, choice.seed, self.save_dir
                )
            except (KeyError, ValueError) as exc:
                self.notify(str(exc), severity="error")
                self.new_game()
                return
            s.facilitator, s.team = self.facilitator, self.team
            self.show_war_room(s)
        elif choice is None and not self.screen_stack[1:]:
            self.exit()

    def show_war_room(self, session: Session) -> None:
        from game.tui.screens.warroom import WarRoom

        self.session = session
        room = WarRoom(session)
        if len(self.screen_stack) > 1:
            self.switch_screen(room)
        else:
            self.push_screen(room)
        if session.over:
            self.call_after_refresh(self.game_over, session)
        elif session.journal_on and not session.game.history:
            self.call_after_refresh(self.show_briefings, session)

    def show_briefings(self, session: Session) -> None:
        """A classroom game's start: each side's briefing card (both at one keyboard in hot-seat;
        the second below the first)."""
        from game.tui.screens.briefing import BriefingScreen

        sides = [session.side, session.other] if session.hotseat else [session.side]
        for side in reversed(sides):
            self.push_screen(BriefingScreen(session, side))

    def load(self, path: Path) -> bool:
        """Open the save at `path` in the war room; False (the reason notified, the screens left
        as they were) when it cannot be loaded."""
        from game.engine.api import SaveError
        from game.tui.session import Session

        try:
            s = Session.load(path, save_dir=self.save_dir)  # saves go to the app's folder
        except SaveError as exc:
            self.notify(str(exc), title=_("Cannot load"), severity="error", timeout=8, markup=False)
            return False
        self.show_war_room(s)
        self.notify(
            _("Loaded {name}: {scenario}, {quarter}").format(
                name=path.name, scenario=s.game.scenario, quarter=s.game.quarter
            ),
            markup=False,
        )
        return True

    def game_over(self, session: Session) -> None:
        from game.tui.screens.gameover import GameOverScreen

        def after(what: str | None) -> None:
            if what == "new":
                self.new_game()
            else:
                self.exit()

        self.push_screen(GameOverScreen(session), after)

    def confirm_quit(self, plan: list[str] | None = None) -> None:
        """Quit after asking, when a game is open, saying what would be lost: `plan`, the moves
        chosen for this quarter, and any quarter not saved (Session.unsaved_summary)."""
        from game.tui.screens.prompt import ConfirmScreen

        if self.session is None:
            self.exit()
            return
        lost = self.session.unsaved_summary(plan)
        if lost is None:
            path = self.session.autosave_path
            saved = self.session.last_save
            lost = (
                _("The game is saved at {quarter}: load it with l ({name}).").format(
                    quarter=saved.quarter, name=path.name
                )
                if saved is not None
                else _("No quarter has been played yet.")
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        question = _("Quit G2?") + "\n\n" + lost
        self.push_screen(
            ConfirmScreen(question, _("Quit"), _("Keep playing"), title=_("Quit")), answered
        )

    # -- app-wide actions
    def action_load(self) -> None:
        from game.tui.screens.load import LoadScreen

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.load(path)

        self.push_screen(LoadScreen(self.save_dir), chosen)

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())
