"""The import graph: the engine imports nothing of ours, the domains go one way, and no domain reaches into the web."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("matching", "core", "profiles", "employers", "web")

#: What each package may import of ours (besides itself): each layer only what lies below it.
ALLOWED: dict[str, set[str]] = {
    "matching": set(),
    "core": {"matching"},
    "profiles": {"matching", "core"},
    "employers": {"matching", "core", "profiles"},
    "web": {"matching", "core", "profiles", "employers"},
}


def imported_packages(path: Path) -> set[str]:
    """Return the top-level packages of ours a module imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(OURS)


@pytest.mark.parametrize("package", OURS)
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported - ALLOWED[package] - {package})
        for path in sorted((ROOT / package).rglob("*.py"))
        if (imported := imported_packages(path)) - ALLOWED[package] - {package}
    }
    assert wrong == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from web.config import settings\n    import employers.models\n", encoding="utf-8")
    assert imported_packages(module) == {"web", "employers"}
