"""Two languages: the catalogs are current, complete and consistent, and content the engine writes at
run time has its Chinese too. A failure lists what is missing, so a translator knows what to add."""

from __future__ import annotations

import re

import numpy as np
import pytest

from game import i18n
from game.i18n_extract import build, po_path, read_catalog, untranslated

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")
# Rich/Textual markup tags (a literal "[covert]" in prose is not one)
MARKUP = re.compile(
    r"\[/?(?:b|i|u|s|bold|dim|italic|reverse|underline|strike|\$[a-z-]+|@[^\]]*)?\]"
)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def catalogs():
    return {d: read_catalog(po_path("zh", d), "zh") for d in i18n.DOMAINS}


@pytest.mark.slow  # plays the harvest's games (~4 s); .ci/run runs it after the default run
def test_the_catalogs_are_current_with_the_code_and_the_data():
    stale = build(check=True)
    assert not stale, f"stale catalogs: {stale}; run `uv run python -m game.i18n_extract`"


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_every_string_has_chinese(catalogs, domain):
    missing = untranslated(catalogs[domain])
    assert not missing, f"{len(missing)} {domain} strings have no Chinese:\n" + "\n".join(
        missing[:40]
    )


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_placeholders_and_markup_match_between_the_languages(catalogs, domain):
    bad = []
    for m in catalogs[domain]:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = sorted(PLACEHOLDER.findall(ids[0]))
        for s in strings:
            if sorted(PLACEHOLDER.findall(s)) != want:
                bad.append(f"placeholders: {ids[0]!r} -> {s!r}")
            if sorted(MARKUP.findall(s)) != sorted(MARKUP.findall(ids[0])):
                bad.append(f"markup: {ids[0]!r} -> {s!r}")
    assert not bad, "\n".join(bad[:30])


def test_unknown_languages_are_refused_and_variants_accepted():
    assert i18n.normalise("zh_CN") == i18n.normalise("zh-Hans") == i18n.normalise("ZH") == "zh"
    assert i18n.normalise("en_US.UTF-8") == "en"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.normalise("fr")


def test_g2_lang_overrides_only_with_a_known_language(monkeypatch):
    monkeypatch.setenv(i18n.LANG_ENV, "zh_CN")
    assert i18n.from_env() == "zh"
    monkeypatch.setenv(i18n.LANG_ENV, "klingon")
    assert i18n.from_env() is None


def test_numbers_read_in_wan_and_yi_in_chinese():
    from game.tui import format as fmt

    i18n.set_language("zh")
    assert fmt.value(1.8e6, "compute") == "180万"
    assert fmt.value(277e3, "compute") == "27.7万"
    assert fmt.value(80, "money") == "800亿美元"
    assert fmt.score(3.6) == "美国 +3.6" and fmt.score(-1.3) == "中国 +1.3"
    i18n.set_language("en")
    assert fmt.value(1.8e6, "compute") == "1.80M" and fmt.score(-1.3) == "China +1.3"


def test_content_translates_joined_words_part_by_part():
    i18n.set_language("zh")
    whole = i18n.tc("H200 export policy")
    option = i18n.tc("open sales")
    assert whole != "H200 export policy" and option != "open sales"
    assert i18n.tc("H200 export policy: open sales") == f"{whole}：{option}"
    assert i18n.tc("  open sales\n") == f"  {option}\n"  # whitespace kept, ignored in the lookup


def test_what_the_engine_says_in_games_it_was_not_harvested_from_has_chinese():
    """Causes, headlines, event names, moves and score parts from seeded games (other seeds and
    scenarios than the catalog's harvest) all have an entry in the content catalog."""
    from game.ai import decide, make_agent
    from game.engine.api import Game

    i18n.set_language("zh")
    gaps: set[str] = set()

    def need(text: str) -> None:
        if text and i18n.missing(text) and i18n.tc(text) == text:
            gaps.add(text)

    for scenario, us, cn, seed in (
        ("2025-deepseek-shock", "hawk", "self-reliance", 101),
        ("2026-h200-thaw", "dealmaker", "pragmatist", 102),
        ("long-game", "free-marketeer", "efficiency-first", 103),
    ):
        g = Game(scenario, seed)
        agents = {"us": make_agent(us, "us"), "china": make_agent(cn, "china")}
        rng = np.random.default_rng(seed)
        while not g.over:
            r = g.play_turn({k: decide(a, g, rng) for k, a in agents.items()})
            for side in ("us", "china"):
                for causes in r.why_seen(side).values():
                    for cause in causes:
                        need(cause)
                for m in r.moves.get(side, []):
                    need(g.move_label(m))
            for ev in r.events:
                need(ev.name)
                need(ev.headline)
            for bill in g.bills("us"):
                need(bill.name)
                need(bill.stage_label)
    assert not gaps, f"{len(gaps)} engine texts have no Chinese: {sorted(gaps)[:40]}"
