"""Keeping the translation catalogs current: extract, update, compile (README, "Translating G2").

    uv run python -m game.i18n_extract            # refresh the .pot files, update every .po, compile .mo
    uv run python -m game.i18n_extract --check    # exit 1 if a catalog is stale (the tests run this)

Two domains (game.i18n): `messages`, the interface, extracted by Babel's Python extractor from the front
ends (`_`, `N_`, `ngettext`); `content`, the game's content, from three places:

1. the data files, by `extract_yaml` (a Babel extractor, registered as `g2_yaml`, so
   `pybabel extract -F babel.cfg` finds the same strings): every text field players read;
2. the AI personas' titles and descriptions (game.ai.catalog);
3. the words the engine writes in code (causes, score parts, channels): harvested by playing seeded games
   of every scenario with every pairing of personas and recording what the engine says.

Translations live in `game/locale/<lang>/LC_MESSAGES/<domain>.po` and are edited there (any .po editor);
`.mo` files are compiled from them by this module and committed, so `uv run g2` needs no build step.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from game.i18n import DEFAULT, LANGS, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent

# the YAML fields whose text players read (a string, or a list of strings)
TEXT_KEYS = frozenset(
    {
        "name",
        "label",
        "labels",
        "description",
        "headline",
        "headlines",
        "briefing",
        "why",
        "short",
        "rest",
        "reason",
        "group",
        "term",
        "definition",
        "title",
        "objectives",
    }
)
# data files whose text is not shown to players (calibration targets, design targets, plans)
SKIP_DATA = ("calibration.yaml", "design.yaml", "plans/")
# where the interface's strings are (under game/): the front ends and the reports they print
MESSAGE_SOURCES = (
    "tui",
    "cli.py",
    "ai/forecast.py",
    "analysis/brief.py",
    "analysis/authoring.py",
    "analysis/debrief.py",
    "analysis/classview.py",
    "analysis/reportdoc.py",
    "rooms",
)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
HEADER = "Translations of G2, the US-China AI compute race game"


# ----------------------------------------------------------------------------- extractors


def extract_yaml(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for G2's data files: (line, None, text, [field]) for each TEXT_KEYS value.
    YAML is read with the safe composer only (no tags are constructed)."""
    text = fileobj.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    yield from _walk(root)


def _walk(node) -> Iterator[tuple]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name in TEXT_KEYS:
                for scalar in _scalars(value):
                    msg = str(scalar.value).strip()
                    if msg and not _is_id(msg):
                        yield scalar.start_mark.line + 1, None, msg, [name]
            else:
                yield from _walk(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)


def _scalars(node) -> Iterable[yaml.ScalarNode]:
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)


def _is_id(text: str) -> bool:
    """Ids (s002.h200_rule) and lone numbers are not text."""
    return text.replace(".", "").replace("_", "").isalnum() and ("_" in text or "." in text)


def yaml_messages() -> Iterator[tuple[str, str, int, str]]:
    """(text, file, line, field) for every data file's player-visible text."""
    data = ROOT / "data"
    for path in sorted(data.rglob("*.yaml")):
        rel = path.relative_to(data).as_posix()
        if any(rel == s or rel.startswith(s) for s in SKIP_DATA):
            continue
        with open(path, "rb") as fp:
            for line, _f, msg, comments in extract_yaml(fp, None, None, {}):
                yield msg, f"data/{rel}", line, comments[0]


def seed_messages() -> Iterator[tuple[str, str, int, str]]:
    """The source register's words players read: what each figure measures (the help screen's
    sources) and each document as the advisors cite it (game.engine.data.figure_text)."""
    from game.engine.data import _seed_figures, figure_text, seed_documents

    for fid, fig in _seed_figures().items():
        what = str(fig.get("measures") or "").strip()
        if what:
            yield what, f"seeds ({fid})", 0, "measures"
    for did in seed_documents():
        yield figure_text(None, did), f"seeds ({did})", 0, "document as cited"


def persona_messages() -> Iterator[tuple[str, str, int, str]]:
    from game.ai.catalog import PERSONA_INFO

    for side in PERSONA_INFO.values():
        for p in side.values():
            yield p.title, "game/ai/catalog.py", 0, "title"
            yield p.description, "game/ai/catalog.py", 0, "description"


def engine_messages(seeds: int = 1) -> Iterator[tuple[str, str, int, str]]:
    """The words the engine writes in code, as it writes them: every cause of every meter (as
    either side sees it) and the score's parts, from seeded games of every scenario, with every
    pairing of personas and of holding."""
    import numpy as np

    from game.ai import decide, make_agent
    from game.ai.catalog import PERSONA_INFO
    from game.engine.api import Game
    from game.engine.data import load_data
    from game.engine.model import CHANNELS

    where = "game/engine (played)"
    seen: set[str] = set()

    def new(text: str) -> bool:
        if text in seen:
            return False
        seen.add(text)
        return True

    from game.engine.data import SIDE_NAMES

    for c in CHANNELS:
        if new(c):
            yield c, where, 0, "China's compute channel"
    from game.engine.rules import NOT_IN_SCENARIO

    for name in SIDE_NAMES.values():
        if new(name):
            yield name, where, 0, "side"
    # words the engine writes for what no seeded game shows: a move a scenario leaves out, and
    # the name of an event the facilitator writes (game.engine.api.Game.play_turn)
    for text, field in ((NOT_IN_SCENARIO, "reason"), ("Facilitator", "event")):
        if new(text):
            yield text, where, 0, field
    for sid in load_data().scenarios:
        if sid.startswith("calib-"):
            continue
        for us in [*PERSONA_INFO["us"], "hold"]:
            for cn in [*PERSONA_INFO["china"], "hold"]:
                for seed in range(seeds):
                    g = Game(sid, seed)
                    agents = {"us": us, "china": cn}
                    agents = {
                        k: None if v == "hold" else make_agent(v, k) for k, v in agents.items()
                    }
                    rng = np.random.default_rng(seed)
                    while not g.over:
                        for p in g.score_breakdown():
                            for text, field in (
                                (p["part"], "score part"),
                                (p["measures"], "what it measures"),
                                (p["argument"], "whose argument"),
                            ):
                                if new(text):
                                    yield text, where, 0, field
                        moves = {
                            k: [] if a is None else decide(a, g, rng) for k, a in agents.items()
                        }
                        r = g.play_turn(moves)
                        for ev in r.events:  # scripted injects are named in code
                            for text in (ev.name, ev.headline):
                                if new(text):
                                    yield text, where, 0, "event"
                        for viewer in ("us", "china"):
                            for causes in r.why_seen(viewer).values():
                                for cause in causes:
                                    if new(str(cause)):
                                        yield str(cause), where, 0, "cause"


# ----------------------------------------------------------------------------- catalogs


def content_template(seeds: int = 1) -> Catalog:
    cat = Catalog(domain="content", project="G2", header_comment=f"# {HEADER}: game content.")
    for source in (yaml_messages(), seed_messages(), persona_messages(), engine_messages(seeds)):
        for text, path, line, field in source:
            cat.add(text, locations=[(path, line)], auto_comments=[field])
    for m in cat:  # "30% of" is prose, not a %-format: G2 formats with {names}
        m.flags.discard("python-format")
    return cat


def messages_template() -> Catalog:
    cat = Catalog(domain="messages", project="G2", header_comment=f"# {HEADER}: the interface.")
    method_map = [("**.py", "python")]
    for sub in MESSAGE_SOURCES:
        base = PACKAGE / sub
        if not base.exists():
            continue
        found = (
            extract_from_dir(str(base), method_map, keywords=KEYWORDS)
            if base.is_dir()
            else _extract_file(base)
        )
        for filename, lineno, message, comments, context in found:
            rel = (base / filename).relative_to(ROOT).as_posix() if base.is_dir() else filename
            cat.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
    for m in cat:
        m.flags.discard("python-format")
    return cat


def _extract_file(path: Path):
    from babel.messages.extract import extract

    with open(path, "rb") as fp:
        for lineno, message, comments, context in extract("python", fp, keywords=KEYWORDS):
            yield path.relative_to(ROOT).as_posix(), lineno, message, comments, context


def po_path(lang: str, domain: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(path: Path, lang: str | None = None) -> Catalog:
    with open(path, "rb") as fp:
        return read_po(fp, locale=lang)


def _po_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, sort_output=False, include_previous=False)
    return buf.getvalue()


def _mo_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def updated(template: Catalog, lang: str, domain: str) -> Catalog:
    """The language's catalog brought up to `template`: new msgids added empty, gone ones dropped
    (kept as obsolete in the file), translations kept."""
    path = po_path(lang, domain)
    if path.exists():
        cat = read_catalog(path, lang)
    else:
        cat = Catalog(locale=lang, domain=domain, project="G2")
    cat.update(template, no_fuzzy_matching=True)
    cat.obsolete.clear()
    return cat


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write when different; True when the file changed."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def untranslated(cat: Catalog) -> list[str]:
    return [m.id for m in cat if m.id and not m.string]


def build(check: bool = False, seeds: int = 1) -> list[str]:
    """Refresh every template, catalog and compiled file; with `check`, write nothing and return
    what is out of date."""
    stale: list[str] = []
    templates = {"messages": messages_template(), "content": content_template(seeds)}
    for domain, template in templates.items():
        pot = LOCALE_DIR / f"{domain}.pot"
        if _changed(pot, _po_bytes(template), check, ignore_dates=True):
            stale.append(str(pot.relative_to(ROOT)))
        for lang in LANGS:
            if lang == DEFAULT:
                continue
            cat = updated(template, lang, domain)
            po, mo = po_path(lang, domain), po_path(lang, domain).with_suffix(".mo")
            if _changed(po, _po_bytes(cat), check, ignore_dates=True):
                stale.append(str(po.relative_to(ROOT)))
            if _mo_changed(mo, _mo_bytes(cat), check):
                stale.append(str(mo.relative_to(ROOT)))
    return stale


def _changed(path: Path, data: bytes, check: bool, ignore_dates: bool = False) -> bool:
    if check:
        if not path.exists():
            return True
        old = path.read_bytes()
        if ignore_dates:
            return _undated(old) != _undated(data)
        return old != data
    if path.exists() and ignore_dates and _undated(path.read_bytes()) == _undated(data):
        return False
    return _write_atomic(path, data)


def _mo_changed(path: Path, data: bytes, check: bool) -> bool:
    """A compiled catalog is current when its translations are (its header carries dates)."""
    if path.exists() and _mo_entries(path.read_bytes()) == _mo_entries(data):
        return False
    return True if check else _write_atomic(path, data)


def _mo_entries(data: bytes) -> dict:
    import gettext

    entries = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)
    entries.pop("", None)
    return entries


def _undated(po: bytes) -> bytes:
    return b"\n".join(
        line
        for line in po.splitlines()
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date', b"#. ", b"#: "))
    )


def merge(paths: list[Path], lang: str, domain: str) -> int:
    """Take the translations in `paths` (.po files from a translator) into the `lang` catalog of
    `domain`, for msgids it has; returns how many were taken. Run the build afterwards."""
    cat = updated(messages_template() if domain == "messages" else content_template(), lang, domain)
    taken = 0
    for path in paths:
        for m in read_catalog(Path(path), lang):
            if m.id and m.string and m.id in cat:
                cat[m.id].string = m.string
                cat[m.id].flags.discard("fuzzy")
                taken += 1
    _write_atomic(po_path(lang, domain), _po_bytes(cat))
    return taken


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m game.i18n_extract", description=__doc__)
    ap.add_argument("--check", action="store_true", help="exit 1 if a catalog is out of date")
    ap.add_argument("--seeds", type=int, default=1, help="games per pairing for the engine's words")
    ap.add_argument(
        "--merge",
        nargs="+",
        metavar=("DOMAIN", "FILE"),
        help="take a translator's .po files into a catalog first: --merge content zh.po ...",
    )
    ap.add_argument("--lang", default="zh", help="the language --merge writes (default zh)")
    args = ap.parse_args(argv)
    if args.merge:
        domain, *files = args.merge
        if domain not in ("messages", "content") or not files:
            ap.error("--merge takes a domain (messages or content) and one or more .po files")
        print(f"took {merge([Path(f) for f in files], args.lang, domain)} translations")
    stale = build(check=args.check, seeds=args.seeds)
    if args.check:
        for name in stale:
            print(f"out of date: {name} (run: uv run python -m game.i18n_extract)")
        return 1 if stale else 0
    for name in stale:
        print(f"wrote {name}")
    for lang in LANGS:
        if lang == DEFAULT:
            continue
        for domain in ("messages", "content"):
            cat = read_catalog(po_path(lang, domain), lang)
            todo = untranslated(cat)
            print(f"{lang}/{domain}: {len(cat) - len(todo)} of {len(cat)} strings translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
