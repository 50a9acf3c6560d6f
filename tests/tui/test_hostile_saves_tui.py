"""Hostile saves in the session and the app: a bad `extra` is a one-line SaveError, games always save
into the app's save folder (never the folder a save came from), bad save names are refused with a
message, a failed autosave is reported and the game goes on, and the load screen lists every hostile
file in red without crashing or hanging."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from driving import drive, settle  # tests/tui/driving.py
from textual.widgets import DataTable, Input, Static

from game.cli import main
from game.engine.api import MAX_SAVE_BYTES, SaveError, one_line, read_save
from game.tui.app import G2App
from game.tui.defaults import MAX_NAME, default_save_dir
from game.tui.screens.load import LoadScreen
from game.tui.screens.prompt import SaveNameScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.warroom import WarRoom
from game.tui.session import SaveNameError, Session, check_save_name, list_saves

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_save.json"
GOLDEN_BODY = json.loads(GOLDEN.read_text(encoding="utf-8"))


def _body(**extra) -> dict:
    body = json.loads(json.dumps(GOLDEN_BODY))
    body["extra"] = extra
    return body


def _write(folder: Path, name: str, body) -> Path:
    p = folder / name
    p.write_bytes(body if isinstance(body, bytes) else json.dumps(body).encode())
    return p


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every name in a folder with the bytes of the regular files (pipes and devices are not read)."""
    out = {}
    for p in sorted(folder.iterdir()):
        out[p.name] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


def _within(seconds: float, fn, *args):
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} still running after {seconds}s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _assert_one_line(exc: SaveError, p: Path, *phrases: str) -> None:
    msg = str(exc)
    assert msg.startswith(f"{p}: ") and "\n" not in msg and msg.isprintable(), msg
    for phrase in phrases:
        assert phrase in msg, f"{msg!r} does not say {phrase!r}"


def hostile_folder(folder: Path, special_files) -> dict[str, Path]:
    """A save folder holding one good save and every kind of hostile file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "deep": b"[" * 100_000,
        "seed5000": json.dumps(GOLDEN_BODY).replace('"seed": 11', '"seed": ' + "9" * 5000).encode(),
        "extra-string": {**GOLDEN_BODY, "extra": "hello"},
        "extra-list": {**GOLDEN_BODY, "extra": [1, 2]},
        "extra-opponent-42": _body(opponent=42),
        "extra-side-mars": _body(side="mars"),
        "opponent-wrong-side": _body(side="us", opponent="hawk"),
        "[b]markup[red": _body(opponent="[/]"),  # a name and an opponent that are markup
        "bad\x1bname\u2028": b"{ not a save",
        "truncated": GOLDEN.read_bytes()[:500],
    }
    out = {name: _write(folder, f"{name}.json", body) for name, body in files.items()}
    out["good"] = _write(folder, "good.json", _body(side="us", opponent="pragmatist", name="good"))
    t = time.time() + 60
    os.utime(out["good"], (t, t))  # the newest: the first row of the load screen
    out.update(special_files(folder, folder_name="autosave.json"))
    out["dangling"] = folder / "dangling.json"
    out["dangling"].symlink_to(folder / "nowhere")
    big = folder / "big.json"
    with big.open("wb") as fh:
        fh.truncate(MAX_SAVE_BYTES + 1)
    out["big"] = big
    return out


# ----------------------------------------------------------------------------- Session.load


@pytest.mark.parametrize(
    "extra,phrase",
    [
        ({"opponent": 42}, "extra.opponent"),
        ({"opponent": "nobody"}, "extra.opponent"),
        ({"opponent": "planner:99"}, "extra.opponent"),
        ({"side": "us", "opponent": "hawk"}, "not a china player"),  # a US persona as China's AI
        ({"opponent": ["pragmatist"]}, "extra.opponent"),
        ({"side": "mars"}, "extra.side"),
        ({"side": None}, "extra.side"),
        ({"name": 5}, "extra.name"),
        ({"name": "../../etc/passwd"}, "extra.name"),
        ({"name": " "}, "extra.name"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_session_load_refuses_a_bad_extra_with_one_line(tmp_path, extra, phrase):
    p = _write(tmp_path, "x.json", _body(**extra))
    before = p.read_bytes()
    with pytest.raises(SaveError) as exc:
        Session.load(p, save_dir=tmp_path / "saves")
    _assert_one_line(exc.value, p, phrase)
    assert p.read_bytes() == before


@pytest.mark.parametrize("extra", ["hello", [1, 2]])
def test_session_load_refuses_extra_that_is_not_an_object(tmp_path, extra):
    p = _write(tmp_path, "x.json", {**GOLDEN_BODY, "extra": extra})
    with pytest.raises(SaveError) as exc:
        Session.load(p, save_dir=tmp_path / "saves")
    _assert_one_line(exc.value, p, "'extra'")


def test_session_load_reads_the_file_once(tmp_path, monkeypatch):
    """extra comes from the checked body: no second, unchecked read of the file."""
    import game.tui.session as session

    p = _write(tmp_path, "x.json", _body(side="china", opponent="hawk", name="mine"))
    read_save(p)  # the game data is loaded (and cached) before the file reads are watched
    reads = []
    real = session.read_save
    monkeypatch.setattr(session, "read_save", lambda q: reads.append(q) or real(q))
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("read twice"))
    s = Session.load(p, save_dir=tmp_path / "saves")
    assert reads == [p]
    assert (s.side, s.opponent, s.name) == ("china", "hawk", "mine")


def test_a_save_without_extra_loads_with_the_defaults(tmp_path):
    body = {k: v for k, v in GOLDEN_BODY.items() if k != "extra"}
    p = _write(tmp_path, "plain game.json", body)
    s = Session.load(p, save_dir=tmp_path / "saves")
    assert (s.side, s.opponent, s.name) == ("us", "pragmatist", "plain-game")


# ----------------------------------------------------------------------------- the save folder


def test_the_save_folder_is_g2_saves_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("G2_SAVES", str(tmp_path / "class"))
    assert default_save_dir() == tmp_path / "class"
    monkeypatch.delenv("G2_SAVES")
    assert default_save_dir() == Path("saves")


def test_load_from_another_folder_then_save_writes_to_the_save_folder(tmp_path, monkeypatch):
    other = tmp_path / "downloads"
    saves = tmp_path / "saves"
    other.mkdir()
    src = Session.new("us", seed=5, save_dir=other).save("shared")
    (other / "autosave.json").write_text("someone else's autosave", encoding="utf-8")
    before = _snapshot(other)
    monkeypatch.setenv("G2_SAVES", str(saves))
    s = Session.load(src)
    assert s.save_dir == saves
    s.resolve([])  # autosaves
    assert s.autosave_error is None
    s.save("mine")
    assert sorted(p.name for p in saves.iterdir()) == [s.autosave_path.name, "mine.json"]
    assert _snapshot(other) == before  # the folder it came from is untouched


def test_play_load_saves_to_the_save_folder_not_the_load_folder(tmp_path, monkeypatch):
    other, saves = tmp_path / "downloads", tmp_path / "saves"
    other.mkdir()
    src = Session.new("us", seed=5, save_dir=other).save("shared")
    ran = []
    monkeypatch.setattr(G2App, "run", lambda self, *a, **k: ran.append(self))
    monkeypatch.setenv("G2_SAVES", str(saves))
    assert main(["play", "--load", str(src)]) == 0
    (app,) = ran
    assert app.save_dir == saves and app.session.save_dir == saves


def test_play_load_of_a_bad_extra_exits_2_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("G2_SAVES", str(tmp_path / "saves"))
    p = _write(tmp_path, "x.json", _body(opponent=42))
    assert main(["play", "--load", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"g2 play: error: {p}: ") and len(err.splitlines()) == 1, err


# ----------------------------------------------------------------------------- save names


@pytest.mark.parametrize(
    "name,phrase",
    [
        ("", "a save needs a name"),
        ("   \t ", "a save needs a name"),
        ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters"),
        ("n" * 244, f"at most {MAX_NAME} characters"),
        ("../escape", "cannot contain /"),
        ("a\\b", "cannot contain /"),
        ("bell\x07", "control characters"),
        ("...", "at least one letter or digit"),
        ("日本語", "at least one letter or digit"),
    ],
    ids=lambda v: repr(v)[:20],
)
def test_a_bad_save_name_is_refused_and_nothing_is_written(tmp_path, name, phrase):
    s = Session.new("us", seed=5, save_dir=tmp_path)
    with pytest.raises(SaveNameError, match=phrase.replace(".", r"\.")) as exc:
        s.save(name)
    assert "\n" not in str(exc.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name,stem",
    [("mine", "mine"), ("  my game ", "my-game"), (".hidden", "hidden"), ("x.json", "x")],
)
def test_a_save_name_is_made_safe(tmp_path, name, stem):
    assert check_save_name(name) == stem
    s = Session.new("us", seed=5, save_dir=tmp_path)
    assert s.save(name) == tmp_path / f"{stem}.json"


# ----------------------------------------------------------------------------- failed autosaves


def test_a_folder_named_like_the_autosave_fails_the_autosave_and_the_game_goes_on(tmp_path):
    s = Session.new("us", seed=5, save_dir=tmp_path)
    slot = s.autosave_path
    slot.mkdir()
    r = s.resolve([])
    assert r.quarter == "2025Q1" and s.game.quarter == "2025Q2"
    assert s.autosave_error and "cannot save" in s.autosave_error
    assert "\n" not in s.autosave_error
    assert sorted(p.name for p in tmp_path.iterdir()) == [slot.name]  # no temp file left
    slot.rmdir()
    s.resolve([])
    assert s.autosave_error is None and read_save(slot)


def test_a_file_where_the_save_folder_should_be_fails_the_autosave_and_the_game_goes_on(tmp_path):
    (tmp_path / "saves").write_text("a file", encoding="utf-8")
    s = Session.new("us", seed=5, save_dir=tmp_path / "saves")
    s.resolve([])
    assert s.game.quarter == "2025Q2"
    assert "is a file, not a folder" in s.autosave_error
    with pytest.raises(SaveError, match="is a file, not a folder"):
        s.save("mine")
    assert (tmp_path / "saves").read_text(encoding="utf-8") == "a file"


# ----------------------------------------------------------------------------- list_saves


def test_list_saves_lists_every_hostile_file_with_its_reason_and_never_hangs(
    tmp_path, special_files
):
    files = hostile_folder(tmp_path / "saves", special_files)
    before = _snapshot(tmp_path / "saves")
    infos = _within(20, list_saves, tmp_path / "saves")
    by_name = {i.path.name: i for i in infos}
    assert set(by_name) == {p.name for p in files.values()}
    assert not by_name["good.json"].error
    assert by_name["good.json"].side == "us" and by_name["good.json"].quarter == "2026Q3"
    for name, p in files.items():
        if name != "good":
            err = by_name[p.name].error
            assert err and "\n" not in err and err.isprintable(), (name, err)
    assert "pipe" in by_name["fifo.json"].error and "device" in by_name["zero.json"].error
    assert "too big" in by_name["big.json"].error and "folder" in by_name["autosave.json"].error
    assert "opponent" in by_name["extra-opponent-42.json"].error
    assert _snapshot(tmp_path / "saves") == before


def test_list_saves_removes_stale_temps_and_keeps_fresh_ones(tmp_path):
    old, fresh = tmp_path / ".g2-abcdefgh.tmp", tmp_path / ".g2-zzzzzzzz.tmp"
    for p in (old, fresh):
        p.write_text("partial", encoding="utf-8")
    t = time.time() - 3600
    os.utime(old, (t, t))
    assert list_saves(tmp_path) == []
    assert not old.exists() and fresh.exists()


def test_list_saves_of_a_file_or_a_missing_folder_is_empty(tmp_path):
    (tmp_path / "saves").write_text("a file", encoding="utf-8")
    assert list_saves(tmp_path / "saves") == []
    assert list_saves(tmp_path / "missing") == []


# ----------------------------------------------------------------------------- the screens


@pytest.mark.slow  # keeps the default run under a minute; .ci/run runs it
def test_the_load_screen_lists_hostile_files_in_red_and_survives_keys(
    tmp_path, cheap_forecasts, special_files
):
    files = hostile_folder(tmp_path / "saves", special_files)
    seen = {}

    async def script(app, pilot):
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoadScreen)
        table = screen.query_one("#saves", DataTable)
        seen["rows"] = [table.get_row_at(i) for i in range(table.row_count)]
        # every row once, then choose bad ones and page about
        keys = ["down"] * (table.row_count - 1) + ["enter", "up", "enter", "pageup", "pagedown"]
        for key in keys:
            await pilot.press(key)
            seen.setdefault("details", []).append(str(screen.query_one("#detail", Static).render()))
        assert str(table.get_row_at(0)[0]) == "good"  # the keys never chose it
        assert app.screen is screen  # no bad file was loaded
        await pilot.press("escape")
        await pilot.pause()
        seen["after"] = type(app.screen)

    s = Session.new("us", seed=5, save_dir=tmp_path / "saves")
    app = drive(script, s)
    rows = seen["rows"]
    assert len(rows) == len(files)
    bad = [r for r in rows if str(r[0]) != "good"]
    assert len(bad) == len(files) - 1
    for row in bad:
        assert row[1].style == "red", row
        assert all(str(c).isprintable() for c in row)
    assert seen["after"] is WarRoom
    errors = [n for n in app.notes if n[2] == "error"]
    assert errors and all("\n" not in msg for _, msg, _ in errors)
    assert all("\n" not in d for d in seen["details"])
    assert sum("cannot be loaded" in d for d in seen["details"]) == len(seen["details"]) - 1


@pytest.mark.slow  # ~1.9 s of Pilot: the default run keeps its minute
def test_a_failed_autosave_is_shown_and_the_game_goes_on(cheap_forecasts, tmp_path):
    s = Session.new("us", "2025-deepseek-shock", "pragmatist", seed=3, save_dir=tmp_path)
    s.autosave_path.mkdir()
    seen = {}

    async def script(app, pilot):
        await pilot.press("e")
        await settle(app, pilot)
        seen["report"] = isinstance(app.screen, ReportScreen)
        await pilot.press("enter")
        await pilot.pause()
        seen["room"] = isinstance(app.screen, WarRoom)
        seen["quarter"] = app.session.game.quarter
        await pilot.press("e")  # and the next quarter too
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        seen["quarter2"] = app.session.game.quarter

    app = drive(script, s)
    assert seen["report"] and seen["room"]
    assert (seen["quarter"], seen["quarter2"]) == ("2025Q2", "2025Q3")
    failed = [m for _, m, _ in app.notes if m.startswith("Autosave failed:")]
    assert len(failed) == 2 and all(m.endswith("; the game goes on") for m in failed)
    assert all("\n" not in m for m in failed)


async def _type_save_name(app, pilot, text: str) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    box = app.screen.query_one(Input)
    box.value = ""
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
    await pilot.press("enter")
    await pilot.pause()


def test_a_blank_save_name_shows_a_message_and_writes_nothing(tmp_path):
    s = Session.new("us", seed=3, save_dir=tmp_path)
    seen = {}

    async def script(app, pilot):
        await _type_save_name(app, pilot, "   ")
        seen["prompt"] = isinstance(app.screen, SaveNameScreen)
        seen["error"] = str(app.screen.query_one("#name-error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        seen["room"] = isinstance(app.screen, WarRoom)

    app = drive(script, s)
    assert seen["prompt"] and seen["room"]
    assert "a save needs a name" in seen["error"]
    assert any("a save needs a name" in m for _, m, _ in app.notes)
    assert list(tmp_path.iterdir()) == []


def test_a_save_into_a_blocked_folder_says_so(tmp_path):
    (tmp_path / "mine.json").mkdir()
    s = Session.new("us", seed=3, save_dir=tmp_path)

    async def script(app, pilot):
        await _type_save_name(app, pilot, "mine")
        assert isinstance(app.screen, WarRoom)

    app = drive(script, s)
    assert any(m.startswith("Could not save:") and "\n" not in m for _, m, _ in app.notes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json"]


def test_a_loaded_game_saves_into_the_apps_folder(tmp_path):
    other, saves = tmp_path / "downloads", tmp_path / "saves"
    other.mkdir()
    Session.new("us", seed=5, save_dir=other).save("shared")
    before = _snapshot(other)

    async def script(app, pilot):
        app.load(other / "shared.json")
        await pilot.pause()
        assert app.session.save_dir == saves
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()

    drive(script, Session.new("us", seed=1, save_dir=saves), save_dir=saves)
    assert _snapshot(other) == before
    slots = list(saves.glob("autosave-*-5-*.json"))  # the loaded game's own slot (seed 5)
    assert len(slots) == 1 and read_save(slots[0])["seed"] == 5


def test_one_line_is_used_for_displayed_names():
    assert one_line("a\nb\x1b[31m\udcff") == "a\\nb\\x1b[31m\\udcff"
