"""How many requests per second the emulator's HTTP server answers, and what limits it.

Run on demand (never part of the test suite)::

    python benchmarks/emulator_load.py [--seconds 3] [--servers stdlib,uvicorn] [--profile]

The server runs in its own process (so the clients' CPU is not the server's), with a trained and published
classifier. For each server and each concurrency (1, 8 and 32 client threads, each with its own keep-alive
connection) it measures two workloads for `--seconds`: a small GET (`GetProjects` of one project) and a
classification of a 64x64 JPEG (`ClassifyImageWithNoStore`); first it opens 256 connections at once and
reports how many were answered and when the slowest answer came. It reports requests per second, failed requests, the
server process's CPU use (100% = one core busy) and, with `--profile`, the functions where the server's threads
spend their samples (a sampling profile of every thread, so the standard library's thread per connection is seen
too). `uvicorn` is measured when it is installed; its ASGI adapter below forwards to `Emulator.handle_async`.
"""

from __future__ import annotations

import argparse
import base64
import collections
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

TRAINING = "/customvision/v3.3/training"
PREDICTION = "/customvision/v3.1/prediction"
PUBLISH_NAME = "load"
CONCURRENCY = (1, 8, 32)
# Leaf functions where a thread waits rather than works (sockets, locks, the control pipe).
_IDLE_LEAVES = {"select", "poll", "accept", "readinto", "wait", "sleep", "_wait_for_tstate_lock", "recv_into", "_recv"}


# --- the server process ---------------------------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Samples every thread's stack every `interval` seconds; counts busy leaf functions and inclusive ones."""

    def __init__(self, interval: float = 0.002) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.leaves: collections.Counter[str] = collections.Counter()
        self.inclusive: collections.Counter[str] = collections.Counter()
        self.samples = 0
        self.idle = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        me = threading.get_ident()
        while not self.stopping.wait(self.interval):
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                self.samples += 1
                leaf = frame.f_code.co_name
                if leaf in _IDLE_LEAVES:
                    self.idle += 1
                    continue
                self.leaves[_where(frame)] += 1
                seen = set()
                walker: Any = frame
                while walker is not None:
                    name = _where(walker)
                    if name not in seen:
                        self.inclusive[name] += 1
                        seen.add(name)
                    walker = walker.f_back

    def report(self, top: int = 12) -> str:
        busy = self.samples - self.idle
        lines = [f"  samples: {self.samples} ({busy} busy, {self.idle} waiting on a socket or lock)"]
        lines.append("  busiest leaf functions (share of busy samples):")
        lines += [f"    {100 * n / max(busy, 1):5.1f}%  {name}" for name, n in self.leaves.most_common(top)]
        lines.append("  inclusive (function and everything it calls):")
        lines += [f"    {100 * n / max(busy, 1):5.1f}%  {name}" for name, n in self.inclusive.most_common(top)]
        return "\n".join(lines)


def _where(frame: Any) -> str:
    path = frame.f_code.co_filename
    short = "/".join(path.split("/")[-2:])
    return f"{short}:{frame.f_code.co_name}"


def asgi_app(emulator: Any) -> Callable[..., Any]:
    """An ASGI application answering with `emulator` (for uvicorn)."""

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(key.decode("latin-1"), value.decode("latin-1")) for key, value in scope["headers"]]
        host = dict(headers).get("host", "127.0.0.1")
        target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        request = httpx.Request(scope["method"], f"http://{host}{target}", headers=headers, content=body)
        try:
            response = await emulator.handle_async(request)
        except httpx.TransportError:
            return  # an injected dropped connection: no answer
        out_headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-length", "transfer-encoding", "connection")
        ]
        out_headers.append((b"content-length", str(len(response.content)).encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": out_headers})
        await send({"type": "http.response.body", "body": response.content})

    return app


def serve(kind: str, profile: bool, pipe: Any) -> None:
    """The server process: prepare a published classifier, serve, report CPU use and the profile on request."""
    from customvision_rest.emulator import Emulator, synthetic_fruit

    emulator = Emulator(training_key="k", prediction_key="p")
    trainer = httpx.Client(
        base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
    )
    project = trainer.post("/projects", params={"name": "load"}).json()["id"]
    for index, fruit in enumerate(("apple", "banana")):
        tag = trainer.post(f"/projects/{project}/tags", params={"name": fruit}).json()["id"]
        images = [
            {"contents": base64.b64encode(synthetic_fruit(fruit, 10 * index + n, (96, 96))).decode()} for n in range(6)
        ]
        trainer.post(f"/projects/{project}/images/files", json={"images": images, "tagIds": [tag]}).raise_for_status()
    iteration = trainer.post(f"/projects/{project}/train").json()
    while iteration["status"] == "Training":
        time.sleep(0.05)
        iteration = trainer.get(f"/projects/{project}/iterations/{iteration['id']}").json()
    trainer.post(
        f"/projects/{project}/iterations/{iteration['id']}/publish",
        params={"publishName": PUBLISH_NAME, "predictionId": emulator.prediction_resource.resource_id},
    ).raise_for_status()

    sampler = Sampler() if profile else None
    if kind == "stdlib":
        server = emulator.serve(host="127.0.0.1", port=0)
        endpoint, stop = server.endpoint, server.shutdown
    else:
        import uvicorn

        # host and port rather than a file descriptor: uvicorn wraps an fd as a Unix socket, and asyncio then
        # leaves Nagle's algorithm on, which costs each answer a delayed ACK.
        config = uvicorn.Config(asgi_app(emulator), host="127.0.0.1", port=0, log_level="warning", backlog=1024)
        uvicorn_server = uvicorn.Server(config)
        thread = threading.Thread(target=uvicorn_server.run, daemon=True)
        thread.start()
        while not uvicorn_server.started:
            time.sleep(0.01)
        port = uvicorn_server.servers[0].sockets[0].getsockname()[1]
        endpoint = f"http://127.0.0.1:{port}"

        def stop() -> None:
            uvicorn_server.should_exit = True
            thread.join(10)

    pipe.send((endpoint, project))
    while True:
        command = pipe.recv()
        if command == "start":
            if sampler is not None and not sampler.is_alive():
                sampler.start()
            pipe.send(time.process_time())
        elif command == "cpu":
            pipe.send(time.process_time())
        elif command == "stop":
            report = sampler.report() if sampler is not None else ""
            if sampler is not None:
                sampler.stopping.set()
            stop()
            emulator.close()
            pipe.send(report)
            return


# --- the clients ------------------------------------------------------------------------------------------------


def hammer(
    url: str, send: Callable[[httpx.Client, str], httpx.Response], clients: int, seconds: float
) -> tuple[int, int]:
    """`clients` threads, each with its own connection, sending for `seconds`; (answered 200, failed)."""
    done = [0] * clients
    failed = [0] * clients
    deadline = [0.0]

    def start_clock() -> None:  # once every client has its connection ready
        deadline[0] = time.monotonic() + seconds

    barrier = threading.Barrier(clients, action=start_clock)

    def work(index: int) -> None:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            while time.monotonic() < deadline[0]:
                try:
                    ok = send(client, url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    done[index] += 1
                else:
                    failed[index] += 1

    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), sum(failed)


def connection_burst(endpoint: str, path: str, count: int = 256) -> tuple[int, float]:
    """Open `count` connections at once, send one GET on each; (answered, seconds until the slowest answer)."""
    import socket

    host, port = endpoint.removeprefix("http://").split(":")
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nTraining-Key: k\r\nConnection: close\r\n\r\n".encode()
    started = time.monotonic()
    answered = 0
    connections = []
    try:
        for _ in range(count):
            connection = socket.create_connection((host, int(port)), timeout=30)
            connections.append(connection)
            connection.sendall(request)
        for connection in connections:
            if connection.recv(12).startswith(b"HTTP/1.1 200"):
                answered += 1
    except OSError:
        pass  # a reset or a timeout: counted as not answered
    finally:
        for connection in connections:
            connection.close()
    return answered, time.monotonic() - started


def measure(kind: str, seconds: float, profile: bool) -> list[tuple[str, int, float, int, float]]:
    from customvision_rest.emulator import synthetic_fruit

    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=serve, args=(kind, profile, child))
    process.start()
    endpoint, project = parent.recv()
    image = synthetic_fruit("apple", 99, (64, 64))
    workloads: dict[str, tuple[str, Callable[[httpx.Client, str], httpx.Response]]] = {
        "GET projects": (
            f"{endpoint}{TRAINING}/projects/{project}",
            lambda client, url: client.get(url, headers={"Training-Key": "k"}),
        ),
        "classify 64x64": (
            f"{endpoint}{PREDICTION}/{project}/classify/iterations/{PUBLISH_NAME}/image/nostore",
            lambda client, url: client.post(url, content=image, headers={"Prediction-Key": "p"}),
        ),
    }
    rows = []
    try:
        answered, slowest = connection_burst(endpoint, f"{TRAINING}/projects/{project}")
        print(f"\n{kind}: 256 connections opened at once: {answered} answered, the slowest after {slowest:.2f} s")
        for name, (url, send) in workloads.items():
            for clients in CONCURRENCY:
                parent.send("start")
                cpu_before = parent.recv()
                answered, failed = hammer(url, send, clients, seconds)
                elapsed = seconds
                parent.send("cpu")
                cpu = (parent.recv() - cpu_before) / elapsed
                rows.append((name, clients, answered / elapsed, failed, cpu))
    finally:
        parent.send("stop")
        report = parent.recv()
        process.join(30)
    print(f"\n== {kind} server ==")
    print(f"{'workload':16} {'clients':>7} {'req/s':>9} {'failed':>7} {'server CPU':>11}")
    for name, clients, rate, failed, cpu in rows:
        print(f"{name:16} {clients:7d} {rate:9.0f} {failed:7d} {100 * cpu:10.0f}%")
    if report:
        print(f"profile of the {kind} server over all runs:\n{report}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each measurement (default 3)")
    parser.add_argument("--servers", default="stdlib,uvicorn", help="comma-separated: stdlib, uvicorn")
    parser.add_argument("--profile", action="store_true", help="sample the server's threads and report hot spots")
    options = parser.parse_args()
    for kind in options.servers.split(","):
        if kind == "uvicorn":
            try:
                import uvicorn  # noqa: F401
            except ImportError:
                print("uvicorn is not installed (pip install uvicorn): skipped")
                continue
        measure(kind, options.seconds, options.profile)


if __name__ == "__main__":
    main()
