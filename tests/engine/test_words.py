"""The API speaks words: move options carry labels, a stance's current option comes in words, any
move string turns into words, and refusals name options in words."""

from __future__ import annotations

from game import new_game


def _move(g, side, mid):
    return next(m for m in g.moves(side) if m.id == mid)


def test_options_and_the_current_stance_in_words():
    g = new_game(seed=1)
    h200 = _move(g, "us", "h200_exports")
    assert [(o.name, o.label) for o in h200.options] == [
        ("deny", "deny"),
        ("case_by_case", "case-by-case review"),
        ("open", "open sales"),
    ]
    assert h200.current == "deny" and h200.current_label == "deny"
    g.play_turn({"us": ["anti_smuggling:on"], "china": ["h200_imports:approved_buyers"]})
    assert _move(g, "us", "anti_smuggling").current_label == "location checks enforced"
    assert _move(g, "china", "h200_imports").current_label == "approved buyers only"
    assert _move(g, "us", "rasa_push").current_label is None  # a one-off move has no stance
    for side in ("us", "china"):
        for m in g.legal_moves(side):
            assert all(o.label and "_" not in o.label for o in m.options), m.id
            if m.options:
                assert m.current_label and "_" not in m.current_label, m.id


def test_game_move_label():
    g = new_game(seed=1)
    assert g.move_label("h200_exports:case_by_case") == "H200 export policy: case-by-case review"
    assert g.move_label("rasa_push") == "Push the Remote Access Security Act"
    assert g.move_label("nonsense:x") == "nonsense:x"
    r = g.play_turn({"us": ["h200_exports:case_by_case", "rasa_push"]})
    assert [g.move_label(m) for m in r.moves["us"]] == [
        "H200 export policy: case-by-case review",
        "Push the Remote Access Security Act",
    ]


def test_a_refusal_names_the_option_in_words():
    g = new_game(seed=1)
    anti = _move(g, "us", "anti_smuggling")
    off = next(o for o in anti.options if o.name == "off")
    assert not off.legal and off.reason == "no location checks is already the policy"
