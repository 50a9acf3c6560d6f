"""The layers hold: `lint-imports` keeps the contracts in pyproject.toml, and no import inside a
function hides a cycle (a module importing, at call time, a module that imports it)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
from conftest import ROOT


def test_import_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def _function_imports(path: Path, module: str):
    """(line, imported module) for every import statement inside a function of `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    yield node.lineno, f"{base}.{alias.name}"
                    yield node.lineno, base


def test_no_function_level_import_dodges_a_cycle():
    graph = grimp.build_graph("game")
    cycles = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        for line, target in _function_imports(path, module):
            if target not in graph.modules or target == module:
                continue
            chain = graph.find_shortest_chain(importer=target, imported=module)
            if chain:
                cycles.append(
                    f"{path.relative_to(ROOT)}:{line} imports {target}: {' -> '.join(chain)}"
                )
    assert not cycles, "imports inside functions that close a cycle:\n" + "\n".join(cycles)


def test_the_cycle_check_would_catch_one(tmp_path, monkeypatch):
    """The check above is not vacuous: a package whose module imports, inside a function, a
    module that imports it is reported."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyc import a\n    return a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyc")
    found = list(_function_imports(pkg / "b.py", "cyc.b"))
    assert (2, "cyc.a") in found
    assert graph.find_shortest_chain(importer="cyc.a", imported="cyc.b")
