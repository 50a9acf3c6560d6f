"""Text formatting shared by the screens: meter values by their `fmt`, changes, sparklines, the
score's one convention. Numbers follow the language: 1.80M and $80B in English, 180万 and 800亿美元
in Chinese (game.i18n.compact)."""

from __future__ import annotations

from game.i18n import _, language

BLOCKS = "▁▂▃▄▅▆▇█"


def value(x: float, fmt: str) -> str:
    if language() == "zh" and fmt in ZH_VALUE:
        return ZH_VALUE[fmt](x)
    if fmt == "compute":
        return f"{x / 1e6:.2f}M" if abs(x) >= 1e6 else f"{x / 1e3:.0f}k"
    if fmt == "pct":
        return f"{x:.1f}%"
    if fmt == "ratio":
        return f"{x:.1f}×"
    if fmt == "months":
        return f"{x:+.1f} mo"
    if fmt == "money":
        return f"${x:.0f}B"
    if fmt == "rmb":
        return f"¥{x / 1e3:.0f}k"
    return f"{x:.1f}"


def _zh_compute(x: float) -> str:
    from game.i18n import compact

    if abs(x) < 1e4:  # below 1万 Babel's compact form is the bare number
        return f"{x:.0f}"
    return compact(x, 2 if abs(x) >= 1e8 else 1)


# Chinese readers count in 万 and 亿: 180万 B300e, 800亿美元, 8万元
ZH_VALUE = {
    "compute": _zh_compute,
    "money": lambda x: f"{x * 10:.0f}亿美元" if abs(x) < 1000 else f"{x / 1000:.2f}万亿美元",
    "rmb": lambda x: f"{x / 1e4:.1f}万元",
    "months": lambda x: f"{x:+.1f}个月",
}


def change(x: float, fmt: str) -> str:
    if abs(x) < 1e-9:
        return "·"
    if language() == "zh" and fmt in ZH_VALUE:
        return ("+" if x > 0 else "−") + ZH_VALUE[fmt](abs(x)).lstrip("+")
    if fmt == "compute":
        return ("+" if x > 0 else "−") + value(abs(x), fmt)
    if fmt == "rmb":
        return ("+" if x > 0 else "−") + f"¥{abs(x) / 1e3:.1f}k"
    sign = "+" if x > 0 else "−"
    if fmt == "pct":
        return f"{sign}{abs(x):.1f}"
    if fmt == "ratio":
        return f"{sign}{abs(x):.1f}"
    if fmt == "money":
        return f"{sign}${abs(x):.1f}B"
    return f"{sign}{abs(x):.1f}"


def sparkline(values: list[float], width: int = 12) -> str:
    vals = values[-width:]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-12:
        return BLOCKS[3] * len(vals)
    return "".join(BLOCKS[int((v - lo) / (hi - lo) * (len(BLOCKS) - 1))] for v in vals)


def score(points: float, short: bool = False) -> str:
    """Score points labelled with the side they favour: 'US +3.6', 'China +1.3' ('CN +1.3' when
    `short`, for table cells), 'even 0.0'. The score is US-positive; this is its one convention."""
    from game.engine.api import favours
    from game.i18n import score_text

    return score_text(points, short, favours(points))


def score_change(points: float, short: bool = False) -> str:
    """A change of score as `score` writes it, or "no change" when it shows as 0.0."""
    from game.engine.api import favours

    return score(points, short) if favours(points) else _("no change")
