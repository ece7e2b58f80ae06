"""Dataset download: every image with its tags, regions and metadata; no credentials sent to image hosts."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from customvision_rest import AsyncTrainingClient, Resource, TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.workflows.dataset import MANIFEST_FORMAT
from service_bodies import project, tag

ENDPOINT = "https://unit.cognitiveservices.azure.com"
KEY = "training-key-DATASET-secret"
PROJECT = str(uuid.UUID(int=31))
ROOT = f"/customvision/v3.3/training/projects/{PROJECT}"
BLOB = "https://blobstore.example"
GENERAL = "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"  # the General classification domain, the same in every region
JPEG = b"\xff\xd8\xff\xe0 fake jpeg"


def image(number: int) -> dict[str, Any]:
    image_id = str(uuid.UUID(int=1000 + number))
    return {
        "id": image_id,
        "width": 640,
        "height": 480,
        "created": "2020-02-29T16:47:59.1234567",
        "originalImageUri": f"{BLOB}/o/{image_id}?sig=SECRET-SAS",
        "resizedImageUri": f"{BLOB}/r/{image_id}?sig=SECRET-SAS",
        "thumbnailUri": f"{BLOB}/t/{image_id}?sig=SECRET-SAS",
        "tags": [{"tagId": str(uuid.UUID(int=7)), "tagName": "apple", "created": "2020-02-29T16:48:00.1234567"}],
        "regions": [],
        "metadata": {"n": str(number)},
    }


def mock_project(mock: respx.MockRouter, count: int) -> respx.Route:
    mock.get(ROOT).mock(return_value=httpx.Response(200, json=project(PROJECT, "fruit")))
    mock.get(f"{ROOT}/tags").mock(return_value=httpx.Response(200, json=[tag(uuid.UUID(int=7), "apple")]))
    general = {"id": GENERAL, "name": "General", "type": "Classification", "exportable": False, "enabled": True}
    mock.get(f"/customvision/v3.3/training/domains/{GENERAL}").mock(return_value=httpx.Response(200, json=general))

    def page(request: httpx.Request) -> httpx.Response:
        skip, take = int(request.url.params["skip"]), int(request.url.params["take"])
        return httpx.Response(200, json=[image(n) for n in range(skip, min(skip + take, count))])

    mock.get(f"{ROOT}/images").mock(side_effect=page)
    return mock.get(host="blobstore.example").mock(return_value=httpx.Response(200, content=JPEG))


def test_pages_through_all_images_without_sending_the_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[int] = []
    with respx.mock(base_url=ENDPOINT) as mock:
        blobs = mock_project(mock, 300)
        result = TrainingClient(ENDPOINT, KEY).download_dataset(PROJECT, tmp_path, progress=seen.append)
    assert result.images == 300
    assert result.downloaded == 300
    assert seen[-1] == 300
    assert blobs.call_count == 300
    for call in blobs.calls:
        assert "training-key" not in call.request.headers
        assert "authorization" not in call.request.headers
        assert "/o/" in call.request.url.path
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == MANIFEST_FORMAT
    assert len(manifest["images"]) == 300
    first = manifest["images"][0]
    assert first["file"] == f"images/{uuid.UUID(int=1000)}.jpg"
    assert first["tags"] == [{"id": str(uuid.UUID(int=7)), "name": "apple"}]
    assert first["metadata"] == {"n": "0"}
    assert first["created"].endswith("+00:00")
    assert (tmp_path / first["file"]).read_bytes() == JPEG
    assert "SECRET-SAS" not in (tmp_path / "manifest.json").read_text()
    logged = [record.getMessage() for record in caplog.records]
    assert any("blobstore.example" in message for message in logged)
    assert not any("SECRET-SAS" in message or KEY in message for message in logged)


def test_resumes_without_fetching_images_again(tmp_path: Path) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock_project(mock, 5)
        TrainingClient(ENDPOINT, KEY).download_dataset(PROJECT, tmp_path)
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        blobs = mock_project(mock, 5)
        again = TrainingClient(ENDPOINT, KEY).download_dataset(PROJECT, tmp_path, resized=True)
    assert blobs.call_count == 0
    assert (again.downloaded, again.already_present) == (0, 5)


def test_async_client_downloads_resized_copies(tmp_path: Path) -> None:
    async def scenario() -> int:
        with respx.mock(base_url=ENDPOINT) as mock:
            blobs = mock_project(mock, 3)
            async with AsyncTrainingClient(ENDPOINT, KEY) as trainer:
                result = await trainer.download_dataset(PROJECT, tmp_path, resized=True)
            assert all("/r/" in call.request.url.path for call in blobs.calls)
            return result.images

    assert asyncio.run(scenario()) == 3


def test_everything_comes_back_from_the_emulator(tmp_path: Path) -> None:
    """Upload with tags, regions and metadata; the download holds the same bytes and labels."""
    with Emulator() as emulator:
        resource = Resource.training("https://customvision-emulator.localhost", emulator.training_resource.key)
        with TrainingClient(resource, http_client=httpx.Client(transport=emulator.transport())) as trainer:
            project = trainer.create_project("export me")
            assert project.id is not None
            uploaded: dict[str, bytes] = {}
            for fruit in ("apple", "banana"):
                tag = trainer.create_tag(project.id, fruit)
                assert tag.id is not None
                images = [synthetic_fruit(fruit, seed) for seed in range(3)]
                summary = trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
                for result in summary.images:
                    assert result.image is not None
                    uploaded[str(result.image.id)] = images[summary.images.index(result)]
            untagged = synthetic_fruit("orange", 1)
            summary = trainer.create_images_from_data(project.id, untagged)
            assert summary.images[0].image is not None
            uploaded[str(summary.images[0].image.id)] = untagged
            result = trainer.download_dataset(project.id, tmp_path / "fruit")
    assert result.images == 7
    assert result.tags == 2
    manifest = json.loads(result.manifest.read_text())
    by_id = {entry["id"]: entry for entry in manifest["images"]}
    assert set(by_id) == set(uploaded)
    for image_id, data in uploaded.items():
        written = (tmp_path / "fruit" / by_id[image_id]["file"]).read_bytes()
        assert hashlib.sha256(written).digest() == hashlib.sha256(data).digest()
    assert sorted(len(entry["tags"]) for entry in manifest["images"]) == [0, 1, 1, 1, 1, 1, 1]
    assert {t["name"] for t in manifest["tags"]} == {"apple", "banana"}


def test_bad_address_is_a_clear_error(tmp_path: Path) -> None:
    from customvision_rest import ClientValidationError

    with respx.mock(base_url=ENDPOINT) as mock:
        mock.get(ROOT).mock(return_value=httpx.Response(200, json=project(PROJECT, "p")))
        mock.get(f"{ROOT}/tags").mock(return_value=httpx.Response(200, json=[]))
        bad = {**image(0), "originalImageUri": "ftp://blobstore.example/o"}
        mock.get(f"{ROOT}/images").mock(return_value=httpx.Response(200, json=[bad]))
        with pytest.raises(ClientValidationError, match="http"):
            TrainingClient(ENDPOINT, KEY).download_dataset(PROJECT, tmp_path)
