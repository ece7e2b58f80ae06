"""Raw httpx over loopback: the sync client, the async client on httpx's transport, and on ours.

Run on demand (never part of the test suite)::

    python benchmarks/asyncio_transport.py [--rounds 9] [--calls 200]

Against the canned keep-alive server of ``benchmarks/run.py`` in its own process: a GET of the project body and
a POST of a 10 kB image, made by ``httpx.Client``, by ``httpx.AsyncClient`` with httpx's own transport and by
``httpx.AsyncClient`` over ``clients._asyncio_transport.AsyncioTransport``. The contenders take turns in a
rotating order, ``--calls`` calls per turn; the figures are medians over the rounds of the CPU time of this
process and of the wall time per call, each with its ratio to the sync client (the goal of issue 12: the async
client no slower than the sync one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx
from run import IMAGE_BYTES, ITERATION_NAME, KEY, PROJECT_ID, CannedServer

from customvision_rest.clients._asyncio_transport import AsyncioTransport

Timed = Callable[[int], tuple[float, float]]


def timed_sync(call: Callable[[], object]) -> Timed:
    def run(n: int) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            call()
        return time.process_time() - cpu, time.perf_counter() - wall

    return run


def timed_async(loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[object]]) -> Timed:
    async def many(n: int) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            await call()
        return time.process_time() - cpu, time.perf_counter() - wall

    return lambda n: loop.run_until_complete(many(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=200)
    options = parser.parse_args()
    loop = asyncio.new_event_loop()
    with CannedServer() as server:
        endpoint = f"http://127.0.0.1:{server.port}"
        project = f"{endpoint}/customvision/v3.3/training/projects/{PROJECT_ID}"
        classify = f"{endpoint}/customvision/v3.1/prediction/{PROJECT_ID}/classify/iterations/{ITERATION_NAME}/image"
        training = {"Training-Key": KEY}
        prediction = {"Prediction-Key": KEY, "Content-Type": "application/octet-stream"}
        sync = httpx.Client()
        stock = httpx.AsyncClient()

        async def new_ours() -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=AsyncioTransport())

        ours = loop.run_until_complete(new_ours())

        def get_with(http: httpx.AsyncClient) -> Callable[[], Awaitable[object]]:
            async def call() -> object:
                return json.loads((await http.get(project, headers=training)).content)

            return call

        def post_with(http: httpx.AsyncClient) -> Callable[[], Awaitable[object]]:
            async def call() -> object:
                return json.loads((await http.post(classify, headers=prediction, content=IMAGE_BYTES)).content)

            return call

        scenarios: dict[str, list[tuple[str, Timed]]] = {
            "GET project": [
                ("httpx sync", timed_sync(lambda: json.loads(sync.get(project, headers=training).content))),
                ("httpx async, httpx transport", timed_async(loop, get_with(stock))),
                ("httpx async, asyncio transport", timed_async(loop, get_with(ours))),
            ],
            "POST 10 kB image": [
                (
                    "httpx sync",
                    timed_sync(
                        lambda: json.loads(sync.post(classify, headers=prediction, content=IMAGE_BYTES).content)
                    ),
                ),
                ("httpx async, httpx transport", timed_async(loop, post_with(stock))),
                ("httpx async, asyncio transport", timed_async(loop, post_with(ours))),
            ],
        }
        for scenario, racers in scenarios.items():
            samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, _ in racers}
            for _, run in racers:  # warm-up: connections, caches
                run(max(3, options.calls // 5))
            for number in range(options.rounds):
                shift = number % len(racers)
                for name, run in racers[shift:] + racers[:shift]:
                    cpu, wall = run(options.calls)
                    samples[name][0].append(cpu / options.calls)
                    samples[name][1].append(wall / options.calls)
            base_cpu, base_wall = (statistics.median(s) for s in samples["httpx sync"])
            print(scenario)
            for name, (cpus, walls) in samples.items():
                cpu, wall = statistics.median(cpus), statistics.median(walls)
                print(
                    f"  {name:32s} CPU {cpu * 1e6:5.0f} µs ({cpu / base_cpu:.2f}x)   "
                    f"wall {wall * 1e6:5.0f} µs ({wall / base_wall:.2f}x)"
                )
        sync.close()
        loop.run_until_complete(stock.aclose())
        loop.run_until_complete(ours.aclose())
    loop.close()


if __name__ == "__main__":
    main()
