"""Generate tests/data/golden_save.json and golden_save_v2.json once (run by hand, never at test
time):

    uv run python tests/data/make_golden_save.py

golden_save.json is a fixed six-quarter game (seed 11, save schema 1) with its expected meters in
`extra`; the golden replay test loads it and checks the digest and meters. golden_save_v2.json
(schema 2) is a game on a teacher's scenario file (SCENARIO_FILE below, embedded in the save:
`moves:`, `victory:`, {en, zh} text and an `event` inject) with the facilitator's injects in its
history. Regenerate them only when a change to the engine or data/ is meant to change how games
play, and say so in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path

from game import new_game
from game.engine.api import Game
from game.engine.data import load_scenario_text

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
OUT_V2 = Path(__file__).with_name("golden_save_v2.json")
SEED_V2 = 23
SCENARIO_FILE = """\
id: golden-class
name: {en: "Golden class", zh: "黄金课堂"}
extends: 2025-deepseek-shock
start: 2025Q1
end: 2026Q4
briefing: {en: "A fixed class game for the golden replay.", zh: "用于黄金回放测试的固定课堂推演。"}
moves:
  us: [h200_exports, rasa_push, stargate_tranche, chip_subsidy]
  china: [h200_imports, ascend_rampup, neocloud_access, efficiency_drive]
roles:
  us: {briefing: {en: "Lead.", zh: "领先。"}, objectives: [{en: "Win by 5.", zh: "赢 5 分。"}]}
victory: {margin: 5}
injects:
  - {quarter: 2025Q2, headline: {en: "A scripted flare-up.", zh: "预设的摩擦。"}, add: {tension: 5}}
  - {quarter: 2025Q3, event: hbm_shortage}
"""
MOVES_V2 = [
    {"us": ["h200_exports:case_by_case", "rasa_push"], "china": ["ascend_rampup"]},
    {"us": ["stargate_tranche"], "china": ["neocloud_access:on", "efficiency_drive"]},
    {"us": ["rasa_push"], "china": ["h200_imports:approved_buyers"]},
    {"us": [], "china": ["ascend_rampup"]},
    {"us": ["chip_subsidy"], "china": []},
]
# the facilitator's injects, by quarter index
INJECTS_V2 = {
    1: [{"event": "trade_truce"}],
    2: [{"headline": "The facilitator announces a chip-smuggling raid.", "add": {"tension": 7}}],
    3: [
        {"event": "deepseek_moment"},
        {
            "headline": "Export licences frozen.",
            "set": {"h200_exports": "deny"},
            "mul": {"tension": 1.1},
        },
    ],
}


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
    # kept as a save of schema 1 (what G2 wrote before injects and scenario files), which must
    # still load: without those fields a schema-2 save is a schema-1 save
    body = json.loads(OUT.read_text(encoding="utf-8"))
    body["schema"] = 1
    OUT.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} (digest {g.digest()[:12]})")

    gd, sid = load_scenario_text(SCENARIO_FILE, "golden-class.yaml")
    g = Game(sid, SEED_V2, data=gd)
    for i, moves in enumerate(MOVES_V2):
        g.play_turn(moves, INJECTS_V2.get(i))
    extra = {
        "purpose": "golden replay fixture (schema 2) for tests/engine/test_scenario_authoring.py",
        "meters": {k: round(v, 6) for k, v in g.meters.items()},
        "policy": g.policy(),
        "events": [r["events"] for r in g.history],
    }
    g.save(OUT_V2, extra=extra)
    print(f"wrote {OUT_V2} (digest {g.digest()[:12]})")


if __name__ == "__main__":
    main()
