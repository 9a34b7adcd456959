"""Features stand side by side: no import cycle between them, and none reads another's views.

Every ``import`` in every module under ``course/`` counts, the ones inside functions
too: a function-local import only hides a cycle, it does not remove it. A feature is a
package directly under ``course/`` (auth, content, learn, progress, manage, site, ...).
A module directly under ``course/`` (``db``, ``config``, ``permissions``, ...) is shared
ground, not a feature: whoever imports it also depends on whatever it imports.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "course"
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "course.auth.views"
    target: str  # the imported module, e.g. "course.manage.cohorts"
    where: str  # path:line of the import statement

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_paths() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    """Return the course modules one import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        # `from . import x` in a package's __init__ is relative to the package itself.
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    # `from course.manage import views` names the module course.manage.views.
    names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
    return list(dict.fromkeys(names))


def all_imports() -> list[Import]:
    paths = module_paths()
    known = set(paths)
    found = []
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            for target in imported_modules(node, module, is_package, known):
                if target == "course" or target.startswith("course."):
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                    found.append(Import(module, target, where))
    return found


def unit(module: str) -> str:
    """Return the feature or shared module that ``module`` belongs to: course.auth.views -> auth."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "course"


def features() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/__init__.py")}


def views_modules() -> set[str]:
    """Return the modules that add routes to a blueprint: a feature's views, whatever the name."""
    found = set()
    for module, path in module_paths().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in ROUTE_DECORATORS
                for decorator in node.decorator_list
            ):
                found.add(module)
    return found


def feature_graph(imports: list[Import]) -> dict[str, dict[str, Import]]:
    """Return, per feature, the features it depends on and one import that shows it.

    An import of a shared module counts as importing what that module imports, so a
    cycle cannot hide behind a module at the top of the package.
    """
    feature_names = features()
    direct: dict[str, dict[str, Import]] = {}
    for found in imports:
        source, target = unit(found.source), unit(found.target)
        if source != target:
            direct.setdefault(source, {}).setdefault(target, found)

    def reached(start: str) -> dict[str, Import]:
        result: dict[str, Import] = {}
        stack = [(target, found) for target, found in direct.get(start, {}).items()]
        seen_shared: set[str] = set()
        while stack:
            target, found = stack.pop()
            if target in feature_names:
                result.setdefault(target, found)
            elif target not in seen_shared:
                seen_shared.add(target)
                stack.extend((onward, found) for onward in direct.get(target, {}))
        return result

    return {
        feature: {t: f for t, f in reached(feature).items() if t != feature}
        for feature in sorted(feature_names)
    }


def find_cycle(graph: dict[str, dict[str, Import]]) -> list[str] | None:
    """Return one cycle as a list of features (the first repeated at the end), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for onward in sorted(graph.get(node, {})):
            cycle = visit(onward, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, Import]]) -> str:
    links = [f"  {a} -> {b}: {graph[a][b]}" for a, b in itertools.pairwise(cycle)]
    return " -> ".join(cycle) + "\n" + "\n".join(links)


def test_the_features_are_found():
    assert {"auth", "content", "learn", "progress", "manage", "site"} <= features()
    assert "course.auth.views" in views_modules()


def test_no_import_cycle_between_features():
    graph = feature_graph(all_imports())
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between features: " + describe(cycle, graph)


def test_no_feature_imports_another_features_views():
    views = views_modules()
    offending = [
        str(found)
        for found in all_imports()
        if found.target in views
        and unit(found.target) != unit(found.source)
        # The factory registers every feature; that is its job.
        and found.source != "course"
    ]
    assert not offending, "imports of another feature's views:\n" + "\n".join(offending)


# Each module imported first, in a fresh set of course modules: a cycle through a
# package's __init__ (importing course.membership runs course/manage/__init__.py
# first) breaks only for some orders of import, so every order that starts anywhere is tried.
IMPORT_EACH_FIRST = """
import importlib, sys
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "course" or m.startswith("course.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as error:
        print(f"importing {name} first fails: {error}")
"""


def test_every_module_imports_first():
    modules = sorted(module_paths())
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", IMPORT_EACH_FIRST, *modules],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, expected):
    graph = {
        node: {target: Import(node, target, "here") for target in targets}
        for node, targets in edges.items()
    }
    assert find_cycle(graph) == expected
