"""A served G2 page without the browser: textual-serve's websocket, spoken from Python.

`g2 serve` runs one room app per connection; the page (xterm.js) and the app talk over one
websocket at `/ws?width=W&height=H`. The page sends JSON envelopes — `["stdin", text]` for what the
player types, `["resize", {"width", "height"}]` — and receives the app's terminal output as binary
frames (the bytes a terminal draws) and, as text frames, JSON notes such as a link to open.

`PageTerminal` is that connection. `g2 join URL --code CODE` relays it to this terminal (`relay`),
so a team on another machine plays from a terminal exactly what a browser there would show, and
the room's codes are checked where the rooms live. `HeadlessPage` adds a screen (pyte, a terminal
emulator: a development dependency) so tests and the load benchmark can read what a browser would
show and play as a person would.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    import aiohttp

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"  # bracketed paste: one event, not many keys
KEYS = {
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "backspace": "\x7f",
    "space": " ",
}
# what a terminal needs after a relayed app vanished without saying goodbye: the main screen, the
# cursor, and no mouse reporting or bracketed paste
ESCAPES = 4  # tries at closing a briefing card (join_as_team)
CHECK_EVERY = 0.05  # seconds a headless page waits after a change before reading its screen
RESET = "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?25h\x1b[?1049l"


class PageError(Exception):
    """The served page cannot be reached or spoke something else than textual-serve."""


def key_text(key: str) -> str:
    """The characters a terminal sends for `key`: a name ("enter", "down", "ctrl+o") or itself."""
    if key in KEYS:
        return KEYS[key]
    if key.startswith("ctrl+") and len(key) == 6 and key[5].isalpha():
        return chr(ord(key[5].lower()) - 96)
    return key


def websocket_url(page: str, width: int, height: int) -> str:
    """The websocket of the page at `page` (http://host:port[/prefix][/]; a bare host:port is
    taken as http), for a terminal of `width`×`height`."""
    text = page.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.hostname:
        raise PageError(f"not a web address: {page!r}")
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    query = urlencode({"width": width, "height": height})
    return urlunsplit((scheme, parts.netloc, path + "ws", query, ""))


class PageTerminal:
    """One connection to a served page, as its browser tab would have it (an async context
    manager): `send` what is typed, `paste` text in one piece, `resize`, and read the app's
    terminal output from `output()` until the app or the server goes away."""

    def __init__(self, page: str, width: int = 80, height: int = 24, timeout: float = 15.0):
        self.url = websocket_url(page, width, height)
        self.width, self.height, self.timeout = width, height, timeout
        self.notes: list[Any] = []  # the text frames: textual-serve's JSON notes
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def __aenter__(self) -> PageTerminal:
        import aiohttp  # slow to import: only when a page is opened

        self._session = aiohttp.ClientSession()
        try:
            self._ws = await self._session.ws_connect(
                self.url, timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5)
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            await self._session.close()
            raise PageError(str(exc) or type(exc).__name__) from exc
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._session is not None:
            await self._session.close()

    @property
    def closed(self) -> bool:
        return self._ws is None or self._ws.closed

    async def send(self, text: str) -> None:
        """Type `text` (characters as a terminal sends them; see key_text)."""
        if text and self._ws is not None and not self._ws.closed:
            await self._ws.send_json(["stdin", text])

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.send(key_text(key))

    async def paste(self, text: str) -> None:
        await self.send(PASTE_START + text + PASTE_END)

    async def focus(self) -> None:
        """Say the terminal has the focus, as a browser does when its page is clicked (until then
        the app takes no paste)."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_json(["focus"])

    async def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_json(["resize", {"width": width, "height": height}])

    async def output(self) -> AsyncIterator[bytes]:
        """The app's terminal output, chunk by chunk, until the connection closes."""
        import aiohttp

        assert self._ws is not None, "use PageTerminal as `async with`"
        async for message in self._ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                yield message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                with contextlib.suppress(ValueError):
                    self.notes.append(json.loads(message.data))
            else:  # closing, closed or an error: the app or the server went away
                break

    def why_closed(self) -> str:
        """How the connection closed: its close code and error, if any."""
        ws = self._ws
        if ws is None:
            return "never opened"
        return f"close code {ws.close_code}, {ws.exception() or 'no error'}"

    @property
    def ended(self) -> bool:
        """True when the app ended the connection itself (a normal close: the player quit), not
        when the connection was lost (the server stopped, the network went)."""
        return self._ws is not None and self._ws.close_code == 1000


# ----------------------------------------------------------------------------- g2 join URL


async def relay(page: str, code: str = "", settle: float = 0.4) -> str:
    """Play the served page at `page` in this terminal until its app ends or the connection is
    lost; `code` is typed into the join screen once it is drawn (pasted: one piece). Returns
    "ended" or "lost". The terminal must be a terminal (raw mode while it runs; restored after)."""
    import termios
    import tty

    columns, lines = shutil.get_terminal_size()
    loop = asyncio.get_running_loop()
    async with PageTerminal(page, columns, lines) as term:  # reached first: then the terminal
        fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
        typed: asyncio.Queue[str] = asyncio.Queue()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

        def readable() -> None:
            data = os.read(fd_in, 4096)
            if data:
                typed.put_nowait(decoder.decode(data))

        def resized() -> None:
            size = os.get_terminal_size(fd_out)
            asyncio.ensure_future(term.resize(size.columns, size.lines))

        async def typing() -> None:
            while True:
                await term.send(await typed.get())

        last = [0.0]  # when the app last drew something

        async def enter_code() -> None:
            while not last[0] or time.monotonic() - last[0] < settle:
                await asyncio.sleep(settle / 4)
            await term.focus()
            await term.paste(code + "\r")  # the code box joins on a pasted line

        saved = termios.tcgetattr(fd_in)
        tasks = [asyncio.ensure_future(typing())]
        if code:
            tasks.append(asyncio.ensure_future(enter_code()))
        try:
            tty.setraw(fd_in)
            loop.add_reader(fd_in, readable)
            with contextlib.suppress(NotImplementedError, AttributeError):
                loop.add_signal_handler(signal.SIGWINCH, resized)
            async for chunk in term.output():
                last[0] = time.monotonic()
                os.write(fd_out, chunk)
        finally:
            loop.remove_reader(fd_in)
            with contextlib.suppress(NotImplementedError, AttributeError):
                loop.remove_signal_handler(signal.SIGWINCH)
            for task in tasks:
                task.cancel()
            termios.tcsetattr(fd_in, termios.TCSADRAIN, saved)
            os.write(fd_out, RESET.encode())
        return "ended" if term.ended else "lost"


# ----------------------------------------------------------------------------- headless pages


class HeadlessPage:
    """A served page with a screen: what a browser tab shows, read as text (pyte emulates the
    terminal), for tests and the load benchmark. Use as `async with`; `wait_for(text)` waits until
    the screen shows it; `press`/`type`/`paste` act as a person at that tab would."""

    def __init__(self, page: str, width: int = 120, height: int = 40):
        try:
            import pyte
        except ImportError as exc:  # pragma: no cover - a development dependency
            raise PageError("HeadlessPage needs pyte (a development dependency)") from exc
        self.terminal = PageTerminal(page, width, height)
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.changed = asyncio.Event()
        self.drawn_at = 0.0  # when output last arrived (time.monotonic)
        self.received = 0  # bytes of output so far
        self._unread: list[bytes] = []  # output not yet fed to the screen
        self._drawing = threading.Lock()  # the screen is drawn in a thread (read_screen)
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> HeadlessPage:
        """Open the page, wait for its first screen, and give it the focus (a person clicks it)."""
        await self.terminal.__aenter__()
        self._reader = asyncio.ensure_future(self._read())
        try:
            await self.settle()
            await self.terminal.focus()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        await self.terminal.close()

    async def _read(self) -> None:
        # only kept here: the screen reads it when asked (text), so this loop stays quick and
        # answers the server's heartbeat however much the page draws
        async for chunk in self.terminal.output():
            self._unread.append(chunk)
            self.received += len(chunk)
            self.drawn_at = time.monotonic()
            self.changed.set()
        self.changed.set()

    @property
    def gone(self) -> bool:
        """True once the connection has closed (the app ended or the server went away)."""
        return self._reader is not None and self._reader.done()

    def _feed(self) -> None:
        """Draw the output received so far on the screen."""
        with self._drawing:
            if self._unread:
                data, self._unread = b"".join(self._unread), []
                self.stream.feed(data)

    async def read_screen(self) -> None:
        """Draw the output received so far, in a thread: a big redraw takes pyte a good part of
        a second, and meanwhile this loop must go on answering every page's heartbeat (or the
        server closes them all, as it would a browser that stopped answering)."""
        if self._unread:
            await asyncio.to_thread(self._feed)

    def text(self) -> str:
        """The screen as lines of text (wide characters once each)."""
        self._feed()
        with self._drawing:
            return "\n".join(line.rstrip() for line in self.screen.display).replace("\u200b", "")

    def shows(self, *texts: str) -> bool:
        flat = self.text().replace(" ", "")
        return all(t.replace(" ", "") in flat for t in texts)

    async def wait_for(self, *texts: str, timeout: float = 30.0) -> float:
        """Wait until the screen shows every one of `texts` (spaces ignored: a wide character is
        followed by a blank cell); the seconds it took. TimeoutError with the screen if not."""
        return await self.wait_until(lambda p: p.shows(*texts), repr(texts), timeout)

    async def settle(self, quiet: float = 0.3, timeout: float = 30.0) -> None:
        """Wait until the app has drawn something and then nothing for `quiet` seconds."""
        end = time.monotonic() + timeout
        while not self.drawn_at or time.monotonic() - self.drawn_at < quiet:
            if time.monotonic() > end or self.gone:
                return
            await asyncio.sleep(quiet / 3)

    async def wait_until(self, ok, what: str, timeout: float = 30.0) -> float:
        """Wait until `ok(self)` holds; the seconds it took (TimeoutError with the screen)."""
        start = time.monotonic()
        while not (await self.read_screen() or ok(self)):
            if self.gone:
                raise PageError(
                    f"the page closed ({self.terminal.why_closed()}) while waiting for {what}:"
                    f"\n{self.text()}"
                )
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise TimeoutError(f"timed out waiting for {what}; the page shows:\n{self.text()}")
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(left, 0.5))
            await asyncio.sleep(CHECK_EVERY)  # let a drawing finish before reading the screen
        return time.monotonic() - start

    async def press(self, *keys: str) -> None:
        await self.terminal.press(*keys)

    async def type(self, text: str) -> None:
        await self.terminal.send(text)

    async def paste(self, text: str) -> None:
        await self.terminal.paste(text)


# ----------------------------------------------------------------------------- a team, scripted
# What a team does at its page, step by step, waiting each time for the screen to answer as a
# person would (the English screens: the load benchmark and the fault tests play in English).


async def join_as_team(
    page: HeadlessPage, code: str, timeout: float = 60.0, briefing: bool = True
) -> None:
    """Enter `code` on the join screen; then, when `briefing` (a room's first quarter, not yet
    committed: the war room opens the side's briefing card over itself), close the card. Returns
    with the war room on screen."""
    await page.paste(code + "\r")
    if briefing:
        await page.wait_for("Briefing card", timeout=timeout)
        for _attempt in range(ESCAPES):  # a person presses escape again when nothing happens
            await page.press("escape")
            with contextlib.suppress(TimeoutError):
                await page.wait_until(
                    lambda p: not p.shows("Briefing card"), "the war room", timeout / ESCAPES
                )
                break
    # the moves list's label, not the footer's keys: a footer is sometimes drawn late
    await page.wait_for("enter: add/remove", timeout=timeout)


async def end_quarter(
    page: HeadlessPage, journal: str = "", timeout: float = 60.0
) -> tuple[float, float]:
    """e, the journal's line, commit. Returns the seconds from e to the journal on screen (how
    fast a key is answered) and from the commit key to the screen saying the moves are in
    (waiting for the other team, or the quarter's report)."""
    start = time.monotonic()
    await page.press("e")
    await page.wait_for("Decision journal", timeout=timeout)
    echo = time.monotonic() - start
    await page.settle(0.2)
    if journal:
        await page.type(journal)
        await page.wait_for(journal, timeout=timeout)
    await page.press("tab", "tab", "tab")  # the meter, the value, the commit button
    await page.settle(0.2)
    start = time.monotonic()
    await page.press("enter")
    await page.wait_until(
        lambda p: (
            not p.shows("Decision journal")
            and (p.shows("waiting for the other team") or p.shows("the quarter's report"))
        ),
        "the commit",
        timeout,
    )
    return echo, time.monotonic() - start


__all__ = [
    "HeadlessPage",
    "PageError",
    "PageTerminal",
    "end_quarter",
    "join_as_team",
    "key_text",
    "relay",
    "websocket_url",
]
