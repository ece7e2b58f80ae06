"""The Training specification, sample arguments for every operation, and spec-shaped sample responses.

The reference data lives in ``../shared`` beside the repository; helpers return empty data when it is absent
and the tests using them skip.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from customvision_rest.clients.training import TrainingClient
from customvision_rest.models.training import (
    ImageFileCreateBatch,
    ImageFileCreateEntry,
    ImageIdCreateBatch,
    ImageIdCreateEntry,
    ImageRegionCreateEntry,
    ImageTagCreateEntry,
    ImageUrlCreateBatch,
    ImageUrlCreateEntry,
    PredictionQueryToken,
    SuggestedTagAndRegionQueryToken,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SPEC_PATH = SHARED / "spec" / "Training" / "stable" / "v3.3" / "Training.json"
EXAMPLES_DIR = SPEC_PATH.parent / "examples"
RECORDINGS_DIR = SHARED / "recordings"
ENDPOINT = "https://unit-test.cognitiveservices.azure.com"
KEY = "training-key-for-tests"
BASE_PATH = "/customvision/v3.3/training"

PROJECT = uuid.UUID("6f0c1d4e-93a6-4c5b-8f0e-0d6a8c1b2a01")
ITERATION = uuid.UUID("2b7d9e30-5c1f-4a8e-9d3b-7e6f5a4c3b02")
TAG = uuid.UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c03")
TAG2 = uuid.UUID("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e04")
IMAGE = uuid.UUID("4d6eb844-42ee-42bc-bd6f-c32455ef07c9")
REGION = uuid.UUID("48503d9c-cac1-4ba9-8306-895c9652b9fa")
DOMAIN = uuid.UUID("ee85a74c-405e-4adc-bb47-ffa8ca0c9f31")
PREDICTION_RESOURCE_ID = (
    "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-vision"
    "/providers/Microsoft.CognitiveServices/accounts/vision-prediction"
)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60

# Path parameters of the spec and the value the samples use for each.
PATH_VALUES = {
    "projectId": str(PROJECT),
    "iterationId": str(ITERATION),
    "tagId": str(TAG),
    "imageId": str(IMAGE),
    "domainId": str(DOMAIN),
}


def require_shared() -> None:
    if not SPEC_PATH.is_file():
        pytest.skip("../shared not found: reference data absent")


def load_spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        return {"paths": {}, "definitions": {}}
    result: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return result


SPEC = load_spec()
DEFINITIONS: dict[str, Any] = SPEC["definitions"]
# operationId -> (METHOD, path template, operation object)
OPERATIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    op["operationId"]: (method.upper(), template, op)
    for template, methods in SPEC["paths"].items()
    for method, op in methods.items()
    if isinstance(op, dict) and "operationId" in op
}


def snake(operation_id: str) -> str:
    """``GetImagesByIds`` -> ``get_images_by_ids``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def spec_ids_or_placeholder() -> list[str]:
    """Operation ids to parametrize over; one placeholder that skips when the spec is absent."""
    return sorted(OPERATIONS) or ["<spec absent>"]


def operation_of(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    require_shared()
    return OPERATIONS[operation_id]


@functools.cache
def client(api_version: str | None = None) -> TrainingClient:
    """A client for building requests (never sends; shared, since making one builds an SSL context)."""
    return TrainingClient(ENDPOINT, KEY, api_version=api_version, max_retries=0)


# --------------------------------------------------------------------------------------- sample arguments
# For each operation: the required arguments (positional) and every optional one (keyword), so that the
# "full" call exercises each query parameter and body the spec defines. ``MINIMAL`` overrides the keywords of
# the required-only call where the operation needs one of its optional arguments.


def _region() -> ImageRegionCreateEntry:
    return ImageRegionCreateEntry(image_id=IMAGE, tag_id=TAG, left=0.1, top=0.2, width=0.3, height=0.4)


SAMPLES: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "GetDomains": ((), {}),
    "GetDomain": ((DOMAIN,), {}),
    "GetProjects": ((), {}),
    "CreateProject": (
        ("My project",),
        {
            "description": "fruit & veg",
            "domain_id": DOMAIN,
            "classification_type": "Multilabel",
            "target_export_platforms": ["CoreML", "ONNX"],
        },
    ),
    "GetProject": ((PROJECT,), {}),
    "DeleteProject": ((str(PROJECT),), {}),
    "UpdateProject": ((PROJECT, {"name": "Renamed", "description": "d"}), {}),
    "GetArtifact": ((PROJECT, "i-40b6/t-5c88"), {}),
    "ExportProject": ((PROJECT,), {}),
    "GetImages": (
        (PROJECT,),
        {
            "iteration_id": ITERATION,
            "tag_ids": [TAG, TAG2],
            "tagging_status": "Tagged",
            "filter": "color eq 'red'",
            "order_by": "Newest",
            "take": 100,
            "skip": 200,
        },
    ),
    "CreateImagesFromData": ((PROJECT, [JPEG, PNG]), {"tag_ids": [TAG, TAG2]}),
    "DeleteImages": ((PROJECT,), {"image_ids": [IMAGE, REGION], "all_images": False, "all_iterations": True}),
    "GetImageRegionProposals": ((PROJECT, IMAGE), {}),
    "GetImageCount": (
        (PROJECT,),
        {"iteration_id": ITERATION, "tagging_status": "Untagged", "filter": "a ne 'b'", "tag_ids": [TAG, TAG2]},
    ),
    "CreateImagesFromFiles": (
        (
            PROJECT,
            ImageFileCreateBatch(
                images=[ImageFileCreateEntry(name="a.jpg", contents=JPEG, tag_ids=[TAG])],
                tag_ids=[TAG2],
                metadata={"source": "camera"},
            ),
        ),
        {},
    ),
    "GetImagesByIds": ((PROJECT,), {"image_ids": [IMAGE, REGION], "iteration_id": ITERATION}),
    "UpdateImageMetadata": ((PROJECT, [IMAGE, REGION], {"color": "red"}), {}),
    "CreateImagesFromPredictions": (
        (PROJECT, ImageIdCreateBatch(images=[ImageIdCreateEntry(id=IMAGE)], tag_ids=[TAG])),
        {},
    ),
    "CreateImageRegions": ((PROJECT, [_region(), _region()]), {}),
    "DeleteImageRegions": ((PROJECT, [REGION, IMAGE]), {}),
    "QuerySuggestedImages": (
        (PROJECT, ITERATION, SuggestedTagAndRegionQueryToken(tag_ids=[TAG], threshold=0.5, max_count=10)),
        {},
    ),
    "QuerySuggestedImageCount": ((PROJECT, ITERATION), {"tag_ids": [TAG, TAG2], "threshold": 0.75}),
    "GetTaggedImages": (
        (PROJECT,),
        {"iteration_id": ITERATION, "tag_ids": [TAG, TAG2], "order_by": "Oldest", "take": 256, "skip": 0},
    ),
    "GetTaggedImageCount": ((PROJECT,), {"iteration_id": ITERATION, "tag_ids": [TAG, TAG2]}),
    "CreateImageTags": ((PROJECT, [ImageTagCreateEntry(image_id=IMAGE, tag_id=TAG)]), {}),
    "DeleteImageTags": ((PROJECT, [IMAGE, REGION], [TAG, TAG2]), {}),
    "GetUntaggedImages": ((PROJECT,), {"iteration_id": ITERATION, "order_by": "Newest", "take": 10, "skip": 5}),
    "GetUntaggedImageCount": ((PROJECT,), {"iteration_id": ITERATION}),
    "CreateImagesFromUrls": (
        (
            PROJECT,
            ImageUrlCreateBatch(
                images=[ImageUrlCreateEntry(url="https://example.com/a.jpg")], tag_ids=[TAG], metadata={"k": "v"}
            ),
        ),
        {},
    ),
    "GetIterations": ((PROJECT,), {}),
    "GetIteration": ((PROJECT, ITERATION), {}),
    "DeleteIteration": ((PROJECT, ITERATION), {}),
    "UpdateIteration": ((PROJECT, ITERATION, "Iteration 7"), {}),
    "GetExports": ((PROJECT, ITERATION), {}),
    "ExportIteration": ((PROJECT, ITERATION, "ONNX"), {"flavor": "ONNX12"}),
    "GetIterationPerformance": ((PROJECT, ITERATION), {"threshold": 0.5, "overlap_threshold": 0.3}),
    "GetImagePerformances": (
        (PROJECT, ITERATION),
        {"tag_ids": [TAG, TAG2], "order_by": "Newest", "take": 20, "skip": 40},
    ),
    "GetImagePerformanceCount": ((PROJECT, ITERATION), {"tag_ids": [TAG, TAG2]}),
    "PublishIteration": ((PROJECT, ITERATION, "my model", PREDICTION_RESOURCE_ID), {"overwrite": True}),
    "UnpublishIteration": ((PROJECT, ITERATION), {}),
    "DeletePrediction": ((PROJECT, [IMAGE, REGION]), {}),
    "QueryPredictions": (
        (PROJECT, PredictionQueryToken(iteration_id=ITERATION, max_count=25, order_by="Newest")),
        {},
    ),
    "QuickTestImage": ((PROJECT, JPEG), {"iteration_id": ITERATION, "store": False}),
    "QuickTestImageUrl": ((PROJECT, "https://example.com/b.png"), {"iteration_id": ITERATION, "store": True}),
    "GetTags": ((PROJECT,), {"iteration_id": ITERATION}),
    "CreateTag": ((PROJECT, "apple"), {"description": "red or green", "type": "Negative"}),
    "GetTag": ((PROJECT, TAG), {"iteration_id": ITERATION}),
    "DeleteTag": ((PROJECT, TAG), {}),
    "UpdateTag": ((PROJECT, TAG, {"name": "pear", "description": "d", "type": "Regular"}), {}),
    "SuggestTagsAndRegions": ((PROJECT, ITERATION, [IMAGE, REGION]), {}),
    "TrainProject": (
        (PROJECT,),
        {
            "training_type": "Advanced",
            "reserved_budget_in_hours": 2,
            "force_train": True,
            "notification_email_address": "me@example.com",
            "selected_tags": [TAG, TAG2],
        },
    ),
    "ImportProject": (("export-token-abc",), {"name": "Copy"}),
}

MINIMAL: dict[str, dict[str, Any]] = {"DeleteImages": {"image_ids": [IMAGE]}}


# ------------------------------------------------------------------------------- spec-shaped responses


def sample_value(schema: dict[str, Any], depth: int = 0) -> Any:
    """A value of ``schema`` with every property filled in, for feeding parsers spec-shaped bodies."""
    if "$ref" in schema:
        return sample_value(DEFINITIONS[schema["$ref"].split("/")[-1]], depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample_value(part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        own = {k: v for k, v in schema.items() if k != "allOf"}
        if own.get("properties"):
            merged.update(sample_value({**own, "type": "object"}, depth + 1))
        return merged
    kind = schema.get("type")
    fmt = schema.get("format")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        if depth > 20:
            return {}
        if "additionalProperties" in schema and not schema.get("properties"):
            return {str(TAG): sample_value(schema["additionalProperties"], depth + 1)}
        return {name: sample_value(prop, depth + 1) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [] if depth > 20 else [sample_value(schema["items"], depth + 1)]
    if kind == "string":
        if fmt == "uuid":
            return str(IMAGE)
        if fmt == "date-time":
            return "2024-05-06T07:08:09.123Z"
        if fmt == "byte":
            return "AAEC"
        return "text"
    if kind == "integer":
        return 3
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    return None


def sample_response(operation_id: str) -> tuple[int, bytes | None]:
    """The first success status of the operation and a body shaped as the spec says (``None``: no body)."""
    _, _, op = OPERATIONS[operation_id]
    status = min(int(code) for code in op["responses"] if code != "default")
    schema = op["responses"][str(status)].get("schema")
    if schema is None:
        return status, None
    if schema.get("type") == "file":
        return status, b"\x00\x01binary artifact"
    return status, json.dumps(sample_value(schema)).encode()
