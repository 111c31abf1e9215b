"""The apps' dependencies point one way (README, "Dependencies"), read from the code's own imports.

Every ``import`` under ``apps/`` counts, at module level or inside a function: an import put off
into a function still makes the two modules depend on each other, it only hides the cycle from
Python. ``make lint`` checks the same with import-linter (``[tool.importlinter]`` in
``pyproject.toml``, which also follows indirect chains); this test runs with ``make test``.
"""

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "apps"


def module_names() -> dict[str, Path]:
    """Every module under ``apps/`` by dotted name (a package by its own name)."""
    modules = {}
    for path in APPS.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_names(node, *, module: str, is_package: bool) -> list[str]:
    """The modules (or names in modules) an import statement reaches for, as dotted names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ``apps/`` it imports.

    ``from package import name`` is an import of ``package.name`` when that is a module, else of
    ``package`` (as import-linter reads it).
    """
    modules = module_names()
    graph = defaultdict(set)
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = imported_names(node, module=module, is_package=is_package)
            if isinstance(node, ast.ImportFrom):
                *members, base = names
                found = [name for name in members if name in modules]
                names = found + ([base] if len(found) < len(members) else [])
            for name in names:
                while name and name not in modules:  # a class or function: its module
                    name = name.rpartition(".")[0]
                if name and name != module:
                    graph[module].add(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's, without recursion)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph.get(successor, ())))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def app_of(module: str) -> str:
    return module.split(".")[1]


def app_imports(graph) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(importing app, imported app) -> the module imports that make it."""
    pairs = defaultdict(list)
    for importer, imported in sorted((a, b) for a, targets in graph.items() for b in targets):
        if app_of(importer) != app_of(imported):
            pairs[app_of(importer), app_of(imported)].append((importer, imported))
    return pairs


def layers() -> list[str]:
    """The apps from the top down, as the import-linter layers contract in ``pyproject.toml`` has them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = (c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [layer.removeprefix("apps.") for layer in contract["layers"]]


def test_the_import_reader_sees_what_python_imports():
    graph = import_graph()
    assert "apps.core.errors" in graph["apps.tenancy.selectors"]  # from apps.core.errors import NotFoundError
    assert "apps.core.outbox" in graph["apps.membership.services.people"]  # from apps.core import outbox
    assert "apps.membership.services.people" in graph["apps.membership.emails"]  # from .services.people import …
    assert "apps.matching.engine" not in graph["apps.matching.engine.allocation"]  # from . import candidates
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_modules_of_apps():
    found = cycles(import_graph())
    graph = import_graph()
    report = [
        " <-> ".join(component)
        + "".join(f"\n    {a} -> {b}" for a in component for b in sorted(graph[a] & set(component)))
        for component in found
    ]
    assert not found, "import cycles:\n" + "\n".join(report)


def test_no_two_apps_import_each_other():
    pairs = app_imports(import_graph())
    both_ways = sorted((a, b) for a, b in pairs if a < b and (b, a) in pairs)
    report = [
        f"{a} <-> {b}:" + "".join(f"\n    {x} -> {y}" for x, y in pairs[a, b] + pairs[b, a]) for a, b in both_ways
    ]
    assert not both_ways, "apps importing each other:\n" + "\n".join(report)


def test_every_app_has_its_layer_and_imports_only_those_below():
    order = layers()
    installed = {path.name for path in APPS.iterdir() if (path / "apps.py").exists()}
    assert set(order) == installed, "pyproject.toml's layers name every app once"
    rank = {app: position for position, app in enumerate(order)}  # 0 is the top
    upward = [
        f"{importer} -> {imported}"
        for (a, b), imports in app_imports(import_graph()).items()
        if rank[b] < rank[a]
        for importer, imported in imports
    ]
    assert not upward, "imports against the layers (top first: " + " > ".join(order) + "):\n" + "\n".join(upward)
