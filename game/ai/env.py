"""A PettingZoo ParallelEnv for G2, to train agents with reinforcement learning.

    from game.ai.env import G2ParallelEnv

    env = G2ParallelEnv()                      # scenario="2025-deepseek-shock"
    obs, infos = env.reset(seed=42)
    while env.agents:
        actions = {a: env.action_space(a).sample(obs[a]["action_mask"]) for a in env.agents}
        obs, rewards, terminations, truncations, infos = env.step(actions)

Needs the `rl` extra (`uv sync --extra rl`, or `pip install "g2[rl]"`); `game.ai` does not import
this module, so the rest of G2 runs without pettingzoo and gymnasium.

Agents: "us" and "china" move at the same time, one step per quarter, until the game is over.

Actions: `Discrete(1 + A)` per agent. 0 is hold; 1..A are that side's (move, option) pairs in the
order of the data's moves (a one-off move such as 'rasa_push' has one option). `action_to_move`
and `move_to_action` translate to and from move strings ('h200_exports:deny', 'rasa_push').
LIMITATION: an agent makes at most one move a quarter. The game itself lets a side make any
affordable set of moves each quarter, but a single masked Discrete action is what action-masking
learners (sb3-contrib's MaskablePPO, RLlib's action-mask models) expect, so agents trained here
play a restricted version of the game.

Masks: `obs[agent]["action_mask"]` is 1 for hold (always) and for every move that is legal and
affordable now (the legality of `game.ai.base.observe`). An action that is masked out (or not an
action at all) is played as hold and flagged with `infos[agent]["illegal_action"] = True`.

Observations: `Dict(observation=Box(float32), action_mask=Box(int8))`. The vector (names in
`env.feature_names[agent]`) holds every meter in sorted order (meters spanning orders of magnitude,
such as compute, as log1p(value) / log1p(max); the others divided by their largest magnitude, so
the score lies in [-1, 1]), the fraction of the scenario's quarters left, and every lever in data
order, scaled to [0, 1], as the side sees it (`game.engine.observe`): a stance set by the other
side's covert move reads -1 until the move is exposed. `state()` is the full, unhidden version for
centralised critics.

Rewards are zero-sum: the change in the leadership score this quarter / 100 (+ for the US, - for
China), plus +1 to the winner and -1 to the loser when the game ends (0 each for a draw).
Terminations are True for both agents when the game is over (a decisive lead, or the scenario's
last quarter); truncations are always False.

Determinism: `reset(seed=s)` plays the same world as `g2` and `game.engine.api.new_game` with seed
s, and the same seed with the same actions gives the same observations, rewards and infos.
`reset()` without a seed draws the game's seed from a stream seeded by the last seed given (or
from fresh entropy), as Gymnasium environments do.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

try:
    import gymnasium
    from gymnasium import spaces
    from pettingzoo import ParallelEnv
except ImportError as exc:  # pragma: no cover - exercised by a test that hides pettingzoo
    raise ImportError(
        f"game.ai.env needs pettingzoo and gymnasium ({exc}): install the extra with "
        '`uv sync --extra rl` (or `pip install "g2[rl]"`)'
    ) from exc

from game.ai.base import observe
from game.engine import model
from game.engine.api import DEFAULT_SCENARIO, Batch
from game.engine.data import SIDES, load_data, quarter_name

__all__ = ["G2ParallelEnv", "OBS_BOUND"]

OBS_BOUND = 10.0  # the observation Box is [-OBS_BOUND, OBS_BOUND]; features lie in about [-1, 1]
_RESET_STREAM = 0x6732  # mixed into the seed of the stream that seeds reset() calls without one
_LOG_SCALE_FROM = 1000.0  # meters >= 0 with a max this large are scaled logarithmically

AgentObs = dict[str, np.ndarray]  # {"observation": float32 vector, "action_mask": int8 vector}
Info = dict[str, Any]


HIDDEN = -1.0  # a lever the observing side cannot see (a covert stance not yet exposed)


class G2ParallelEnv(ParallelEnv):
    """G2 as a two-agent simultaneous-move environment: "us" against "china", one step a quarter.

    See the module docstring for the action, observation and reward conventions.
    """

    metadata = {"name": "g2_v0", "render_modes": ["ansi"]}

    def __init__(self, scenario: str = DEFAULT_SCENARIO, render_mode: str | None = None):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"unknown render_mode {render_mode!r}; supported: "
                f"{', '.join(self.metadata['render_modes'])}"
            )
        gd = load_data()
        if scenario not in gd.scenarios:
            raise KeyError(
                f"unknown scenario {scenario!r}; known: {', '.join(sorted(gd.scenarios))}"
            )
        self.data = gd
        self.scenario = scenario
        self.render_mode = render_mode
        self.possible_agents: list[str] = list(SIDES)
        self.agents: list[str] = []
        self.batch: Batch | None = None  # the running game (a batch of one)

        # meters: fixed sorted order, log or linear scaling
        self._meters = sorted(gd.meters)
        lo = np.array([gd.meters[k].lo for k in self._meters], float)
        hi = np.array([gd.meters[k].hi for k in self._meters], float)
        self._meter_log = (lo >= 0) & (hi >= _LOG_SCALE_FROM)
        self._meter_div = np.where(
            self._meter_log, np.log1p(np.maximum(hi, 0)), np.maximum(np.abs(lo), np.abs(hi))
        )
        self._meter_div = np.where(self._meter_div > 0, self._meter_div, 1.0)

        # every lever, in data order; a lever the side cannot see now reads HIDDEN
        self._levers = {side: list(gd.levers) for side in SIDES}
        self._all_levers = list(gd.levers)

        # actions: 0 = hold, then the side's (move index, option index, move string)
        self._actions: dict[str, list[tuple[int, int, str]]] = {side: [] for side in SIDES}
        for j, m in enumerate(gd.moves):
            for k, o in enumerate(m.options):
                text = f"{m.id}:{o.name}" if m.has_options else m.id
                self._actions[m.side].append((j, k, text))
        self._action_index = {
            side: {text: i + 1 for i, (_, _, text) in enumerate(acts)}
            for side, acts in self._actions.items()
        }

        self.feature_names: dict[str, list[str]] = {
            side: [
                *(f"meter:{k}" for k in self._meters),
                "quarters_left",
                *(f"lever:{k}" for k in self._levers[side]),
            ]
            for side in SIDES
        }
        self.observation_spaces = {
            side: spaces.Dict(
                {
                    "observation": spaces.Box(
                        -OBS_BOUND, OBS_BOUND, (len(self.feature_names[side]),), np.float32
                    ),
                    "action_mask": spaces.Box(0, 1, (1 + len(self._actions[side]),), np.int8),
                }
            )
            for side in SIDES
        }
        self.action_spaces = {side: spaces.Discrete(1 + len(self._actions[side])) for side in SIDES}
        self.state_space = spaces.Box(
            -OBS_BOUND, OBS_BOUND, (len(self._meters) + 1 + len(self._all_levers),), np.float32
        )
        self._seeder: np.random.Generator | None = None
        self._masks: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------------- spaces

    def observation_space(self, agent: str) -> spaces.Dict:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Discrete:
        return self.action_spaces[agent]

    # ------------------------------------------------------------------------- moves

    def action_to_move(self, agent: str, action: int) -> str | None:
        """The move string an action plays ('h200_exports:deny', 'rasa_push'); None for hold."""
        acts = self._actions[self._side(agent)]
        i = operator.index(action)
        if not 0 <= i <= len(acts):
            raise ValueError(f"{agent} actions are 0..{len(acts)}, got {action!r}")
        return None if i == 0 else acts[i - 1][2]

    def move_to_action(self, agent: str, move: str | None) -> int:
        """The action that plays a move string; 0 for None or 'hold'."""
        side = self._side(agent)
        if move is None or move.strip() == "hold":
            return 0
        text = move.strip()
        if text not in self._action_index[side]:
            raise ValueError(f"{text!r} is not one of {side}'s moves")
        return self._action_index[side][text]

    def _side(self, agent: str) -> str:
        if agent not in SIDES:
            raise KeyError(f"unknown agent {agent!r}: use 'us' or 'china'")
        return agent

    # ------------------------------------------------------------------------- the game

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, AgentObs], dict[str, Info]]:
        """Start a new game. `seed` is the game's seed (as in `g2 --seed`); without one, the seed is
        drawn from a stream seeded by the last seed given, or from fresh entropy. `options` is
        accepted and ignored."""
        if seed is not None:
            self.batch = Batch(self.scenario, 1, seed, self.data)  # validates the seed
            seed = self.batch.seed
            self._seeder = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence([seed, _RESET_STREAM]))
            )
            for i, agent in enumerate(self.possible_agents):
                self.action_spaces[agent].seed(seed + i)
                self.observation_spaces[agent].seed(seed + i)
        else:
            if self._seeder is None:
                self._seeder = np.random.Generator(np.random.PCG64(np.random.SeedSequence()))
            self.batch = Batch(self.scenario, 1, int(self._seeder.integers(2**63)), self.data)
        self.agents = list(self.possible_agents)
        observations = {agent: self._observe(agent) for agent in self.agents}
        infos = {agent: self._info(agent) for agent in self.agents}
        return observations, infos

    def step(
        self, actions: dict[str, Any]
    ) -> tuple[
        dict[str, AgentObs], dict[str, float], dict[str, bool], dict[str, bool], dict[str, Info]
    ]:
        if self.batch is None:
            raise RuntimeError("call reset() before step()")
        if not self.agents:
            raise RuntimeError("the game is over: call reset() to start a new one")
        for agent in actions:
            if agent not in self.possible_agents:
                raise KeyError(f"unknown agent {agent!r}: use 'us' or 'china'")
        batch = self.batch
        choices = batch.no_moves()
        illegal: dict[str, bool] = {}
        chosen: dict[str, tuple[int, str] | None] = {}
        for agent in self.agents:
            i = _action_index(actions.get(agent, 0))
            mask = self._masks[agent]
            ok = i is not None and 0 <= i < len(mask) and bool(mask[i])
            illegal[agent] = not ok
            chosen[agent] = None
            if ok and i > 0:
                j, k, text = self._actions[agent][i - 1]
                choices[0, j] = k
                chosen[agent] = (j, text)
        before = float(batch.state.meters["score"][0])
        taken, *_ = batch.step(choices)
        after = float(batch.state.meters["score"][0])
        over = bool(batch.state.over[0])
        result = int(batch.state.result[0])

        r_us = (after - before) / 100.0
        if over:
            r_us += {model.RESULT_US: 1.0, model.RESULT_CHINA: -1.0}.get(result, 0.0)
        rewards = {"us": r_us, "china": -r_us}

        agents = list(self.agents)
        observations = {agent: self._observe(agent) for agent in agents}
        infos = {}
        for agent in agents:
            move = chosen[agent]
            played = move[1] if move is not None and taken[0, move[0]] else None
            infos[agent] = {**self._info(agent), "illegal_action": illegal[agent], "played": played}
        terminations = dict.fromkeys(agents, over)
        truncations = dict.fromkeys(agents, False)
        rewards = {agent: float(rewards[agent]) for agent in agents}
        if over:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    # ------------------------------------------------------------------------- views

    def _scaled_meters(self, meters: dict[str, np.ndarray]) -> np.ndarray:
        v = np.array([float(meters[k][0]) for k in self._meters])
        v = np.where(self._meter_log, np.log1p(np.maximum(v, 0.0)), v)
        return v / self._meter_div

    def _scaled_levers(self, levers: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
        out = np.empty(len(names))
        for i, k in enumerate(names):
            L = self.data.levers[k]
            span = L.hi - L.lo
            v = float(levers[k][0]) - L.lo
            out[i] = HIDDEN if np.isnan(v) else (v / span if span > 0 else v)
        return out

    def _quarters_left(self) -> float:
        sc, q = self.batch.scenario, self.batch.state.q
        return min(1.0, max(0.0, (sc.end - q + 1) / (sc.end - sc.start + 1)))

    def _observe(self, agent: str) -> AgentObs:
        o = observe(self.batch, agent)
        vec = np.concatenate(
            [
                self._scaled_meters(o.meters),
                [self._quarters_left()],
                self._scaled_levers(o.levers, self._levers[agent]),
            ]
        )
        vec = np.clip(np.nan_to_num(vec), -OBS_BOUND, OBS_BOUND).astype(np.float32)
        mask = np.zeros(1 + len(self._actions[agent]), np.int8)
        mask[0] = 1
        for i, (j, k, _) in enumerate(self._actions[agent]):
            mask[i + 1] = o.legal[j][0, k]
        self._masks[agent] = mask.copy()
        return {"observation": vec, "action_mask": mask}

    def _info(self, agent: str) -> Info:
        st = self.batch.state
        over = bool(st.over[0])
        info: Info = {
            "quarter": quarter_name(st.q - 1 if over else st.q),
            "score": float(st.meters["score"][0]),
            "legal_moves": [
                text
                for (_, _, text), ok in zip(
                    self._actions[agent], self._masks[agent][1:], strict=True
                )
                if ok
            ],
        }
        if over:
            info["result"] = model.RESULT_NAMES[int(st.result[0])]
        return info

    def state(self) -> np.ndarray:
        """Everything, hidden levers included (for centralised critics): all meters, the quarters
        left, and every lever in data order, scaled as in the observations."""
        if self.batch is None:
            raise RuntimeError("call reset() before state()")
        st = self.batch.state
        vec = np.concatenate(
            [
                self._scaled_meters(st.meters),
                [self._quarters_left()],
                self._scaled_levers(st.lev, self._all_levers),
            ]
        )
        return np.clip(np.nan_to_num(vec), -OBS_BOUND, OBS_BOUND).astype(np.float32)

    def render(self) -> str | None:
        if self.render_mode is None:
            gymnasium.logger.warn(
                "render() was called without a render_mode; create the env with render_mode='ansi'"
            )
            return None
        if self.batch is None:
            return "G2: not started (call reset())"
        st = self.batch.state
        over = bool(st.over[0])
        q = quarter_name(st.q - 1 if over else st.q)
        line = (
            f"{q}  score {float(st.meters['score'][0]):+.1f}  "
            f"capability gap {float(st.meters['capability_gap_months'][0]):+.1f} months"
        )
        if over:
            line += f"  (over: {model.RESULT_NAMES[int(st.result[0])]})"
        return line

    def close(self) -> None:
        pass


def _action_index(action: Any) -> int | None:
    """An action as an int, or None when it is not an integer (then it is played as hold)."""
    try:
        return operator.index(action)
    except TypeError:
        return None
