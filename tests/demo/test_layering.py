"""The demo sits on top of every app: it may import any of them, none imports
it. An app that reached for demo code would drag the sample accounts and their
published password into a production import graph."""

import ast
from pathlib import Path

import portal

PORTAL = Path(portal.__file__).resolve().parent


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_no_app_imports_the_demo():
    offenders = [
        f"{path.relative_to(PORTAL.parent)} imports {module}"
        for path in PORTAL.rglob("*.py")
        if "demo" not in path.relative_to(PORTAL).parts[:1]
        for module in imported_modules(path)
        if module == "portal.demo" or module.startswith("portal.demo.")
    ]
    assert offenders == []


def test_the_apps_keep_no_demo_modules_of_their_own():
    leftovers = sorted(
        str(path.relative_to(PORTAL.parent))
        for path in PORTAL.rglob("*demo*.py")
        if path.relative_to(PORTAL).parts[0] != "demo"
    )
    assert leftovers == []
