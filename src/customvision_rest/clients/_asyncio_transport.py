"""A lean HTTP/1.1 connection layer for ``httpx.AsyncClient`` on asyncio: an ``asyncio.Protocol`` and h11.

httpx's own async transport runs httpcore over anyio: a cancel scope for every read and write, anyio locks and
events in the pool, shielded cleanups. Over loopback that costs more than the whole sync call, so an async call
was about 1.7 times a sync one. This transport keeps httpx's client (auth, headers, redirects, event hooks,
timeouts as configured) and replaces only the connections: one ``asyncio.Protocol`` per connection that feeds
what it receives to h11 (the HTTP/1.1 state machine httpcore's own HTTP/1.1 code uses), and a plain pool per
origin. A call waits on one future per read it has to wait for, and a timeout is one timer on that future.

It raises httpx's own exceptions in the situations where httpx's stock transport raises them (connect, read,
write and pool timeouts; connect, read and write errors; a peer that breaks the protocol), since the retry
rules tell a request that never left (retried even when it is not idempotent) from one that may have reached
the service by those types. Messages never quote the request's headers.

Only the asyncio ``Protocol`` and ``Transport`` API is used, so it runs on uvloop too. Under trio, behind a
proxy configured in the environment, or when a caller passes ``http_client``, the clients keep httpx's stock
transport (see :func:`new_async_transport`).
"""

from __future__ import annotations

import asyncio
import select
import ssl
import sys
import time
import urllib.request
from collections import deque
from collections.abc import AsyncIterator, Coroutine
from typing import Any

# Not a dependency of ours: every httpcore 1.x (which httpx 0.27 and 0.28 require) requires h11.
import h11
import httpx

__all__ = ["AsyncioTransport", "new_async_transport"]

# Received bytes waiting to be read by the response's consumer before the socket stops being read.
_READ_HIGH_WATER = 256 * 1024
# A request body is written in pieces of about this size; after each, the writer waits while the socket's buffer
# is full (the transport's flow control), so a large upload is not copied whole into the transport's buffer.
_WRITE_CHUNK = 64 * 1024
# The largest response head h11 buffers (httpcore's limit too): a peer cannot make us hold an endless header.
_MAX_HEAD = 100 * 1024
_DEFAULT_PORTS = {b"http": 80, b"https": 443}
_DISCONNECTED = "Server disconnected without sending a response."
_poll = getattr(select, "poll", None)

Origin = tuple[bytes, bytes, int]


def new_async_transport() -> httpx.AsyncBaseTransport | None:
    """This transport when it can stand in for httpx's own here, else ``None`` (httpx's own is used).

    It needs a running asyncio loop (trio has its own I/O). httpx applies proxies from the environment only
    to the transports it builds itself, so a program with ``HTTP(S)_PROXY`` or ``ALL_PROXY`` set keeps them.
    The respx and pytest-httpx mocking libraries patch httpx's and httpcore's transports; a program that
    mocks with them is served by httpx's stock transport, checked request by request (see ``_mocked``).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    proxies = urllib.request.getproxies()
    if any(proxies.get(scheme) for scheme in ("http", "https", "all")):
        return None
    return AsyncioTransport()


class AsyncioTransport(httpx.AsyncBaseTransport):
    """Pooled HTTP/1.1 connections on the running asyncio loop, with httpx's default limits.

    ``limits`` are httpx's: at most ``max_connections`` open at once (a request over it waits, up to the pool
    timeout), at most ``max_keepalive_connections`` idle ones kept, each for ``keepalive_expiry`` seconds. TLS
    uses httpx's default context (certifi, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``), ALPN ``http/1.1``, and the
    host as SNI; a caller who wants other TLS settings passes their own ``httpx.AsyncClient``.
    """

    def __init__(self, *, limits: httpx.Limits | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        limits = limits if limits is not None else httpx.Limits(max_connections=100, max_keepalive_connections=20)
        # httpx's None is "no limit".
        self._max_connections = limits.max_connections if limits.max_connections is not None else sys.maxsize
        idle = limits.max_keepalive_connections
        self._max_idle = idle if idle is not None else sys.maxsize
        self._expiry = limits.keepalive_expiry
        if ssl_context is not None:
            ssl_context.set_alpn_protocols(["http/1.1"])  # as httpcore does to the context it is given
        self._ssl_context = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}
        self._idle_count = 0
        self._open: set[_Connection] = set()  # every connection made and not yet closed, idle or busy
        self._connecting = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._stock: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on a pooled connection; the response's body is read from it as it is consumed."""
        if _mocked():
            return await self._stock_transport().handle_async_request(request)
        url = request.url
        scheme = url.raw_scheme
        port = url.port or _DEFAULT_PORTS.get(scheme)
        if port is None:
            raise httpx.UnsupportedProtocol(f"request URL has an unsupported scheme {scheme.decode('ascii')!r}")
        timeouts: dict[str, float | None] = request.extensions.get("timeout") or {}
        conn = await self._acquire((scheme, url.raw_host, port), timeouts)
        read_timeout = timeouts.get("read")
        try:
            await conn.send_request(request, timeouts.get("write"))
            head = await conn.receive_head(read_timeout)
        except BaseException:
            self._close(conn)
            raise
        return httpx.Response(
            head.status_code,
            headers=head.headers.raw_items(),
            stream=_ResponseBody(self, conn, read_timeout),
            extensions={"http_version": b"HTTP/" + head.http_version, "reason_phrase": head.reason},
        )

    async def aclose(self) -> None:
        """Close every connection, idle or in use."""
        for conn in list(self._open):
            self._close(conn)
        stock, self._stock = self._stock, None
        if stock is not None:
            await stock.aclose()

    # The pool. Everything below runs on the loop's thread between awaits, so no lock is needed.

    async def _acquire(self, origin: Origin, timeouts: dict[str, float | None]) -> _Connection:
        loop = asyncio.get_running_loop()
        pool_timeout = timeouts.get("pool")
        deadline = None if pool_timeout is None else loop.time() + pool_timeout
        woken = False  # a task woken for room goes before those queued behind it, and before newcomers
        while True:
            idle = self._idle.get(origin)
            if idle:
                now = time.monotonic()
                while idle:
                    conn = idle.pop()
                    self._idle_count -= 1
                    conn.in_pool = False
                    if (
                        conn.reusable()
                        and (self._expiry is None or now - conn.idle_since <= self._expiry)
                        and not conn.readable()
                    ):
                        return conn
                    self._close(conn)
            if woken or not self._waiting:
                if len(self._open) + self._connecting < self._max_connections:
                    break
                if self._idle_count:  # room held by another origin's idle connection: free it
                    self._close(self._oldest_idle())
                    continue
            await self._wait_for_room(loop, deadline, first=woken)
            woken = True
        self._connecting += 1
        try:
            conn = await self._connect(origin, timeouts.get("connect"))
        except BaseException:
            self._connecting -= 1
            self._wake_one()
            raise
        self._connecting -= 1
        self._open.add(conn)
        return conn

    async def _wait_for_room(self, loop: asyncio.AbstractEventLoop, deadline: float | None, first: bool) -> None:
        waiter: asyncio.Future[None] = loop.create_future()
        if first:
            self._waiting.appendleft(waiter)
        else:
            self._waiting.append(waiter)
        timer = None
        if deadline is not None:
            timer = loop.call_at(deadline, _expire, waiter, httpx.PoolTimeout)
        try:
            await waiter
        except BaseException:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif not waiter.cancelled() and waiter.exception() is None:
                self._wake_one()  # woken, then cancelled before it could look: pass the room on
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _wake_one(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _oldest_idle(self) -> _Connection:
        return min((c for conns in self._idle.values() for c in conns), key=lambda c: c.idle_since)

    async def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, raw_host, port = origin
        host = raw_host.decode("ascii")
        context = self._tls_context() if scheme == b"https" else None
        loop = asyncio.get_running_loop()
        opening = loop.create_connection(
            lambda: _Connection(self, origin, loop), host, port, ssl=context, server_hostname=host if context else None
        )
        try:
            _, conn = await (opening if timeout is None else _within(opening, timeout))
        except OSError as exc:  # ssl.SSLError and ssl.CertificateError are OSErrors
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        return conn

    def _tls_context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            context = httpx.create_ssl_context(trust_env=True)
            context.set_alpn_protocols(["http/1.1"])
            self._ssl_context = context
        return self._ssl_context

    def _release(self, conn: _Connection) -> None:
        """A connection whose exchange ended cleanly: keep it for the next request, or close it."""
        if conn.closed or self._idle_count >= self._max_idle or not conn.reusable():
            self._close(conn)
            return
        conn.idle_since = time.monotonic()
        conn.in_pool = True
        self._idle.setdefault(conn.origin, []).append(conn)
        self._idle_count += 1
        self._wake_one()

    def _close(self, conn: _Connection) -> None:
        if conn.in_pool:
            self._forget_idle(conn)
        conn.close()
        if conn in self._open:
            self._open.discard(conn)
            self._wake_one()

    def _forget_idle(self, conn: _Connection) -> None:
        conn.in_pool = False
        idle = self._idle.get(conn.origin)
        if idle is not None and conn in idle:
            idle.remove(conn)
            self._idle_count -= 1

    def _stock_transport(self) -> httpx.AsyncBaseTransport:
        if self._stock is None:
            self._stock = httpx.AsyncHTTPTransport()
        return self._stock


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection: h11's state, and a future for the task waiting to read or to write."""

    def __init__(self, pool: AsyncioTransport, origin: Origin, loop: asyncio.AbstractEventLoop) -> None:
        self.pool = pool
        self.origin = origin
        self.in_pool = False
        self.idle_since = 0.0
        self.closed = False
        self._loop = loop
        self._h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self._transport: asyncio.Transport | None = None
        self._socket: Any = None
        self._waiter: asyncio.Future[None] | None = None
        self._unread = 0
        self._reading_paused = False
        self._writing_paused = False
        self._drained: asyncio.Future[None] | None = None
        self._lost: Exception | None = None
        self._eof = False
        self._stray = False  # bytes arrived while no request was out: the connection's state is unknown

    # asyncio.Protocol: called by the loop.

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._socket = transport.get_extra_info("socket")

    def data_received(self, data: bytes) -> None:
        if self.in_pool:
            self._stray = True
            self.pool._close(self)
            return
        self._h11.receive_data(data)
        waiter = self._waiter
        if waiter is not None:
            if not waiter.done():
                waiter.set_result(None)
            return
        self._unread += len(data)
        if self._unread > _READ_HIGH_WATER and not self._reading_paused and self._transport is not None:
            self._reading_paused = True
            self._transport.pause_reading()

    def eof_received(self) -> bool:
        self._end_of_input()
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if exc is not None and self._lost is None:
            self._lost = exc
        self._end_of_input()
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_result(None)
        if self.in_pool or self in self.pool._open:
            self.pool._close(self)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        drained = self._drained
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _end_of_input(self) -> None:
        if not self._eof:
            self._eof = True
            self._h11.receive_data(b"")
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # Used by the pool and the response body.

    def reusable(self) -> bool:
        """Whether the next request may go on this connection: open, and nothing arrived unasked."""
        return not (self.closed or self._stray or self._eof or self._transport is None or self._transport.is_closing())

    def readable(self) -> bool:
        """Whether the socket has something to read while no request is out: the server's close (or stray bytes)
        that the loop has not handled yet, because the program has not let it run since (httpcore checks too)."""
        sock = self._socket
        if sock is None:
            return False
        try:
            fd = sock.fileno()
            if fd < 0:
                return True
            if _poll is None:  # Windows: no poll(), and its select() limits how many sockets, not their numbers
                return bool(select.select([fd], [], [], 0)[0])
            # poll(), not select(): a busy service has descriptors above select()'s limit of 1024.
            poller = _poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):  # closed under us
            return True

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    async def send_request(self, request: httpx.Request, timeout: float | None) -> None:
        """Write the request head and body; a peer that stops reading is left to the response to report."""
        h = self._h11
        try:
            head = h.send(h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw))
        except h11.LocalProtocolError:
            head = None
        if head is None:
            # Raised outside the handler, so that h11's error is not chained: it quotes the offending value,
            # which may be a key. Say what is wrong, not what it was.
            raise httpx.LocalProtocolError("the request's method, target or headers are not valid HTTP/1.1")
        parts = [head]
        size = len(head)
        stream: Any = request.stream
        try:
            async for chunk in stream:
                data = h.send(h11.Data(data=chunk))
                if data:
                    parts.append(data)
                    size += len(data)
                if size >= _WRITE_CHUNK:
                    if not await self._write(b"".join(parts), timeout):
                        return
                    parts, size = [], 0
            parts.append(h.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError as exc:  # a body longer or shorter than its Content-Length
            raise httpx.LocalProtocolError(str(exc)) from exc
        await self._write(b"".join(parts), timeout)

    async def _write(self, data: bytes, timeout: float | None) -> bool:
        """Whether the connection can take more: False once the peer is gone (the response will say why)."""
        transport = self._transport
        if self.closed or transport is None or transport.is_closing():
            return False
        transport.write(data)
        if self._writing_paused:
            self._drained = self._loop.create_future()
            await _awaited(self._loop, self._drained, timeout, httpx.WriteTimeout)
            # Left set when the wait fails: harmless, the connection is then closed.
            self._drained = None
        return not self.closed

    async def receive_head(self, timeout: float | None) -> h11.Response:
        """The final response head (1xx answers are skipped)."""
        while True:
            try:
                event = await self.next_event(timeout)
            except httpx.RemoteProtocolError:
                if self._eof and self._lost is None:  # what httpcore says then, rather than h11's state names
                    raise httpx.RemoteProtocolError(_DISCONNECTED) from None
                raise
            if type(event) is h11.Response:
                return event
            if type(event) is not h11.InformationalResponse:
                raise httpx.RemoteProtocolError("the server's answer is not an HTTP/1.1 response")

    async def next_event(self, timeout: float | None) -> Any:
        """h11's next event, reading from the socket as long as h11 needs more."""
        h = self._h11
        while True:
            try:
                event = h.next_event()
            except h11.RemoteProtocolError as exc:
                raise self._input_error(exc) from exc
            if event is not h11.NEED_DATA:
                if type(event) is h11.ConnectionClosed:
                    raise self._input_error(None)
                return event
            waiter = self._waiter = self._loop.create_future()
            self._unread = 0
            if self._reading_paused and self._transport is not None:
                self._reading_paused = False
                self._transport.resume_reading()
            await _awaited(self._loop, waiter, timeout, httpx.ReadTimeout)
            self._waiter = None  # left set when the wait fails: harmless, the connection is then closed

    def _input_error(self, protocol_error: h11.RemoteProtocolError | None) -> httpx.TransportError:
        if self._lost is not None:
            return httpx.ReadError(str(self._lost) or type(self._lost).__name__)
        if protocol_error is not None:
            return httpx.RemoteProtocolError(str(protocol_error))
        return httpx.RemoteProtocolError("Server disconnected before the response ended.")

    def exchange_done(self) -> bool:
        """Whether request and response both ended and the connection may carry another (h11 honours
        ``Connection: close`` and HTTP/1.0 by refusing the next cycle)."""
        h = self._h11
        if h.our_state is h11.DONE and h.their_state is h11.DONE and not h.trailing_data[0]:
            h.start_next_cycle()
            if self._reading_paused and self._transport is not None:
                # An idle connection must be read, or a close by the server would go unnoticed.
                self._reading_paused = False
                self._transport.resume_reading()
            return True
        return False  # bytes beyond the response: nothing asked for them, the connection's state is unknown


class _ResponseBody(httpx.AsyncByteStream):
    """The body as it arrives; the connection goes back to the pool only once the body has been read to its end."""

    def __init__(self, pool: AsyncioTransport, conn: _Connection, timeout: float | None) -> None:
        self._pool = pool
        self._conn: _Connection | None = conn
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        conn = self._conn
        if conn is None:
            raise httpx.StreamClosed()
        try:
            while True:
                event = await conn.next_event(self._timeout)
                if type(event) is h11.Data:
                    yield bytes(event.data)
                elif type(event) is h11.EndOfMessage or event is h11.PAUSED:  # as httpcore; PAUSED: bytes beyond
                    break
        except BaseException:
            self._conn = None
            self._pool._close(conn)
            raise
        self._conn = None
        if conn.exchange_done():
            self._pool._release(conn)
        else:
            self._pool._close(conn)

    async def aclose(self) -> None:
        """Close the connection if the body was not read to its end (its remainder would be in the way)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool._close(conn)


async def _awaited(
    loop: asyncio.AbstractEventLoop,
    waiter: asyncio.Future[None],
    timeout: float | None,
    error: type[httpx.TimeoutException],
) -> None:
    """Await ``waiter``, failed with ``error`` after ``timeout``: one timer, cheaper than a task or a scope."""
    if timeout is None:
        await waiter
        return
    timer = loop.call_later(timeout, _expire, waiter, error)
    try:
        await waiter
    finally:
        timer.cancel()


async def _within(opening: Coroutine[Any, Any, tuple[asyncio.Transport, _Connection]], timeout: float) -> Any:
    """The connection ``opening`` makes, or ``ConnectTimeout`` after ``timeout`` seconds.

    Not ``asyncio.wait_for``: up to Python 3.11 it can drop a connection made just as the time runs out, leaving
    its socket open. Here a connection that completes after it was given up (or after the caller was cancelled)
    is closed.
    """
    task = asyncio.ensure_future(opening)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except BaseException:
        _give_up(task)
        raise
    if not done:
        _give_up(task)
        raise httpx.ConnectTimeout("timed out connecting")
    return task.result()


def _give_up(task: asyncio.Future[tuple[asyncio.Transport, _Connection]]) -> None:
    task.cancel()
    task.add_done_callback(_close_if_made)


def _close_if_made(task: asyncio.Future[tuple[asyncio.Transport, _Connection]]) -> None:
    if not task.cancelled() and task.exception() is None:
        transport, _ = task.result()
        transport.close()


def _expire(waiter: asyncio.Future[None], error: type[httpx.TimeoutException]) -> None:
    if not waiter.done():
        waiter.set_exception(error(f"timed out {_WAITING_FOR.get(error, 'waiting')}"))


_WAITING_FOR = {
    httpx.ReadTimeout: "reading",
    httpx.WriteTimeout: "writing",
    httpx.PoolTimeout: "waiting for a connection",
}


def _mocked() -> bool:
    """Whether respx or pytest-httpx (or a ``mock.patch``) has replaced httpx's or httpcore's async transport."""
    core = sys.modules.get("httpcore")
    if core is not None:
        pool = getattr(core, "AsyncConnectionPool", None)
        if getattr(getattr(pool, "handle_async_request", None), "__module__", None) != _POOL_MODULE:
            return True
    send = httpx.AsyncHTTPTransport.handle_async_request
    return getattr(send, "__module__", None) != _TRANSPORT_MODULE


# Where the real methods live; if httpx or httpcore move them, every request takes the stock path (slower, not wrong).
_POOL_MODULE = "httpcore._async.connection_pool"
_TRANSPORT_MODULE = "httpx._transports.default"
