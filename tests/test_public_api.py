"""The public API is the names recorded in ``tests/public_api.txt``; none may disappear unannounced.

The public modules and the members of their public classes are compared with the record. A name that is gone
fails the test unless the ``[Unreleased]`` section of ``CHANGELOG.md`` names it in backticks (under ``Removed``
or ``Changed``). New names pass; record them (and announce them under ``Added``) with::

    .venv/bin/python tests/test_public_api.py --update
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "public_api.txt"
CHANGELOG = ROOT / "CHANGELOG.md"

# The modules whose ``__all__`` is public; everything else (``core``, ``operations``, ``clients``, ``workflows``,
# underscore modules) is internal and may change in any release. docs/reference/ documents exactly these.
PUBLIC_MODULES = (
    "customvision_rest",
    "customvision_rest.models",
    "customvision_rest.emulator",
    "customvision_rest.provisioning",
)


def _members(klass: type) -> set[str]:
    """Public attributes a class defines itself or inherits from this package (not from pydantic or builtins)."""
    names: set[str] = set()
    for base in klass.__mro__:
        if base.__module__.split(".")[0] != "customvision_rest":
            continue
        names.update(name for name in vars(base) if not name.startswith("_"))
    fields = getattr(klass, "model_fields", None)
    if isinstance(fields, dict):
        names.update(fields)
    if dataclasses.is_dataclass(klass):
        names.update(field.name for field in dataclasses.fields(klass) if not field.name.startswith("_"))
    return {name for name in names if not name.startswith("_") and name != "model_config"}


def current_surface() -> set[str]:
    """Every public name: ``module:name`` and ``module:Class.member``."""
    surface: set[str] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            surface.add(f"{module_name}:{name}")
            value = getattr(module, name)
            if inspect.isclass(value):
                surface.update(f"{module_name}:{name}.{member}" for member in _members(value))
    return surface


def recorded_surface() -> set[str]:
    lines = RECORD.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def unreleased_notes() -> str:
    text = CHANGELOG.read_text(encoding="utf-8")
    match = re.search(r"^## \[Unreleased\]\s*$(.*?)(?=^## \[)", text, re.MULTILINE | re.DOTALL)
    assert match, "CHANGELOG.md needs an '## [Unreleased]' section followed by a released version"
    return match.group(1)


def _announced(entry: str, notes: str) -> bool:
    module, _, name = entry.partition(":")
    short = name.split(".")[-1]
    return any(f"`{candidate}`" in notes for candidate in (entry, name, f"{module}.{name}", short))


def test_no_public_name_disappears_unannounced() -> None:
    notes = unreleased_notes()
    gone = sorted(entry for entry in recorded_surface() - current_surface() if not _announced(entry, notes))
    assert not gone, (
        "public names removed without a CHANGELOG entry: "
        + ", ".join(gone)
        + ". Announce each under '## [Unreleased]' (### Removed or ### Changed, the name in backticks), "
        "or restore it."
    )


def test_the_record_is_sorted_and_has_no_duplicates() -> None:
    lines = [line for line in RECORD.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines == sorted(set(lines)), "regenerate with: .venv/bin/python tests/test_public_api.py --update"


def test_the_check_catches_a_removal() -> None:
    removed = "customvision_rest:TrainingClient.no_such_method_ever"
    assert removed not in current_surface()
    assert not _announced(removed, "### Added\n- `something_else`")
    assert _announced(removed, "### Removed\n- `TrainingClient.no_such_method_ever` (use x instead)")


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if (inspect.isclass(value) or inspect.isfunction(value)) and not inspect.getdoc(value):
                missing.append(f"{module_name}.{name}")
    assert not missing, f"public names without a docstring: {missing}"


def _update() -> None:
    header = (
        "# The public API of customvision-rest, one name a line: module:name or module:Class.member.\n"
        "# Regenerate with `.venv/bin/python tests/test_public_api.py --update`; tests/test_public_api.py fails\n"
        "# when a name listed here disappears without an entry in CHANGELOG.md's [Unreleased] section.\n"
    )
    RECORD.write_text(header + "".join(f"{entry}\n" for entry in sorted(current_surface())), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: python tests/test_public_api.py --update")
    _update()
