"""Batch runs: N seeded games driven by plans (or any policy function), with a per-quarter trace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from game.engine import model
from game.engine.api import Batch
from game.engine.data import GameData, load_data, quarter_name
from game.engine.plans import Plan

# flows and stocks recorded beside the meters (per quarter played)
FLOWS = (
    "us_added",
    "cn_added",
    "huawei_out",
    "other_out",
    "imports",
    "grey_flow",
    "nv_units",
    "cn_units",
)

Policy = Callable[[Batch], np.ndarray]  # returns (n, n_moves) choices for one side


@dataclass
class Trace:
    """Per-quarter values of every meter and flow for every game: arrays of shape (quarters+1, n)
    for meters (index 0 = the start) and (quarters, n) for flows."""

    scenario: str
    seed: int
    n: int
    start: int
    quarters: list[str]
    meters: dict[str, np.ndarray]
    flows: dict[str, np.ndarray]
    result: np.ndarray
    ended: np.ndarray  # index of the quarter each game ended (quarters played)
    offset: int = 0  # the index of this trace's first game in its run
    record: bool = True  # False: meters only at the start (row 0) and the end (row 1)

    def index(self, quarter: int) -> int:
        return quarter - self.start

    def final(self, meter: str) -> np.ndarray:
        """Each game's meter value when it ended."""
        if not self.record:
            return self.meters[meter][1]
        return self.meters[meter][self.ended, np.arange(self.n)]

    def win_rates(self) -> dict[str, float]:
        return {
            name: float(np.mean(self.result == code))
            for code, name in model.RESULT_NAMES.items()
            if name
        }


def plan_policy(plan: Plan, side: str, gd: GameData) -> Policy:
    cols = np.array([m.side == side for m in gd.moves])

    def act(batch: Batch) -> np.ndarray:
        ch = plan.choices(gd, batch.state.q, batch.n)
        ch[:, ~cols] = -1
        return ch

    return act


CHUNK = 10_000  # games simulated at once by `run_chunks` (results do not depend on it)


def run(
    scenario: str,
    us: Plan | Policy,
    china: Plan | Policy,
    n: int,
    seed: int,
    data: GameData | None = None,
    until: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    offset: int = 0,
    record: bool = True,
) -> Trace:
    """Play games offset .. offset + n - 1 of `scenario` seeded `seed` to the end (or through quarter
    `until`) as one batch. With `record=False` the trace keeps each meter only at the start and at
    each game's end (row 1), not every quarter, and no flows: what a summary needs, in ~1/8 of the
    memory."""
    gd = data or load_data()
    batch = Batch(scenario, n, seed, gd, offset)
    sc = batch.scenario
    pol = {
        side: (p if callable(p) else plan_policy(p, side, gd))
        for side, p in (("us", us), ("china", china))
    }
    last = sc.end if until is None else min(until, sc.end)
    T = last - sc.start + 1
    rows = T + 1 if record else 2
    meters = {k: np.empty((rows, n)) for k in (*batch.state.meters, "legacy_stock")}
    flows = {k: np.empty((T, n)) for k in FLOWS} if record else {}
    for k, v in batch.state.meters.items():
        meters[k][0] = v
    meters["legacy_stock"][0] = batch.state.stocks[:, model.LEGACY].sum(axis=1)
    ended = np.full(n, T, dtype=int)
    for t in range(T):
        choices = np.maximum(pol["us"](batch), pol["china"](batch))
        was_over = batch.state.over.copy()
        batch.step(choices)
        st = batch.state
        row = t + 1 if record else 1
        for k, v in st.meters.items():
            meters[k][row] = v
        for k in flows:
            flows[k][t] = np.where(was_over, 0.0, st.s[k])
        # like the meters, a game's legacy stock stops where the game ended
        legacy = st.stocks[:, model.LEGACY].sum(axis=1)
        before = meters["legacy_stock"][row - 1 if record or t == 0 else row]
        meters["legacy_stock"][row] = np.where(was_over, before, legacy)
        ended = np.where(~was_over & st.over, t + 1, ended)
        if progress:
            progress(t + 1, T)
    return Trace(
        sc.id,
        batch.seed,
        n,
        sc.start,
        [quarter_name(sc.start + i) for i in range(T)],
        meters,
        flows,
        batch.state.result.copy(),
        ended,
        offset,
        record,
    )


def run_chunks(
    scenario: str, us, china, n: int, seed: int, *, chunk: int = CHUNK, progress=None, **options
) -> Iterator[Trace]:
    """Play n games in batches of at most `chunk`, yielding each batch's trace (`trace.offset` is
    its first game's index); `options` (data, until, record) go to `run`. Every game's dice depend
    on (seed, game index) alone, so the results do not depend on `chunk`; memory does: it grows
    with `chunk`, not with n. `progress(done, total)` counts quarters over all the chunks."""
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk!r}")
    options.setdefault("data", load_data())
    chunks = range(0, n, chunk)
    for i, a in enumerate(chunks):
        step = None
        if progress:
            step = lambda done, T, i=i: progress(i * T + done, len(chunks) * T)  # noqa: E731
        yield run(scenario, us, china, min(chunk, n - a), seed, progress=step, offset=a, **options)


def percentiles(values: np.ndarray, qs=(10, 50, 90), overwrite: bool = False) -> list[float]:
    """The qs percentiles of `values`; with `overwrite`, partitioned in place (no copy)."""
    return [float(x) for x in np.percentile(values, qs, overwrite_input=overwrite)]
