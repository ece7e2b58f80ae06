"""Behaviour the real service shows and the emulator must match: imports with iterations, corrupt images,
continuation tokens with every key, duplicate detection by content."""

from __future__ import annotations

import base64
import time

import httpx
from emulator_helpers import make_project, make_tag, publish, trained_fruit_project, upload_fruit

from customvision_rest.emulator import Emulator, synthetic_fruit


def _files(images: list[bytes], tag_id: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {"images": [{"contents": base64.b64encode(data).decode()} for data in images]}
    if tag_id:
        body["tagIds"] = [tag_id]
    return body


def test_import_copies_trained_iterations_and_the_thumbnail(
    emulator: Emulator, trainer: httpx.Client, predictor: httpx.Client
) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    source = trainer.get(f"/projects/{project_id}").json()
    assert source["thumbnailUri"].endswith("/thumbnail")
    token = trainer.get(f"/projects/{project_id}/export").json()["token"]
    copy = trainer.post("/projects/import", params={"token": token}).json()
    deadline = time.monotonic() + 120
    while trainer.get(f"/projects/{copy['id']}").json()["status"] != "Succeeded" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert trainer.get(f"/projects/{copy['id']}").json()["thumbnailUri"] == source["thumbnailUri"]
    iterations = trainer.get(f"/projects/{copy['id']}/iterations").json()
    assert [(i["name"], i["status"], i["publishName"]) for i in iterations] == [(iteration["name"], "Completed", None)]
    copied = iterations[0]
    assert copied["id"] != iteration["id"]
    assert copied["trainedAt"] == iteration["trainedAt"]
    # The copy is a working model on the new project's own tags.
    copy_tags = {t["id"]: t["name"] for t in trainer.get(f"/projects/{copy['id']}/tags").json()}
    publish(trainer, emulator, copy["id"], copied["id"], "copied")
    answer = predictor.post(
        f"/{copy['id']}/classify/iterations/copied/image", content=synthetic_fruit("banana", 77, (96, 96))
    ).json()
    assert {p["tagId"] for p in answer["predictions"]} == set(copy_tags)
    assert answer["predictions"][0]["tagName"] == "banana"
    performance = trainer.get(f"/projects/{copy['id']}/iterations/{copied['id']}/performance").json()
    assert {t["id"] for t in performance["perTagPerformance"]} == set(copy_tags)


def test_truncated_image_is_refused_and_breaks_nothing(emulator: Emulator, trainer: httpx.Client) -> None:
    project = make_project(trainer)
    tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "orange")}
    upload_fruit(trainer, project["id"], tags, per_tag=5)
    whole = synthetic_fruit("apple", 50, (128, 128))
    truncated = whole[: len(whole) // 2]
    answer = trainer.post(f"/projects/{project['id']}/images/files", json=_files([truncated], tags["apple"]))
    assert answer.status_code == 207
    assert answer.json()["images"][0]["status"] == "ErrorImageFormat"
    assert answer.json()["images"][0]["image"] is None
    trained = trainer.post(f"/projects/{project['id']}/train").json()
    deadline = time.monotonic() + 120
    while trained["status"] == "Training" and time.monotonic() < deadline:
        time.sleep(0.02)
        trained = trainer.get(f"/projects/{project['id']}/iterations/{trained['id']}").json()
    assert trained["status"] == "Completed"
    quick = trainer.post(f"/projects/{project['id']}/quicktest/image", content=truncated)
    assert quick.status_code == 400
    assert quick.json()["code"] == "BadRequestImageFormat"


def test_prediction_query_token_has_every_key(trainer: httpx.Client) -> None:
    project_id, _, _ = trained_fruit_project(trainer)
    trainer.post(f"/projects/{project_id}/quicktest/image", content=synthetic_fruit("apple", 3, (96, 96)))
    answer = trainer.post(f"/projects/{project_id}/predictions/query", json={"maxCount": 0, "orderBy": "Newest"})
    token = answer.json()["token"]
    assert set(token) == {
        "session",
        "continuation",
        "maxCount",
        "orderBy",
        "tags",
        "iterationId",
        "startTime",
        "endTime",
        "application",
    }
    assert (token["continuation"], token["tags"], token["application"], token["maxCount"]) == (None, None, None, 0)
    assert len(answer.json()["results"]) == 1


def test_duplicates_are_found_by_content_and_forgotten_on_delete(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    data = synthetic_fruit("apple", 1, (64, 64))
    first = trainer.post(f"/projects/{project['id']}/images/files", json=_files([data])).json()["images"][0]
    again = trainer.post(f"/projects/{project['id']}/images/files", json=_files([data])).json()["images"][0]
    assert (first["status"], again["status"], again["image"]["id"]) == ("OK", "OKDuplicate", first["image"]["id"])
    other = make_project(trainer, name="other")
    elsewhere = trainer.post(f"/projects/{other['id']}/images/files", json=_files([data])).json()["images"][0]
    assert elsewhere["status"] == "OK"
    trainer.delete(f"/projects/{project['id']}/images", params={"imageIds": first["image"]["id"]})
    assert trainer.get(f"/projects/{project['id']}/images/count").json() == 0
    back = trainer.post(f"/projects/{project['id']}/images/files", json=_files([data])).json()["images"][0]
    assert back["status"] == "OK"
    assert back["image"]["id"] != first["image"]["id"]


def test_iteration_reports_domain_once_training_started(trainer: httpx.Client) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    assert iteration["domainId"] == trainer.get(f"/projects/{project_id}").json()["settings"]["domainId"]
    assert iteration["customBaseModelInfo"] is None
    assert iteration["trainingErrorDetails"] is None


def test_training_leaves_out_an_undecodable_stored_image(emulator: Emulator, trainer: httpx.Client) -> None:
    """An image stored before uploads were fully decoded (an older data directory) does not fail training."""
    from customvision_rest.emulator._images import content_hash
    from customvision_rest.emulator._state import StoredImage, new_id, utc_now

    project = make_project(trainer)
    tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "orange")}
    upload_fruit(trainer, project["id"], tags, per_tag=5)
    whole = synthetic_fruit("apple", 60, (128, 128))
    truncated = whole[: len(whole) // 2]
    store = emulator._store
    with store.lock:
        store.blobs.put(content_hash(truncated), truncated)
        image = StoredImage(new_id(), project["id"], content_hash(truncated), 128, 128, utc_now())
        image.tags = {tags["apple"]: utc_now()}
        store.state.add_image(image)
    trained = trainer.post(f"/projects/{project['id']}/train").json()
    deadline = time.monotonic() + 30
    while trained["status"] == "Training" and time.monotonic() < deadline:
        time.sleep(0.02)
        trained = trainer.get(f"/projects/{project['id']}/iterations/{trained['id']}").json()
    assert trained["status"] == "Completed"
    assert trained["trainingErrorDetails"] is None
