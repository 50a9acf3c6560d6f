"""Text formatting shared by the screens: meter values by their `fmt`, changes, sparklines."""

from __future__ import annotations

BLOCKS = "▁▂▃▄▅▆▇█"


def value(x: float, fmt: str) -> str:
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


def change(x: float, fmt: str) -> str:
    if abs(x) < 1e-9:
        return "·"
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
    from game.engine.api import lead_text

    text = lead_text(points)
    return text.replace("China", "CN") if short else text


def score_change(points: float, short: bool = False) -> str:
    """A change of score as `score` writes it, or "no change" when it shows as 0.0."""
    from game.engine.api import favours

    return score(points, short) if favours(points) else "no change"
