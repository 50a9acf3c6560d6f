"""Remembered preferences: saved as JSON in $G2_CONFIG_DIR/settings.json, written atomically, and a
file that cannot be used gives the defaults and is never overwritten without a word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.tui import prefs


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("G2_CONFIG_DIR", str(folder))
    return folder


def test_the_tour_is_not_done_until_it_is_remembered(config):
    assert prefs.get(prefs.TOUR_DONE) is False
    assert prefs.load_prefs() == {"tour_done": False}
    assert not config.exists()  # reading writes nothing
    assert prefs.set(prefs.TOUR_DONE, True) is None
    assert prefs.get(prefs.TOUR_DONE) is True
    assert json.loads((config / "settings.json").read_text(encoding="utf-8")) == {"tour_done": True}


def test_set_keeps_the_other_settings_and_save_prefs_replaces_them(config):
    assert prefs.set("theme", "dark") is None
    assert prefs.set(prefs.TOUR_DONE, True) is None
    assert prefs.load_prefs() == {"theme": "dark", "tour_done": True}
    prefs.save_prefs({"theme": "light"})
    assert prefs.load_prefs() == {"theme": "light", "tour_done": False}
    assert [p.name for p in config.iterdir()] == ["settings.json"]  # no temp file left


def test_get_gives_the_default_for_a_value_of_the_wrong_type(config):
    config.mkdir()
    (config / "settings.json").write_text('{"tour_done": "yes", "width": 2}', encoding="utf-8")
    assert prefs.get(prefs.TOUR_DONE) is False
    assert prefs.get("width", 1.5) == 2
    assert prefs.get("missing", "x") == "x" and prefs.get("missing") is None


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"{ not json", "not valid JSON"),
        (b"[1, 2]", "does not hold a JSON object but a list"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[" * 100_000, "too big"),
        (b'{"a": ' * 5000, "not valid JSON"),
    ],
)
def test_a_corrupt_file_gives_the_defaults_and_is_never_overwritten(config, content, phrase):
    config.mkdir()
    path = config / "settings.json"
    path.write_bytes(content)
    assert prefs.load_prefs() == prefs.DEFAULTS
    assert phrase in prefs.problem()
    why = prefs.set(prefs.TOUR_DONE, True)
    assert why and phrase in why and "\n" not in why
    with pytest.raises(prefs.PrefsError, match="fix or remove it"):
        prefs.save_prefs({"tour_done": True})
    assert path.read_bytes() == content


def test_a_folder_or_a_fifo_in_place_of_the_file_gives_the_defaults(config):
    config.mkdir()
    (config / "settings.json").mkdir()
    assert prefs.load_prefs() == prefs.DEFAULTS and "not a regular file" in prefs.problem()
    assert "not a regular file" in prefs.set("x", 1)
    os.rmdir(config / "settings.json")
    if hasattr(os, "mkfifo"):
        os.mkfifo(config / "settings.json")  # reading a FIFO would block: it is never opened
        assert prefs.load_prefs() == prefs.DEFAULTS and "not a regular file" in prefs.problem()


def test_an_unwritable_folder_is_reported_not_raised(config, tmp_path):
    config.parent.mkdir(exist_ok=True)
    config.write_text("a file where the folder should be", encoding="utf-8")
    assert prefs.load_prefs() == prefs.DEFAULTS
    why = prefs.set(prefs.TOUR_DONE, True)
    assert why and "cannot save settings" in why and "\n" not in why


def test_values_that_are_not_json_are_refused(config):
    with pytest.raises(prefs.PrefsError, match="JSON values"):
        prefs.save_prefs({"x": {1, 2}})
    assert "JSON values" in prefs.set("x", float("nan"))
    assert not (config / "settings.json").exists()


def test_the_default_folder_is_the_platforms_config_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("G2_CONFIG_DIR", raising=False)
    want = Path(platformdirs.user_config_dir("g2", appauthor=False)) / "settings.json"
    assert prefs.settings_path() == want


def test_prefs_do_not_import_textual_or_numpy():
    code = "import sys, game.tui.prefs; print('textual' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
