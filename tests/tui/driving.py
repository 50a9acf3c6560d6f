"""Driving the whole app through Textual's Pilot, shared by the war-room and hostile-save tests
(`from driving import drive, settle`: pytest puts this folder on the path)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from game.tui import app as app_module
from game.tui.app import G2App


class NotingApp(G2App):
    """The app, recording what it notifies."""

    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")  # relative to the app's module

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.notes: list[tuple[str, str, str]] = []

    def notify(self, message, *, title="", severity="information", **kwargs) -> None:
        self.notes.append((str(title), str(message), severity))
        super().notify(message, title=title, severity=severity, **kwargs)


def drive(script, session=None, save_dir=None, size=(120, 40)) -> NotingApp:
    """Run the app on `session` (saving to `save_dir`, else the session's folder) at `size`, and
    await `script(app, pilot)` once it is up."""
    app = NotingApp(session, save_dir=save_dir or session.save_dir)

    async def run():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(run())
    return app


async def settle(app, pilot):
    """Wait until the app's workers (AI turns, previews) are done."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """What the terminal shows now, as plain text lines (what a player or tmux capture reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def highlight(app, pilot, key):
    """Move the move picker's cursor to `key` and wait for its preview."""
    picker = app.screen.query_one("#moves")
    picker.focus()
    ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
    picker.highlighted = ids.index(key)
    await settle(app, pilot)
