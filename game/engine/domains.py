"""The range each number in G2's files may take: the model's parameters, a scenario's state and
stocks, and the calendar. The data supplies sourced values; this module says which values the model
can run on (a negative stock, a chance of 5 or a NaN would run, and print nonsense)."""

from __future__ import annotations

import math
from dataclasses import dataclass

# the calendar the model runs: figures start in 2025 and growth compounds from there
FIRST_QUARTER = "2025Q1"
LAST_QUARTER = "2040Q4"
LAST_Q = (2040 - 2025) * 4 + 3  # quarters since 2025Q1

BIG = 1e9  # no count in G2 comes near: US stocks are ~1e7 B300e, money ~1e3 $B a quarter


@dataclass(frozen=True)
class Domain:
    """Allowed values: lo <= x <= hi (lo < x if `above`), integral if `integer`; always finite."""

    lo: float = 0.0
    hi: float = BIG
    integer: bool = False
    above: bool = False  # lo itself is excluded (a divisor, a scale)

    def problem(self, x: float) -> str | None:
        """Why `x` is not allowed, or None."""
        if not math.isfinite(x):
            return f"must be a finite number, got {x}"
        if self.integer and x != int(x):
            return f"must be a whole number, got {x:g}"
        if (x <= self.lo) if self.above else (x < self.lo):
            return f"must be {'above' if self.above else 'at least'} {self.lo:g}, got {x:g}"
        if x > self.hi:
            return f"must be at most {self.hi:g}, got {x:g}"
        return None

    def describe(self) -> str:
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} {'>' if self.above else '>='} {self.lo:g} and <= {self.hi:g}"


COUNT = Domain()  # stocks, outputs, money: non-negative
POSITIVE = Domain(above=True)  # divisors and scales
FRACTION = Domain(0.0, 1.0)  # shares of one, probabilities, adjustment speeds
PERCENT = Domain(0.0, 100.0)
RATE = Domain(0.0, 2.0)  # growth a quarter (+200% at most)
QUARTERS = Domain(1.0, 24.0, integer=True)  # lags and lives in quarters (24 vintages)
SIGNED = Domain(-1e18, 1e18)  # any finite number of a sane size

_GROUPS: tuple[tuple[Domain, str], ...] = (
    (
        POSITIVE,
        """b300e_per_eflops units_per_b300e_h20 units_per_b300e_h200 units_per_b300e_b30a
        units_per_b300e_huawei units_per_b300e_other ascend_scale cloud_subst_scale months_per_efold
        score_gap_scale chill_max score_app_par score_util_par score_ratio_par
        own_capex_per_b300e us_cost_per_b300e us_revenue_potential_q""",
    ),
    (
        FRACTION,
        """us_output_noise hazard_young other_hbm_slack output_noise_cn
        ascend_lag_rate dom_eff_base dom_eff_decuda import_acceptance export_fee_share import_ramp grey_shortage
        smuggling_cut cloud_adjust cloud_substitution rasa_cut neocloud_leak diffusion_cloud_cut
        training_share_cloud share_smoothing app_adjust lockin_decuda lockin_adjust
        china_market_revenue block_users_revenue_loss tariff_revenue_loss decouple_revenue_loss
        burst_revenue_cut max_utilization tension_revert reveal_chance rasa_likelihood
        cloud_risk_premium tension_import_drag hazard_ramp_q hazard_max
        us_delivery_rate us_revenue_noise capex_expect_adjust algo_diffusion_q diffusion_block_cut
        rent_import_drag huawei_nvidia_drag""",
    ),
    (
        RATE,
        """huawei_growth_q cloud_growth_q
        us_revenue_growth_q centre_growth_subsidy_q centre_growth_base_q demand_growth_q
        demand_ai_plus demand_app_share efficiency_step open_source_algo talent_step
        us_subsidy_boost ascend_max_boost litho_yield_boost neocloud_boost
        cloud_refusal_boost grey_push""",
    ),
    (
        PERCENT,
        """app_share_base app_share_span app_open_source app_ai_plus app_block_users lockin_base
        lockin_span utilization_start tension_base capital_max capital_regen
        score_bubble_par score_lockin_par burst_risk_reset win_margin bubble_mid
        bubble_concentration""",
    ),
    (QUARTERS, "us_subsidy_lag_q old_age_q own_life_q decisive_quarters"),
    (Domain(0.0, 120.0), "us_decisive_gap score_gap_par research_noise_months"),
    (Domain(-120.0, 120.0), "gap_offset_months"),
    # logistic scales: smaller ones overflow exp() on the model's ranges
    (Domain(1.0, 120.0), "app_gap_scale"),
    (Domain(0.05, 10.0), "bubble_scale"),
    (Domain(0.0, 5.0), "rent_util_slope"),
    # prices that fall a quarter: at most by half (a cost of zero would buy infinite chips)
    (Domain(0.0, 0.5), "us_cost_decline_q rent_age_decline_q"),
    (Domain(1.0, 100.0), "cn_algo_start cn_algo_ceiling"),
    (Domain(1.0, 100.0, above=True), "score_ratio_scale"),
    (
        Domain(0.0, 100.0),
        """score_w_gap score_w_market score_w_apps score_w_bubble score_w_lockin
        score_w_overbuild score_w_compute""",
    ),
    (
        COUNT,
        """stargate_capex_q huawei_output_2025 other_vs_huawei h20_q h200_cbc_q
        h200_open_q b30a_q grey_q cloud_q0 own_opex_q cloud_price_q
        rent_start""",
    ),
)

PARAMS: dict[str, Domain] = {name: dom for dom, names in _GROUPS for name in names.split()}

# a scenario's starting state (`state:` in a scenario file)
STATE: dict[str, Domain] = {
    "cn_cloud": COUNT,
    "nvidia_cn_share": PERCENT,
    "huawei_cn_share": PERCENT,
    "cn_global_app_share": PERCENT,
    "cuda_lockin": PERCENT,
    "cn_utilization": PERCENT,
    "cn_rent_rmb": COUNT,
    "ascend_capacity": Domain(0.0, 100.0),
    "subsidy_level": Domain(0.0, 10.0),
    # US money, $B a quarter: capex and revenue last quarter, capex booked but not yet running
    "us_capex": COUNT,
    "us_revenue": COUNT,
    "us_pipeline": COUNT,
    "us_capex_growth": Domain(-0.5, 1.0),  # the revenue growth a quarter capex is planned for
}
# shares of one market that cannot add up to more than all of it
STATE_SHARES_OF_ONE_MARKET = ("nvidia_cn_share", "huawei_cn_share")

STOCK = COUNT
AGE = Domain(0.0, 23.0, integer=True)  # a vintage bucket (the model keeps 24)
COST = Domain(0.0, 1000.0)  # political capital; a side holds at most capital_max
CHANCE = FRACTION
INTERCEPT = Domain(-1.0, 1.0)  # an event's chance where its modifiers read 0
MULTIPLIER = Domain(0.0, 10.0)  # `mul:` effects and `scales:` on flows

# signals an event's chance may read besides levers and meters (computed in rules.event_chances)
EVENT_SIGNALS = {"tension_rise": "tension above its level at the start of the scenario"}

# parameters that hold one value per option of a lever (the model indexes them by its stage)
PARAM_LISTS = {
    "rasa_likelihood": "rasa_stage",
    "import_acceptance": "cn_imports",
    "export_fee_share": "export_fee",
}
