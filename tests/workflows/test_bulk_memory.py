"""Memory of bulk uploads: no batch outlives its answer, and the report keeps the answers compactly, unchanged."""

from __future__ import annotations

import asyncio
import base64
import json
import pickle
import tracemalloc
import uuid
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from customvision_rest import (
    AsyncTrainingClient,
    ImageOutcome,
    RateLimits,
    Resource,
    TrainingClient,
    UploadReport,
)
from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.models.training import ImageCreateStatus, ImageCreateSummary
from service_bodies import stored_image

ENDPOINT = "https://unit.cognitiveservices.azure.com"
KEY = "training-key-for-tests"
PROJECT = str(uuid.UUID(int=21))
COUNT = 2_000


def images(count: int = COUNT) -> Iterator[bytes]:
    """Distinct JPEG-like images of 1 kB, made only when the upload reads them."""
    for n in range(count):
        yield b"\xff\xd8\xff" + n.to_bytes(4, "big") + b"x" * 1_000


class Service:
    """Answers each batch, refusing every 97th image and adding a field this release does not know.

    It keeps the bodies it answered (to compare the report with) and only weak references to the requests,
    so that it never keeps a batch alive itself.
    """

    def __init__(self) -> None:
        self.answers: list[bytes] = []
        self.requests: list[weakref.ref[httpx.Request]] = []
        self.alive_when_answering: list[int] = []

    def answer(self, request: httpx.Request) -> httpx.Response:
        # Every earlier batch has been answered and handed to the report: none of them may still be held.
        self.alive_when_answering.append(sum(ref() is not None for ref in self.requests))
        self.requests.append(weakref.ref(request))
        results = []
        for entry in json.loads(request.content)["images"]:
            number = int.from_bytes(base64.b64decode(entry["contents"])[3:7], "big")
            if number % 97 == 5:
                results.append({"sourceUrl": None, "status": "ErrorImageFormat", "image": None})
            else:
                stored = stored_image(image_id=str(uuid.UUID(int=10_000 + number)))
                results.append({"sourceUrl": None, "status": "OK", "image": stored, "futureField": number})
        refused = any(r["status"] != "OK" for r in results)
        body = json.dumps({"isBatchSuccessful": not refused, "images": results}).encode()
        self.answers.append(body)
        return httpx.Response(207 if refused else 200, content=body, headers={"content-type": "application/json"})

    def alive(self) -> int:
        return sum(ref() is not None for ref in self.requests)


def upload(service: Service, **options: Any) -> UploadReport:
    http = httpx.Client(transport=httpx.MockTransport(service.answer))
    with TrainingClient(ENDPOINT, KEY, http_client=http, rate_limits=RateLimits.none()) as client:
        return client.upload_images(PROJECT, images(), **options)


async def upload_async(service: Service, **options: Any) -> UploadReport:
    async def answer(request: httpx.Request) -> httpx.Response:
        return service.answer(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with AsyncTrainingClient(ENDPOINT, KEY, http_client=http, rate_limits=RateLimits.none()) as client:
        return await client.upload_images(PROJECT, images(), **options)


@pytest.mark.usefixtures("no_collector")
def test_no_batch_is_held_after_its_answer_nor_by_a_reference_cycle() -> None:
    service = Service()
    report = upload(service)
    assert len(service.requests) == report.batches == 32
    # One batch after the other: when a batch is sent, none before it is still reachable.
    assert service.alive_when_answering == [0] * 32
    assert service.alive() == 0


@pytest.mark.usefixtures("no_collector")
def test_no_batch_is_held_after_an_async_upload_nor_by_a_reference_cycle() -> None:
    service = Service()
    report = asyncio.run(upload_async(service, concurrency=4))
    assert report.batches == 32
    # At most the batches in flight are alive at once; none is left when the upload returns.
    assert max(service.alive_when_answering) < 4
    assert service.alive() == 0
    # Answers may come in any order: results are in input order, summaries are every answer.
    ids = [r.image.id.int - 10_000 if r.image and r.image.id else None for r in report.results]
    assert ids == [None if n % 97 == 5 else n for n in range(COUNT)]
    answered = [ImageCreateSummary.model_validate_json(body) for body in service.answers]
    assert sorted(s.model_dump_json() for s in report.summaries) == sorted(s.model_dump_json() for s in answered)
    assert [f.position for f in report.failed] == [n for n in range(COUNT) if n % 97 == 5]


@pytest.mark.usefixtures("no_collector")
def test_threads_leave_no_batch_behind() -> None:
    service = Service()
    report = upload(service, concurrency=3)
    assert report.batches == 32 and report.read == COUNT
    assert service.alive() == 0


def test_the_report_gives_exactly_what_the_service_answered() -> None:
    service = Service()
    report = upload(service)
    answered = [ImageCreateSummary.model_validate_json(body) for body in service.answers]
    assert report.summaries == answered
    assert report.results == [result for summary in answered for result in summary.images]
    assert len(report.results) == COUNT
    # Fields this release does not know are kept, as in any answer.
    assert [r.model_extra for r in report.results[:2]] == [{"futureField": 0}, {"futureField": 1}]
    refused = [n for n in range(COUNT) if n % 97 == 5]
    assert [f.position for f in report.failed] == refused
    assert all(f.result.status == ImageCreateStatus.ERROR_IMAGE_FORMAT for f in report.failed)
    assert len(report.succeeded) == COUNT - len(refused)
    assert {report.outcome(n) for n in refused} == {ImageOutcome.REFUSED}
    assert {report.outcome(n) for n in range(COUNT) if n not in refused} == {ImageOutcome.CREATED}
    assert report.outcome(COUNT) is ImageOutcome.NOT_ATTEMPTED
    # Read twice, the lists are the same lists; the results are the images of the summaries.
    assert report.results is report.results and report.summaries is report.summaries
    assert report.results[1] is report.summaries[0].images[1]


def test_the_report_keeps_the_answers_compressed_and_builds_them_only_when_read() -> None:
    service = Service()
    report = upload(service)
    answered = sum(len(body) for body in service.answers)
    kept = len(pickle.dumps(report))
    assert kept < answered / 5, (kept, answered)
    # Counting, telling outcomes and printing need none of the answers' models.
    assert report.batches == 32 and not report.ok
    assert report.outcome(10) is ImageOutcome.CREATED
    assert repr(report) == (
        f"UploadReport(read={COUNT}, batches=32, stored={COUNT - 21}, failed=21, updated=0, not_attempted=0, "
        "unread_from=None)"
    )
    assert len(pickle.dumps(report)) == kept
    again = pickle.loads(pickle.dumps(report))  # noqa: S301 - our own bytes, just made
    assert again == report
    assert again.results == report.results
    assert len(pickle.dumps(report)) > kept  # the results read are kept with the report from then on


def test_a_report_made_by_hand_holds_what_it_is_given() -> None:
    summary = ImageCreateSummary.model_validate(
        {"isBatchSuccessful": True, "images": [{"status": "OK", "image": stored_image()}, {"status": "OKDuplicate"}]}
    )
    report = UploadReport(summaries=[summary], results=list(summary.images), read=2)
    assert report.batches == 1
    assert report.results == summary.images
    assert len(report.succeeded) == 2 and len(report.duplicates) == 1
    assert report.ok
    assert report == UploadReport([summary], list(summary.images), read=2)
    assert report != UploadReport(read=2)
    empty = UploadReport()
    assert empty.results == [] and empty.summaries == [] and empty.batches == 0


def test_emulator_upload_report_matches_what_the_project_stores() -> None:
    with Emulator() as emu:
        resource = Resource.training("https://customvision-emulator.localhost", emu.training_resource.key)
        with TrainingClient(resource, http_client=httpx.Client(transport=emu.transport())) as trainer:
            project = trainer.create_project("memory")
            assert project.id is not None
            photos = [synthetic_fruit("apple", seed) for seed in range(300)]
            report = trainer.upload_images(project.id, photos)
            stored = {
                image.id for skip in (0, 256) for image in trainer.get_untagged_images(project.id, take=256, skip=skip)
            }
            again = trainer.upload_images(project.id, iter(photos))
    assert report.ok and len(report.results) == 300
    assert {r.image.id for r in report.results if r.image} == stored
    assert {again.outcome(n) for n in range(300)} == {ImageOutcome.UNCHANGED}
    assert [r.image.id for r in again.duplicates if r.image] == [r.image.id for r in report.results if r.image]


def test_the_images_read_are_let_go_once_their_batch_is_encoded() -> None:
    """While a batch is on the wire only its base64 is held; of the images read, only the next batch's first."""
    size = 100_000
    held: list[int] = []

    def read() -> Iterator[bytes]:
        for n in range(50):
            yield b"\xff\xd8\xff" + n.to_bytes(4, "big") + bytes(size)  # the line the images are made on

    made_here = tracemalloc.Filter(True, __file__, read.__code__.co_firstlineno + 2)

    def answer(request: httpx.Request) -> httpx.Response:
        snapshot = tracemalloc.take_snapshot().filter_traces([made_here])
        held.append(sum(stat.size for stat in snapshot.statistics("lineno")) // size)
        count = len(json.loads(request.content)["images"])
        results = [{"status": "OK", "image": stored_image()} for _ in range(count)]
        return httpx.Response(200, json={"isBatchSuccessful": True, "images": results})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    tracemalloc.start()
    try:
        with TrainingClient(ENDPOINT, KEY, http_client=http, rate_limits=RateLimits.none()) as client:
            report = client.upload_images(PROJECT, read(), max_batch_images=10)
    finally:
        tracemalloc.stop()
    assert report.ok and report.batches == 5
    assert held == [1, 1, 1, 1, 0]


def test_a_batch_in_flight_holds_its_body_once() -> None:
    # 16 images of 512 kB in one batch: in base64 the body is 4/3 of them. Held as values plus the encoded
    # bytes of the attempt, it would weigh twice that while the service answers.
    count, size = 16, 512 * 1024
    images_bytes = count * size
    held: list[int] = []
    baseline = 0

    def answer(request: httpx.Request) -> httpx.Response:
        if tracemalloc.is_tracing():
            held.append(tracemalloc.get_traced_memory()[0] - baseline)
        results = [
            {"sourceUrl": None, "status": "OK", "image": stored_image()} for _ in json.loads(request.content)["images"]
        ]
        return httpx.Response(200, json={"isBatchSuccessful": True, "images": results})

    def big_images() -> Iterator[bytes]:
        for n in range(count):
            yield b"\xff\xd8\xff" + n.to_bytes(4, "big") + bytes(size - 7)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with TrainingClient(ENDPOINT, KEY, http_client=http, rate_limits=RateLimits.none()) as client:
        client.upload_images(PROJECT, [b"\xff\xd8\xff warm-up"])  # models and validators built before measuring
        tracemalloc.start()
        try:
            baseline = tracemalloc.get_traced_memory()[0]
            report = client.upload_images(PROJECT, big_images())
        finally:
            tracemalloc.stop()
    assert report.ok and report.batches == 1
    body = images_bytes * 4 / 3
    assert body <= held[0] < 1.25 * body, f"{held[0]:,} bytes held in flight for a body of {body:,.0f}"
