"""Helpers for the emulator tests: build projects, upload synthetic fruit, train, publish."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx

from customvision_rest.emulator import Emulator, synthetic_fruit

TRAINING_KEY = "test-training-key"
PREDICTION_KEY = "test-prediction-key"
TRAINING = "/customvision/v3.3/training"
PREDICTION = "/customvision/v3.1/prediction"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def make_project(trainer: httpx.Client, name: str = "fruit", **params: str) -> dict[str, Any]:
    response = trainer.post("/projects", params={"name": name, **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def make_tag(trainer: httpx.Client, project_id: str, name: str) -> dict[str, Any]:
    response = trainer.post(f"/projects/{project_id}/tags", params={"name": name})
    assert response.status_code == 200, response.text
    return dict(response.json())


def upload_fruit(trainer: httpx.Client, project_id: str, tags: dict[str, str], per_tag: int = 6) -> None:
    """Upload `per_tag` synthetic images for each kind in `tags` (kind -> tag id) with CreateImagesFromFiles."""
    for kind, tag_id in tags.items():
        entries = [
            {"name": f"{kind}{i}.jpg", "contents": base64.b64encode(synthetic_fruit(kind, i, (128, 128))).decode()}
            for i in range(per_tag)
        ]
        response = trainer.post(f"/projects/{project_id}/images/files", json={"images": entries, "tagIds": [tag_id]})
        assert response.status_code == 200, response.text


def wait_trained(trainer: httpx.Client, project_id: str, iteration_id: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        iteration = trainer.get(f"/projects/{project_id}/iterations/{iteration_id}").json()
        if iteration["status"] != "Training":
            return dict(iteration)
        time.sleep(0.02)
    raise AssertionError("training did not finish")


def trained_fruit_project(trainer: httpx.Client, **params: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A project with apple/banana/orange tags, 6 images each, trained; returns (project id, tags, iteration)."""
    project = make_project(trainer, **params)
    tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "banana", "orange")}
    upload_fruit(trainer, project["id"], tags)
    response = trainer.post(f"/projects/{project['id']}/train")
    assert response.status_code == 200, response.text
    iteration = wait_trained(trainer, project["id"], response.json()["id"])
    assert iteration["status"] == "Completed"
    return project["id"], tags, iteration


def publish(trainer: httpx.Client, emulator: Emulator, project_id: str, iteration_id: str, name: str) -> None:
    response = trainer.post(
        f"/projects/{project_id}/iterations/{iteration_id}/publish",
        params={"publishName": name, "predictionId": emulator.prediction_resource.resource_id},
    )
    assert response.status_code == 200, response.text
    assert response.json() is True
