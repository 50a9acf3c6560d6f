"""Hostile saves: saves travel between players and sit on shared servers, so every save file is
untrusted. Each case a tester found escaping as a traceback, hanging or eating memory is now a
SaveError with one line that starts with the path (exit 2 from `g2 play --load`), finishes fast and
leaves the file as it was; writes never leave temp files behind for long. The fuzz throws seeded
damage built from the golden save at load_game: it must load the golden game or refuse."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import stat
import threading
import time
from pathlib import Path

import pytest

from game import load_game, new_game
from game.cli import main
from game.engine import api
from game.engine.api import (
    MAX_SAVE_BYTES,
    SEED_MAX,
    SaveError,
    clean_stale_temps,
    read_save,
)

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_save.json"
GOLDEN_RAW = GOLDEN.read_bytes()
GOLDEN_BODY = json.loads(GOLDEN_RAW)
GOLDEN_DIGEST = GOLDEN_BODY["digest"]
RAW = "\x00raw\x00"  # a placeholder replaced by a raw JSON token after dumping


def _dump(body, raw: str = "") -> bytes:
    """The body as JSON; the placeholder string, if any, becomes the raw token `raw`."""
    return json.dumps(body, indent=1).replace(json.dumps(RAW), raw).encode("utf-8")


def _with(path: tuple, value, body=None) -> dict:
    """A deep copy of the golden body (or `body`) with the value at `path` replaced."""
    out = json.loads(json.dumps(GOLDEN_BODY if body is None else body))
    if not path:
        return value
    at = out
    for k in path[:-1]:
        at = at[k]
    at[path[-1]] = value
    return out


def _within(seconds: float, fn, *args, fifo: Path | None = None):
    """fn(*args) in a thread; fail if it takes longer than `seconds` (a blocked FIFO is released)."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # handed to the test below
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t0 = time.monotonic()
    t.start()
    t.join(seconds)
    if t.is_alive():
        if fifo is not None:  # unblock the reader so the thread can end
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"{fn.__name__} still running after {seconds}s")
    assert time.monotonic() - t0 < seconds
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _snapshot(p: Path) -> bytes | None:
    """The file's bytes when it is a regular file (not a pipe or a device), else None."""
    try:
        st = os.stat(p)
    except OSError:
        return None
    return p.read_bytes() if stat.S_ISREG(st.st_mode) else None


def assert_one_line(msg: str, path: Path) -> None:
    shown = api.one_line(str(path))  # the path as printed: control characters escaped
    assert msg.startswith(f"{shown}: "), msg
    assert "\n" not in msg and "\r" not in msg and len(msg.splitlines()) == 1, repr(msg)
    assert msg.isprintable(), repr(msg)
    assert msg.count(shown) == 1, f"the path is printed twice: {msg}"
    assert len(msg) <= len(shown) + 2 + api.MAX_REASON, f"{len(msg)} characters"


def assert_refused(p: Path, *phrases: str, fifo: bool = False, replay: bool = False) -> str:
    """load_game (and read_save, unless only the replay finds it) refuse `p` fast with one line
    naming it; the file is unchanged."""
    before = _snapshot(p)
    for fn in (load_game,) if replay else (read_save, load_game):
        with pytest.raises(SaveError) as exc:
            _within(10, fn, p, fifo=p if fifo else None)
        msg = str(exc.value)
        assert_one_line(msg, p)
        for phrase in phrases:
            assert phrase in msg, f"{msg!r} does not say {phrase!r}"
        assert exc.value.path == p and msg.endswith(exc.value.reason)
    assert _snapshot(p) == before, "loading changed the file"
    return msg


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(raw)
    return p


# ----------------------------------------------------------------------------- named cases


def test_golden_save_still_loads():
    assert load_game(GOLDEN).digest() == GOLDEN_DIGEST
    assert load_game(GOLDEN, read_save(GOLDEN)).digest() == GOLDEN_DIGEST


def test_deep_json_is_a_save_error(tmp_path):
    p = _write(tmp_path, "deep.json", b"[" * 100_000)
    assert_refused(p, "nested too deeply")


def test_deep_json_inside_extra_is_a_save_error(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    p = _write(tmp_path, "deep_extra.json", _dump(_with(("extra",), RAW), deep))
    assert_refused(p, "nested too deeply")


def test_5000_digit_seed_is_a_save_error(tmp_path):
    p = _write(tmp_path, "seed.json", _dump(_with(("seed",), RAW), "9" * 5000))
    assert_refused(p, "5000 digits")


@pytest.mark.parametrize(
    "seed", [-1, SEED_MAX + 1, 10**60, True, 11.0, "11", None], ids=lambda s: repr(s)[:12]
)
def test_a_seed_out_of_range_or_of_the_wrong_type_is_a_save_error(tmp_path, seed):
    p = _write(tmp_path, "seed.json", _dump(_with(("seed",), seed)))
    assert_refused(p, "'seed'")


@pytest.mark.parametrize("extra", ["hello", [1, 2], None, 42, True])
def test_extra_that_is_not_an_object_is_a_save_error(tmp_path, extra):
    p = _write(tmp_path, "extra.json", _dump(_with(("extra",), extra)))
    assert_refused(p, "'extra'")


def test_extra_opponent_42_loads_in_the_engine(tmp_path):
    """The engine keeps `extra` as it is; the session refuses a bad opponent (TUI tests)."""
    p = _write(tmp_path, "opp.json", _dump(_with(("extra",), {"opponent": 42})))
    assert load_game(p).digest() == GOLDEN_DIGEST


def test_dev_zero_symlink_is_refused_at_once(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    p = tmp_path / "x.json"
    p.symlink_to("/dev/zero")
    assert_refused(p, "cannot read", "device")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path):
    p = tmp_path / "x.json"
    os.mkfifo(p)
    assert_refused(p, "cannot read", "pipe", fifo=True)


def test_a_folder_named_like_a_save_is_refused(tmp_path):
    p = tmp_path / "x.json"
    p.mkdir()
    assert_refused(p, "cannot read", "folder")


def test_a_file_over_the_size_cap_is_refused_before_parsing(tmp_path):
    p = tmp_path / "big.json"
    with p.open("wb") as fh:  # would be "nested too deeply" if it were parsed
        fh.write(b"[" * (MAX_SAVE_BYTES + 1))
    assert_refused(p, "too big")


def test_a_save_just_under_the_cap_still_loads(tmp_path):
    raw = GOLDEN_RAW + b" " * (MAX_SAVE_BYTES - len(GOLDEN_RAW))
    p = _write(tmp_path, "padded.json", raw)
    assert load_game(p).digest() == GOLDEN_DIGEST


def test_nan_and_infinity_literals_are_refused(tmp_path):
    for token in ("NaN", "Infinity", "-Infinity"):
        p = _write(
            tmp_path, f"{token}.json", _dump(_with(("extra", "meters", "us_compute"), RAW), token)
        )
        assert_refused(p, token)


def test_a_bool_schema_is_refused(tmp_path):
    p = _write(tmp_path, "schema.json", _dump(_with(("schema",), True)))
    assert_refused(p, "schema True")


# every typed field, a value of the wrong type (or out of range), and a word the error must say
WRONG = [
    (("scenario",), 5, "'scenario'"),
    (("scenario",), "atlantis", "atlantis"),
    (("quarter",), 2026, "'quarter'"),
    (("quarter",), "x" * 1000, "'quarter'"),
    (("history",), {"0": {}}, "'history'"),
    (("history",), [GOLDEN_BODY["history"][0]] * (api.MAX_TURNS + 1), "'history'"),
    (("history", 0), "turn", "history[0]"),
    (("history", 0, "quarter"), 1, "history[0].quarter"),
    (("history", 0, "us"), "rasa_push", "history[0].us"),
    (("history", 0, "us"), [5], "history[0].us[0]"),
    (("history", 0, "us"), ["x\n\x1b[31mred"], "history[0].us[0]"),
    (("history", 1, "china"), None, "history[1].china"),
    (("history", 1, "china"), ["a"] * (api.MAX_MOVES + 1), "history[1].china"),
    (("digest",), 7, "'digest'"),
    (("digest",), "f" * 1000, "'digest'"),
    (("data_digest",), ["ffff"], "'data_digest'"),
]


@pytest.mark.parametrize("path,value,phrase", WRONG, ids=lambda v: str(v)[:20])
def test_a_field_of_the_wrong_type_is_a_save_error(tmp_path, path, value, phrase):
    p = _write(tmp_path, "wrong.json", _dump(_with(path, value)))
    assert_refused(p, phrase)


def test_a_relabelled_quarter_is_refused(tmp_path):
    p = _write(tmp_path, "q.json", _dump(_with(("history", 2, "quarter"), "2025Q1")))
    assert_refused(p, "history[2]", "altered", replay=True)
    p = _write(tmp_path, "top.json", _dump(_with(("quarter",), "2027Q1")))
    assert_refused(p, "2027Q1", "altered", replay=True)


def test_messages_stay_one_printable_line_whatever_the_path_and_values(tmp_path):
    p = _write(
        tmp_path, "a\nb\x1b[2J\u2028c.json", _dump(_with(("scenario",), "\n" * 50 + "x" * 5000))
    )
    msg = assert_refused(p, "unknown scenario")
    assert "\\n" in msg and "\\x1b" in msg and "\\u2028" in msg


def test_a_long_exception_text_is_cut(tmp_path):
    body = _with(("history", 0, "us"), ["no_such_move_" + "x" * 120] * 1)
    p = _write(tmp_path, "long.json", _dump(body))
    msg = assert_refused(p, "does not replay", replay=True)
    assert len(msg) <= len(str(p)) + 2 + api.MAX_REASON and msg.endswith("…")


# ----------------------------------------------------------------------------- writing


def test_a_folder_named_autosave_json_fails_the_save_with_one_line(tmp_path):
    (tmp_path / "autosave.json").mkdir()
    g = new_game(seed=3)
    with pytest.raises(SaveError) as exc:
        g.save(tmp_path / "autosave.json")
    assert_one_line(str(exc.value), tmp_path / "autosave.json")
    assert "cannot save" in str(exc.value) and "folder" in str(exc.value)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["autosave.json"]  # no temp file left
    assert list((tmp_path / "autosave.json").iterdir()) == []


def test_a_file_where_the_save_folder_should_be_fails_the_save_with_one_line(tmp_path):
    (tmp_path / "saves").write_text("not a folder", encoding="utf-8")
    g = new_game(seed=3)
    for target in (tmp_path / "saves" / "g.json", tmp_path / "saves" / "deeper" / "g.json"):
        with pytest.raises(SaveError) as exc:
            g.save(target)
        assert_one_line(str(exc.value), target)
        assert "is a file, not a folder" in str(exc.value)
    assert (tmp_path / "saves").read_text(encoding="utf-8") == "not a folder"


def test_a_244_character_name_saves(tmp_path):
    g = new_game(seed=3)
    p = g.save(tmp_path / f"{'n' * 244}.json")
    assert load_game(p).digest() == g.digest()
    assert [x.name for x in tmp_path.iterdir()] == [p.name]


def test_temp_files_have_a_short_fixed_name(tmp_path, monkeypatch):
    seen = []
    real = api.tempfile.mkstemp

    def spy(*a, **kw):
        fd, name = real(*a, **kw)
        seen.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(api.tempfile, "mkstemp", spy)
    new_game(seed=3).save(tmp_path / f"{'n' * 200}.json")
    assert len(seen) == 1 and re.fullmatch(r"\.g2-[a-z0-9_]{8}\.tmp", seen[0]), seen


def _temps(folder: Path, now: float) -> dict[str, Path]:
    old = now - 3600
    names = {
        "old": ".g2-abcdefgh.tmp",
        "old legacy": ".kill.json.abcd1234.tmp",
        "fresh": ".g2-zzzzzzzz.tmp",
        "not ours": ".notes.tmp",
        "a save": "keep.json",
    }
    out = {}
    for what, name in names.items():
        p = folder / name
        p.write_text("partial", encoding="utf-8")
        if what != "fresh":
            os.utime(p, (old, old))
        out[what] = p
    return out


def test_stale_temp_files_are_removed_but_fresh_ones_kept(tmp_path):
    now = time.time()
    t = _temps(tmp_path, now)
    removed = clean_stale_temps(tmp_path)
    assert sorted(removed) == sorted([t["old"], t["old legacy"]])
    left = sorted(x.name for x in tmp_path.iterdir())
    assert left == sorted(t[k].name for k in ("fresh", "not ours", "a save"))
    assert clean_stale_temps(tmp_path / "missing") == []  # never raises


def test_saving_removes_stale_temp_files(tmp_path):
    t = _temps(tmp_path, time.time())
    new_game(seed=3).save(tmp_path / "g.json")
    assert not t["old"].exists() and not t["old legacy"].exists()
    assert t["fresh"].exists() and t["not ours"].exists() and t["a save"].exists()


def test_a_seed_too_big_for_a_save_is_not_written(tmp_path):
    g = new_game(seed=SEED_MAX + 1)  # the engine plays it; saves hold seeds up to SEED_MAX
    with pytest.raises(SaveError, match="seeds up to") as exc:
        g.save(tmp_path / "g.json")
    assert_one_line(str(exc.value), tmp_path / "g.json")
    assert list(tmp_path.iterdir()) == []
    assert load_game(new_game(seed=SEED_MAX).save(tmp_path / "max.json")).seed == SEED_MAX


def test_a_save_too_big_to_read_back_is_not_written(tmp_path):
    g = new_game(seed=3)
    p = g.save(tmp_path / "slot.json")
    before = p.read_bytes()
    with pytest.raises(SaveError, match="cannot save"):
        g.save(p, extra={"notes": "x" * MAX_SAVE_BYTES})
    assert p.read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == ["slot.json"]


# ----------------------------------------------------------------------------- the CLI


def _hostile_files(tmp_path: Path, special_files) -> dict[str, Path]:
    """name -> a hostile save in tmp_path (those the tester reported, and a few more)."""
    files = {
        "deep": b"[" * 100_000,
        "seed5000": _dump(_with(("seed",), RAW), "9" * 5000),
        "extra-string": _dump(_with(("extra",), "hello")),
        "extra-list": _dump(_with(("extra",), [1, 2])),
        "extra-opponent-42": _dump(_with(("extra",), {"opponent": 42})),
        "truncated": GOLDEN_RAW[: len(GOLDEN_RAW) // 2],
        "garbage": b"\x00\xff\x13garbage",
    }
    out = {name: _write(tmp_path, f"{name}.json", raw) for name, raw in files.items()}
    return {**out, **special_files(tmp_path)}


def test_play_load_of_a_hostile_save_prints_one_line_and_exits_2(
    tmp_path, capsys, monkeypatch, special_files
):
    monkeypatch.setenv("G2_SAVES", str(tmp_path / "saves"))
    for name, p in _hostile_files(tmp_path, special_files).items():
        before = _snapshot(p)
        code = _within(20, main, ["play", "--load", str(p)], fifo=p if name == "fifo" else None)
        err = capsys.readouterr().err
        assert code == 2, name
        assert len(err.splitlines()) == 1, (name, err)
        assert err.startswith(f"g2 play: error: {p}: "), (name, err)
        assert _snapshot(p) == before, name
    assert not (tmp_path / "saves").exists()  # nothing was written anywhere


# ----------------------------------------------------------------------------- fuzz

HOSTILE = [
    (None, ""),
    (True, ""),
    (False, ""),
    (2**70, ""),
    (-1, ""),
    (1.5, ""),
    ("", ""),
    ("hostile\n\x1b[31m", ""),
    ([], ""),
    ([1, "x", None], ""),
    ({}, ""),
    ({"a": {"b": [1]}}, ""),
    (RAW, "9" * 5000),
    (RAW, "NaN"),
    (RAW, "Infinity"),
    (RAW, "1e999"),
    (RAW, "[" * 50 + "]" * 50),
    (RAW, "[" * 100_000 + "]" * 100_000),
]


def _paths(value, at: tuple = ()):
    yield at
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*at, i))


PATHS = list(_paths(GOLDEN_BODY))


def _type_swaps():
    for path in PATHS:
        for value, raw in HOSTILE:
            yield f"{path} = {raw[:12] or repr(value)[:12]}", _dump(_with(path, value), raw)


def _bit_flips(rnd: random.Random, n: int):
    for _ in range(n):
        raw = bytearray(GOLDEN_RAW)
        i, bit = rnd.randrange(len(raw)), rnd.randrange(8)
        raw[i] ^= 1 << bit
        yield f"flip byte {i} bit {bit}", bytes(raw)


def _truncations(step: int = 1):
    for n in range(0, len(GOLDEN_RAW), step):
        yield f"first {n} bytes", GOLDEN_RAW[:n]


def _load_or_refuse(tmp_path: Path, cases) -> dict[str, int]:
    """Each case must load the golden game or be refused with a one-line SaveError, unchanged."""
    p = tmp_path / "fuzz.json"
    seen = {"loaded": 0, "refused": 0}
    for label, raw in cases:
        p.write_bytes(raw)
        try:
            g = load_game(p)
        except SaveError as exc:
            assert_one_line(str(exc), p)
            seen["refused"] += 1
        except Exception as exc:  # anything else is the bug this test is for
            pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
        else:
            assert g.digest() == GOLDEN_DIGEST, label
            seen["loaded"] += 1
        assert p.read_bytes() == raw, f"{label}: the file changed"
    return seen


def test_fuzz_hostile_saves(tmp_path):
    """Seeded and bounded (a second or two): every 7th truncation, 300 type swaps outside `extra`
    and 40 inside it, and 150 single-bit flips; the slow run below does them all."""
    rnd = random.Random(20260501)
    swaps = list(_type_swaps())
    core = rnd.sample([c for c in swaps if not c[0].startswith("('extra'")], 300)
    extra = rnd.sample([c for c in swaps if c[0].startswith("('extra'")], 40)
    cases = [*_truncations(step=7), *core, *extra, *_bit_flips(rnd, 150)]
    t0 = time.monotonic()
    seen = _load_or_refuse(tmp_path, cases)
    assert seen["refused"] > 0 and seen["loaded"] > 0, seen
    assert time.monotonic() - t0 < 30, "the fuzz is meant to take a few seconds"


@pytest.mark.slow
def test_fuzz_hostile_saves_at_length(tmp_path):
    rnd = random.Random(7)
    cases = [*_truncations(), *_type_swaps(), *_bit_flips(rnd, 3000)]
    seen = _load_or_refuse(tmp_path, cases)
    assert seen["refused"] > 0 and seen["loaded"] > 0, seen
