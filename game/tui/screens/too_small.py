"""Below 80×24 the game does not fit: a screen that says so covers it until the terminal grows.

`MinimumSizeApp` is G2App's base. While the terminal is smaller than its MINIMUM_SIZE (80×24) it
keeps a `TooSmallScreen` on top of the screen stack. That screen is modal and opaque: no key but
ctrl+q (the app's quit) reaches the game, and nothing under it is drawn. When the terminal is large
enough again the cover is popped and the game is where it was: nothing under it was dismissed or
replaced, and the screen it uncovers is laid out afresh for the new size.

A screen the game opens while it is covered (a turn's report arriving from its worker, the game-over
screen after loading a finished game) lands above the cover, so a fresh cover goes on top of it; a
cover left underneath pops itself the moment it surfaces (the stack signal is handled immediately,
before any dismiss callback can push or switch screens over it).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from game.i18n import _

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(size: Size, minimum: tuple[int, int] = (MIN_WIDTH, MIN_HEIGHT)) -> bool:
    return size.width < minimum[0] or size.height < minimum[1]


def message(size: Size, minimum: tuple[int, int] = (MIN_WIDTH, MIN_HEIGHT)) -> str:
    return _(
        "G2 needs a terminal of at least {min_width}×{min_height}; this one is {width}×{height}. "
        "Enlarge the window or press ctrl+q to quit."
    ).format(min_width=minimum[0], min_height=minimum[1], width=size.width, height=size.height)


class TooSmallScreen(ModalScreen[None]):
    """Covers the game while the terminal is too small; it has no keys of its own."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: auto; max-width: 100%; height: auto; text-align: center; }
    """

    def __init__(self, size: Size, minimum: tuple[int, int] = (MIN_WIDTH, MIN_HEIGHT)) -> None:
        super().__init__()
        self.terminal, self.minimum = size, minimum

    def compose(self) -> ComposeResult:
        yield Static(message(self.terminal, self.minimum), id="too-small", markup=False)

    def on_resize(self, event: events.Resize) -> None:
        self.terminal = event.size
        self.query_one("#too-small", Static).update(message(event.size, self.minimum))


class MinimumSizeApp(App):
    """An app covered by a TooSmallScreen while the terminal is below MINIMUM_SIZE."""

    MINIMUM_SIZE: ClassVar[tuple[int, int]] = (MIN_WIDTH, MIN_HEIGHT)

    _terminal: Size | None = None  # the latest size; None until mounted (no guard before that)

    def on_mount(self) -> None:  # runs after a subclass's on_mount has pushed its first screen
        self.screen_change_signal.subscribe(self, self._fit_screen, immediate=True)
        self._fit(self.size)

    def on_resize(self, event: events.Resize) -> None:
        # this runs before App._on_resize records the new size in self.size, so go by the event
        if self._terminal is not None:
            self._fit(event.size)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # the app's priority keys (the command palette's ctrl+p) would otherwise reach past the cover
        if action != "quit" and self.screen_stack and isinstance(self.screen, TooSmallScreen):
            return False
        return super().check_action(action, parameters)

    def _fit_screen(self, _screen: Screen) -> None:
        if self._terminal is not None:
            self._fit(self._terminal)

    def _fit(self, size: Size) -> None:
        self._terminal = size
        if not self.screen_stack:
            return
        covered = isinstance(self.screen, TooSmallScreen)
        small = too_small(size, self.MINIMUM_SIZE)
        if small and not covered:
            self.push_screen(TooSmallScreen(size, self.MINIMUM_SIZE))
        elif covered and not small:
            self.pop_screen()  # publishes the stack change: a cover left underneath pops in turn
