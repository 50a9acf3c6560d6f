"""A team's session in a room, without the screens: it commits to the room and waits for the other
team in a thread (as in the war room's worker), replays the room's quarter on its own copy and
reads the same result; a quarter the facilitator closed is caught up; a revoked code stops it."""

from __future__ import annotations

import threading

import pytest

from game.rooms.session import RoomSession, catch_up, rebuild, scored_journal
from game.rooms.store import AccessDenied, RoomError


def sessions(store, codes):
    return [
        RoomSession.join(store, store.join(codes[s]), poll_seconds=0.005) for s in ("us", "china")
    ]


def test_a_team_commits_waits_for_the_other_and_both_read_the_same_quarter(store, room):
    _rid, codes = room
    us, china = sessions(store, codes)
    us.note_journal("us", "hold", "capability_gap_months", 6.0)
    out = {}
    waiting = threading.Thread(target=lambda: out.setdefault("us", us.resolve([])))
    waiting.start()
    while not store.view(china.member).committed["us"]:
        threading.Event().wait(0.002)
    assert waiting.is_alive()  # the US waits for China
    r = china.resolve([])
    waiting.join(5)
    assert out["us"].quarter == r.quarter == "2025Q1"
    assert out["us"].meters == r.meters
    assert us.game.digest() == china.game.digest() == store.game(us.member).digest()
    assert us.journal[0]["rationale"] == "hold" and "error" in us.journal[0]
    assert china.journal == []  # a team reads its own journal only
    assert not us.hotseat and us.journal_on and us.agent is None
    assert us.autosave() is None and us.unsaved_summary(["x"]) is None
    with pytest.raises(ValueError, match="cannot be taken back"):
        us.take_back()


def test_a_quarter_the_facilitator_closed_is_caught_up_and_the_missing_side_held(store, room):
    _rid, codes = room
    us, china = sessions(store, codes)
    fac = store.join(codes["facilitator"])
    store.commit(us.member, [])
    store.force(fac)
    china.refresh()
    assert china.behind and not china.committed
    r = china.catch_up()
    assert r.quarter == "2025Q1" and r.moves["china"] == []
    assert not china.behind and china.game.digest() == store.game(fac).digest()
    with pytest.raises(RoomError, match="was closed before your moves arrived"):
        us.resolve([])  # planned against the quarter that is gone


def test_a_revoked_code_stops_a_waiting_team(store, room):
    _rid, codes = room
    us = sessions(store, codes)[0]
    store.revoke(store.join(codes["facilitator"]), "us")
    with pytest.raises(AccessDenied):
        us.wait()


def test_a_stopped_session_stops_waiting(store, room):
    _rid, codes = room
    us = sessions(store, codes)[0]
    us.stop()
    assert us.wait() is None


def test_catch_up_replays_what_it_lacks_and_rebuilds_a_copy_that_went_astray(store, room):
    _rid, codes = room
    fac = store.join(codes["facilitator"])
    store.inject(fac, {"headline": "News", "add": {"tension": 5}})
    store.force(fac)
    store.force(fac)
    room_game = store.game(fac)
    mine, results = rebuild(room_game)
    assert [r.quarter for r in results] == ["2025Q1", "2025Q2"]
    assert results[0].events[0].headline == "News"
    assert mine.digest() == room_game.digest()
    astray, _r = rebuild(room_game)
    astray.history[0]["us"] = ["something-else"]  # not the room's quarter
    back, again = catch_up(astray, room_game)
    assert back is not astray and len(again) == 2


def test_the_journal_is_scored_as_the_report_reads_it(store, room):
    _rid, codes = room
    us = sessions(store, codes)[0]
    g = us.game
    before = g.meters["tension"]
    entries = [
        {"quarter": "2025Q1", "side": "us", "rationale": "r", "prediction": None},
        {"quarter": "2025Q1", "side": "china", "prediction": {"meter": "tension", "value": 99}},
        {"quarter": "nonsense", "side": "martians"},
    ]
    out = scored_journal(entries, g)
    assert len(out) == 2 and out[1]["prediction"]["before"] == before
    assert "actual" not in out[1]  # not played yet
    g.play_turn({"us": [], "china": []})
    scored = scored_journal(entries, g)[1]
    assert scored["actual"] == g.meters["tension"]
    assert scored["error"] == abs(99 - g.meters["tension"])
    assert scored["direction_right"] == (g.meters["tension"] > before)


def test_a_page_that_guesses_codes_waits_longer_after_each_wrong_one(store, room, monkeypatch):
    import game.rooms.app as room_app
    from game.rooms.app import FREE_TRIES, RoomApp

    clock = [1000.0]
    monkeypatch.setattr(room_app.time, "monotonic", lambda: clock[0])
    rid, codes = room
    app = RoomApp(store)
    app.enter = lambda member: None  # no screens here: only the door
    for _ in range(FREE_TRIES):
        assert "unknown" in app.join("AAAA-AAAA")
    # the third wrong code starts the waits: 1 s, then 2, 4 ... (the right code waits too)
    assert app.join(codes["us"]).startswith("Too many wrong codes: try again in 1 s")
    clock[0] += 1.01
    assert "unknown" in app.join("AAAA-AAAB")
    assert "try again in 2 s" in app.join("AAAA-AAAC")
    clock[0] += 2.01
    assert app.join(codes["us"]) is None  # waited: the right code gets in


def test_catching_up_with_nothing_new_has_no_report_to_show_again(store, room):
    _rid, codes = room
    us, china = sessions(store, codes)
    store.commit(us.member, [])
    store.commit(china.member, [])
    assert china.catch_up().quarter == "2025Q1"
    assert china.catch_up() is None  # the room has played nothing since: no report again
