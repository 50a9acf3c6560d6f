"""`g2 sweep`: sensitivity analysis over the uncertain figures in data/params.yaml.

Each sweep point is one batch of seeded games with some parameters overridden. Every point uses
the same seed (common random numbers), so the differences between points come from the figures,
not from the dice. Points run in-process, in a local process pool, or on a Dask cluster; a point's
result depends only on its inputs, so all three backends give identical results, in grid order.

    from game.analysis.sweep import sweep
    res = sweep(["huawei_output_2025=40000:146000:5"], "hold", "hold", "2025-deepseek-shock", 1000, 1)
    res["sensitivity"]     # the tornado table: effect of each figure from its lowest to highest value
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from typing import Any, NamedTuple

from game.engine.data import DEFAULT_SCENARIO, did_you_mean
from game.engine.domains import PARAMS

MODES = ("oat", "grid")
VARY_HELP = (
    "NAME=LO:HI:STEPS (inclusive, STEPS >= 2) or NAME=V1,V2,...; xF means F times the base value"
)
DASK_HINT = "the Dask backend needs the optional extra: install it with `uv sync --extra dask`"

Progress = Callable[[int, int], None]


class DataMismatchError(RuntimeError):
    """A worker's game data differs from the caller's (data/ edited mid-sweep, or another g2)."""


# ----------------------------------------------------------------------------- --vary


def _number(token: str, base: float, text: str) -> float:
    tok = token.strip()
    try:
        val = float(tok[1:]) * base if tok[:1] in ("x", "X") else float(tok)
    except ValueError:
        raise ValueError(f"--vary {text!r}: {tok!r} is not a number (or xFACTOR)") from None
    if not math.isfinite(val):
        raise ValueError(f"--vary {text!r}: {tok!r} is not a finite number")
    return val


def _base_value(name: str, gd) -> float:
    if name not in gd.params:
        raise ValueError(
            f"unknown parameter {name!r}{did_you_mean(name, gd.params)}; "
            f"parameters: {', '.join(sorted(gd.params))}"
        )
    base = gd.params[name]
    if isinstance(base, list):
        raise ValueError(f"parameter {name!r} is a list of values and cannot be swept")
    return float(base)


def parse_vary(text: str, gd) -> tuple[str, list[float]]:
    """Parse one `--vary` spec into (parameter name, values).

    `NAME=LO:HI:STEPS` is an inclusive linspace (STEPS >= 2); `NAME=V1,V2,...` lists the values.
    A value written `xF` (e.g. `x0.5:x2:4`) is F times the parameter's base value in `gd`.
    Raises ValueError for a malformed spec or an unknown or list-valued parameter."""
    import numpy as np

    name, sep, spec = str(text).partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name or not spec:
        raise ValueError(f"--vary {text!r}: expected {VARY_HELP}")
    base = _base_value(name, gd)
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise ValueError(f"--vary {text!r}: a range is LO:HI:STEPS")
        lo, hi = (_number(p, base, text) for p in parts[:2])
        try:
            steps = int(parts[2].strip())
        except ValueError:
            raise ValueError(f"--vary {text!r}: STEPS must be a whole number") from None
        if steps < 2:
            raise ValueError(f"--vary {text!r}: STEPS must be at least 2, got {steps}")
        if lo == hi:
            raise ValueError(f"--vary {text!r}: LO and HI are the same")
        values = [float(v) for v in np.linspace(lo, hi, steps)]
    else:
        values = [_number(p, base, text) for p in spec.split(",")]
    if len(set(values)) != len(values):
        raise ValueError(f"--vary {text!r}: the values repeat")
    return name, values


def _varies(varies, gd) -> list[tuple[str, list[float]]]:
    """Normalise --vary specs: strings, (name, values) pairs, or a {name: values} mapping."""
    items = varies.items() if isinstance(varies, dict) else varies
    out: list[tuple[str, list[float]]] = []
    for item in items:
        if isinstance(item, str):
            name, values = parse_vary(item, gd)
        else:
            name, values = str(item[0]), [float(v) for v in item[1]]
            _base_value(name, gd)
            if len(values) < 2 or len(set(values)) != len(values):
                raise ValueError(f"{name}: give at least two different values, got {values}")
            if not all(math.isfinite(v) for v in values):
                raise ValueError(f"{name}: the values must be finite numbers, got {values}")
        if any(name == n for n, _ in out):
            raise ValueError(f"parameter {name!r} is varied twice")
        dom = PARAMS[name]
        for v in values:
            if dom.problem(v):
                raise ValueError(
                    f"{name} = {v:g} is outside what the model runs on: {name} {dom.problem(v)}"
                )
        out.append((name, values))
    if not out:
        raise ValueError("nothing to sweep: give at least one --vary NAME=SPEC")
    return out


# ----------------------------------------------------------------------------- one point


class Point(NamedTuple):
    """One sweep point: everything a worker needs (plain, picklable values)."""

    scenario: str
    us: str
    china: str
    games: int
    seed: int
    overrides: dict[str, float]
    digest: str | None = None  # the caller's data digest; a worker with other data refuses


def run_point(args: Sequence[Any]) -> dict:
    """Run one sweep point and summarise it as a plain (JSON-ready) dict.

    `args` is (scenario, us_spec, china_spec, games, seed, overrides[, data_digest]). The point
    loads the game data, overrides the named parameters, builds both sides' policies with
    `game.ai.side_policy` and plays `games` games with `seed`. Every point of a sweep gets the same
    seed: common random numbers, so the world's dice and the agents' draws are the same at every
    point and the differences between points come from the figures, not from luck. The result
    depends only on `args`, so it is the same in-process, in a process pool or on a Dask worker.
    With a data digest, a worker whose data differs raises DataMismatchError."""
    from game.ai import side_policy
    from game.engine.data import load_data
    from game.engine.runner import percentiles, run

    scenario, us, china, games, seed, overrides, *rest = args
    digest = rest[0] if rest else None
    gd = load_data()
    if digest is not None and gd.digest != digest:
        raise DataMismatchError(
            f"a worker's game data (digest {gd.digest}) differs from the caller's ({digest}): "
            "data/ changed during the sweep, or the worker runs another version of g2"
        )
    if overrides:
        unknown = [k for k in overrides if k not in gd.params]
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(unknown)}")
        gd = replace(gd, params={**gd.params, **{k: float(v) for k, v in overrides.items()}})
    tr = run(
        scenario,
        side_policy(us, "us", gd, seed, scenario),
        side_policy(china, "china", gd, seed, scenario),
        int(games),
        int(seed),
        data=gd,
    )
    return {
        "overrides": {k: float(v) for k, v in overrides.items()},
        "win_rates": tr.win_rates(),
        "final": {
            m: dict(zip(("p10", "p50", "p90"), percentiles(tr.final(m)), strict=True))
            for m in gd.meters_in("sweep")
        },
    }


# ----------------------------------------------------------------------------- backends


def _mp_context():
    """fork (fast: workers inherit the loaded modules and data) from a single-threaded process on
    Linux; otherwise forkserver or spawn, as forking a process with threads (a Dask client, a UI)
    can deadlock and macOS frameworks are not fork-safe. Those two re-import the main module, so
    a script calling sweep() with workers > 1 needs the `if __name__ == "__main__":` guard."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _run_local(points: list[Point], workers: int, progress: Progress | None) -> list[dict]:
    total = len(points)
    if workers <= 1 or total <= 1:
        out = []
        for i, p in enumerate(points):
            out.append(run_point(p))
            if progress:
                progress(i + 1, total)
        return out
    results: list[dict | None] = [None] * total
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=_mp_context()) as ex:
        futures = {ex.submit(run_point, p): i for i, p in enumerate(points)}
        try:
            for done, fut in enumerate(as_completed(futures), 1):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(done, total)
        except BaseException:
            for fut in futures:  # do not wait for the rest of a failed sweep
                fut.cancel()
            raise
    return results  # type: ignore[return-value]


def _run_dask(points: list[Point], address: str, progress: Progress | None) -> list[dict]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise ImportError(DASK_HINT) from exc
    try:
        client = Client(address)
    except (OSError, ValueError) as exc:  # TimeoutError is an OSError
        raise ConnectionError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from exc
    try:
        futures = client.map(run_point, points, pure=False)
        if progress:
            for done, _ in enumerate(dask_completed(futures), 1):
                progress(done, len(points))
        return client.gather(futures)
    finally:
        client.close()


# ----------------------------------------------------------------------------- sweep


def _mean(xs: Iterable[float]) -> float:
    xs = list(xs)
    return sum(xs) / len(xs)


def _sensitivity(
    varies: list[tuple[str, list[float]]], points: list[dict], base: dict[str, float], mode: str
) -> list[dict]:
    """Per figure: US win rate and median score at its lowest and highest value (the others at
    base in oat mode; averaged over every combination of the others in grid mode)."""
    rows = []
    for name, values in varies:
        lo, hi = min(values), max(values)
        mine = [p for p in points if mode == "grid" or p["varied"] == name]
        at = {
            end: [p for p in mine if p["overrides"][name] == end] for end in (lo, hi)
        }  # grid: one point per combination of the others
        us = {end: _mean(p["win_rates"]["us"] for p in at[end]) for end in (lo, hi)}
        score = {end: _mean(p["final"]["score"]["p50"] for p in at[end]) for end in (lo, hi)}
        rows.append(
            {
                "name": name,
                "base": base[name],
                "low": lo,
                "high": hi,
                "us_win_low": us[lo],
                "us_win_high": us[hi],
                "us_win_change": us[hi] - us[lo],
                "score_p50_low": score[lo],
                "score_p50_high": score[hi],
                "score_p50_change": score[hi] - score[lo],
            }
        )
    rows.sort(key=lambda r: (-abs(r["score_p50_change"]), -abs(r["us_win_change"]), r["name"]))
    return rows


def _check_sweep(gd, us, china, scenario, games, seed, workers, mode) -> None:
    """Refuse a bad mode, count, scenario, agent or plan here, once, rather than in every worker."""
    from game.ai import side_policy

    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: use {' or '.join(MODES)}")
    if isinstance(games, bool) or int(games) != games or games < 1:
        raise ValueError(f"games must be a whole number of at least 1, got {games!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    if scenario not in gd.scenarios:
        raise ValueError(
            f"unknown scenario {scenario!r}{did_you_mean(scenario, gd.scenarios)}; "
            f"known: {', '.join(sorted(gd.scenarios))}"
        )
    side_policy(us, "us", gd, seed, scenario)
    side_policy(china, "china", gd, seed, scenario)


def _grid(vs, base, mode) -> tuple[list[str | None], list[dict[str, float]]]:
    """The sweep's points in order: the figure each one varies (None in grid mode) and its values."""
    labels: list[str | None] = []
    overrides: list[dict[str, float]] = []
    if mode == "grid":
        for combo in itertools.product(*(values for _, values in vs)):
            labels.append(None)
            overrides.append({name: v for (name, _), v in zip(vs, combo, strict=True)})
    else:
        for name, values in vs:
            for v in values:
                labels.append(name)
                overrides.append({**base, name: v})
    return labels, overrides


def sweep(
    varies,
    us: str = "random-persona",
    china: str = "random-persona",
    scenario: str = DEFAULT_SCENARIO,
    games: int = 1000,
    seed: int = 1,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: Progress | None = None,
    mode: str = "oat",
) -> dict:
    """Run a sensitivity sweep and return a JSON-ready dict.

    `varies`: `--vary` specs ('NAME=LO:HI:STEPS' / 'NAME=V1,V2'), (name, values) pairs or a
    {name: values} mapping. mode 'grid' runs the Cartesian product of all values; 'oat' (one at
    a time) varies each figure alone with the others at their base value. Points run in-process
    (workers=1), in a local process pool (workers=None: one per CPU), or on the Dask scheduler at
    `dask_address`; every backend gives the same result, points in grid order. `progress(done,
    total)` is called as points finish. Raises ValueError for a bad spec, scenario or agent,
    ImportError when Dask is wanted but not installed, ConnectionError for an unreachable
    scheduler, DataMismatchError when a worker's game data differs from this process's.

    Result keys: scenario, us, china, games, seed, mode, data_digest, varies (name, base,
    values), points (varied: the figure an oat point varies, None in grid mode; overrides: every
    varied figure's value there, the others at base in oat mode; win_rates; final: meter ->
    p10/p50/p90) and sensitivity
    (per figure: base, low, high, us_win_low/high/change, score_p50_low/high/change, sorted by
    the absolute change in median score, then in US win rate)."""
    from game.engine.data import load_data

    gd = load_data()
    _check_sweep(gd, us, china, scenario, games, seed, workers, mode)
    vs = _varies(varies, gd)
    base = {name: float(gd.params[name]) for name, _ in vs}
    labels, overrides = _grid(vs, base, mode)
    # identical points (in oat mode, every figure at base more than once) run once
    keys = [tuple(sorted(o.items())) for o in overrides]
    unique = list(dict.fromkeys(keys))
    points = [Point(scenario, us, china, int(games), int(seed), dict(k), gd.digest) for k in unique]
    if dask_address:
        results = _run_dask(points, dask_address, progress)
    else:
        results = _run_local(points, workers or os.cpu_count() or 1, progress)
    by_key = dict(zip(unique, results, strict=True))
    rows = [
        {"varied": lab, **by_key[k], "overrides": o}
        for lab, k, o in zip(labels, keys, overrides, strict=True)
    ]
    return {
        "scenario": scenario,
        "us": us,
        "china": china,
        "games": int(games),
        "seed": int(seed),
        "mode": mode,
        "data_digest": gd.digest,
        "varies": [{"name": n, "base": base[n], "values": v} for n, v in vs],
        "points": rows,
        "sensitivity": _sensitivity(vs, rows, base, mode),
    }
