"""A griffe extension for the API reference: show client methods with the result their callers get.

An operation is written as a builder returning ``Operation[T]`` (or a workflow, ``Workflow[T]``) and decorated
with ``@operation`` / ``@workflow`` / ``@poller``; on a client the call returns ``T`` (awaited on the async
clients), or a ``Poller[T]`` for ``@poller``. Static analysis sees the builder's annotation, so this rewrites it.
"""

from __future__ import annotations

from typing import Any

import griffe

_UNWRAP = {"operation": 1, "workflow": 1, "poller": 2}


def _decorator_name(decorator: griffe.Decorator) -> str:
    return str(decorator.value).rsplit(".", 1)[-1]


class ClientMethods(griffe.Extension):
    """Replace ``Operation[T]`` and ``Workflow[T]`` by ``T``, and ``Workflow[PollPlan[T]]`` by ``Poller[T]``."""

    def on_function_instance(self, *, func: griffe.Function, **kwargs: Any) -> None:
        kinds = {_decorator_name(d) for d in func.decorators} & set(_UNWRAP)
        if not kinds or func.returns is None:
            return
        returns: Any = func.returns
        for _ in range(_UNWRAP[kinds.pop() if len(kinds) == 1 else "operation"]):
            if isinstance(returns, griffe.ExprSubscript):
                returns = returns.slice
        if "poller" in {_decorator_name(d) for d in func.decorators}:
            func.returns = f"Poller[{returns}]"
        else:
            func.returns = returns
