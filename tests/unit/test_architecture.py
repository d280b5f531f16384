"""The shape of the package, kept by a test: stages import only what is below them, no
import cycles, each third-party library in its one home, small modules, a short top level.
ARCHITECTURE.md describes the same rules for people."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "drift"

# what each part of the package may import (besides itself)
LAYERS: dict[str, set[str]] = {
    "base": set(),  # drift/__init__, errors, secret, fileio, tuning
    "model": {"base"},
    "schemas": {"base"},
    "spec": {"base", "model", "schemas"},
    "live": {"base", "model"},
    "judge": {"base", "model", "live"},
    "reporters": {"base", "model", "schemas"},
    "commands": {"base", "model", "schemas", "spec", "live", "judge", "reporters"},
    "emulator": {"base", "spec"},
    "cli": {"base", "model", "schemas", "spec", "live", "judge", "reporters", "commands"}
    | {"emulator"},
    "main": {"cli"},
}
# third-party library -> the modules (or package prefixes, ending in ".") that may import it
# at run time; elsewhere only under `if TYPE_CHECKING:`
HOMES: dict[str, tuple[str, ...]] = {
    "yaml": ("drift.spec.yamlload",),
    "jsonschema": ("drift.schemas",),
    "deepdiff": ("drift.judge.diff",),
    "httpx": ("drift.live.",),
    "httpcore": ("drift.live.transport",),
    "click": ("drift.cli.",),
}
MAX_LINES = 300
MAX_TOP_LEVEL_MODULES = 12


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> str:
    parts = module.split(".")
    if module in ("drift.__main__", "drift.emulator.__main__"):
        return "main"
    if len(parts) == 2 and parts[1] == "schemas":
        return "schemas"
    if len(parts) >= 2 and parts[1] in LAYERS and parts[1] not in ("base", "main"):
        return parts[1]
    return "base"


def _imports(module: str) -> Iterator[tuple[str, bool, int]]:
    """(imported module, only under TYPE_CHECKING, line) for every import in `module`."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    checking: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            checking.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in checking, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                yield (name if name in MODULES else base), id(node) in checking, node.lineno


def _runtime_graph() -> dict[str, set[str]]:
    return {
        m: {i for i, typing_only, _ in _imports(m) if i in MODULES and not typing_only}
        for m in MODULES
    }


def test_no_module_imports_a_stage_above_it() -> None:
    wrong = []
    for module in MODULES:
        mine = _layer(module)
        for imported, _, line in _imports(module):
            if imported not in MODULES or imported == "drift":
                continue
            theirs = _layer(imported)
            if theirs != mine and theirs not in LAYERS[mine]:
                wrong.append(f"{module}:{line} ({mine}) imports {imported} ({theirs})")
    assert wrong == []


def test_there_are_no_import_cycles() -> None:
    graph = _runtime_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # a package's __init__ importing its own modules is not a cycle of stages
    real = [c for c in cycles if not any(m.count(".") < 1 for m in c)]
    assert real == []


def test_each_library_is_imported_in_its_home_only() -> None:
    wrong = []
    for module in MODULES:
        for imported, typing_only, line in _imports(module):
            library = imported.split(".")[0]
            homes = HOMES.get(library)
            if homes is None or typing_only:
                continue
            if not any(module == h or (h.endswith(".") and module.startswith(h)) for h in homes):
                wrong.append(f"{module}:{line} imports {library}")
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_the_top_level_stays_short() -> None:
    top = sorted(p.name for p in PACKAGE.iterdir() if p.suffix == ".py")
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_the_rules_see_real_imports() -> None:
    """The checks above would pass on nothing: make sure they see what is there."""
    graph = _runtime_graph()
    assert "drift.judge.diff" in graph["drift.judge.verdict"]
    assert any(i == "deepdiff" for i, _, _ in _imports("drift.judge.diff"))
    assert _layer("drift.cli.check") == "cli" and _layer("drift.schemas") == "schemas"
    assert len(MODULES) > 60
