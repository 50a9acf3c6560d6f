"""Safe YAML reading that remembers where each value came from, for errors that name file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is faster; both are the *safe* loaders
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


class DataError(ValueError):
    """A data, scenario or plan file is malformed. The message names the file, the line and the field."""

    def __init__(self, path: str | Path, line: int | None, field_name: str, problem: str):
        self.path = str(path)
        self.line = line
        self.field = field_name
        self.problem = problem
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


def _walk(node: yaml.Node, value: Any, prefix: str, lines: dict[str, int]) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        for key_node, val_node in node.value:
            key = key_node.value
            sub = f"{prefix}.{key}" if prefix else str(key)
            if key in value:
                _walk(val_node, value[key], sub, lines)
                lines[sub] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        for i, (item_node, item) in enumerate(zip(node.value, value, strict=False)):
            _walk(item_node, item, f"{prefix}[{i}]", lines)


def parse(text: str, path: str | Path = "<string>") -> Doc:
    """Parse YAML text safely; a syntax error becomes a DataError with its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, "<syntax>", f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise DataError(path, None, "<syntax>", f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, value, "", lines)
    return Doc(str(path), value, lines)


def read(path: str | Path) -> Doc:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(p, None, "<file>", "file not found") from None
    except UnicodeDecodeError:
        raise DataError(p, None, "<file>", "not UTF-8 text") from None
    return parse(text, p)
