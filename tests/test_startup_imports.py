"""The first screen starts light: importing it, and drawing it, loads neither numpy nor the engine
(each checked in a fresh interpreter, as harlequin's import-hygiene test does); the light scenario
index it shows agrees with the engine's full data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from game.engine.data import load_data
from game.tui.screens.newgame import scenario_cards

HEAVY = ["numpy", "game.engine.api", "game.engine.model", "game.tui.session", "game.ai.planner"]


def loaded_after(code: str) -> set[str]:
    """The modules of HEAVY that a fresh interpreter has imported after running `code`."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", ["game.tui.screens.newgame", "game.tui.app", "game.ai.catalog"])
def test_importing_the_first_screen_does_not_import_numpy_or_the_engine(module):
    assert loaded_after(f"import {module}") == set()


def test_the_first_screen_is_drawn_before_the_engine_loads():
    code = """
from game.tui.app import G2App
from game.tui.screens.newgame import NewGameScreen
NewGameScreen.ENGINE_DELAY = 600  # the engine would load long after this run
async def ready(pilot):
    await pilot.pause()
    assert type(pilot.app.screen) is NewGameScreen
    assert "DeepSeek" in str(pilot.app.screen.query_one("#briefing").content)
    pilot.app.exit()
G2App().run(headless=True, size=(80, 24), auto_pilot=ready)
"""
    assert loaded_after(code) == set()


def test_the_probe_sees_numpy_when_it_is_imported():
    """The check above is not vacuous."""
    assert "numpy" in loaded_after("import numpy")


def test_the_scenario_index_agrees_with_the_full_data():
    full = {k: v for k, v in load_data().scenarios.items() if not k.startswith("calib-")}
    cards = scenario_cards()
    assert list(cards) == list(full)  # the same scenarios, in the same order
    for sid, card in cards.items():
        sc = full[sid]
        assert (card.name, card.briefing, card.start, card.end) == (
            sc.name,
            sc.briefing,
            sc.start,
            sc.end,
        ), sid
        assert card.quarters == sc.quarters
