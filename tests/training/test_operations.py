"""Every operation of the Training specification, against our clients: names, requests and answers."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

from customvision_rest import ClientValidationError, ConfigurationError
from customvision_rest.clients.training import AsyncTrainingClient, TrainingClient
from customvision_rest.core.operation import Operation, OperationMethod
from customvision_rest.operations.training import TrainingOperations

from ._spec import (
    ENDPOINT,
    KEY,
    MINIMAL,
    OPERATIONS,
    PATH_VALUES,
    SAMPLES,
    client,
    operation_of,
    require_shared,
    sample_response,
    snake,
    spec_ids_or_placeholder,
)

SPEC_OPS = spec_ids_or_placeholder()

# The POST/PATCH operations that are safe to repeat (see core/retry.py); every other POST is not.
REPEATABLE = {
    "UpdateProject",
    "UpdateTag",
    "UpdateIteration",
    "CreateImagesFromData",
    "CreateImagesFromFiles",
    "CreateImagesFromUrls",
    "CreateImagesFromPredictions",
    "UpdateImageMetadata",
    "CreateImageRegions",
    "CreateImageTags",
    "GetImageRegionProposals",
    "QuerySuggestedImages",
    "QuerySuggestedImageCount",
    "QueryPredictions",
    "SuggestTagsAndRegions",
    "QuickTestImage",  # the sample passes store=False
}
NOT_REPEATABLE = {
    "CreateProject",
    "CreateTag",
    "TrainProject",
    "PublishIteration",
    "ExportIteration",
    "ImportProject",
    "QuickTestImageUrl",  # the sample passes store=True
}


def operation_methods(cls: type) -> dict[str, OperationMethod[Any, Any]]:
    found = {}
    for name in dir(cls):
        value = getattr(cls, name, None)
        if isinstance(value, OperationMethod):
            found[name] = value
    return found


def build(
    operation_id: str, *, minimal: bool = False, api_version: str | None = None
) -> tuple[Operation[Any], httpx.Request]:
    args, kwargs = SAMPLES[operation_id]
    if minimal:
        kwargs = MINIMAL.get(operation_id, {})
    c = client(api_version)
    op = getattr(TrainingOperations, snake(operation_id)).build(c, *args, **kwargs)
    return op, c._config.build_request(op, None)


# --------------------------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("cls", [TrainingClient, AsyncTrainingClient])
def test_every_spec_operation_is_a_method_and_nothing_else(cls: type) -> None:
    require_shared()
    expected = {snake(op_id) for op_id in OPERATIONS}
    assert len(expected) == 52
    methods = set(operation_methods(cls))
    assert expected - methods == set(), "spec operations without a method"
    assert methods - expected == set(), "operation methods the spec does not define"


def test_every_spec_operation_has_sample_arguments() -> None:
    require_shared()
    assert set(SAMPLES) == set(OPERATIONS)


@pytest.mark.parametrize("operation_id", SPEC_OPS)
def test_operation_name_status_and_docstring(operation_id: str) -> None:
    _, _, spec_op = operation_of(operation_id)
    op, _ = build(operation_id)
    assert op.name == operation_id
    assert op.success == {int(code) for code in spec_op["responses"] if code != "default"}
    method = getattr(TrainingClient, snake(operation_id))
    assert method.__doc__ and len(method.__doc__.strip()) > 20


@pytest.mark.parametrize("operation_id", SPEC_OPS)
def test_repeatable_only_where_safe(operation_id: str) -> None:
    method, _, _ = operation_of(operation_id)
    op, _ = build(operation_id)
    if method in ("GET", "DELETE"):
        assert op.safe_method
    elif operation_id in REPEATABLE:
        assert op.repeatable
    else:
        assert operation_id in NOT_REPEATABLE, f"{operation_id}: decide whether it is repeatable"
        assert not op.repeatable


def test_quick_tests_that_store_are_not_repeatable() -> None:
    c = client()
    stored = TrainingOperations.quick_test_image.build(c, uuid.uuid4(), b"\xff\xd8\xffx")
    assert not stored.repeatable
    assert not TrainingOperations.quick_test_image_url.build(c, uuid.uuid4(), "https://e/x.jpg").repeatable
    assert TrainingOperations.quick_test_image_url.build(c, uuid.uuid4(), "https://e/x.jpg", store=False).repeatable


# ---------------------------------------------------------------------------------------------- requests


def _check_query_value(name: str, value: str, param: dict[str, Any]) -> None:
    kind = param.get("type")
    if kind == "array":
        items = value.split(",")
        assert all(items), f"{name}: empty item in {value!r}"
        for item in items:
            _check_query_value(name, item, {**param["items"], "name": name})
        if param.get("maxItems"):
            assert len(items) <= param["maxItems"]
        return
    if kind == "boolean":
        assert value in ("true", "false"), f"{name}={value!r} is not true/false"
    elif kind == "integer":
        assert str(int(value)) == value
        if "maximum" in param:
            assert int(value) <= param["maximum"]
    elif kind == "number":
        float(value)
    elif param.get("format") == "uuid":
        assert str(uuid.UUID(value)) == value, f"{name}={value!r} is not a canonical uuid"
    if "enum" in param:
        assert value in param["enum"], f"{name}={value!r} not in {param['enum']}"


def _check_body(request: httpx.Request, spec_op: dict[str, Any], *, optional_body_given: bool) -> None:
    params = spec_op.get("parameters", [])
    body_params = [p for p in params if p["in"] == "body"]
    form_params = [p for p in params if p["in"] == "formData"]
    content = request.read()
    content_type = request.headers.get("content-type", "")
    if form_params:
        assert content_type.startswith("multipart/form-data")
        names = {p["name"] for p in form_params}
        assert content.count(b'name="imageData"') >= 1
        assert names == {"imageData"}
    elif body_params and (body_params[0].get("required") or optional_body_given):
        assert content_type == "application/json"
        body = json.loads(content)
        schema = body_params[0]["schema"]
        if "$ref" in schema:
            from ._spec import DEFINITIONS

            definition = DEFINITIONS[schema["$ref"].split("/")[-1]]
            properties = set(definition.get("properties", {}))
            for part in definition.get("allOf", []):
                properties |= set(DEFINITIONS[part["$ref"].split("/")[-1]].get("properties", {}))
            assert isinstance(body, dict)
            assert set(body) <= properties, f"body keys {set(body) - properties} not in the spec"
            # The spec's "required" is not what the service enforces (the real UpdateTag recording sends a Tag
            # without "type"), so only the fields our models require are checked, by the models themselves.
        else:
            assert isinstance(body, dict) and all(isinstance(v, str) for v in body.values())
    else:
        assert content == b"", "a body was sent where the spec defines none"
        assert "content-type" not in request.headers


@pytest.mark.parametrize("minimal", [False, True], ids=["all-arguments", "required-only"])
@pytest.mark.parametrize("operation_id", SPEC_OPS)
def test_request_matches_the_spec(operation_id: str, minimal: bool) -> None:
    method, template, spec_op = operation_of(operation_id)
    _, request = build(operation_id, minimal=minimal)
    assert request.method == method
    url = urlsplit(str(request.url))
    assert f"{url.scheme}://{url.netloc}" == ENDPOINT
    expected_path = "/customvision/v3.3/training" + template.format(**PATH_VALUES)
    assert url.path == expected_path
    query = parse_qsl(url.query, keep_blank_values=True)
    names = [name for name, _ in query]
    assert len(names) == len(set(names)), "a query parameter is repeated"
    spec_query = {p["name"]: p for p in spec_op.get("parameters", []) if p["in"] == "query"}
    assert set(names) <= set(spec_query), f"query parameters not in the spec: {set(names) - set(spec_query)}"
    required = {name for name, p in spec_query.items() if p.get("required")}
    assert required <= set(names), f"required query parameters missing: {required - set(names)}"
    if minimal:
        extra = set(names) - required - set(_minimal_query_names(operation_id))
        assert not extra, f"optional parameters sent without being asked: {extra}"
    else:
        assert set(names) == set(spec_query), f"optional parameters not supported: {set(spec_query) - set(names)}"
    for name, value in query:
        _check_query_value(name, value, spec_query[name])
    _check_body(request, spec_op, optional_body_given=not minimal)


def _minimal_query_names(operation_id: str) -> list[str]:
    return {"DeleteImages": ["imageIds"]}.get(operation_id, [])


def test_query_formats_in_detail() -> None:
    _, request = build("GetImages")
    query = dict(parse_qsl(urlsplit(str(request.url)).query))
    assert query["tagIds"] == f"{PATH_VALUES['tagId']},0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e04"
    assert query["$filter"] == "color eq 'red'"
    assert (query["take"], query["skip"]) == ("100", "200")
    _, request = build("DeleteImages")
    query = dict(parse_qsl(urlsplit(str(request.url)).query))
    assert (query["allImages"], query["allIterations"]) == ("false", "true")


def test_create_project_and_tag_send_an_empty_body() -> None:
    for operation_id in ("CreateProject", "CreateTag", "PublishIteration", "ExportIteration", "ImportProject"):
        _, request = build(operation_id)
        assert request.read() == b""
        assert request.headers["content-length"] == "0"


def test_train_sends_a_body_only_with_selected_tags_or_parameters() -> None:
    c = client()
    bare = c._config.build_request(TrainingOperations.train_project.build(c, uuid.uuid4(), force_train=False), None)
    assert bare.read() == b""
    _, with_tags = build("TrainProject")
    assert json.loads(with_tags.read()) == {
        "selectedTags": [PATH_VALUES["tagId"], "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e04"]
    }
    op = TrainingOperations.train_project.build(
        c, uuid.uuid4(), training_parameters={"selectedTags": [PATH_VALUES["tagId"]], "customBaseModelInfo": {"x": 1}}
    )
    assert op.json == {"selectedTags": [PATH_VALUES["tagId"]], "customBaseModelInfo": {"x": 1}}
    with pytest.raises(ClientValidationError):
        TrainingOperations.train_project.build(c, uuid.uuid4(), selected_tags=[uuid.uuid4()], training_parameters={})


def test_multipart_parts_carry_names_and_types(tmp_path: Any) -> None:
    image = tmp_path / "hemlock_1.jpg"
    image.write_bytes(b"\xff\xd8\xff\xdbdata")
    c = client()
    with image.open("rb") as handle:
        op = TrainingOperations.create_images_from_data.build(c, uuid.uuid4(), [image, str(image), handle, b"GIF89a+"])
    assert [(field, name, kind) for field, (name, _, kind) in op.multipart.files] == [  # type: ignore[union-attr]
        ("imageData", "hemlock_1.jpg", "image/jpeg"),
        ("imageData", "hemlock_1.jpg", "image/jpeg"),
        ("imageData", "hemlock_1.jpg", "image/jpeg"),
        ("imageData", "image3.gif", "image/gif"),
    ]
    single = TrainingOperations.create_images_from_data.build(c, uuid.uuid4(), image)
    assert len(single.multipart.files) == 1  # type: ignore[union-attr]


def test_ids_as_text_or_uuid_and_bad_ids_refused() -> None:
    c = client()
    project = uuid.uuid4()
    by_uuid = TrainingOperations.get_project.build(c, project)
    by_text = TrainingOperations.get_project.build(c, str(project).upper())
    assert by_uuid.path == by_text.path
    with pytest.raises(ClientValidationError) as caught:
        TrainingOperations.get_project.build(c, "not-a-uuid")
    assert caught.value.value == "not-a-uuid"


@pytest.mark.parametrize("version", ["3.0", "3.1", "3.2", "3.3", "3.4-preview"])
def test_api_versions(version: str) -> None:
    require_shared()
    _, request = build("GetProjects", api_version=version)
    assert request.url.path == f"/customvision/v{version}/training/projects"


def test_default_and_unknown_api_version() -> None:
    assert client().api_version == "3.3"
    with pytest.raises(ConfigurationError):
        client("3.5")


# ----------------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize("operation_id", SPEC_OPS)
def test_spec_shaped_answer_parses_through_the_sync_client(operation_id: str) -> None:
    method, template, _ = operation_of(operation_id)
    status, body = sample_response(operation_id)
    args, kwargs = SAMPLES[operation_id]
    path = "/customvision/v3.3/training" + template.format(**PATH_VALUES)
    with respx.mock(base_url=ENDPOINT, assert_all_called=True) as router:
        route = router.request(method, path).respond(
            status, content=body or b"", headers={"Content-Type": "application/json"} if body else {}
        )
        with TrainingClient(ENDPOINT, KEY, max_retries=0) as c:
            result = getattr(c, snake(operation_id))(*args, **kwargs)
    assert route.call_count == 1
    assert route.calls.last.request.headers["Training-Key"]
    if body is None:
        assert result is None
    elif operation_id == "GetArtifact":
        assert result == body
    else:
        assert result is not None
        if isinstance(result, list):
            assert len(result) == 1
