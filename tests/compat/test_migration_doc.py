"""docs/migration.md runs: its python blocks, in order and in one namespace, against the emulator they start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from customvision_rest.compat.training import CustomVisionTrainingClient

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "migration.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def test_the_guide_has_its_examples() -> None:
    assert len(BLOCKS) >= 7
    assert "from customvision_rest.compat.training import CustomVisionTrainingClient" in BLOCKS[1]


def test_the_guide_names_every_method_of_the_compat_clients_in_its_tables() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    methods = [
        name
        for name in vars(CustomVisionTrainingClient)
        if not name.startswith("_") and callable(getattr(CustomVisionTrainingClient, name))
    ]
    assert len(methods) > 45
    assert [name for name in methods if f"| `{name}(" not in text] == []


def test_every_block_runs_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": "migration_guide"}
    for number, block in enumerate(BLOCKS):
        exec(compile(block, f"docs/migration.md block {number}", "exec"), namespace)  # noqa: S102 - our own guide
    printed = capsys.readouterr().out
    assert "banana:" in printed
    assert "NotFoundTag" in printed
    assert "run-42" in printed
