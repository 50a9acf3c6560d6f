"""The room store (game.rooms.store): codes and roles, commits and the quarter's resolution, the
facilitator's injects, force, reveal and revoke, the journal, exports that G2 reads as saves, and a
second store on the same file (a restarted server) that sees everything."""

from __future__ import annotations

import random
import sqlite3

import pytest
from conftest import random_turn

from game.engine.api import Game, IllegalMove, load_game, new_game
from game.engine.data import load_scenario_text
from game.rooms.store import (
    CODE_ALPHABET,
    ROLES,
    AccessDenied,
    Member,
    RoomError,
    RoomStore,
    default_db_path,
)

SCENARIO = "2025-deepseek-shock"
SEED = 11

CLASS = """\
id: room-class
name: {en: "2026: the Senate decides", zh: "2026：参议院的抉择"}
extends: 2025-deepseek-shock
start: 2025Q1
end: 2026Q4
overrides:
  tension: {value: 55, reason: "the class starts tense"}
roles:
  us: {briefing: "Lead the US.", objectives: []}
  china: {briefing: "Lead China.", objectives: []}
injects:
  - {quarter: 2025Q3, headline: "Strait crisis.", add: {tension: 10}}
"""


@pytest.fixture
def store(tmp_path):
    s = RoomStore(tmp_path / "rooms.db")
    yield s
    s.close()


@pytest.fixture
def room(store):
    """(room id, codes, {role: Member}) of a fresh room."""
    rid, codes = store.open_room(SCENARIO, SEED)
    return rid, codes, {role: store.join(codes[role]) for role in ROLES}


def _moves(game: Game, seed: int = 3) -> dict[str, list[str]]:
    """Some legal, affordable moves for both sides (conftest.random_turn)."""
    return random_turn(game, random.Random(seed), p=0.5)


def _count(store: RoomStore, table: str) -> int:
    with sqlite3.connect(store.path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# ----------------------------------------------------------------------------- codes and roles


def test_open_gives_a_code_per_role_and_join_gives_the_member(store, room):
    rid, codes, m = room
    assert set(codes) == set(ROLES)
    for role in ROLES:
        assert m[role] == Member(rid, role, codes[role])
        assert store.join(codes[role].lower().replace("-", " ")) == m[role]  # as a person types it
    v = store.view(m["us"])
    assert (v.room, v.scenario, v.seed, v.quarter, v.turns, v.over) == (
        rid,
        SCENARIO,
        SEED,
        "2025Q1",
        0,
        False,
    )
    assert v.committed == {"us": False, "china": False}
    assert v.my_moves is None and v.pending is None and v.injects is None and v.journal == []
    f = store.view(m["facilitator"])
    assert f.pending == {} and f.injects == [] and f.my_moves is None and not f.revealed
    assert store.rooms() == [rid]


def test_codes_are_random_and_differ_between_roles_and_rooms(store):
    rooms = [store.open_room(SCENARIO, SEED) for _ in range(4)]
    ids = [rid for rid, _codes in rooms]
    codes = [c for _rid, cs in rooms for c in cs.values()]
    assert len(set(ids)) == 4 and all(rid.isalnum() and len(rid) <= 8 for rid in ids)
    assert len(set(codes)) == len(codes) == 12
    for c in codes:
        raw = c.replace("-", "")
        assert len(raw) >= 8 and set(raw) <= set(CODE_ALPHABET)
    assert store.rooms() == ids
    # the database keeps a hash of each code, never the code
    with sqlite3.connect(store.path) as db:
        dump = "\n".join(db.iterdump())
    assert not any(c in dump or c.replace("-", "") in dump for c in codes)


@pytest.mark.parametrize(
    "code", ["AAAA-AAAA", "", "   ", "K7QX-2MP", "K7QX-2MPD0", "x" * 10_000, None, 12345678]
)
def test_a_wrong_code_is_denied(store, room, code):
    with pytest.raises(AccessDenied, match="unknown or revoked code"):
        store.join(code)


def test_another_rooms_code_or_a_forged_member_is_denied(store, room):
    rid, codes, m = room
    rid2, codes2 = store.open_room(SCENARIO, SEED)
    us2 = store.join(codes2["us"])
    forged = [
        Member(rid, "us", codes2["us"]),  # a code of another room
        Member(rid2, "us", codes["us"]),  # this code, another room
        Member(rid, "china", codes["us"]),  # the US code, China's role
        Member(rid, "facilitator", codes["us"]),  # a team's code as the facilitator
        Member(rid, "us", "AAAA-AAAA"),
        (rid, "us", codes["us"]),  # not a Member
    ]
    for who in forged:
        with pytest.raises(AccessDenied):
            store.view(who)
        with pytest.raises(AccessDenied):
            store.game(who)
        with pytest.raises(AccessDenied):
            store.commit(who, [])
    with pytest.raises(AccessDenied):
        store.force(Member(rid, "facilitator", codes2["facilitator"]))
    assert not store.view(m["facilitator"]).committed["us"]
    assert not store.view(us2).committed["us"]


def test_a_revoked_code_is_refused_from_then_on(store, room):
    rid, codes, m = room
    before = store.view(m["facilitator"]).version
    new = store.revoke(m["facilitator"], "us")
    assert new != codes["us"] and len(new.replace("-", "")) == 8
    for call in (lambda: store.join(codes["us"]), lambda: store.view(m["us"])):
        with pytest.raises(AccessDenied, match="unknown or revoked code"):
            call()
    with pytest.raises(AccessDenied):
        store.commit(m["us"], [])
    us = store.join(new)
    assert us == Member(rid, "us", new)
    assert store.view(us).version == before + 1
    assert store.commit(us, []) is False
    store.view(m["china"])  # the other codes still work
    with pytest.raises(RoomError, match="unknown role"):
        store.revoke(m["facilitator"], "referee")


def test_a_team_may_not_act_as_the_facilitator(store, room, tmp_path):
    rid, codes, m = room
    for side in ("us", "china"):
        team = m[side]
        calls = (
            (store.inject, team, {"headline": "A raid.", "add": {"tension": 5}}),
            (store.force, team),
            (store.reveal, team, True),
            (store.revoke, team, "china"),
            (store.revoke, team, side),
            (store.export, team, tmp_path / "x.json"),
        )
        for fn, *args in calls:
            with pytest.raises(AccessDenied, match="only the facilitator"):
                fn(*args)
    with pytest.raises(AccessDenied, match="only a team"):
        store.commit(m["facilitator"], [])
    assert not (tmp_path / "x.json").exists()
    v = store.view(m["facilitator"])
    assert v.version == 1 and v.injects == [] and not v.revealed and v.turns == 0


# ----------------------------------------------------------------------------- playing


def test_the_quarter_resolves_only_when_both_sides_commit(store, room):
    rid, codes, m = room
    moves = _moves(store.game(m["us"]))
    assert store.commit(m["us"], moves["us"]) is False
    us, cn, f = (store.view(m[r]) for r in ROLES)
    assert us.committed == cn.committed == f.committed == {"us": True, "china": False}
    assert us.my_moves == moves["us"] and us.turns == 0 and us.version == 2
    # China sees that the US has committed, never what
    assert cn.my_moves is None and cn.pending is None and cn.journal == []
    assert f.pending == {"us": moves["us"]}
    with pytest.raises(RoomError, match="already committed"):
        store.commit(m["us"], [])
    assert store.commit(m["china"], moves["china"]) is True
    v = store.view(m["us"])
    assert (v.turns, v.quarter, v.committed, v.my_moves) == (
        1,
        "2025Q2",
        {"us": False, "china": False},
        None,
    )
    assert v.version == 3
    rec = store.game(m["china"]).history[0]
    assert (rec["us"], rec["china"]) == (moves["us"], moves["china"])


def test_a_commit_checked_on_a_snapshot_is_checked_again_when_the_room_changed(
    store, room, monkeypatch
):
    """The engine's work is done outside the write lock; when another process commits between
    the snapshot and the write, the commit is played again on the room as it is now."""
    rid, codes, m = room
    moves = _moves(store.game(m["us"]))
    other = RoomStore(store.path)  # another process, say
    plan = store._plan_commit
    calls = []

    def then_china_commits(db, member, mv, journal):
        out = plan(db, member, mv, journal)
        if not calls:
            other.commit(m["china"], moves["china"])
        calls.append(out)
        return out

    monkeypatch.setattr(store, "_plan_commit", then_china_commits)
    try:
        assert store.commit(m["us"], moves["us"]) is True  # it saw China's commit after all
        assert len(calls) == 2 and calls[0].theirs is None and calls[1].theirs is not None
        rec = other.game(m["facilitator"]).history[0]
        assert (rec["us"], rec["china"]) == (moves["us"], moves["china"])

        # a commit whose snapshot saw no commit of its own is refused when one came meanwhile
        def then_us_commits_elsewhere(db, member, mv, journal):
            out = plan(db, member, mv, journal)  # the snapshot: the US has not committed
            if not calls:
                calls.append(other.commit(m["us"], []))
            return out

        calls.clear()
        monkeypatch.setattr(store, "_plan_commit", then_us_commits_elsewhere)
        with pytest.raises(RoomError, match="already committed"):
            store.commit(m["us"], ["rasa_push"])
        assert store.view(m["us"]).my_moves == [] and calls == [False]
    finally:
        other.close()


def test_the_facilitator_forces_the_quarter_and_the_missing_side_holds(store, room):
    rid, codes, m = room
    moves = _moves(store.game(m["us"]))
    store.commit(m["china"], moves["china"])
    store.force(m["facilitator"])
    g = store.game(m["facilitator"])
    assert [(r["us"], r["china"]) for r in g.history] == [([], moves["china"])]
    store.force(m["facilitator"])  # neither side committed: both hold
    assert store.view(m["us"]).turns == 2
    assert store.game(m["us"]).history[1]["us"] == store.game(m["us"]).history[1]["china"] == []


def test_an_illegal_move_is_refused_with_the_engines_reason_and_nothing_is_written(store, room):
    rid, codes, m = room
    direct = new_game(SCENARIO, SEED)
    for moves in (["ascend_rampup"], ["no_such_move"], ["h200_exports:nonsense"]):
        with pytest.raises(IllegalMove) as engine:
            direct.clone().play_turn({"us": moves})
        with pytest.raises(RoomError) as refused:
            store.commit(m["us"], moves, {"rationale": "try", "prediction": None})
        assert str(refused.value) == str(engine.value)
    for bad in ("rasa_push", [1, 2], None):
        with pytest.raises(RoomError, match="list of move strings"):
            store.commit(m["us"], bad)
    with pytest.raises(RoomError, match="unknown meter"):
        store.commit(m["us"], [], {"rationale": "x", "prediction": {"meter": "nope", "value": 1}})
    with pytest.raises(RoomError, match="must be a number"):
        store.commit(m["us"], [], {"prediction": {"meter": "score", "value": float("nan")}})
    v = store.view(m["facilitator"])
    assert v.version == 1 and v.committed == {"us": False, "china": False} and v.journal == []
    assert _count(store, "pending") == _count(store, "journal") == 0
    assert store.commit(m["us"], ["hold"]) is False  # and a legal one still goes in
    assert store.view(m["us"]).my_moves == []


def test_injects_are_recorded_in_the_turn_and_replay(store, room):
    rid, codes, m = room
    f = m["facilitator"]
    direct = new_game(SCENARIO, SEED)
    event = next(e.id for e in direct.event_catalogue() if e.ready)
    custom = {"headline": "The facilitator announces a raid.", "add": {"tension": 7}}
    store.inject(f, {"event": event})
    store.inject(f, custom)
    with pytest.raises(RoomError, match="fired twice"):
        store.inject(f, {"event": event})
    with pytest.raises(RoomError, match="inject 3"):
        store.inject(f, {"headline": "x", "add": {"no_such_lever": 1}})
    v = store.view(f)
    assert v.injects == [
        {"event": event},
        {"headline": custom["headline"], "add": {"tension": 7.0}},
    ]
    assert v.version == 3 and store.view(m["us"]).injects is None
    played = []
    for q in range(3):
        moves = _moves(store.game(m["us"]), seed=q)
        store.commit(m["us"], moves["us"])
        store.commit(m["china"], moves["china"])
        played.append(moves)
    assert store.view(f).injects == []
    direct.play_turn(played[0], injects=[{"event": event}, custom])
    for moves in played[1:]:
        direct.play_turn(moves)
    g = store.game(f)
    assert g.history[0]["injects"] == v.injects and g.history[1]["injects"] == []
    assert g.digest() == direct.digest()
    assert g.history == direct.history


def test_the_journal_is_scored_when_the_quarter_resolves(store, room):
    rid, codes, m = room
    before = store.game(m["us"]).meters["score"]
    store.commit(
        m["us"],
        [],
        {"rationale": "  hold the line\n", "prediction": {"meter": "score", "value": before + 5}},
    )
    store.commit(m["china"], [], {"rationale": "wait", "prediction": None})
    after = store.game(m["us"]).meters["score"]
    (us,) = store.view(m["us"]).journal
    assert us["quarter"] == "2025Q1" and us["side"] == "us" and us["rationale"] == "hold the line"
    assert us["prediction"] == {"meter": "score", "value": before + 5, "before": before}
    assert us["actual"] == pytest.approx(after)
    assert us["error"] == pytest.approx(abs(after - before - 5))
    assert us["direction_right"] == (after > before)
    (cn,) = store.view(m["china"]).journal
    assert cn["side"] == "china" and cn["prediction"] is None and "actual" not in cn
    assert [e["side"] for e in store.view(m["facilitator"]).journal] == ["us", "china"]


def test_a_finished_game_takes_no_more_moves(store):
    rid, codes = store.open_room("2025-backtest", 5)
    f, us = store.join(codes["facilitator"]), store.join(codes["us"])
    while not store.view(f).over:
        store.force(f)
    v = store.view(us)
    assert v.over and v.turns == len(store.game(us).history) and v.quarter == store.game(us).quarter
    for call in (
        lambda: store.commit(us, []),
        lambda: store.force(f),
        lambda: store.inject(f, {"headline": "late", "add": {"tension": 1}}),
    ):
        with pytest.raises(RoomError, match="the game is over"):
            call()


def test_reveal_is_the_facilitators_switch(store, room):
    rid, codes, m = room
    store.reveal(m["facilitator"], True)
    assert store.view(m["us"]).revealed and store.view(m["us"]).version == 2
    store.reveal(m["facilitator"], True)  # no change, no new version
    assert store.view(m["china"]).version == 2
    store.reveal(m["facilitator"], False)
    assert not store.view(m["china"]).revealed


# ----------------------------------------------------------------------------- files


def _play_two_quarters(store, m) -> None:
    store.inject(m["facilitator"], {"headline": "A raid.", "add": {"tension": 5}})
    for q in range(2):
        moves = _moves(store.game(m["us"]), seed=10 + q)
        store.commit(
            m["us"],
            moves["us"],
            {"rationale": f"us {q}", "prediction": {"meter": "score", "value": 1}},
        )
        store.commit(m["china"], moves["china"], {"rationale": f"cn {q}", "prediction": None})
    # a third quarter half committed: its rationale is not exported with the quarters played
    store.commit(m["us"], [], {"rationale": "pending", "prediction": None})


def test_an_export_is_a_save_that_loads_to_the_same_game(store, room, tmp_path):
    from game.tui.session import Session

    rid, codes, m = room
    _play_two_quarters(store, m)
    path = store.export(m["facilitator"], tmp_path / "out" / "room.json", side="china")
    want = store.game(m["facilitator"]).digest()
    assert load_game(path).digest() == want
    s = Session.load(path, save_dir=tmp_path)
    assert s.game.digest() == want and s.side == "china" and s.hotseat and s.facilitator
    assert [e["rationale"] for e in s.journal] == ["us 0", "cn 0", "us 1", "cn 1"]
    assert all("actual" in e for e in s.journal if e["prediction"])
    assert s.game.history[0]["injects"] == [{"headline": "A raid.", "add": {"tension": 5.0}}]
    with pytest.raises(RoomError, match="unknown side"):
        store.export(m["facilitator"], tmp_path / "y.json", side="both")
    with pytest.raises(RoomError, match="cannot save"):
        store.export(m["facilitator"], tmp_path / "out" / "room.json" / "x.json")


@pytest.mark.slow  # the debrief's forecasts (~0.2 s)
def test_g2_report_renders_an_export(store, room, tmp_path):
    from game.analysis.debrief import report

    rid, codes, m = room
    _play_two_quarters(store, m)
    path = store.export(m["facilitator"], tmp_path / "room.json")
    text = report(path, "md", n=4)
    assert "us 1" in text and "cn 0" in text


def test_a_room_on_a_scenario_file_keeps_the_file(store, tmp_path):
    rid, codes = store.open_room("", 4, scenario_file=("senate.yaml", CLASS))
    f = store.join(codes["facilitator"])
    assert store.view(f).scenario == "room-class"
    store.force(f)
    gd, sid = load_scenario_text(CLASS, "senate.yaml")
    direct = Game(sid, 4, gd)
    direct.play_turn({})
    assert store.game(f).digest() == direct.digest()
    again = RoomStore(store.path)  # the text comes from the database
    assert again.game(f).digest() == direct.digest()
    again.close()
    path = store.export(f, tmp_path / "class.json")
    assert load_game(path).digest() == direct.digest()
    with pytest.raises(RoomError, match="not 2025-backtest"):
        store.open_room("2025-backtest", scenario_file=("senate.yaml", CLASS))
    with pytest.raises(RoomError, match="senate.yaml"):
        store.open_room("", scenario_file=("senate.yaml", CLASS.replace("extends:", "extend:")))


def test_a_bad_room_is_refused(store):
    with pytest.raises(RoomError, match="unknown scenario"):
        store.open_room("no-such-scenario")
    for seed in (-1, 2**64, 1.5, True, "7"):
        with pytest.raises(RoomError, match="seed"):
            store.open_room(SCENARIO, seed)
    with pytest.raises(RoomError, match="name and its text"):
        store.open_room("", scenario_file=("x.yaml",))
    assert store.rooms() == []
    rid, _codes = store.open_room(SCENARIO, 2**64 - 1)  # the largest seed a save holds
    assert store.view(store.join(_codes["us"])).seed == 2**64 - 1


def test_a_restarted_store_sees_everything(store, room):
    rid, codes, m = room
    moves = _moves(store.game(m["us"]))
    store.commit(m["us"], moves["us"], {"rationale": "r", "prediction": None})
    store.inject(m["facilitator"], {"headline": "A raid.", "add": {"tension": 5}})
    store.reveal(m["facilitator"], True)
    seen = {role: store.view(m[role]) for role in ROLES}
    again = RoomStore(store.path)
    try:
        assert again.rooms() == [rid]
        members = {role: again.join(codes[role]) for role in ROLES}
        assert members == m
        assert {role: again.view(m[role]) for role in ROLES} == seen
        assert again.commit(m["china"], moves["china"]) is True
        # the first store (another process, say) sees the quarter resolved
        assert store.view(m["us"]).turns == 1
        assert store.game(m["us"]).digest() == again.game(m["china"]).digest()
        assert store.commit(m["us"], []) is False
        with pytest.raises(RoomError, match="already committed"):
            again.commit(m["us"], [])
    finally:
        again.close()


def test_the_database_is_in_wal_mode_with_a_busy_timeout(store, room):
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_a_file_that_is_not_a_rooms_database_is_refused(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(RoomError, match="cannot be used"):
        RoomStore(bad)


def test_the_default_database_path(monkeypatch, tmp_path):
    monkeypatch.setenv("G2_ROOMS_DB", str(tmp_path / "class.db"))
    assert default_db_path() == tmp_path / "class.db"
    monkeypatch.delenv("G2_ROOMS_DB")
    monkeypatch.setenv("G2_SAVES", str(tmp_path / "saves"))
    assert default_db_path() == tmp_path / "saves" / "rooms.db"
