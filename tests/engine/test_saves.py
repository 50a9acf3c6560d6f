"""Saves: round trips, a golden replay, clear errors for bad files, and atomic writes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import random_turn

from game import load_game, new_game
from game.engine import api
from game.engine.api import SAVE_FORMAT, SAVE_SCHEMA, SaveError, read_save

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden_save.json"
REGEN = "if the change to the engine or data/ is intended, run `uv run python tests/data/make_golden_save.py`"


def _played(seed=4, quarters=5, scenario="2025-deepseek-shock"):
    g = new_game(scenario, seed=seed)
    rnd = random.Random(seed)
    for _ in range(quarters):
        g.play_turn(random_turn(g, rnd, p=0.4))
    return g


# ----------------------------------------------------------------------------- round trips


def test_round_trip(tmp_path):
    g = _played()
    p = g.save(tmp_path / "game.json")
    assert p == tmp_path / "game.json"
    h = load_game(p)
    assert h.digest() == g.digest()
    assert h.meters == g.meters
    assert h.history == g.history
    assert h.meter_history == g.meter_history
    assert h.quarter == g.quarter and h.seed == g.seed and h.scenario == g.scenario
    assert h.policy() == g.policy()
    # a loaded game plays on exactly like the original
    rnd = random.Random(0)
    for _ in range(3):
        if g.over:  # an early decisive win can end it
            break
        mv = random_turn(g, rnd)
        g.play_turn(mv)
        h.play_turn(mv)
    assert h.digest() == g.digest()


def test_round_trip_keeps_covert_secrecy(tmp_path):
    """The hidden/revealed state of covert moves replays too."""
    g = new_game(seed=15)
    g.play_turn({"china": ["neocloud_access:on"]})
    h = load_game(g.save(tmp_path / "s.json"))
    assert h.observation("us") == g.observation("us")
    assert h.observation("china") == g.observation("china")


def test_round_trip_of_new_and_finished_games(tmp_path):
    g = new_game("long-game", seed=2)
    assert load_game(g.save(tmp_path / "new.json")).digest() == g.digest()
    while not g.over:
        g.play_turn({})
    h = load_game(g.save(tmp_path / "done.json"))
    assert h.over and h.result == g.result and h.digest() == g.digest()


def test_save_file_format(tmp_path):
    g = _played(quarters=2)
    p = g.save(tmp_path / "deep" / "dir" / "g.json", extra={"side": "us", "opponent": "hawk"})
    body = json.loads(p.read_text(encoding="utf-8"))
    assert body["format"] == SAVE_FORMAT and body["schema"] == SAVE_SCHEMA
    assert body["seed"] == 4 and body["scenario"] == "2025-deepseek-shock"
    assert body["digest"] == g.digest()
    assert body["data_digest"] == g.data.digest
    assert body["extra"] == {"side": "us", "opponent": "hawk"}
    assert [r["quarter"] for r in body["history"]] == ["2025Q1", "2025Q2"]
    assert "hidden" not in json.dumps(body["history"])  # the referee's notes are not saved
    assert read_save(p) == body


# ----------------------------------------------------------------------------- golden replay


def test_golden_replay():
    body = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert body["seed"] == 11 and len(body["history"]) == 6
    try:
        g = load_game(GOLDEN)
    except SaveError as exc:
        pytest.fail(f"the golden game no longer replays: {exc}\n{REGEN}")
    assert g.digest() == body["digest"], REGEN
    assert g.quarter == "2026Q3"
    want = body["extra"]["meters"]
    assert set(want) == set(g.meters)
    for k, v in want.items():
        assert g.meters[k] == pytest.approx(v, rel=1e-6, abs=1e-6), f"{k}; {REGEN}"
    assert g.policy() == body["extra"]["policy"]
    assert [r["events"] for r in g.history] == body["extra"]["events"]


def test_golden_replay_explicit_values():
    """A few of the golden game's numbers written out, so a silent regeneration shows in review."""
    g = load_game(GOLDEN)
    pol = g.policy()
    assert pol["h200_exports"] == "case_by_case"
    assert pol["cn_imports"] == "approved_buyers"
    assert pol["block_cn_users"] == "on" and pol["anti_smuggling"] == "on"
    assert pol["ascend_invest"] == 2 and pol["subsidy"] == 1 and pol["talent"] == 1
    assert g.meters["us_compute"] == pytest.approx(8624799.725683, rel=1e-6)
    assert g.meters["cn_compute"] == pytest.approx(967708.971529, rel=1e-6)
    assert g.meters["capability_gap_months"] == pytest.approx(10.563171, rel=1e-6)


def test_golden_file_is_untouched_by_loading():
    before = GOLDEN.read_bytes()
    load_game(GOLDEN)
    assert GOLDEN.read_bytes() == before


# ----------------------------------------------------------------------------- bad saves


def _good_body(tmp_path):
    g = new_game(seed=4)
    for mv in ({"us": ["rasa_push"]}, {"china": ["ascend_rampup"]}, {"us": ["summit"]}):
        g.play_turn(mv)
    p = g.save(tmp_path / "good.json")
    return json.loads(p.read_text(encoding="utf-8")), p.read_text(encoding="utf-8")


def _mutations(body: dict, text: str) -> dict[str, tuple[bytes, str]]:
    """name -> (file bytes, a phrase the error must contain)."""

    def j(d):
        return json.dumps(d).encode()

    def edit(**kw):
        return j({**body, **kw})

    hist = [dict(r) for r in body["history"]]
    bad_move = [dict(r) for r in hist]
    bad_move[1]["us"] = ["no_such_move"]
    other_move = [dict(r) for r in hist]
    other_move[0]["us"] = ["summit"]  # was rasa_push: legal, but a different game
    too_long = hist + [{"quarter": "x", "us": [], "china": []}] * 20
    return {
        "empty": (b"", "corrupt or truncated"),
        "garbage": (b"\x00\xff\x13garbage", "corrupt or truncated"),
        "truncated": (text[: len(text) // 2].encode(), "corrupt or truncated"),
        "not json": (b"format: g2-save\n", "corrupt or truncated"),
        "foreign json": (j({"name": "my spreadsheet", "rows": []}), "not a G2 save"),
        "a json list": (j([1, 2, 3]), "not a G2 save"),
        "wrong format": (edit(format="g3-save"), "not a G2 save"),
        "wrong schema": (edit(schema=99), "schema 99"),
        "no schema": (j({k: v for k, v in body.items() if k != "schema"}), "schema None"),
        "no seed": (j({k: v for k, v in body.items() if k != "seed"}), "'seed'"),
        "seed a string": (edit(seed="4"), "'seed'"),
        "negative seed": (edit(seed=-4), "seed"),
        "history not a list": (edit(history="lots"), "'history'"),
        "history item not a turn": (edit(history=[1, 2]), "history[0]"),
        "unknown scenario": (edit(scenario="atlantis"), "atlantis"),
        "no digest": (j({k: v for k, v in body.items() if k != "digest"}), "'digest'"),
        "tampered digest": (edit(digest="0" * 64), "does not match"),
        "tampered seed": (edit(seed=body["seed"] + 1), "does not match"),
        "tampered move": (edit(history=other_move), "does not match"),
        "unknown move": (edit(history=bad_move), "does not replay"),
        "too many turns": (edit(history=too_long), "does not replay"),
        "other data": (edit(data_digest="ffff", digest="0" * 64), "different game data"),
    }


def test_bad_saves_raise_save_error_and_are_not_modified(tmp_path):
    body, text = _good_body(tmp_path)
    for name, (raw, phrase) in _mutations(body, text).items():
        p = tmp_path / f"{name.replace(' ', '_')}.json"
        p.write_bytes(raw)
        with pytest.raises(SaveError) as exc:
            load_game(p)
        msg = str(exc.value)
        assert str(p) in msg, f"{name}: the error does not name the file: {msg}"
        assert phrase in msg, f"{name}: {msg!r} does not say {phrase!r}"
        assert p.read_bytes() == raw, f"{name}: loading modified the file"
        assert sorted(x.name for x in tmp_path.iterdir() if x.name.startswith(".")) == []


def test_missing_save(tmp_path):
    with pytest.raises(SaveError, match="no such save file"):
        load_game(tmp_path / "nope.json")
    with pytest.raises(SaveError, match="cannot read"):
        load_game(tmp_path)  # a directory


def test_save_error_is_a_value_error():
    assert issubclass(SaveError, ValueError)


@pytest.mark.parametrize("value", [5, True, 2.5])
def test_malformed_move_list_is_a_save_error(tmp_path, value):
    body, _ = _good_body(tmp_path)
    body["history"][0]["us"] = value
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(SaveError):
        load_game(p)


# ----------------------------------------------------------------------------- atomic writes


def test_save_leaves_no_temp_files(tmp_path):
    g = _played(quarters=2)
    for _ in range(3):
        g.save(tmp_path / "g.json")
    assert [x.name for x in tmp_path.iterdir()] == ["g.json"]


def test_failed_save_does_not_clobber_an_existing_save(tmp_path, monkeypatch):
    old = _played(seed=1, quarters=1)
    p = old.save(tmp_path / "slot.json")
    before = p.read_bytes()
    new = _played(seed=2, quarters=4)

    def boom(*a, **kw):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(api.json, "dump", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        new.save(p)
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == ["slot.json"]
    assert load_game(p).digest() == old.digest()


def test_failed_serialisation_of_extra_is_atomic(tmp_path):
    g = _played(quarters=1)
    p = g.save(tmp_path / "slot.json")
    before = p.read_bytes()
    with pytest.raises(TypeError):
        g.save(p, extra={"not json": object()})
    assert p.read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == ["slot.json"]


def test_interrupted_save_does_not_clobber(tmp_path, monkeypatch):
    """Even a KeyboardInterrupt mid-write leaves the old file and no temp file."""
    g = _played(quarters=1)
    p = g.save(tmp_path / "slot.json")
    before = p.read_bytes()

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(api.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _played(seed=9, quarters=2).save(p)
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == ["slot.json"]
