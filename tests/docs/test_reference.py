"""The API reference documents every public name, and the site's navigation lists every page."""

from __future__ import annotations

import importlib
import importlib.util
import re

from .blocks import ROOT


def _public_modules() -> tuple[str, ...]:
    # The one list of public modules lives in tests/test_public_api.py, outside this package.
    spec = importlib.util.spec_from_file_location("public_api", ROOT / "tests" / "test_public_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    modules: tuple[str, ...] = module.PUBLIC_MODULES
    return modules


PUBLIC_MODULES = _public_modules()

REFERENCE = ROOT / "docs" / "reference"


def _directives() -> set[str]:
    found: set[str] = set()
    for page in REFERENCE.glob("*.md"):
        found.update(re.findall(r"^::: ([\w.]+)\s*$", page.read_text(encoding="utf-8"), re.MULTILINE))
    return found


def test_every_public_name_has_a_reference_entry() -> None:
    documented = _directives()
    missing = []
    for module_name in PUBLIC_MODULES:
        if module_name in documented:
            continue  # the whole module is rendered (the models)
        module = importlib.import_module(module_name)
        missing += [f"{module_name}.{name}" for name in module.__all__ if name != "__version__"]
        missing = [name for name in missing if name not in documented]
    assert not missing, f"add these to a page of docs/reference/: {missing}"


def test_every_page_is_in_the_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {str(page.relative_to(ROOT / "docs")) for page in (ROOT / "docs").rglob("*.md")}
    listed = set(re.findall(r"([\w/.-]+\.md)\s*$", config, re.MULTILINE))
    assert pages - listed == set(), "pages missing from the nav of mkdocs.yml"
    assert listed - pages == set(), "the nav lists pages that do not exist"


def test_the_testing_guide_shows_the_real_prelude() -> None:
    from .blocks import PRELUDE, blocks_of

    guide = [block.source for block in blocks_of(ROOT / "docs" / "guides" / "testing.md")]
    assert PRELUDE in guide, "docs/guides/testing.md must show tests/docs/blocks.py's PRELUDE as it is"
