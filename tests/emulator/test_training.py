"""Asynchronous training, validation errors, performance and image performances."""

from __future__ import annotations

import time

import httpx
from emulator_helpers import TRAINING, make_project, make_tag, trained_fruit_project, upload_fruit, wait_trained

from customvision_rest.emulator import Emulator


def test_training_is_asynchronous_and_early_polls_hide_details() -> None:
    with (
        Emulator(training_key="k", min_training_seconds=0.6) as emulator,
        httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as trainer,
    ):
        project = make_project(trainer)
        tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "orange")}
        upload_fruit(trainer, project["id"], tags, per_tag=5)
        started = time.monotonic()
        response = trainer.post(f"/projects/{project['id']}/train", params={"forceTrain": "false"})
        assert response.status_code == 200
        iteration = response.json()
        assert iteration["status"] == "Training"
        assert iteration["domainId"] is None
        assert iteration["classificationType"] is None
        assert iteration["exportableTo"] is None
        assert iteration["trainedAt"] is None
        # Once the job has started, the service reports the domain and type while still training.
        polled = trainer.get(f"/projects/{project['id']}/iterations/{iteration['id']}").json()
        assert polled["status"] == "Training"
        assert polled["domainId"] == project["settings"]["domainId"]
        assert polled["classificationType"] == "Multiclass"
        assert polled["exportableTo"] == []
        again = trainer.post(f"/projects/{project['id']}/train")
        assert again.json()["code"] == "BadRequestTrainingAlreadyInProgress"
        done = wait_trained(trainer, project["id"], iteration["id"])
        assert time.monotonic() - started >= 0.6
        assert done["status"] == "Completed"
        assert done["trainedAt"]


def test_not_enough_images_or_tags(trainer: httpx.Client) -> None:
    project = make_project(trainer)
    apple = make_tag(trainer, project["id"], "apple")["id"]
    upload_fruit(trainer, project["id"], {"apple": apple}, per_tag=5)
    one_tag = trainer.post(f"/projects/{project['id']}/train")
    assert one_tag.status_code == 400
    assert one_tag.json()["code"] == "BadRequestMultiClassClassificationTrainingValidationFailed"
    orange = make_tag(trainer, project["id"], "orange")["id"]
    upload_fruit(trainer, project["id"], {"orange": orange}, per_tag=4)
    too_few = trainer.post(f"/projects/{project['id']}/train")
    assert too_few.status_code == 400
    assert "orange" in too_few.json()["message"]


def test_detection_needs_15_images_per_tag(trainer: httpx.Client) -> None:
    project = make_project(trainer, domainId="da2e3a8a-40a5-4171-82f4-58522f70fbc1")
    response = trainer.post(f"/projects/{project['id']}/train")
    assert response.json()["code"] == "BadRequestDetectionTrainingValidationFailed"


def test_training_not_needed_then_force_train(trainer: httpx.Client) -> None:
    project_id, _, _ = trained_fruit_project(trainer)
    response = trainer.post(f"/projects/{project_id}/train")
    assert response.status_code == 400
    assert response.json() == {"code": "BadRequestTrainingNotNeeded", "message": "Nothing changed since last training"}
    forced = trainer.post(f"/projects/{project_id}/train", params={"forceTrain": "true"})
    assert forced.status_code == 200
    assert wait_trained(trainer, project_id, forced.json()["id"])["name"] == "Iteration 2"


def test_selected_tags_and_multilabel(trainer: httpx.Client) -> None:
    project = make_project(trainer, classificationType="Multilabel")
    tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "banana", "orange")}
    upload_fruit(trainer, project["id"], tags, per_tag=5)
    body = {"selectedTags": [tags["apple"], tags["banana"]]}
    iteration = trainer.post(f"/projects/{project['id']}/train", json=body).json()
    done = wait_trained(trainer, project["id"], iteration["id"])
    assert done["classificationType"] == "Multilabel"
    as_of = trainer.get(f"/projects/{project['id']}/tags", params={"iterationId": done["id"]}).json()
    assert {t["name"] for t in as_of} == {"apple", "banana"}


def test_performance_is_computed_on_held_out_images(trainer: httpx.Client) -> None:
    project_id, tags, iteration = trained_fruit_project(trainer)
    base = f"/projects/{project_id}/iterations/{iteration['id']}/performance"
    performance = trainer.get(base, params={"threshold": 0.5, "overlapThreshold": 0.3}).json()
    assert {t["name"] for t in performance["perTagPerformance"]} == set(tags)
    for key in ("precision", "recall", "averagePrecision", "precisionStdDeviation", "recallStdDeviation"):
        assert 0.0 <= performance[key] <= 1.0
    assert performance["precision"] > 1 / 3  # better than chance, on images the model never saw
    strict = trainer.get(base, params={"threshold": 0.999999}).json()
    assert strict["recall"] <= performance["recall"]
    assert trainer.get(base + "/images/count").json() == 18
    images = trainer.get(base + "/images", params={"take": 5}).json()
    assert len(images) == 5
    assert len(images[0]["predictions"]) == 3
    only_apple = trainer.get(base + "/images/count", params={"tagIds": tags["apple"]}).json()
    assert only_apple == 6


def test_iteration_update_and_delete(trainer: httpx.Client) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    url = f"/projects/{project_id}/iterations/{iteration['id']}"
    renamed = trainer.patch(url, json={**iteration, "name": "best"})
    assert renamed.json()["name"] == "best"
    assert trainer.delete(url).status_code == 204
    assert trainer.get(f"/projects/{project_id}/iterations").json() == []
