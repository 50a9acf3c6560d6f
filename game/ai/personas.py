"""Scripted personas: the actors of the source documents, as state-reactive, batched rules.

Each persona is a list of wants in priority order; the conditions are (n,) bool arrays computed from
the observation, so one call decides every game of a batch. A persona keeps a little randomness (it
sometimes sits a quarter out to bank political capital), drawn from the Generator it is handed.
"""

from __future__ import annotations

import numpy as np

from game.ai.base import Choices, Observation
from game.ai.catalog import PERSONA_INFO


def _info(side: str, key: str) -> tuple:
    p = PERSONA_INFO[side][key]
    return p.key, p.side, p.title, p.description, p.speaks_for


class Persona:
    """Base class: subclasses set the class attributes and implement `wants`."""

    key = ""
    side = ""
    title = ""
    description = ""
    speaks_for: tuple[str, ...] = ()
    patience = 0.15  # chance a quarter it banks capital instead of making its optional moves

    def __init__(self) -> None:
        self.name = self.key

    def reset(self, n: int) -> None:
        """Personas are memoryless: they read everything they need from the observation."""

    def act(self, obs: Observation, rng: np.random.Generator) -> np.ndarray:
        c = obs.choices()
        # one draw per game, always taken, so a persona's stream does not depend on the state
        keen = rng.random(obs.n) >= self.patience
        self.wants(obs, c, keen)
        return c.array

    def wants(self, obs: Observation, c: Choices, keen: np.ndarray) -> None:
        raise NotImplementedError


def _gap(obs: Observation) -> np.ndarray:
    return obs.meters["capability_gap_months"]


# ----------------------------------------------------------------------------- United States


class Hawk(Persona):
    key, side, title, description, speaks_for = _info("us", "hawk")

    def wants(self, obs, c, keen):
        m = obs.meters
        slipping = (m["added_ratio_4q"] < 10) | (_gap(obs) < 9)
        c.want("h200_exports:deny")
        c.want("b30a_licence:deny")
        c.want("rasa_push", obs.levers["rasa_stage"] < 5)
        c.want("h20_controls:tightened", slipping | (obs.q >= 5))
        c.want("anti_smuggling:on", slipping)
        c.want("safe_chips_push", slipping & keen)
        c.want("stargate_tranche", (m["bubble_risk"] < 55) & keen)
        c.want("diffusion_rule:enforced", slipping & keen)
        c.want("block_cn_users:on", (m["cn_global_app_share"] > 12) & keen)
        c.want("tariffs:raised", slipping & (m["tension"] < 60) & keen)
        c.want("decoupling_push", slipping & (_gap(obs) < 3) & keen)
        c.want("chip_subsidy", keen)


class Dealmaker(Persona):
    key, side, title, description, speaks_for = _info("us", "dealmaker")

    def wants(self, obs, c, keen):
        m = obs.meters
        gap = _gap(obs)
        c.want("summit", m["tension"] > 65)
        c.want("h200_exports:deny", gap < 10)
        c.want("h200_exports:case_by_case", gap >= 16)
        c.want("tariffs:normal", m["tension"] > 75)
        c.want("tariffs:raised", (m["tension"] < 35) & keen)
        # Stargate, then the cloud loophole, then subsidised fabs; enforcement last
        c.want("stargate_tranche", (m["bubble_risk"] < 70) & keen)
        c.want("rasa_push", (gap < 12) & keen)
        c.want("chip_subsidy", keen)
        c.want("b30a_licence:licensed", (m["bubble_risk"] > 55) & (gap > 24) & keen)
        c.want("anti_smuggling:on", keen)


class FreeMarketeer(Persona):
    key, side, title, description, speaks_for = _info("us", "free-marketeer")

    def wants(self, obs, c, keen):
        m = obs.meters
        gap = _gap(obs)
        c.want("h200_exports:deny", gap < 6)
        c.want("h200_exports:case_by_case", (gap >= 6) & (gap < 20))
        c.want("h200_exports:open", gap >= 20)
        c.want("h20_controls:allowed")
        c.want("diffusion_rule:rescinded")
        c.want("tariffs:normal")
        c.want("block_cn_users:off")
        # controls backfire (001): no new enforcement; lift what the hawks left once the lead is safe
        c.want("anti_smuggling:off", gap >= 16)
        c.want("b30a_licence:licensed", (gap > 24) & keen)
        c.want("summit", (m["tension"] > 50) & keen)
        # markets, not mandates: private capex (Jevons: cheaper compute grows demand, 000), no subsidies
        c.want("stargate_tranche")


# ----------------------------------------------------------------------------- China


class SelfReliance(Persona):
    key, side, title, description, speaks_for = _info("china", "self-reliance")

    def wants(self, obs, c, keen):
        m = obs.meters
        desperate = _gap(obs) > 24
        us_pressing = obs.stance("tariffs", "raised") | obs.stance("h20_controls", "tightened")
        c.want("h200_imports:ban", ~desperate)
        c.want("h200_imports:approved_buyers", desperate)
        c.want("ascend_rampup")
        c.want("decuda_push")
        c.want("litho_moonshot", keen)
        c.want("centre_subsidies:off", m["cn_utilization"] < 45)
        c.want("centre_subsidies:on", m["cn_utilization"] > 65)
        c.want("retaliation", us_pressing & (m["tension"] < 80) & keen)
        c.want("talent_drive", keen)


class Pragmatist(Persona):
    key, side, title, description, speaks_for = _info("china", "pragmatist")

    def wants(self, obs, c, keen):
        m = obs.meters
        us_sells = ~obs.stance("h200_exports", "deny")
        cloud_open = obs.levers["rasa_stage"] < 5
        c.want("h200_imports:approved_buyers", us_sells)
        c.want("neocloud_access:on", cloud_open)
        c.want("neocloud_access:off", ~cloud_open)
        c.want("grey_market:on", ~us_sells & keen)
        c.want("grey_market:off", us_sells)  # legal supply is back: stop the risky channel
        c.want("ascend_rampup")
        c.want("decuda_push", m["cuda_lockin"] > 35)
        c.want("open_source:on", keen)  # lean on the application layer (004)
        c.want("centre_subsidies:off", m["cn_utilization"] < 40)
        c.want("efficiency_drive", (_gap(obs) > 10) & keen)
        c.want("retaliation", obs.stance("tariffs", "raised") & (m["tension"] < 70) & keen)
        c.want("talent_drive", keen)


class EfficiencyFirst(Persona):
    key, side, title, description, speaks_for = _info("china", "efficiency-first")

    def wants(self, obs, c, keen):
        m = obs.meters
        c.want("efficiency_drive")
        c.want("open_source:on")
        # the upper layers of the cake (004): software that runs on whatever chips China has
        c.want("decuda_push", m["cuda_lockin"] > 30)
        c.want("ai_plus:on", keen)
        c.want("talent_drive", keen)
        # cheap compute is welcome, but not at the price of CUDA dependence
        c.want("h200_imports:approved_buyers", ~obs.stance("h200_exports", "deny") & keen)
        c.want("h200_imports:discouraged", m["cuda_lockin"] > 55)
        c.want("ascend_rampup", keen)
        c.want("neocloud_access:on", (_gap(obs) > 12) & (obs.levers["rasa_stage"] < 5) & keen)
        c.want("centre_subsidies:off", m["cn_utilization"] < 50)


PERSONAS: dict[str, dict[str, type[Persona]]] = {
    "us": {p.key: p for p in (Hawk, Dealmaker, FreeMarketeer)},
    "china": {p.key: p for p in (SelfReliance, Pragmatist, EfficiencyFirst)},
}


class Mixture:
    """Each game of the batch is played by one of `agents`, drawn at random when the batch starts."""

    def __init__(self, side: str, agents: list, name: str = "random-persona"):
        self.side, self.name, self.agents = side, name, agents
        self.assign: np.ndarray | None = None

    def reset(self, n: int) -> None:
        self.assign = None
        for a in self.agents:
            a.reset(n)

    def act(self, obs: Observation, rng: np.random.Generator) -> np.ndarray:
        if self.assign is None or len(self.assign) != obs.n:
            self.assign = rng.integers(0, len(self.agents), obs.n)
        out = None
        for i, a in enumerate(self.agents):
            ch = a.act(obs, rng)
            out = ch if out is None else np.where((self.assign == i)[:, None], ch, out)
        return out
