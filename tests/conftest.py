"""Shared fixtures and helpers for the G2 engine and data tests."""

from __future__ import annotations

import atexit
import functools
import math
import os
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from game.ai import forecast
from game.engine.data import CAPITAL_LEVERS, GameData, load_data

# the app's save folder, before any test imports the UI: games started or loaded in tests
# autosave here, never into the repository's ./saves
os.environ["G2_SAVES"] = _SAVES = tempfile.mkdtemp(prefix="g2-test-saves-")
atexit.register(shutil.rmtree, _SAVES, True)


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory, monkeypatch):
    """Every test has its own empty settings folder (game.tui.prefs): the player's real settings
    are never read or written, and the guided first quarter shows as for a newcomer."""
    monkeypatch.setenv("G2_CONFIG_DIR", str(tmp_path_factory.mktemp("g2-config")))


@pytest.fixture(autouse=True)
def _english_between_tests():
    """The language is process-wide (game.i18n): every test starts in English, whatever the one
    before it chose ($G2_LANG, a --lang, the new-game screen's button)."""
    from game import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCENARIOS = tuple(sorted(load_data().scenarios))
CAPITAL = CAPITAL_LEVERS


@pytest.fixture(scope="session")
def gd() -> GameData:
    return load_data()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def option_costs(move) -> list[tuple[float, str]]:
    """(cost, move string) for every legal way to play `move` (a game.engine.api.Move)."""
    if not move.options:
        return [(move.cost, move.id)] if move.legal else []
    return [(o.cost, f"{move.id}:{o.name}") for o in move.options if o.legal]


def random_turn(game, rnd: random.Random, p: float = 0.3) -> dict[str, list[str]]:
    """A random affordable set of legal moves for both sides (at most one option per move)."""
    out: dict[str, list[str]] = {}
    for side in ("us", "china"):
        budget = game.meters[CAPITAL[side]]
        cands = [c for m in game.legal_moves(side) for c in option_costs(m)]
        rnd.shuffle(cands)
        chosen, seen, spent = [], set(), 0.0
        for cost, text in cands:
            mid = text.split(":")[0]
            if mid in seen or spent + cost > budget or rnd.random() >= p:
                continue
            chosen.append(text)
            seen.add(mid)
            spent += cost
        out[side] = chosen
    return out


def replay_moves(game) -> list[dict[str, list[str]]]:
    """The moves of every quarter played so far, in play_turn's format."""
    return [{"us": list(r["us"]), "china": list(r["china"])} for r in game.history]


def state_snapshot(game) -> dict:
    """A deep copy of everything observable about a game (to check that nothing changed)."""
    batch = game.snapshot()  # a copy: the public way to read the full state
    st = batch.state
    return {
        "digest": game.digest(),
        "quarter": game.quarter,
        "meters": game.meters,
        "history": [dict(r) for r in game.history],
        "policy": game.policy(),
        "over": game.over,
        "stocks": st.stocks.copy(),
        "rng": str(batch.rng.state),
    }


def assert_same_snapshot(a: dict, b: dict) -> None:
    assert a["digest"] == b["digest"]
    assert a["quarter"] == b["quarter"]
    assert a["meters"] == b["meters"]
    assert a["history"] == b["history"]
    assert a["policy"] == b["policy"]
    assert a["over"] == b["over"]
    assert a["rng"] == b["rng"]
    np.testing.assert_array_equal(a["stocks"], b["stocks"])


def check_why(r) -> None:
    """Every meter's named causes (TurnResult.why) add up to its change, to 1e-6 relative.

    The engine books any residual above 1e-9 * (1 + |meter|) as a cause of its own, so that is
    the absolute floor of the tolerance (it matters only for meters that barely moved)."""
    assert set(r.why) == set(r.deltas), set(r.deltas) ^ set(r.why)
    for meter, causes in r.why.items():
        total, delta = sum(causes.values()), r.deltas[meter]
        tol = max(1e-6 * abs(delta), 1e-9 * (1.0 + abs(r.meters[meter])))
        assert abs(total - delta) <= tol, (
            f"{r.quarter} {meter}: causes {causes} sum to {total}, change was {delta}"
        )
        for cause, v in causes.items():
            assert isinstance(cause, str) and cause
            assert math.isfinite(v)


@pytest.fixture
def special_files():
    """A function that puts in `folder` what a save or data reader must refuse without reading:
    a link to /dev/zero, a FIFO and a folder, each named like a file (`<kind><suffix>`, the folder
    named `folder_name` when given). Returns kind -> path for those the platform has."""

    def make(folder: Path, suffix: str = ".json", folder_name: str | None = None) -> dict:
        out = {}
        if Path("/dev/zero").exists():
            out["dev-zero"] = folder / f"zero{suffix}"
            out["dev-zero"].symlink_to("/dev/zero")
        if hasattr(os, "mkfifo"):
            out["fifo"] = folder / f"fifo{suffix}"
            os.mkfifo(out["fifo"])
        out["folder"] = folder / (folder_name or f"folder{suffix}")
        out["folder"].mkdir()
        return out

    return make


# ----------------------------------------------------------------------------- the rooms' tests
# (tests/rooms, tests/rooms_app: here, not in a conftest of their own, whose module name would
# shadow this one for the tests that import from it)
ROOM_SCENARIO, ROOM_SEED = "2025-deepseek-shock", 4


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A rooms database in the test's folder (game.rooms.store), the save folder beside it."""
    from game.rooms.store import RoomStore

    monkeypatch.setenv("G2_SAVES", str(tmp_path / "saves"))
    st = RoomStore(tmp_path / "rooms.db")
    yield st
    st.close()


@pytest.fixture
def room(store):
    """(room id, {"us": code, "china": code, "facilitator": code})."""
    return store.open_room(ROOM_SCENARIO, ROOM_SEED)


@pytest.fixture
def quick_polls(monkeypatch):
    """The room's war room and console ask the room every 0.1 s (every second in class)."""
    from game.rooms.console import ConsoleScreen
    from game.rooms.screens import RoomWarRoom

    monkeypatch.setattr(RoomWarRoom, "POLL", 0.1)
    monkeypatch.setattr(ConsoleScreen, "POLL", 0.1)


# the terminal UI's and the rooms' tests: previews on a few games
@pytest.fixture
def cheap_forecasts(monkeypatch):
    """Previews (numbers and paths), advice and the game-over comparison on a few games instead of hundreds."""
    preview, compare = forecast.preview, forecast.compare_with_personas
    path = forecast.preview_path

    @functools.wraps(path)
    def small_path(game, move, side, n=8):
        return path(game, move, side, n=min(n, 8))

    @functools.wraps(preview)
    def small_preview(game, move, side, n=8):
        return preview(game, move, side, n=min(n, 8))

    @functools.wraps(compare)
    def small_compare(game, side, opponent, n=4):
        return compare(game, side, opponent, min(n, 4))

    monkeypatch.setattr(forecast, "preview", small_preview)
    monkeypatch.setattr(forecast, "preview_path", small_path)
    monkeypatch.setattr(forecast, "compare_with_personas", small_compare)
