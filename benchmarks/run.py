"""customvision-rest against raw httpx and the old SDK, every contender in the same run, interleaved.

Run on demand (never part of the test suite)::

    python benchmarks/run.py            # about two minutes of CPU; writes docs/performance.md
    python benchmarks/run.py --quick    # fewer rounds, for a look; writes nothing unless --out is given

What it measures, each row in rounds, the contenders taking turns in a rotating order:

- import: a fresh interpreter imports the package with both clients (ours), ``httpx`` and ``pydantic`` (the
  floor), the old SDK's two clients;
- per call: ``get_project``, ``classify_image`` and a 256-image page of ``get_tagged_images``, through an
  in-process transport (no network: the client's own cost) and over loopback to a canned HTTP server in its own
  process (one GIL for the clients, another for the server); ours sync and async, raw httpx sync and async
  (the request and ``json.loads``), the old SDK;
- parsing: the 256-image page, ours against ``json.loads``, msrest's deserializer and plain pydantic models of
  the page (pydantic's floor); then ``benchmarks/parse_models.py --ladder``, what each typed guarantee costs;
- upload memory: peak RSS of ``upload_images`` for 1,000 and 10,000 lazily generated images, each in a fresh
  interpreter, against an in-process transport.

The goals are those of issue 12; the page says for each whether it is met, and where a per-call goal is missed,
where the time goes (a profile of our call).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime
import gc
import io
import json
import os
import platform
import pstats
import resource
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
KEY = "bench-key-0123456789abcdef"
IN_PROCESS_HOST = "in-process.invalid"
PROJECT_ID = str(uuid.UUID(int=7))
ITERATION_NAME = "bench"

# ------------------------------------------------------------------------------------------------ canned bodies


def _image(number: int) -> dict[str, Any]:
    image_id = str(uuid.UUID(int=10_000 + number))
    base = f"https://irisprodeuwtrain.blob.core.windows.net/i-{PROJECT_ID}/i-{image_id}"
    return {
        "id": image_id,
        "created": "2020-06-06T22:00:23.4513347",
        "width": 640,
        "height": 480,
        "resizedImageUri": f"{base}?sv=2017-04-17&sr=b&sig=REDACTED&se=2030-01-01&sp=r",
        "thumbnailUri": f"{base}-thumb?sv=2017-04-17&sr=b&sig=REDACTED&se=2030-01-01&sp=r",
        "originalImageUri": f"{base}-orig?sv=2017-04-17&sr=b&sig=REDACTED&se=2030-01-01&sp=r",
        "tags": [
            {
                "tagId": str(uuid.UUID(int=3 + number % 3)),
                "tagName": ("apple", "banana", "orange")[number % 3],
                "created": "2020-06-06T22:00:21.1863466",  # no offset, as GetImages answers (recordings)
            }
        ],
        # No "regions" or "metadata" key: the GetImagesAndCount recording's images (no regions) have none.
    }


PROJECT_BODY = json.dumps(
    {
        "id": PROJECT_ID,
        "name": "fruit",
        "description": "benchmark project",
        "settings": {
            "domainId": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31",
            "classificationType": "Multiclass",
            "targetExportPlatforms": [],
            "useNegativeSet": True,
            "detectionParameters": None,
            "imageProcessingSettings": {"augmentationMethods": {"horizontal flip": True, "rotation": True}},
        },
        "created": "2020-06-06T22:00:20Z",
        "lastModified": "2020-06-06T22:00:20Z",
        "thumbnailUri": None,
        "drModeEnabled": False,
        "status": "Succeeded",
    }
).encode()
PREDICTION_BODY = json.dumps(
    {
        "id": str(uuid.UUID(int=9)),
        "project": PROJECT_ID,
        "iteration": str(uuid.UUID(int=2)),
        "created": "2020-06-06T22:00:23.451Z",
        "predictions": [
            {"probability": p, "tagId": str(uuid.UUID(int=3 + i)), "tagName": n, "tagType": "Regular"}
            for i, (p, n) in enumerate(((0.9999961, "apple"), (3.1e-06, "banana"), (8.79471951e-13, "orange")))
        ],
    }
).encode()
PAGE_BODY = json.dumps([_image(n) for n in range(256)]).encode()
IMAGE_BYTES = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # a JPEG signature and 10 kB


def canned_body(path: str) -> bytes:
    """The answer of the canned server and transport for a request path."""
    if "/classify/" in path:
        return PREDICTION_BODY
    if path.rstrip("/").endswith("/images/tagged"):
        return PAGE_BODY
    return PROJECT_BODY


# ------------------------------------------------------------------------------------------------ canned server


class _CannedHTTP(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, answering every request with the canned body for its path; nothing else."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            path = head.split(" ", 2)[1].split("?", 1)[0]
            body = canned_body(path)
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                b"apim-request-id: 00000000-0000-0000-0000-000000000001\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )


def serve() -> None:
    """The canned server's process: print the port, serve until stdin closes."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_CannedHTTP, "127.0.0.1", 0, reuse_address=True)
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        await loop.run_in_executor(None, sys.stdin.read)
        server.close()

    asyncio.run(main())


class CannedServer:
    """The canned server in a child process (its own interpreter, its own GIL)."""

    def __enter__(self) -> CannedServer:
        self.process = subprocess.Popen(  # noqa: S603 - this script, by the running interpreter
            [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        with socket.create_connection(("127.0.0.1", self.port), timeout=5):
            pass
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


# ------------------------------------------------------------------------------------------------ contenders


def _in_process_transport() -> Any:
    import httpx

    headers = {"Content-Type": "application/json; charset=utf-8", "apim-request-id": "1"}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=canned_body(request.url.path))

    return httpx.MockTransport(answer)


def _patch_requests_for_in_process() -> None:
    """Let the old SDK (requests) reach the canned answers without a network, as httpx's MockTransport does."""
    import requests
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.send

    def send(self: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if IN_PROCESS_HOST not in url:
            return original(self, request, **kwargs)
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        response._content = canned_body(url.split("?", 1)[0].split(IN_PROCESS_HOST, 1)[1])
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        return response

    HTTPAdapter.send = send  # type: ignore[method-assign]


@dataclass
class Contender:
    """One way of making a call: ``run(n)`` makes ``n`` calls and returns the seconds they took."""

    name: str
    run: Callable[[int], float]


def _timed(call: Callable[[], object]) -> Callable[[int], float]:
    def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            call()
        return time.perf_counter() - start

    return run


def _timed_without_collector(call: Callable[[], object]) -> Callable[[int], float]:
    """As :func:`_timed`, with the cyclic garbage collector paused while timing (as ``timeit`` does)."""
    timed = _timed(call)

    def run(n: int) -> float:
        gc.disable()
        try:
            return timed(n)
        finally:
            gc.enable()

    return run


def _timed_async(loop: asyncio.AbstractEventLoop, call: Callable[[], Any]) -> Callable[[int], float]:
    async def many(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await call()
        return time.perf_counter() - start

    return lambda n: loop.run_until_complete(many(n))


SECTIONS = ("import", "in-process", "loopback", "parse", "memory")
SCENARIOS = ("get_project", "classify_image", "get_tagged_images(take=256)")


def contenders(endpoint: str, loop: asyncio.AbstractEventLoop, in_process: bool) -> dict[str, list[Contender]]:
    """For each scenario, the contenders, all talking to ``endpoint``."""
    import httpx
    from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
    from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
    from msrest.authentication import ApiKeyCredentials

    from customvision_rest import (
        AsyncPredictionClient,
        AsyncTrainingClient,
        PredictionClient,
        RateLimits,
        TrainingClient,
    )

    def http() -> httpx.Client:
        return httpx.Client(transport=_in_process_transport()) if in_process else httpx.Client()

    def ahttp() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=_in_process_transport()) if in_process else httpx.AsyncClient()

    # The canned server has no rate limit; the limiter's bookkeeping still runs on every call. Over loopback our
    # clients open their own pools, as a user's would; in-process, the transport comes in an http_client.
    unpaced: dict[str, Any] = {"rate_limits": RateLimits.none()}
    sync_options = {**unpaced, "http_client": http()} if in_process else unpaced
    async_options = {**unpaced, "http_client": ahttp()} if in_process else unpaced
    trainer = TrainingClient(endpoint, KEY, **sync_options)
    predictor = PredictionClient(endpoint, KEY, **sync_options)
    atrainer = AsyncTrainingClient(endpoint, KEY, **async_options)
    apredictor = AsyncPredictionClient(endpoint, KEY, **async_options)
    raw, araw = http(), ahttp()
    # Over loopback, the transport our async clients open their pools with, under a bare httpx client: what
    # the connection layer alone costs, beside httpx's stock one.
    try:
        from customvision_rest.clients._asyncio_transport import AsyncioTransport
    except ImportError:  # an older tree measured through PYTHONPATH, from before the transport
        lean = None
    else:
        lean = None if in_process else httpx.AsyncClient(transport=AsyncioTransport())
    old_trainer = CustomVisionTrainingClient(endpoint, ApiKeyCredentials(in_headers={"Training-key": KEY}))
    old_predictor = CustomVisionPredictionClient(endpoint, ApiKeyCredentials(in_headers={"Prediction-key": KEY}))

    training_root = f"{endpoint}/customvision/v3.3/training/projects/{PROJECT_ID}"
    classify_url = f"{endpoint}/customvision/v3.1/prediction/{PROJECT_ID}/classify/iterations/{ITERATION_NAME}/image"
    training_headers = {"Training-Key": KEY}
    prediction_headers = {"Prediction-Key": KEY, "Content-Type": "application/octet-stream"}
    page = {"take": "256"}

    def raw_project() -> Any:
        return json.loads(raw.get(training_root, headers=training_headers).content)

    def raw_classify() -> Any:
        return json.loads(raw.post(classify_url, headers=prediction_headers, content=IMAGE_BYTES).content)

    def raw_page() -> Any:
        return json.loads(raw.get(f"{training_root}/images/tagged", headers=training_headers, params=page).content)

    async def araw_project() -> Any:
        return json.loads((await araw.get(training_root, headers=training_headers)).content)

    async def araw_classify() -> Any:
        response = await araw.post(classify_url, headers=prediction_headers, content=IMAGE_BYTES)
        return json.loads(response.content)

    async def araw_page() -> Any:
        response = await araw.get(f"{training_root}/images/tagged", headers=training_headers, params=page)
        return json.loads(response.content)

    def on_lean(call: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]) -> list[Contender]:
        if lean is None:
            return []

        async def lean_call() -> Any:
            return json.loads((await call(lean)).content)

        return [Contender("httpx (async, our transport)", _timed_async(loop, lean_call))]

    return {
        "get_project": [
            Contender("ours (sync)", _timed(lambda: trainer.get_project(PROJECT_ID))),
            Contender("ours (async)", _timed_async(loop, lambda: atrainer.get_project(PROJECT_ID))),
            Contender("httpx (sync)", _timed(raw_project)),
            Contender("httpx (async)", _timed_async(loop, araw_project)),
            *on_lean(lambda h: h.get(training_root, headers=training_headers)),
            Contender("old SDK", _timed(lambda: old_trainer.get_project(PROJECT_ID))),
        ],
        "classify_image": [
            Contender("ours (sync)", _timed(lambda: predictor.classify_image(PROJECT_ID, ITERATION_NAME, IMAGE_BYTES))),
            Contender(
                "ours (async)",
                _timed_async(loop, lambda: apredictor.classify_image(PROJECT_ID, ITERATION_NAME, IMAGE_BYTES)),
            ),
            Contender("httpx (sync)", _timed(raw_classify)),
            Contender("httpx (async)", _timed_async(loop, araw_classify)),
            *on_lean(lambda h: h.post(classify_url, headers=prediction_headers, content=IMAGE_BYTES)),
            Contender("old SDK", _timed(lambda: old_predictor.classify_image(PROJECT_ID, ITERATION_NAME, IMAGE_BYTES))),
        ],
        "get_tagged_images(take=256)": [
            Contender("ours (sync)", _timed(lambda: trainer.get_tagged_images(PROJECT_ID, take=256))),
            Contender("ours (async)", _timed_async(loop, lambda: atrainer.get_tagged_images(PROJECT_ID, take=256))),
            Contender("httpx (sync)", _timed(raw_page)),
            Contender("httpx (async)", _timed_async(loop, araw_page)),
            *on_lean(lambda h: h.get(f"{training_root}/images/tagged", headers=training_headers, params=page)),
            Contender("old SDK", _timed(lambda: old_trainer.get_tagged_images(PROJECT_ID, take=256))),
        ],
    }


# ------------------------------------------------------------------------------------------------ measuring


@dataclass
class Row:
    """Seconds per call of one contender, one sample per round."""

    group: str
    scenario: str
    contender: str
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.samples), max(self.samples)


def interleave(group: str, scenario: str, racers: list[Contender], rounds: int, calls: int) -> list[Row]:
    """Each round, every contender makes ``calls`` calls; the order rotates from round to round."""
    rows = {c.name: Row(group, scenario, c.name) for c in racers}
    for contender in racers:  # warm-up: connections, caches, lazily built schemas
        contender.run(max(3, calls // 5))
    for number in range(rounds):
        shift = number % len(racers)
        for contender in racers[shift:] + racers[:shift]:
            rows[contender.name].samples.append(contender.run(calls) / calls)
    return list(rows.values())


IMPORTS = {
    "ours (both clients)": "from customvision_rest import TrainingClient, PredictionClient, AsyncTrainingClient, "
    "AsyncPredictionClient",
    "httpx + pydantic": "import httpx, pydantic",
    "old SDK (both clients)": "from azure.cognitiveservices.vision.customvision.training import "
    "CustomVisionTrainingClient; from azure.cognitiveservices.vision.customvision.prediction import "
    "CustomVisionPredictionClient; from msrest.authentication import ApiKeyCredentials",
}


_IMAGE_CODE = 'image = b"\\xff\\xd8\\xff\\xe0" + bytes(range(256)) * 40'
FIRST_CALLS = {
    # A fresh interpreter from the first import to the first prediction's result over loopback: what a short
    # script or a cold serverless start pays, lazily imported parts included.
    "ours": "from customvision_rest import PredictionClient, RateLimits; "
    "client = PredictionClient('{endpoint}', '{key}', rate_limits=RateLimits.none()); "
    "client.classify_image('{project}', '{iteration}', image).best()",
    "httpx + json.loads": "import httpx, json; "
    "json.loads(httpx.post('{endpoint}/customvision/v3.1/prediction/{project}/classify/iterations/{iteration}/image', "
    "headers={{'Prediction-Key': '{key}', 'Content-Type': 'application/octet-stream'}}, content=image).content)",
    "old SDK": "from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient; "
    "from msrest.authentication import ApiKeyCredentials; "
    "client = CustomVisionPredictionClient('{endpoint}', ApiKeyCredentials(in_headers={{'Prediction-key': '{key}'}})); "
    "client.classify_image('{project}', '{iteration}', image)",
}


def first_call_rows(rounds: int, endpoint: str) -> list[Row]:
    """Import, client and first ``classify_image`` in fresh interpreters, against the canned loopback server."""
    codes = {
        name: code.format(endpoint=endpoint, key=KEY, project=PROJECT_ID, iteration=ITERATION_NAME)
        for name, code in FIRST_CALLS.items()
    }
    return _fresh_interpreter_rows("first call", "import and first classify_image", codes, rounds, _IMAGE_CODE)


def import_rows(rounds: int) -> list[Row]:
    """Import times in fresh interpreters, the contenders taking turns."""
    return _fresh_interpreter_rows("import", "import, fresh interpreter", IMPORTS, rounds)


def _fresh_interpreter_rows(
    group: str, scenario: str, codes: dict[str, str], rounds: int, setup: str = "pass"
) -> list[Row]:
    rows = {name: Row(group, scenario, name) for name in codes}
    names = list(codes)
    # An installed package has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE would compile
    # our modules (and only ours) in every interpreter. So bytecode may be written, and a first round, not
    # counted, writes it.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    for number in range(-1, rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            code = f"import time; {setup}; t = time.perf_counter(); {codes[name]}; print(time.perf_counter() - t)"
            out = subprocess.run(  # noqa: S603 - this interpreter, the code above
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            )
            if number >= 0:
                rows[name].samples.append(float(out.stdout.strip().splitlines()[-1]))
    return list(rows.values())


FLOOR = "plain pydantic models (text ids and times)"


def parse_rows(rounds: int, calls: int) -> list[Row]:
    """Parsing the 256-image page: ours (the operation's own parser), json.loads, msrest, plain pydantic models."""
    import httpx
    from azure.cognitiveservices.vision.customvision.training import models as old_models
    from msrest.serialization import Deserializer
    from parse_models import pydantic_reader  # this folder's

    from customvision_rest import TrainingClient
    from customvision_rest.operations.training import TrainingOperations

    client = TrainingClient(f"https://{IN_PROCESS_HOST}", KEY)
    op = TrainingOperations.get_tagged_images.build(client, PROJECT_ID, take=256)
    response = httpx.Response(200, headers={"Content-Type": "application/json"}, content=PAGE_BODY)
    deserialize = Deserializer({k: v for k, v in vars(old_models).items() if isinstance(v, type)})
    racers = [
        Contender("ours", _timed(lambda: op.parse(response))),
        Contender("json.loads", _timed(lambda: json.loads(PAGE_BODY))),
        Contender("old SDK (msrest)", _timed(lambda: deserialize("[Image]", json.loads(PAGE_BODY)))),
        # The least pydantic models of this page cost: what pydantic adds, whoever writes the models.
        Contender(FLOOR, _timed(pydantic_reader(PAGE_BODY))),
        # Typed results are several times more objects the collector tracks than json.loads gives: these two
        # rows show how much of the difference is the collector's.
        Contender("ours, collector paused", _timed_without_collector(lambda: op.parse(response))),
        Contender("json.loads, collector paused", _timed_without_collector(lambda: json.loads(PAGE_BODY))),
    ]
    return interleave("parse", "parse a 256-image page", racers, rounds, calls)


def models_benchmark() -> list[str]:
    """What ``benchmarks/parse_models.py --ladder`` prints (in a process of its own), for the page."""
    out = subprocess.run(  # noqa: S603 - this interpreter, this folder's script
        [sys.executable, str(ROOT / "benchmarks" / "parse_models.py"), "--ladder"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (out.stdout or out.stderr).strip().splitlines()[-40:]


def upload_memory(count: int, *, trace: bool = False) -> dict[str, Any]:
    """Peak RSS of ``upload_images`` of ``count`` generated images, in a fresh interpreter (MB); or, with
    ``trace``, what is still allocated once it returns, by file (tracemalloc)."""
    flag = "--upload-trace" if trace else "--upload-memory"
    out = subprocess.run(  # noqa: S603 - this script, by the running interpreter
        [sys.executable, __file__, flag, str(count)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _upload_memory_child(count: int, trace: bool = False) -> None:
    import httpx

    from customvision_rest import RateLimits, TrainingClient

    def answer(request: httpx.Request) -> httpx.Response:
        entries = json.loads(request.content)["images"]
        results = [
            {"sourceUrl": entry.get("name"), "status": "OK", "image": _image(number)}
            for number, entry in enumerate(entries)
        ]
        return httpx.Response(200, json={"isBatchSuccessful": True, "images": results})

    def images() -> Iterator[bytes]:
        for number in range(count):  # each one distinct, made when the upload asks for it
            yield IMAGE_BYTES + number.to_bytes(4, "big")

    client = TrainingClient(
        f"https://{IN_PROCESS_HOST}",
        KEY,
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
        rate_limits=RateLimits.none(),
    )
    client.upload_images(PROJECT_ID, [IMAGE_BYTES], tag_ids=[str(uuid.UUID(int=3))])  # build what is lazy
    if trace:
        import tracemalloc

        tracemalloc.start()
        report = client.upload_images(PROJECT_ID, images(), tag_ids=[str(uuid.UUID(int=3))])
        sites = tracemalloc.take_snapshot().statistics("filename")[:3]
        held = [f"{_short(str(site.traceback[0].filename))} {site.size / 2**20:.1f} MB" for site in sites]
        print(json.dumps({"held_after_upload": held, "results": len(report.results)}))
        return
    baseline = _reset_peak_rss()
    report = client.upload_images(PROJECT_ID, images(), tag_ids=[str(uuid.UUID(int=3))])
    peak = _peak_rss()
    assert len(report.results) == count, len(report.results)
    print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "above_mb": peak - baseline}))


def _short(filename: str) -> str:
    return "/".join(Path(filename).parts[-2:])


def _reset_peak_rss() -> float:
    """The current RSS in MB, after making it the peak (Linux: clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_mb("VmRSS")
    except OSError:  # elsewhere the peak since start is the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_rss() -> float:
    try:
        return _status_mb("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise OSError(field)


def profile_note(call: Callable[[], object], calls: int = 300) -> str:
    """Where our call spends its time: the functions with the most own time, by module."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    by_module: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        module = _module_of(filename)
        by_module[module] = by_module.get(module, 0.0) + own
    top = sorted(by_module.items(), key=lambda item: -item[1])[:6]
    return ", ".join(f"{module} {100 * own / total:.0f}%" for module, own in top)


def _calls_by_module(run: Callable[[int], float], calls: int) -> tuple[float, dict[str, float]]:
    """Function calls (Python and C) per call of ``run``, in all and by module."""
    profiler = cProfile.Profile()
    profiler.enable()
    run(calls)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    by_module: dict[str, float] = {}
    for (filename, _line, _name), (_cc, count, _own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        module = _module_of(filename)
        by_module[module] = by_module.get(module, 0.0) + count / calls
    return stats.total_calls / calls, by_module  # type: ignore[attr-defined]


def async_gap_note(sync: Contender, asynchronous: Contender, raw_ratio: float, calls: int = 50) -> str:
    """Why an async call costs more than a sync one: the extra function calls a call makes, by module."""
    sync_total, sync_by = _calls_by_module(sync.run, calls)
    async_total, async_by = _calls_by_module(asynchronous.run, calls)
    extra = {module: async_by.get(module, 0.0) - sync_by.get(module, 0.0) for module in {*sync_by, *async_by}}
    top = sorted(extra.items(), key=lambda item: -item[1])[:5]
    label = {module: "built-in functions" if module.startswith("C code") else module for module, _ in top}
    return (
        f"ours async makes {async_total:.0f} function calls a call against {sync_total:.0f} for sync; the extra: "
        + ", ".join(f"{label[module]} {count:+.0f}" for module, count in top)
        + f". Raw httpx async on httpx's own transport is {raw_ratio:.2f}x raw httpx sync in the same run"
    )


def _module_of(filename: str) -> str:
    for marker in ("customvision_rest", "httpx", "httpcore", "pydantic", "anyio", "asyncio", "json", "http"):
        if f"/{marker}/" in filename or filename.endswith(f"/{marker}.py"):
            return marker
    if filename == "~":
        return "C code (pydantic-core validation, json, str)"
    return "other Python" if filename.startswith("/") else filename.strip("<>~") or "other"


# ------------------------------------------------------------------------------------------------ the page


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-2 else _ms(seconds)


def _spread(row: Row, unit: Callable[[float], str]) -> str:
    low, high = row.spread
    return f"{unit(row.median)} ({unit(low)}-{unit(high)})"


def write_page(
    path: Path,
    command: str,
    imports: list[Row],
    first_calls: list[Row],
    calls: list[Row],
    parses: list[Row],
    memory: dict[int, dict[str, Any]],
    notes: dict[str, str],
    models_output: list[str],
    seconds: float,
    load_at_start: float,
) -> list[str]:
    """Write docs/performance.md; return the goal lines, for the console."""
    lines = [
        "# Performance",
        "",
        "Measured by `benchmarks/run.py`: every contender in the same run, taking turns in a rotating order, "
        "several rounds; the figures are medians over the rounds, with the lowest and highest round in "
        "brackets. Lower is better; a ratio below 1.00 means ours is faster.",
        "",
        f"- Command: `{command}` ({seconds:.0f} s)",
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average at the start {load_at_start:.1f}",
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "- Servers: the in-process rows use an `httpx.MockTransport` (the old SDK a patched `requests` adapter) "
        "answering canned bodies; the loopback rows a canned HTTP/1.1 keep-alive server in its own process. "
        "Our clients run with `rate_limits=RateLimits.none()`: the canned server has no limit to keep under. "
        "Over loopback our async clients open their own pools, on the asyncio transport they choose there; "
        '"httpx (async)" is httpx\'s stock transport (httpcore over anyio), and "httpx (async, our transport)" '
        "a bare `httpx.AsyncClient` on our transport.",
        "",
    ]
    goals: list[str] = []
    if imports:
        lines += ["## Import", "", "| contender | median (range) | ours / it |", "|---|---|---|"]
        by_name = {row.contender: row for row in imports}
        ours_import = by_name["ours (both clients)"]
        for row in imports:
            ratio = ours_import.median / row.median
            lines.append(f"| {row.contender} | {_spread(row, _ms)} | {ratio:.2f} |")
        old_ratio = ours_import.median / by_name["old SDK (both clients)"].median
        floor_ratio = ours_import.median / by_name["httpx + pydantic"].median
        goals.append(_goal("import <= 0.75x the old SDK's", old_ratio, 0.75))
        goals.append(_goal("import <= 1.3x `import httpx, pydantic`", floor_ratio, 1.3))
    if first_calls:
        lines += [
            "",
            "### Import and first call",
            "",
            "Not a goal of its own, but the whole cost of a cold start: a fresh interpreter from the first import to "
            "the first `classify_image` result over loopback (what is imported lazily is paid here).",
            "",
            "| contender | median (range) | ours / it |",
            "|---|---|---|",
        ]
        ours_first = next(row for row in first_calls if row.contender == "ours")
        for row in first_calls:
            lines.append(f"| {row.contender} | {_spread(row, _ms)} | {ours_first.median / row.median:.2f} |")

    lean_name = "httpx (async, our transport)"
    for group in sorted({row.group for row in calls}, key=("in-process", "loopback").index):
        with_lean = any(r.contender == lean_name for r in calls if r.group == group)
        names = ["ours (sync)", "ours (async)", "httpx (sync)", "httpx (async)", *([lean_name] if with_lean else [])]
        ratios = ["sync / httpx", "async / httpx async", *(["async / it"] if with_lean else [])]
        lines += [
            "",
            f"## Per call, {group}",
            "",
            "| call | " + " | ".join([*names, "old SDK", *ratios, "async / sync", "ours / old SDK"]) + " |",
            "|---" * (len(names) + len(ratios) + 4) + "|",
        ]
        for scenario in SCENARIOS:
            rows = {r.contender: r for r in calls if r.group == group and r.scenario == scenario}
            sync_ratio = rows["ours (sync)"].median / rows["httpx (sync)"].median
            async_ratio = rows["ours (async)"].median / rows["httpx (async)"].median
            async_sync = rows["ours (async)"].median / rows["ours (sync)"].median
            old = rows["ours (sync)"].median / rows["old SDK"].median
            cells = " | ".join(_spread(rows[name], _us) for name in [*names, "old SDK"])
            figures = [sync_ratio, async_ratio]
            if with_lean:
                figures.append(rows["ours (async)"].median / rows[lean_name].median)
            lines.append(
                f"| {scenario} | {cells} | "
                + " | ".join(f"{figure:.2f}" for figure in [*figures, async_sync, old])
                + " |"
            )
            goals.append(_goal(f"{scenario}, {group}, sync <= 1.15x httpx", sync_ratio, 1.15))
            goals.append(_goal(f"{scenario}, {group}, async <= 1.15x httpx async", async_ratio, 1.15))
            goals.append(_goal(f"{scenario}, {group}, async no slower than sync", async_sync, 1.0))

    if parses:
        lines += ["", "## Parsing", "", "| contender | median (range) | ours / it |", "|---|---|---|"]
        parse_by = {row.contender: row for row in parses}
        for row in parses:
            lines.append(f"| {row.contender} | {_spread(row, _us)} | {parse_by['ours'].median / row.median:.2f} |")
        ratio = parse_by["ours"].median / parse_by["json.loads"].median
        goals.append(_goal("parse a 256-image page <= 2x json.loads", ratio, 2.0))
        paused = parse_by["ours, collector paused"].median / parse_by["json.loads, collector paused"].median
        lines.append("")
        lines.append(
            f"With the collector paused for both, ours is {paused:.2f}x json.loads: the rest of the difference "
            "above is the cyclic garbage collector, which runs more often for the typed result's objects."
        )
        floor = parse_by[FLOOR].median / parse_by["json.loads"].median
        lines.append("")
        lines.append(
            f"Plain pydantic models of the same page, with none of our guarantees (ids and times left as text, a "
            f"missing list left None, unknown fields dropped), are {floor:.2f}x json.loads in this run: the least "
            "that pydantic models of this page cost, whoever writes them. The ladder printed by "
            "`benchmarks/parse_models.py` below adds our guarantees to them one at a time."
        )
    if models_output:
        lines += ["", "`benchmarks/parse_models.py --ladder` (the models' own benchmark) printed:", "", "```text"]
        lines += [*models_output, "```"]

    if memory:
        lines += [
            "",
            "## Upload memory",
            "",
            "`upload_images` of lazily generated 10 kB images through an in-process transport, each size in a fresh "
            "interpreter; peak RSS against the RSS just before the upload.",
            "",
            "| images | baseline | peak | above baseline |",
            "|---|---|---|---|",
        ]
        for count, figures in sorted(memory.items()):
            lines.append(
                f"| {count:,} | {figures['baseline_mb']:.0f} MB | {figures['peak_mb']:.0f} MB | "
                f"{figures['above_mb']:.1f} MB |"
            )
        if 1_000 in memory and 10_000 in memory:
            small, large = memory[1_000], memory[10_000]
            growth = large["peak_mb"] / small["peak_mb"]
            goals.append(_goal("10,000 images: peak RSS <= 1.2x that of 1,000", growth, 1.2))
            goals.append(_goal("10,000 images: < 60 MB above the baseline", large["above_mb"] / 60.0, 1.0, strict=True))

    lines += [
        "",
        "## Bulk work",
        "",
        "Bulk prediction and concurrent uploads against the emulator with simulated service time are measured by "
        "the scale benchmarks (`benchmarks/bulk_*.py`); their figures are in [docs/scale.md](scale.md).",
        "",
        "## Goals",
        "",
    ]
    lines += [f"- {goal}" for goal in goals]
    if notes:
        lines += ["", "## Where the time and memory go (profiles of our calls, own time by module)", ""]
        lines += [f"- {what}: {note}" for what, note in notes.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return goals


def _goal(what: str, ratio: float, limit: float, *, strict: bool = False) -> str:
    met = ratio < limit if strict else ratio <= limit
    return f"{'met' if met else '**missed**'}: {what} (measured {ratio:.2f}{'x' if not strict else ' of the limit'})"


# ------------------------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="three rounds, fewer calls; writes nothing by default")
    parser.add_argument("--rounds", type=int, help="rounds per row (default 9, quick 3)")
    parser.add_argument("--out", type=Path, help="where to write the page (default docs/performance.md)")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="measure only this part (may be repeated); with it the page is written only if --out is given",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--upload-memory", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--upload-trace", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve()
        return
    if options.upload_memory or options.upload_trace:
        _upload_memory_child(options.upload_memory or options.upload_trace, trace=bool(options.upload_trace))
        return
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]
    rounds = options.rounds or (3 if options.quick else 9)
    sections = set(options.only or SECTIONS)
    out = options.out or (None if options.quick or options.only else DOC)
    # A full collection comes about once every 30 pages: enough pages a round that each round pays its share,
    # rather than some rounds one and others none (medians that flip from run to run).
    small_calls, page_calls = (40, 6) if options.quick else (150, 60)

    def announce(section: str, what: str) -> None:
        if section in sections:
            print(f"{what}...", flush=True)

    announce("import", f"import ({rounds} rounds)")
    imports = import_rows(rounds) if "import" in sections else []
    first_calls: list[Row] = []
    _patch_requests_for_in_process()
    loop = asyncio.new_event_loop()
    calls: list[Row] = []
    notes: dict[str, str] = {}
    with CannedServer() as server:
        if "import" in sections:
            print(f"import and first call ({rounds} rounds)...", flush=True)
            first_calls = first_call_rows(rounds, f"http://127.0.0.1:{server.port}")
        groups = (("in-process", f"https://{IN_PROCESS_HOST}"), ("loopback", f"http://127.0.0.1:{server.port}"))
        for group, endpoint in (g for g in groups if g[0] in sections):
            racers = contenders(endpoint, loop, in_process=group == "in-process")
            for scenario in SCENARIOS:
                print(f"{group}: {scenario}...", flush=True)
                count = page_calls if "256" in scenario else small_calls
                rows = interleave(group, scenario, racers[scenario], rounds, count)
                calls += rows
                by = {r.contender: r.median for r in rows}
                if by["ours (async)"] > by["ours (sync)"]:
                    named = {c.name: c for c in racers[scenario]}
                    notes[f"{scenario}, {group}, async against sync"] = async_gap_note(
                        named["ours (sync)"], named["ours (async)"], by["httpx (async)"] / by["httpx (sync)"]
                    )
                if by["ours (sync)"] > 1.15 * by["httpx (sync)"]:
                    ours = next(c for c in racers[scenario] if c.name == "ours (sync)")
                    notes[f"{scenario}, {group}, sync"] = profile_note(lambda ours=ours: ours.run(1))
    loop.close()
    announce("parse", "parsing")
    parses = parse_rows(rounds, 8 if options.quick else 80) if "parse" in sections else []
    models_output = models_benchmark() if parses else []
    announce("memory", "upload memory")
    counts = (1_000,) if options.quick and not options.only else (1_000, 10_000)
    memory = {count: upload_memory(count) for count in counts} if "memory" in sections else {}
    largest = max(memory, default=0)
    if memory and (
        memory[largest]["above_mb"] >= 60
        or (len(memory) > 1 and memory[largest]["peak_mb"] > 1.2 * memory[1_000]["peak_mb"])
    ):
        traced = upload_memory(largest, trace=True)
        notes[f"upload_images of {largest:,} images, memory still held when it returns"] = (
            ", ".join(traced["held_after_upload"]) + f" (the report holds {traced['results']:,} results)"
        )
    command = " ".join(["python benchmarks/run.py", *sys.argv[1:]])
    target = out or Path(os.devnull)
    seconds = time.perf_counter() - started
    goals = write_page(
        target, command, imports, first_calls, calls, parses, memory, notes, models_output, seconds, load_at_start
    )
    print("\n".join(goals))
    if out is not None:
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
