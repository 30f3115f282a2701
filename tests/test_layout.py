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


# Process-wide state lives in the runtime (runtime.py) alone: settings, Redis clients, storage and the like are
# parts of the runtime in force, so a test can build one in-process and a block can run under settings of its own.
RUNTIME = "ielts_rq.runtime"
# Facts about the process itself, not caches of settings or connections: a stop signal's arrival is read by
# every thread (`_stop`), redis-py's nested retries are counted per thread, the "Redis is full" warning keeps
# its pace across clients, and Sentry's SDK and the tracer provider are installed once per process by design.
PROCESS_FACTS = {
    ("ielts_rq.queueing.connection", "_threads"),
    ("ielts_rq.queueing.connection", "_full_since"),
    ("ielts_rq.observability", "_error_tracking"),
    ("ielts_rq.observability", "_tracer"),
    ("ielts_rq.scoring.meaning", "_word_sums"),  # a memo of the sentence model's word vectors: pure computation
    ("ielts_rq.scoring.tables", "_loaders"),  # the scorer's table loaders, listed as their modules are imported
}
CACHES = {"cache", "lru_cache", "cached_property"}
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque", "local", "WeakValueDictionary",
                 "WeakKeyDictionary"}
READS_SETTINGS_OR_CONNECTIONS = {"get_settings", "load_settings", "get_connection", "client_for", "redis_url",
                                 "queue_connection", "queue_servers", "current", "Redis", "from_url",
                                 "connection", "settings"}


def _name_of(node) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def _module_state(tree) -> list[str]:
    """Names a module binds at its top level to a mutable container: state kept for the process."""
    found = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        value = getattr(node, "value", None)
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and _name_of(value) in MUTABLE_CALLS)
        found += [t.id for t in targets if mutable and isinstance(t, ast.Name)
                  and not t.id.isupper() and not t.id.startswith("__")]  # UPPER_CASE: a constant table
    return found


def _globals(tree) -> list[str]:
    return [name for node in ast.walk(tree) if isinstance(node, ast.Global) for name in node.names]


def _cached_readers(tree) -> list[str]:
    """Functions cached for the process whose answer depends on the settings or a connection."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not any(_name_of(decorator) in CACHES for decorator in node.decorator_list):
            continue
        used = {_name_of(n) for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute, ast.Call))}
        used |= {arg.arg for arg in node.args.args}
        if used & READS_SETTINGS_OR_CONNECTIONS:
            found.append(node.name)
    return found


def test_no_module_outside_the_runtime_keeps_settings_or_connections_for_the_process():
    kept = []
    for name, path in sorted(_modules().items()):
        if name == RUNTIME:
            continue
        tree = ast.parse(path.read_text())
        kept += [f"{name}: {what} {found}" for what, names in (("module-level state", _module_state(tree)),
                                                                ("global", _globals(tree)),
                                                                ("cached over settings or a connection",
                                                                 _cached_readers(tree)))
                 for found in names if (name, found) not in PROCESS_FACTS]
    assert kept == [], "keep it on the runtime (runtime.current().part(...)) instead:\n" + "\n".join(kept)
