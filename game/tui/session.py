"""A game as the terminal UI plays it: the player's side, the opponent (an AI or a second human),
saves and the end-of-game review. Only the UI's state lives here; forecasts (previews, advisors,
the personas' comparison) are in `game.ai.forecast`. No Textual here, so it is tested directly.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from game.ai import decide, make_agent
from game.ai.catalog import default_opponent
from game.engine.api import (
    MAX_MOVES,
    MAX_TURNS,
    MOVE_TEXT_RE,
    Game,
    SaveError,
    TurnResult,
    clean_stale_temps,
    load_game,
    new_game,
    one_line,
    read_save,
)
from game.engine.data import DEFAULT_SCENARIO, QUARTER_RE, SIDES, other_side, side_name
from game.i18n import _, ngettext, tc
from game.tui.defaults import AUTOSAVE, HOTSEAT, MAX_NAME, SAVE_DIR, default_save_dir

__all__ = [
    "Session",
    "SaveInfo",
    "SaveNameError",
    "check_save_name",
    "list_saves",
    "side_name",
]


class SaveNameError(ValueError):
    """A save name a player typed that cannot be used; the message says why, in one line."""


@dataclass
class SaveInfo:
    path: Path
    scenario: str = ""
    side: str = ""
    quarter: str = ""
    saved: str = ""
    opponent: str = ""
    error: str = ""


@dataclass(frozen=True)
class SavePoint:
    """Where the game stood at its last save: quarters played, take-backs made, the quarter it
    resumes at, and how it was saved ("save" or "autosave")."""

    played: int
    takebacks: int
    quarter: str
    how: str


@dataclass
class Session:
    game: Game
    side: str  # the player's side (in hot-seat: the side that moves first each quarter)
    opponent: str  # an agent spec, or "human" for hot-seat
    name: str = ""
    save_dir: Path = field(default_factory=default_save_dir)
    results: list[TurnResult] = field(default_factory=list)
    # the quarters played and then taken back, in order: {"quarter", "us", "china"} (see take_back)
    takebacks: list[dict] = field(default_factory=list)
    # why the last autosave failed (None when it worked): the game goes on, the UI says so
    autosave_error: str | None = field(default=None, init=False, compare=False)
    # the last successful save (or the file a loaded game came from); None while nothing is saved
    last_save: SavePoint | None = field(default=None, init=False, compare=False)
    # the classroom: a facilitator runs the room (pauses between quarters, injects events); the
    # decision journal holds each side's rationale and prediction per quarter (extra.journal)
    facilitator: bool = False
    team: str = ""
    journal: list[dict] = field(default_factory=list)
    # events the facilitator has queued for the quarter about to resolve (recorded in its history)
    pending_injects: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        from game.i18n import add_translations

        add_translations(self.game.data.translations)  # a scenario file's own Chinese
        if self.side not in SIDES:
            raise ValueError(f"side must be 'us' or 'china', got {self.side!r}")
        self.other = other_side(self.side)
        self.agent = None if self.hotseat else make_agent(self.opponent, self.other)
        if self.agent is not None:
            self.agent.reset(1)
        self.name = self.name or f"{self.game.scenario}-{self.side}-{self.game.seed}"

    # -- construction
    @classmethod
    def new(
        cls,
        side: str = "us",
        scenario: str = DEFAULT_SCENARIO,
        opponent: str | None = None,
        seed: int | None = None,
        save_dir: Path | None = None,
        data=None,
    ) -> Session:
        """A new game; the default opponent is the other side's first persona of the documents'
        dual-track middle (China's pragmatist, the US dealmaker)."""
        opponent = opponent or default_opponent(side)
        folder = default_save_dir() if save_dir is None else Path(save_dir)
        game = new_game(scenario, seed, data=data) if data is not None else new_game(scenario, seed)
        return cls(game, side, opponent, save_dir=folder)

    @classmethod
    def load(cls, path: str | Path, save_dir: str | Path | None = None) -> Session:
        """Resume a save; it then saves into `save_dir` (default: the app's save folder), never
        into the folder it came from. Raises SaveError (one line; the file is left untouched)."""
        p = Path(path)
        body = read_save(p)
        extra = body.get("extra", {})
        side, opponent, name = _check_extra(p, extra)
        takebacks = _check_takebacks(p, extra)
        journal, facilitator, team = _check_classroom(p, extra)
        game = load_game(p, body)
        folder = default_save_dir() if save_dir is None else Path(save_dir)
        try:
            s = cls(
                game,
                side,
                opponent,
                name=name,
                save_dir=folder,
                takebacks=takebacks,
                facilitator=facilitator,
                team=team,
                journal=journal,
            )
        except ValueError as exc:
            raise SaveError(str(exc), path=p) from None
        s.last_save = SavePoint(len(game.history), len(takebacks), game.quarter, "save")
        return s

    # -- facts
    @property
    def hotseat(self) -> bool:
        return self.opponent == HOTSEAT

    @property
    def over(self) -> bool:
        return self.game.over

    @property
    def autosave_path(self) -> Path:
        """This game's own autosave slot in the save folder, rewritten after every quarter:
        autosave-{scenario}-{side}-{seed}-vs-{opponent}.json (…-hotseat.json in hot-seat play), so
        two games never share a slot, and a loaded game goes on autosaving into its own."""
        who = "hotseat" if self.hotseat else f"vs-{self.opponent}"
        stem = f"{AUTOSAVE}-{self.game.scenario}-{self.side}-{self.game.seed}-{who}"
        return self.save_dir / f"{_safe_name(stem)}.json"

    def opponent_title(self) -> str:
        """The opponent in words, in the player's language: a persona's title or the hot-seat player."""
        if self.hotseat:
            return _("a second player (hot-seat)")
        return tc(getattr(self.agent, "title", self.opponent))

    # -- playing
    def _agent_rng(self) -> np.random.Generator:
        """The AI's dice: seeded from the game and the quarter, so a loaded save plays on identically."""
        q = len(self.game.history)
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence([self.game.seed, 7, SIDES.index(self.other), q]))
        )

    def opponent_moves(self) -> list[str]:
        """What the AI opponent plays this quarter (decided from its own view of the game)."""
        if self.agent is None:
            return []
        return decide(self.agent, self.game, self._agent_rng())

    @property
    def journal_on(self) -> bool:
        """Whether ending a quarter asks for a rationale and a prediction: in a facilitated game
        or a classroom scenario (one with role briefings)."""
        sc = self.game.data.scenarios.get(self.game.scenario)
        return self.facilitator or bool(getattr(sc, "roles", None))

    def note_journal(
        self, side: str, rationale: str, meter: str | None, value: float | None
    ) -> dict:
        """Record `side`'s rationale and prediction (meter's value after this quarter) for the
        quarter being played; resolve() fills in the actual value and the error."""
        now = self.game.meters
        entry = {
            "quarter": self.game.quarter,
            "side": side,
            "rationale": one_line(rationale.strip(), MAX_RATIONALE),
            "prediction": None
            if meter is None or value is None
            else {"meter": meter, "value": float(value), "before": float(now[meter])},
        }
        self.journal = [
            e for e in self.journal if not (e["quarter"] == entry["quarter"] and e["side"] == side)
        ]
        self.journal.append(entry)
        return entry

    def journal_for(self, quarter: str) -> list[dict]:
        return [e for e in self.journal if e["quarter"] == quarter]

    def resolve(
        self, mine: list[str], theirs: list[str] | None = None, autosave: bool = True
    ) -> TurnResult:
        """Play the quarter: the player's moves, and the opponent's (the AI's unless given), with
        any events the facilitator queued; then score the quarter's predictions."""
        if theirs is None:
            theirs = self.opponent_moves()
        moves = {self.side: list(mine), self.other: list(theirs)}
        if self.pending_injects:
            r = self.game.play_turn(moves, injects=list(self.pending_injects))
        else:
            r = self.game.play_turn(moves)
        self.pending_injects = []
        for e in self.journal_for(r.quarter):
            p = e.get("prediction")
            if p and p["meter"] in r.meters:
                e["actual"] = float(r.meters[p["meter"]])
                e["error"] = abs(e["actual"] - p["value"])
                # did it call the direction of the change (up, down) right?
                e["direction_right"] = bool(
                    np.sign(p["value"] - p["before"]) == np.sign(e["actual"] - p["before"])
                )
        self.results.append(r)
        if autosave:
            self.autosave()
        return r

    def take_back(self, autosave: bool = True) -> TurnResult | None:
        """Undo the last quarter played (against the AI only): the game is rebuilt from its seed by
        replaying every quarter but the last, its TurnResult is dropped, and what was played is
        recorded in `takebacks`, which every later save keeps (extra.takebacks).

        The record is what keeps a replay honest: a quarter's dice depend only on the game's seed
        and the quarter, so the quarter replays with the same dice (and the AI, whose dice are
        seeded the same way, makes the same moves). A player who takes a quarter back has seen its
        outcome, and the save says so. Returns the result of the quarter now last played (as the
        replay computed it; None when the game is back at its start). Raises ValueError (one line)
        in hot-seat play or when no quarter has been played."""
        if self.hotseat:
            raise ValueError(_("a quarter cannot be taken back in hot-seat play"))
        if not self.game.history:
            raise ValueError(_("no quarter has been played yet, so there is none to take back"))
        *kept, last = self.game.history
        game = Game(self.game.scenario, self.game.seed, self.game.data)
        result = None
        for rec in kept:
            moves = {"us": list(rec["us"]), "china": list(rec["china"])}
            injects = rec.get("injects")
            result = game.play_turn(moves, injects=injects) if injects else game.play_turn(moves)
        self.journal = [e for e in self.journal if e["quarter"] != last["quarter"]]
        self.takebacks.append(
            {"quarter": last["quarter"], "us": list(last["us"]), "china": list(last["china"])}
        )
        self.game = game
        if self.results and self.results[-1].quarter == last["quarter"]:
            self.results.pop()
        if autosave:
            self.autosave()
        return result

    # -- saving
    def save(self, name: str | None = None) -> Path:
        """Save as `name` (default: the session's name) in the save folder. Raises SaveNameError
        for a name that cannot be used and SaveError when the file cannot be written."""
        name = check_save_name(self.name if name is None else name)
        return self._write(self.save_dir / f"{name}.json", "save")

    def autosave(self) -> Path | None:
        """Write the game to its autosave slot (autosave_path). A failure does not stop the game:
        `autosave_error` says why (None when it worked), for the UI to show."""
        self.autosave_error = None
        try:
            return self._write(self.autosave_path, "autosave")
        except (OSError, ValueError) as exc:  # SaveError is a ValueError
            self.autosave_error = one_line(str(exc), 400)
            return None

    def _write(self, path: Path, how: str) -> Path:
        extra = {
            "side": self.side,
            "opponent": self.opponent,
            "name": self.name,
            "saved_at": datetime.now().isoformat(timespec="seconds"),
        }
        if self.takebacks:
            extra["takebacks"] = [dict(t) for t in self.takebacks]
        if self.journal:
            extra["journal"] = [dict(e) for e in self.journal]
        if self.facilitator:
            extra["facilitator"] = True
        if self.team:
            extra["team"] = self.team
        written = self.game.save(path, extra=extra)
        self.last_save = SavePoint(
            len(self.game.history), len(self.takebacks), self.game.quarter, how
        )
        return written

    def unsaved_summary(self, plan: list[str] | None = None) -> str | None:
        """What quitting now would lose, in one line, or None when nothing would be: the moves
        planned for this quarter (never saved) and what the game did since its last save (when an
        autosave failed or was not made). E.g. "This quarter's plan (2 moves) is not saved; the game
        itself was autosaved at 2026Q1." """
        n = len(plan or [])
        mine = (
            ngettext("this quarter's plan ({n} move)", "this quarter's plan ({n} moves)", n).format(
                n=n
            )
            if plan
            else ""
        )
        game, several = self._unsaved_play()
        at = self.last_save
        if not mine and not game:
            return None
        if mine and game:
            what = _("{plan} and {play}").format(plan=mine, play=game)
        else:
            what = mine or game
        if (mine and game) or several:
            lost = _("{what} are not saved").format(what=what)
        else:
            lost = _("{what} is not saved").format(what=what)
        if game and self.autosave_error:
            text = _("{lost} (the autosave failed: {error}).").format(
                lost=lost, error=self.autosave_error
            )
        elif at is not None and not game and at.how == "autosave":
            text = _("{lost}; the game itself was autosaved at {quarter}.").format(
                lost=lost, quarter=at.quarter
            )
        elif at is not None and not game:
            text = _("{lost}; the game itself was saved at {quarter}.").format(
                lost=lost, quarter=at.quarter
            )
        else:
            text = _("{lost}.").format(lost=lost)
        return text[0].upper() + text[1:]

    def _unsaved_play(self) -> tuple[str, bool]:
        """The play since the last save ('' when it is all saved): quarters played, or take-backs;
        and whether it is more than one quarter (the verb's number in English)."""
        at = self.last_save or SavePoint(0, 0, "", "")
        hist = self.game.history
        if at.takebacks != len(self.takebacks):
            gone = self.takebacks[-1]["quarter"]
            if self.last_save:
                text = _("the game since {quarter}, with the take-back of {takeback},")
                return text.format(quarter=at.quarter, takeback=gone), False
            text = _("the game from its start, with the take-back of {takeback},")
            return text.format(takeback=gone), False
        new = hist[at.played :]
        if not new:
            return "", False
        if len(new) == 1:
            return _("quarter {quarter}").format(quarter=new[0]["quarter"]), False
        text = _("quarters {first} to {last}")
        return text.format(first=new[0]["quarter"], last=new[-1]["quarter"]), True

    # -- the end
    @property
    def comparison_opponent(self) -> str:
        """The agent the personas' comparison plays against: the opponent, or a random persona
        in hot-seat (the second human cannot be replayed)."""
        return "random-persona" if self.hotseat else self.opponent

    def score_history(self) -> list[float]:
        return [m["score"] for m in self.game.meter_history]

    def turning_points(self, k: int = 3) -> list[tuple[str, float, list[str]]]:
        """The k quarters whose score moved most: (quarter, change, both sides' moves)."""
        hist = self.score_history()
        rows = []
        for i, rec in enumerate(self.game.history):
            change = hist[i + 1] - hist[i]
            rows.append((rec["quarter"], change, [*rec["us"], *rec["china"]]))
        return sorted(rows, key=lambda r: -abs(r[1]))[:k]


def _safe_name(name: str) -> str:
    """A file stem from any text: runs of characters other than A-Z a-z 0-9 _ . - become '-', no
    leading or trailing dots or dashes (so no hidden files), "game" when nothing is left."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.strip()).strip(".-")
    return name or "game"


def check_save_name(name: str) -> str:
    """The file stem for a save name a player typed, or SaveNameError saying what is wrong: blank,
    longer than MAX_NAME characters, control characters, path separators, or no letter or digit.
    Other characters are made safe as _safe_name does ("my game" -> "my-game", ".x" -> "x"); a
    trailing ".json" is dropped."""
    if not isinstance(name, str):
        raise SaveNameError(_("a save name must be text"))
    text = name.strip()
    if text.lower().endswith(".json"):
        text = text[:-5].rstrip()
    if not text:
        raise SaveNameError(_("a save needs a name"))
    if len(text) > MAX_NAME:
        raise SaveNameError(
            _("a save name can have at most {most} characters (this one has {n})").format(
                most=MAX_NAME, n=len(text)
            )
        )
    if not text.isprintable():
        raise SaveNameError(_("a save name cannot contain control characters"))
    if "/" in text or "\\" in text or (os.altsep and os.altsep in text):
        raise SaveNameError(
            _("a save name cannot contain / or \\ (every save goes in the save folder)")
        )
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip(".-")
    if not any(ch.isalnum() for ch in stem):
        raise SaveNameError(_("a save name needs at least one letter or digit (A-Z, a-z, 0-9)"))
    return stem


def _shown(value: object) -> str:
    """A short one-line form of an untrusted value from a save, for messages."""
    if isinstance(value, str):
        return one_line(repr(value if len(value) <= 40 else value[:39] + "…"), 60)
    if value is None or isinstance(value, (bool, int, float)):
        return one_line(repr(value), 60)
    return f"a {type(value).__name__}"


def _is_label(value: object, limit: int = MAX_NAME) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and value.isprintable()


def _check_extra(p: Path, extra: dict) -> tuple[str, str, str]:
    """The side, the opponent and the name a save's `extra` gives, or SaveError (one line): the side
    'us' or 'china', the opponent "human" or a real agent for the other side, the name a save name.
    Missing values get the defaults: the US, the side's default opponent, the file's name."""

    def bad(what: str) -> SaveError:
        return SaveError(f"corrupt save: extra.{what}", path=p)

    side = extra.get("side", "us")
    if not isinstance(side, str) or side not in SIDES:
        raise bad(f"side must be 'us' or 'china', not {_shown(side)}")
    other = other_side(side)
    opponent = extra.get("opponent", default_opponent(side))
    if not _is_label(opponent):
        raise bad(f"opponent must be the name of a {other} player, not {_shown(opponent)}")
    if opponent != HOTSEAT:
        try:
            make_agent(opponent, other)
        except Exception as exc:  # whatever the registry raises, the save is what is wrong
            raise bad(f"opponent {_shown(opponent)} is not a {other} player: {exc}") from None
    if "name" not in extra:
        return side, opponent, _safe_name(p.stem)
    name = extra["name"]
    try:
        check_save_name(name)
    except SaveNameError as exc:
        raise bad(f"name {_shown(name)} cannot be a save name: {exc}") from None
    return side, opponent, name.strip()


def _check_takebacks(p: Path, extra: dict) -> list[dict]:
    """The quarters a save's `extra.takebacks` says were played and taken back (see
    Session.take_back), or SaveError (one line, "corrupt save: extra.takebacks…"): a list of at
    most MAX_TURNS objects, each exactly {"quarter": "2025Q3", "us": [moves], "china": [moves]}."""

    def bad(what: str) -> SaveError:
        return SaveError(f"corrupt save: extra.takebacks{what}", path=p)

    records = extra.get("takebacks", [])
    if not isinstance(records, list) or len(records) > MAX_TURNS:
        raise bad(f" must be a list of at most {MAX_TURNS} quarters, not {_shown(records)}")
    out = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict) or set(rec) != {"quarter", *SIDES}:
            raise bad(f"[{i}] must be {{quarter, us, china}}, not {_shown(rec)}")
        quarter = rec["quarter"]
        if not isinstance(quarter, str) or not QUARTER_RE.fullmatch(quarter):
            raise bad(f"[{i}].quarter must be a quarter like '2025Q3', not {_shown(quarter)}")
        for side in SIDES:
            moves = rec[side]
            if not isinstance(moves, list) or len(moves) > MAX_MOVES:
                raise bad(f"[{i}].{side} must be a list of moves, not {_shown(moves)}")
            for j, m in enumerate(moves):
                if not isinstance(m, str) or not MOVE_TEXT_RE.fullmatch(m):
                    raise bad(f"[{i}].{side}[{j}] is not a move: {_shown(m)}")
        out.append({"quarter": quarter, "us": list(rec["us"]), "china": list(rec["china"])})
    return out


MAX_RATIONALE = 200  # characters of a journal rationale


def _check_classroom(p: Path, extra: dict) -> tuple[list[dict], bool, str]:
    """A save's decision journal, facilitator flag and team name (extra.journal, .facilitator,
    .team), or SaveError (one line, "corrupt save: extra.journal…")."""

    def bad(what: str) -> SaveError:
        return SaveError(f"corrupt save: extra.{what}", path=p)

    facilitator = extra.get("facilitator", False)
    if not isinstance(facilitator, bool):
        raise bad(f"facilitator must be true or false, not {_shown(facilitator)}")
    team = extra.get("team", "")
    if not isinstance(team, str) or len(team) > MAX_NAME:
        raise bad(f"team must be a name of at most {MAX_NAME} characters, not {_shown(team)}")
    records = extra.get("journal", [])
    if not isinstance(records, list) or len(records) > 2 * MAX_TURNS:
        raise bad(f"journal must be a list of at most {2 * MAX_TURNS} entries")
    out = []
    for i, e in enumerate(records):
        if not isinstance(e, dict):
            raise bad(f"journal[{i}] must be an object, not {_shown(e)}")
        q, side, why = e.get("quarter"), e.get("side"), e.get("rationale", "")
        if not isinstance(q, str) or not QUARTER_RE.fullmatch(q):
            raise bad(f"journal[{i}].quarter must be a quarter like '2025Q3', not {_shown(q)}")
        if side not in SIDES:
            raise bad(f"journal[{i}].side must be 'us' or 'china', not {_shown(side)}")
        if not isinstance(why, str) or len(why) > MAX_RATIONALE:
            raise bad(f"journal[{i}].rationale must be text of at most {MAX_RATIONALE} characters")
        entry = {"quarter": q, "side": side, "rationale": why, "prediction": None}
        pred = e.get("prediction")
        if pred is not None:
            ok = (
                isinstance(pred, dict)
                and isinstance(pred.get("meter"), str)
                and all(_finite(pred.get(k)) for k in ("value", "before"))
            )
            if not ok:
                raise bad(f"journal[{i}].prediction must be {{meter, value, before}}")
            entry["prediction"] = {k: pred[k] for k in ("meter", "value", "before")}
        for key in ("actual", "error"):
            if key in e:
                if not _finite(e[key]):
                    raise bad(f"journal[{i}].{key} must be a number, not {_shown(e[key])}")
                entry[key] = float(e[key])
        if "direction_right" in e:
            entry["direction_right"] = bool(e["direction_right"])
        out.append(entry)
    return out, facilitator, team


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and bool(np.isfinite(x))


def _mtime(p: Path) -> float:
    for look in (p.stat, p.lstat):
        try:
            return look().st_mtime
        except OSError:
            continue
    return 0.0


def list_saves(folder: str | Path = SAVE_DIR) -> list[SaveInfo]:
    """Every *.json in the folder, newest first, with its facts or the reason it cannot be loaded
    (a folder, a pipe, a device, unreadable, too big, corrupt, a bad `extra`). Never raises and
    never blocks; removes the stale temp files of killed saves on the way."""
    out: list[SaveInfo] = []
    folder = Path(folder)
    try:
        if not folder.is_dir():
            return out
        with os.scandir(folder) as it:
            paths = [folder / e.name for e in it if e.name.endswith(".json")]
    except OSError:
        return out
    clean_stale_temps(folder)
    for p in sorted(paths, key=_mtime, reverse=True):
        try:
            body = read_save(p)
            side, opponent, _name = _check_extra(p, body.get("extra", {}))
            _check_takebacks(p, body.get("extra", {}))
        except SaveError as exc:
            out.append(SaveInfo(p, error=exc.reason))
            continue
        except Exception as exc:  # never let one file break the list
            out.append(SaveInfo(p, error=one_line(f"cannot read: {exc!r}", 300)))
            continue
        saved = body.get("extra", {}).get("saved_at")
        if not _is_label(saved, 40):
            try:
                saved = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(_mtime(p)))
            except (OverflowError, OSError, ValueError):  # a file dated out of this world
                saved = "?"
        out.append(SaveInfo(p, body["scenario"], side, body["quarter"], saved, opponent))
    return out
