"""The import picture of docs/architecture.md, read from the source with `ast`.

- The apps import one way: catalogue imports none of the others, delegations neither
  accounts nor assessments, accounts not assessments.
- Inside assessments, reads never write: selectors import no services; models import
  neither services nor selectors.
- Only URLconfs import views (the admin modules are the admin site's URLconfs, through
  `get_urls`, and may import the desk's views).
- Nothing but the development tools themselves imports the development tools, which
  production does not install; nothing but URLconfs imports operations or opendata.
- No circle between modules, imports inside functions included.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = [
    "accounts",
    "assessments",
    "catalogue",
    "delegations",
    "devtools",
    "opendata",
    "operations",
    "r2p_site",
]


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """Every module `module` imports, anywhere in it, as (dotted name, line).

    `from a import b` counts as importing both `a` and `a.b`, since b may be a module.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module
            found.append((origin, node.lineno))
            found += [(f"{origin}.{alias.name}", node.lineno) for alias in node.names]
    return found


def project_modules(*, migrations: bool = False):
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts and not migrations:
                continue
            yield module_name(path), path


def project_imports(*, migrations: bool = False):
    for module, path in project_modules(migrations=migrations):
        for name, line in imports(path.read_text(), module, path.name == "__init__.py"):
            yield module, name, f"{path.relative_to(REPO)}:{line} imports {name}"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def is_views(name: str) -> bool:
    parts = name.split(".")
    return parts[0] in PACKAGES and any(
        part == "views" or part.endswith("_views") for part in parts
    )


def is_urlconf(name: str) -> bool:
    return name.split(".")[-1] == "urls"


def offending(rule) -> list[str]:
    return [where for module, name, where in project_imports(migrations=True) if rule(module, name)]


# What each app may not import: the apps import one way.
FORBIDDEN = {
    "catalogue": ["accounts", "delegations", "assessments"],
    "delegations": ["accounts", "assessments"],
    "accounts": ["assessments"],
}


def test_the_apps_import_one_way():
    """Their migrations included: the permission groups they fill are the project's."""
    found = offending(
        lambda module, name: any(
            within(module, app) and within(name, other)
            for app, others in FORBIDDEN.items()
            for other in others
        )
    )
    assert not found, "\n".join(found)


def test_reads_never_import_writes():
    found = offending(
        lambda module, name: (
            (within(module, "assessments.selectors") or within(module, "assessments.models"))
            and (within(name, "assessments.services") or within(name, "assessments.views"))
        )
    )
    found += offending(
        lambda module, name: (
            within(module, "assessments.models") and within(name, "assessments.selectors")
        )
    )
    assert not found, "\n".join(found)


def test_only_urlconfs_import_views():
    """Forms, models, services, selectors, tasks and the rest hold rules, not screens:
    they must work without any view loaded. The admin modules are the admin site's
    URLconfs: they point at the desk's views and no other."""
    modules = list(project_imports())
    assert any(is_views(name) for _module, name, _where in modules), "the reader sees no views"
    found = [
        where
        for module, name, where in modules
        if is_views(name)
        and not (is_views(module) or is_urlconf(module))
        and not (module.endswith(".admin") and within(name, "assessments.views.desk"))
    ]
    assert not found, "\n".join(found)


def test_nothing_outside_the_development_tools_imports_them():
    found = [
        where
        for module, name, where in project_imports()
        if not within(module, "devtools") and within(name, "devtools")
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("app", ["operations", "opendata"])
def test_only_urlconfs_import_the_apps_on_top(app):
    """The operations app (the worker, health, scheduled jobs, backups) keeps the others
    running; the open data (API, public pages, synthesis) publishes what they hold. The
    others work without either, so none of them imports them."""
    found = [
        where
        for module, name, where in project_imports()
        if within(name, app)
        and not (within(module, app) or within(module, "devtools") or is_urlconf(module))
    ]
    assert not found, "\n".join(found)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a package's `__init__` counts as the
    package); imports inside functions included."""
    modules = {module for module, _path in project_modules()}
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for module, name, _where in project_imports():
        if name in modules and name != module:
            graph[module].add(name)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_circle_between_modules_even_inside_functions():
    assert circles(import_graph()) == []


def test_the_circle_finder_finds_circles():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_reader_sees_every_form_of_import():
    source = """
import assessments.views
import devtools.benchmarking as bench
from . import views
from .views.answers import answer_save
from ..catalogue import models


def late():
    from assessments.views import answers
"""
    names = {name for name, _line in imports(source, "assessments.forms")}

    assert {
        "assessments.views",
        "devtools.benchmarking",
        "assessments.views.answers",
        "assessments.views.answers.answer_save",
        "catalogue.models",
    } <= names
    assert is_views("assessments.views.answers") and not is_views("django.views.generic")
    assert is_views("delegations.views") and is_urlconf("delegations.urls")
