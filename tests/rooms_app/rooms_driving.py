"""Driving room apps through Textual's Pilot: several apps (the two teams, the facilitator) run at
once on one store, as several browsers would (`from rooms_driving import ...`: pytest puts this
folder on the path)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from textual.widgets import Input

from game.rooms.app import RoomApp
from game.tui.screens.briefing import BriefingScreen

SIZE = (120, 40)


class NotingRoomApp(RoomApp):
    """The room app, recording what it notifies; a waiting team asks the room every 20 ms."""

    POLL = 0.02

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.notes: list[tuple[str, str, str]] = []

    def notify(self, message, *, title="", severity="information", **kwargs) -> None:
        self.notes.append((str(title), str(message), severity))
        super().notify(message, title=title, severity=severity, **kwargs)


def screen_text(app) -> str:
    """What the app's terminal shows now, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def until(pilot, ok, timeout: float = 15.0, what: str = "") -> None:
    """Let the apps run until `ok()` holds (AssertionError after `timeout` seconds)."""
    end = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what or ok}")
        await pilot.pause(0.03)


async def join(app, pilot, code: str) -> None:
    """Type `code` into the join screen and press enter; past any briefing card."""
    box = app.screen.query_one("#code", Input)
    box.focus()
    box.value = code
    await pilot.press("enter")
    await pilot.pause()
    while isinstance(app.screen, BriefingScreen):
        await pilot.press("escape")
        await pilot.pause()


def run_apps(script, *apps, size=SIZE) -> None:
    """Run every app (headless, at `size`) and await `script(*pilots)` once all are up."""

    async def go():
        async with contextlib.AsyncExitStack() as stack:
            pilots = [await stack.enter_async_context(a.run_test(size=size)) for a in apps]
            for p in pilots:
                await p.pause()
            await script(*pilots)

    asyncio.run(go())
