"""The main flow: create, upload, train (asynchronously), publish, predict, query, unpublish."""

from __future__ import annotations

import httpx
from emulator_helpers import publish, trained_fruit_project

from customvision_rest.emulator import Emulator, synthetic_fruit


def test_train_publish_predict_flow(emulator: Emulator, trainer: httpx.Client, predictor: httpx.Client) -> None:
    project_id, tags, iteration = trained_fruit_project(trainer)
    assert iteration["domainId"] == "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"
    assert iteration["classificationType"] == "Multiclass"
    assert "trainedAt" in iteration
    publish(trainer, emulator, project_id, iteration["id"], "my model v1")

    response = predictor.post(
        f"/{project_id}/classify/iterations/my%20model%20v1/image",
        content=synthetic_fruit("banana", 1000, (128, 128)),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == response.headers["apim-request-id"]
    probabilities = [p["probability"] for p in body["predictions"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert abs(sum(probabilities) - 1.0) < 1e-6
    assert {p["tagId"] for p in body["predictions"]} == set(tags.values())
    assert body["predictions"][0]["tagName"] == "banana"
    assert body["predictions"][0]["tagType"] == "Regular"
