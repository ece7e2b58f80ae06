"""Replay the real service exchanges recorded by the .NET SDK: our requests must match, their answers parse."""

from __future__ import annotations

import json
import re
import typing
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import respx

from customvision_rest.clients.training import TrainingClient
from customvision_rest.models.prediction import ImagePrediction
from customvision_rest.models.training import (
    Domain,
    Image,
    ImageCreateSummary,
    ImageMetadataUpdateSummary,
    ImageUrlCreateBatch,
    Iteration,
    PredictionQueryResult,
    Project,
    ProjectExport,
    Tag,
)

from ._spec import ENDPOINT, KEY, OPERATIONS, PREDICTION_RESOURCE_ID, RECORDINGS_DIR, require_shared, snake

# The recordings template the prediction resource id, which is not a valid id: replay with a real one.
TEMPLATED_RESOURCE_ID = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"
    "/providers/Microsoft.CognitiveServices/accounts/{predictionResourceProviderName}"
)

Call = Callable[[dict[str, str], dict[str, str], Any], tuple[tuple[Any, ...], dict[str, Any]]]

# How each recorded query parameter becomes a keyword argument of our method: its name and its type.
QUERY_KEYWORDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "iterationId": ("iteration_id", str),
    "taggingStatus": ("tagging_status", str),
    "take": ("take", int),
    "skip": ("skip", int),
    "store": ("store", lambda text: text == "true"),
    "imageIds": ("image_ids", lambda text: text.split(",")),
    "allImages": ("all_images", lambda text: text == "true"),
    "allIterations": ("all_iterations", lambda text: text == "true"),
    "name": ("name", str),
}


def keywords(query: dict[str, str], *consumed: str) -> dict[str, Any]:
    """The keyword arguments for the recorded query parameters that are not positional arguments."""
    result = {}
    for wire, text in query.items():
        if wire in consumed:
            continue
        keyword, convert = QUERY_KEYWORDS[wire]
        result[keyword] = convert(text)
    return result


# How to make each recorded call with our client, from the recorded path parameters, query and body.
CALLS: dict[str, Call] = {
    "CreateProject": lambda p, q, b: (
        (q["name"],),
        {k: q[w] for k, w in (("description", "description"), ("domain_id", "domainId")) if w in q},
    ),
    "CreateTag": lambda p, q, b: (
        (p["projectId"], q["name"]),
        {"description": q["description"]} if "description" in q else {},
    ),
    "CreateImagesFromUrls": lambda p, q, b: ((p["projectId"], ImageUrlCreateBatch.model_validate(b)), {}),
    "UpdateTag": lambda p, q, b: ((p["projectId"], p["tagId"], b), {}),
    "DeleteTag": lambda p, q, b: ((p["projectId"], p["tagId"]), {}),
    "DeleteProject": lambda p, q, b: ((p["projectId"],), {}),
    "GetIteration": lambda p, q, b: ((p["projectId"], p["iterationId"]), {}),
    "DeleteIteration": lambda p, q, b: ((p["projectId"], p["iterationId"]), {}),
    "UnpublishIteration": lambda p, q, b: ((p["projectId"], p["iterationId"]), {}),
    "TrainProject": lambda p, q, b: (
        (p["projectId"],),
        {
            "reserved_budget_in_hours": int(q["reservedBudgetInHours"]),
            "force_train": q["forceTrain"] == "true",
        },
    ),
    "PublishIteration": lambda p, q, b: (
        (p["projectId"], p["iterationId"], q["publishName"], q["predictionId"]),
        {},
    ),
    "GetDomains": lambda p, q, b: ((), {}),
    "GetDomain": lambda p, q, b: ((p["domainId"],), {}),
    "GetProject": lambda p, q, b: ((p["projectId"],), {}),
    "UpdateProject": lambda p, q, b: ((p["projectId"], b), {}),
    "ExportProject": lambda p, q, b: ((p["projectId"],), {}),
    "ImportProject": lambda p, q, b: ((q["token"],), keywords(q, "token")),
    "GetImages": lambda p, q, b: ((p["projectId"],), keywords(q)),
    "GetImageCount": lambda p, q, b: ((p["projectId"],), keywords(q)),
    "GetTaggedImageCount": lambda p, q, b: ((p["projectId"],), keywords(q)),
    "DeleteImages": lambda p, q, b: ((p["projectId"],), keywords(q)),
    "UpdateImageMetadata": lambda p, q, b: ((p["projectId"], q["imageIds"].split(","), b), {}),
    "CreateImagesFromPredictions": lambda p, q, b: ((p["projectId"], b), {}),
    "QuickTestImageUrl": lambda p, q, b: ((p["projectId"], b["url"]), keywords(q)),
    "QueryPredictions": lambda p, q, b: ((p["projectId"], b), {}),
    "GetIterations": lambda p, q, b: ((p["projectId"],), {}),
    "UpdateIteration": lambda p, q, b: ((p["projectId"], p["iterationId"], b), {}),
    "GetTags": lambda p, q, b: ((p["projectId"],), keywords(q)),
}

RESULT_TYPES: dict[str, Any] = {
    "CreateProject": Project,
    "CreateTag": Tag,
    "UpdateTag": Tag,
    "CreateImagesFromUrls": ImageCreateSummary,
    "GetIteration": Iteration,
    "TrainProject": Iteration,
    "PublishIteration": bool,
    "GetDomains": list[Domain],
    "GetDomain": Domain,
    "GetProject": Project,
    "UpdateProject": Project,
    "ExportProject": ProjectExport,
    "ImportProject": Project,
    "GetImages": list[Image],
    "GetImageCount": int,
    "GetTaggedImageCount": int,
    "UpdateImageMetadata": ImageMetadataUpdateSummary,
    "CreateImagesFromPredictions": ImageCreateSummary,
    "QuickTestImageUrl": ImagePrediction,
    "QueryPredictions": PredictionQueryResult,
    "GetIterations": list[Iteration],
    "UpdateIteration": Iteration,
    "GetTags": list[Tag],
}


def _entries() -> list[Any]:
    files = sorted(RECORDINGS_DIR.glob("net-training-*.json")) if RECORDINGS_DIR.is_dir() else []
    if not files:
        return [pytest.param(None, None, id="<recordings absent>")]
    params = []
    for path in files:
        for index, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))["Entries"]):
            params.append(pytest.param(path, entry, id=f"{path.stem}-{index}-{entry['RequestMethod']}"))
    return params


def _match_operation(method: str, path: str) -> tuple[str, str, dict[str, str]]:
    """The spec operation a recorded request belongs to: (operationId, api version, path parameters)."""
    for operation_id, (spec_method, template, _) in OPERATIONS.items():
        if spec_method != method:
            continue
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        match = re.fullmatch(r"/customvision/v(?P<version>[^/]+)/training" + pattern, path)
        if match:
            values = match.groupdict()
            return operation_id, values.pop("version"), values
    raise AssertionError(f"no spec operation for {method} {path}")


def test_recordings_cover_many_operations() -> None:
    require_shared()
    seen = set()
    for param in _entries():
        _, entry = param.values
        seen.add(_match_operation(entry["RequestMethod"], "/" + entry["RequestUri"].lstrip("/").split("?")[0])[0])
    assert seen <= set(CALLS)
    assert len(seen) >= 10


@pytest.mark.parametrize(("recording", "entry"), _entries())
def test_replay(recording: Path | None, entry: dict[str, Any] | None) -> None:
    require_shared()
    if entry is None:
        pytest.skip("../shared not found: reference data absent")
    method = entry["RequestMethod"]
    recorded = urlsplit("/" + entry["RequestUri"].lstrip("/"))
    operation_id, version, path_params = _match_operation(method, recorded.path)
    query = dict(parse_qsl(recorded.query, keep_blank_values=True))
    if query.get("predictionId") == TEMPLATED_RESOURCE_ID:
        query["predictionId"] = PREDICTION_RESOURCE_ID
    body = json.loads(entry["RequestBody"]) if entry["RequestBody"] else None
    args, kwargs = CALLS[operation_id](path_params, query, body)

    response_body = entry["ResponseBody"]
    if response_body:
        response_body = json.dumps(json.loads(response_body), separators=(",", ":"))
    headers = {name: values[0] for name, values in entry["ResponseHeaders"].items() if name != "Content-Length"}
    with respx.mock(base_url=ENDPOINT, assert_all_called=True) as router:
        route = router.route().respond(entry["StatusCode"], content=response_body.encode(), headers=headers)
        with TrainingClient(ENDPOINT, KEY, api_version=version, max_retries=0) as client:
            result = getattr(client, snake(operation_id))(*args, **kwargs)

    assert route.call_count == 1
    sent = route.calls.last.request
    assert sent.method == method
    assert sent.url.path == recorded.path
    assert dict(parse_qsl(sent.url.query.decode(), keep_blank_values=True)) == query
    sent_body = sent.read()
    if body is None:
        assert sent_body == b""
    else:
        assert sent.headers["content-type"] == "application/json"
        assert json.loads(sent_body) == body
    assert sent.headers["Training-Key"] == KEY

    expected = RESULT_TYPES.get(operation_id)
    if expected is None:
        assert result is None
    elif typing.get_origin(expected) is list:
        (item_type,) = typing.get_args(expected)
        assert isinstance(result, list) and all(isinstance(item, item_type) for item in result)
        assert [str(item.id) for item in result] == [item["id"] for item in json.loads(response_body)]
    else:
        assert isinstance(result, expected)
        if isinstance(result, (Project, Tag, Iteration, Domain, ImagePrediction)):
            assert str(result.id) == json.loads(response_body)["id"]
        if isinstance(result, int) and not isinstance(result, bool):
            assert result == json.loads(response_body)
        if operation_id == "PublishIteration":
            assert result is True
        if isinstance(result, ImageCreateSummary):
            assert result.is_batch_successful and not result.failed
            assert isinstance(result.images[0].image.id, uuid.UUID)  # type: ignore[union-attr]
