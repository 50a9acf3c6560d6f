"""Write your own G2 agent: a "Cautious hawk" for the US, played against a China persona.

Run: uv run python examples/custom_agent.py
"""

import numpy as np

from game.ai import agent_policy, agent_rng, decide, make_agent
from game.engine.api import DEFAULT_SCENARIO, new_game
from game.engine.runner import run


class CautiousHawk:
    """Denies H200s while the US lead is thin; otherwise funds chips at home."""

    side, name = "us", "cautious-hawk"

    def reset(self, n):  # called before each batch of n games (this agent keeps no memory)
        pass

    def act(self, obs, rng):
        # obs.meters[...] are (n,) arrays, one value per game: decide all games at once
        thin = obs.meters["capability_gap_months"] < 12
        c = obs.choices()  # `want` skips a move where it is illegal or no longer affordable
        c.want("h200_exports:deny", thin)  # priority order: capital goes to earlier wants
        c.want("chip_subsidy", ~thin)
        c.want("anti_smuggling:on", thin & (rng.random(obs.n) < 0.5))  # luck only from `rng`
        return c.array  # (games, moves): the option index played, -1 = not played


# 2,000 seeded games as one vectorised batch
seed, china = 7, make_agent("pragmatist", "china")
us_policy = agent_policy(CautiousHawk(), agent_rng(seed, "us"))
trace = run(DEFAULT_SCENARIO, us_policy, agent_policy(china, agent_rng(seed, "china")), 2000, seed)
print("win rates:", {side: f"{rate:.1%}" for side, rate in trace.win_rates().items()})

# One game, quarter by quarter: decide() returns move strings for Game.play_turn
game, me = new_game(seed=seed), CautiousHawk()
rngs = {"us": np.random.default_rng(1), "china": np.random.default_rng(2)}
while not game.over:
    moves = {"us": decide(me, game, rngs["us"]), "china": decide(china, game, rngs["china"])}
    turn = game.play_turn(moves)  # raises IllegalMove (and changes nothing) on a bad move
    gap = turn.meters["capability_gap_months"]
    print(f"{turn.quarter}: US plays {moves['us'] or 'nothing'}; gap {gap:.1f} months")
print("one game's result:", game.result)
