"""The package's floor plan holds: every import goes down a layer, and nothing imports in a circle.

Imports inside functions count as much as those at the top of a module.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ielts_rq"

# Lowest first. A module may import from its own part, or from a part of a lower layer.
LAYERS = [
    {"errors", "clock", "assets", "runtime"},  # the ground: no imports of the project's own
    {"addresses", "media", "policies"},
    {"settings"},
    {"logs", "observability"},
    {"queueing"},
    {"scoring", "services", "storage"},
    {"store", "ocr", "speech", "mail"},
    {"reports", "ops"},
    {"jobs"},
    {"cli"},
]
LAYER = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def _modules() -> dict[str, Path]:
    return {".".join(("ielts_rq", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): path
            for path in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> set[str]:
    """The ielts_rq modules (or packages) that module ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    modules = _modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
            found |= submodules or {base}  # `from . import store` imports the module, not its package
    return {target for target in found if target in modules and target != name}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = {name: _imports(name, path) for name, path in _modules().items()}


def test_every_part_has_a_layer():
    assert {_part(name) for name in GRAPH} - {"__init__"} <= set(LAYER)


@pytest.mark.parametrize("module", sorted(name for name in GRAPH if _part(name) != "__init__"))
def test_imports_go_down_the_layers(module):
    own = _part(module)
    upward = [target for target in GRAPH[module]
              if _part(target) != own and LAYER.get(_part(target), -1) >= LAYER[own]]
    assert upward == [], f"{module} imports from its own layer or above"


def test_jobs_never_import_other_jobs():
    for module, targets in GRAPH.items():
        if module.startswith("ielts_rq.jobs."):
            assert not [t for t in targets if t.startswith("ielts_rq.jobs.")], module


def test_no_import_cycles():
    # Package __init__ files re-export their modules: an edge into a package stands for its modules.
    edges = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if not (module.startswith(target + ".")):  # a module importing its own package's __init__
                edges[module].add(target)
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
