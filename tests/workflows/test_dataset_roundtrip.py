"""A dataset downloaded from one project and uploaded into a new one: the same images, tags, regions, metadata."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from customvision_rest import ClientValidationError, Resource, TrainingClient
from customvision_rest.emulator import Emulator
from customvision_rest.emulator._images import draw_fruit
from customvision_rest.workflows.bulk import ImageToUpload

DETECTION = "da2e3a8a-40a5-4171-82f4-58522f70fbc1"  # General (object detection)


def trainer_for(emulator: Emulator) -> TrainingClient:
    resource = Resource.training("https://customvision-emulator.localhost", emulator.training_resource.key)
    return TrainingClient(resource, http_client=httpx.Client(transport=emulator.transport()))


def snapshot(trainer: TrainingClient, blobs: httpx.Client, project_id: str) -> list[tuple[Any, ...]]:
    """Every image as (content hash, tag names, regions by tag name, metadata), in a stable order."""
    rows = []
    for image in trainer.get_images(project_id, take=256):
        assert image.original_image_uri is not None
        data = blobs.get(image.original_image_uri).content
        regions = sorted(
            (r.tag_name, round(r.left, 6), round(r.top, 6), round(r.width, 6), round(r.height, 6))
            for r in image.regions
        )
        tags = sorted(t.tag_name or "" for t in image.tags)
        rows.append((hashlib.sha256(data).hexdigest(), tags, regions, sorted(image.metadata.items())))
    return sorted(rows)


def fill(trainer: TrainingClient, kind: str) -> str:
    if kind == "detection":
        project = trainer.create_project("source", domain_id=DETECTION)
    else:
        project = trainer.create_project("source", classification_type="Multilabel" if kind == "multilabel" else None)
    assert project.id is not None
    tags = {fruit: str(trainer.create_tag(project.id, fruit).id) for fruit in ("apple", "banana")}
    uploads = []
    for number, fruit in enumerate(["apple", "banana", "apple", "banana"]):
        data, (left, top, width, height) = draw_fruit(fruit, number, (160, 120))
        if kind == "detection":
            region = {"tag_id": tags[fruit], "left": left, "top": top, "width": width, "height": height}
            uploads.append(ImageToUpload(data, regions=[region]))
        elif kind == "multilabel" and number == 2:
            uploads.append(ImageToUpload(data, tag_ids=list(tags.values())))
        else:
            uploads.append(ImageToUpload(data, tag_ids=[tags[fruit]]))
    assert trainer.upload_images(project.id, uploads[:2], metadata={"camera": "left"}).ok
    assert trainer.upload_images(project.id, uploads[2:]).ok
    assert trainer.upload_images(project.id, [draw_fruit("orange", 9, (90, 90))[0]]).ok  # untagged
    return str(project.id)


@pytest.mark.parametrize("kind", ["multiclass", "multilabel", "detection"])
def test_round_trip_into_a_new_project(tmp_path: Path, kind: str) -> None:
    with Emulator() as emulator:
        trainer = trainer_for(emulator)
        blobs = httpx.Client(transport=emulator.transport())
        source = fill(trainer, kind)
        downloaded = trainer.download_dataset(source, tmp_path / "data")
        target = trainer.create_project("copy", domain_id=DETECTION if kind == "detection" else None)
        assert target.id is not None
        seen: list[int] = []
        uploaded = trainer.upload_dataset(target.id, tmp_path / "data", progress=lambda n, total: seen.append(n))
        assert uploaded.images == downloaded.images == 5
        assert sorted(uploaded.tags_created) == ["apple", "banana"]
        assert not uploaded.failed
        assert seen[-1] == 5
        copied, original = snapshot(trainer, blobs, str(target.id)), snapshot(trainer, blobs, source)
        assert copied == original
        assert sum(len(row[2]) for row in original) == (4 if kind == "detection" else 0)
        assert sum(len(row[1]) for row in original) == {"multiclass": 4, "multilabel": 5, "detection": 0}[kind]
        assert [row[3] for row in original].count([("camera", "left")]) == 2
        again = trainer.upload_dataset(target.id, tmp_path / "data")
        assert again.tags_created == []
        assert trainer.get_image_count(target.id) == 5

    lines = [json.loads(line) for line in downloaded.automl.read_text().splitlines()]
    assert len(lines) == 4  # the untagged image has no label
    assert all(line["image_url"].startswith("images/") for line in lines)
    if kind == "detection":
        assert downloaded.coco is not None
        coco = json.loads(downloaded.coco.read_text())
        assert {c["name"] for c in coco["categories"]} == {"apple", "banana"}
        assert len(coco["images"]) == 5 and len(coco["annotations"]) == 4
        first = coco["annotations"][0]
        image = next(i for i in coco["images"] if i["id"] == first["image_id"])
        assert (image["width"], image["height"]) == (160, 120)
        assert 0 < first["bbox"][0] < 160 and 0 < first["bbox"][3] <= 120
        label = lines[0]["label"][0]
        assert label["label"] in ("apple", "banana") and 0 <= label["topX"] < label["bottomX"] <= 1
    else:
        assert downloaded.coco is None
        labels = [line["label"] for line in lines]
        if kind == "multilabel":
            assert sorted(map(sorted, labels)) == [["apple"], ["apple", "banana"], ["banana"], ["banana"]]
        else:
            assert sorted(labels) == ["apple", "apple", "banana", "banana"]
        assert lines[0]["image_details"]["format"] == "jpg"


def test_a_folder_without_a_manifest_is_refused(tmp_path: Path) -> None:
    with Emulator() as emulator:
        trainer = trainer_for(emulator)
        project = trainer.create_project("target")
        assert project.id is not None
        with pytest.raises(ClientValidationError, match=r"manifest\.json"):
            trainer.upload_dataset(project.id, tmp_path)
        (tmp_path / "manifest.json").write_text(json.dumps({"format": "something/else"}))
        with pytest.raises(ClientValidationError, match="something/else"):
            trainer.upload_dataset(project.id, tmp_path)


def test_the_async_client_uploads_a_dataset_with_batches_in_flight(tmp_path: Path) -> None:
    import asyncio

    from customvision_rest import AsyncTrainingClient

    with Emulator() as emulator:
        trainer = trainer_for(emulator)
        blobs = httpx.Client(transport=emulator.transport())
        source = fill(trainer, "multiclass")
        trainer.download_dataset(source, tmp_path)
        target = trainer.create_project("async copy")
        assert target.id is not None
        target_id = str(target.id)

        async def upload() -> int:
            resource = Resource.training("https://customvision-emulator.localhost", emulator.training_resource.key)
            http = httpx.AsyncClient(transport=emulator.transport())
            async with AsyncTrainingClient(resource, http_client=http) as client:
                result = await client.upload_dataset(target_id, tmp_path, concurrency=2)
            return result.images

        assert asyncio.run(upload()) == 5
        assert snapshot(trainer, blobs, target_id) == snapshot(trainer, blobs, source)
