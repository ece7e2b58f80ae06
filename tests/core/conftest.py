"""Async tests of the core run on both backends the async clients support."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """anyio's pytest plugin runs each ``@pytest.mark.anyio`` test once per backend."""
    backend: str = request.param
    if backend == "trio":
        pytest.importorskip("trio", reason="trio is not installed (pip install trio)")
    return backend
