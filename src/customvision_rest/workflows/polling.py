"""Waiting for long-running work (training, export, project import), written once for both clients.

A :class:`PollPlan` says how to fetch the current state and how to judge it; :func:`wait_for` is the waiting
loop as a workflow, with a deadline, an interval that backs off, a failure branch and a progress callback.
:class:`Poller` and :class:`AsyncPoller` give callers ``status()``, ``done()``, ``wait()`` and ``result()``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from .._exceptions import ClientValidationError, ConfigurationError, CustomVisionError, PollingTimeoutError
from ..core.operation import AsyncRunner, ClientMethod, Operation, Sleep, SyncRunner, Workflow, call, now, type_argument

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncPoller",
    "PollPlan",
    "PollSchedule",
    "Poller",
    "PollerMethod",
    "Progress",
    "State",
    "check_wait",
    "poller",
    "wait_for",
]

T = TypeVar("T")
P = ParamSpec("P")

DEFAULT_TIMEOUT = 3600.0
"""Waits give up after an hour unless told otherwise; ``timeout=None`` must be passed to wait forever."""

Progress = Callable[[Any], None]
"""Called with each state fetched while waiting."""


class State(enum.Enum):
    """Where long-running work stands."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class PollSchedule:
    """How often to look: ``initial`` seconds at first, growing by ``factor`` up to ``maximum``."""

    initial: float = 1.0
    maximum: float = 30.0
    factor: float = 1.5

    def __post_init__(self) -> None:
        for name in ("initial", "maximum", "factor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ConfigurationError(f"PollSchedule.{name} must be a finite number, got {value!r}")
        if self.initial <= 0 or self.maximum < self.initial or self.factor < 1:
            raise ConfigurationError(
                f"PollSchedule needs 0 < initial <= maximum and factor >= 1, got initial={self.initial!r}, "
                f"maximum={self.maximum!r}, factor={self.factor!r}"
            )


@dataclass(frozen=True)
class PollPlan(Generic[T]):
    """How to follow one piece of long-running work.

    Attributes:
        what: a description for messages ("training of iteration ...").
        fetch: builds the operation that reads the current state.
        judge: says whether a state is still running, succeeded or failed.
        failure: the exception for a failed state.
        initial: the state already known when the work started, if any.
    """

    what: str
    fetch: Callable[[], Operation[T]]
    judge: Callable[[T], State]
    failure: Callable[[T], CustomVisionError]
    initial: T | None = None


def check_wait(timeout: float | None, schedule: PollSchedule | None, progress: Progress | None) -> None:
    """Refuse waiting arguments that cannot work, before any request is sent (``ClientValidationError``)."""
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0):
        raise ClientValidationError(
            f"timeout must be None or a number of seconds 0 or more, got {timeout!r}",
            limit="timeout >= 0",
            value=timeout,
        )
    if schedule is not None and not isinstance(schedule, PollSchedule):
        raise ClientValidationError(
            f"schedule must be a PollSchedule, got {type(schedule).__name__}", limit="type", value=schedule
        )
    if progress is not None and not callable(progress):
        raise ClientValidationError(
            f"progress must be callable, got {type(progress).__name__}", limit="type", value=progress
        )


def wait_for(
    plan: PollPlan[T],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    schedule: PollSchedule | None = None,
    progress: Progress | None = None,
) -> Workflow[T]:
    """Poll until the work succeeds (return its final state), fails (raise) or the deadline passes (raise).

    Raises:
        PollingTimeoutError: the deadline passed; the work goes on at the service.
        CustomVisionError: ``plan.failure(state)`` for a failed state.
    """
    check_wait(timeout, schedule, progress)
    schedule = schedule or PollSchedule()
    deadline = None if timeout is None else (yield from now()) + timeout
    interval = schedule.initial
    state = plan.initial
    while True:
        if state is None:
            state = yield from call(plan.fetch())
        if progress is not None:
            progress(state)
        verdict = plan.judge(state)
        if verdict is State.SUCCEEDED:
            return state
        if verdict is State.FAILED:
            raise plan.failure(state)
        current_time = yield from now()
        if deadline is not None and current_time >= deadline:
            raise PollingTimeoutError(
                f"gave up waiting for {plan.what} after {timeout:g} s; it is still running at the service",
                last_status=state,
            )
        pause = interval if deadline is None else min(interval, deadline - current_time)
        yield Sleep(pause)
        interval = min(interval * schedule.factor, schedule.maximum)
        state = None


class _PollerBase(Generic[T]):
    def __init__(self, runner: Any, plan: PollPlan[T]) -> None:
        self._runner = runner
        self._plan = plan
        self._last: T | None = plan.initial
        self._outcome: T | None = None

    def _record(self, state: T) -> T:
        self._last = state
        return state

    def _finished(self) -> bool:
        return self._last is not None and self._plan.judge(self._last) is not State.RUNNING

    def _waiting(self, timeout: float | None, schedule: PollSchedule | None, progress: Progress | None) -> Workflow[T]:
        start = self._last if self._finished() else None
        plan = PollPlan(self._plan.what, self._plan.fetch, self._plan.judge, self._plan.failure, start)
        return wait_for(plan, timeout=timeout, schedule=schedule, progress=self._tracking(progress))

    def _tracking(self, progress: Progress | None) -> Progress:
        def track(state: Any) -> None:
            self._last = state
            if progress is not None:
                progress(state)

        return track

    @property
    def last_status(self) -> T | None:
        """The state most recently fetched, without asking the service again."""
        return self._last

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {self._plan.what}>"


class Poller(_PollerBase[T]):
    """Follows long-running work from a blocking client."""

    def status(self) -> T:
        """Ask the service for the current state."""
        return self._record(self._runner._run(self._plan.fetch()))

    def done(self) -> bool:
        """Whether the work has finished, in success or failure (asks the service unless already finished)."""
        if not self._finished():
            self.status()
        return self._finished()

    def result(
        self,
        timeout: float | None = DEFAULT_TIMEOUT,
        *,
        schedule: PollSchedule | None = None,
        progress: Progress | None = None,
    ) -> T:
        """Wait for the work and return its final state.

        Raises:
            PollingTimeoutError: ``timeout`` seconds passed first (``None`` waits with no limit).
            OperationFailedError: the work failed (``TrainingFailedError`` for training).
        """
        final: T = self._runner._drive(self._waiting(timeout, schedule, progress))
        return final

    def wait(self, timeout: float | None = DEFAULT_TIMEOUT, *, progress: Progress | None = None) -> None:
        """Wait for the work to finish; raises as :meth:`result` does."""
        self.result(timeout, progress=progress)


class AsyncPoller(_PollerBase[T]):
    """Follows long-running work from an asyncio client; the methods of :class:`Poller`, awaitable."""

    async def status(self) -> T:
        """Ask the service for the current state."""
        return self._record(await self._runner._run(self._plan.fetch()))

    async def done(self) -> bool:
        """Whether the work has finished, in success or failure."""
        if not self._finished():
            await self.status()
        return self._finished()

    async def result(
        self,
        timeout: float | None = DEFAULT_TIMEOUT,
        *,
        schedule: PollSchedule | None = None,
        progress: Progress | None = None,
    ) -> T:
        """Wait for the work and return its final state; raises as :meth:`Poller.result`."""
        final: T = await self._runner._drive(self._waiting(timeout, schedule, progress))
        return final

    async def wait(self, timeout: float | None = DEFAULT_TIMEOUT, *, progress: Progress | None = None) -> None:
        """Wait for the work to finish; raises as :meth:`result` does."""
        await self.result(timeout, progress=progress)


class PollerMethod(ClientMethod, Generic[P, T]):
    """A client method that starts long-running work and returns a poller; see :func:`poller`."""

    def __init__(self, build: Callable[Concatenate[Any, P], Workflow[PollPlan[T]]]) -> None:
        super().__init__(build)

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> PollerMethod[P, T]: ...
    @overload
    def __get__(self, instance: SyncRunner, owner: type[Any] | None = None) -> Callable[P, Poller[T]]: ...
    @overload
    def __get__(
        self, instance: AsyncRunner, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, AsyncPoller[T]]]: ...
    def __get__(self, instance: Any, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        return self._bind(instance)

    def _sync_function(self) -> Callable[..., Any]:
        build = self._build

        def begin(instance: Any, /, *args: Any, **kwargs: Any) -> Poller[T]:
            return Poller(instance, instance._drive(build(instance, *args, **kwargs)))

        return begin

    def _async_function(self) -> Callable[..., Any]:
        build = self._build

        async def begin(instance: Any, /, *args: Any, **kwargs: Any) -> AsyncPoller[T]:
            return AsyncPoller(instance, await instance._drive(build(instance, *args, **kwargs)))

        return begin

    def _result_annotation(self, built: Any, asynchronous: bool) -> Any:
        plan = type_argument(built)  # PollPlan[X]
        kind = AsyncPoller if asynchronous else Poller
        target = type_argument(plan)
        return f"{kind.__name__}[{target}]" if isinstance(target, str) else kind[target]


def poller(build: Callable[Concatenate[Any, P], Workflow[PollPlan[T]]]) -> PollerMethod[P, T]:
    """Make a ``begin_*`` client method from a workflow that starts work and returns its :class:`PollPlan`."""
    return PollerMethod(build)
