"""The import picture stays one-way, read from the source with `ast`.

The catalogue knows nothing of assessments; the modules that hold the rules (forms,
models, services and the like) import no views; nothing but the development tools
themselves imports the development tools, which production does not install.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ["accounts", "assessments", "catalogue", "devtools", "r2p_site"]
# Rules, not screens: these must work without any view loaded.
RULE_MODULES = [
    "assessments.forms",
    "assessments.lifecycle",
    "assessments.limits",
    "assessments.models",
    "assessments.review",
    "assessments.selectors",
    "assessments.services",
    "assessments.snapshot",
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


def project_modules():
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield module_name(path), path


def project_imports():
    for module, path in project_modules():
        for name, line in imports(path.read_text(), module, path.name == "__init__.py"):
            yield module, name, f"{path.relative_to(REPO)}:{line} imports {name}"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def is_views(name: str) -> bool:
    parts = name.split(".")
    return parts[0] in PACKAGES and "views" in parts


def test_the_catalogue_imports_nothing_of_assessments_nor_accounts_views():
    offending = [
        where
        for module, name, where in project_imports()
        if within(module, "catalogue")
        and (within(name, "assessments") or within(name, "accounts.views"))
    ]
    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("rules", RULE_MODULES)
def test_modules_that_hold_the_rules_import_no_views(rules):
    path = REPO / (rules.replace(".", "/") + ".py")
    assert path.exists(), f"{rules} moved: update RULE_MODULES"
    offending = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for name, line in imports(path.read_text(), rules)
        if is_views(name)
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
