"""Bulk upload that converges: failures keep their account, re-runs finish the job and update duplicates."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from customvision_rest import (
    APIConnectionError,
    APIStatusError,
    AsyncTrainingClient,
    ClientValidationError,
    InternalServerError,
    TrainingClient,
)
from customvision_rest.emulator import Emulator, FaultInjection, synthetic_fruit
from customvision_rest.workflows.bulk import ImageOutcome, ImageToUpload, UploadIncompleteError, UploadReport
from service_bodies import stored_image

pytest.importorskip("numpy")

ENDPOINT = "https://emulator.test"
KEY = "bulk-training-key"
PROJECT = str(uuid.UUID(int=21))
FILES = f"/customvision/v3.3/training/projects/{PROJECT}/images/files"


def image(n: int) -> bytes:
    return b"\xff\xd8\xff" + n.to_bytes(4, "big") + b"x" * 40


def no_sleep(seconds: float) -> None:
    pass


async def no_async_sleep(seconds: float) -> None:
    pass


def accounted(report: UploadReport) -> None:
    """Every image read is in exactly one state, and the states cover the input read."""
    for position in range(report.read):
        assert report.outcome(position) in ImageOutcome
    stored = {p for p in range(report.read) if report.outcome(p) in (ImageOutcome.CREATED, ImageOutcome.UNCHANGED)}
    updated = {u.position for u in report.updated}
    refused = {f.position for f in report.failed}
    missing = set(report.not_attempted)
    assert len(stored) + len(updated) + len(refused) + len(missing) == report.read
    assert not (missing & (stored | updated | refused))


def test_a_batch_failing_after_retries_raises_with_the_report() -> None:
    calls = 0

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 2:
            return httpx.Response(500, json={"code": "ErrorUnknown", "message": "boom"})
        entries = json.loads(request.content)["images"]
        return httpx.Response(
            200,
            json={"isBatchSuccessful": True, "images": [{"status": "OK", "image": stored_image()} for _ in entries]},
        )

    with respx.mock(base_url=ENDPOINT) as router, TrainingClient(ENDPOINT, KEY, max_retries=0) as client:
        router.post(FILES).mock(side_effect=answer)
        with pytest.raises(UploadIncompleteError, match="64 of 129 images read are stored") as caught:
            client.upload_images(PROJECT, [image(n) for n in range(200)])
    report = caught.value.report
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert len(report.succeeded) == 64
    assert report.not_attempted == list(range(64, 129))  # the failed batch and the next image read
    assert report.unread_from == 129
    assert report.outcome(0) is ImageOutcome.CREATED
    assert report.outcome(100) is ImageOutcome.NOT_ATTEMPTED
    assert "not attempted: #64" in report.describe_failures()
    accounted(report)


@pytest.fixture
def faulty() -> Iterator[Emulator]:
    faults = FaultInjection(seed=7, throttle_rate=0.2, unavailable_rate=0.1, drop_rate=0.05)
    with Emulator(training_key=KEY, faults=faults) as emulator:
        yield emulator


def faulty_project(client: TrainingClient) -> str:
    """Create a project through the faults: a faulted request never reaches the emulator's service."""
    for _attempt in range(20):
        try:
            return str(client.create_project("faults").id)
        except (APIConnectionError, APIStatusError):
            continue
    raise AssertionError("could not create the project")


def stored_images(emulator: Emulator) -> int:
    return len(emulator._store.state.images)


def test_repeated_calls_converge_under_faults_sync(faulty: Emulator) -> None:
    images = [synthetic_fruit("apple", n, (32, 32)) for n in range(240)]
    http = httpx.Client(transport=faulty.transport())
    with TrainingClient(ENDPOINT, KEY, http_client=http, max_retries=1, sleep=no_sleep) as client:
        project = faulty_project(client)
        partial: list[UploadReport] = []
        for _attempt in range(30):
            try:
                report = client.upload_images(project, images, max_batch_images=16)
            except UploadIncompleteError as error:
                partial.append(error.report)
            else:
                break
        else:
            pytest.fail("the upload did not converge in 30 calls")
    assert partial  # the faults did interrupt some calls, and each left its account
    for account in partial:
        accounted(account)
        assert account.not_attempted and not account.ok
    assert report.ok and len(report.succeeded) == 240
    accounted(report)
    assert stored_images(faulty) == 240  # nothing stored twice


def test_repeated_calls_converge_under_faults_async(faulty: Emulator) -> None:
    images = [synthetic_fruit("banana", n, (32, 32)) for n in range(240)]

    with TrainingClient(ENDPOINT, KEY, http_client=httpx.Client(transport=faulty.transport())) as sync_client:
        project = faulty_project(sync_client)

    async def scenario() -> tuple[int, UploadReport]:
        http = httpx.AsyncClient(transport=faulty.transport())
        async with AsyncTrainingClient(ENDPOINT, KEY, http_client=http, max_retries=1, sleep=no_async_sleep) as client:
            incomplete = 0
            for _attempt in range(30):
                try:
                    report = await client.upload_images(project, images, max_batch_images=16, concurrency=4)
                except UploadIncompleteError as error:
                    incomplete += 1
                    accounted(error.report)
                else:
                    return incomplete, report
            raise AssertionError("the upload did not converge in 30 calls")

    incomplete, report = asyncio.run(scenario())
    assert incomplete > 0
    assert report.ok and len(report.succeeded) == 240
    assert stored_images(faulty) == 240


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(training_key=KEY) as emu:
        yield emu


@pytest.fixture
def client(emulator: Emulator) -> Iterator[TrainingClient]:
    with TrainingClient(ENDPOINT, KEY, http_client=httpx.Client(transport=emulator.transport())) as trainer:
        yield trainer


def test_duplicates_are_brought_up_to_date(client: TrainingClient) -> None:
    project = client.create_project("fix tags")
    apple = client.create_tag(project.id, "apple")
    red = client.create_tag(project.id, "red")
    images = [synthetic_fruit("apple", n, (32, 32)) for n in range(10)]
    first = client.upload_images(project.id, images, tag_ids=[apple.id])
    assert first.ok and first.updated == []
    assert {first.outcome(p) for p in range(10)} == {ImageOutcome.CREATED}

    corrected = [ImageToUpload(data, tag_ids=[red.id] if n < 4 else []) for n, data in enumerate(images)]
    second = client.upload_images(project.id, corrected, tag_ids=[apple.id], metadata={"source": "orchard"})
    assert second.ok
    assert [u.position for u in second.updated] == list(range(10))
    assert [u.added_tags for u in second.updated[:5]] == [(red.id,)] * 4 + [()]
    assert all(u.metadata_updated for u in second.updated)
    assert second.outcome(0) is ImageOutcome.UPDATED

    stored = {str(i.id): i for i in client.iter_images(project.id)}
    assert len(stored) == 10
    red_count = sum(1 for i in stored.values() if red.id in {t.tag_id for t in i.tags})
    assert red_count == 4
    assert all(i.metadata == {"source": "orchard"} for i in stored.values())

    third = client.upload_images(project.id, corrected, tag_ids=[apple.id], metadata={"source": "orchard"})
    assert third.updated == []
    assert {third.outcome(p) for p in range(10)} == {ImageOutcome.UNCHANGED}


def test_missing_regions_are_added_to_duplicates(client: TrainingClient) -> None:
    project = client.create_project("boxes", domain_id="da2e3a8a-40a5-4171-82f4-58522f70fbc1")
    box = client.create_tag(project.id, "box")
    picture = synthetic_fruit("orange", 1, (64, 64))
    region = {"tagId": str(box.id), "left": 0.1, "top": 0.1, "width": 0.5, "height": 0.5}
    other = {"tagId": str(box.id), "left": 0.6, "top": 0.6, "width": 0.3, "height": 0.3}
    client.upload_images(project.id, [ImageToUpload(picture, regions=[region])])
    again = client.upload_images(project.id, [ImageToUpload(picture, regions=[region, other])])
    assert [u.added_regions for u in again.updated] == [1]
    [stored] = list(client.iter_images(project.id))
    assert len(stored.regions) == 2


def write_image(path: Path, kind: str, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(synthetic_fruit(kind, seed, (32, 32)))


def test_upload_folder_one_sub_folder_per_tag(client: TrainingClient, tmp_path: Path) -> None:
    project = client.create_project("folder")
    existing = client.create_tag(project.id, "apple")
    for n in range(3):
        write_image(tmp_path / "apple" / f"{n}.jpg", "apple", n)
    for n in range(2):
        write_image(tmp_path / "banana" / f"{n}.jpg", "banana", n)
    write_image(tmp_path / "loose.jpg", "orange", 0)
    (tmp_path / "notes.txt").write_text("not an image")
    report = client.upload_folder(project.id, tmp_path)
    assert report.ok and len(report.succeeded) == 6
    tags = {tag.name: tag for tag in client.get_tags(project.id)}
    assert set(tags) == {"apple", "banana"}
    assert tags["apple"].id == existing.id
    assert client.get_tagged_image_count(project.id, tag_ids=[existing.id]) == 3
    assert client.get_untagged_image_count(project.id) == 1
    again = client.upload_folder(project.id, tmp_path)
    assert len(again.duplicates) == 6 and again.updated == []


def test_upload_folder_checks_every_file_before_sending(tmp_path: Path) -> None:
    write_image(tmp_path / "apple" / "good.jpg", "apple", 0)
    (tmp_path / "apple" / "bad.jpg").write_text("plain text")
    (tmp_path / "banana").mkdir()
    (tmp_path / "banana" / "empty.png").write_bytes(b"")
    with respx.mock(base_url=ENDPOINT) as router, TrainingClient(ENDPOINT, KEY) as client:
        with pytest.raises(ClientValidationError, match="2 file") as caught:
            client.upload_folder(PROJECT, tmp_path)
        assert not router.calls
    assert "bad.jpg" in str(caught.value) and "empty.png" in str(caught.value)


class SlowUploads(httpx.AsyncBaseTransport):
    """Answers uploads after a pause, counting how many are in flight at once and images read by then."""

    def __init__(self, read: list[int]) -> None:
        self.read = read
        self.in_flight = 0
        self.most_in_flight = 0
        self.read_when_first_answered: int | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        if self.read_when_first_answered is None:
            self.read_when_first_answered = len(self.read)
        entries = json.loads(request.content)["images"]
        numbers = [int.from_bytes(base64.b64decode(entry["contents"])[3:7], "big") for entry in entries]
        results = [{"status": "OK", "image": stored_image(uuid.UUID(int=n))} for n in numbers]
        return httpx.Response(200, json={"isBatchSuccessful": True, "images": results}, request=request)


def test_async_upload_sends_batches_concurrently_with_bounded_memory() -> None:
    read: list[int] = []

    def generate() -> Iterator[bytes]:
        for n in range(400):
            read.append(n)
            yield image(n)

    transport = SlowUploads(read)

    async def scenario() -> UploadReport:
        http = httpx.AsyncClient(transport=transport)
        async with AsyncTrainingClient(ENDPOINT, KEY, http_client=http) as client:
            return await client.upload_images(PROJECT, generate(), max_batch_images=10, concurrency=3)

    report = asyncio.run(scenario())
    assert report.ok and len(report.results) == 400
    assert transport.most_in_flight == 3
    # When the first answer came, only the 3 batches in flight (and one image of the next) had been read.
    assert transport.read_when_first_answered is not None and transport.read_when_first_answered <= 3 * 10 + 1
    # Batches were answered out of order; the report is in input order.
    assert [r.image.id.int for r in report.results if r.image and r.image.id] == list(range(400))


def test_sync_upload_with_threads_keeps_input_order(emulator: Emulator, client: TrainingClient) -> None:
    project = client.create_project("threads")
    images = [synthetic_fruit("apple", n, (32, 32)) for n in range(50)]
    report = client.upload_images(project.id, images, max_batch_images=8, concurrency=3)
    assert report.ok and report.batches == 7
    ids = [r.image.id for r in report.results if r.image]
    again = client.upload_images(project.id, images, max_batch_images=8)
    assert [r.image.id for r in again.results if r.image] == ids


def test_concurrency_is_checked(client: TrainingClient) -> None:
    with pytest.raises(ClientValidationError, match="concurrency"):
        client.upload_images(PROJECT, [image(0)], concurrency=0)
