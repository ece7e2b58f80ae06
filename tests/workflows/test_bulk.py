"""Bulk upload: batches by count, bytes and tags; per-image tags and regions; partial failures; both clients."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from customvision_rest import AsyncTrainingClient, ClientValidationError, Resource, TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.models.training import ImageCreateResult, ImageCreateStatus, Region
from customvision_rest.operations.limits import MAX_TRAINING_IMAGE_BYTES
from customvision_rest.workflows.bulk import ImageToUpload, UploadIncompleteError, UploadReport
from service_bodies import stored_image

ENDPOINT = "https://unit.cognitiveservices.azure.com"
KEY = "training-key-for-tests"
PROJECT = str(uuid.UUID(int=21))
FILES = f"/customvision/v3.3/training/projects/{PROJECT}/images/files"


def image(n: int, size: int = 100) -> bytes:
    """Distinct image bytes: a JPEG-like header, the number, padding to ``size``."""
    head = b"\xff\xd8\xff" + n.to_bytes(4, "big")
    return head + b"x" * (size - len(head))


def tag(n: int) -> str:
    return str(uuid.UUID(int=1000 + n))


class Service:
    """Records every upload body and answers one result per image (failing the listed image contents)."""

    def __init__(self, fail: set[bytes] | None = None) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.sizes: list[int] = []
        self.fail = fail or set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sizes.append(len(request.content))
        body = json.loads(request.content)
        self.bodies.append(body)
        results = []
        for entry in body["images"]:
            data = base64.b64decode(entry["contents"])
            if data in self.fail:
                results.append({"sourceUrl": entry.get("name"), "status": "ErrorImageFormat"})
            else:
                results.append({"sourceUrl": entry.get("name"), "status": "OK", "image": stored_image()})
        failed = any(r["status"] != "OK" for r in results)
        return httpx.Response(207 if failed else 200, json={"isBatchSuccessful": not failed, "images": results})

    def sent(self) -> list[bytes]:
        return [base64.b64decode(e["contents"]) for b in self.bodies for e in b["images"]]


@pytest.fixture
def service() -> Iterator[Service]:
    fake = Service()
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        router.post(FILES).mock(side_effect=fake)
        yield fake


def upload(*args: Any, **kwargs: Any) -> UploadReport:
    with TrainingClient(ENDPOINT, KEY) as client:
        return client.upload_images(PROJECT, *args, **kwargs)


def test_150_images_go_in_three_batches_in_order(service: Service) -> None:
    images = [image(n) for n in range(150)]
    report = upload(images, tag_ids=[tag(0)])
    assert [len(b["images"]) for b in service.bodies] == [64, 64, 22]
    assert service.sent() == images
    assert report.batches == 3
    assert len(report.results) == len(report.succeeded) == 150
    assert report.failed == []
    assert report.duplicates == []
    assert report.describe_failures() == ""
    assert all(e["tagIds"] == [tag(0)] for b in service.bodies for e in b["images"])


def test_byte_budget_splits_batches_and_keeps_every_body_under_it(service: Service) -> None:
    images = [image(n, size=1000 + 37 * n) for n in range(40)]
    budget = 6000
    report = upload(iter(images), max_batch_bytes=budget, metadata={"source": "unit"})
    assert report.batches == len(service.bodies) > 5
    assert all(size <= budget for size in service.sizes)
    assert service.sent() == images  # every image exactly once, in order
    assert all(b["metadata"] == {"source": "unit"} for b in service.bodies)
    # The batches are full: the first entry of the next batch (and its comma) would not have fitted.
    for size, following in zip(service.sizes[:-1], service.bodies[1:], strict=True):
        entry = json.dumps(following["images"][0], separators=(",", ":"))
        assert size + 1 + len(entry) > budget


def test_an_image_over_the_byte_budget_goes_alone(service: Service) -> None:
    images = [image(0), image(1, size=5000), image(2)]
    upload(images, max_batch_bytes=2000)
    assert [len(b["images"]) for b in service.bodies] == [1, 1, 1]
    assert service.sent() == images


def test_max_batch_images_is_respected_and_checked(service: Service) -> None:
    upload([image(n) for n in range(10)], max_batch_images=4)
    assert [len(b["images"]) for b in service.bodies] == [4, 4, 2]
    for wrong in (0, 65):
        with pytest.raises(ClientValidationError, match="max_batch_images"):
            upload([image(0)], max_batch_images=wrong)
    assert len(service.bodies) == 3


def test_more_than_20_distinct_tags_split_batches(service: Service) -> None:
    items = [ImageToUpload(image(n), tag_ids=[tag(n % 30)]) for n in range(60)]
    report = upload(items, tag_ids=[tag(99)])
    assert report.batches == len(service.bodies) >= 3
    for body in service.bodies:
        distinct = {t for e in body["images"] for t in e["tagIds"]}
        assert len(distinct) <= 20
        assert tag(99) in distinct
    assert service.sent() == [item.image for item in items]


def test_per_image_tags_regions_and_names_are_in_the_json(service: Service, tmp_path: Path) -> None:
    path = tmp_path / "apple.jpg"
    path.write_bytes(image(2))
    region = {"tagId": tag(3), "left": 0.1, "top": 0.2, "width": 0.3, "height": 0.4}
    items: list[Any] = [
        ImageToUpload(image(1), tag_ids=[tag(1), uuid.UUID(tag(2))], name="one"),
        ImageToUpload(str(path), regions=[Region.model_validate(region)]),
        image(3),
        ImageToUpload(image(4), regions=[region]),
    ]
    upload(items, tag_ids=[tag(1)])
    entries = service.bodies[0]["images"]
    assert entries[0] == {"name": "one", "contents": base64.b64encode(image(1)).decode(), "tagIds": [tag(1), tag(2)]}
    assert entries[1]["name"] == "apple.jpg"
    assert entries[1]["tagIds"] == [tag(1)]
    assert entries[1]["regions"] == [region]
    assert entries[2]["tagIds"] == [tag(1)]
    assert "name" not in entries[2]
    assert "regions" not in entries[2]
    assert entries[3]["regions"] == [region]
    with pytest.raises(UploadIncompleteError, match=r"images\[0\]: invalid region") as caught:
        upload([ImageToUpload(image(5), regions=[{"left": 0.1}])])
    assert isinstance(caught.value.__cause__, ClientValidationError)
    assert caught.value.report.unread_from == 0


def test_a_207_lists_failures_with_input_positions(service: Service) -> None:
    images = [image(n) for n in range(70)]
    service.fail = {images[3], images[65]}
    items = [ImageToUpload(data, name=f"img{n}") for n, data in enumerate(images)]
    report = upload(items)
    assert report.batches == 2
    assert [f.position for f in report.failed] == [3, 65]
    assert [f.name for f in report.failed] == ["img3", "img65"]
    assert [str(f.result.status) for f in report.failed] == ["ErrorImageFormat"] * 2
    counts = report.status_counts()
    assert report._results is None  # counted from the statuses kept, without building 70 results
    assert counts == {ImageCreateStatus.OK: 68, ImageCreateStatus.ERROR_IMAGE_FORMAT: 2}
    assert len(report.succeeded) == 68
    assert not report.ok
    text = report.describe_failures()
    assert text.startswith("2 of 70 images failed")
    assert "#3 (img3): ErrorImageFormat" in text
    assert "#65 (img65): ErrorImageFormat" in text


def test_an_oversize_image_is_refused_naming_its_position(service: Service) -> None:
    images = [image(0), image(1), image(2, size=MAX_TRAINING_IMAGE_BYTES + 1), image(3)]
    items = [ImageToUpload(data, name=f"img{n}") for n, data in enumerate(images)]
    with pytest.raises(UploadIncompleteError, match=r"images\[2\] \(img2\)") as caught:
        upload(items)
    cause = caught.value.__cause__
    assert isinstance(cause, ClientValidationError)
    assert cause.value == MAX_TRAINING_IMAGE_BYTES + 1
    assert service.bodies == []  # the image's own batch was never sent
    report = caught.value.report
    assert report.not_attempted == [0, 1]  # read, but their batch was never sent
    assert report.unread_from == 2
    assert not report.ok


def test_too_many_tags_on_one_image_is_refused(service: Service) -> None:
    item = ImageToUpload(image(0), tag_ids=[tag(n) for n in range(15)])
    with pytest.raises(UploadIncompleteError, match=r"images\[0\].*21"):
        upload([item], tag_ids=[tag(n) for n in range(20, 26)])
    assert service.bodies == []


def test_images_are_read_lazily(service: Service) -> None:
    read: list[int] = []

    def generate() -> Iterator[bytes]:
        for n in range(130):
            read.append(n)
            yield image(n)

    calls: list[tuple[int, int | None, int]] = []
    upload(generate(), progress=lambda sent, total: calls.append((sent, total, len(read))))
    # When the first batch was sent, only its 64 images and the one that did not fit had been read.
    assert calls == [(64, None, 65), (128, None, 129), (130, None, 130)]


def test_progress_reports_the_total_of_a_sized_input(service: Service) -> None:
    calls: list[tuple[int, int | None]] = []
    upload([image(n) for n in range(100)], progress=lambda sent, total: calls.append((sent, total)))
    assert calls == [(64, 100), (100, 100)]


def test_no_images_sends_nothing(service: Service) -> None:
    report = upload([])
    assert report.batches == 0
    assert report.results == []
    assert service.bodies == []


def test_async_client_uploads_in_batches(service: Service) -> None:
    images = [image(n) for n in range(100)]
    service.fail = {images[80]}

    async def scenario() -> UploadReport:
        async with AsyncTrainingClient(ENDPOINT, KEY) as client:
            return await client.upload_images(uuid.UUID(PROJECT), images, max_batch_images=50)

    report = asyncio.run(scenario())
    assert [len(b["images"]) for b in service.bodies] == [50, 50]
    assert [f.position for f in report.failed] == [80]
    assert service.sent() == images


def test_emulator_upload_then_duplicates() -> None:
    with Emulator() as emu:
        resource = Resource.training("https://customvision-emulator.localhost", emu.training_resource.key)
        with TrainingClient(resource, http_client=httpx.Client(transport=emu.transport())) as trainer:
            project = trainer.create_project("bulk")
            assert project.id is not None
            kinds = ("apple", "banana", "orange")
            tags: dict[str, uuid.UUID] = {}
            for kind in kinds:
                created = trainer.create_tag(project.id, kind)
                assert created.id is not None
                tags[kind] = created.id
            items = [
                ImageToUpload(synthetic_fruit(kind, seed), tag_ids=[tags[kind]]) for seed in range(24) for kind in kinds
            ][:70]
            first = trainer.upload_images(project.id, items, metadata={"batch": "one"})
            assert first.batches == 2
            assert first.ok, first.describe_failures()
            assert len(first.succeeded) == 70
            assert first.duplicates == []
            assert trainer.get_tagged_image_count(project.id) == 70

            again = trainer.upload_images(project.id, items)
            assert again.batches == 2
            assert len(again.duplicates) == 70
            assert again.status_counts() == {ImageCreateStatus.OK_DUPLICATE: 70}
            assert first.status_counts() == {ImageCreateStatus.OK: 70}
            assert again.ok
            assert trainer.get_tagged_image_count(project.id) == 70


def test_status_counts_of_a_report_made_by_hand() -> None:
    results = [
        ImageCreateResult(status=ImageCreateStatus.OK),
        ImageCreateResult(status=ImageCreateStatus.OK),
        ImageCreateResult(status=ImageCreateStatus.OK_DUPLICATE),
    ]
    assert UploadReport(results=results).status_counts() == {ImageCreateStatus.OK: 2, ImageCreateStatus.OK_DUPLICATE: 1}
    assert UploadReport().status_counts() == {}
