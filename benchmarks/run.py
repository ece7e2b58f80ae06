"""Compare customvision-rest with raw httpx and the old official SDK, in one run, against the loopback emulator.

Run on demand (not part of the test suite)::

    python benchmarks/run.py [--quick] [--save]

See benchmarks/README.md for what each scenario measures and how to read the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from azure.cognitiveservices.vision.customvision.prediction import models as old_prediction_models
from azure.cognitiveservices.vision.customvision.training import CustomVisionTrainingClient
from azure.cognitiveservices.vision.customvision.training import models as old_training_models
from msrest.authentication import ApiKeyCredentials
from msrest.serialization import Deserializer
from pydantic import TypeAdapter

import customvision_rest
from customvision_rest import AsyncPredictionClient, PredictionClient, Resource, TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.models.prediction import ImagePrediction
from customvision_rest.models.training import Image

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PUBLISH_NAME = "bench"
TAGS = ("apple", "banana", "orange")
IMAGES_PER_TAG = 6
CONCURRENCY = 8


@dataclass(frozen=True)
class Settings:
    """Iteration counts for one run."""

    warmup: int
    network_calls: int
    parse_calls: int


QUICK = Settings(warmup=10, network_calls=60, parse_calls=300)
FULL = Settings(warmup=30, network_calls=300, parse_calls=2000)


@dataclass
class Result:
    """Timings of one contender in one scenario (seconds per call, as measured)."""

    scenario: str
    contender: str
    samples: list[float] = field(repr=False)
    wall_seconds: float

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """95th percentile of seconds per call."""
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def calls_per_second(self) -> float:
        """Throughput: calls completed per second of wall time."""
        return len(self.samples) / self.wall_seconds

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary (no raw samples)."""
        return {
            "scenario": self.scenario,
            "contender": self.contender,
            "n": len(self.samples),
            "median_us": self.median * 1e6,
            "p95_us": self.p95 * 1e6,
            "calls_per_second": self.calls_per_second,
        }


@dataclass
class Fixture:
    """What the setup created on the emulator, and how to reach it."""

    endpoint: str
    training_key: str
    prediction_key: str
    project_id: str
    image: bytes


# --- measuring ------------------------------------------------------------------------------------------------------


def measure(scenario: str, contender: str, call: Callable[[], object], settings: Settings, *, n: int) -> Result:
    """Run ``call`` ``settings.warmup`` times unmeasured, then ``n`` times, timing each call."""
    for _ in range(settings.warmup):
        call()
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(n):
        before = time.perf_counter()
        call()
        samples.append(time.perf_counter() - before)
    return Result(scenario, contender, samples, time.perf_counter() - started)


async def measure_async(
    scenario: str,
    contender: str,
    call: Callable[[], Awaitable[object]],
    settings: Settings,
    *,
    n: int,
    concurrency: int = 1,
) -> Result:
    """Await ``call`` after a warm-up, ``n`` times in waves of ``concurrency`` (``asyncio.gather``).

    Each sample is the latency of one call as seen by its caller; throughput comes from the wall time.
    """

    async def timed() -> float:
        before = time.perf_counter()
        await call()
        return time.perf_counter() - before

    for _ in range(max(1, settings.warmup // concurrency)):
        await asyncio.gather(*(call() for _ in range(concurrency)))
    samples: list[float] = []
    started = time.perf_counter()
    remaining = n
    while remaining > 0:
        wave = min(concurrency, remaining)
        samples.extend(await asyncio.gather(*(timed() for _ in range(wave))))
        remaining -= wave
    return Result(scenario, contender, samples, time.perf_counter() - started)


# --- setup ----------------------------------------------------------------------------------------------------------


def disable_nagle() -> None:
    """Make the emulator's HTTP server set TCP_NODELAY on its connections.

    Its handler writes the status line and headers, then the body, in two sends; with Nagle's algorithm on, the
    second send waits for the client's delayed ACK (~40 ms on Linux), which would swamp every contender equally.
    """
    from customvision_rest.emulator import _server

    _server._RequestHandler.disable_nagle_algorithm = True


@contextmanager
def emulator_fixture(*, nodelay: bool = True) -> Iterator[Fixture]:
    """Serve the emulator on loopback, then create, train and publish a small classification project."""
    if nodelay:
        disable_nagle()
    with Emulator() as emulator, emulator.serve(host="127.0.0.1", port=0) as server:
        training = Resource.training(server.endpoint, emulator.training_resource.key)
        with TrainingClient(training) as trainer:
            project = trainer.create_project("benchmark")
            for index, kind in enumerate(TAGS):
                tag = trainer.create_tag(project.id, kind)
                images = [synthetic_fruit(kind, seed=100 * index + n) for n in range(IMAGES_PER_TAG)]
                trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
            iteration = trainer.train_and_wait(project.id, timeout=120)
            trainer.publish_iteration(project.id, iteration.id, PUBLISH_NAME, emulator.prediction_resource.resource_id)
        yield Fixture(
            endpoint=server.endpoint,
            training_key=emulator.training_resource.key,
            prediction_key=emulator.prediction_resource.key,
            project_id=str(project.id),
            image=synthetic_fruit("apple", seed=9999, size=(128, 128)),
        )


# --- scenarios ------------------------------------------------------------------------------------------------------


def bench_classify(fixture: Fixture, settings: Settings) -> list[Result]:
    """Scenario 1: ``classify_image_with_no_store`` with a small JPEG, every contender over loopback HTTP."""
    scenario = "classify_image_with_no_store"
    n = settings.network_calls
    prediction = Resource.prediction(fixture.endpoint, fixture.prediction_key)
    project_id, image = fixture.project_id, fixture.image
    results: list[Result] = []

    with PredictionClient(prediction) as ours:
        results.append(
            measure(
                scenario,
                "ours sync",
                lambda: ours.classify_image_with_no_store(project_id, PUBLISH_NAME, image),
                settings,
                n=n,
            )
        )

    async def run_async() -> None:
        async with AsyncPredictionClient(prediction) as client:

            def call() -> Awaitable[object]:
                return client.classify_image_with_no_store(project_id, PUBLISH_NAME, image)

            results.append(await measure_async(scenario, "ours async", call, settings, n=n))
            results.append(
                await measure_async(
                    scenario, f"ours async x{CONCURRENCY}", call, settings, n=n, concurrency=CONCURRENCY
                )
            )

    asyncio.run(run_async())

    url = (
        f"{fixture.endpoint}/customvision/v3.1/prediction/{project_id}/classify/iterations/{PUBLISH_NAME}/image/nostore"
    )
    headers = {"Prediction-Key": fixture.prediction_key, "Content-Type": "application/octet-stream"}
    with httpx.Client() as raw:

        def raw_call() -> object:
            response = raw.post(url, content=image, headers=headers)
            response.raise_for_status()
            return json.loads(response.content)

        results.append(measure(scenario, "httpx", raw_call, settings, n=n))

    old = CustomVisionPredictionClient(
        fixture.endpoint, ApiKeyCredentials(in_headers={"Prediction-Key": fixture.prediction_key})
    )
    results.append(
        measure(
            scenario,
            "old SDK",
            lambda: old.classify_image_with_no_store(project_id, PUBLISH_NAME, image),
            settings,
            n=n,
        )
    )
    old.close()
    return results


def bench_tagged_images(fixture: Fixture, settings: Settings) -> list[Result]:
    """Scenario 2: ``get_tagged_images(take=50)`` on the training API, every contender over loopback HTTP."""
    scenario = "get_tagged_images(take=50)"
    n = settings.network_calls
    project_id = fixture.project_id
    results: list[Result] = []

    with TrainingClient(Resource.training(fixture.endpoint, fixture.training_key)) as ours:
        results.append(
            measure(scenario, "ours sync", lambda: ours.get_tagged_images(project_id, take=50), settings, n=n)
        )

    url = f"{fixture.endpoint}/customvision/v3.3/training/projects/{project_id}/images/tagged"
    with httpx.Client(headers={"Training-Key": fixture.training_key}) as raw:

        def raw_call() -> object:
            response = raw.get(url, params={"take": 50})
            response.raise_for_status()
            return json.loads(response.content)

        results.append(measure(scenario, "httpx", raw_call, settings, n=n))

    old = CustomVisionTrainingClient(
        fixture.endpoint, ApiKeyCredentials(in_headers={"Training-key": fixture.training_key})
    )
    results.append(measure(scenario, "old SDK", lambda: old.get_tagged_images(project_id, take=50), settings, n=n))
    old.close()
    return results


def _models_of(module: Any) -> dict[str, type]:
    """The msrest model classes of an old SDK ``models`` module, as its client registers them."""
    return {name: value for name, value in vars(module).items() if isinstance(value, type)}


def large_bodies(fixture: Fixture, predictions: int = 500, images: int = 256) -> tuple[bytes, bytes]:
    """Real emulator answers, enlarged: an ImagePrediction with ``predictions`` entries, a list of ``images``."""
    headers = {"Prediction-Key": fixture.prediction_key, "Training-Key": fixture.training_key}
    with httpx.Client(base_url=fixture.endpoint, headers=headers) as client:
        prediction = client.post(
            f"/customvision/v3.1/prediction/{fixture.project_id}/classify/iterations/{PUBLISH_NAME}/image/nostore",
            content=fixture.image,
        ).json()
        tagged = client.get(f"/customvision/v3.3/training/projects/{fixture.project_id}/images/tagged").json()
    template = prediction["predictions"]
    prediction["predictions"] = [
        {**template[i % len(template)], "tagName": f"tag-{i}", "probability": 1.0 / (i + 2)} for i in range(predictions)
    ]
    listing = [tagged[i % len(tagged)] for i in range(images)]
    return json.dumps(prediction).encode(), json.dumps(listing).encode()


def bench_parsing(fixture: Fixture, settings: Settings) -> list[Result]:
    """Scenario 3: turning a response body into objects, no network: pydantic vs msrest vs ``json.loads``."""
    prediction_body, images_body = large_bodies(fixture)
    n = settings.parse_calls
    old_prediction = Deserializer(_models_of(old_prediction_models))
    old_training = Deserializer(_models_of(old_training_models))
    images_adapter = TypeAdapter(list[Image])
    content_type = "application/json"
    results: list[Result] = []

    scenario = "parse ImagePrediction (500 tags)"
    results.append(
        measure(scenario, "ours sync", lambda: ImagePrediction.model_validate_json(prediction_body), settings, n=n)
    )
    results.append(measure(scenario, "httpx", lambda: json.loads(prediction_body), settings, n=n))
    results.append(
        measure(
            scenario,
            "old SDK",
            lambda: old_prediction("ImagePrediction", prediction_body, content_type=content_type),
            settings,
            n=n,
        )
    )

    scenario = "parse list[Image] (256 images)"
    results.append(measure(scenario, "ours sync", lambda: images_adapter.validate_json(images_body), settings, n=n))
    results.append(measure(scenario, "httpx", lambda: json.loads(images_body), settings, n=n))
    results.append(
        measure(
            scenario, "old SDK", lambda: old_training("[Image]", images_body, content_type=content_type), settings, n=n
        )
    )
    return results


# --- reporting ------------------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """Python, platform and library versions, and the number of cores."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "customvision_rest": customvision_rest.__version__,
        "httpx": httpx.__version__,
    }


def _ratio(ours: Result | None, other: Result | None) -> str:
    """``ours / other`` of the medians, formatted; ``-`` when either is missing.

    A concurrent contender's per-call latency includes queueing, so it is compared by wall time per call
    (the inverse of throughput) instead, and the ratio is marked with ``*``.
    """
    if ours is None or other is None:
        return "-"
    if ours.contender.endswith(f"x{CONCURRENCY}"):
        return f"{other.calls_per_second / ours.calls_per_second:.2f}x*"
    return f"{ours.median / other.median:.2f}x"


def render(results: list[Result], info: dict[str, Any], mode: str) -> str:
    """A plain-text table of every result, with ratios of our median to the httpx and old SDK medians."""
    lines = [
        f"customvision-rest benchmarks ({mode}) - Python {info['python']} ({info['implementation']}), "
        f"{info['cores']} cores, {info['platform']}",
        "ratios compare medians (* = wall time per call, for concurrent rows); lower is better; "
        "'httpx' in parse rows means plain json.loads",
        "",
        f"{'scenario':34} {'contender':16} {'n':>5} {'median us':>10} {'p95 us':>10} {'calls/s':>9} "
        f"{'ours/httpx':>10} {'ours/old':>9}",
    ]
    lines.append("-" * len(lines[-1]))
    scenarios = list(dict.fromkeys(result.scenario for result in results))
    for scenario in scenarios:
        rows = [result for result in results if result.scenario == scenario]
        by_name = {result.contender: result for result in rows}
        for result in rows:
            is_ours = result.contender.startswith("ours")
            vs_httpx = _ratio(result, by_name.get("httpx")) if is_ours else ""
            vs_old = _ratio(result, by_name.get("old SDK")) if is_ours else ""
            lines.append(
                f"{scenario:34} {result.contender:16} {len(result.samples):>5} {result.median * 1e6:>10.1f} "
                f"{result.p95 * 1e6:>10.1f} {result.calls_per_second:>9.0f} {vs_httpx:>10} {vs_old:>9}"
            )
        lines.append("")
    return "\n".join(lines)


def save(results: list[Result], info: dict[str, Any], mode: str) -> Path:
    """Write the summaries to benchmarks/results/latest.json and return its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    document = {"mode": mode, "machine": info, "results": [result.summary() for result in results]}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, set up the emulator, run every scenario and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer iterations (finishes well under a minute)")
    parser.add_argument("--save", action="store_true", help="also write benchmarks/results/latest.json")
    parser.add_argument(
        "--keep-nagle", action="store_true", help="leave the emulator's sockets as shipped (adds ~40 ms per call)"
    )
    args = parser.parse_args(argv)
    settings, mode = (QUICK, "quick") if args.quick else (FULL, "full")

    started = time.perf_counter()
    results: list[Result] = []
    with emulator_fixture(nodelay=not args.keep_nagle) as fixture:
        print(f"setup done in {time.perf_counter() - started:.1f} s; measuring...", file=sys.stderr)
        results += bench_classify(fixture, settings)
        results += bench_tagged_images(fixture, settings)
        results += bench_parsing(fixture, settings)
    info = machine_info()
    print(render(results, info, mode))
    print(f"total {time.perf_counter() - started:.1f} s")
    if args.save:
        print(f"saved {save(results, info, mode)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
