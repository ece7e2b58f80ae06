"""The HTTP face: a `ThreadingHTTPServer` on a background thread that forwards to `Emulator.handle`."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from ._emulator import Emulator

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, each answer waits for a delayed ACK.
    disable_nagle_algorithm = True
    # Buffer each answer so that its status line, headers and body leave in one send (flushed by the base class
    # at the end of each request), not one system call per header line and another for the body.
    wbufsize = 1 << 16
    server: _Server

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else self._read_chunked()
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = httpx.Request(
            self.command, f"http://{host}{self.path}", headers=list(self.headers.items()), content=body
        )
        try:
            response = self.server.emulator.handle(request)
        except httpx.TransportError:
            # An injected dropped connection: close the socket without a status line.
            self.close_connection = True
            return
        content = response.content
        self.send_response(response.status_code)
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def _read_chunked(self) -> bytes:
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return b""
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        """Silence per-request logging: request lines may carry tokens in query strings."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Python's default backlog of 5 makes the kernel drop SYNs when many clients connect at once; they then wait
    # a second or more for a retransmission, or are reset. The kernel caps this at net.core.somaxconn.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        super().__init__(address, _RequestHandler)
        self.emulator = emulator


class EmulatorServer:
    """A running HTTP server for an `Emulator`; stop it with `shutdown()` or use it as a context manager."""

    def __init__(self, emulator: Emulator, host: str, port: int) -> None:
        self._server = _Server((host, port), emulator)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="customvision-emulator-http", daemon=True
        )
        self._thread.start()

    @property
    def endpoint(self) -> str:
        """The base URL to give clients, e.g. `http://127.0.0.1:5000`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def shutdown(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
