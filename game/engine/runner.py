"""Batch runs: N seeded games driven by plans (or any policy function), with a per-quarter trace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from game.engine import model
from game.engine.api import Batch
from game.engine.data import GameData, load_data, quarter_name
from game.engine.plans import Plan

# flows and stocks recorded beside the meters (per quarter played)
FLOWS = ("us_added", "cn_added", "huawei_out", "other_out", "imports", "grey_flow")

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

    def index(self, quarter: int) -> int:
        return quarter - self.start

    def final(self, meter: str) -> np.ndarray:
        """Each game's meter value when it ended."""
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


def run(
    scenario: str,
    us: Plan | Policy,
    china: Plan | Policy,
    n: int,
    seed: int,
    data: GameData | None = None,
    until: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Trace:
    """Play n games of `scenario` to the end (or through quarter index `until`) as one batch."""
    gd = data or load_data()
    batch = Batch(scenario, n, seed, gd)
    sc = batch.scenario
    pol = {
        side: (p if callable(p) else plan_policy(p, side, gd))
        for side, p in (("us", us), ("china", china))
    }
    last = sc.end if until is None else min(until, sc.end)
    T = last - sc.start + 1
    meters = {k: np.empty((T + 1, n)) for k in (*batch.state.meters, "legacy_stock")}
    flows = {k: np.empty((T, n)) for k in FLOWS}
    for k, v in batch.state.meters.items():
        meters[k][0] = v
    meters["legacy_stock"][0] = batch.state.stocks[:, model.LEGACY].sum(axis=1)
    ended = np.full(n, T, dtype=int)
    for t in range(T):
        choices = np.maximum(pol["us"](batch), pol["china"](batch))
        was_over = batch.state.over.copy()
        batch.step(choices)
        st = batch.state
        for k, v in st.meters.items():
            meters[k][t + 1] = v
        for k in FLOWS:
            flows[k][t] = np.where(was_over, 0.0, st.s[k])
        # like the meters, a game's legacy stock stops where the game ended
        legacy = st.stocks[:, model.LEGACY].sum(axis=1)
        meters["legacy_stock"][t + 1] = np.where(was_over, meters["legacy_stock"][t], legacy)
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
    )


def percentiles(values: np.ndarray, qs=(10, 50, 90)) -> list[float]:
    return [float(x) for x in np.percentile(values, qs)]
