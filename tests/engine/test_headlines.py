"""Headlines fit the game: a recurring event's nth firing carries its nth headline, worded as a
recurrence (the last repeats), a state-dependent report never contradicts the state (clouds do not
act "before any rule exists" once RASA's rules fire), and choosing the text draws no dice."""

from __future__ import annotations

from game import new_game


def _play(seed: int, quarters: int, us=(), china=()):
    """(game, [(quarter result, rasa stage after it)]) of a game with the same moves every quarter."""
    g = new_game(seed=seed)
    out = []
    for _ in range(quarters):
        if g.over:
            break
        mv = {
            "us": [m for m in us if m in {i for x in g.legal_moves("us") for i in x.ids()}],
            "china": [
                m for m in china if m in {i for x in g.legal_moves("china") for i in x.ids()}
            ],
        }
        r = g.play_turn(mv)
        out.append((r, g.data.levers["rasa_stage"].options.index(g.policy()["rasa_stage"])))
    return g, out


def test_the_nth_firing_carries_the_nth_headline():
    ev = next(e for e in new_game(seed=0).data.events if e.id == "hbm_shortage")
    assert len(ev.headlines) >= 3 and "again" in ev.headlines[1]
    best = 0
    for seed in range(40):
        _, out = _play(seed, 16, china=["ascend_rampup"])
        shown = [e.headline for r, _ in out for e in r.events if e.id == "hbm_shortage"]
        want = [ev.headlines[min(i, len(ev.headlines) - 1)] for i in range(len(shown))]
        assert shown == want, seed
        best = max(best, len(shown))
        if best > len(ev.headlines):
            break
    assert best >= len(ev.headlines) + 1  # some game ran past the list: the last one repeated


def test_every_recurring_event_reads_as_a_recurrence_after_the_first(gd):
    for ev in gd.events:
        if ev.once or not ev.headlines:
            continue
        assert len(set(ev.headlines)) == len(ev.headlines), ev.id
        for text in ev.headlines[1:]:
            low = text.lower()
            assert any(w in low for w in ("again", "another", "more", "second", "return", "yet")), (
                ev.id,
                text,
            )


def test_cloud_chill_never_contradicts_rasa():
    both = 0
    for seed in range(120):
        _, out = _play(seed, 16, us=["rasa_push"])
        for r, stage in out:
            chill = [e.headline for e in r.events if e.id == "cloud_chill"]
            if not chill:
                continue
            if stage >= 4:  # signed, or its rules took effect this quarter
                assert "before any rule exists" not in chill[0] and "RASA's" in chill[0], chill
            if stage >= 5:
                assert "in force" in chill[0], chill
            both += any(e.id == "rasa_rules" for e in r.events)
        if both >= 2:
            break
    assert both >= 1, "no game had the rules and the chill in one quarter: widen the search"


def test_headline_choice_is_text_only():
    """The same seed and moves give the same events and digest whatever headline is shown, and
    asking for a headline changes nothing."""
    g1, out1 = _play(3, 10, us=["rasa_push"], china=["ascend_rampup"])
    g2, out2 = _play(3, 10, us=["rasa_push"], china=["ascend_rampup"])
    assert [[e.headline for e in r.events] for r, _ in out1] == [
        [e.headline for e in r.events] for r, _ in out2
    ]
    before = g1.digest()
    for i in range(len(g1.data.events)):
        assert g1.event_headline(i)
    assert g1.digest() == before == g2.digest()
