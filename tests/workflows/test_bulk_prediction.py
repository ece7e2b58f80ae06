"""Bulk prediction: input order, bounded concurrency, per-image failures, progress, both clients, the emulator."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest

from customvision_rest import (
    AsyncPredictionClient,
    BadRequestError,
    ClientValidationError,
    PredictionClient,
    TrainingClient,
)
from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.workflows.prediction import PredictionReport

ENDPOINT = "https://prediction.test"
KEY = "bulk-prediction-key"
PROJECT = str(uuid.UUID(int=31))


def image(n: int) -> bytes:
    return b"\xff\xd8\xff" + n.to_bytes(4, "big") + b"x" * 20


def number_of(request: httpx.Request) -> int:
    return int.from_bytes(request.content[3:7], "big")


def prediction_for(request: httpx.Request, n: int) -> httpx.Response:
    body = {
        "id": str(uuid.uuid4()),
        "project": PROJECT,
        "iteration": str(uuid.UUID(int=32)),
        "created": "2024-01-01T00:00:00Z",
        "predictions": [{"probability": 0.9, "tagId": str(uuid.UUID(int=n)), "tagName": f"image {n}"}],
    }
    if n == 13:  # the service refuses this one
        body = {"code": "BadRequestImageFormat", "message": "Bad image format."}
        return httpx.Response(400, json=body, request=request)
    return httpx.Response(200, json=body, request=request)


class OutOfOrder(httpx.AsyncBaseTransport):
    """Answers later images sooner, counting the predictions in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        n = number_of(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.001 * (40 - n % 40))
        self.in_flight -= 1
        return prediction_for(request, n)


def test_async_bulk_keeps_input_order_and_reports_failures() -> None:
    transport = OutOfOrder()
    images: list[bytes] = [image(n) for n in range(40)]
    images[7] = b""  # refused before sending
    progress: list[tuple[int, int | None]] = []

    async def scenario() -> PredictionReport:
        http = httpx.AsyncClient(transport=transport)
        async with AsyncPredictionClient(ENDPOINT, KEY, http_client=http, max_retries=0) as client:
            return await client.classify_images_with_no_store(
                PROJECT, "v1", images, concurrency=5, progress=lambda done, total: progress.append((done, total))
            )

    report = asyncio.run(scenario())
    assert len(report) == 40
    assert [o.position for o in report] == list(range(40))
    assert [o.position for o in report.failed] == [7, 13]
    assert isinstance(report[7].error, ClientValidationError)
    assert isinstance(report[13].error, BadRequestError)
    assert [p.predictions[0].tag_name for p in report.predictions] == [
        f"image {n}" for n in range(40) if n not in (7, 13)
    ]
    assert transport.most_in_flight == 5
    assert progress == [(done, 40) for done in range(1, 41)]
    assert not report.ok and "#13: BadRequestError" in report.describe_failures()
    with pytest.raises(BadRequestError):
        report[13].result()


def test_sync_bulk_runs_in_a_bounded_thread_pool() -> None:
    barrier = threading.Barrier(4, timeout=10)
    lock = threading.Lock()
    in_flight = most = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        n = number_of(request)
        if n < 4:
            barrier.wait()  # the first four can only pass together: they run at once
        with lock:
            in_flight -= 1
        return prediction_for(request, n)

    http = httpx.Client(transport=httpx.MockTransport(handle))
    with PredictionClient(ENDPOINT, KEY, http_client=http) as client:
        report = client.detect_images(PROJECT, "v1", (image(n) for n in range(12)), concurrency=4)
    assert report.ok and len(report) == 12
    assert most == 4
    assert [p.predictions[0].tag_name for p in report.predictions] == [f"image {n}" for n in range(12)]


def test_sync_bulk_is_sequential_by_default() -> None:
    seen: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(number_of(request))
        return prediction_for(request, number_of(request))

    http = httpx.Client(transport=httpx.MockTransport(handle))
    with PredictionClient(ENDPOINT, KEY, http_client=http) as client:
        report = client.classify_images(PROJECT, "v1", [image(n) for n in range(15)], application="batch")
    assert seen == list(range(15))
    assert [o.position for o in report.failed] == [13]


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"project_id": "nope"}, "project_id"),
        ({"published_name": " "}, "published_name"),
        ({"images": b"one image"}, "iterable of images"),
        ({"concurrency": 0}, "concurrency"),
        ({"progress": 3}, "progress"),
    ],
)
def test_arguments_are_checked_before_any_request(arguments: dict[str, object], match: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    call: dict[str, object] = {"project_id": PROJECT, "published_name": "v1", "images": [image(0)]}
    call.update(arguments)
    http = httpx.Client(transport=httpx.MockTransport(handle))
    with PredictionClient(ENDPOINT, KEY, http_client=http) as client, pytest.raises(ClientValidationError, match=match):
        client.classify_images(
            call.pop("project_id"),  # type: ignore[arg-type]
            call.pop("published_name"),  # type: ignore[arg-type]
            call.pop("images"),  # type: ignore[arg-type]
            **call,  # type: ignore[arg-type]
        )


@pytest.fixture(scope="module")
def published() -> Iterator[tuple[Emulator, str]]:
    pytest.importorskip("numpy")
    with Emulator(training_key="t-key", prediction_key="p-key") as emulator:
        http = httpx.Client(transport=emulator.transport())
        with TrainingClient("https://training.test", "t-key", http_client=http) as trainer:
            project = trainer.create_project("bulk predictions")
            for kind in ("apple", "banana"):
                tag = trainer.create_tag(project.id, kind)
                pictures = [synthetic_fruit(kind, n, (64, 64)) for n in range(6)]
                trainer.upload_images(project.id, pictures, tag_ids=[tag.id])
            iteration = trainer.train_and_wait(project.id, timeout=60)
            assert iteration.id is not None
            trainer.publish_iteration(project.id, iteration.id, "fruit", emulator.prediction_resource.resource_id)
        yield emulator, str(project.id)


def test_on_the_emulator_async(published: tuple[Emulator, str]) -> None:
    emulator, project = published
    pictures = [synthetic_fruit("apple" if n % 2 else "banana", 50 + n, (64, 64)) for n in range(20)]

    async def scenario() -> PredictionReport:
        http = httpx.AsyncClient(transport=emulator.transport())
        async with AsyncPredictionClient(ENDPOINT, "p-key", http_client=http) as client:
            return await client.classify_images_with_no_store(project, "fruit", pictures)

    report = asyncio.run(scenario())
    assert report.ok, report.describe_failures()
    best = [max(p.predictions, key=lambda x: x.probability).tag_name for p in report.predictions]
    expected = ["apple" if n % 2 else "banana" for n in range(20)]
    # In input order: the emulator's model gets most of these easy images right.
    assert sum(b == e for b, e in zip(best, expected, strict=True)) >= 16
