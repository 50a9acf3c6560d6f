"""Safe YAML reading that remembers where each value came from, for errors that name file, line and field.

Every G2 file may come from someone else (scenarios travel between teachers and students), so reading
is bounded before anything is built: only regular files up to `MAX_BYTES`, no anchors or aliases (an
alias bomb of a few hundred bytes expands to gigabytes), at most `MAX_DEPTH` levels of nesting and
`MAX_NODES` values, and no key twice in one mapping.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is faster; both are the *safe* loaders
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_BYTES = 256 * 1024  # the largest data file is ~16 KB; a scenario is ~3 KB
MAX_DEPTH = 32  # G2's files nest at most 5 deep
MAX_NODES = 20_000  # params.yaml, the largest, has ~1,000 values
_MERGE_TAG = "tag:yaml.org,2002:merge"


class DataError(ValueError):
    """A data, scenario or plan file is malformed. The message names the file, the line and the field."""

    def __init__(self, path: str | Path, line: int | None, field_name: str, problem: str):
        self.path = str(path)
        self.line = line
        self.field = field_name
        self.problem = problem = " ".join(str(problem).split())  # always one line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: field '{field_name}': {problem}")


@dataclass
class Doc:
    """A parsed YAML document: plain Python values plus the line of every field (by dotted path)."""

    path: str
    value: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, where: str) -> int | None:
        # labels like "moves[3](rasa_push)" name an item; its line is that of "moves[3]"
        where = re.sub(r"\([^)]*\)", "", where)
        # fall back to the nearest enclosing field that has a line
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where.rsplit(".", 1)[0] if "." in where else ""
        return self.lines.get("", 1)

    def error(self, where: str, problem: str) -> DataError:
        return DataError(self.path, self.line(where), where or "<document>", problem)


def _screen(text: str, path: str | Path) -> None:
    """Refuse anchors, aliases, deep nesting and huge documents from the event stream, before any
    node is built: the parser yields events one at a time, so a hostile file stops at its first
    excess."""
    depth = nodes = 0
    for ev in yaml.parse(text, Loader=_Loader):
        line = ev.start_mark.line + 1 if ev.start_mark else None
        if isinstance(ev, yaml.AliasEvent):
            raise DataError(
                path, line, "<syntax>", f"aliases (*{ev.anchor}) are not allowed in G2 files"
            )
        if isinstance(ev, yaml.NodeEvent):
            if ev.anchor is not None:
                raise DataError(
                    path,
                    line,
                    "<syntax>",
                    f"anchors (&{ev.anchor}) are not allowed in G2 files; write the value out",
                )
            nodes += 1
            if nodes > MAX_NODES:
                raise DataError(path, line, "<syntax>", f"more than {MAX_NODES:,} values")
        if isinstance(ev, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise DataError(path, line, "<syntax>", f"nested more than {MAX_DEPTH} deep")
        elif isinstance(ev, yaml.CollectionEndEvent):
            depth -= 1


def _walk(node: yaml.Node, prefix: str, lines: dict[str, int], path: str | Path) -> None:
    """Record each field's line; refuse duplicate keys, merge keys and keys that are not names."""
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, val_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                raise DataError(
                    path, line, prefix or "<document>", "merge keys (<<) are not allowed"
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise DataError(path, line, prefix or "<document>", "a key must be a plain name")
            key = key_node.value
            sub = f"{prefix}.{key}" if prefix else str(key)
            if key in seen:
                raise DataError(path, line, sub, f"duplicate key (first given on line {seen[key]})")
            seen[key] = line
            _walk(val_node, sub, lines, path)
            lines[sub] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item_node in enumerate(node.value):
            _walk(item_node, f"{prefix}[{i}]", lines, path)


def _char(c: int | str | bytes) -> str:
    code = c if isinstance(c, int) else ord(c) if len(c) == 1 else None
    return f"U+{code:04X}" if code is not None else repr(c)


def parse(text: str, path: str | Path = "<string>") -> Doc:
    """Parse YAML text safely; a syntax error or a hostile construct becomes a DataError with its line."""
    if len(text) > MAX_BYTES:
        raise DataError(path, None, "<file>", f"larger than {MAX_BYTES // 1024} KB")
    loader = None
    try:
        _screen(text, path)
        loader = _Loader(text)
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        if node is not None:
            _walk(node, "", lines, path)
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, "<syntax>", f"not valid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise DataError(
            path,
            line,
            "<syntax>",
            f"not valid YAML: character {_char(exc.character)} is not allowed",
        ) from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        if isinstance(exc, DataError):
            raise
        # e.g. a date like 2025-02-30 fails inside the constructor
        raise DataError(path, None, "<syntax>", f"not valid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return Doc(str(path), value, lines)


def read(path: str | Path) -> Doc:
    """Read a YAML file: only a regular file, at most MAX_BYTES, UTF-8. Never blocks on a FIFO."""
    return parse(read_text(path), Path(path))


def read_text(path: str | Path) -> str:
    """A G2 file's text, read as `read` reads it: only a regular file of at most MAX_BYTES, UTF-8;
    never blocks on a FIFO. Raises DataError naming the file."""
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DataError(p, None, "<file>", "file not found") from None
    except IsADirectoryError:
        raise DataError(p, None, "<file>", "a folder, not a file") from None
    except OSError as exc:
        raise DataError(p, None, "<file>", f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DataError(p, None, "<file>", "a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise DataError(p, None, "<file>", "not a regular file (a device, pipe or socket)")
        if info.st_size > MAX_BYTES:
            raise DataError(p, None, "<file>", f"larger than {MAX_BYTES // 1024} KB")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise DataError(p, None, "<file>", f"larger than {MAX_BYTES // 1024} KB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(p, None, "<file>", "not UTF-8 text") from None
