"""Uploads and their limits, duplicates, 207 multi-status, deletes, metadata, paging and downloads."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from emulator_helpers import make_project, make_tag
from PIL import Image

from customvision_rest.emulator import Emulator, synthetic_fruit


def _file(kind: str, seed: int) -> dict[str, str]:
    return {"name": f"{kind}-{seed}.jpg", "contents": base64.b64encode(synthetic_fruit(kind, seed, (64, 64))).decode()}


def test_create_images_from_files_limit_is_64(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    ok = trainer.post(
        f"/projects/{project['id']}/images/files", json={"images": [_file("apple", i) for i in range(64)]}
    )
    assert ok.status_code == 200
    assert len(ok.json()["images"]) == 64
    over = trainer.post(
        f"/projects/{project['id']}/images/files", json={"images": [_file("apple", i) for i in range(65)]}
    )
    assert over.status_code == 400
    assert over.json()["code"] == "BadRequestImageBatch"


def test_tags_per_batch_limit_is_20(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    tag_ids = [make_tag(trainer, project["id"], f"t{i}")["id"] for i in range(21)]
    ok = trainer.post(
        f"/projects/{project['id']}/images/files", json={"images": [_file("apple", 1)], "tagIds": tag_ids[:20]}
    )
    assert ok.status_code == 200
    over = trainer.post(
        f"/projects/{project['id']}/images/files", json={"images": [_file("apple", 2)], "tagIds": tag_ids}
    )
    assert over.status_code == 400
    assert over.json()["code"] == "BadRequestExceedTagPerImageLimit"


def test_duplicates_and_bad_images_give_207_with_per_image_status(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    first = trainer.post(f"/projects/{project['id']}/images/files", json={"images": [_file("apple", 1)]})
    assert first.json()["images"][0]["status"] == "OK"
    image_id = first.json()["images"][0]["image"]["id"]
    big = io.BytesIO()
    Image.effect_noise((1800, 1800), 100).convert("RGB").save(big, format="BMP")  # ~9.7 MB
    response = trainer.post(
        f"/projects/{project['id']}/images/files",
        json={
            "images": [
                _file("apple", 1),
                {"name": "junk.jpg", "contents": base64.b64encode(b"not an image").decode()},
                {"name": "big.bmp", "contents": base64.b64encode(big.getvalue()).decode()},
            ]
        },
    )
    assert response.status_code == 207
    body = response.json()
    assert body["isBatchSuccessful"] is False
    assert [i["status"] for i in body["images"]] == ["OKDuplicate", "ErrorImageFormat", "ErrorImageSize"]
    assert body["images"][0]["image"]["id"] == image_id
    assert trainer.get(f"/projects/{project['id']}/images/count").json() == 1


def test_training_image_just_under_6_mb_is_accepted(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    image = io.BytesIO()
    Image.new("RGB", (1440, 1440), (10, 20, 30)).save(image, format="BMP")  # 6,220,854 bytes
    data = image.getvalue()
    assert len(data) < 6 * 1024 * 1024
    response = trainer.post(
        f"/projects/{project['id']}/images", content=data, headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 200, response.text


def test_multipart_upload_any_field_names_and_comma_separated_tags(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    tags = [make_tag(trainer, project["id"], name)["id"] for name in ("a", "b")]
    files = [
        ("imageData", ("x.jpg", synthetic_fruit("apple", 1, (64, 64)))),
        ("other", ("y.jpg", synthetic_fruit("orange", 2, (64, 64)))),
    ]
    response = trainer.post(f"/projects/{project['id']}/images", params={"tagIds": ",".join(tags)}, files=files)
    assert response.status_code == 200, response.text
    images = response.json()["images"]
    assert [i["sourceUrl"] for i in images] == ['"x.jpg"', '"y.jpg"']
    assert {t["tagId"] for t in images[0]["image"]["tags"]} == set(tags)


def test_multipart_limit_is_64_files(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    files = [("imageData", (f"{i}.jpg", synthetic_fruit("apple", i, (32, 32)))) for i in range(65)]
    response = trainer.post(f"/projects/{project['id']}/images", files=files)
    assert response.status_code == 400
    assert response.json()["code"] == "BadRequestImageBatch"


def test_urls_only_data_urls_are_reachable(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    data_url = "data:image/jpeg;base64," + base64.b64encode(synthetic_fruit("apple", 3, (64, 64))).decode()
    response = trainer.post(
        f"/projects/{project['id']}/images/urls",
        json={"images": [{"url": data_url}, {"url": "https://example.com/a.jpg"}]},
    )
    assert response.status_code == 207
    assert [i["status"] for i in response.json()["images"]] == ["OK", "ErrorSource"]


def test_delete_all_images_answers_202_and_by_ids_204(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    created = trainer.post(
        f"/projects/{project['id']}/images/files", json={"images": [_file("apple", i) for i in range(3)]}
    ).json()
    first = created["images"][0]["image"]["id"]
    assert trainer.delete(f"/projects/{project['id']}/images", params={"imageIds": first}).status_code == 204
    assert trainer.get(f"/projects/{project['id']}/images/count").json() == 2
    assert trainer.delete(f"/projects/{project['id']}/images", params={"allImages": "true"}).status_code == 202
    assert trainer.get(f"/projects/{project['id']}/images/count").json() == 0


def test_metadata_limits(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    image_id = trainer.post(f"/projects/{project['id']}/images/files", json={"images": [_file("apple", 1)]}).json()[
        "images"
    ][0]["image"]["id"]
    url = f"/projects/{project['id']}/images/metadata"
    ok = trainer.post(url, params={"imageIds": image_id}, json={"k" * 256: "v" * 512})
    assert ok.status_code == 200
    assert ok.json()["images"][0]["metadata"] == {"k" * 256: "v" * 512}
    assert trainer.post(url, params={"imageIds": image_id}, json={"k" * 257: "v"}).json()["code"] == (
        "BadRequestImageMetadataKey"
    )
    assert trainer.post(url, params={"imageIds": image_id}, json={"k": "v" * 513}).json()["code"] == (
        "BadRequestImageMetadataValue"
    )
    missing = trainer.post(url, params={"imageIds": "00000000-0000-0000-0000-000000000000"}, json={"k": "v"})
    assert missing.status_code == 207
    assert missing.json()["images"][0]["status"] == "ErrorImageNotFound"


def test_paging_filters_and_counts(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    tag = make_tag(trainer, project["id"], "apple")["id"]
    trainer.post(
        f"/projects/{project['id']}/images/files",
        json={"images": [_file("apple", i) for i in range(5)], "tagIds": [tag]},
    )
    trainer.post(f"/projects/{project['id']}/images/files", json={"images": [_file("orange", i) for i in range(3)]})
    base = f"/projects/{project['id']}/images"
    assert trainer.get(base + "/tagged/count").json() == 5
    assert trainer.get(base + "/untagged/count").json() == 3
    assert trainer.get(base + "/count", params={"tagIds": tag}).json() == 5
    assert len(trainer.get(base, params={"take": 3}).json()) == 3
    assert len(trainer.get(base, params={"take": 3, "skip": 6}).json()) == 2
    assert len(trainer.get(base).json()) == 8
    assert trainer.get(base, params={"take": 257}).status_code == 400
    newest = trainer.get(base, params={"orderBy": "Newest"}).json()
    oldest = trainer.get(base, params={"orderBy": "Oldest"}).json()
    assert [i["id"] for i in newest] == [i["id"] for i in reversed(oldest)]
    ids = ",".join(i["id"] for i in newest[:2])
    assert len(trainer.get(base + "/id", params={"imageIds": ids}).json()) == 2
    too_many = ",".join(["00000000-0000-0000-0000-000000000000"] * 257)
    assert trainer.get(base + "/id", params={"imageIds": too_many}).json()["code"] == "BadRequestExceededBatchSize"
    tag_count = trainer.get(f"/projects/{project['id']}/tags/{tag}").json()["imageCount"]
    assert tag_count == 5


def test_image_uris_download_without_key(emulator: Emulator, trainer: httpx.Client) -> None:
    project = make_project(trainer)
    data = synthetic_fruit("banana", 9, (300, 200))
    image = trainer.post(
        f"/projects/{project['id']}/images/files",
        json={"images": [{"name": "b.jpg", "contents": base64.b64encode(data).decode()}]},
    ).json()["images"][0]["image"]
    assert (image["width"], image["height"]) == (300, 200)
    with httpx.Client(transport=emulator.transport()) as anonymous:
        assert anonymous.get(image["originalImageUri"]).content == data
        thumbnail = Image.open(io.BytesIO(anonymous.get(image["thumbnailUri"]).content))
        assert max(thumbnail.size) <= 160
        assert anonymous.get(image["resizedImageUri"]).status_code == 200
    artifact = trainer.get(f"/projects/{project['id']}/artifacts", params={"path": f"images/{image['id']}"})
    assert artifact.content == data
    assert artifact.headers["content-type"] == "application/octet-stream"


def test_regions_and_image_tags(trainer: httpx.Client) -> None:
    project = make_project(trainer, domainId="da2e3a8a-40a5-4171-82f4-58522f70fbc1")
    tag = make_tag(trainer, project["id"], "fruit")["id"]
    image_id = trainer.post(f"/projects/{project['id']}/images/files", json={"images": [_file("apple", 1)]}).json()[
        "images"
    ][0]["image"]["id"]
    region = {"imageId": image_id, "tagId": tag, "left": 0.1, "top": 0.2, "width": 0.3, "height": 0.4}
    created = trainer.post(f"/projects/{project['id']}/images/regions", json={"regions": [region]})
    assert created.status_code == 200
    region_id = created.json()["created"][0]["regionId"]
    again = trainer.post(f"/projects/{project['id']}/images/regions", json={"regions": [region]})
    assert again.status_code == 207
    assert len(again.json()["duplicated"]) == 1
    stored = trainer.get(f"/projects/{project['id']}/images/id", params={"imageIds": image_id}).json()[0]
    assert stored["regions"][0]["regionId"] == region_id
    assert (
        trainer.delete(f"/projects/{project['id']}/images/regions", params={"regionIds": region_id}).status_code == 204
    )
    proposals = trainer.post(f"/projects/{project['id']}/images/{image_id}/regionproposals").json()
    assert proposals["proposals"]
    assert all(0 <= p["boundingBox"]["left"] <= 1 for p in proposals["proposals"])


def test_unknown_ids_answer_404_codes(trainer: httpx.Client) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert trainer.get(f"/projects/{missing}").json()["code"] == "NotFoundProject"
    project = make_project(trainer)
    assert trainer.get(f"/projects/{project['id']}/tags/{missing}").json()["code"] == "NotFoundTag"
    assert trainer.get(f"/projects/{project['id']}/iterations/{missing}").json()["code"] == "NotFoundIteration"
    assert trainer.get(f"/domains/{missing}").json()["code"] == "NotFoundDomain"


@pytest.mark.parametrize(("tier", "projects", "tags"), [("F0", 2, 50)])
def test_tier_quotas(tier: str, projects: int, tags: int) -> None:
    with (
        Emulator(training_key="k", tier=tier) as emulator,
        httpx.Client(
            base_url="http://h/customvision/v3.3/training",
            transport=emulator.transport(),
            headers={"Training-Key": "k"},
        ) as client,
    ):
        ids = [client.post("/projects", params={"name": f"p{i}"}).json()["id"] for i in range(projects)]
        over = client.post("/projects", params={"name": "one too many"})
        assert over.status_code == 400
        assert over.json()["code"] == "BadRequestExceedProjectLimit"
        for i in range(tags):
            assert client.post(f"/projects/{ids[0]}/tags", params={"name": f"t{i}"}).status_code == 200
        over_tag = client.post(f"/projects/{ids[0]}/tags", params={"name": "extra"})
        assert over_tag.json()["code"] == "BadRequestExceedTagPerProjectLimit"
