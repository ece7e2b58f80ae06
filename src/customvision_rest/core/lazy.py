"""Modules imported on first use, so that importing the package does not pay for httpx, pydantic or the models.

A module that needs one of them at run time binds a stand-in beside the real import type checkers read::

    if TYPE_CHECKING:
        import httpx
    else:
        httpx = lazy_module("httpx")

The stand-in imports the module the first time one of its attributes is read. Names used only in annotations
are imported under ``TYPE_CHECKING`` alone; :mod:`customvision_rest.core.operation` finds them through the
stand-ins when a client method's signature is asked for.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["LazyModule", "lazy_module"]


class LazyModule(ModuleType):
    """Stands in for the module named ``__name__``, which is imported on the first attribute read."""

    def __getattr__(self, name: str) -> Any:
        value = getattr(importlib.import_module(self.__name__), name)
        # Kept here: the next read finds it in this object's own namespace and costs what a module's does.
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"<module {self.__name__!r}, imported on first use>"


def lazy_module(name: str) -> LazyModule:
    """A stand-in for the module ``name`` (absolute), imported when one of its attributes is first read."""
    return LazyModule(name)
