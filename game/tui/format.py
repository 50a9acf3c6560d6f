"""Text formatting shared by the screens: meter values by their `fmt`, changes, sparklines, the
score's one convention. Numbers follow the language: 1.80M and $80B in English, 180万 and 800亿美元
in Chinese (game.i18n.compact)."""

from __future__ import annotations

from game.i18n import _, language, meter_value

BLOCKS = "▁▂▃▄▅▆▇█"


def value(x: float, fmt: str) -> str:
    return meter_value(x, fmt)


def change(x: float, fmt: str) -> str:
    if abs(x) < 1e-9:
        return "·"
    if language() == "zh" and fmt in ("compute", "months", "money", "rmb"):
        return ("+" if x > 0 else "−") + meter_value(abs(x), fmt).lstrip("+")
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
