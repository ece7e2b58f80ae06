"""The asyncio HTTP/1.1 transport against purpose-built servers on 127.0.0.1: framing, pooling, errors."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
import traceback
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

import h11
import httpx
import pytest

from customvision_rest import APIConnectionError, AsyncTrainingClient
from customvision_rest.clients._asyncio_transport import AsyncioTransport, _Connection

from .servers import Peer, ScriptedServer, keep_alive, settle, until_client_closes

T = TypeVar("T")


def run(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(scenario())


def client(transport: AsyncioTransport | None = None, **options: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport or AsyncioTransport(), **options)


def test_get_and_post_reuse_one_keep_alive_connection() -> None:
    async def scenario() -> None:
        async with ScriptedServer(keep_alive) as server, client() as http:
            first = await http.get(f"{server.url}/a?x=1")
            second = await http.post(f"{server.url}/b", content=b"12345")
            third = await http.put(f"{server.url}/c", content=b"")
            assert (first.status_code, first.text) == (200, "GET /a?x=1 0")
            assert second.text == "POST /b 5"
            assert third.text == "PUT /c 0"
            assert first.http_version == "HTTP/1.1"
            assert first.reason_phrase == "OK"
            assert server.connections == 1
            assert server.requests[1].body == b"12345"

    run(scenario)


def test_request_bodies_from_any_httpx_stream() -> None:
    async def parts() -> AsyncIterator[bytes]:
        for piece in (b"ab", b"", b"cde"):
            yield piece

    async def scenario() -> None:
        async with ScriptedServer(keep_alive) as server, client() as http:
            streamed = await http.post(server.url, content=parts())
            assert streamed.text == "POST / 5"
            assert server.requests[0].headers[b"transfer-encoding"] == b"chunked"
            multipart = await http.post(server.url, files={"file": ("a.bin", b"\x00" * 1000)}, data={"k": "v"})
            assert multipart.status_code == 200
            assert b"\x00" * 1000 in server.requests[1].body
            assert server.requests[1].headers[b"content-type"].startswith(b"multipart/form-data")
            form = await http.post(server.url, data={"a": "1"})
            assert server.requests[2].body == b"a=1"
            assert form.status_code == 200
            assert server.connections == 1

    run(scenario)


def test_chunked_and_empty_bodies_and_head() -> None:
    async def handler(peer: Peer) -> None:
        while (seen := await peer.request()) is not None:
            if seen.target == b"/chunked":
                await peer.answer(body=b"0123456789" * 10, chunked=True)
            elif seen.target == b"/none":
                await peer.answer(status=204)
            else:  # HEAD: a Content-Length and no body
                head = peer.h11.send(h11.Response(status_code=200, headers=[(b"content-length", b"42")]))
                await peer.raw((head or b"") + (peer.h11.send(h11.EndOfMessage()) or b""))

    async def scenario() -> None:
        async with ScriptedServer(handler) as server, client() as http:
            assert (await http.get(f"{server.url}/chunked")).content == b"0123456789" * 10
            assert (await http.get(f"{server.url}/none")).content == b""
            head = await http.head(f"{server.url}/head")
            assert head.headers["content-length"] == "42"
            assert head.content == b""
            assert (await http.get(f"{server.url}/chunked")).status_code == 200
            assert server.connections == 1

    run(scenario)


def test_informational_responses_are_skipped() -> None:
    async def handler(peer: Peer) -> None:
        await peer.request()
        await peer.raw(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")
        await peer.raw(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")

    async def scenario() -> None:
        async with ScriptedServer(handler) as server, client() as http:
            response = await http.post(server.url, content=b"x")
            assert (response.status_code, response.content) == (201, b"ok")

    run(scenario)


def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def one_answer_then_close(peer: Peer) -> None:
        seen = await peer.request()
        assert seen is not None
        await peer.answer(body=b"once")

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(one_answer_then_close) as server, client(transport) as http:
            assert (await http.get(server.url)).text == "once"
            assert await settle(lambda: not transport._open), "the server's close was never seen"
            assert (await http.get(server.url)).text == "once"
            assert server.connections == 2

    run(scenario)


def test_a_close_the_loop_has_not_handled_yet_is_seen_before_reuse() -> None:
    """The server closes while the program keeps the loop from running: the next request must not use it."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        for _ in range(2):
            sock, _ = listener.accept()
            with sock:
                sock.recv(65536)
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                sock.shutdown(socket.SHUT_WR)
                sock.recv(65536)  # the client's close or its next request

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    async def scenario() -> None:
        async with client() as http:
            assert (await http.get(url)).text == "ok"
            _block_the_loop_until(lambda: _readable_peer_closed(http))
            assert (await http.get(url)).text == "ok"

    try:
        run(scenario)
    finally:
        listener.close()
        thread.join(5)


def _block_the_loop_until(condition: Callable[[], bool]) -> None:
    """Hold the loop on purpose: the server's FIN reaches the socket, and the loop never handles it."""
    for _ in range(500):
        if condition():
            return
        time.sleep(0.01)


def _readable_peer_closed(http: httpx.AsyncClient) -> bool:
    transport = http._transport
    assert isinstance(transport, AsyncioTransport)
    return any(conn.readable() for conns in transport._idle.values() for conn in conns)


def test_connection_close_and_http_1_0_are_honoured() -> None:
    async def handler(peer: Peer) -> None:
        seen = await peer.request()
        assert seen is not None
        if seen.target == b"/close":
            await peer.raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
        else:
            await peer.raw(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await until_client_closes(peer)  # the socket stays open: only the header says not to reuse it

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(handler) as server, client(transport) as http:
            for path in ("/close", "/close", "/old", "/old"):
                assert (await http.get(f"{server.url}{path}")).text == "ok"
            assert server.connections == 4
            assert not transport._open
            assert await settle(server.closed_by_client.is_set)

    run(scenario)


def test_a_connection_with_unasked_bytes_is_not_reused() -> None:
    async def handler(peer: Peer) -> None:
        await peer.request()
        await peer.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n")
        await until_client_closes(peer)

    async def scenario() -> None:
        async with ScriptedServer(handler) as server, client() as http:
            assert (await http.get(server.url)).text == "ok"
            assert (await http.get(server.url)).text == "ok"
            assert server.connections == 2

    run(scenario)


def test_an_idle_connection_that_receives_bytes_is_dropped() -> None:
    async def answers_then_speaks(peer: Peer) -> None:
        await peer.request()
        await peer.answer(body=b"first")
        await peer.raw(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n")
        await until_client_closes(peer)

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(answers_then_speaks) as server, client(transport) as http:
            assert (await http.get(server.url)).text == "first"
            assert await settle(lambda: not transport._open)
            assert transport._idle_count == 0
            assert await settle(server.closed_by_client.is_set)
            assert (await http.get(server.url)).text == "first"
            assert server.connections == 2

    run(scenario)


def test_a_body_not_read_to_its_end_closes_its_connection() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(keep_alive) as server, client(transport) as http:
            async with http.stream("POST", server.url, content=b"x" * 10) as response:
                assert response.status_code == 200
            assert not transport._idle_count
            assert (await http.get(server.url)).status_code == 200
            assert server.connections == 2
            assert transport._idle_count == 1

    run(scenario)


def test_large_bodies_both_ways_with_flow_control(monkeypatch: pytest.MonkeyPatch) -> None:
    size = 16 * 1024 * 1024
    paused = []
    original = _Connection.pause_writing

    def pause_writing(self: _Connection) -> None:
        paused.append(True)
        original(self)

    monkeypatch.setattr(_Connection, "pause_writing", pause_writing)

    async def handler(peer: Peer) -> None:
        while (seen := await peer.request()) is not None:
            await peer.answer(body=seen.body[::-1])

    async def scenario() -> None:
        body = bytes(range(256)) * (size // 256)
        async with ScriptedServer(handler) as server, client() as http:
            response = await http.post(server.url, content=body)
            assert response.content == body[::-1]
            assert server.requests[0].body == body
            async with http.stream("POST", server.url, content=b"abc" * 1000) as small:
                assert await small.aread() == b"cba" * 1000
            assert server.connections == 1

    run(scenario)
    assert paused, "the socket's buffer never filled: flow control was not exercised"


def test_a_slow_consumer_pauses_reading() -> None:
    async def handler(peer: Peer) -> None:
        await peer.request()
        await peer.answer(body=b"z" * (8 * 1024 * 1024))

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with (
            ScriptedServer(handler) as server,
            client(transport) as http,
            http.stream("GET", server.url) as response,
        ):
            (conn,) = transport._open
            assert await settle(lambda: conn._reading_paused)
            total = 0
            async for chunk in response.aiter_raw():
                total += len(chunk)
            assert total == 8 * 1024 * 1024

    run(scenario)


def test_read_timeout() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(until_client_closes) as server, client(transport) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(server.url, timeout=httpx.Timeout(5, read=0.05))
            assert not transport._open
            assert await settle(server.closed_by_client.is_set)

    run(scenario)


def test_write_timeout() -> None:
    async def never_reads(peer: Peer) -> None:
        await asyncio.sleep(3600)

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(never_reads) as server, client(transport) as http:
            with pytest.raises(httpx.WriteTimeout):
                await http.post(server.url, content=b"x" * (64 * 1024 * 1024), timeout=httpx.Timeout(5, write=0.05))
            assert not transport._open

    run(scenario)


def test_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    async def hangs(*args: object, **kwargs: object) -> Any:
        await asyncio.sleep(3600)

    async def scenario() -> None:
        monkeypatch.setattr(asyncio.get_running_loop(), "create_connection", hangs)
        transport = AsyncioTransport()
        async with client(transport) as http:
            with pytest.raises(httpx.ConnectTimeout):
                await http.get("http://127.0.0.1:9/", timeout=httpx.Timeout(5, connect=0.05))
            assert transport._connecting == 0

    run(scenario)


def test_a_connection_made_after_the_connect_timeout_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The race asyncio.wait_for loses up to Python 3.11: the connection completes as the time runs out.
    class Made:
        closed = False

        def close(self) -> None:
            self.closed = True

    made = Made()

    async def completes_anyway(*args: object, **kwargs: object) -> Any:
        with contextlib.suppress(asyncio.CancelledError):  # the connection is made all the same
            await asyncio.sleep(3600)
        return made, None

    async def scenario() -> None:
        monkeypatch.setattr(asyncio.get_running_loop(), "create_connection", completes_anyway)
        transport = AsyncioTransport()
        async with client(transport) as http:
            with pytest.raises(httpx.ConnectTimeout):
                await http.get("http://127.0.0.1:9/", timeout=httpx.Timeout(5, connect=0.05))
            assert await settle(lambda: made.closed)
            assert transport._connecting == 0 and not transport._open

    run(scenario)


def test_connect_error() -> None:
    port = _closed_port()

    async def scenario() -> None:
        async with client() as http:
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.1:{port}/")

    run(scenario)


def test_pool_limit_and_pool_timeout() -> None:
    async def slow(peer: Peer) -> None:
        while (seen := await peer.request()) is not None:
            await asyncio.sleep(0.01)
            await peer.answer(body=seen.target)

    async def scenario() -> None:
        transport = AsyncioTransport(limits=httpx.Limits(max_connections=2, max_keepalive_connections=2))
        async with ScriptedServer(slow) as server, client(transport) as http:
            answers = await asyncio.gather(*(http.get(f"{server.url}/{n}") for n in range(12)))
            assert [a.text for a in answers] == [f"/{n}" for n in range(12)]
            assert server.most_open <= 2
            assert len(transport._open) <= 2
            async with http.stream("GET", f"{server.url}/held-1"), http.stream("GET", f"{server.url}/held-2"):
                with pytest.raises(httpx.PoolTimeout):
                    await http.get(server.url, timeout=httpx.Timeout(5, pool=0.05))
            assert not transport._waiting
            assert (await http.get(f"{server.url}/after")).text == "/after"

    run(scenario)


def test_a_waiter_cancelled_after_being_woken_passes_the_room_on() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport(limits=httpx.Limits(max_connections=1))
        async with ScriptedServer(keep_alive) as server, client(transport) as http:
            held = await http.send(http.build_request("GET", f"{server.url}/held"), stream=True)
            first = asyncio.ensure_future(http.get(f"{server.url}/first"))
            second = asyncio.ensure_future(http.get(f"{server.url}/second"))
            assert await settle(lambda: len(transport._waiting) == 2)
            await held.aclose()  # wakes the first waiter, which has not run yet when it is cancelled
            first.cancel()
            assert (await second).text == "GET /second 0"
            assert first.cancelled()
            assert not transport._waiting

    run(scenario)


def test_an_idle_connection_to_another_origin_makes_room() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport(limits=httpx.Limits(max_connections=1))
        async with ScriptedServer(keep_alive) as one, ScriptedServer(keep_alive) as two, client(transport) as http:
            assert (await http.get(one.url)).status_code == 200
            assert (await http.get(two.url)).status_code == 200
            assert (await http.get(one.url)).status_code == 200
            assert (one.connections, two.connections, len(transport._open)) == (2, 1, 1)

    run(scenario)


def test_keep_alive_limits() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport(limits=httpx.Limits(max_keepalive_connections=1, keepalive_expiry=0))
        async with ScriptedServer(keep_alive) as server, client(transport) as http:
            await asyncio.gather(*(http.get(server.url) for _ in range(3)))
            assert transport._idle_count == 1
            assert len(transport._open) == 1
            await asyncio.sleep(0.01)  # past the expiry of 0 s: not reused
            await http.get(server.url)
            assert server.connections == 4

    run(scenario)


def test_cancelled_request_closes_its_connection() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(until_client_closes) as server, client(transport) as http:
            task = asyncio.ensure_future(http.post(server.url, content=b"x"))
            assert await settle(lambda: bool(transport._open) and not task.done())
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not transport._open
            assert transport._idle_count == 0
            assert await settle(server.closed_by_client.is_set)

    run(scenario)


def test_cancelled_while_reading_the_body() -> None:
    async def half(peer: Peer) -> None:
        await peer.request()
        await peer.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")
        await until_client_closes(peer)

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(half) as server, client(transport) as http:
            task = asyncio.ensure_future(http.get(server.url))
            assert await settle(lambda: server.requests != [])
            await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not transport._open
            assert await settle(server.closed_by_client.is_set)

    run(scenario)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", httpx.RemoteProtocolError),
        (b"HELLO THERE\r\n\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n", httpx.RemoteProtocolError),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 200_000 + b"\r\n\r\n", httpx.RemoteProtocolError),
    ],
    ids=["closed-before-answer", "garbage", "closed-mid-body", "bad-chunk", "bad-length", "endless-head"],
)
def test_malformed_or_cut_responses(answer: bytes, error: type[Exception]) -> None:
    async def handler(peer: Peer) -> None:
        await peer.request()
        await peer.raw(answer)

    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(handler) as server, client(transport) as http:
            with pytest.raises(error):
                await http.get(server.url)
            assert not transport._open

    run(scenario)


def test_a_server_closing_before_answering_says_so() -> None:
    async def reads_then_closes(peer: Peer) -> None:
        await peer.request()

    async def scenario() -> None:
        async with ScriptedServer(reads_then_closes) as server, client() as http:
            with pytest.raises(httpx.RemoteProtocolError, match=r"^Server disconnected without sending a response"):
                await http.get(server.url)

    run(scenario)


def test_a_reset_connection_is_a_read_error() -> None:
    async def resets(peer: Peer) -> None:
        await peer.request()
        sock = peer.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.writer.transport.abort()

    async def scenario() -> None:
        async with ScriptedServer(resets) as server, client() as http:
            with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)) as caught:
                await http.get(server.url)
            assert isinstance(caught.value, httpx.TransportError)

    run(scenario)


def test_invalid_header_is_refused_without_quoting_it() -> None:
    async def scenario() -> None:
        async with ScriptedServer(keep_alive) as server, client() as http:
            with pytest.raises(httpx.LocalProtocolError) as caught:
                await http.get(server.url, headers={"Training-Key": "secret-value\r\nInjected: 1"})
            # Only what the exceptions say: httpx's own frames hold the headers it was given, as locals.
            assert "secret-value" not in "".join(texts_of(caught.value, with_traceback=False))

    run(scenario)


def texts_of(error: BaseException, *, with_traceback: bool = True) -> list[str]:
    """What ``error`` and every exception chained to it say, and their traceback printed with its locals
    from the library's first frame (the frames above are the test's, which hold the key on purpose)."""
    texts: list[str] = []
    if with_traceback:
        frames = error.__traceback__
        while frames is not None and "customvision_rest" not in frames.tb_frame.f_code.co_filename:
            frames = frames.tb_next
        assert frames is not None
        error = error.with_traceback(frames)
        texts.append("".join(traceback.TracebackException.from_exception(error, capture_locals=True).format()))
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is not None:
            texts += [str(current), repr(current)]
            pending += [current.__cause__, current.__context__]
    return texts


def test_client_failures_over_the_transport_do_not_show_the_key() -> None:
    key = "transport-key-SECRET-31f"
    timeout = httpx.Timeout(5, read=0.05)

    async def failure(http: httpx.AsyncClient, url: str) -> BaseException:
        async with AsyncTrainingClient(url, key, http_client=http, max_retries=0, timeout=timeout) as trainer:
            with pytest.raises(APIConnectionError) as caught:
                await trainer.get_projects()
            return caught.value

    async def scenario() -> None:
        async with (
            ScriptedServer(until_client_closes) as silent,
            ScriptedServer(_cut_response) as cutting,
            client() as http,
        ):
            for url in (silent.url, cutting.url, f"http://127.0.0.1:{_closed_port()}"):
                error = await failure(http, url)
                assert [text for text in texts_of(error) if key in text] == []

    run(scenario)


async def _cut_response(peer: Peer) -> None:
    await peer.request()
    await peer.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[")


def _closed_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port: int = unused.getsockname()[1]
    return port


def test_unsupported_scheme() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport()
        with pytest.raises(httpx.UnsupportedProtocol):
            await transport.handle_async_request(httpx.Request("GET", "ftp://127.0.0.1/"))

    run(scenario)


def test_aclose_closes_idle_and_busy_connections() -> None:
    async def scenario() -> None:
        transport = AsyncioTransport()
        async with ScriptedServer(keep_alive) as server:
            http = client(transport)
            response = await http.send(http.build_request("GET", server.url), stream=True)
            await http.get(server.url)
            assert len(transport._open) == 2
            await http.aclose()
            assert not transport._open
            assert transport._idle_count == 0
            assert await settle(lambda: server.open == 0)
            await response.aclose()

    run(scenario)


def test_runs_on_uvloop() -> None:
    uvloop = pytest.importorskip("uvloop", reason="uvloop is not installed")

    async def scenario() -> None:
        async with ScriptedServer(keep_alive) as server, client() as http:
            assert (await http.post(server.url, content=b"abc")).text == "POST / 3"
            assert (await http.get(server.url)).text == "GET / 0"

    uvloop.run(scenario())


def test_respx_mocks_still_intercept() -> None:
    import respx

    async def scenario() -> None:
        async with client() as http:
            with respx.mock() as router:  # a router of its own: the global one may hold other tests' routes
                router.get("http://mocked.invalid/x").mock(return_value=httpx.Response(200, text="mocked"))
                assert (await http.get("http://mocked.invalid/x")).text == "mocked"

    run(scenario)


def test_a_connection_numbered_above_select_limit_is_still_reused() -> None:
    # A busy service holds many descriptors: the readability check before reuse must not depend on select()'s
    # limit of 1024, or every connection numbered above it would be closed and opened again.
    resource = pytest.importorskip("resource", reason="descriptor limits are a POSIX notion")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200 and (hard == resource.RLIM_INFINITY or hard >= 1200):
        resource.setrlimit(resource.RLIMIT_NOFILE, (1200, hard))
    elif soft < 1200:
        pytest.skip(f"this process may open only {hard} descriptors")
    spare = [socket.socket() for _ in range(1030)]  # the connection's socket is numbered after these

    async def scenario() -> None:
        async with ScriptedServer(keep_alive) as server, client() as http:
            await http.get(server.url)
            transport = http._transport
            assert isinstance(transport, AsyncioTransport)
            numbers = [conn._socket.fileno() for conns in transport._idle.values() for conn in conns]
            assert numbers and numbers[0] > 1024
            await http.get(server.url)
            assert server.connections == 1

    try:
        run(scenario)
    finally:
        for sock in spare:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
