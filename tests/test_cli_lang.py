"""The g2 command line's language: --lang (remembered), $G2_LANG, the remembered choice, English."""

from __future__ import annotations

import json
import re

import pytest

import game.i18n
from game.cli import _cells, _wrap, main
from game.i18n import LOCALE_DIR, language
from game.tui import prefs

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _english_after(tmp_path, monkeypatch):
    """Each test has its own settings folder and no $G2_LANG, and leaves the language English."""
    monkeypatch.setenv("G2_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("G2_LANG", raising=False)
    yield
    game.i18n.set_language("en")


def run_cli(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_lang_is_remembered(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--lang", "zh", "agents")
    assert code == 0 and err == ""
    assert language() == "zh" and prefs.get("lang") == "zh"
    saved = json.loads((tmp_path / "config" / "settings.json").read_text())
    assert saved["lang"] == "zh"
    game.i18n.set_language("en")
    assert run_cli(capsys, "agents")[0] == 0
    assert language() == "zh"  # no flag: the remembered choice
    assert run_cli(capsys, "agents", "--lang=en")[0] == 0  # after the command, with =
    assert language() == "en" and prefs.get("lang") == "en"


def test_lang_is_accepted_before_and_after_the_command(capsys):
    for argv in (
        ["--lang", "zh", "scenarios"],
        ["scenarios", "--lang", "zh"],
        ["moves", "--lang=zh"],
    ):
        game.i18n.set_language("en")
        assert run_cli(capsys, *argv)[0] == 0, argv
        assert language() == "zh", argv


def test_g2_lang_overrides_the_remembered_choice(capsys, monkeypatch):
    assert prefs.set("lang", "zh") is None
    monkeypatch.setenv("G2_LANG", "en")
    assert run_cli(capsys, "agents")[0] == 0
    assert language() == "en"
    assert prefs.get("lang") == "zh"  # the environment is not remembered
    assert prefs.set("lang", "en") is None
    monkeypatch.setenv("G2_LANG", "zh")
    assert run_cli(capsys, "agents")[0] == 0
    assert language() == "zh"


def test_the_flag_overrides_g2_lang(capsys, monkeypatch):
    monkeypatch.setenv("G2_LANG", "zh")
    assert run_cli(capsys, "--lang", "en", "agents")[0] == 0
    assert language() == "en" and prefs.get("lang") == "en"


def test_english_without_flag_env_or_settings(capsys):
    game.i18n.set_language("zh")
    assert run_cli(capsys, "agents")[0] == 0
    assert language() == "en"
    assert prefs.get("lang") is None  # nothing chosen, nothing written


@pytest.mark.parametrize(
    "argv", [["--lang", "xx", "scenarios"], ["scenarios", "--lang=fr"], ["--lang", "", "moves"]]
)
def test_an_unknown_language_is_refused(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert "--lang" in err and "en, zh" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert prefs.get("lang") is None


def test_an_abbreviated_lang_flag_is_checked_too(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--lan", "xx", "scenarios"])
    assert exc.value.code == 2
    assert "--lang" in capsys.readouterr().err
    assert run_cli(capsys, "--lan", "zh", "agents")[0] == 0
    assert language() == "zh" and prefs.get("lang") == "zh"


def test_a_settings_file_that_cannot_be_saved_is_a_warning_not_an_error(capsys, tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "settings.json").write_text("not json")
    code, out, err = run_cli(capsys, "--lang", "zh", "agents")
    assert code == 0 and out
    assert len(err.strip().splitlines()) == 1 and "settings" in err
    assert language() == "zh"
    assert (folder / "settings.json").read_text() == "not json"  # left as it was


def test_chinese_text_wraps_by_terminal_columns():
    text = (
        "美国商务部工业与安全局把 H200 改为逐案审查，而众议院三天前以口头表决通过了《远程访问安全法案》。"
        * 3
    )
    lines = _wrap(text, 40)
    assert len(lines) > 1 and all(_cells(line) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。")) for line in lines)
    english = "Sixteen quarters to decide who leads. " * 5
    import textwrap

    assert _wrap(english, 40) == textwrap.wrap(english, 40)


def test_scenarios_in_chinese(capsys):
    if not (LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.mo").exists():
        pytest.skip("the Chinese catalogs are not compiled yet")
    code, out, _ = run_cli(capsys, "scenarios", "--lang", "zh")
    assert code == 0
    assert "2025-deepseek-shock" in out  # ids stay as they are
    assert CJK.search(out)
    code, out, _ = run_cli(capsys, "scenarios", "--lang", "en")
    assert code == 0 and not CJK.search(out)
