"""`g2 serve` and `g2 join`: the room app in the browser and in the terminal.

`serve` runs textual-serve: each browser tab that opens the page gets its own room app process
(`python -m game.rooms.app --db FILE`) on this machine, all sharing one rooms database. It listens
on 127.0.0.1 (this machine only) unless told another address (`--host 0.0.0.0`: the network).
`g2 join ROOM --code CODE` runs the room app in this terminal, on the same database.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import subprocess
import sys
from pathlib import Path

from game.i18n import N_, _, language

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# sessions (browser tabs) served at once: each runs a room app of about 80 MB and a process; a
# class of 15 rooms (two teams, a facilitator each) is 45
DEFAULT_MAX_SESSIONS = 60
TITLE = "G2"


def is_local(host: str) -> bool:
    """True when only this machine can reach `host` (a loopback address or localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """True for an address that listens on every interface (0.0.0.0, ::, or none)."""
    return host.strip("[]") in ("", "0.0.0.0", "::")


def lan_address() -> str | None:
    """This machine's address on its network, as others reach it (None when it has none). A UDP
    socket "connected" to a documentation address picks the outgoing interface; nothing is sent."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            return s.getsockname()[0]
    except OSError:
        return None


def url_for(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def served_message(host: str, port: int) -> str:
    """What `g2 serve` says before it serves: where, and who can reach it."""
    if is_local(host):
        return _(
            "G2 is being served at {url} (only this machine can reach it; "
            "--host 0.0.0.0 opens it to the network)"
        ).format(url=url_for(host, port))
    if is_wildcard(host):
        lan = lan_address()
        return _(
            "G2 is being served at {url} (open to the network: anyone who can reach this "
            "machine can open the page, and only a join code lets them into a room; on this "
            "machine: {local})"
        ).format(url=url_for(lan or socket.gethostname(), port), local=url_for("127.0.0.1", port))
    return _(
        "G2 is being served at {url} (open to the network at that address: only a join code "
        "lets anyone into a room)"
    ).format(url=url_for(host, port))


def app_command(db: Path) -> str:
    """The shell command textual-serve runs for each browser: the room app on `db`, in the
    language `g2 serve` was started in (each browser may switch its own)."""
    argv = [sys.executable, "-m", "game.rooms.app", "--db", str(db), "--lang", language()]
    if sys.platform == "win32":
        return subprocess.list2cmdline(argv)
    # exec: the shell textual-serve starts becomes the app, so the app's parent is the server
    # (a served app ends itself when its server is gone: game.rooms.app)
    return "exec " + shlex.join(argv)


def check_port(host: str, port: int) -> None:
    """OSError (with the reason) when `host:port` cannot be listened on, before anything is said."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(address)


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    db: str | Path | None = None,
    public_url: str | None = None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
) -> None:
    """Serve the room app to browsers at http://HOST:PORT until interrupted (ctrl+c). `db`: the
    rooms database (default: $G2_ROOMS_DB, else rooms.db in the save folder); `public_url`: the
    address browsers use when it is not the one they asked for (a proxy in front). Raises RoomError
    when the database cannot be used and OSError when the port cannot be listened on."""
    from game.rooms.session import rooms_db
    from game.rooms.store import RoomStore

    path = rooms_db(db).resolve()
    RoomStore(path).close()  # made (or checked) now: a problem shows before anyone connects
    check_port(host, port)
    print(served_message(host, port), flush=True)
    make_server(app_command(path), host, port, public_url, max_sessions).serve()


def full_message(limit: int) -> str:
    """What a page past the server's limit shows (its terminal's text, then the page closes)."""
    text = _(
        "G2: this server already runs {limit} sessions, its limit (g2 serve --max-sessions). "
        "Close a tab you no longer use, or ask your facilitator."
    ).format(limit=limit)
    return "\r\n  " + text + "\r\n"


def make_server(
    command: str,
    host: str,
    port: int,
    public_url: str | None = None,
    max_sessions: int = DEFAULT_MAX_SESSIONS,
):
    """textual-serve's Server for `command` (imported here: aiohttp is slow to import, and the CLI
    imports this module for its parsers on every run)."""
    from aiohttp import web
    from textual_serve.server import Server

    class RoomServer(Server):
        """textual-serve, with the page's addresses taken from the address the browser used (so a
        server on 0.0.0.0 works from every machine), unless a public URL was given; and at most
        `max_sessions` sessions at once (each is a process on this machine)."""

        def __init__(self, *args, public_url: str | None = None, **kwargs) -> None:
            super().__init__(*args, public_url=public_url, **kwargs)
            self._from_request = public_url is None
            self.sessions = 0

        async def handle_websocket(self, request):
            if self.sessions >= max_sessions:
                ws = web.WebSocketResponse()
                await ws.prepare(request)
                await ws.send_bytes(full_message(max_sessions).encode())
                await ws.close()
                return ws
            self.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

        async def handle_index(self, request):
            if self._from_request:
                # read before the template's first await: one event loop, so no other page's
                # request runs between setting it and using it
                self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    return RoomServer(command, host=host, port=port, title=TITLE, public_url=public_url)


# ----------------------------------------------------------------------------- the commands


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            _("a port is a whole number from 1 to 65535, not {value}").format(value=repr(text))
        )
    return port


def _sessions(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(
            _("a number of sessions is a whole number of 1 or more, not {value}").format(
                value=repr(text)
            )
        )
    return n


def _error(command: str, message: str) -> int:
    print(
        _("g2 {command}: error: {message}").format(command=command, message=message),
        file=sys.stderr,
    )
    return 2


DB_HELP = N_("the rooms database (default: $G2_ROOMS_DB, else rooms.db in the save folder)")


def add_serve_parser(sub) -> argparse.ArgumentParser:
    """`g2 serve [--host 127.0.0.1] [--port 8000] [--db FILE]`."""
    s = sub.add_parser(
        "serve",
        help=_("serve G2 to browsers: a class plays in shared rooms, each team on its own machine"),
        description=_(
            "Serve G2 to browsers. The facilitator opens the page, opens a room for a scenario "
            "and gets three join codes; each team opens the same page on its own machine, enters "
            "its code and plays its side. Rooms live in one database and survive a restart. "
            "Listens on 127.0.0.1 (this machine only) unless --host says otherwise: "
            "--host 0.0.0.0 opens it to the network."
        ),
    )
    s.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=_("the address to listen on (default: 127.0.0.1, this machine only)"),
    )
    s.add_argument("--port", type=_port, default=DEFAULT_PORT, help=_("the port (default: 8000)"))
    s.add_argument("--db", metavar="FILE", help=_(DB_HELP))
    s.add_argument(
        "--max-sessions",
        type=_sessions,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=_(
            "browser tabs served at once (default: 60); each runs the game in a process of about "
            "80 MB"
        ),
    )
    s.add_argument(
        "--public-url",
        metavar="URL",
        help=_("the address browsers reach the server at, when a proxy is in front of it"),
    )
    s.set_defaults(func=cmd_serve)
    return s


def cmd_serve(args) -> int:
    from game.engine.api import one_line
    from game.rooms.store import RoomError

    try:
        serve(
            args.host,
            args.port,
            args.db,
            getattr(args, "public_url", None),
            getattr(args, "max_sessions", DEFAULT_MAX_SESSIONS),
        )
    except RoomError as exc:
        return _error("serve", str(exc))
    except OSError as exc:
        return _error(
            "serve",
            _("cannot listen on {url}: {reason}").format(
                url=url_for(args.host, args.port), reason=one_line(exc.strerror or str(exc), 200)
            ),
        )
    except KeyboardInterrupt:
        pass
    return 0


def is_url(text: str) -> bool:
    """True for a web address (http://…, https://…, or any scheme://…)."""
    t = text.strip().lower()
    return "://" in t or t.startswith(("http:", "https:", "www."))


def add_join_parser(sub) -> argparse.ArgumentParser:
    """`g2 join ROOM --code CODE [--db FILE]`."""
    j = sub.add_parser(
        "join",
        help=_("join a room in this terminal with a team's or the facilitator's code"),
        description=_(
            "Join a room in this terminal: a team plays its side, the facilitator gets the "
            "console. Give the web address `g2 serve` printed (http://HOST:PORT) to play on the "
            "serving machine over the network, exactly as a browser would; or give the room's id "
            "to join on the serving machine itself, on its rooms database."
        ),
    )
    j.add_argument(
        "room",
        metavar="URL-OR-ROOM",
        help=_("the address g2 serve printed (http://HOST:PORT), or the room's id"),
    )
    j.add_argument("--code", required=True, help=_("your join code, e.g. K7QX-2MPD"))
    j.add_argument("--db", metavar="FILE", help=_(DB_HELP))
    j.set_defaults(func=cmd_join)
    return j


def cmd_join(args) -> int:
    from game.rooms.app import RoomApp
    from game.rooms.session import rooms_db
    from game.rooms.store import AccessDenied, RoomError, RoomStore

    target = args.room.strip()
    if is_url(target):
        return join_served(target, args.code)
    path = rooms_db(args.db)
    if not path.is_file():
        return _error(
            "join",
            _(
                "there is no rooms database at {path}: join on the machine that serves the "
                "rooms, or give its file with --db"
            ).format(path=path),
        )
    try:
        store = RoomStore(path)
        member = store.join(args.code)
    except AccessDenied:
        return _error("join", _("the code is unknown or no longer works"))
    except RoomError as exc:
        return _error("join", str(exc))
    if member.room != target:
        return _error("join", _("that code is not for room {room}").format(room=target))
    RoomApp(store, code=args.code, room=target).run()
    return 0


def join_served(url: str, code: str) -> int:
    """`g2 join URL --code CODE`: the served page at `url`, played in this terminal (the code is
    entered on its join screen, and checked where the rooms are)."""
    import asyncio

    from game.engine.api import one_line
    from game.rooms.wire import PageError, relay, websocket_url

    try:
        websocket_url(url, 80, 24)
    except PageError:
        return _error("join", _("{url} is not a web address").format(url=url))
    if sys.platform == "win32":
        return _error(
            "join",
            _("joining by web address needs Linux or macOS: open {url} in a browser").format(
                url=url
            ),
        )
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _error(
            "join",
            _("joining by web address needs a terminal (or open {url} in a browser)").format(
                url=url
            ),
        )
    try:
        how = asyncio.run(relay(url, code))
    except PageError as exc:
        return _error(
            "join",
            _(
                "cannot reach {url} ({reason}): is g2 serve running there, and is it open to the network (--host 0.0.0.0)?"
            ).format(url=url, reason=one_line(str(exc), 200)),
        )
    except KeyboardInterrupt:
        return 130
    if how == "lost":
        print(
            _(
                "The connection to {url} was lost. Your team's committed moves are kept in the "
                "room: join again with your code to go on."
            ).format(url=url),
            file=sys.stderr,
        )
        return 1
    return 0


__all__ = ["add_join_parser", "add_serve_parser", "cmd_join", "cmd_serve", "join_served", "serve"]
