"""Calibration: runs each target of data/calibration.yaml through the ordinary batch runner and scores it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.ai.registry import side_policy  # targets may name AI players (T11)
from game.engine.data import GameData, data_dir, load_data, parse_quarter
from game.engine.runner import FLOWS, Trace, run
from game.engine.yamlsrc import read

# sum/ratio/at/fraction/mean are medians over the runs; below is the share of runs whose meter,
# at `quarter` (or when the game ended, if earlier), is under `threshold`
# share is of / (of + over) at `quarter` (e.g. China's share of US + China compute); growth is
# the sum over from..to against the sum over the window of the same length just before, less 1
METRICS = ("sum", "ratio", "at", "fraction", "mean", "below", "share", "growth")


@dataclass
class Check:
    metric: str
    of: str
    over: str | None
    start: int | None
    end: int | None
    quarter: int | None
    band: tuple[float, float]
    show: str
    threshold: float = 0.0


@dataclass
class Target:
    id: str
    target: str
    source: list[str]
    scenario: str
    us: str
    china: str
    checks: list[Check]
    assumption: str = ""  # outside figures (outlet, date) where the documents stop


@dataclass
class CheckResult:
    target: Target
    check: Check
    value: float
    passed: bool
    runs: int = 0
    values: tuple[float, ...] = ()  # one per seed when run at several seeds (`seeds=`)


def load_targets(
    path: str | Path | None = None, gd: GameData | None = None
) -> tuple[list[Target], int, int]:
    gd = gd or load_data()
    p = Path(path) if path else data_dir() / "calibration.yaml"
    doc = read(p)
    v = doc.value if isinstance(doc.value, dict) else {}
    targets = []
    known = set(gd.meters) | set(FLOWS) | {"legacy_stock"}
    for i, t in enumerate(v.get("targets") or []):
        w = f"targets[{i}]"
        for key in ("id", "target", "scenario", "us", "china", "checks"):
            if key not in t:
                raise doc.error(f"{w}.{key}", "missing")
        if t["scenario"] not in gd.scenarios:
            raise doc.error(f"{w}.scenario", f"unknown scenario {t['scenario']!r}")
        src = t.get("source", [])
        src = src if isinstance(src, list) else [src]
        assumption = t.get("assumption", "")
        if not src and not assumption:
            raise doc.error(
                f"{w}.source", "a target cites a seed figure or an outside `assumption:`"
            )
        for s in src:
            if s not in gd.figures:
                raise doc.error(f"{w}.source", f"unknown source figure {s!r}")
        checks = []
        for k, c in enumerate(t["checks"]):
            cw = f"{w}.checks[{k}]"
            if c.get("metric") not in METRICS:
                raise doc.error(f"{cw}.metric", f"expected one of {', '.join(METRICS)}")
            for key in ("of", "over"):
                if key in c and c[key] not in known:
                    raise doc.error(f"{cw}.{key}", f"unknown meter or flow {c[key]!r}")
            band = c.get("band")
            if not (
                isinstance(band, list)
                and len(band) == 2
                and all(
                    isinstance(b, (int, float)) and not isinstance(b, bool) and math.isfinite(b)
                    for b in band
                )
                and band[0] <= band[1]
            ):
                raise doc.error(f"{cw}.band", "expected [low, high]: two finite numbers, low first")
            try:
                q = {
                    k2: parse_quarter(c[k2]) if k2 in c else None
                    for k2 in ("from", "to", "quarter")
                }
            except ValueError as exc:
                raise doc.error(cw, str(exc)) from None
            checks.append(
                Check(
                    c["metric"],
                    c["of"],
                    c.get("over"),
                    q["from"],
                    q["to"],
                    q["quarter"],
                    (float(band[0]), float(band[1])),
                    str(c.get("show", band)),
                    float(c.get("threshold", 0.0)),
                )
            )
        targets.append(
            Target(
                t["id"], t["target"], src, t["scenario"], t["us"], t["china"], checks, assumption
            )
        )
    return targets, int(v.get("runs", 1000)), int(v.get("seed", 1))


def _series(tr: Trace, name: str) -> tuple[np.ndarray, bool]:
    """(values, is_flow): flows are indexed by quarter played; meters by 0 = start, i+1 = after quarter i."""
    if name in tr.flows:
        return tr.flows[name], True
    return tr.meters[name], False


def measure(tr: Trace, c: Check) -> np.ndarray:
    """Per-game value of a check's metric."""
    vals, flow = _series(tr, c.of)
    if c.metric in ("sum", "ratio", "mean", "growth"):
        a, b = tr.index(c.start), tr.index(c.end)
        if not flow:
            a, b = a + 1, b + 1
        if c.metric == "sum":
            return vals[a : b + 1].sum(axis=0)
        if c.metric == "growth":
            before = vals[max(2 * a - b - 1, 0) : a].sum(axis=0)
            return vals[a : b + 1].sum(axis=0) / np.maximum(before, 1e-9) - 1
        if c.metric == "mean":
            return vals[a : b + 1].mean(axis=0)
        den, _ = _series(tr, c.over)
        return vals[a : b + 1].sum(axis=0) / np.maximum(den[a : b + 1].sum(axis=0), 1e-9)
    i = tr.index(c.quarter)
    if c.metric == "below":  # a game that ended early keeps its last value
        at = np.minimum(i + 1, tr.ended)
        return (vals[at, np.arange(tr.n)] < c.threshold).astype(float)
    value = vals[i] if flow else vals[i + 1]
    if c.metric == "share":
        other, other_flow = _series(tr, c.over)
        rest = other[i] if other_flow else other[i + 1]
        return value / np.maximum(value + rest, 1e-9)
    if c.metric == "fraction":
        return value / np.maximum(vals[0], 1e-9)
    return value


def calibrate(
    runs: int | None = None,
    seed: int | None = None,
    path: str | Path | None = None,
    seeds: int = 1,
) -> list[CheckResult]:
    """Every check of every target. With `seeds` > 1 each target runs at seeds seed, seed+1, ...:
    a check passes only if it passes at every seed; `value` is the first seed's, `values` all."""
    gd = load_data()
    targets, default_runs, default_seed = load_targets(path, gd)
    runs = runs or default_runs
    seed = default_seed if seed is None else seed
    out = []
    for t in targets:
        last = max(max(c.end or 0, c.quarter or 0) for c in t.checks)
        per_seed = []
        for s in range(seed, seed + max(seeds, 1)):
            us = side_policy(t.us, "us", gd, s, t.scenario)
            cn = side_policy(t.china, "china", gd, s, t.scenario)
            tr = run(t.scenario, us, cn, runs, s, gd, until=last)
            per_seed.append([_value(measure(tr, c), c) for c in t.checks])
        for k, c in enumerate(t.checks):
            values = tuple(v[k] for v in per_seed)
            ok = all(c.band[0] <= v <= c.band[1] for v in values)
            out.append(CheckResult(t, c, values[0], ok, runs, values))
    return out


def _value(per_game: np.ndarray, c: Check) -> float:
    return float(per_game.mean() if c.metric == "below" else np.median(per_game))
