"""The asynchronous client, and publishing to a prediction resource given as a Resource or a resource id."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import respx

import service_bodies
from customvision_rest import (
    ClientValidationError,
    ConfigurationError,
    InvalidResourceIdError,
    Resource,
    TrainingNotNeededError,
)
from customvision_rest.clients.training import AsyncTrainingClient, TrainingClient
from customvision_rest.models.training import (
    ImageCreateStatus,
    ImageCreateSummary,
    ImageUrlCreateBatch,
    ImageUrlCreateEntry,
    Iteration,
    Project,
)
from service_bodies import project, stored_image

ENDPOINT = "https://async-test.cognitiveservices.azure.com"
P = uuid.UUID("a1a1a1a1-b2b2-4c3c-8d4d-e5e5e5e5e5e5")
IT = uuid.UUID("f6f6f6f6-0707-4808-9909-101010101010")
ROOT = f"/customvision/v3.3/training/projects/{P}"
RESOURCE_ID = (
    "/subscriptions/12345678-90ab-4cde-8f01-234567890abc/resourceGroups/vision"
    "/providers/Microsoft.CognitiveServices/accounts/my-prediction"
)
SUBSCRIPTION_ID = "12345678-90ab-4cde-8f01-234567890abc"


PARTIAL: dict[str, Any] = {
    "isBatchSuccessful": False,
    "images": [
        {"sourceUrl": "https://e.com/ok.jpg", "status": "OK", "image": stored_image()},
        {"sourceUrl": "https://e.com/again.jpg", "status": "OKDuplicate", "image": stored_image()},
        {"sourceUrl": "https://e.com/huge.jpg", "status": "ErrorImageSize"},
        {"sourceUrl": "https://e.com/new.jpg", "status": "ErrorSomethingNew"},
    ],
}


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_async_batch_upload_answering_207_returns_the_summary() -> None:
    async def go() -> ImageCreateSummary:
        async with AsyncTrainingClient(ENDPOINT, "key", max_retries=0) as client:
            batch = ImageUrlCreateBatch(images=[ImageUrlCreateEntry(url=img["sourceUrl"]) for img in PARTIAL["images"]])
            return await client.create_images_from_urls(P, batch)

    with respx.mock(base_url=ENDPOINT) as router:
        route = router.post(f"{ROOT}/images/urls").respond(207, json=PARTIAL)
        summary = run(go())
    assert route.call_count == 1
    assert json.loads(route.calls.last.request.read())["images"][2] == {"url": "https://e.com/huge.jpg"}
    assert isinstance(summary, ImageCreateSummary)
    assert [r.source_url for r in summary.failed] == ["https://e.com/huge.jpg", "https://e.com/new.jpg"]
    assert summary.failed[1].status == "ErrorSomethingNew"
    assert summary.images[1].status is ImageCreateStatus.OK_DUPLICATE
    assert "ErrorImageSize" in summary.describe_failures()


def test_async_multipart_upload_and_queries() -> None:
    async def go() -> tuple[Any, ...]:
        async with AsyncTrainingClient(ENDPOINT, "key", max_retries=0) as client:
            summary = await client.create_images_from_data(P, [b"\xff\xd8\xffa", b"\xff\xd8\xffb"], tag_ids=[IT])
            projects = await client.get_projects()
            count = await client.get_tagged_image_count(P, tag_ids=[IT])
            await client.delete_images(P, all_images=True)
            return summary, projects, count

    with respx.mock(base_url=ENDPOINT) as router:
        upload = router.post(f"{ROOT}/images").respond(200, json={"isBatchSuccessful": True, "images": []})
        router.get("/customvision/v3.3/training/projects").respond(200, json=[project(P, "p")])
        router.get(f"{ROOT}/images/tagged/count").respond(200, json=7)
        deleted = router.delete(f"{ROOT}/images").respond(202)
        summary, projects, count = run(go())
    request = upload.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.url.params["tagIds"] == str(IT)
    assert request.read().count(b'name="imageData"') == 2
    assert summary.is_batch_successful
    assert isinstance(projects[0], Project) and projects[0].id == P
    assert count == 7
    assert deleted.calls.last.request.url.params["allImages"] == "true"


def test_async_train_error_and_publish() -> None:
    async def go() -> tuple[Iteration, bool]:
        async with AsyncTrainingClient(ENDPOINT, "key", max_retries=0) as client:
            with pytest.raises(TrainingNotNeededError):
                await client.train_project(P)
            iteration = await client.train_project(P, force_train=True)
            published = await client.publish_iteration(P, IT, "model v1", RESOURCE_ID)
            return iteration, published

    with respx.mock(base_url=ENDPOINT) as router:
        router.post(f"{ROOT}/train").mock(
            side_effect=[
                httpx.Response(400, json={"code": "BadRequestTrainingNotNeeded", "message": "Nothing changed"}),
                httpx.Response(200, json=service_bodies.iteration(IT, P, "Training", name="Iteration 2")),
            ]
        )
        publish = router.post(f"{ROOT}/iterations/{IT}/publish").respond(200, content=b"true")
        iteration, published = run(go())
    assert iteration.status == "Training"
    assert published is True
    assert publish.calls.last.request.url.params["publishName"] == "model v1"


# ------------------------------------------------------------------------------------------------ publish


def publish_with(target: Any, **kwargs: Any) -> tuple[respx.Route, Any]:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        route = router.post(f"{ROOT}/iterations/{IT}/publish").respond(200, json=True)
        with TrainingClient(ENDPOINT, "key", max_retries=0) as client:
            result = client.publish_iteration(P, IT, "my model", target, **kwargs)
    return route, result


def test_publish_with_a_prediction_resource() -> None:
    resource = Resource.prediction("https://pred.cognitiveservices.azure.com", "k", resource_id=RESOURCE_ID)
    route, result = publish_with(resource, overwrite=False)
    assert result is True
    params = route.calls.last.request.url.params
    assert params["predictionId"] == RESOURCE_ID
    assert params["overwrite"] == "false"
    assert route.calls.last.request.read() == b""


def test_publish_with_a_multi_service_resource() -> None:
    resource = Resource.multi_service("https://all.cognitiveservices.azure.com", "k", resource_id=RESOURCE_ID)
    route, _ = publish_with(resource)
    assert route.calls.last.request.url.params["predictionId"] == RESOURCE_ID
    assert "overwrite" not in route.calls.last.request.url.params


def test_publish_with_a_resource_id_string() -> None:
    route, _ = publish_with(f"  {RESOURCE_ID}/ ")
    assert route.calls.last.request.url.params["predictionId"] == RESOURCE_ID


@pytest.mark.parametrize(
    ("target", "error", "words"),
    [
        pytest.param(SUBSCRIPTION_ID, InvalidResourceIdError, "subscription id", id="subscription-id"),
        pytest.param("my-prediction", InvalidResourceIdError, "resource name", id="resource-name"),
        pytest.param(
            Resource.prediction("https://pred.cognitiveservices.azure.com", "k"),
            ClientValidationError,
            "resource_id",
            id="resource-without-id",
        ),
        pytest.param(
            Resource.training("https://train.cognitiveservices.azure.com", "k", resource_id=RESOURCE_ID),
            ConfigurationError,
            "serves no prediction",
            id="training-resource",
        ),
    ],
)
def test_publish_refuses_what_is_not_a_prediction_resource_id(target: Any, error: type, words: str) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        route = router.route().respond(200, json=True)
        with TrainingClient(ENDPOINT, "key") as client, pytest.raises(error) as caught:
            client.publish_iteration(P, IT, "my model", target)
    assert route.call_count == 0
    assert words in str(caught.value)


def test_publish_needs_a_name() -> None:
    with TrainingClient(ENDPOINT, "key") as client, pytest.raises(ClientValidationError):
        client.publish_iteration(P, IT, "  ", RESOURCE_ID)
