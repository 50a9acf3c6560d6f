"""The engine is headless: importing and running it never pulls in the terminal UI stack."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import sys
    import game
    import game.engine, game.engine.api, game.engine.model, game.engine.runner
    import game.analysis.calibrate, game.engine.data, game.engine.plans, game.engine.yamlsrc
    from game import new_game
    g = new_game("2025-deepseek-shock", seed=1)
    r = g.play_turn({"us": ["rasa_push"], "china": ["ascend_rampup"]})
    assert r.quarter == "2025Q1"
    from game.analysis.calibrate import load_targets
    load_targets()
    bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
    print("UI-MODULES:", ",".join(bad))
    """
)


def test_engine_does_not_import_the_ui():
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("UI-MODULES:"))
    assert line == "UI-MODULES: ", f"the engine imported UI modules: {line}"


def test_engine_sources_do_not_mention_the_ui():
    for path in sorted((ROOT / "game" / "engine").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for word in ("import textual", "from textual", "import rich", "from rich"):
            assert word not in text, f"{path.name} has {word!r}"
