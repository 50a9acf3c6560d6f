"""What the new-game screen and the CLI need to know about the AI players, without importing numpy:
the personas' titles, descriptions and documents, and the planner's difficulty levels."""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.data import other_side


@dataclass(frozen=True)
class PersonaInfo:
    key: str
    side: str
    title: str
    description: str
    speaks_for: tuple[str, ...]


@dataclass(frozen=True)
class Budget:
    """The planner's search budget at one difficulty level."""

    rollouts: int
    horizon: int  # quarters simulated; 0 = to the end of the scenario
    rounds: int  # 2 = also try a second move on top of the best first one


# the other side's default AI, by the player's side: the documents' dual-track middle
DEFAULT_OPPONENT = {"us": "pragmatist", "china": "dealmaker"}


def default_opponent(player_side: str) -> str:
    """The default opponent of a player of `player_side`: China's pragmatist against a US player,
    the US dealmaker against a Chinese one (the first persona if those are ever renamed)."""
    key = DEFAULT_OPPONENT.get(player_side, "")
    return (
        key
        if key in PERSONA_INFO[other_side(player_side)]
        else next(iter(PERSONA_INFO[other_side(player_side)]))
    )


# horizon 0 = play every rollout to the end of the scenario (moves pay off over years, not quarters)
LEVELS = {1: Budget(4, 0, 1), 2: Budget(8, 0, 1), 3: Budget(16, 0, 2)}
DEFAULT_LEVEL = 2

PERSONA_INFO: dict[str, dict[str, PersonaInfo]] = {"us": {}, "china": {}}
for _p in (
    PersonaInfo(
        "hawk",
        "us",
        "US Hawk",
        "Deny China every frontier chip and the cloud route too; tighten further whenever the lead slips.",
        ("s002", "s004"),
    ),
    PersonaInfo(
        "dealmaker",
        "us",
        "US Dealmaker",
        "Sell H200s case by case for a 25% cut, use tariffs as leverage, and summit when it gets hot.",
        ("s002", "s004"),
    ),
    PersonaInfo(
        "free-marketeer",
        "us",
        "US Free-marketeer",
        "Controls backfire and subsidies misallocate: sell chips, rescind tiers, let the market decide.",
        ("s000", "s001", "s003"),
    ),
    PersonaInfo(
        "self-reliance",
        "china",
        "China Self-reliance",
        "Refuse Nvidia, pour money into Ascend, a domestic stack and lithography; answer pressure in kind.",
        ("s003", "s004"),
    ),
    PersonaInfo(
        "pragmatist",
        "china",
        "China Pragmatist (dual track)",
        "Take H200s and rent cloud while the door is open, build Ascend for when it shuts.",
        ("s002", "s004"),
    ),
    PersonaInfo(
        "efficiency-first",
        "china",
        "China Efficiency-first",
        "Win on algorithms, open source and applications: more model per chip, not more chips.",
        ("s000", "s001", "s004"),
    ),
):
    PERSONA_INFO[_p.side][_p.key] = _p
