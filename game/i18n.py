"""Languages: English (the default) and Simplified Chinese, through gettext catalogs.

Two catalogs (domains) per language, under `game/locale/<lang>/LC_MESSAGES/`, kept with Babel
(README, "Translating G2"):

- `messages`: the interface (screens, the CLI's tables and messages). In code: `_("text")`, with
  `{name}` placeholders filled by `.format(...)` after the lookup, never before.
- `content`: the game's content: moves and options, events and headlines, meters, causes,
  scenarios and briefings, personas, the glossary. Their English text is the msgid: the YAML is
  extracted by `game.i18n_extract.extract_yaml` and the words the engine writes in code are marked
  with `N_` there. Front ends translate content as they show it: `tc(text)`.

The language is process-wide: `set_language` (the CLI's `--lang`, the new-game screen, $G2_LANG or
the remembered choice in the player's settings, in that order of precedence at start-up).
A string with no translation shows in English (the tests list every gap).
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

LANGS = ("en", "zh")
DEFAULT = "en"
LANG_ENV = "G2_LANG"
NAMES = {"en": "English", "zh": "中文（简体）"}
# the Babel locale each language formats numbers in (万 and 亿 for Chinese)
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}
DOMAINS = ("messages", "content")
LOCALE_DIR = Path(__file__).parent / "locale"

_lang = DEFAULT


def N_(text: str) -> str:
    """Marks `text` for extraction without translating it (a constant translated where shown)."""
    return text


def normalise(lang: str | None) -> str:
    """'zh', 'zh_CN', 'zh-Hans', 'ZH' -> 'zh'; 'en_US' -> 'en'. ValueError for any other."""
    code = (lang or "").strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    if code not in LANGS:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
    return code


def from_env() -> str | None:
    """$G2_LANG when it names a language G2 has, else None."""
    try:
        return normalise(os.environ[LANG_ENV]) if os.environ.get(LANG_ENV) else None
    except ValueError:
        return None


def set_language(lang: str | None) -> str:
    """Make `lang` the language of everything shown from now on; returns its code."""
    global _lang
    _lang = normalise(lang) if lang else DEFAULT
    return _lang


def language() -> str:
    return _lang


@cache
def catalog(lang: str, domain: str) -> gettext.NullTranslations:
    """The compiled catalog of `domain` in `lang` (NullTranslations for English or a missing file)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo"
    try:
        with open(path, "rb") as fp:
            return gettext.GNUTranslations(fp)
    except OSError:
        return gettext.NullTranslations()


def _(text: str) -> str:
    """An interface string in the current language."""
    return catalog(_lang, "messages").gettext(text) if _lang != DEFAULT else text


def ngettext(singular: str, plural: str, n: int) -> str:
    if _lang == DEFAULT:
        return singular if n == 1 else plural
    return catalog(_lang, "messages").ngettext(singular, plural, n)


def tc(text: str) -> str:
    """A piece of game content (a move's name, a headline, a cause) in the current language.

    Surrounding whitespace is kept and ignored in the lookup (YAML's folded text ends in a newline).
    Words the engine joins ('H200 export policy: open sales', 'A, B') are translated part by part
    when the whole has no entry of its own."""
    if _lang == DEFAULT or not text:
        return text
    key = text.strip()
    found = _content(key)
    if found is not None:
        return text.replace(key, found) if key != text else found
    for sep, joined in ((": ", "："), (", ", "、")):
        if sep in key:
            parts = key.split(sep)
            done = [tc(part) for part in parts]
            if done != parts:  # only when a part has a translation: English stays English
                return joined.join(done)
    return text


# translations that come with a file rather than a catalog: a teacher's scenario writes its text as
# {en: ..., zh: ...} (game.engine.data collects them in GameData.translations)
_extra: dict[str, dict[str, str]] = {}


def add_translations(translations: dict[str, dict[str, str]]) -> None:
    """Make `{lang: {english: text}}` known to `tc` (a scenario file's own Chinese)."""
    for lang, table in translations.items():
        _extra.setdefault(normalise(lang), {}).update(
            {str(k).strip(): str(v).strip() for k, v in table.items() if v}
        )


def _content(key: str) -> str | None:
    """The current language's translation of content `key`, or None when it has none."""
    found = getattr(catalog(_lang, "content"), "_catalog", {}).get(key)
    if isinstance(found, str) and found:
        return found
    return _extra.get(_lang, {}).get(key)


def missing(text: str, domain: str = "content") -> bool:
    """True when `text` has no entry in the current language's `domain` catalog (tests use it)."""
    if _lang == DEFAULT:
        return False
    if domain == "content":
        return _content(text.strip()) is None
    return not getattr(catalog(_lang, domain), "_catalog", {}).get(text.strip())


def score_text(points: float, short: bool = False, side: str | None = None) -> str:
    """US-positive score points labelled with the side they favour, in the current language:
    'US +3.6' / 'China +1.3' ('CN +1.3' when `short`) / 'even 0.0'; 美国 +3.6 / 中国 +1.3 in
    Chinese. `side` is the side they favour ('us', 'china' or None for even), as the engine's
    `favours` says (passed in: this module knows nothing of the engine)."""
    if not side:
        return _("even {points}").format(points="0.0")
    if short:
        name = _("CN") if side == "china" else _("US")
    else:
        name = _("China") if side == "china" else _("US")
    return f"{name} +{abs(points):.1f}"


def meter_value(x: float, fmt: str) -> str:
    """A meter's value by its `fmt` (meters.yaml), as players read it in the current language:
    1.80M, 277k, $80B, ¥80k, +5.2 mo in English; 180万, 27.7万, 800亿美元, 8.0万元, +5.2个月 in
    Chinese. Shared by the screens (game.tui.format) and the printed reports."""
    zh = _lang == "zh"
    if fmt == "compute":
        if zh:  # below 1万 Babel's compact form is the bare number
            return f"{x:.0f}" if abs(x) < 1e4 else compact(x, 2 if abs(x) >= 1e8 else 1)
        return f"{x / 1e6:.2f}M" if abs(x) >= 1e6 else f"{x / 1e3:.0f}k"
    if fmt == "pct":
        return f"{x:.1f}%"
    if fmt == "ratio":
        return f"{x:.1f}×"
    if fmt == "months":
        return f"{x:+.1f}个月" if zh else f"{x:+.1f} mo"
    if fmt == "money":
        if zh:
            return f"{x * 10:.0f}亿美元" if abs(x) < 1000 else f"{x / 1000:.2f}万亿美元"
        return f"${x:.0f}B"
    if fmt == "rmb":
        return f"{x / 1e4:.1f}万元" if zh else f"¥{x / 1e3:.0f}k"
    return f"{x:.1f}"


def compact(x: float, digits: int = 1) -> str:
    """A large number as its readers write it: '1.8M' / '277K' in English, '180万' / '27.7万'
    / '800亿' in Chinese (Babel's compact formats)."""
    from babel.numbers import format_compact_decimal

    return format_compact_decimal(x, locale=BABEL_LOCALE[_lang], fraction_digits=digits)
