"""The game in Simplified Chinese, driven through Pilot as a player would: no English on screen but
names (Nvidia's chips, RASA, CUDA …), the layout holding at 80×24 and 120×40, and back to English."""

from __future__ import annotations

import asyncio
import re

import pytest
from driving import drive, screen_text, settle  # tests/tui/driving.py

from game import i18n
from game.tui.screens.report import ReportScreen
from game.tui.screens.warroom import WarRoom
from game.tui.session import Session

# words that stay as the documents write them, and the keys' own names
NAMES = {
    "AI", "US", "CN", "H200", "H20", "H100", "B30A", "B300", "B300e", "B200", "RASA", "SAFE", "Chips",
    "Act", "CUDA", "HBM", "CoWoS", "TPP", "IFP", "BIS", "DeepSeek", "Stargate", "Nvidia", "Ascend",
    "Huawei", "EFLOPS", "PFLOPS", "GPU", "GPUs", "DRAM", "MLU", "Int4", "PyTorch", "TensorFlow",
    "Epoch", "Grok", "Kimi", "Hawley", "McGuire", "Lutnick", "Anthropic", "OpenAI", "SoftBank",
    "Oracle", "ByteDance", "Alibaba", "Tencent", "Cambricon", "Reuters", "Sequoia", "Bain",
    "enter", "esc", "tab", "ctrl", "shift", "space", "up", "down", "left", "right", "palette",
    "p10", "p90", "max", "min", "log", "DAU", "ChatGPT", "MacTOPS", "CHIPS", "Senate", "House",
    "Banking", "McCormick", "Wyden", "neocloud", "neoclouds", "Blackwell", "Hopper", "Section",
    "xH100", "Gbps", "TFLOPS",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")


def english_on(text: str) -> list[str]:
    """The words on screen that are English and not names: what a translation has missed."""
    return sorted(
        {
            w
            for w in WORD.findall(text)
            if w not in NAMES
            and not w[1:].isdigit()
            and not any(n.startswith(w) for n in NAMES)  # a name cut where Chinese text wraps
        }
    )


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.mark.slow  # with the full Chinese game and the Chinese snapshots, in .ci/run's slow set
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_a_quarter_in_chinese_shows_no_english_but_names(tmp_path, cheap_forecasts, chinese, size):
    s = Session.new("us", "2025-deepseek-shock", "pragmatist", seed=5, save_dir=tmp_path)
    seen: dict[str, list[str]] = {}

    async def play(app, pilot):
        assert isinstance(app.screen, WarRoom)
        seen["war room"] = english_on(screen_text(app))
        picker = app.screen.query_one("#moves")
        picker.focus()
        ids = [picker.get_option_at_index(i).id for i in range(picker.option_count)]
        picker.highlighted = ids.index("rasa_push")
        await settle(app, pilot)
        seen["preview"] = english_on(screen_text(app))
        await pilot.press("enter")
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        seen["report"] = english_on(str(app.screen.query_one("#report").render()))
        await pilot.press("enter")
        await pilot.pause()
        for key, name in (("s", "score"), ("o", "outlook"), ("question_mark", "help")):
            await pilot.press(key)
            await settle(app, pilot)
            seen[name] = english_on(screen_text(app))
            await pilot.press("escape")
            await pilot.pause()

    drive(play, s, size=size)
    left = {k: v for k, v in seen.items() if v}
    assert not left, f"English left on the Chinese screens: {left}"


@pytest.mark.slow
def test_switching_back_to_english_restores_every_word(tmp_path, cheap_forecasts):
    s = Session.new("china", "2025-deepseek-shock", "hawk", seed=6, save_dir=tmp_path)
    texts = {}

    async def look(app, pilot):
        await settle(app, pilot)
        texts[i18n.language()] = screen_text(app)

    for lang in ("zh", "en"):
        i18n.set_language(lang)
        drive(look, s, size=(120, 40))
    i18n.set_language("en")
    assert "领先分" in texts["zh"] or "美国" in texts["zh"]
    assert not re.search(r"[\u4e00-\u9fff]", texts["en"]), "Chinese left after switching back"
    assert "Meters" in texts["en"]


@pytest.mark.slow
def test_a_full_game_plays_in_chinese_at_80_by_24(tmp_path, cheap_forecasts, chinese):
    s = Session.new("us", "2025-deepseek-shock", "self-reliance", seed=8, save_dir=tmp_path)
    leaks: dict[str, list[str]] = {}

    async def play(app, pilot):
        while not app.session.over:
            assert isinstance(app.screen, WarRoom)
            words = english_on(screen_text(app))
            if words:
                leaks[app.session.game.quarter] = words
            await pilot.press("e")
            await settle(app, pilot)
            if isinstance(app.screen, ReportScreen):
                words = english_on(str(app.screen.query_one("#report").render()))
                if words:
                    leaks[f"report {app.session.game.quarter}"] = words
                await pilot.press("enter")
                await settle(app, pilot)
        await settle(app, pilot)
        words = english_on(screen_text(app))
        if words:
            leaks["game over"] = words

    drive(play, s, size=(80, 24))
    assert s.over
    assert not leaks, f"English left in a Chinese game: {leaks}"


@pytest.mark.slow
def test_the_new_game_screen_switches_language_and_remembers_it(tmp_path, monkeypatch):
    """The language button (or t) redraws the form in Chinese with every choice kept, saves the
    choice in the player's settings, and switches back."""
    from textual.widgets import Input, OptionList

    from game.tui import prefs
    from game.tui.app import G2App
    from game.tui.screens.newgame import NewGameScreen

    monkeypatch.setenv("G2_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(NewGameScreen, "ENGINE_DELAY", 0)
    app = G2App(save_dir=tmp_path)
    seen = {}

    async def main():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            screen.query_one("#side", OptionList).highlighted = 1  # China
            await pilot.pause()
            screen.query_one("#seed", Input).value = "42"
            seen["en"] = screen_text(app)
            await pilot.click("#lang")
            await settle(app, pilot)
            seen["zh"] = screen_text(app)
            seen["kept"] = (screen.side, screen.query_one("#seed", Input).value)
            seen["saved"] = prefs.get("lang")
            await pilot.press("t")
            await settle(app, pilot)
            seen["back"] = screen_text(app)

    try:
        asyncio.run(main())
    finally:
        i18n.set_language("en")
    assert "中文" in seen["en"] and "Your side" in seen["en"]
    assert "English" in seen["zh"] and not english_on(seen["zh"].replace("English", ""))
    assert seen["kept"] == ("china", "42") and seen["saved"] == "zh"
    assert "Your side" in seen["back"] and not re.search(
        r"[\u4e00-\u9fff]{2}", seen["back"].replace("中文", "")
    )
