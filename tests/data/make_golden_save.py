"""Generate tests/data/golden_save.json once (run by hand, never at test time):

    uv run python tests/data/make_golden_save.py

The file is a fixed six-quarter game (seed 11) with its expected meters in `extra`; the golden
replay test loads it and checks the digest and meters. Regenerate it only when a change to the
engine or data/ is meant to change how games play, and say so in the commit.
"""

from __future__ import annotations

from pathlib import Path

from game import new_game

SEED = 11
SCENARIO = "2025-deepseek-shock"
MOVES = [
    {"us": ["h200_exports:case_by_case", "rasa_push"], "china": ["ascend_rampup"]},
    {"us": ["stargate_tranche"], "china": ["neocloud_access:on", "efficiency_drive"]},
    {"us": ["rasa_push", "summit"], "china": ["h200_imports:approved_buyers"]},
    {"us": [], "china": ["open_source:on", "ascend_rampup"]},
    {"us": ["block_cn_users:on", "anti_smuggling:on"], "china": ["decuda_push"]},
    {"us": ["chip_subsidy"], "china": ["retaliation", "talent_drive"]},
]
OUT = Path(__file__).with_name("golden_save.json")


def main() -> None:
    g = new_game(SCENARIO, seed=SEED)
    for moves in MOVES:
        g.play_turn(moves)
    extra = {
        "purpose": "golden replay fixture for tests/engine/test_saves.py; see make_golden_save.py",
        "meters": {k: round(v, 6) for k, v in g.meters.items()},
        "policy": g.policy(),
        "events": [r["events"] for r in g.history],
    }
    g.save(OUT, extra=extra)
    print(f"wrote {OUT} (digest {g.digest()[:12]})")


if __name__ == "__main__":
    main()
