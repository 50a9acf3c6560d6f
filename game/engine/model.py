"""The quarterly model: batched state (leading axis = games) and the step that advances it one quarter.

`step` runs the named phases of `PHASES` in order. Each phase reads the state and what earlier phases
left in the `Quarter`, updates the state, and books the causes it computes in the ledger, so "why a
meter moved" is written where the movement is computed. The last phases derive the visible meters,
close each meter's books (whatever the causes leave is booked under the meter's `rest` label from
data/meters.yaml), score the quarter and decide who has won.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from game.engine.data import STOCK_CHANNELS, GameData, Inject, Scenario
from game.engine.ledger import Ledger, first_order, product_parts, shapley2, trend_factor_extra
from game.engine.rules import apply_effects, apply_moves, fire_events, scaled, set_lever
from game.engine.yamlsrc import DataError

AGES = 24  # vintage buckets (quarters); chips older than the training life are retired
US, LEGACY, IMPORT, DOMESTIC, GREY = range(len(STOCK_CHANNELS))
RESULT_NONE, RESULT_US, RESULT_CHINA, RESULT_DRAW = 0, 1, 2, 3
RESULT_NAMES = {RESULT_NONE: None, RESULT_US: "us", RESULT_CHINA: "china", RESULT_DRAW: "draw"}
# uniform draws per game per quarter: one per event + reveal draws; normals: fixed count.
N_NORMALS = 4
# China's compute by channel as players see it, and the lever of a covert move feeding each one
CHANNELS = ("old Nvidia", "imports", "domestic", "grey mkt", "cloud")
FLOW_CHANNEL = {"cn_domestic_output": "domestic", "nvidia_imports": "imports"}
FLOW_CHANNEL |= {"grey_flow": "grey mkt", "cloud_demand": "cloud"}
LEVER_CHANNEL = {"grey": "grey mkt", "neocloud": "cloud"}


@dataclass
class State:
    """All games' state at the start of quarter `q` (quarters since 2025Q1). Arrays have leading axis n.

    `unexposed[i, j]`: move j was played covertly in game i and has not been exposed yet (derived
    from the moves and the dice, so it is not part of the digest). `allowed[j]`: move j is part of
    the scenario (its `moves:` lists; None: every move is), the same in every game and fixed by
    the scenario (not part of the digest either)."""

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
    unexposed: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool))
    allowed: np.ndarray | None = None

    def _map(self, f) -> State:
        return State(
            self.n,
            self.q,
            self.end,
            {k: f(v) for k, v in self.lev.items()},
            f(self.stocks),
            {k: f(v) for k, v in self.s.items()},
            {k: f(v) for k, v in self.meters.items()},
            f(self.added),
            f(self.fired),
            f(self.streak),
            f(self.over),
            f(self.result),
            f(self.unexposed),
            self.allowed,
        )

    def copy(self) -> State:
        return self._map(np.copy)

    def take(self, idx: np.ndarray) -> State:
        """A new state holding games `idx` of this one (repeats allowed: a batch of copies)."""
        idx = np.asarray(idx)
        st = self._map(lambda v: v[idx])
        st.n = len(idx)
        return st

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
    for ch in sc.stocks:  # B300e in each vintage bucket (`by_age:`, or spread over the ages)
        stocks[:, STOCK_CHANNELS.index(ch)] = sc.stock_profile(ch)
    s = {k: np.full(n, v) for k, v in sc.state.items()}
    p = gd.params
    s["centre_capacity"] = np.ones(n)
    s["centre_demand"] = np.full(n, sc.state["cn_utilization"] / 100.0)
    # the money the scenario starts with: the trend parts of capex and revenue (no cycle yet)
    s["capex_base"], s["revenue_base"] = s["us_capex"].copy(), s["us_revenue"].copy()
    s["tension_start"] = lev["tension"].copy()
    s["rent_base"] = s["cn_rent_rmb"] / rent_utilisation_factor(p, s["cn_utilization"])
    for key in ("nv_units", "hw_units", "ot_units", "cn_units", "stargate_capex", "cn_sales"):
        s[key] = np.zeros(n)
    for key in ("h200_prev", "b30a_prev"):
        s[key] = np.zeros(n)
    s["capex_cycle"] = lev["capex_factor"].copy()
    s["capex_base"] = s["us_capex"] / np.maximum(s["capex_cycle"], 1e-6)
    s["rev_factor"] = np.ones(n)
    s["huawei_level"] = np.full(n, (1 + p["huawei_growth_q"]) ** sc.start)
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
        np.zeros((n, len(gd.moves)), bool),
        None if sc.allowed is None else np.array([sc.allows(m) for m in gd.moves], bool),
    )
    state.meters = compute_meters(gd, state)
    check_catalogue(gd, state.meters)
    return state


def check_catalogue(gd: GameData, computed, meters=None, path: str | None = None) -> None:
    """Every meter the catalogue (data/meters.yaml, or `meters` read from `path`) declares is
    computed by the model, and every computed meter is declared. Raises DataError naming the file,
    the line and the meter."""
    meters = gd.meters if meters is None else meters
    path = path or gd.meters_path
    for name, meter in meters.items():
        if name not in computed:
            raise DataError(
                path,
                meter.line,
                f"meters.{name}",
                f"meter {name!r} is declared but the model does not compute it "
                f"(computed: {', '.join(computed)})",
            )
    for name in computed:
        if name not in meters:
            raise DataError(
                path,
                None,
                "meters",
                f"the model computes meter {name!r} but this catalogue does not declare it",
            )


# ----------------------------------------------------------------------------- derived quantities


def survival_hazard(gd: GameData) -> np.ndarray:
    """Chance a chip of each age (quarters) leaves service this quarter: low while young, then
    rising by `hazard_ramp_q` a quarter up to `hazard_max`, so no quarter retires a whole vintage;
    the last bucket (six years) is scrapped."""
    p = gd.params
    age = np.arange(AGES)
    ramp = p["hazard_young"] + p["hazard_ramp_q"] * (age - p["old_age_q"] + 1)
    h = np.where(age < p["old_age_q"], p["hazard_young"], np.minimum(ramp, p["hazard_max"]))
    h[-1] = 1.0
    return h


def rent_utilisation_factor(p, util) -> np.ndarray:
    """How utilisation moves rent: 1 at the reference utilisation, higher when centres fill."""
    return np.exp(p["rent_util_slope"] * (np.asarray(util) - p["utilization_start"]) / 100.0)


def us_cost_per_b300e(p, q: int) -> float:
    """All-in US capex per B300e installed in quarter q ($ thousands): falls on a stated trend."""
    return p["us_cost_per_b300e"] * (1 - p["us_cost_decline_q"]) ** q


def dom_eff(p, lev) -> np.ndarray:
    """Share of rated compute domestic chips deliver (adaptation, the software stack)."""
    return p["dom_eff_base"] + p["dom_eff_decuda"] * lev["decuda"]


def effective_compute(gd: GameData, st: State) -> tuple[np.ndarray, np.ndarray]:
    """US and China effective installed compute (B300e); China's counts rented cloud."""
    p = gd.params
    stock = st.stocks.sum(axis=2)
    eff = dom_eff(p, st.lev)
    cn_owned = stock[:, LEGACY] + stock[:, IMPORT] + stock[:, GREY] + stock[:, DOMESTIC] * eff
    return stock[:, US], cn_owned + st.s["cn_cloud"] * p["training_share_cloud"]


def china_channels(gd: GameData, st: State) -> dict[str, np.ndarray]:
    """China's effective compute now by channel (B300e), keyed by CHANNELS."""
    stocks = st.stocks.sum(axis=2)
    eff = dom_eff(gd.params, st.lev)
    values = (stocks[:, LEGACY], stocks[:, IMPORT], stocks[:, DOMESTIC] * eff, stocks[:, GREY])
    return dict(zip(CHANNELS, (*values, st.s["cn_cloud"]), strict=True))


def chill_level(p, lev) -> np.ndarray:
    like = np.asarray(p["rasa_likelihood"])[lev["rasa_stage"].astype(int)]
    in_force = lev["rasa_stage"] >= 5
    base = np.where(in_force, 0.0, p["chill_max"] * like * (lev["rasa_stage"] >= 1))
    return np.clip(base + lev["chill_shock"], 0.0, 0.9)


def cloud_cost_ratio(p, lev) -> np.ndarray:
    own = p["own_capex_per_b300e"] / p["own_life_q"] + p["own_opex_q"]
    chill = chill_level(p, lev)
    return p["cloud_price_q"] * (1 + p["cloud_risk_premium"] * chill / p["chill_max"]) / own


def bubble_pressure(p, capex, revenue) -> np.ndarray:
    """The part of bubble risk set by how far US AI capex runs ahead of AI revenue (0-100)."""
    x = np.log(np.maximum(capex, 1e-6) / np.maximum(revenue, 1e-6))
    return 100.0 / (1.0 + np.exp(-(x - p["bubble_mid"]) / p["bubble_scale"]))


def compute_meters(gd: GameData, st: State) -> dict[str, np.ndarray]:
    """Derive the visible meters from the state (after a step, or at the start)."""
    p, lev, s = gd.params, st.lev, st.s
    us, cn = effective_compute(gd, st)
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
    m["cloud_cost_ratio"] = cloud_cost_ratio(p, lev)
    m["cuda_lockin"] = s["cuda_lockin"]
    m["us_ai_capex"] = s["us_capex"]
    m["us_ai_revenue"] = s["us_revenue"]
    m["bubble_risk"] = (
        bubble_pressure(p, s["us_capex"], s["us_revenue"])
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


# The score's parts: (name, weight parameter, what it measures, whose argument it is). Every part is
# the weight times a term in [-1, 1]; positive favours the US.
SCORE_TERMS = (
    ("capability", "score_w_gap", "the capability gap in months against its par", "the hawks (002)"),
    ("compute", "score_w_compute", "the US/China ratio of installed compute against its par",
     "the hawks: compute decides (002)"),
    ("CUDA lock-in", "score_w_lockin", "China's dependence on Nvidia's stack, or its sovereignty",
     "Beijing's self-reliance case (004)"),
    ("global users", "score_w_apps", "Chinese AI apps' share of the world's users", "the free-marketeers (000)"),
    ("US bubble", "score_w_bubble", "US bubble risk: revenue against capex", "the bubble view (003)"),
    ("China's chip market", "score_w_market", "Nvidia's share of China's chip purchases against Huawei's",
     "the free-marketeers (000, 004)"),
    ("China's overbuild", "score_w_overbuild", "idle capacity in China's computing centres", "000"),
)  # fmt: skip


def score_parts(gd: GameData, m: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each part of the score (US-positive), by name, in SCORE_TERMS order."""
    p = gd.params

    def part(x):
        return np.clip(x, -1.0, 1.0)

    terms = {
        "capability": np.tanh(
            (m["capability_gap_months"] - p["score_gap_par"]) / p["score_gap_scale"]
        ),
        "compute": part(
            np.log(np.maximum(m["stock_ratio"], 1e-9) / p["score_ratio_par"])
            / np.log(p["score_ratio_scale"])
        ),
        "CUDA lock-in": part((m["cuda_lockin"] - p["score_lockin_par"]) / 40.0),
        "global users": part((p["score_app_par"] - m["cn_global_app_share"]) / p["score_app_par"]),
        "US bubble": part((p["score_bubble_par"] - m["bubble_risk"]) / 50.0),
        "China's chip market": part((m["nvidia_cn_share"] - m["huawei_cn_share"]) / 60.0),
        "China's overbuild": part(
            (p["score_util_par"] - m["cn_utilization"]) / p["score_util_par"]
        ),
    }
    return {name: p[w] * terms[name] for name, w, _, _ in SCORE_TERMS}


def score(gd: GameData, m: dict[str, np.ndarray]) -> np.ndarray:
    return sum(score_parts(gd, m).values())


def score_breakdown(gd: GameData, m: dict[str, np.ndarray], game: int = 0) -> list[dict]:
    """What one game's score is made of right now: each part's points (US-positive), its weight
    (the most points it can give either side), what it measures and whose argument it is."""
    parts = score_parts(gd, m)
    return [
        {
            "part": name,
            "points": float(np.asarray(parts[name]).reshape(-1)[game]),
            "weight": float(gd.params[w]),
            "measures": what,
            "argument": who,
        }
        for name, w, what, who in SCORE_TERMS
    ]


# ----------------------------------------------------------------------------- one quarter


@dataclass
class Quarter:
    """A quarter in the making: its inputs, the dice, and the flows each phase leaves for the next."""

    gd: GameData
    sc: Scenario
    st: State
    choices: np.ndarray
    ledger: Ledger
    old: dict[str, np.ndarray]  # the meters at the start of the quarter
    uniforms: np.ndarray
    normals: np.ndarray
    taken: np.ndarray | None = None
    fired: np.ndarray | None = None
    revealed: np.ndarray | None = None
    f: dict[str, np.ndarray] = field(default_factory=dict)  # this quarter's flows
    parts: dict[str, list] = field(default_factory=dict)  # flows split by cause (see rules.scaled)
    extra: tuple[Inject, ...] = ()  # the facilitator's injects this quarter (Game.play_turn)

    @property
    def p(self):
        return self.gd.params

    @property
    def q(self) -> int:
        return self.st.q

    @property
    def active(self) -> np.ndarray:
        return self.f["active"]


def moves(t: Quarter) -> None:
    """Both sides' moves: capital paid, stances set, one-off effects applied; covert ones noted."""
    t.f["active"] = ~t.st.over
    # the levers as the quarter began, so later phases can book what moves and events changed
    t.f["lev_start"] = {k: v.copy() for k, v in t.st.lev.items()}
    t.taken = apply_moves(t.gd, t.st, t.choices, t.ledger)
    covert = np.array([m.covert for m in t.gd.moves], bool)
    t.st.unexposed |= t.taken & covert


def events(t: Quarter) -> None:
    """The scenario's scripted injects and the facilitator's, then the random events (with the
    catalogue events an inject names); intelligence may expose covert moves."""
    gd, st = t.gd, t.st
    forced = None
    for inj in (*(i for i in t.sc.injects if i.quarter == t.q), *t.extra):
        if inj.event is not None:
            if forced is None:
                forced = np.zeros((st.n, len(gd.events)), bool)
            forced[:, gd.event_index[inj.event]] = True
        else:
            apply_effects(gd, st, inj.effects, t.active, t.ledger, inj.label)
    t.fired, t.revealed = fire_events(gd, st, t.uniforms[:, :-1], t.ledger, forced)
    reveal_draw = t.uniforms[:, -1] < t.p["reveal_chance"]
    t.revealed[:, 1] |= reveal_draw
    t.revealed[:, 0] |= reveal_draw
    for si, side in enumerate(("us", "china")):
        cols = np.array([m.side == side for m in gd.moves], bool)
        st.unexposed[np.ix_(t.revealed[:, si], cols)] = False


def us_supply(t: Quarter) -> None:
    """US installs: money in the build pipeline becomes chips at a falling cost per B300e, as fast as
    power allows (a grid crunch delays deliveries, it does not destroy the money); subsidies."""
    p, lev, s = t.p, t.st.lev, t.st.s
    s["subsidy_level"] = (
        s["subsidy_level"] + (lev["subsidy"] - s["subsidy_level"]) / p["us_subsidy_lag_q"]
    )
    delivered = p["us_delivery_rate"] * np.minimum(lev["us_energy_factor"], 1.0) * s["us_pipeline"]
    s["us_pipeline"] = s["us_pipeline"] - delivered
    us_out = (
        delivered
        * 1e6  # $B -> $ thousands
        / us_cost_per_b300e(p, t.q)
        * np.exp(p["us_output_noise"] * t.normals[:, 0] - 0.5 * p["us_output_noise"] ** 2)
        * (1 + p["us_subsidy_boost"] * s["subsidy_level"])
    )
    t.f["us_out"], t.parts["us_output"] = scaled(t.gd, t.st, "us_output", us_out, "new US chips")


def china_domestic_supply(t: Quarter) -> None:
    """Huawei's output (Ascend ramp-up with diminishing returns, HBM, lithography) and the others'."""
    p, lev, s = t.p, t.st.lev, t.st.s
    s["ascend_capacity"] = s["ascend_capacity"] + p["ascend_lag_rate"] * (
        lev["ascend_invest"] - s["ascend_capacity"]
    )
    ascend_boost = p["ascend_max_boost"] * (1 - np.exp(-s["ascend_capacity"] / p["ascend_scale"]))
    h_q0 = p["huawei_output_2025"] / sum((1 + p["huawei_growth_q"]) ** i for i in range(4))
    noise_cn = np.exp(p["output_noise_cn"] * t.normals[:, 1] - 0.5 * p["output_noise_cn"] ** 2)
    huawei = (
        h_q0
        * s["huawei_level"]
        * (1 + ascend_boost)
        * lev["hbm_factor"]
        * (1 + p["litho_yield_boost"] * lev["litho_breakthrough"])
        * noise_cn
    )
    # Ascend's ramp is paid for by its sales: where Nvidia sells in China, Huawei grows slower (004)
    pull = 1 - p["huawei_nvidia_drag"] * s["nvidia_cn_share"] / 100.0
    s["huawei_level"] = s["huawei_level"] * (1 + p["huawei_growth_q"] * pull)
    # other makers scale with Huawei but lean less on the scarce HBM: a shortage halves them less
    other = (
        p["other_vs_huawei"]
        * huawei
        / lev["hbm_factor"]
        * np.minimum(lev["hbm_factor"] + p["other_hbm_slack"], 1.0)
    )
    total, t.parts["cn_domestic_output"] = scaled(
        t.gd, t.st, "cn_domestic_output", huawei + other, "domestic chips"
    )
    if len(t.parts["cn_domestic_output"]) > 1:  # a lasting effect scales both makers alike
        share = total / np.maximum(huawei + other, 1e-12)
        huawei, other = huawei * share, other * share
    t.f["huawei"], t.f["other"] = huawei, other


def imports_and_grey(t: Quarter) -> None:
    """Legal Nvidia imports (both sides' stances, tension, a first-quarter ramp) and smuggling."""
    p, lev, s = t.p, t.st.lev, t.st.s
    decoupled = lev["decouple_stage"] >= 3
    stance = np.asarray(p["import_acceptance"])[lev["cn_imports"].astype(int)]  # Beijing's
    accept = stance * ~decoupled
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
    imports, t.parts["nvidia_imports"] = scaled(
        t.gd, t.st, "nvidia_imports", h200 + b30a + h20, "Nvidia imports"
    )
    if len(t.parts["nvidia_imports"]) > 1:
        share = imports / np.maximum(h200 + b30a + h20, 1e-12)
        h200, b30a, h20 = h200 * share, b30a * share, h20 * share
    s["h200_prev"], s["b30a_prev"] = h200, b30a
    grey = (
        p["grey_q"]
        * (1 + p["grey_push"] * lev["grey"])
        * (1 - p["smuggling_cut"] * lev["anti_smuggling"])
        * (1 + p["grey_shortage"] * (imports < 0.5 * p["h200_cbc_q"]))
    )
    grey, parts = scaled(t.gd, t.st, "grey_flow", grey, "grey market")
    if lev["grey"].any():  # the organised push (a covert move) is named apart from the base flow
        pushed = grey * (p["grey_push"] * lev["grey"]) / (1 + p["grey_push"] * lev["grey"])
        parts = [("grey market", parts[0][1] - pushed, None), *parts[1:]]
        parts.append(("grey-market push", pushed, "grey"))
    t.parts["grey_flow"] = parts
    t.f.update(
        stance=stance,
        decoupled=decoupled,
        h200=h200,
        b30a=b30a,
        h20=h20,
        imports=imports,
        grey=grey,
    )


def cloud(t: Quarter) -> None:
    """Overseas cloud China rents: demand, substitution by imports, chilling, RASA, neoclouds, tiers."""
    p, lev, s, f = t.p, t.st.lev, t.st.s, t.f
    decoupled, imports = f["decoupled"], f["imports"]
    chill = chill_level(p, lev)
    subst = 1 - p["cloud_substitution"] * imports / (imports + p["cloud_subst_scale"])
    rasa_cut = np.where(
        lev["rasa_stage"] >= 5,
        1
        - p["rasa_cut"] * (1 - p["neocloud_leak"] * lev["neocloud"] * (lev["diffusion_rule"] == 0)),
        1.0,
    )
    refusal = 1 + p["cloud_refusal_boost"] * (1 - f["stance"])
    demand = p["cloud_q0"] * (1 + p["cloud_growth_q"]) ** t.q
    scaled_demand, scale_parts = scaled(t.gd, t.st, "cloud_demand", demand, "underlying demand")
    target = (
        scaled_demand
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
    k, running = p["cloud_adjust"], demand
    L = t.ledger
    L.add("cn_cloud_compute", "underlying demand", k * (running - old_cloud))
    for label, delta, lever in scale_parts[1:]:
        L.add("cn_cloud_compute", label, k * delta, lever)
    running = scaled_demand
    neocloud_part = None
    for label, factor, lever in (
        ("chilling effect", 1 - chill, None),
        ("RASA in force", rasa_cut, None),
        ("Nvidia imports replacing cloud", subst, None),
        ("refusing Nvidia imports", refusal, None),
        ("neocloud push", 1 + p["neocloud_boost"] * lev["neocloud"], "neocloud"),
        ("Diffusion tiers", 1 - p["diffusion_cloud_cut"] * lev["diffusion_rule"], None),
        ("decoupling", (~decoupled).astype(float), None),
    ):
        part = k * running * (factor - 1)
        L.add("cn_cloud_compute", label, part, lever)
        if lever == "neocloud":
            neocloud_part = part
        running = running * factor
    delta = s["cn_cloud"] - old_cloud
    f["cloud_delta"], f["new_cloud"] = delta, np.maximum(delta, 0.0)
    f["neocloud_part"] = neocloud_part
    L.add(
        "cloud_cost_ratio",
        "compliance-risk premium",
        cloud_cost_ratio(p, lev) - t.old["cloud_cost_ratio"],
    )


def stocks_and_retirement(t: Quarter) -> None:
    """Retire chips by vintage, install this quarter's flows; book compute and the ratios."""
    gd, st, f, L = t.gd, t.st, t.f, t.ledger
    h = np.broadcast_to(survival_hazard(gd), st.stocks.shape).copy()
    h[:, LEGACY, :] = np.clip(h[:, LEGACY, :] + st.lev["legacy_wear"][:, None], 0, 1)
    retired = (st.stocks * h).sum(axis=2)
    kept = st.stocks * (1 - h)
    st.stocks[:, :, 1:] = kept[:, :, :-1]
    st.stocks[:, :, 0] = 0.0
    us_out, huawei, other, imports, grey = (
        f["us_out"],
        f["huawei"],
        f["other"],
        f["imports"],
        f["grey"],
    )
    st.stocks[:, US, 0] = us_out
    st.stocks[:, IMPORT, 0] = imports
    st.stocks[:, DOMESTIC, 0] = huawei + other
    st.stocks[:, GREY, 0] = grey
    cn_added = huawei + other + imports + grey + f["new_cloud"]
    add_before = st.added.sum(axis=1)
    st.added[:, :-1] = st.added[:, 1:]
    st.added[:, -1, 0] = us_out
    st.added[:, -1, 1] = cn_added
    st.s["us_added"], st.s["cn_added"] = us_out, cn_added
    add_after = st.added.sum(axis=1)
    known = (add_before[:, 1] > 0) & (add_after[:, 1] > 0)
    by_us, by_cn = shapley2(
        lambda u, c: u / np.maximum(c, 1.0),
        add_before[:, 0],
        add_after[:, 0],
        add_before[:, 1],
        add_after[:, 1],
    )
    L.add("added_ratio_4q", "US additions", np.where(known, by_us, 0.0))
    L.add("added_ratio_4q", "China's additions", np.where(known, by_cn, 0.0))
    st.s["huawei_out"], st.s["other_out"], st.s["imports"], st.s["grey_flow"] = (
        huawei,
        other,
        imports,
        grey,
    )
    book_compute(t, retired)


def book_compute(t: Quarter, retired: np.ndarray) -> None:
    """Compute on each side by cause (each flow's parts: a lasting effect or a covert push named
    apart), the stock ratio's first-order split and the capability gap's compute terms."""
    gd, st, p, f, L = t.gd, t.st, t.p, t.f, t.ledger
    us_out = f["us_out"]
    eff = dom_eff(p, st.lev)
    L.add_parts("us_compute", t.parts["us_output"])
    L.add("us_compute", "old chips retired", -retired[:, US])
    cloud_parts = [("overseas cloud", f["cloud_delta"] * p["training_share_cloud"], None)]
    if st.lev["neocloud"].any():  # the neocloud push (a covert move) named apart
        neo = f["neocloud_part"] * p["training_share_cloud"]
        cloud_parts = [("overseas cloud", cloud_parts[0][1] - neo, None)]
        cloud_parts.append(("neocloud push", neo, "neocloud"))
    cn_parts = [
        *[(c, d * eff, lv) for c, d, lv in t.parts["cn_domestic_output"]],
        *t.parts["nvidia_imports"],
        *t.parts["grey_flow"],
        *cloud_parts,
        ("legacy Nvidia retiring", -retired[:, LEGACY], None),
        (
            "other chips retired",
            -(retired[:, IMPORT] + retired[:, GREY] + retired[:, DOMESTIC] * eff),
            None,
        ),
    ]
    L.add_parts("cn_compute", cn_parts)
    us_causes = {"new US chips": us_out, "US chips retired": -retired[:, US]}
    cn_causes: dict[str, np.ndarray] = {}
    tags = {}
    for c, d, lv in cn_parts:
        cn_causes[c] = cn_causes[c] + d if c in cn_causes else d
        if lv:
            tags[c] = lv
    # ratio: d(us/cn) ~ (1/cn) d us - (us/cn^2) d cn
    us0, cn0 = t.old["us_compute"], np.maximum(t.old["cn_compute"], 1.0)
    first_order(L, "stock_ratio", 1.0 / cn0, us_causes)
    first_order(L, "stock_ratio", -us0 / cn0**2, cn_causes, tags)
    # the capability gap's compute terms (China's efficiency and luck are booked as they move)
    us1, cn1 = effective_compute(gd, st)
    mpe = p["months_per_efold"]
    gap = "capability_gap_months"
    L.add(gap, "US compute", mpe * np.log(np.maximum(us1, 1) / np.maximum(t.old["us_compute"], 1)))
    L.add(
        gap, "China compute", -mpe * np.log(np.maximum(cn1, 1) / np.maximum(t.old["cn_compute"], 1))
    )


def efficiency_and_capability(t: Quarter) -> None:
    """China's algorithmic efficiency (ceiling: the Int4 floor) and research luck."""
    gd, st, p, lev = t.gd, t.st, t.p, t.st.lev
    algo_before = lev["cn_algo"].copy()
    room = p["cn_algo_ceiling"] - lev["cn_algo"]
    gain_drive = p["efficiency_step"] * room * np.minimum(lev["efficiency"], 1.0)
    # fast following: published research, open weights and distillation of US models' outputs
    # close part of the room every quarter; US blocks on Chinese users and decoupling slow it
    openness = (1 - p["diffusion_block_cut"] * lev["block_cn_users"]) * ~t.f["decoupled"]
    gain_open = (
        p["algo_diffusion_q"] * openness
        + p["open_source_algo"] * lev["open_source"] * ~t.f["decoupled"]
    ) * np.maximum(room - gain_drive, 0)
    set_lever(gd, st, "cn_algo", lev["cn_algo"] + gain_drive + gain_open)
    luck = lev["research_luck"] + p["research_noise_months"] * t.normals[:, 2]
    set_lever(gd, st, "research_luck", luck)
    # booked from the start of the quarter, so the events' jumps (a DeepSeek moment, a US leap)
    # count with the drift of this phase
    start = t.f["lev_start"]
    algo_before, luck_before = start["cn_algo"], start["research_luck"]
    gap = "capability_gap_months"
    mpe = p["months_per_efold"]
    t.ledger.add(gap, "China's algorithmic efficiency", -mpe * np.log(lev["cn_algo"] / algo_before))
    t.ledger.add(gap, "research breakthroughs and luck", lev["research_luck"] - luck_before)
    step = p["talent_step"]
    talent = (1 + step * lev["talent"]) / (1 + step * start["talent"])
    t.ledger.add(gap, "China's talent drives", -mpe * np.log(talent))


def chip_market(t: Quarter) -> None:
    """Who sells China its chips: Nvidia's and Huawei's shares of the units bought this quarter."""
    p, s, f, L = t.p, t.st.s, t.f, t.ledger
    nv_units = (
        f["h20"] * p["units_per_b300e_h20"]
        + f["h200"] * p["units_per_b300e_h200"]
        + f["b30a"] * p["units_per_b300e_b30a"]
    )
    hw_units = f["huawei"] * p["units_per_b300e_huawei"]
    # smuggled chips are not Nvidia's sales: they count in the market, not in Nvidia's share
    ot_units = f["other"] * p["units_per_b300e_other"] + f["grey"] * p["units_per_b300e_h200"]
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
        L.add(key, labels[0], np.where(had, a * mine, 0.0))
        L.add(key, labels[1], np.where(had, a * theirs, 0.0))
        L.add(
            key,
            "earlier purchases feeding through",
            np.where(had, a * (tgt0 - s[key]), a * (tgt1 - s[key])),
        )
        s[key] = s[key] + a * (tgt1 - s[key])
    s["nv_units"], s["hw_units"], s["ot_units"] = nv_units, hw_units, ot_units
    s["cn_units"] = nv_units + hw_units + ot_units


def cuda_lockin(t: Quarter) -> None:
    """CUDA lock-in follows Nvidia's share of installed chips, less what a domestic stack removes."""
    p, st, s, lev, L = t.p, t.st, t.st.s, t.st.lev, t.ledger
    # each channel summed along its own row, so a game's sum does not depend on the batch's size
    by_channel = st.stocks.sum(axis=2)
    installed_nv = by_channel[:, LEGACY] + by_channel[:, IMPORT] + by_channel[:, GREY]
    nv_frac = installed_nv / np.maximum(installed_nv + by_channel[:, DOMESTIC], 1.0)
    from_chips = p["lockin_base"] + p["lockin_span"] * nv_frac
    lock_target = from_chips * (1 - p["lockin_decuda"] * lev["decuda"])
    L.add(
        "cuda_lockin",
        "Nvidia's share of installed chips",
        p["lockin_adjust"] * (from_chips - s["cuda_lockin"]),
    )
    L.add("cuda_lockin", "de-CUDA software stack", p["lockin_adjust"] * (lock_target - from_chips))
    s["cuda_lockin"] = s["cuda_lockin"] + p["lockin_adjust"] * (lock_target - s["cuda_lockin"])


def global_users(t: Quarter) -> None:
    """Chinese AI apps' share of global users: the capability gap, open source, AI+, US blocks."""
    p, s, lev, L = t.p, t.st.s, t.st.lev, t.ledger
    gap_prev = t.old["capability_gap_months"]
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
        L.add("cn_global_app_share", label, p["app_adjust"] * part)
    app_target = s["cn_global_app_share"] + sum(app_parts.values())
    s["cn_global_app_share"] = np.clip(
        s["cn_global_app_share"] + p["app_adjust"] * (app_target - s["cn_global_app_share"]), 0, 100
    )


def money_and_bubble(t: Quarter) -> None:
    """US AI revenue (adoption toward a market potential, surprises, blocks, China sales), capex
    (set by the revenue growth firms expect, the capex cycle and Stargate; it fills the build
    pipeline that `us_supply` turns into chips), and the bubble (capex against revenue)."""
    p, s, lev, f, L = t.p, t.st.s, t.st.lev, t.f, t.ledger
    # revenue: logistic adoption with quarterly surprises
    growth = (
        p["us_revenue_growth_q"] * (1 - s["revenue_base"] / p["us_revenue_potential_q"])
        + p["us_revenue_noise"] * t.normals[:, 3]
    )
    rev_base1 = s["revenue_base"] * (1 + np.maximum(growth, -0.5))
    fee = np.asarray(p["export_fee_share"])[lev["export_fee"].astype(int)]
    cn_sales = p["china_market_revenue"] * (f["h200"] + f["b30a"] + f["h20"]) / 10000.0 * (1 - fee)
    rev_factor = (
        (1 - p["block_users_revenue_loss"] * lev["block_cn_users"])
        * (1 - p["tariff_revenue_loss"] * lev["tariffs"])
        * (1 - p["burst_revenue_cut"] * lev["burst"])
        * (1 - p["decouple_revenue_loss"] * f["decoupled"])
    )
    s["us_revenue"] = trend_factor_extra(
        L,
        "us_ai_revenue",
        ("AI adoption", "curbs in force at the start", "chip sales to China"),
        (s["revenue_base"], rev_base1),
        (s["rev_factor"], rev_factor),
        (s["cn_sales"], cn_sales),
        factor_parts=revenue_factor_parts(t),
    )
    realised = rev_base1 / s["revenue_base"] - 1
    s["revenue_base"], s["rev_factor"], s["cn_sales"] = rev_base1, rev_factor, cn_sales
    # capex: planned from the revenue growth firms expect (which learns from what revenue did)
    capex_base1 = s["capex_base"] * (1 + s["us_capex_growth"])
    s["us_capex_growth"] = s["us_capex_growth"] + p["capex_expect_adjust"] * (
        realised - s["us_capex_growth"]
    )
    cycle = lev["capex_factor"]
    stargate_capex = p["stargate_capex_q"] * (lev["stargate"] > 0)
    start = t.f["lev_start"]
    # a tranche starting as another ends would net to nothing: book the two apart
    started = (stargate_capex > 0) & ((s["stargate_capex"] <= 0) | (start["stargate"] <= 0))
    s["us_capex"] = trend_factor_extra(
        L,
        "us_ai_capex",
        ("planned growth", "capex cycle", "a Stargate tranche ending"),
        (s["capex_base"], capex_base1),
        (s["capex_cycle"], cycle),
        (s["stargate_capex"], stargate_capex),
        factor_parts=(
            ("capex cycle recovering", start["capex_factor"] - s["capex_cycle"]),
            ("the crash cutting capex plans", cycle - start["capex_factor"]),
        ),
        extra_parts=(("new Stargate tranche", np.where(started, stargate_capex, 0.0)),),
    )
    s["capex_base"], s["capex_cycle"], s["stargate_capex"] = capex_base1, cycle, stargate_capex
    s["us_pipeline"] = s["us_pipeline"] + s["us_capex"]
    # bubble risk: the capex/revenue gap, split between its two sides (sentiment is the rest)
    meters = t.gd.meters
    by_capex, by_revenue = shapley2(
        lambda c, r: bubble_pressure(p, c, r),
        t.old["us_ai_capex"],
        np.clip(s["us_capex"], meters["us_ai_capex"].lo, meters["us_ai_capex"].hi),
        t.old["us_ai_revenue"],
        np.clip(s["us_revenue"], meters["us_ai_revenue"].lo, meters["us_ai_revenue"].hi),
    )
    L.add("bubble_risk", "US AI capex", by_capex)
    L.add("bubble_risk", "US AI revenue", by_revenue)


def revenue_factor_parts(t: Quarter) -> list[tuple[str, np.ndarray]]:
    """The change of the factor on US AI revenue since last quarter, one part per curb: the levers
    as the quarter began (what last quarter's factor was made of) against the levers now."""
    p, lev, start = t.p, t.st.lev, t.f["lev_start"]

    def factors(v, decoupled):
        return [
            1 - p["block_users_revenue_loss"] * v["block_cn_users"],
            1 - p["tariff_revenue_loss"] * v["tariffs"],
            1 - p["burst_revenue_cut"] * v["burst"],
            1 - p["decouple_revenue_loss"] * decoupled,
        ]

    labels = ("US blocking Chinese users", "tariff retaliation", "the AI bubble bursting",
              "decoupling")  # fmt: skip
    before = factors(start, start["decouple_stage"] >= 3)
    return product_parts(labels, before, factors(lev, t.f["decoupled"]))


def overbuild(t: Quarter) -> None:
    """China's smart-computing centres: capacity (subsidised or not), AI demand, utilisation, rent."""
    p, s, lev, f, L = t.p, t.st.s, t.st.lev, t.f, t.ledger
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
    by_cap, by_dem = shapley2(
        lambda c, d: 100.0 * d / c, cap_before, s["centre_capacity"], dem_before, s["centre_demand"]
    )
    L.add("cn_utilization", "new data centres", by_cap)
    L.add("cn_utilization", "AI demand", by_dem)
    # rent: the going rate for an ageing H100 server, scaled by how full the centres are and
    # by new Nvidia supply this quarter (a level, not a drift)
    base1 = s["rent_base"] * (1 - p["rent_age_decline_q"])
    supply = 1 - p["rent_import_drag"] * np.minimum((f["h200"] + f["b30a"]) / 100000.0, 2.0)
    rent = t.gd.meters["cn_rent_rmb"]
    old = s["cn_rent_rmb"]
    new = np.clip(base1 * rent_utilisation_factor(p, util) * supply, rent.lo, rent.hi)
    by_age = (base1 - s["rent_base"]) * old / np.maximum(s["rent_base"], 1e-9)
    by_use = (
        old
        * (base1 / np.maximum(s["rent_base"], 1e-9))
        * (
            rent_utilisation_factor(p, util)
            / rent_utilisation_factor(p, 100.0 * dem_before / cap_before)
            - 1
        )
    )
    L.add("cn_rent_rmb", "H100s ageing", by_age)
    L.add("cn_rent_rmb", "utilisation of data centres", by_use)
    L.add("cn_rent_rmb", "imported Nvidia supply", new - old - by_age - by_use)
    s["rent_base"], s["cn_rent_rmb"] = base1, new


def politics(t: Quarter) -> None:
    """Tension relaxes toward its resting level; both sides regain political capital."""
    gd, st, p, lev, L = t.gd, t.st, t.p, t.st.lev, t.ledger
    t_before = lev["tension"].copy()
    tension = lev["tension"] + p["tension_revert"] * (p["tension_base"] - lev["tension"])
    set_lever(gd, st, "tension", tension)
    L.add("tension", "tensions ease with time", lev["tension"] - t_before)
    for pc in ("us_political_capital", "cn_political_capital"):
        b = lev[pc].copy()
        set_lever(gd, st, pc, lev[pc] + p["capital_regen"])
        L.add(pc, "regained this quarter", lev[pc] - b)


def meters(t: Quarter) -> None:
    """Derive the visible meters and close every meter's books (games already over keep theirs)."""
    new = compute_meters(t.gd, t.st)
    for name, meter in t.gd.meters.items():
        if name != "score":
            t.ledger.close(name, t.old[name], new[name], meter.rest)
    t.f["new_meters"] = new


def score_and_victory(t: Quarter) -> None:
    """Book the score by component, then end the games that are decided."""
    gd, st, p, L, new, old = t.gd, t.st, t.p, t.ledger, t.f["new_meters"], t.old
    parts_old, parts_new = score_parts(gd, old), score_parts(gd, new)
    for k in parts_new:
        L.add("score", k, parts_new[k] - parts_old[k])
    L.close("score", old["score"], new["score"], gd.meters["score"].rest)
    for k in new:
        new[k] = np.where(st.over, old[k], new[k])
    st.meters = new
    active = t.active
    gap = new["capability_gap_months"]
    st.streak[:, 0] = np.where(active & (gap >= p["us_decisive_gap"]), st.streak[:, 0] + 1, 0)
    st.streak[:, 1] = np.where(active & (gap < 0), st.streak[:, 1] + 1, 0)
    dq = p["decisive_quarters"]
    last = t.q >= st.end
    res = np.full(st.n, RESULT_NONE, np.int8)
    res = np.where(st.streak[:, 1] >= dq, RESULT_CHINA, res)
    res = np.where(st.streak[:, 0] >= dq, RESULT_US, res)
    margin = t.sc.margin(p)  # the scenario's `victory: {margin}`, else params' win_margin
    final = np.where(
        new["score"] >= margin,
        RESULT_US,
        np.where(new["score"] <= -margin, RESULT_CHINA, RESULT_DRAW),
    )
    res = np.where((res == RESULT_NONE) & last, final, res)
    newly = active & (res != RESULT_NONE)
    st.result = np.where(newly, res, st.result).astype(np.int8)
    st.over = st.over | newly


def upkeep(t: Quarter) -> None:
    """Levers' upkeep: pushes reset, shocks revert, programmes count down; the quarter turns."""
    gd, st = t.gd, t.st
    for name, L in gd.levers.items():
        v = st.lev[name]
        if L.revert:
            v = v + L.revert * (L.default - v)
        if L.decay:
            v = v - L.decay
        if L.revert or L.decay:
            set_lever(gd, st, name, v, t.active)
    st.q = st.q + 1


PHASES = (
    moves,
    events,
    us_supply,
    china_domestic_supply,
    imports_and_grey,
    cloud,
    stocks_and_retirement,
    efficiency_and_capability,
    chip_market,
    cuda_lockin,
    global_users,
    money_and_bubble,
    overbuild,
    politics,
    meters,
    score_and_victory,
    upkeep,
)


def step(
    gd: GameData,
    sc: Scenario,
    st: State,
    choices: np.ndarray,
    rng: np.random.Generator,
    injects: tuple[Inject, ...] = (),
):
    """Advance every game one quarter. Returns (taken moves, fired events, revealed, ledger).
    `injects`: the facilitator's for this quarter, applied after the scenario's own."""
    n = st.n
    # Randomness: a fixed-size block per quarter, so every choice of moves sees the same draws.
    uniforms = rng.random((n, len(gd.events) + 1))
    normals = rng.standard_normal((n, N_NORMALS))
    t = Quarter(gd, sc, st, choices, Ledger(n), st.meters, uniforms, normals)
    t.extra = tuple(injects)
    for phase in PHASES:
        phase(t)
    return t.taken, t.fired, t.revealed, t.ledger
