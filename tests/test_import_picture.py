"""The import picture stays one-way, read from the source with `ast`.

The catalogue knows nothing of assessments; the modules that hold the rules (forms,
models, services and the like) import no views; nothing but the development tools
themselves imports the development tools, which production does not install.
"""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ["accounts", "assessments", "catalogue", "delegations", "devtools", "r2p_site"]


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


def test_the_catalogue_imports_nothing_of_assessments_nor_accounts_views():
    """Its migrations included: the permission groups they fill are the project's."""
    offending = [
        where
        for module, name, where in project_imports(migrations=True)
        if within(module, "catalogue")
        and (within(name, "assessments") or within(name, "accounts.views"))
    ]
    assert not offending, "\n".join(offending)


def test_only_urlconfs_import_views():
    """Forms, models, services, selectors, tasks, admin and the rest hold rules, not
    screens: they must work without any view loaded."""
    modules = list(project_imports())
    assert any(is_views(name) for _module, name, _where in modules), "the reader sees no views"
    offending = [
        where
        for module, name, where in modules
        if is_views(name) and not (is_views(module) or is_urlconf(module))
    ]
    assert not offending, "\n".join(offending)


def test_nothing_outside_the_development_tools_imports_them():
    offending = [
        where
        for module, name, where in project_imports()
        if not within(module, "devtools") and within(name, "devtools")
    ]
    assert not offending, "\n".join(offending)


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
    assert is_views("delegations.views") and is_urlconf("accounts.urls")
