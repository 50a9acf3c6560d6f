"""The header: Textual's Header, whose title keeps up without crashing when its screen goes.

Textual's Header updates its title whenever the app's or the screen's title changes. A screen
replaced just after it was mounted (a room joined the moment its join screen appeared) can have
its header's parts gone while the header still listens: Textual then raised NoMatches and the app
ended. This one lets such an update pass."""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class G2Header(Header):
    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Header's own, which lets NoMatches through

        async def set_title() -> None:
            with contextlib.suppress(NoScreen, NoMatches):  # on its way out: nothing to show
                self.query_one(HeaderTitle).update(self.format_title())

        for source in (self.app, self.screen):
            self.watch(source, "title", set_title)
            self.watch(source, "sub_title", set_title)
