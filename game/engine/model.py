"""The quarterly model: batched state (leading axis = games) and the step that advances it one quarter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.engine.data import STOCK_CHANNELS, GameData, Scenario

AGES = 24  # vintage buckets (quarters); chips older than the training life are retired
US, LEGACY, IMPORT, DOMESTIC, GREY = range(len(STOCK_CHANNELS))
RESULT_NONE, RESULT_US, RESULT_CHINA, RESULT_DRAW = 0, 1, 2, 3
RESULT_NAMES = {RESULT_NONE: None, RESULT_US: "us", RESULT_CHINA: "china", RESULT_DRAW: "draw"}
# uniform draws per game per quarter: one per event + reveal draws; normals: fixed count.
N_NORMALS = 4


class Ledger:
    """Records, per meter, the named causes of its change this quarter (each an array over games)."""

    def __init__(self, n: int):
        self.n = n
        self.causes: dict[str, dict[str, np.ndarray]] = {}

    def add(self, meter: str, cause: str, delta) -> None:
        d = self.causes.setdefault(meter, {})
        arr = np.broadcast_to(np.asarray(delta, dtype=float), (self.n,))
        d[cause] = d[cause] + arr if cause in d else arr.copy()

    def close(
        self, meter: str, old: np.ndarray, new: np.ndarray, rest: str = "interaction"
    ) -> None:
        """Book whatever the recorded causes do not explain (compounding, clipping) so causes sum exactly."""
        d = self.causes.setdefault(meter, {})
        explained = sum(d.values()) if d else np.zeros(self.n)
        resid = (new - old) - explained
        if np.any(np.abs(resid) > 1e-9 * (1.0 + np.abs(new))):
            self.add(meter, rest, resid)


def shapley2(f, x0, x1, y0, y1):
    """Exact two-factor split of f(x1,y1) - f(x0,y0) into the part due to x and the part due to y."""
    fx = 0.5 * ((f(x1, y0) - f(x0, y0)) + (f(x1, y1) - f(x0, y1)))
    fy = 0.5 * ((f(x0, y1) - f(x0, y0)) + (f(x1, y1) - f(x1, y0)))
    return fx, fy


def trend_factor_extra(ledger: Ledger, meter: str, labels, trend, factor, extra) -> np.ndarray:
    """value = trend x factor + extra: book the change of each part (exactly) and return the new value."""
    (t0, t1), (f0, f1), (e0, e1) = trend, factor, extra
    ledger.add(meter, labels[0], (t1 - t0) * f0)
    ledger.add(meter, labels[1], t1 * (f1 - f0))
    ledger.add(meter, labels[2], e1 - e0)
    return t1 * f1 + e1


def first_order(ledger: Ledger, meter: str, partial: np.ndarray, causes: dict[str, np.ndarray]):
    for label, delta in causes.items():
        ledger.add(meter, label, partial * delta)


@dataclass
class State:
    """All games' state at the start of quarter `q` (quarters since 2025Q1). Arrays have leading axis n."""

    n: int
    q: int
    end: int
    lev: dict[str, np.ndarray]
    stocks: np.ndarray  # (n, channels, AGES)
    s: dict[str, np.ndarray]
    meters: dict[str, np.ndarray]
    added: np.ndarray  # (n, 4, 2): last four quarters' additions, US and China
    fired: np.ndarray  # (n, events) once-events already fired
    streak: np.ndarray  # (n, 2) consecutive decisive quarters for us, china
    over: np.ndarray
    result: np.ndarray

    def copy(self) -> State:
        return State(
            self.n,
            self.q,
            self.end,
            {k: v.copy() for k, v in self.lev.items()},
            self.stocks.copy(),
            {k: v.copy() for k, v in self.s.items()},
            {k: v.copy() for k, v in self.meters.items()},
            self.added.copy(),
            self.fired.copy(),
            self.streak.copy(),
            self.over.copy(),
            self.result.copy(),
        )

    def take(self, idx: np.ndarray) -> State:
        """A new state holding games `idx` of this one (repeats allowed: a batch of copies)."""
        idx = np.asarray(idx)
        return State(
            len(idx),
            self.q,
            self.end,
            {k: v[idx] for k, v in self.lev.items()},
            self.stocks[idx],
            {k: v[idx] for k, v in self.s.items()},
            {k: v[idx] for k, v in self.meters.items()},
            self.added[idx],
            self.fired[idx],
            self.streak[idx],
            self.over[idx],
            self.result[idx],
        )

    def arrays(self):
        """Every array of the state, in a fixed order (for digests)."""
        yield np.array([self.q, self.end])
        for k in sorted(self.lev):
            yield self.lev[k]
        yield self.stocks
        for k in sorted(self.s):
            yield self.s[k]
        for k in sorted(self.meters):
            yield self.meters[k]
        yield self.added
        yield self.fired
        yield self.streak
        yield self.over
        yield self.result


def initial_state(gd: GameData, sc: Scenario, n: int) -> State:
    lev = {name: np.full(n, L.default) for name, L in gd.levers.items()}
    for name, val in sc.levers.items():
        lev[name][:] = val
    stocks = np.zeros((n, len(STOCK_CHANNELS), AGES))
    for ch, (amount, a0, a1) in sc.stocks.items():
        i = STOCK_CHANNELS.index(ch)
        stocks[:, i, a0 : a1 + 1] = amount / (a1 - a0 + 1)
    s = {k: np.full(n, v) for k, v in sc.state.items()}
    p = gd.params
    s["centre_capacity"] = np.ones(n)
    s["centre_demand"] = np.full(n, sc.state["cn_utilization"] / 100.0)
    s["us_capex"] = np.full(n, p["us_capex_q0"] * (1 + p["us_capex_growth_q"]) ** sc.start)
    s["us_revenue"] = np.full(n, p["us_revenue_q0"] * (1 + p["us_revenue_growth_q"]) ** sc.start)
    for key in (
        "nv_units",
        "hw_units",
        "ot_units",
        "stargate_capex",
        "cn_sales",
        "h200_prev",
        "b30a_prev",
    ):
        s[key] = np.zeros(n)
    s["capex_cycle"] = np.ones(n)
    s["rev_factor"] = np.ones(n)
    state = State(
        n,
        sc.start,
        sc.end,
        lev,
        stocks,
        s,
        {},
        np.zeros((n, 4, 2)),
        np.zeros((n, len(gd.events)), bool),
        np.zeros((n, 2), int),
        np.zeros(n, bool),
        np.zeros(n, np.int8),
    )
    state.meters = compute_meters(gd, state)
    return state


# ----------------------------------------------------------------------------- helpers


def _lev(gd: GameData, st: State, name: str, value: np.ndarray, mask=None) -> None:
    L = gd.levers[name]
    v = np.clip(value, L.lo, L.hi)
    if mask is None:
        st.lev[name] = v
    else:
        st.lev[name] = np.where(mask, v, st.lev[name])


LEDGER_LEVERS = {
    "tension": "tension",
    "us_political_capital": "us_political_capital",
    "cn_political_capital": "cn_political_capital",
}


def apply_effects(gd: GameData, st: State, effects, mask: np.ndarray, ledger: Ledger, label: str):
    """Apply an Effects record to the games in `mask`, booking meter-like levers in the ledger."""
    for name, val in effects.set:
        before = st.lev[name].copy()
        _lev(gd, st, name, np.full(st.n, val), mask)
        if name in LEDGER_LEVERS:
            ledger.add(name, label, st.lev[name] - before)
    for name, val in effects.add:
        before = st.lev[name].copy()
        _lev(gd, st, name, st.lev[name] + val, mask)
        if name in LEDGER_LEVERS:
            ledger.add(name, label, st.lev[name] - before)
    for name, val in effects.mul:
        before = st.lev[name].copy()
        _lev(gd, st, name, st.lev[name] * val, mask)
        if name in LEDGER_LEVERS:
            ledger.add(name, label, st.lev[name] - before)


def requirement_mask(st: State, reqs) -> np.ndarray:
    ok = np.ones(st.n, bool)
    for r in reqs:
        v = st.lev[r.lever]
        ok &= (v >= r.lo - 1e-9) & (v <= r.hi + 1e-9)
    return ok


# ----------------------------------------------------------------------------- moves


def apply_moves(gd: GameData, st: State, choices: np.ndarray, ledger: Ledger) -> np.ndarray:
    """Apply chosen moves. `choices` is (n, n_moves): option index, or -1 for not chosen.

    Moves that are not legal in a game (requirement unmet, already the stance, unaffordable,
    game over) are skipped in that game; returns the (n, n_moves) mask of moves actually taken.
    """
    taken = np.zeros(choices.shape, bool)
    for j, m in enumerate(gd.moves):
        col = choices[:, j]
        chosen = (col >= 0) & ~st.over
        if not chosen.any():
            continue
        ok = chosen & requirement_mask(st, m.requires)
        pc_name = "us_political_capital" if m.side == "us" else "cn_political_capital"
        for k, opt in enumerate(m.options):
            mask = ok & (col == k)
            if m.has_options:
                mask &= st.lev[m.lever] != opt.value
            mask &= st.lev[pc_name] >= opt.cost
            if not mask.any():
                continue
            taken[:, j] |= mask
            before = st.lev[pc_name].copy()
            _lev(gd, st, pc_name, st.lev[pc_name] - opt.cost, mask)
            ledger.add(pc_name, "moves' cost", st.lev[pc_name] - before)
            if m.has_options:
                _lev(gd, st, m.lever, np.full(st.n, opt.value), mask)
            apply_effects(gd, st, opt.effects, mask, ledger, m.name)
    return taken


def legal_mask(gd: GameData, st: State, j: int, k: int) -> tuple[np.ndarray, str]:
    """Which games may take option k of move j now, and the reason when not (for the first failing game)."""
    m = gd.moves[j]
    opt = m.options[k]
    pc_name = "us_political_capital" if m.side == "us" else "cn_political_capital"
    reason = ""
    ok = ~st.over
    if not ok.all():
        reason = "the game is over"
    for r in m.requires:
        v = st.lev[r.lever]
        good = (v >= r.lo - 1e-9) & (v <= r.hi + 1e-9)
        if not reason and not good.all():
            reason = r.reason
        ok &= good
    if m.has_options:
        good = st.lev[m.lever] != opt.value
        if not reason and not good.all():
            reason = f"{opt.name} is already the policy"
        ok &= good
    good = st.lev[pc_name] >= opt.cost
    if not reason and not good.all():
        reason = (
            f"costs {opt.cost:g} political capital, {float(st.lev[pc_name].min()):.0f} available"
        )
    ok &= good
    return ok, reason


# ----------------------------------------------------------------------------- events


def event_chances(gd: GameData, st: State) -> np.ndarray:
    out = np.zeros((st.n, len(gd.events)))
    for i, ev in enumerate(gd.events):
        p = np.full(st.n, ev.chance)
        for name, coef in ev.modifiers:
            p = p + coef * (st.lev[name] if name in st.lev else st.meters[name])
        p = np.clip(p, 0.0, 1.0) * requirement_mask(st, ev.requires)
        if ev.once:
            p = p * ~st.fired[:, i]
        out[:, i] = p
    return out


def fire_events(gd: GameData, st: State, uniforms: np.ndarray, ledger: Ledger):
    chances = event_chances(gd, st)
    fired = (uniforms < chances) & ~st.over[:, None]
    revealed = np.zeros((st.n, 2), bool)
    for i, ev in enumerate(gd.events):
        mask = fired[:, i]
        if not mask.any():
            continue
        apply_effects(gd, st, ev.effects, mask, ledger, ev.name)
        if ev.once:
            st.fired[:, i] |= mask
        if ev.reveals:
            revealed[:, 0 if ev.reveals == "us" else 1] |= mask
    return fired, revealed


# ----------------------------------------------------------------------------- dynamics


def survival_hazard(gd: GameData) -> np.ndarray:
    p = gd.params
    h = np.where(np.arange(AGES) < p["old_age_q"], p["hazard_young"], p["hazard_old"])
    h[int(p["life_training_q"]) :] = 1.0
    return h


def age_stocks(gd: GameData, st: State, legacy_wear: np.ndarray) -> np.ndarray:
    """Retire by vintage and age one quarter. Returns retired B300e per channel (n, channels)."""
    h = np.broadcast_to(survival_hazard(gd), st.stocks.shape).copy()
    h[:, LEGACY, :] = np.clip(h[:, LEGACY, :] + legacy_wear[:, None], 0, 1)
    retired = (st.stocks * h).sum(axis=2)
    kept = st.stocks * (1 - h)
    st.stocks[:, :, 1:] = kept[:, :, :-1]
    st.stocks[:, :, 0] = 0.0
    return retired


def dom_eff(p, lev) -> np.ndarray:
    return p["dom_eff_base"] + p["dom_eff_decuda"] * lev["decuda"]


def compute_meters(gd: GameData, st: State) -> dict[str, np.ndarray]:
    """Derive the visible meters from the state (after a step, or at the start)."""
    p, lev, s = gd.params, st.lev, st.s
    stock = st.stocks.sum(axis=2)
    us = stock[:, US]
    eff = dom_eff(p, lev)
    cn_owned = stock[:, LEGACY] + stock[:, IMPORT] + stock[:, GREY] + stock[:, DOMESTIC] * eff
    cn = cn_owned + s["cn_cloud"] * p["training_share_cloud"]
    m: dict[str, np.ndarray] = {}
    m["us_compute"] = us
    m["cn_compute"] = cn
    m["stock_ratio"] = us / np.maximum(cn, 1.0)
    add = st.added.sum(axis=1)
    m["added_ratio_4q"] = np.where(
        add[:, 1] > 0, add[:, 0] / np.maximum(add[:, 1], 1.0), m["stock_ratio"]
    )
    training_us = np.log(np.maximum(us, 1.0))
    training_cn = np.log(
        np.maximum(cn, 1.0) * lev["cn_algo"] * (1 + p["talent_step"] * lev["talent"])
    )
    m["capability_gap_months"] = (
        (training_us - training_cn) * p["months_per_efold"]
        + p["gap_offset_months"]
        + lev["research_luck"]
    )
    m["nvidia_cn_share"] = s["nvidia_cn_share"]
    m["huawei_cn_share"] = s["huawei_cn_share"]
    m["cn_global_app_share"] = s["cn_global_app_share"]
    m["cn_cloud_compute"] = s["cn_cloud"]
    chill = chill_level(p, lev)
    own = p["own_capex_per_b300e"] / p["own_life_q"] + p["own_opex_q"]
    m["cloud_cost_ratio"] = (
        p["cloud_price_q"] * (1 + p["cloud_risk_premium"] * chill / p["chill_max"]) / own
    )
    m["cuda_lockin"] = s["cuda_lockin"]
    m["us_ai_capex"] = s["us_capex"]
    m["us_ai_revenue"] = s["us_revenue"]
    ratio = np.log(np.maximum(s["us_capex"], 1e-6) / np.maximum(s["us_revenue"], 1e-6))
    m["bubble_risk"] = (
        100.0 / (1.0 + np.exp(-(ratio - p["bubble_mid"]) / p["bubble_scale"]))
        + p["bubble_concentration"]
        + lev["bubble_sentiment"]
        - p["burst_risk_reset"] * lev["burst"]
    )
    m["cn_utilization"] = 100.0 * s["centre_demand"] / s["centre_capacity"]
    m["cn_rent_rmb"] = s["cn_rent_rmb"]
    m["tension"] = lev["tension"]
    m["us_political_capital"] = lev["us_political_capital"]
    m["cn_political_capital"] = lev["cn_political_capital"]
    for k, meter in gd.meters.items():
        if k in m:
            m[k] = np.clip(m[k], meter.lo, meter.hi)
    m["score"] = np.clip(score(gd, m), -100, 100)
    return m


def chill_level(p, lev) -> np.ndarray:
    like = np.asarray(p["rasa_likelihood"])[lev["rasa_stage"].astype(int)]
    in_force = lev["rasa_stage"] >= 5
    base = np.where(in_force, 0.0, p["chill_max"] * like * (lev["rasa_stage"] >= 1))
    return np.clip(base + lev["chill_shock"], 0.0, 0.9)


def score_parts(gd: GameData, m: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    p = gd.params

    def part(x):
        return np.clip(x, -1.0, 1.0)

    return {
        "capability": p["score_w_gap"]
        * np.tanh((m["capability_gap_months"] - p["score_gap_par"]) / p["score_gap_scale"]),
        "China's chip market": p["score_w_market"]
        * part((m["nvidia_cn_share"] - m["huawei_cn_share"]) / 60.0),
        "global users": p["score_w_apps"]
        * part((p["score_app_par"] - m["cn_global_app_share"]) / p["score_app_par"]),
        "US bubble": p["score_w_bubble"] * part((p["score_bubble_par"] - m["bubble_risk"]) / 50.0),
        "CUDA lock-in": p["score_w_lockin"]
        * part((m["cuda_lockin"] - p["score_lockin_par"]) / 40.0),
        "China's overbuild": p["score_w_overbuild"]
        * part((p["score_util_par"] - m["cn_utilization"]) / p["score_util_par"]),
    }


def score(gd: GameData, m: dict[str, np.ndarray]) -> np.ndarray:
    return sum(score_parts(gd, m).values())


def us_growth_factor(p: dict, q: int) -> float:
    """US output in quarter q relative to 2025Q1: growth `us_output_growth_q` that fades by
    `us_growth_decay_q` a quarter (power, packaging and capital run into limits)."""
    g, d = p["us_output_growth_q"], p["us_growth_decay_q"]
    return float(np.prod([1 + g * (1 - d) ** i for i in range(q)]))


def step(gd: GameData, sc: Scenario, st: State, choices: np.ndarray, rng: np.random.Generator):
    """Advance every game one quarter. Returns (taken moves, fired events, revealed, ledger)."""
    p = gd.params
    n = st.n
    ledger = Ledger(n)
    old_meters = st.meters
    q = st.q
    active = ~st.over
    # Randomness: a fixed-size block per quarter, so every choice of moves sees the same draws.
    uniforms = rng.random((n, len(gd.events) + 1))
    normals = rng.standard_normal((n, N_NORMALS))

    taken = apply_moves(gd, st, choices, ledger)
    for inj in sc.injects:
        if inj.quarter == q:
            apply_effects(
                gd, st, inj.effects, active, ledger, "scripted: " + (inj.headline or "inject")
            )
    fired, revealed = fire_events(gd, st, uniforms[:, :-1], ledger)
    reveal_draw = uniforms[:, -1] < p["reveal_chance"]
    revealed[:, 1] |= reveal_draw
    revealed[:, 0] |= reveal_draw

    lev, s = st.lev, st.s
    # ---- US production and installs
    g_us = p["us_output_2025"] / sum(us_growth_factor(p, i) for i in range(4))
    s["subsidy_level"] = (
        s["subsidy_level"] + (lev["subsidy"] - s["subsidy_level"]) / p["us_subsidy_lag_q"]
    )
    capex_cycle = lev["capex_factor"]
    us_out = (
        g_us
        * us_growth_factor(p, q)
        * np.exp(p["us_output_noise"] * normals[:, 0] - 0.5 * p["us_output_noise"] ** 2)
        * (1 + p["us_subsidy_boost"] * s["subsidy_level"])
        * (1 + p["stargate_output_boost"] * (lev["stargate"] > 0))
        * lev["us_energy_factor"]
        * np.minimum(capex_cycle, 1.0)
    )
    # ---- China: domestic output
    s["ascend_capacity"] = s["ascend_capacity"] + p["ascend_lag_rate"] * (
        lev["ascend_invest"] - s["ascend_capacity"]
    )
    ascend_boost = p["ascend_max_boost"] * (1 - np.exp(-s["ascend_capacity"] / p["ascend_scale"]))
    h_q0 = p["huawei_output_2025"] / sum((1 + p["huawei_growth_q"]) ** i for i in range(4))
    noise_cn = np.exp(p["output_noise_cn"] * normals[:, 1] - 0.5 * p["output_noise_cn"] ** 2)
    huawei = (
        h_q0
        * (1 + p["huawei_growth_q"]) ** q
        * (1 + ascend_boost)
        * lev["hbm_factor"]
        * (1 + p["litho_yield_boost"] * lev["litho_breakthrough"])
        * noise_cn
    )
    # other makers scale with Huawei but lean less on the scarce HBM: a shortage halves them less
    other = (
        p["other_vs_huawei"]
        * huawei
        / lev["hbm_factor"]
        * np.minimum(lev["hbm_factor"] + p["other_hbm_slack"], 1.0)
    )
    # ---- China: imports (set by both sides' stances)
    decoupled = lev["decouple_stage"] >= 3
    accept = np.asarray([0.0, p["quota_fraction"], 1.0])[lev["cn_imports"].astype(int)] * ~decoupled
    tension_drag = np.clip(
        1 - p["tension_import_drag"] * np.maximum(lev["tension"] - 50, 0), 0.3, 1.0
    )
    h200_supply = np.asarray([0.0, p["h200_cbc_q"], p["h200_open_q"]])[
        lev["h200_exports"].astype(int)
    ]
    ramp = np.where(s["h200_prev"] > 0, 1.0, p["import_ramp"])
    h200 = h200_supply * accept * tension_drag * ramp
    b30a_ramp = np.where(s["b30a_prev"] > 0, 1.0, p["import_ramp"])
    b30a = p["b30a_q"] * lev["b30a_licence"] * accept * tension_drag * b30a_ramp
    h20 = p["h20_q"] * (lev["h20_controls"] == 0) * accept * tension_drag
    s["h200_prev"], s["b30a_prev"] = h200, b30a
    imports = h200 + b30a + h20
    grey = (
        p["grey_q"]
        * (1 + p["grey_push"] * lev["grey"])
        * (1 - p["smuggling_cut"] * lev["anti_smuggling"])
        * (1 + p["grey_shortage"] * (imports < 0.5 * p["h200_cbc_q"]))
    )
    # ---- overseas cloud
    chill = chill_level(p, lev)
    subst = 1 - p["cloud_substitution"] * imports / (imports + p["cloud_subst_scale"])
    rasa_cut = np.where(
        lev["rasa_stage"] >= 5,
        1
        - p["rasa_cut"] * (1 - p["neocloud_leak"] * lev["neocloud"] * (lev["diffusion_rule"] == 0)),
        1.0,
    )
    refusal = 1 + p["cloud_refusal_boost"] * (2 - lev["cn_imports"]) / 2
    target = (
        p["cloud_q0"]
        * (1 + p["cloud_growth_q"]) ** q
        * (1 + p["neocloud_boost"] * lev["neocloud"])
        * refusal
        * subst
        * (1 - chill)
        * rasa_cut
        * (1 - p["diffusion_cloud_cut"] * lev["diffusion_rule"])
        * ~decoupled
    )
    old_cloud = s["cn_cloud"]
    s["cn_cloud"] = np.maximum(old_cloud + p["cloud_adjust"] * (target - old_cloud), 0.0)
    # why: demand at its trend, then each factor applied in turn (the parts sum to the change)
    k, running = p["cloud_adjust"], p["cloud_q0"] * (1 + p["cloud_growth_q"]) ** q
    ledger.add("cn_cloud_compute", "underlying demand", k * (running - old_cloud))
    for label, factor in (
        ("chilling effect", 1 - chill),
        ("RASA in force", rasa_cut),
        ("Nvidia imports replacing cloud", subst),
        ("refusing Nvidia imports", refusal),
        ("neocloud push", 1 + p["neocloud_boost"] * lev["neocloud"]),
        ("Diffusion tiers", 1 - p["diffusion_cloud_cut"] * lev["diffusion_rule"]),
        ("decoupling", (~decoupled).astype(float)),
    ):
        ledger.add("cn_cloud_compute", label, k * running * (factor - 1))
        running = running * factor
    new_cloud = np.maximum(s["cn_cloud"] - old_cloud, 0.0)
    # ---- stocks: retire and age, then install this quarter's flows
    retired = age_stocks(gd, st, lev["legacy_wear"])
    st.stocks[:, US, 0] = us_out
    st.stocks[:, IMPORT, 0] = imports
    st.stocks[:, DOMESTIC, 0] = huawei + other
    st.stocks[:, GREY, 0] = grey
    cn_added = huawei + other + imports + grey + new_cloud
    add_before = st.added.sum(axis=1)
    st.added[:, :-1] = st.added[:, 1:]
    st.added[:, -1, 0] = us_out
    st.added[:, -1, 1] = cn_added
    s["us_added"], s["cn_added"] = us_out, cn_added
    add_after = st.added.sum(axis=1)
    known = (add_before[:, 1] > 0) & (add_after[:, 1] > 0)
    by_us, by_cn = shapley2(
        lambda u, c: u / np.maximum(c, 1.0),
        add_before[:, 0],
        add_after[:, 0],
        add_before[:, 1],
        add_after[:, 1],
    )
    ledger.add("added_ratio_4q", "US additions", np.where(known, by_us, 0.0))
    ledger.add("added_ratio_4q", "China's additions", np.where(known, by_cn, 0.0))
    s["huawei_out"], s["other_out"], s["imports"], s["grey_flow"] = huawei, other, imports, grey
    # ---- China's efficiency (ceiling: the Int4 floor)
    algo_before = lev["cn_algo"].copy()
    room = p["cn_algo_ceiling"] - lev["cn_algo"]
    gain_drive = p["efficiency_step"] * room * np.minimum(lev["efficiency"], 1.0)
    gain_open = (
        p["open_source_algo"] * lev["open_source"] * ~decoupled * np.maximum(room - gain_drive, 0)
    )
    _lev(gd, st, "cn_algo", lev["cn_algo"] + gain_drive + gain_open)
    luck_before = lev["research_luck"].copy()
    _lev(gd, st, "research_luck", lev["research_luck"] + p["research_noise_months"] * normals[:, 2])
    # ---- market shares (units bought this quarter)
    nv_units = (
        h20 * p["units_per_b300e_h20"]
        + h200 * p["units_per_b300e_h200"]
        + b30a * p["units_per_b300e_b30a"]
        + grey * p["units_per_b300e_h200"]
    )
    hw_units = huawei * p["units_per_b300e_huawei"]
    ot_units = other * p["units_per_b300e_other"]
    a = p["share_smoothing"]

    def share(num, rest):
        return 100.0 * num / np.maximum(num + rest, 1.0)

    had = (s["nv_units"] + s["hw_units"] + s["ot_units"]) > 0
    for key, num0, num1, rest0, rest1, labels in (
        (
            "nvidia_cn_share",
            s["nv_units"],
            nv_units,
            s["hw_units"] + s["ot_units"],
            hw_units + ot_units,
            ("Nvidia supply", "domestic supply"),
        ),
        (
            "huawei_cn_share",
            s["hw_units"],
            hw_units,
            s["nv_units"] + s["ot_units"],
            nv_units + ot_units,
            ("Huawei supply", "Nvidia and other supply"),
        ),
    ):
        tgt0, tgt1 = share(num0, rest0), share(num1, rest1)
        mine, theirs = shapley2(share, num0, num1, rest0, rest1)
        ledger.add(key, labels[0], np.where(had, a * mine, 0.0))
        ledger.add(key, labels[1], np.where(had, a * theirs, 0.0))
        ledger.add(
            key,
            "earlier purchases feeding through",
            np.where(had, a * (tgt0 - s[key]), a * (tgt1 - s[key])),
        )
        s[key] = s[key] + a * (tgt1 - s[key])
    s["nv_units"], s["hw_units"], s["ot_units"] = nv_units, hw_units, ot_units
    # ---- CUDA lock-in
    installed_nv = st.stocks[:, [LEGACY, IMPORT, GREY]].sum(axis=(1, 2))
    nv_frac = installed_nv / np.maximum(installed_nv + st.stocks[:, DOMESTIC].sum(axis=1), 1.0)
    from_chips = p["lockin_base"] + p["lockin_span"] * nv_frac
    lock_target = from_chips * (1 - p["lockin_decuda"] * lev["decuda"])
    ledger.add(
        "cuda_lockin",
        "Nvidia's share of installed chips",
        p["lockin_adjust"] * (from_chips - s["cuda_lockin"]),
    )
    ledger.add(
        "cuda_lockin", "de-CUDA software stack", p["lockin_adjust"] * (lock_target - from_chips)
    )
    s["cuda_lockin"] = s["cuda_lockin"] + p["lockin_adjust"] * (lock_target - s["cuda_lockin"])
    # ---- global users
    gap_prev = old_meters["capability_gap_months"]
    from_gap = p["app_share_base"] + p["app_share_span"] * (
        1 / (1 + np.exp(gap_prev / p["app_gap_scale"])) - 0.3
    )
    app_parts = {
        "capability gap": from_gap - s["cn_global_app_share"],
        "open-source push": p["app_open_source"] * lev["open_source"],
        "AI+ push": p["app_ai_plus"] * lev["ai_plus"],
        "US blocking Chinese users": p["app_block_users"] * lev["block_cn_users"],
        "app launches and shocks": lev["app_shock"],
    }
    for label, part in app_parts.items():
        ledger.add("cn_global_app_share", label, p["app_adjust"] * part)
    app_target = s["cn_global_app_share"] + sum(app_parts.values())
    s["cn_global_app_share"] = np.clip(
        s["cn_global_app_share"] + p["app_adjust"] * (app_target - s["cn_global_app_share"]), 0, 100
    )
    # ---- US money: capex, revenue (China sales count), bubble
    trend0 = p["us_capex_q0"] * (1 + p["us_capex_growth_q"]) ** q
    trend1 = trend0 * (1 + p["us_capex_growth_q"])
    stargate_capex = p["stargate_capex_q"] * (lev["stargate"] > 0)
    s["us_capex"] = trend_factor_extra(
        ledger,
        "us_ai_capex",
        ("planned growth", "capex cycle (bubble, recovery)", "Stargate"),
        (trend0, trend1),
        (s["capex_cycle"], capex_cycle),
        (s["stargate_capex"], stargate_capex),
    )
    s["capex_cycle"], s["stargate_capex"] = capex_cycle, stargate_capex
    cn_sales = p["china_market_revenue"] * (h200 + b30a + h20) / 10000.0
    rev_factor = (
        (1 - p["block_users_revenue_loss"] * lev["block_cn_users"])
        * (1 - p["tariff_revenue_loss"] * lev["tariffs"])
        * (1 - p["burst_revenue_cut"] * lev["burst"])
        * (1 - p["decouple_revenue_loss"] * decoupled)
    )
    rev0 = p["us_revenue_q0"] * (1 + p["us_revenue_growth_q"]) ** q
    rev1 = rev0 * (1 + p["us_revenue_growth_q"])
    s["us_revenue"] = trend_factor_extra(
        ledger,
        "us_ai_revenue",
        ("AI adoption", "blocks, tariffs, burst, decoupling", "chip sales to China"),
        (rev0, rev1),
        (s["rev_factor"], rev_factor),
        (s["cn_sales"], cn_sales),
    )
    s["rev_factor"], s["cn_sales"] = rev_factor, cn_sales
    # ---- China's overbuild: centres, demand, utilisation, rent
    growth = np.where(
        lev["centre_subsidy"] > 0, p["centre_growth_subsidy_q"], p["centre_growth_base_q"]
    )
    cap_before, dem_before = s["centre_capacity"].copy(), s["centre_demand"].copy()
    s["centre_capacity"] = s["centre_capacity"] * (1 + growth)
    s["centre_demand"] = s["centre_demand"] * (
        1
        + p["demand_growth_q"]
        + p["demand_ai_plus"] * lev["ai_plus"]
        + p["demand_app_share"] * (s["cn_global_app_share"] - p["app_share_base"])
    )
    s["centre_demand"] = np.minimum(s["centre_demand"], s["centre_capacity"] * p["max_utilization"])
    util = 100.0 * s["centre_demand"] / s["centre_capacity"]
    idle = s["cn_rent_rmb"] * p["rent_elasticity"] * (util - p["rent_util_eq"])
    supply = -s["cn_rent_rmb"] * p["rent_import_drag"] * (h200 + b30a) / 100000.0
    ledger.add("cn_rent_rmb", "utilisation of data centres", idle)
    ledger.add("cn_rent_rmb", "imported Nvidia supply", supply)
    s["cn_rent_rmb"] = s["cn_rent_rmb"] + idle + supply
    s["cn_rent_rmb"] = np.clip(
        s["cn_rent_rmb"], gd.meters["cn_rent_rmb"].lo, gd.meters["cn_rent_rmb"].hi
    )
    # ---- politics: tension relaxes, capital regenerates
    t_before = lev["tension"].copy()
    _lev(
        gd,
        st,
        "tension",
        lev["tension"] + p["tension_revert"] * (p["tension_base"] - lev["tension"]),
    )
    ledger.add("tension", "tensions ease with time", lev["tension"] - t_before)
    for pc in ("us_political_capital", "cn_political_capital"):
        b = lev[pc].copy()
        _lev(gd, st, pc, lev[pc] + p["capital_regen"])
        ledger.add(pc, "regained this quarter", lev[pc] - b)

    # ---- meters and their causes
    new = compute_meters(gd, st)
    explain(
        gd,
        st,
        ledger,
        old_meters,
        new,
        retired,
        dict(
            us_out=us_out,
            huawei=huawei,
            other=other,
            imports=imports,
            grey=grey,
            cloud_delta=s["cn_cloud"] - old_cloud,
            centre=(cap_before, s["centre_capacity"], dem_before, s["centre_demand"]),
            algo_before=algo_before,
            luck_before=luck_before,
        ),
    )
    # games already over keep their meters
    for k in new:
        new[k] = np.where(st.over, old_meters[k], new[k])
    st.meters = new
    # ---- victory
    gap = new["capability_gap_months"]
    st.streak[:, 0] = np.where(active & (gap >= p["us_decisive_gap"]), st.streak[:, 0] + 1, 0)
    st.streak[:, 1] = np.where(active & (gap < 0), st.streak[:, 1] + 1, 0)
    dq = p["decisive_quarters"]
    last = q >= st.end
    res = np.full(n, RESULT_NONE, np.int8)
    res = np.where(st.streak[:, 1] >= dq, RESULT_CHINA, res)
    res = np.where(st.streak[:, 0] >= dq, RESULT_US, res)
    final = np.where(
        new["score"] >= p["win_margin"],
        RESULT_US,
        np.where(new["score"] <= -p["win_margin"], RESULT_CHINA, RESULT_DRAW),
    )
    res = np.where((res == RESULT_NONE) & last, final, res)
    newly = active & (res != RESULT_NONE)
    st.result = np.where(newly, res, st.result).astype(np.int8)
    st.over = st.over | newly
    # ---- upkeep of levers: pushes reset, shocks revert, programmes count down
    for name, L in gd.levers.items():
        v = lev[name]
        if L.revert:
            v = v + L.revert * (L.default - v)
        if L.decay:
            v = v - L.decay
        if L.revert or L.decay:
            _lev(gd, st, name, v, active)
    st.q = q + 1
    return taken, fired, revealed, ledger


def explain(gd: GameData, st: State, L: Ledger, old: dict, new: dict, retired, f) -> None:
    """Split each meter's change into named causes (first-order shares; the remainder is booked too)."""
    p, lev = gd.params, st.lev
    eff = dom_eff(p, lev)
    # US compute
    L.add("us_compute", "new US chips", f["us_out"])
    L.add("us_compute", "retirement", -retired[:, US])
    # China compute, by channel
    cn_causes = {
        "domestic chips": (f["huawei"] + f["other"]) * eff,
        "Nvidia imports": f["imports"],
        "grey market": f["grey"],
        "overseas cloud": f["cloud_delta"] * p["training_share_cloud"],
        "legacy Nvidia retiring": -retired[:, LEGACY],
        "other retirement": -(retired[:, IMPORT] + retired[:, GREY] + retired[:, DOMESTIC] * eff),
    }
    for k, v in cn_causes.items():
        L.add("cn_compute", k, v)
    us_causes = {"new US chips": f["us_out"], "US retirement": -retired[:, US]}
    for meter, value in (("us_compute", new["us_compute"]), ("cn_compute", new["cn_compute"])):
        L.close(meter, old[meter], value, "software adaptation (de-CUDA)")
    # ratio: d(us/cn) ~ (1/cn) d us - (us/cn^2) d cn
    us0, cn0 = old["us_compute"], np.maximum(old["cn_compute"], 1.0)
    first_order(L, "stock_ratio", 1.0 / cn0, us_causes)
    first_order(L, "stock_ratio", -us0 / cn0**2, cn_causes)
    L.close("stock_ratio", old["stock_ratio"], new["stock_ratio"])
    # capability gap (months): compute on each side, China's algorithms, luck
    mpe = p["months_per_efold"]
    L.add(
        "capability_gap_months",
        "US compute",
        mpe * np.log(np.maximum(new["us_compute"], 1) / np.maximum(old["us_compute"], 1)),
    )
    L.add(
        "capability_gap_months",
        "China compute",
        -mpe * np.log(np.maximum(new["cn_compute"], 1) / np.maximum(old["cn_compute"], 1)),
    )
    L.add(
        "capability_gap_months",
        "China's algorithmic efficiency",
        -mpe * np.log(lev["cn_algo"] / f["algo_before"]),
    )
    L.add(
        "capability_gap_months",
        "research breakthroughs and luck",
        lev["research_luck"] - f["luck_before"],
    )
    for meter in gd.meters:
        if meter in (
            "us_compute",
            "cn_compute",
            "stock_ratio",
            "capability_gap_months",
            "score",
            "added_ratio_4q",
        ):
            if meter == "added_ratio_4q":
                L.close(meter, old[meter], new[meter], "start of the four-quarter window")
            elif meter != "score":
                L.close(meter, old[meter], new[meter])
            continue
        if meter in L.causes:  # booked where it was computed
            L.close(meter, old[meter], new[meter], "limits")
            continue
        if meter in ("tension", "us_political_capital", "cn_political_capital"):
            L.close(meter, old[meter], new[meter], "limits")
            continue
        if meter == "bubble_risk":

            def risk(capex, revenue):
                x = np.log(np.maximum(capex, 1e-6) / np.maximum(revenue, 1e-6))
                return 100.0 / (1.0 + np.exp(-(x - p["bubble_mid"]) / p["bubble_scale"]))

            by_capex, by_revenue = shapley2(
                risk,
                old["us_ai_capex"],
                new["us_ai_capex"],
                old["us_ai_revenue"],
                new["us_ai_revenue"],
            )
            L.add(meter, "US AI capex", by_capex)
            L.add(meter, "US AI revenue", by_revenue)
            L.close(meter, old[meter], new[meter], "market sentiment and the burst")
            continue
        if meter == "cn_utilization":
            c0, c1, d0, d1 = f["centre"]
            by_cap, by_dem = shapley2(lambda c, d: 100.0 * d / c, c0, c1, d0, d1)
            L.add(meter, "new data centres", by_cap)
            L.add(meter, "AI demand", by_dem)
            L.close(meter, old[meter], new[meter])
            continue
        label = {
            "nvidia_cn_share": "this quarter's chip purchases",
            "huawei_cn_share": "this quarter's chip purchases",
            "cn_global_app_share": "capability, open source and app launches",
            "cn_cloud_compute": "cloud demand, chilling and RASA",
            "cloud_cost_ratio": "compliance-risk premium",
            "cuda_lockin": "installed Nvidia vs domestic, de-CUDA",
            "us_ai_capex": "capex plans, Stargate, the cycle",
            "us_ai_revenue": "AI adoption, China sales, blocks and tariffs",
            "cn_rent_rmb": "utilisation and imported supply",
        }[meter]
        L.add(meter, label, new[meter] - old[meter])
    # score: by component
    parts_old, parts_new = score_parts(gd, old), score_parts(gd, new)
    for k in parts_new:
        L.add("score", k, parts_new[k] - parts_old[k])
    L.close("score", old["score"], new["score"], "limits")
