"""The player's remembered preferences (e.g. that the guided first quarter was dismissed): a small
JSON object in `settings.json` in G2's config folder.

The folder is $G2_CONFIG_DIR when set (tests use a temporary one), else the platform's config
folder for "g2" (platformdirs: ~/.config/g2 on Linux). The file is only ever read as JSON: nothing in
it is run. A missing file means the defaults; so does one that cannot be used (not JSON,
not an object, too big, not a regular file, unreadable), which is then left as it is: saving over
it is refused with the reason, so a player's hand-edited file is never replaced without a word.
Writes are atomic (a temp file renamed over the old one), so a killed write leaves the old file.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

CONFIG_ENV = "G2_CONFIG_DIR"
SETTINGS_NAME = "settings.json"
MAX_BYTES = 64 * 1024  # a settings file is a few hundred bytes

TOUR_DONE = "tour_done"  # bool: the war room's guided first quarter was dismissed
DEFAULTS: dict[str, Any] = {TOUR_DONE: False}

__all__ = [
    "DEFAULTS",
    "TOUR_DONE",
    "PrefsError",
    "config_dir",
    "get",
    "load_prefs",
    "problem",
    "save_prefs",
    "set",
    "settings_path",
]


class PrefsError(ValueError):
    """The settings cannot be saved; the message says why, in one line."""


def config_dir() -> Path:
    """G2's config folder: $G2_CONFIG_DIR when set, else the platform's (platformdirs)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    import platformdirs  # only when needed: tests and $G2_CONFIG_DIR users never pay for it

    return Path(platformdirs.user_config_dir("g2", appauthor=False))


def settings_path() -> Path:
    return config_dir() / SETTINGS_NAME


def _read(p: Path) -> tuple[dict[str, Any], str | None]:
    """The settings in `p` and None, or ({}, why the file cannot be used). A missing file is ({},
    None). Never raises and never blocks (only a regular file is opened)."""
    try:
        st = p.stat()
    except (FileNotFoundError, NotADirectoryError):  # no file (saving will say what is in the way)
        return {}, None
    except OSError as exc:
        return {}, f"cannot read {p}: {exc.strerror or type(exc).__name__}"
    if not stat.S_ISREG(st.st_mode):
        return {}, f"{p} is not a regular file"
    if st.st_size > MAX_BYTES:
        return {}, f"{p} is too big for a settings file ({st.st_size} bytes)"
    try:
        body = json.loads(p.read_bytes().decode("utf-8"))
    except OSError as exc:
        return {}, f"cannot read {p}: {exc.strerror or type(exc).__name__}"
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return {}, f"{p} is not valid JSON ({_one_line(str(exc))})"
    if not isinstance(body, dict):
        return {}, f"{p} does not hold a JSON object but a {type(body).__name__}"
    return body, None


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_prefs() -> dict[str, Any]:
    """The saved settings over the defaults. Never raises: an unusable file gives the defaults."""
    return {**DEFAULTS, **_read(settings_path())[0]}


def problem() -> str | None:
    """Why the settings file cannot be used (to tell the player once), or None when it can."""
    return _read(settings_path())[1]


def get(key: str, default: Any = None) -> Any:
    """The setting `key`, or `default` (else its DEFAULTS value) when it is unset or of another
    type than the default (a hand-edited "tour_done": "yes" reads as unset)."""
    if default is None:
        default = DEFAULTS.get(key)
    value = load_prefs().get(key, default)
    widened = isinstance(default, float) and type(value) is int  # 2 reads as 2.0
    if default is not None and type(value) is not type(default) and not widened:
        return default
    return value


def save_prefs(prefs: dict[str, Any]) -> Path:
    """Write `prefs` (JSON values only) atomically as the settings file. Raises PrefsError (one
    line) when a value is not JSON, when the existing file cannot be used (it is left untouched:
    the player may have edited it by hand), or when the file cannot be written."""
    from game.engine.api import SaveError, write_atomic

    p = settings_path()
    if not isinstance(prefs, dict):
        raise PrefsError(f"settings must be a dict, not a {type(prefs).__name__}")
    try:
        text = json.dumps(prefs, indent=1, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PrefsError(f"settings must be JSON values: {_one_line(str(exc))}") from None
    why = _read(p)[1]
    if why:
        raise PrefsError(f"not saved over the settings file: {why}; fix or remove it")
    try:
        return write_atomic(p, lambda fh: fh.write(text + "\n"), MAX_BYTES, "save settings")
    except SaveError as exc:
        raise PrefsError(str(exc)) from None


def set(key: str, value: Any) -> str | None:  # prefs.set: shadows the builtin here only
    """Remember `key` = `value` beside the other saved settings. Never raises: returns None when
    saved, else why not (one line, for a notification); the game goes on either way."""
    current, why = _read(settings_path())
    if why:
        return f"not saved over the settings file: {why}; fix or remove it"
    try:
        save_prefs({**current, key: value})
    except PrefsError as exc:
        return str(exc)
    return None
