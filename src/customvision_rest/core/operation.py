"""Operations and workflows, described once and run by either client.

An :class:`Operation` is everything about one REST call except sending it: method, path, query, body, the
statuses that mean success, whether repeating it is harmless, and how to read the answer. A *workflow* is a
generator that yields operations and :class:`Sleep` steps and returns a result; it is how multi-step work
(waiting for training, splitting uploads into batches) is written once.

The ``@operation`` and ``@workflow`` decorators turn such builder methods into client methods: on a
:class:`SyncRunner` they return the result, on an :class:`AsyncRunner` they are coroutine functions. Type
checkers, ``inspect.signature`` and ``help()`` see the real parameters and result type on both.
"""

from __future__ import annotations

import builtins
import inspect
import re
import types
import typing
from collections.abc import Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from .lazy import is_lazy_module
from .redaction import redact

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AsyncRunner",
    "ClientMethod",
    "Cursor",
    "EncodedJson",
    "Multipart",
    "NO_BODY",
    "Operation",
    "OperationMethod",
    "ReadClock",
    "Sleep",
    "Step",
    "SyncRunner",
    "Workflow",
    "WorkflowMethod",
    "call",
    "now",
    "operation",
    "type_argument",
    "workflow",
]

T = TypeVar("T")
P = ParamSpec("P")


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY: Any = _NoBody()
"""Marks an operation that sends no JSON body (``None`` would mean the JSON literal ``null``)."""


@dataclass(frozen=True, repr=False)
class EncodedJson:
    """A JSON body already encoded, for an :class:`Operation` whose body is large (an upload batch).

    The body is then held once, as the bytes every attempt sends, instead of as a tree of values plus the
    bytes of the attempt in flight.
    """

    data: bytes

    def __repr__(self) -> str:
        return f"EncodedJson({len(self.data):,} bytes)"


@dataclass(frozen=True)
class Multipart:
    """A multipart/form-data body: one or more files under a field name."""

    files: tuple[tuple[str, tuple[str, bytes, str]], ...]


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One REST call, ready to send, with the knowledge needed to send it safely and read its answer.

    Attributes:
        name: the spec's operationId, for logs and errors.
        method: the HTTP method.
        path: the URL path below the endpoint, already percent-encoded.
        parse: turns a successful response into the result.
        params: query parameters, already formatted as the service expects.
        json: a JSON body (a value to encode, or :class:`EncodedJson`), or ``NO_BODY``.
        content: raw bytes (``application/octet-stream``), or ``None``.
        multipart: a multipart body, or ``None``.
        success: the statuses that mean success.
        repeatable: whether sending the call twice has the same effect as sending it once, so that a
            failure after the service may have processed it can be retried.
        absolute_url: a full URL to fetch instead of ``path`` below the endpoint (image and export downloads).
        authenticated: whether to send the key or token; never for URLs outside the endpoint, which carry
            their own signature (SAS) and must not receive the resource's credentials.
        sink: a binary file the successful body is written into chunk by chunk, instead of being held in
            memory; ``parse`` then sees a response whose body was not kept. Rewound before every attempt.
    """

    name: str
    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = NO_BODY
    content: bytes | None = None
    multipart: Multipart | None = None
    success: frozenset[int] = frozenset({200})
    repeatable: bool = False
    absolute_url: str | None = None
    authenticated: bool = True
    sink: IO[bytes] | None = field(default=None, compare=False)

    def __repr__(self) -> str:
        # Short, and safe to print: tracebacks with locals show it; signatures and tokens stay hidden.
        query = "&".join(f"{name}={value}" for name, value in self.params.items())
        target = self.absolute_url or self.path
        if query:
            target += ("&" if "?" in target else "?") + query
        if self.json is not NO_BODY:
            body = ", JSON body"
        elif self.content is not None:
            body = f", {len(self.content):,} bytes"
        elif self.multipart is not None:
            body = f", {len(self.multipart.files)} file(s)"
        else:
            body = ""
        return f"Operation({self.name!r}, {self.method} {redact(target)}{body})"

    @property
    def safe_method(self) -> bool:
        """Whether the HTTP method is idempotent by definition (GET, HEAD, PUT, DELETE, OPTIONS)."""
        return self.method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class Sleep:
    """A workflow step: pause for ``seconds`` (``time.sleep`` or ``asyncio.sleep``, as the client runs)."""

    seconds: float


@dataclass(frozen=True)
class ReadClock:
    """A workflow step: the client answers with its monotonic clock, in seconds (injectable for tests)."""


Step = Operation[Any] | Sleep | ReadClock
"""What a workflow yields."""

Workflow = Generator[Step, Any, T]
"""A generator of steps that returns ``T``: the client sends each operation back its result."""


def now() -> Generator[Step, Any, float]:
    """Inside a workflow, ``t = yield from now()`` reads the client's monotonic clock."""
    value: float = yield ReadClock()
    return value


def call(op: Operation[T]) -> Generator[Step, Any, T]:
    """Inside a workflow, ``result = yield from call(op)`` runs ``op`` and gives its typed result."""
    result: T = yield op
    return result


S = TypeVar("S")


class Cursor(Generic[S, T]):
    """Steps through a generator of requests (a workflow, an authenticated exchange) for a client.

    The client performs :attr:`step` and hands back its result with :meth:`send`, or its exception with
    :meth:`throw`, until :attr:`finished`; then :attr:`result` is what the generator returned. The sync and
    async clients differ only in how they perform a step, not in how they walk the generator.
    """

    def __init__(self, flow: Generator[S, Any, T]) -> None:
        self._flow = flow
        self._step: S | None = None
        self._result: T | None = None
        self.finished = False
        self.send(None)

    @property
    def step(self) -> S:
        """What the generator asks for now."""
        if self.finished:
            raise RuntimeError("the generator has finished")
        return self._step  # type: ignore[return-value]

    @property
    def result(self) -> T:
        """What the generator returned."""
        if not self.finished:
            raise RuntimeError("the generator has not finished")
        return self._result  # type: ignore[return-value]

    def send(self, reply: Any) -> None:
        """Give the current step's result back to the generator."""
        try:
            self._step = self._flow.send(reply)
        except StopIteration as done:
            self._finish(done)

    def throw(self, error: BaseException) -> None:
        """Give the current step's failure to the generator, which may handle it or let it propagate."""
        try:
            self._step = self._flow.throw(error)
        except StopIteration as done:
            self._finish(done)

    def _finish(self, done: StopIteration) -> None:
        self._result = done.value
        self._step = None
        self.finished = True


class SyncRunner:
    """Base of the synchronous clients: runs operations and workflows, blocking."""

    def _run(self, op: Operation[T]) -> T:
        raise NotImplementedError

    def _drive(self, flow: Workflow[T]) -> T:
        raise NotImplementedError


class AsyncRunner:
    """Base of the asynchronous clients: runs operations and workflows as coroutines."""

    async def _run(self, op: Operation[T]) -> T:
        raise NotImplementedError

    async def _drive(self, flow: Workflow[T]) -> T:
        raise NotImplementedError


_Method = TypeVar("_Method", bound="ClientMethod")
_SIGNATURE_CACHE = "_signatures"
_FUNCTION_CACHE = "_functions"


class _ClassSignature:
    """``inspect.signature`` of a client method looked up on its class: ``self`` first, the real result type."""

    def __get__(self, method: ClientMethod | None, owner: type[Any] | None = None) -> inspect.Signature | None:
        return None if method is None else method._signature(False, with_self=True)


class ClientMethod:
    """The machinery shared by client methods written once: binding to a sync or async client, and the face.

    A bound method is a plain function on a sync client and a coroutine function on an async one, named and
    documented like the builder, with a signature that has no ``self`` and the real result type. Subclasses
    say how a bound method runs the builder (:meth:`_sync_function`, :meth:`_async_function`) and what it returns
    (:meth:`_result_annotation`).
    """

    def __init__(self, build: Callable[..., Any]) -> None:
        self._build = build
        self._name = build.__name__
        self.__name__ = build.__name__
        self.__qualname__ = build.__qualname__
        self.__module__ = build.__module__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    def _bind(self, instance: Any) -> Any:
        # A method object made at each look-up, as Python's own methods are: caching it on the instance would
        # tie the client into a reference cycle, so a dropped client (and its pool) would wait for the collector.
        return types.MethodType(self._function(type(instance), isinstance(instance, AsyncRunner)), instance)

    def _function(self, owner: type[Any], asynchronous: bool) -> Callable[..., Any]:
        """The function behind the bound methods of ``owner``'s instances, made once per client class."""
        functions: dict[tuple[type[Any], bool], Callable[..., Any]] = self.__dict__.setdefault(_FUNCTION_CACHE, {})
        key = (owner, asynchronous)
        function = functions.get(key)
        if function is None:
            function = self._async_function() if asynchronous else self._sync_function()
            function.__name__ = self.__name__
            function.__qualname__ = f"{owner.__name__}.{self._name}"
            function.__module__ = self.__module__
            function.__doc__ = self.__doc__
            function.__signature__ = self._signature(asynchronous, with_self=True)  # type: ignore[attr-defined]
            functions[key] = function
        return function

    def _sync_function(self) -> Callable[..., Any]:
        """A function of the client and the method's arguments that runs the builder, blocking."""
        raise NotImplementedError

    def _async_function(self) -> Callable[..., Any]:
        """A coroutine function of the client and the method's arguments that runs the builder."""
        raise NotImplementedError

    def _result_annotation(self, built: Any, asynchronous: bool) -> Any:
        """What the bound method returns, given what the builder is annotated to return."""
        return type_argument(built)

    __signature__ = _ClassSignature()

    def _signature(self, asynchronous: bool, *, with_self: bool) -> inspect.Signature:
        cache: dict[tuple[bool, bool], inspect.Signature] = self.__dict__.setdefault(_SIGNATURE_CACHE, {})
        key = (asynchronous, with_self)
        if key not in cache:
            signature = inspect.signature(self._build)
            hints = _type_hints(self._build)
            parameters = [
                # **options typed Unpack[SomeOptions] reads best as written; inspect prints it as "*<class ...>".
                p if p.kind is p.VAR_KEYWORD else p.replace(annotation=hints.get(p.name, p.annotation))
                for p in signature.parameters.values()
            ]
            built = hints.get("return", signature.return_annotation)
            cache[key] = signature.replace(
                parameters=parameters if with_self else parameters[1:],
                return_annotation=self._result_annotation(built, asynchronous),
            )
        return cache[key]

    def __call__(self, instance: Any, *args: Any, **kwargs: Any) -> Any:
        """Call as a plain function with an explicit client: ``TrainingClient.get_project(client, id)``."""
        return self._bind(instance)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<client method {self.__qualname__}{self.__signature__}>"


def _type_hints(build: Callable[..., Any]) -> dict[str, Any]:
    """The builder's annotations evaluated one by one; one that names something unknown stays as text.

    Names imported only for type checkers (the models) are looked up in the modules the builder's module
    imports on first use, which are imported then: a signature shows the real types, as if imported eagerly.
    """
    namespace = getattr(build, "__globals__", {})
    lazy = _LazyNames(namespace)
    try:
        return typing.get_type_hints(build, localns=lazy)
    except Exception:  # some name exists only for type checkers: evaluate the others one at a time
        return {name: _evaluated(text, namespace, lazy) for name, text in getattr(build, "__annotations__", {}).items()}


_PACKAGE = __name__.split(".")[0]


class _LazyNames(dict[str, Any]):
    """The local namespace annotations are evaluated in: empty, but a name missing from the module's globals
    is looked up in the stand-ins (:func:`~customvision_rest.core.lazy.lazy_module`) the module has for this
    package's own modules, in their order.

    Not in httpx's or pydantic's: their names are written qualified (``httpx.Response``), and a bare name may
    mean something else there (pydantic has a ``Tag`` too).
    """

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        super().__init__()
        self._namespace = namespace

    def __missing__(self, name: str) -> Any:
        # Locals come first in eval: leave the module's own names and the builtins to the globals.
        if name not in self._namespace and not hasattr(builtins, name):
            for module in list(self._namespace.values()):
                if not is_lazy_module(module) or not module.__name__.startswith(f"{_PACKAGE}."):
                    continue
                try:
                    return getattr(module, name)
                except AttributeError:
                    continue
        raise KeyError(name)


def _evaluated(annotation: Any, namespace: dict[str, Any], local: Mapping[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, namespace, local)  # noqa: S307 - the library's own annotations, in its own module
    except Exception:
        return annotation


def type_argument(annotation: Any) -> Any:
    """``X`` from ``Operation[X]`` or ``Workflow[X]`` (the generator's return type), as object or text."""
    if isinstance(annotation, str):
        match = re.fullmatch(r"\s*\w+\[(.*)\]\s*", annotation)
        if match is None:
            return annotation
        inner = match.group(1)
        return inner.rsplit(",", 1)[-1].strip() if annotation.lstrip().startswith("Generator") else inner
    arguments = typing.get_args(annotation)
    return arguments[-1] if arguments else annotation


class _RunnerMethod(ClientMethod, Generic[P, T]):
    """A method that hands what its builder returns to the client's runner (``_run`` or ``_drive``)."""

    _runner_method = "_run"

    def __init__(self, build: Callable[Concatenate[Any, P], Any]) -> None:
        super().__init__(build)

    @overload
    def __get__(self: _Method, instance: None, owner: type[Any] | None = None) -> _Method: ...
    @overload
    def __get__(self, instance: SyncRunner, owner: type[Any] | None = None) -> Callable[P, T]: ...
    @overload
    def __get__(self, instance: AsyncRunner, owner: type[Any] | None = None) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, instance: Any, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        return self._bind(instance)

    def _sync_function(self) -> Callable[..., Any]:
        build, runner = self._build, self._runner_method

        def bound(instance: Any, /, *args: Any, **kwargs: Any) -> Any:
            return getattr(instance, runner)(build(instance, *args, **kwargs))

        return bound

    def _async_function(self) -> Callable[..., Any]:
        build, runner = self._build, self._runner_method

        async def bound(instance: Any, /, *args: Any, **kwargs: Any) -> Any:
            return await getattr(instance, runner)(build(instance, *args, **kwargs))

        return bound


class OperationMethod(_RunnerMethod[P, T]):
    """A client method defined once by an operation builder; see :func:`operation`."""

    def build(self, instance: Any, *args: P.args, **kwargs: P.kwargs) -> Operation[T]:
        """Build the operation without sending it (used by workflows and tests)."""
        result: Operation[T] = self._build(instance, *args, **kwargs)
        return result


class WorkflowMethod(_RunnerMethod[P, T]):
    """A client method defined once by a workflow generator; see :func:`workflow`."""

    _runner_method = "_drive"


def operation(build: Callable[Concatenate[Any, P], Operation[T]]) -> OperationMethod[P, T]:
    """Make a client method from a method that builds an :class:`Operation`."""
    return OperationMethod(build)


def workflow(build: Callable[Concatenate[Any, P], Workflow[T]]) -> WorkflowMethod[P, T]:
    """Make a client method from a generator method that yields steps and returns a result."""
    return WorkflowMethod(build)
