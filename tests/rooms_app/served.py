"""`g2 serve` as a person runs it, in a subprocess, for the tests that play served rooms without a
browser (`from served import ...`: pytest puts this folder on the path)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(ok, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def env_for(tmp: Path, lang: str = "en") -> dict[str, str]:
    return dict(
        os.environ,
        G2_SAVES=str(tmp / "saves"),
        G2_CONFIG_DIR=str(tmp / "config"),
        G2_LANG=lang,
    )


def g2(*args: str) -> list[str]:
    """The argv of `g2 ARGS...` with this interpreter (the console script's entry point)."""
    return [sys.executable, "-c", "import sys; from game.cli import main; sys.exit(main())", *args]


@contextlib.contextmanager
def serving(
    db: Path, port: int, tmp: Path, lang: str = "en", *extra: str
) -> Iterator[subprocess.Popen]:
    """`g2 serve --port PORT --db DB [EXTRA...]` running until the block ends (terminated then, unless the
    block killed it); its output goes to TMP/serve-PORT.log."""
    log_path = tmp / f"serve-{port}-{time.monotonic_ns()}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            g2("serve", "--port", str(port), "--db", str(db), *extra),
            env=env_for(tmp, lang),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        proc.log_path = log_path  # what it said, for the test to read
        url = f"http://127.0.0.1:{port}/"

        def up() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"g2 serve exited: {log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False

        try:
            wait_for(up, 30, "g2 serve")
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def room_apps(db: Path) -> list[int]:
    """The pids of the room apps running on `db` (one per page that was open)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"game.rooms.app" in argv and str(db).encode() in argv:
            pids.append(int(entry.name))
    return pids
