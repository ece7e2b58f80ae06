"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The reference data beside the repository (spec, recordings, datasets); skips when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared not found: reference data absent")
    return SHARED
