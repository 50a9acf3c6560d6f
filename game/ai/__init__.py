"""AI players: the Agent interface, the documents' personas, and the planner.

    from game.ai import make_agent, decide
    hawk = make_agent("hawk", "us")
    moves = decide(hawk, game, rng)          # -> ['h200_exports:deny', 'rasa_push']

`make_agent` accepts a persona key (`g2 sim --help` lists them), `planner` or `planner:LEVEL`,
`random-persona` (each game drawn from the side's personas) and `hold`.
"""

from __future__ import annotations

import importlib

# lazy exports: `import game.ai.catalog` (the new-game screen) must not pay for numpy and the engine
_EXPORTS = {
    "Agent": "base",
    "Choices": "base",
    "Observation": "base",
    "agent_policy": "base",
    "agent_rng": "base",
    "decide": "base",
    "move_strings": "base",
    "observe": "base",
    "sanitize": "base",
    "PERSONAS": "personas",
    "Mixture": "personas",
    "Persona": "personas",
    "Planner": "planner",
    "LEVELS": "catalog",
    "DEFAULT_LEVEL": "catalog",
    "PERSONA_INFO": "catalog",
    "Hold": "base",
    "agent_names": "registry",
    "make_agent": "registry",
    "side_policy": "registry",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"game.ai.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'game.ai' has no attribute {name!r}")
