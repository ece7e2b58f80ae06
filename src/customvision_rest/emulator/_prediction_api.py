"""The Prediction API (v3.0 and v3.1): classify and detect, by image or URL, stored or not."""

from __future__ import annotations

import json
from typing import Any

import httpx

from ._bodies import read_image_body, read_image_url
from ._errors import bad_request, json_response, not_found
from ._images import MAX_PREDICTION_IMAGE_BYTES, ImageInfo, ImageRejectedError, inspect_image
from ._predictor import score
from ._service import RequestContext, Service, is_detection
from ._state import Iteration, Project, StoredPrediction, utc_now


def store_prediction(
    service: Service,
    project: Project,
    iteration: Iteration,
    data: bytes,
    info: ImageInfo,
    predictions: list[dict[str, Any]],
    prediction_id: str,
    application: str | None,
) -> None:
    """Keep a prediction so that QueryPredictions finds it (lock held)."""
    service.store.blobs.put(info.content_hash, data)
    service.store.state.predictions[prediction_id] = StoredPrediction(
        id=prediction_id,
        project_id=project.id,
        iteration_id=iteration.id,
        domain_id=iteration.domain_id,
        content_hash=info.content_hash,
        width=info.width,
        height=info.height,
        created=utc_now(),
        application=application,
        predictions=predictions,
    )


def prediction_response(
    context: RequestContext, project: Project, iteration: Iteration, predictions: list[dict[str, Any]]
) -> httpx.Response:
    """An ImagePrediction whose id is the request id (the `apim-request-id` header)."""
    body = {
        "id": context.request_id,
        "project": project.id,
        "iteration": iteration.id,
        "created": utc_now(),
        "predictions": predictions,
    }
    return json_response(200, body)


def _published_iteration(service: Service, context: RequestContext) -> tuple[Project, Iteration]:
    project = service.store.state.projects.get(context.params["projectId"].lower())
    if project is None:
        raise not_found("NotFoundProject", f"Project {context.params['projectId']} not found.")
    name = context.params["publishedName"]
    for iteration in service.project_iterations(project):
        if iteration.publish_name == name and iteration.publish_resource_id == context.resource.resource_id:
            return project, iteration
    raise not_found("NotFoundIteration", f"Invalid iteration: nothing is published as {name!r} on this resource.")


def _predict(service: Service, context: RequestContext, *, detect: bool, url: bool, store: bool) -> httpx.Response:
    """Look up under the store lock, decode and score without it, then store under it again."""
    with service.store.lock:
        project, iteration = _published_iteration(service, context)
        if detect != is_detection(project):
            raise bad_request(
                "BadRequestNotSupported",
                "Use the detect operations for object detection projects and classify for classification ones.",
            )
        if iteration.model is None:
            raise bad_request("BadRequestIterationIsNotTrained", "The iteration is not trained.")
        model = iteration.model
    if url:
        try:
            body = json.loads(context.request.content or b"null")
        except ValueError as error:
            raise bad_request("BadRequestImageUrl", 'The body must be {"url": ...}.') from error
        target = str(body.get("url") or "") if isinstance(body, dict) else ""
        data = read_image_url(target)
        if data is None:
            raise bad_request("BadRequestImageUrl", f"Unable to download the image at {target!r}.")
    else:
        data = read_image_body(context)
    try:
        info = inspect_image(data, MAX_PREDICTION_IMAGE_BYTES)
    except ImageRejectedError as rejected:
        code = "BadRequestImageSizeBytes" if rejected.too_large else "BadRequestImageFormat"
        raise bad_request(code, rejected.reason) from rejected
    scored = score(model, data)
    with service.store.lock:
        predictions = service.prediction_entries(iteration, scored)
        if store:
            application = context.query.get("application")
            store_prediction(service, project, iteration, data, info, predictions, context.request_id, application)
    if context.params.get("version") == "3.0":  # the v3.0 Prediction has no tagType
        predictions = [{k: v for k, v in p.items() if k != "tagType"} for p in predictions]
    return prediction_response(context, project, iteration, predictions)


def classify_image(service: Service, context: RequestContext) -> httpx.Response:
    """ClassifyImage."""
    return _predict(service, context, detect=False, url=False, store=True)


def classify_image_nostore(service: Service, context: RequestContext) -> httpx.Response:
    """ClassifyImageWithNoStore."""
    return _predict(service, context, detect=False, url=False, store=False)


def classify_image_url(service: Service, context: RequestContext) -> httpx.Response:
    """ClassifyImageUrl."""
    return _predict(service, context, detect=False, url=True, store=True)


def classify_image_url_nostore(service: Service, context: RequestContext) -> httpx.Response:
    """ClassifyImageUrlWithNoStore."""
    return _predict(service, context, detect=False, url=True, store=False)


def detect_image(service: Service, context: RequestContext) -> httpx.Response:
    """DetectImage."""
    return _predict(service, context, detect=True, url=False, store=True)


def detect_image_nostore(service: Service, context: RequestContext) -> httpx.Response:
    """DetectImageWithNoStore."""
    return _predict(service, context, detect=True, url=False, store=False)


def detect_image_url(service: Service, context: RequestContext) -> httpx.Response:
    """DetectImageUrl."""
    return _predict(service, context, detect=True, url=True, store=True)


def detect_image_url_nostore(service: Service, context: RequestContext) -> httpx.Response:
    """DetectImageUrlWithNoStore."""
    return _predict(service, context, detect=True, url=True, store=False)
