"""Dependencies point one way (ARCHITECTURE.md, convention 11): no module outside ``web`` imports
``techmayor.web``, and ``web`` imports no app's ``views``. Read from the source with ``ast``, so
imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import techmayor

ROOT = Path(techmayor.__file__).parent


def imported_modules(source: str, module: str) -> set[str]:
    """Every module that ``source`` (the text of module ``module``) imports, as absolute dotted names;
    ``from package import name`` also yields ``package.name`` (it may be a submodule)."""
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if path.name == "__init__.py":
            name += ".__init__"  # relative imports in a package's __init__ resolve against the package
        yield name.removesuffix(".__init__"), name, path.read_text(encoding="utf-8")


def is_web(name: str) -> bool:
    return name == "techmayor.web" or name.startswith("techmayor.web.")


def is_app_views(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 3 and parts[0] == "techmayor" and parts[1] != "web" and parts[2] == "views"


def violations() -> list[str]:
    found = []
    for name, resolve_as, source in modules():
        imports = imported_modules(source, resolve_as)
        if is_web(name):
            found += [f"{name} imports {m}" for m in sorted(imports) if is_app_views(m)]
        else:
            found += [f"{name} imports {m}" for m in sorted(imports) if is_web(m)]
    return found


def test_no_module_below_web_imports_web_and_web_imports_no_app_views():
    assert violations() == []


def test_the_scan_sees_every_form_of_import():
    seen = imported_modules(
        "import techmayor.web.records\n"
        "from techmayor import web\n"
        "def f():\n    from ..web.forms import styled\n"
        "from .views import home\n",
        "techmayor.ledger.views",
    )
    assert {"techmayor.web.records", "techmayor.web", "techmayor.web.forms", "techmayor.ledger.views"} <= seen
    assert [m for m in seen if is_web(m)]
    assert is_app_views("techmayor.ledger.views") and is_app_views("techmayor.cooperation.views.home")
    assert not is_app_views("techmayor.web.views") and not is_app_views("techmayor.ledger.records")


def test_the_scan_covers_the_apps():
    names = {name for name, _resolve_as, _source in modules()}
    assert {"techmayor.ledger.records", "techmayor.web.records", "techmayor.scorecard.views"} <= names
