"""Publishing, prediction, stored predictions, quick tests, suggestions and object detection."""

from __future__ import annotations

import base64

import httpx
import pytest
from emulator_helpers import make_project, make_tag, publish, trained_fruit_project, wait_trained

from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.emulator._images import draw_fruit
from customvision_rest.emulator._learner import iou


def _classify(
    predictor: httpx.Client, project_id: str, name: str, data: bytes, nostore: bool = False
) -> httpx.Response:
    suffix = "/nostore" if nostore else ""
    return predictor.post(f"/{project_id}/classify/iterations/{name}/image{suffix}", files={"imageData": data})


def test_publish_requires_a_prediction_resource_id(emulator: Emulator, trainer: httpx.Client) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    url = f"/projects/{project_id}/iterations/{iteration['id']}/publish"
    for wrong in (
        "emulator-prediction",
        "00000000-0000-0000-0000-000000000000",
        emulator.training_resource.resource_id,
    ):
        response = trainer.post(url, params={"publishName": "m", "predictionId": wrong})
        assert response.status_code == 400
        assert response.json()["code"] == "BadRequestInvalidPublishTarget"


def test_predict_only_published_names_and_unpublish(
    emulator: Emulator, trainer: httpx.Client, predictor: httpx.Client
) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    image = synthetic_fruit("apple", 500, (128, 128))
    unpublished = _classify(predictor, project_id, "m", image)
    assert unpublished.status_code == 404
    assert unpublished.json()["code"] == "NotFoundIteration"
    publish(trainer, emulator, project_id, iteration["id"], "m")
    assert trainer.get(f"/projects/{project_id}/iterations/{iteration['id']}").json()["publishName"] == "m"
    assert _classify(predictor, project_id, "m", image).status_code == 200
    url = f"/projects/{project_id}/iterations/{iteration['id']}/publish"
    assert trainer.delete(url).status_code == 204
    assert _classify(predictor, project_id, "m", image).status_code == 404


def test_prediction_through_another_resource_is_refused(emulator: Emulator, trainer: httpx.Client) -> None:
    emulator.add_resource("second-prediction", "CustomVision.Prediction", "second-key")
    project_id, _, iteration = trained_fruit_project(trainer)
    publish(trainer, emulator, project_id, iteration["id"], "m")
    with httpx.Client(
        base_url="http://h/customvision/v3.1/prediction",
        transport=emulator.transport(),
        headers={"Prediction-Key": "second-key"},
    ) as other:
        assert _classify(other, project_id, "m", synthetic_fruit("apple", 1, (64, 64))).status_code == 404


def test_stored_predictions_are_queryable_and_nostore_ones_are_not(
    emulator: Emulator, trainer: httpx.Client, predictor: httpx.Client
) -> None:
    project_id, tags, iteration = trained_fruit_project(trainer)
    publish(trainer, emulator, project_id, iteration["id"], "m")
    stored_ids = [
        _classify(predictor, project_id, "m", synthetic_fruit("apple", 600 + i, (96, 96))).json()["id"]
        for i in range(3)
    ]
    hidden = _classify(predictor, project_id, "m", synthetic_fruit("apple", 700, (96, 96)), nostore=True).json()["id"]
    url_body = {"url": "data:image/jpeg;base64," + base64.b64encode(synthetic_fruit("orange", 1, (96, 96))).decode()}
    by_url = predictor.post(f"/{project_id}/classify/iterations/m/url/nostore", json=url_body)
    assert by_url.status_code == 200
    first = trainer.post(f"/projects/{project_id}/predictions/query", json={"maxCount": 2}).json()
    assert len(first["results"]) == 2
    assert first["token"]["continuation"]
    second = trainer.post(f"/projects/{project_id}/predictions/query", json=first["token"]).json()
    assert second["token"]["continuation"] is None
    found = [r["id"] for r in first["results"] + second["results"]]
    assert sorted(found) == sorted(stored_ids)
    assert hidden not in found
    assert trainer.delete(f"/projects/{project_id}/predictions", params={"ids": stored_ids[0]}).status_code == 204
    remaining = trainer.post(f"/projects/{project_id}/predictions/query", json={}).json()["results"]
    assert stored_ids[0] not in [r["id"] for r in remaining]
    created = trainer.post(
        f"/projects/{project_id}/images/predictions",
        json={"images": [{"id": stored_ids[1], "tagIds": [tags["apple"]]}]},
    )
    assert created.json()["images"][0]["status"] in ("OK", "OKDuplicate")


def test_prediction_image_limits(emulator: Emulator, trainer: httpx.Client, predictor: httpx.Client) -> None:
    project_id, _, iteration = trained_fruit_project(trainer)
    publish(trainer, emulator, project_id, iteration["id"], "m")
    junk = _classify(predictor, project_id, "m", b"garbage")
    assert junk.status_code == 400
    assert junk.json()["code"] == "BadRequestImageFormat"
    too_big = _classify(predictor, project_id, "m", b"\xff" * (4 * 1024 * 1024 + 1))
    assert too_big.json()["code"] == "BadRequestImageSizeBytes"


def test_quick_test_defaults_to_latest_and_store_flag(trainer: httpx.Client) -> None:
    project_id, _, _ = trained_fruit_project(trainer)
    image = synthetic_fruit("orange", 77, (96, 96))
    response = trainer.post(
        f"/projects/{project_id}/quicktest/image",
        params={"store": "false"},
        content=image,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 200
    assert response.json()["predictions"][0]["tagName"] == "orange"
    assert trainer.post(f"/projects/{project_id}/predictions/query", json={}).json()["results"] == []
    trainer.post(f"/projects/{project_id}/quicktest/image", files={"imageData": image})
    assert len(trainer.post(f"/projects/{project_id}/predictions/query", json={}).json()["results"]) == 1


def test_suggested_tags(trainer: httpx.Client) -> None:
    project_id, tags, iteration = trained_fruit_project(trainer)
    untagged = trainer.post(
        f"/projects/{project_id}/images/files",
        json={"images": [{"contents": base64.b64encode(synthetic_fruit("banana", 900, (96, 96))).decode()}]},
    ).json()["images"][0]["image"]["id"]
    params = {"iterationId": iteration["id"]}
    suggestions = trainer.post(
        f"/projects/{project_id}/tagsandregions/suggestions", params={**params, "imageIds": untagged}
    ).json()
    best = suggestions[0]["predictions"][0]
    assert suggestions[0]["predictionUncertainty"] == pytest.approx(1 - best["probability"])
    query = f"/projects/{project_id}/images/suggested"
    wanted = {"tagIds": [best["tagId"]], "threshold": best["probability"] / 2}
    results = trainer.post(query, params=params, json=wanted).json()
    assert [r["id"] for r in results["results"]] == [untagged]
    counts = trainer.post(query + "/count", params=params, json=wanted).json()
    assert counts == {best["tagId"]: 1}
    other = next(t for t in tags.values() if t != best["tagId"])
    none = trainer.post(query + "/count", params=params, json={"tagIds": [other], "threshold": 0.99}).json()
    assert none == {other: 0}


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_object_detection_returns_boxes(emulator: Emulator, trainer: httpx.Client, version: str) -> None:
    project = make_project(trainer, domainId="a27d5ca5-bb19-49d8-a70a-fec086c47f5b")
    tags = {kind: make_tag(trainer, project["id"], kind)["id"] for kind in ("apple", "banana")}
    for kind, tag_id in tags.items():
        entries = []
        for seed in range(15):
            data, box = draw_fruit(kind, seed, (160, 160))
            region = dict(zip(("left", "top", "width", "height"), box, strict=True))
            entries.append({"contents": base64.b64encode(data).decode(), "regions": [{"tagId": tag_id, **region}]})
        assert trainer.post(f"/projects/{project['id']}/images/files", json={"images": entries}).status_code == 200
    iteration = trainer.post(f"/projects/{project['id']}/train").json()
    done = wait_trained(trainer, project["id"], iteration["id"])
    assert done["status"] == "Completed"
    assert done["classificationType"] is None
    publish(trainer, emulator, project["id"], done["id"], "detector")
    data, truth = draw_fruit("apple", 4242, (160, 160))
    with httpx.Client(
        base_url=f"http://h/customvision/v{version}/prediction",
        transport=emulator.transport(),
        headers={"Prediction-Key": "test-prediction-key"},
    ) as predictor:
        response = predictor.post(f"/{project['id']}/detect/iterations/detector/image/nostore", content=data)
        assert response.status_code == 200, response.text
        classify = predictor.post(f"/{project['id']}/classify/iterations/detector/image", content=data)
        assert classify.status_code == 400
    predictions = response.json()["predictions"]
    assert ("tagType" in predictions[0]) is (version == "3.1")
    best = predictions[0]
    box = best["boundingBox"]
    assert best["tagName"] == "apple"
    assert iou((box["left"], box["top"], box["width"], box["height"]), truth) > 0.3
    performance = trainer.get(f"/projects/{project['id']}/iterations/{done['id']}/performance").json()
    assert len(performance["perTagPerformance"]) == 2
