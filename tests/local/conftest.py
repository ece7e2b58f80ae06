"""Local prediction tests need onnx (to build models) and onnxruntime (to run them): skip clearly without them."""

from __future__ import annotations

import importlib.util

import pytest

_MISSING = [name for name in ("onnx", "onnxruntime", "numpy", "PIL") if importlib.util.find_spec(name) is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _MISSING:
        return
    reason = f"local prediction tests need {', '.join(_MISSING)}: pip install -e '.[test]'"
    for item in items:
        if "tests/local/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.skip(reason=reason))
