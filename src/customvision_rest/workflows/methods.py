"""The base of the workflow layer's own kinds of client method (lazy listings, bulk work).

Such a method is written once as a builder and bound to each client as a plain function (sync) or an async
one: subclasses say how in :meth:`RunnerMethod._bind_sync` and :meth:`RunnerMethod._bind_async`. The bound
function carries the builder's name and docstring and its signature without ``self``, and is cached on the
client.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from ..core.operation import AsyncRunner

__all__ = ["RunnerMethod"]


class RunnerMethod:
    """Binds a builder to sync and async clients; see the module docstring."""

    def __init__(self, build: Callable[..., Any]) -> None:
        self._build = build
        self._name: str = build.__name__
        self.__doc__ = build.__doc__
        self.__wrapped__ = build

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    def _bind(self, instance: Any) -> Any:
        asynchronous = isinstance(instance, AsyncRunner)
        bound = self._bind_async(instance) if asynchronous else self._bind_sync(instance)
        functools.update_wrapper(bound, self._build)
        signature = inspect.signature(self._build)
        bound.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=list(signature.parameters.values())[1:]
        )
        # Cache on the instance: later look-ups find the bound method without calling this again.
        instance.__dict__[self._name] = bound
        return bound

    def _bind_sync(self, instance: Any) -> Callable[..., Any]:
        raise NotImplementedError

    def _bind_async(self, instance: Any) -> Callable[..., Any]:
        raise NotImplementedError
