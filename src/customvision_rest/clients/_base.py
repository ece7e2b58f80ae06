"""What the sync and async clients add to the core: sending, sleeping, fetching tokens, closing.

Everything they do is decided in :mod:`customvision_rest.core`; each method here only performs the I/O that
the shared logic asks for, once in blocking form and once as a coroutine.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying

from .._exceptions import ConfigurationError, connection_error
from ..core.credentials import describe_credential, is_async_token_credential
from ..core.operation import AsyncRunner, Cursor, Operation, ReadClock, Sleep, Step, SyncRunner, Workflow
from ..core.pipeline import ClientConfig, NeedToken, Transfer, exchange, token_scope
from ..core.redaction import install_signature_redaction
from ..core.resources import Resource, Role
from ..core.retry import RetryPolicy, describe_failure

__all__ = ["AsyncClientBase", "ClientBase", "SyncClientBase"]

T = TypeVar("T")
Self = TypeVar("Self", bound="ClientBase")
logger = logging.getLogger("customvision_rest")

# httpx logs request URLs at INFO; downloads use signed URLs whose signature must not reach the logs.
install_signature_redaction("httpx")


class ClientBase:
    """Configuration shared by every client; no I/O."""

    _role: Role
    _owns_http: bool
    _default_api_version: str
    _api_versions: frozenset[str]

    def __init__(
        self,
        endpoint: str | Resource,
        credential: object = None,
        *,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        application_id: str | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        resource = _resource_for(endpoint, credential, self._role, type(self).__name__)
        version = self._default_api_version if api_version is None else api_version
        if not isinstance(version, str) or version not in self._api_versions:
            known = ", ".join(sorted(self._api_versions))
            raise ConfigurationError(f"api_version {version!r} is not supported; expected one of {known}")
        policy = retry_policy or RetryPolicy()
        config = ClientConfig(resource=resource, role=self._role, api_version=version, retry=policy)
        self._config = config.with_options(timeout=_as_timeout(timeout), max_retries=max_retries)
        if application_id is not None:
            from dataclasses import replace

            self._config = replace(self._config, application_id=application_id)

    @property
    def resource(self) -> Resource:
        """The resource this client talks to."""
        return self._config.resource

    @property
    def api_version(self) -> str:
        """The API version in request paths."""
        return self._config.api_version

    @property
    def _api_root(self) -> str:
        return self._config.api_root

    def with_options(
        self: Self, *, timeout: float | httpx.Timeout | None = None, max_retries: int | None = None
    ) -> Self:
        """A copy of this client with another timeout or retry count, for one call or a few.

        The copy shares the connection pool and the token cache; closing it does not close them.
        ``client.with_options(max_retries=0).classify_image(...)`` disables retries for that call.
        """
        clone = object.__new__(type(self))
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if not callable(v) or k.startswith("_")})
        clone._config = self._config.with_options(timeout=_as_timeout(timeout), max_retries=max_retries)
        clone._owns_http = False
        return clone

    def __repr__(self) -> str:
        resource = self._config.resource
        return (
            f"{type(self).__name__}(endpoint={resource.endpoint!r}, kind={resource.kind.value!r}, "
            f"credential={describe_credential(resource.credential)}, api_version={self.api_version!r})"
        )

    def _log_retry(self, op: Operation[Any]) -> Callable[[RetryCallState], None]:
        def log(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            logger.info(
                "%s attempt %d failed (%s); retrying in %.2f s",
                op.name,
                state.attempt_number,
                describe_failure(error) if error else "unknown",
                wait,
            )

        return log


def _as_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout | None:
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout, connect=min(10.0, float(timeout)))


def _resource_for(endpoint: str | Resource, credential: object, role: Role, client: str) -> Resource:
    if isinstance(endpoint, Resource):
        if credential is not None:
            raise ConfigurationError(f"{client}: pass either a Resource or an endpoint and a credential, not both")
        resource = endpoint
    else:
        if credential is None:
            raise ConfigurationError(f"{client}: a credential (key or token credential) is required")
        from ..core.resources import ResourceKind

        kind = ResourceKind.TRAINING if role is Role.TRAINING else ResourceKind.PREDICTION
        resource = Resource(endpoint, credential, kind)  # type: ignore[arg-type]
    if not resource.serves(role):
        wanted = "a Custom Vision Training" if role is Role.TRAINING else "a Custom Vision Prediction"
        raise ConfigurationError(
            f"{client} needs {wanted} or a multi-service (Azure AI Services / Cognitive Services) resource, "
            f"but was given a {resource.kind.label} resource ({resource.endpoint})"
        )
    return resource


class SyncClientBase(ClientBase, SyncRunner):
    """A blocking client over ``httpx.Client``; use it as a context manager or call :meth:`close`."""

    def __init__(
        self,
        endpoint: str | Resource,
        credential: object = None,
        *,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        super().__init__(endpoint, credential, **options)
        self._clock = clock
        if is_async_token_credential(self._config.resource.credential):
            raise ConfigurationError(
                f"{type(self).__name__} needs a synchronous token credential (azure.identity); "
                f"use the Async client with azure.identity.aio credentials"
            )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(follow_redirects=False)
        self._sleep = sleep

    def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, op: Operation[T]) -> T:
        retrying = Retrying(sleep=self._sleep, **self._config.retry.tenacity_arguments(op, self._log_retry(op)))
        result: T = retrying(self._attempt, op)
        return result

    def _attempt(self, op: Operation[T]) -> T:
        cursor = Cursor(exchange(self._config, op))
        while not cursor.finished:
            need = cursor.step
            cursor.send(self._token(need.refresh) if isinstance(need, NeedToken) else self._send(need))
        return cursor.result

    def _send(self, transfer: Transfer) -> httpx.Response:
        request, sink = transfer.request, transfer.sink
        try:
            if sink is None:
                return self._http.send(request)
            response = self._http.send(request, stream=True)
            try:
                if response.is_success:
                    transfer.rewind()
                    for chunk in response.iter_bytes():
                        sink.write(chunk)
                else:
                    response.read()
            finally:
                response.close()
            return response
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc

    def _token(self, refresh: bool) -> str:
        cache = self._config.token_cache
        with cache.lock:
            token = None if refresh else cache.current()
            if token is None:
                credential: Any = self._config.resource.credential
                token = cache.store(credential.get_token(token_scope()))
            return token

    def _drive(self, flow: Workflow[T]) -> T:
        cursor = Cursor(flow)
        while not cursor.finished:
            try:
                reply = self._perform(cursor.step)
            except Exception as exc:  # handed to the workflow, which may handle it or let it propagate
                cursor.throw(exc)
            else:
                cursor.send(reply)
        return cursor.result

    def _perform(self, step: Step) -> Any:
        if isinstance(step, Sleep):
            return self._sleep(step.seconds)
        if isinstance(step, ReadClock):
            return self._clock()
        return self._run(step)


class AsyncClientBase(ClientBase, AsyncRunner):
    """An asyncio client over ``httpx.AsyncClient``; use it with ``async with`` or await :meth:`close`."""

    def __init__(
        self,
        endpoint: str | Resource,
        credential: object = None,
        *,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        super().__init__(endpoint, credential, **options)
        self._clock = clock
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(follow_redirects=False)
        self._sleep = sleep
        self._token_lock: asyncio.Lock | None = None

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _run(self, op: Operation[T]) -> T:
        retrying = AsyncRetrying(sleep=self._sleep, **self._config.retry.tenacity_arguments(op, self._log_retry(op)))
        return await retrying(self._attempt, op)

    async def _attempt(self, op: Operation[T]) -> T:
        cursor = Cursor(exchange(self._config, op))
        while not cursor.finished:
            need = cursor.step
            cursor.send(await (self._token(need.refresh) if isinstance(need, NeedToken) else self._send(need)))
        return cursor.result

    async def _send(self, transfer: Transfer) -> httpx.Response:
        request, sink = transfer.request, transfer.sink
        try:
            if sink is None:
                return await self._http.send(request)
            response = await self._http.send(request, stream=True)
            try:
                if response.is_success:
                    transfer.rewind()
                    async for chunk in response.aiter_bytes():
                        sink.write(chunk)
                else:
                    await response.aread()
            finally:
                await response.aclose()
            return response
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc

    async def _token(self, refresh: bool) -> str:
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        cache = self._config.token_cache
        async with self._token_lock:
            token = None if refresh else cache.current()
            if token is None:
                credential: Any = self._config.resource.credential
                if is_async_token_credential(credential):
                    fetched = await credential.get_token(token_scope())
                else:
                    # A blocking credential (azure.identity, not .aio) must not stall the event loop.
                    fetched = await asyncio.to_thread(credential.get_token, token_scope())
                token = cache.store(fetched)
            return token

    async def _drive(self, flow: Workflow[T]) -> T:
        cursor = Cursor(flow)
        while not cursor.finished:
            try:
                reply = await self._perform(cursor.step)
            except Exception as exc:  # handed to the workflow, which may handle it or let it propagate
                cursor.throw(exc)
            else:
                cursor.send(reply)
        return cursor.result

    async def _perform(self, step: Step) -> Any:
        if isinstance(step, Sleep):
            return await self._sleep(step.seconds)
        if isinstance(step, ReadClock):
            return self._clock()
        return await self._run(step)
