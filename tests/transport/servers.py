"""Small purpose-built HTTP servers on 127.0.0.1 for the transport's tests, each running in the test's own loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import h11

Handler = Callable[["Peer"], Awaitable[None]]


@dataclass
class Seen:
    """One request as the server read it."""

    method: bytes
    target: bytes
    headers: dict[bytes, bytes]
    body: bytes


@dataclass
class Peer:
    """The server's side of one connection: read requests with h11, answer with h11 or with raw bytes."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: ScriptedServer
    h11: h11.Connection = field(default_factory=lambda: h11.Connection(h11.SERVER))

    async def request(self) -> Seen | None:
        """The next request, or None if the client closed the connection first."""
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                data = await self.reader.read(65536)
                self.h11.receive_data(data)
                continue
            if isinstance(event, h11.ConnectionClosed):
                return None
            if isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                seen = Seen(head.method, head.target, dict(head.headers), bytes(body))
                self.server.requests.append(seen)
                return seen

    async def answer(
        self,
        status: int = 200,
        body: bytes = b"",
        headers: list[tuple[bytes, bytes]] | None = None,
        chunked: bool = False,
    ) -> None:
        """A well-formed response (Content-Length, or chunked in pieces of 3 bytes)."""
        names = [(b"content-type", b"text/plain")]
        names += [(b"transfer-encoding", b"chunked")] if chunked else [(b"content-length", str(len(body)).encode())]
        out = self.h11.send(h11.Response(status_code=status, headers=names + (headers or []), reason=b"OK"))
        assert out is not None
        pieces = [body[i : i + 3] for i in range(0, len(body), 3)] if chunked else [body]
        for piece in pieces:
            if piece:
                out += self.h11.send(h11.Data(data=piece)) or b""
        out += self.h11.send(h11.EndOfMessage()) or b""
        self.writer.write(out)
        await self.writer.drain()

    async def raw(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


class ScriptedServer:
    """An asyncio server on 127.0.0.1 running ``handler`` for each connection; counts connections."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.open = 0
        self.most_open = 0
        self.requests: list[Seen] = []
        self.closed_by_client = asyncio.Event()
        self._handlers: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # Handlers still running (waiting for a client that went away) end here, so that closing does not wait.
        for task in self._handlers:
            task.cancel()
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self.connections += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            await self.handler(Peer(reader, writer, self))
        except (ConnectionError, h11.RemoteProtocolError, asyncio.CancelledError):
            pass
        finally:
            self._handlers.discard(task)
            self.open -= 1
            writer.close()


async def keep_alive(peer: Peer) -> None:
    """Answer every request with its method, target and body length, until the client closes."""
    while (seen := await peer.request()) is not None:
        await peer.answer(body=b"%s %s %d" % (seen.method, seen.target, len(seen.body)))


async def until_client_closes(peer: Peer) -> None:
    """Read nothing more, answer nothing: wait for the client to close, and say so."""
    while await peer.reader.read(65536):
        pass
    peer.server.closed_by_client.set()


async def settle(condition: Callable[[], bool], turns: int = 200) -> bool:
    """Let the loop run until ``condition`` holds (the other side's close to arrive), a bounded number of turns."""
    for _ in range(turns):
        if condition():
            return True
        await asyncio.sleep(0.005)
    return condition()
