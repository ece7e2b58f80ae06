"""The layout is the architecture: dependencies between the package's layers point one way only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "customvision_rest"

# For each layer, the layers of this package it must never import.
FORBIDDEN = {
    "models": {"core", "operations", "clients", "workflows", "emulator", "cli"},
    "core": {"operations", "clients", "workflows", "emulator", "cli"},
    "operations": {"clients", "workflows", "emulator", "cli"},
    "workflows": {"clients", "emulator", "cli"},
    "clients": {"emulator", "cli"},
    "_exceptions.py": {"models", "operations", "clients", "workflows", "emulator", "cli"},
    "__init__.py": {"emulator", "cli"},
    # The emulator stands in for the service: it imports nothing from the library.
    "emulator": {p.stem if p.suffix == ".py" else p.name for p in PACKAGE.iterdir() if p.name != "emulator"},
}


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def imported_layers(path: Path, source: str | None = None) -> set[str]:
    """The first-level names of this package that a module imports (absolute or relative, or on first use)."""
    tree = ast.parse(source if source is not None else path.read_text())
    depth = len(path.relative_to(PACKAGE).parts) - 1
    layers: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "customvision_rest" and len(parts) > 1:
                    layers.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".") if node.module else []
            if node.level == 0:
                if module[:1] == ["customvision_rest"]:
                    layers.update(module[1:2] or [alias.name for alias in node.names])
            elif node.level > depth:
                layers.update(module[:1] or [alias.name for alias in node.names])
        elif _is_lazy_import(node):
            parts = node.args[0].value.split(".")  # type: ignore[attr-defined]
            if parts[0] == "customvision_rest" and len(parts) > 1:
                layers.add(parts[1])
    return layers


def _is_lazy_import(node: ast.AST) -> bool:
    """``lazy_module("customvision_rest.x.y")``: an import too, made on first use."""
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "lazy_module"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


MODULES = sorted(PACKAGE.rglob("*.py"))

# Modules at the top of the package that every layer shares.
SHARED_PRIVATE = {"_exceptions", "_version"}


# The command line hands `emulator` over to the emulator's own command line, which is not library API.
ALLOWED_PRIVATE = {("cli/emulator.py", "emulator._cli.run_server")}


def private_imports_across_layers(path: Path, source: str | None = None) -> list[str]:
    """``layer.module.name`` for each private module or name of another layer that a module imports."""
    own_parts = path.relative_to(PACKAGE).with_suffix("").parts
    own_layer = own_parts[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source if source is not None else path.read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level == 0:
            parts = (node.module or "").split(".")
            if parts[0] != "customvision_rest":
                continue
            target = parts[1:]
        else:
            base = list(own_parts[:-1])[: len(own_parts) - node.level]
            target = base + ((node.module or "").split(".") if node.module else [])
        if not target or target[0] == own_layer or target[0] in SHARED_PRIVATE:
            continue
        for alias in node.names:
            pieces = [*target[1:], alias.name]
            name = ".".join([*target, alias.name])
            if (
                any(piece.startswith("_") for piece in pieces)
                and (str(path.relative_to(PACKAGE)), name) not in ALLOWED_PRIVATE
            ):
                found.append(name)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependencies_point_one_way(path: Path) -> None:
    forbidden = FORBIDDEN.get(layer_of(path), set())
    wrong = imported_layers(path) & forbidden
    assert not wrong, f"{path.relative_to(PACKAGE)} imports {sorted(wrong)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_names_are_imported_across_layers(path: Path) -> None:
    wrong = private_imports_across_layers(path)
    assert not wrong, f"{path.relative_to(PACKAGE)} imports private names of another layer: {wrong}"


def test_the_private_import_checker_sees_modules_and_names() -> None:
    module = PACKAGE / "workflows" / "example.py"
    source = (
        "from ..operations._common import to_id\n"
        "from ..operations.training import _check\n"
        "from .polling import _x\n"
        "from customvision_rest.models._base import Base\n"
        "from .._exceptions import CustomVisionError\n"
    )
    wrong = private_imports_across_layers(module, source)
    assert wrong == ["operations._common.to_id", "operations.training._check", "models._base.Base"]


def test_the_checker_sees_relative_imports() -> None:
    demo = PACKAGE / "cli" / "demo.py"
    assert {"emulator", "models"} <= imported_layers(demo)


def test_the_checker_sees_imports_made_on_first_use() -> None:
    module = PACKAGE / "core" / "example.py"
    source = 'models = lazy_module("customvision_rest.models.training")\nhttpx = lazy_module("httpx")\n'
    assert imported_layers(module, source) == {"models"}


def test_library_import_does_not_load_emulator_or_numpy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, customvision_rest, customvision_rest.models.training;"
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in (['customvision_rest', 'emulator'],"
        " ['customvision_rest', 'cli']) or m.split('.')[0] in ('numpy', 'PIL')))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_py_typed_is_shipped() -> None:
    assert (PACKAGE / "py.typed").is_file()
