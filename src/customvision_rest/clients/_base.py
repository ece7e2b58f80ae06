"""What the sync and async clients add to the core: sending, sleeping, fetching tokens, closing.

Everything they do is decided in :mod:`customvision_rest.core`: :func:`~customvision_rest.core.pipeline.perform`
is one call with its retries, waits and deadline, as a generator of steps. Each method here only performs the
I/O a step asks for, once in blocking form and once as a coroutine (under asyncio or trio, through anyio).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._exceptions import ConfigurationError, connection_error
from ..core.credentials import COGNITIVE_SERVICES_SCOPE, BearerToken, describe_credential, is_async_token_credential
from ..core.lazy import lazy_module
from ..core.operation import AsyncRunner, Cursor, Operation, ReadClock, Sleep, Step, SyncRunner, Workflow
from ..core.pipeline import ClientConfig, NeedToken, Transfer, perform
from ..core.ratelimit import RateLimiter, RateLimits
from ..core.redaction import install_signature_redaction
from ..core.resources import Resource, ResourceKind, Role
from ..core.retry import RetryPolicy, check_max_retries

if TYPE_CHECKING:
    import httpx

    from ..core import httpx_types
else:
    # Imported with the first connection pool: importing a client must not pay for httpx.
    httpx = lazy_module("httpx")
    httpx_types = lazy_module("customvision_rest.core.httpx_types")

__all__ = ["AsyncClientBase", "ClientBase", "SyncClientBase"]

T = TypeVar("T")
Self = TypeVar("Self", bound="ClientBase[Any, Any]")
H = TypeVar("H")
S = TypeVar("S")

# httpx logs request URLs at INFO; downloads use signed URLs whose signature must not reach the logs.
install_signature_redaction("httpx")


class _Connections(Generic[H]):
    """The connection pool of a client and its ``with_options`` copies, opened on the first request.

    Opening an ``httpx`` client builds an SSL context (tens of milliseconds), which a client that is made and
    never used, or used only through a caller's pool, should not pay.
    """

    def __init__(self, given: H | None, factory: Callable[[], H]) -> None:
        self.owned = given is None
        self.closed = False
        self._client = given
        self._factory = factory
        self._lock = threading.Lock()
        self.loop: object = None  # the async client's event loop, once it has sent a request

    @property
    def client(self) -> H:
        client = self._client
        if client is None or self.closed:
            with self._lock:
                if self.closed:
                    raise ConfigurationError("the client is closed; create a new one")
                if self._client is None:
                    self._client = self._factory()
                client = self._client
        return client

    @property
    def opened(self) -> H | None:
        return self._client


class ClientBase(Generic[H, S]):
    """Configuration shared by every client, and its options; no I/O.

    ``H`` is the kind of ``httpx`` client it sends with, ``S`` the kind of ``sleep`` function it waits with.
    """

    _role: Role
    _default_api_version: str
    _api_versions: frozenset[str]
    _token_scope: str = COGNITIVE_SERVICES_SCOPE
    _closes_pool: bool

    def __init__(
        self,
        endpoint: str | Resource,
        credential: object = None,
        *,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        rate_limits: RateLimits | str | None = None,
        http_client: H | None = None,
        application_id: str | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: S | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        resource = self._resolve_resource(endpoint, credential)
        version = self._checked_api_version(api_version)
        if retry_policy is not None and not isinstance(retry_policy, RetryPolicy):
            raise ConfigurationError("retry_policy must be a RetryPolicy")
        if application_id is not None and (not isinstance(application_id, str) or not application_id.strip()):
            raise ConfigurationError("application_id must be a non-empty string")
        config = ClientConfig(
            resource=resource,
            role=self._role,
            api_version=version,
            retry=retry_policy or RetryPolicy(),
            application_id=application_id,
            scope=self._token_scope,
            limiter=RateLimiter(_rate_limits(rate_limits)),
        )
        self._config = _with_options(config, timeout, max_retries)
        self._closes_pool = True
        self._check_credential()
        if http_client is not None and not isinstance(http_client, self._http_client_type):
            wanted = f"{self._http_client_type.__module__}.{self._http_client_type.__name__}"
            raise ConfigurationError(f"http_client must be an {wanted}, not {type(http_client).__name__}")
        self._pool: _Connections[H] = _Connections(http_client, self._new_http_client)
        self._sleep: S = sleep if sleep is not None else self._default_sleep()
        self._clock = clock

    def _checked_api_version(self, api_version: object) -> str:
        """The API version to use: the default, or one this client knows."""
        if api_version is not None and not isinstance(api_version, str):
            raise ConfigurationError(f"api_version must be a string such as {self._default_api_version!r}")
        version = self._default_api_version if api_version is None else api_version
        if version not in self._api_versions:
            known = ", ".join(sorted(self._api_versions))
            raise ConfigurationError(f"api_version {version!r} is not supported; expected one of {known}")
        return version

    def _resolve_resource(self, endpoint: str | Resource, credential: object) -> Resource:
        """The resource requests go to, checked to serve this client's role."""
        return _resource_for(endpoint, credential, self._role, type(self).__name__)

    def _check_credential(self) -> None:
        """Refuse a credential this kind of client cannot use."""

    @property
    def _http_client_type(self) -> type[H]:
        """The kind of ``httpx`` client ``http_client`` must be (a property: httpx is imported on first use)."""
        raise NotImplementedError

    # Static, so that the pool's factory does not hold the client: a dropped client is freed at once, with no
    # reference cycle to wait for the collector.
    @staticmethod
    def _new_http_client() -> H:
        raise NotImplementedError

    def _default_sleep(self) -> S:
        raise NotImplementedError

    @property
    def _http(self) -> H:
        return self._pool.client

    @property
    def resource(self) -> Resource:
        """The resource this client talks to."""
        return self._config.resource

    @property
    def api_version(self) -> str:
        """The API version in request paths."""
        return self._config.api_version

    @property
    def rate_limits(self) -> RateLimits:
        """The call rates this client paces itself to (shared with its ``with_options`` copies)."""
        return self._config.limiter.limits

    @property
    def _api_root(self) -> str:
        return self._config.api_root

    def with_options(
        self: Self, *, timeout: float | httpx.Timeout | None = None, max_retries: int | None = None
    ) -> Self:
        """A copy of this client with another timeout or retry count, for one call or a few.

        The copy shares the connection pool, the token cache and the rate limiter; closing it closes nothing.
        ``client.with_options(max_retries=0).classify_image(...)`` disables retries for that call.
        """
        clone = object.__new__(type(self))
        # Bound client methods cached in the instance dict belong to the original; the copy binds its own.
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if not callable(v) or k.startswith("_")})
        clone._config = _with_options(self._config, timeout, max_retries)
        clone._closes_pool = False
        return clone

    def __repr__(self) -> str:
        resource = self._config.resource
        return (
            f"{type(self).__name__}(endpoint={resource.endpoint!r}, kind={resource.kind.value!r}, "
            f"credential={describe_credential(resource.credential)}, api_version={self.api_version!r})"
        )


def _with_options(config: ClientConfig, timeout: object, max_retries: object) -> ClientConfig:
    """``config`` with a validated timeout (and the deadline it implies) and retry count."""
    if max_retries is not None:
        check_max_retries(max_retries)
    if timeout is None:
        return config.with_options(max_retries=max_retries)  # type: ignore[arg-type]
    if isinstance(timeout, httpx.Timeout):
        # Per-attempt limits as given; the whole call is then bounded by the retry count alone.
        return config.with_options(timeout=timeout, deadline=None, max_retries=max_retries)  # type: ignore[arg-type]
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
        raise ConfigurationError(f"timeout must be a positive number of seconds or an httpx.Timeout, got {timeout!r}")
    seconds = float(timeout)
    return config.with_options(
        timeout=httpx.Timeout(seconds, connect=min(10.0, seconds)),
        deadline=seconds,
        max_retries=max_retries,  # type: ignore[arg-type]
    )


def _rate_limits(value: RateLimits | str | None) -> RateLimits | None:
    if value is None or isinstance(value, RateLimits):
        return value
    if isinstance(value, str):
        return RateLimits.for_tier(value)
    raise ConfigurationError("rate_limits must be a tier name ('F0', 'S0') or a RateLimits")


def _resource_for(endpoint: str | Resource, credential: object, role: Role, client: str) -> Resource:
    if isinstance(endpoint, Resource):
        if credential is not None:
            raise ConfigurationError(f"{client}: pass either a Resource or an endpoint and a credential, not both")
        resource = endpoint
    else:
        if credential is None:
            raise ConfigurationError(f"{client}: a credential (key or token credential) is required")
        kind = ResourceKind.TRAINING if role is Role.TRAINING else ResourceKind.PREDICTION
        resource = Resource(endpoint, credential, kind)  # type: ignore[arg-type]
    if not resource.serves(role):
        wanted = "a Custom Vision Training" if role is Role.TRAINING else "a Custom Vision Prediction"
        raise ConfigurationError(
            f"{client} needs {wanted} or a multi-service (Azure AI Services / Cognitive Services) resource, "
            f"but was given a {resource.kind.label} resource ({resource.endpoint})"
        )
    return resource


class SyncClientBase(ClientBase["httpx.Client", Callable[[float], None]], SyncRunner):
    """A blocking client over ``httpx.Client``; use it as a context manager or call :meth:`close`."""

    @property
    def _http_client_type(self) -> type[httpx.Client]:
        return httpx.Client

    def _check_credential(self) -> None:
        if is_async_token_credential(self._config.resource.credential):
            raise ConfigurationError(
                f"{type(self).__name__} needs a synchronous token credential (azure.identity); "
                f"use the Async client with azure.identity.aio credentials"
            )

    @staticmethod
    def _new_http_client() -> httpx.Client:
        return _without_cookies(httpx.Client(follow_redirects=False))

    def _default_sleep(self) -> Callable[[float], None]:
        return time.sleep

    def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        pool = self._pool
        if self._closes_pool and pool.owned:
            pool.closed = True
            if pool.opened is not None:
                pool.opened.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, op: Operation[T]) -> T:
        cursor: Cursor[Any, T] = Cursor(perform(self._config, op, self._clock))
        while not cursor.finished:
            step = cursor.step
            try:
                if type(step) is Transfer:
                    reply: Any = self._send(step)
                elif type(step) is NeedToken:
                    reply = self._token(step.refused)
                else:
                    reply = self._sleep(step.seconds)
            except Exception as exc:  # handed to the retry loop, which retries or lets it propagate
                cursor.throw(exc)
            else:
                cursor.send(reply)
        return cursor.result

    def _send(self, transfer: Transfer) -> httpx.Response:
        request, sink = transfer.request, transfer.sink
        try:
            if sink is None:
                return _released(self._pool.client.send(request))
            response = self._pool.client.send(request, stream=True)
            try:
                if response.is_success:
                    transfer.rewind()
                    for chunk in response.iter_bytes():
                        sink.write(chunk)
                else:
                    response.read()
            finally:
                response.close()
            return _released(response)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc

    def _token(self, refused: BearerToken | None) -> BearerToken:
        cache = self._config.token_cache
        if refused is None:
            fresh = cache.current()
            if fresh is not None:
                return fresh
            # Near expiry: one thread renews while the others go on with the token that still works.
            usable = cache.usable()
            if usable is not None and not cache.lock.acquire(blocking=False):
                return usable
            if usable is not None:
                try:
                    return cache.current() or self._fetch_token()
                finally:
                    cache.lock.release()
        with cache.lock:
            if refused is not None:
                cache.invalidate(refused)
            return cache.current() or self._fetch_token()

    def _fetch_token(self) -> BearerToken:
        credential: Any = self._config.resource.credential
        return self._config.token_cache.store(credential.get_token(self._config.scope))

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


class AsyncClientBase(ClientBase["httpx.AsyncClient", Callable[[float], Awaitable[Any]]], AsyncRunner):
    """An asynchronous client over ``httpx.AsyncClient``, for asyncio or trio; use it with ``async with``.

    A client belongs to the event loop of its first request (its connections do): make one per
    ``asyncio.run``, or pass ``http_client`` for each loop.
    """

    @property
    def _http_client_type(self) -> type[httpx.AsyncClient]:
        return httpx.AsyncClient

    @staticmethod
    def _new_http_client() -> httpx.AsyncClient:
        # Made on the first request, inside the loop, so the transport can tell asyncio from trio.
        try:
            from ._asyncio_transport import new_async_transport
        except ImportError:  # no h11: it comes with httpcore, which every httpx 0.x requires, but not by our say
            transport = None
        else:
            transport = new_async_transport()
        if transport is None:  # only httpx's own transport (httpcore) asks for sniffio
            _make_sniffio_probe_cheap()
        return _without_cookies(httpx.AsyncClient(follow_redirects=False, transport=transport))

    def _default_sleep(self) -> Callable[[float], Awaitable[Any]]:
        return _anyio_sleep

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        pool = self._pool
        if self._closes_pool and pool.owned:
            pool.closed = True
            if pool.opened is not None:
                await pool.opened.aclose()

    async def __aenter__(self: Self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _run(self, op: Operation[T]) -> T:
        cursor: Cursor[Any, T] = Cursor(perform(self._config, op, self._clock))
        while not cursor.finished:
            step = cursor.step
            try:
                if type(step) is Transfer:
                    reply: Any = await self._send(step)
                elif type(step) is NeedToken:
                    reply = await self._token(step.refused)
                else:
                    reply = await self._sleep(step.seconds)
            except Exception as exc:  # handed to the retry loop, which retries or lets it propagate
                cursor.throw(exc)
            else:
                cursor.send(reply)
        return cursor.result

    def _connections(self) -> httpx.AsyncClient:
        pool = self._pool
        loop = _running_loop()
        if pool.loop is not loop:
            if pool.loop is not None:
                raise ConfigurationError(
                    f"this {type(self).__name__} sent its first request in another event loop (an earlier "
                    "asyncio.run?) and its connections belong to that loop; create the client inside the loop "
                    "that uses it, one per asyncio.run"
                )
            pool.loop = loop
        return pool.client

    async def _send(self, transfer: Transfer) -> httpx.Response:
        request, sink = transfer.request, transfer.sink
        http = self._connections()
        try:
            if sink is None:
                return _released(await http.send(request))
            response = await http.send(request, stream=True)
            try:
                if response.is_success:
                    transfer.rewind()
                    async for chunk in response.aiter_bytes():
                        sink.write(chunk)
                else:
                    await response.aread()
            finally:
                await response.aclose()
            return _released(response)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc

    async def _token(self, refused: BearerToken | None) -> BearerToken:
        import anyio

        cache = self._config.token_cache
        if cache.async_lock is None:
            cache.async_lock = anyio.Lock()
        lock = cache.async_lock
        if refused is None:
            fresh = cache.current()
            if fresh is not None:
                return fresh
            # Near expiry: one task renews while the others go on with the token that still works.
            usable = cache.usable()
            if usable is not None and lock.locked():
                return usable
        async with lock:
            if refused is not None:
                cache.invalidate(refused)
            return cache.current() or await self._fetch_token()

    async def _fetch_token(self) -> BearerToken:
        import anyio.to_thread

        credential: Any = self._config.resource.credential
        if is_async_token_credential(credential):
            return self._config.token_cache.store(await credential.get_token(self._config.scope))
        # A blocking credential (azure.identity, not .aio) must not stall the event loop.
        return self._config.token_cache.store(await anyio.to_thread.run_sync(credential.get_token, self._config.scope))

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


HC = TypeVar("HC", "httpx.Client", "httpx.AsyncClient")


def _without_cookies(client: HC) -> HC:
    if isinstance(getattr(client, "_cookies", None), httpx.Cookies):
        client._cookies = httpx_types.NoCookies()
    return client


def _make_sniffio_probe_cheap() -> None:
    """httpcore tries ``import sniffio`` for every lock and event it makes, to tell asyncio from trio.

    anyio no longer installs sniffio, and Python does not remember a failed import: each try searches the whole
    import path again (about 45 µs, four tries a request over a real connection). Where sniffio is not
    installed, a ``None`` entry in ``sys.modules`` (the import system's documented "not importable" mark)
    makes each try fail at once; httpcore then assumes asyncio, as it does without sniffio anyway, so nothing
    changes but the time. Trio installs sniffio, so trio programs never get the mark. A program that installs
    sniffio while it runs (``%pip`` in a notebook) and then imports trio must ``del sys.modules["sniffio"]``.
    """
    import importlib.util

    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


async def _anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


def _running_loop() -> object:
    """The running event loop (asyncio) or run (trio), to tell one ``asyncio.run`` from the next."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            pass
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            return trio.lowlevel.current_root_task()
        except RuntimeError:
            pass
    return None


def _released(response: httpx.Response) -> httpx.Response:
    """The response, read, with the reference cycle httpx leaves between it and its stream broken.

    httpx wraps a response's stream in an object that points back to the response; the pair lives until a full
    garbage collection and keeps the request's body (up to 50 MB for an upload batch) alive with it.
    """
    stream = getattr(response, "stream", None)
    if getattr(stream, "_response", None) is response:
        stream._response = None  # type: ignore[union-attr]
    return response
