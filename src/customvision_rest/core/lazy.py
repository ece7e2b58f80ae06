"""Modules imported on first use, so that importing the package does not pay for httpx, pydantic or the models.

A module that needs one of them at run time binds a stand-in beside the real import type checkers read::

    if TYPE_CHECKING:
        import httpx
    else:
        httpx = lazy_module("httpx")

The stand-in imports the module the first time one of its attributes is read, and keeps each name it read
(replacing the name in the real module afterwards, as a test's monkeypatch would, does not reach code that reads
it through the stand-in). Names used only in annotations
are imported under ``TYPE_CHECKING`` alone; :mod:`customvision_rest.core.operation` finds them through the
stand-ins when a client method's signature is asked for.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["is_lazy_module", "lazy_module"]


class _Importer:
    """A stand-in's own ``__getattr__`` (PEP 562): imports the module, and keeps each name it hands out."""

    def __init__(self, stand_in: ModuleType) -> None:
        self._stand_in = stand_in

    def __call__(self, name: str) -> Any:
        value = getattr(importlib.import_module(self._stand_in.__name__), name)
        setattr(self._stand_in, name, value)  # kept: the next read finds it in the stand-in's namespace
        return value


def lazy_module(name: str) -> ModuleType:
    """A stand-in for the module ``name`` (absolute), imported when one of its attributes is first read.

    The stand-in is a plain module whose ``__getattr__`` imports the real one: a name it has kept reads as fast
    as from any module (the interpreter's fast path for module attributes takes no subclass).
    """
    stand_in = ModuleType(name, f"Stands in for {name}, imported on first use.")
    vars(stand_in)["__getattr__"] = _Importer(stand_in)
    return stand_in


def is_lazy_module(value: object) -> bool:
    """Whether ``value`` is a stand-in made by :func:`lazy_module`."""
    return isinstance(value, ModuleType) and isinstance(vars(value).get("__getattr__"), _Importer)
