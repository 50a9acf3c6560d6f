"""`g2 serve` and `g2 join` without a browser: what serve says about who can reach it, the command
each browser's process runs, the parsers the CLI adds, and what `g2 join` refuses (a web address,
a missing database, a wrong code, another room's code)."""

from __future__ import annotations

import argparse
import shlex
import socket
import sys

import pytest
from served import free_port

from game.rooms import serve as srv


def parser():
    p = argparse.ArgumentParser(prog="g2")
    sub = p.add_subparsers(dest="command")
    srv.add_serve_parser(sub)
    srv.add_join_parser(sub)
    return p


def test_serve_says_where_and_who_can_reach_it():
    local = srv.served_message("127.0.0.1", 8000)
    assert local == (
        "G2 is being served at http://127.0.0.1:8000 (only this machine can reach it; "
        "--host 0.0.0.0 opens it to the network)"
    )
    assert "only this machine" in srv.served_message("localhost", 8001)
    everyone = srv.served_message("0.0.0.0", 8000)
    assert "open to the network" in everyone and "http://127.0.0.1:8000" in everyone
    assert "http://0.0.0.0" not in everyone  # browsers elsewhere need the machine's address
    assert srv.url_for("::1", 80) == "http://[::1]:80"


def test_each_browser_runs_the_room_app_on_the_servers_database(tmp_path):
    argv = shlex.split(srv.app_command(tmp_path / "my rooms.db"))
    # the shell becomes the app (exec): a served app's parent is the server, which it watches
    assert argv[:4] == ["exec", sys.executable, "-m", "game.rooms.app"]
    assert argv[argv.index("--db") + 1] == str(tmp_path / "my rooms.db")
    assert argv[argv.index("--lang") + 1] == "en"


def test_the_parsers_bind_localhost_by_default_and_check_the_port():
    args = parser().parse_args(["serve"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8000, None)
    assert args.func is srv.cmd_serve
    args = parser().parse_args(["join", "ab2cd", "--code", "K7QX-2MPD", "--db", "r.db"])
    assert (args.room, args.code, args.db, args.func) == (
        "ab2cd",
        "K7QX-2MPD",
        "r.db",
        srv.cmd_join,
    )
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--port", "70000"])
    with pytest.raises(SystemExit):
        parser().parse_args(["join", "ab2cd"])  # --code is required


def test_join_help_says_a_web_address_or_a_room_id(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["join", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "http://HOST:PORT" in out and "room's id" in out


def test_join_by_web_address_says_why_it_cannot_when_there_is_no_terminal_or_no_server(
    capsys, monkeypatch
):
    args = parser().parse_args(["join", "http://class.example:8000/", "--code", "K7QX-2MPD"])
    assert srv.cmd_join(args) == 2  # pytest's stdin is no terminal
    assert "needs a terminal" in " ".join(capsys.readouterr().err.split())

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    args = parser().parse_args(["join", f"http://127.0.0.1:{free_port()}", "--code", "K7QX-2MPD"])
    assert srv.cmd_join(args) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("g2 join: error: cannot reach http://127.0.0.1:")
    assert "is g2 serve running there" in err


def test_join_refuses_a_missing_database_a_wrong_code_and_another_rooms_code(
    store, room, tmp_path, capsys
):
    rid, codes = room
    missing = parser().parse_args(["join", rid, "--code", codes["us"], "--db", str(tmp_path / "x")])
    assert srv.cmd_join(missing) == 2
    assert "there is no rooms database" in capsys.readouterr().err
    db = str(store.path)
    wrong = parser().parse_args(["join", rid, "--code", "ABCD-EFGH", "--db", db])
    assert srv.cmd_join(wrong) == 2
    assert "the code is unknown or no longer works" in capsys.readouterr().err
    other = parser().parse_args(["join", "zzzzz", "--code", codes["us"], "--db", db])
    assert srv.cmd_join(other) == 2
    assert "that code is not for room zzzzz" in capsys.readouterr().err


def test_serve_refuses_a_port_in_use_before_saying_it_serves(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = parser().parse_args(["serve", "--port", str(port), "--db", str(tmp_path / "r.db")])
        assert srv.cmd_serve(args) == 2
    out = capsys.readouterr()
    assert "being served" not in out.out
    assert out.err.startswith(f"g2 serve: error: cannot listen on http://127.0.0.1:{port}")


@pytest.mark.slow  # imports aiohttp and textual-serve (~0.5 s)
def test_the_page_points_each_browser_at_the_address_it_used():
    """On 0.0.0.0 the page's websocket must be the address the browser typed, not 0.0.0.0."""
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    async def page(server, host: str) -> str:
        async with TestClient(TestServer(await server._make_app())) as client:
            resp = await client.get("/", headers={"Host": host})
            assert resp.status == 200
            return await resp.text()

    lan = asyncio.run(page(srv.make_server("true", "0.0.0.0", 8000), "192.168.1.5:8000"))
    assert 'data-session-websocket-url="ws://192.168.1.5:8000/ws"' in lan
    proxied = srv.make_server("true", "127.0.0.1", 8000, public_url="https://class.example")
    behind = asyncio.run(page(proxied, "127.0.0.1:8000"))
    assert 'data-session-websocket-url="wss://class.example/ws"' in behind


def test_serve_caps_its_sessions_at_60_unless_told(capsys):
    assert parser().parse_args(["serve"]).max_sessions == 60
    assert parser().parse_args(["serve", "--max-sessions", "31"]).max_sessions == 31
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--max-sessions", "0"])
    assert "a whole number of 1 or more, not '0'" in capsys.readouterr().err
    assert "its limit" in srv.full_message(31) and "31" in srv.full_message(31)
