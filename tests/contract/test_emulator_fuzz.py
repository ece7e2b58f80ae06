"""The emulator fuzzed from Microsoft's specification: any request the spec describes gets an answer the spec allows.

For every operation of the Training (v3.3) and Prediction (v3.1) specs, Hypothesis draws requests from the
operation's parameters: ids that exist in a trained and published project or that do not, malformed ids,
enum values and strings that are none, numbers out of range, bodies shaped by the spec's schemas (and some
that are not JSON objects at all), images that decode and bytes that do not, required parameters left out.
Each answer must not be a 5xx, and its body must conform to the schema the spec gives for that status (or to
the ``default`` error schema for an error status). A documented success status with no schema must come with
no body the client would misread.

Fields may be null (the real service sends nulls for fields the spec does not mark nullable), enums are open
(the spec marks them so), and objects may carry camelCase properties the spec does not define (the real service
sends some: see the recordings); types, required properties, item shapes and error bodies are checked strictly.

The run is bounded (a fixed number of examples per operation, derandomized), so that it stays a few seconds.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from customvision_rest.emulator import Emulator, synthetic_fruit

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PREVIEW_TRAINING_SPEC = SHARED / "spec" / "Training" / "preview" / "v3.4-preview" / "Training.json"
SPECS = {
    "training": SHARED / "spec" / "Training" / "stable" / "v3.3" / "Training.json",
    "prediction": SHARED / "spec" / "Prediction" / "stable" / "v3.1" / "Prediction.json",
}
TRAINING_KEY = "contract-training-key"
PREDICTION_KEY = "contract-prediction-key"
PUBLISHED = "contract"
EXAMPLES_PER_OPERATION = 5
JPEG = synthetic_fruit("apple", 0, (64, 64))


@dataclass(frozen=True)
class SpecOperation:
    api: str
    method: str
    path: str
    operation_id: str
    parameters: tuple[dict[str, Any], ...]
    responses: dict[str, Any]
    definitions: dict[str, Any] = field(repr=False)

    def __repr__(self) -> str:
        return f"<{self.operation_id}: {self.method} {self.path}>"


def with_newer_fields(definitions: dict[str, Any], newer_spec: Path | None) -> dict[str, Any]:
    """The definitions, with the properties the newer (preview) spec adds to them.

    The real service sends those fields on every API version (see the recordings), so an answer carrying one
    conforms; a property neither version defines does not.
    """
    if newer_spec is None or not newer_spec.is_file():
        return definitions
    newer = json.loads(newer_spec.read_text(encoding="utf-8"))["definitions"]
    merged = {}
    for name, definition in definitions.items():
        extra = newer.get(name, {}).get("properties", {})
        if extra and "properties" in definition:
            definition = {**definition, "properties": {**extra, **definition["properties"]}}
        merged[name] = definition
    for name, definition in newer.items():
        merged.setdefault(name, definition)
    return merged


def load_operations() -> list[SpecOperation]:
    operations = []
    for api, path in SPECS.items():
        if not path.is_file():
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        definitions = with_newer_fields(spec["definitions"], PREVIEW_TRAINING_SPEC if api == "training" else None)
        shared_parameters = spec.get("parameters", {})
        for route, methods in spec["paths"].items():
            for method, operation in methods.items():
                if method == "parameters":
                    continue
                parameters = [
                    shared_parameters[p["$ref"].split("/")[-1]] if "$ref" in p else p
                    for p in [*methods.get("parameters", []), *operation.get("parameters", [])]
                ]
                operations.append(
                    SpecOperation(
                        api,
                        method.upper(),
                        spec["basePath"] + route,
                        operation["operationId"],
                        tuple(p for p in parameters if p.get("in") != "path" or p["name"] != "Endpoint"),
                        operation["responses"],
                        definitions,
                    )
                )
    return operations


def destroys(op: SpecOperation) -> bool:
    return op.method == "DELETE" or op.operation_id == "UnpublishIteration"


# What deletes or unpublishes runs last, so that the seeded project is still whole for everything else.
OPERATIONS = sorted(load_operations(), key=lambda op: (destroys(op), op.operation_id == "DeleteProject"))


# --------------------------------------------------------------------------------------------- validation


def response_schema(schema: Any) -> Any:
    """The spec's (Swagger 2.0) schema as a JSON Schema for what the service sends: nullable, open enums."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return {"anyOf": [{"type": "null"}, {"$ref": schema["$ref"]}]}
    if schema.get("type") == "file":
        return {}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            out[key] = {name: response_schema(item) for name, item in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = response_schema(value)
        elif key in ("type", "required", "maximum", "minimum", "maxItems", "minItems"):
            out[key] = value
    if "properties" in out:
        # The real service sends fields neither spec version defines (see the recordings): extra properties
        # are allowed, in the wire format's camelCase.
        out["propertyNames"] = {"pattern": "^[a-z][a-zA-Z0-9]*$"}
    return {"anyOf": [{"type": "null"}, out]}


def violations(body: Any, schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    document = {
        "definitions": {name: response_schema(item)["anyOf"][1] for name, item in definitions.items()},
        **response_schema(schema),
    }
    validator = jsonschema.Draft7Validator(document)
    problems = []
    for error in validator.iter_errors(body):
        # Every schema is wrapped in "null or ...": the reason is in the deepest error of the second branch.
        while error.context:
            reasons = [inner for inner in error.context if inner.validator_value != "null"] or error.context
            error = max(reasons, key=lambda inner: len(inner.absolute_path))
        problems.append(f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:200]}")
    return problems


GATEWAY_STATUSES = frozenset({401, 403, 404, 429})
GATEWAY_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
"""Authentication, throttling and unknown routes are answered by the gateway in front of the service, in this
shape (see the recordings), which the spec does not describe."""


def check_answer(op: SpecOperation, request: httpx.Request, response: httpx.Response) -> None:
    what = f"{op.operation_id}: {request.method} {request.url} -> {response.status_code}"
    assert response.status_code < 500, f"{what}: {response.text[:300]}"
    documented = op.responses.get(str(response.status_code))
    if documented is None:
        assert response.status_code >= 400, f"{what}: a success status the spec does not list"
        documented = op.responses.get("default")
        assert documented is not None, f"{what}: an error status the spec does not describe"
        if (
            response.status_code in GATEWAY_STATUSES
            and isinstance(response.json(), dict)
            and "error" in response.json()
        ):
            documented = {"schema": GATEWAY_ERROR}
    schema = documented.get("schema")
    if schema is None:
        assert not response.content or response.status_code >= 400, f"{what}: a body where the spec has none"
        return
    if schema.get("type") == "file":
        return
    try:
        body = response.json()
    except ValueError:
        pytest.fail(f"{what}: not JSON: {response.text[:200]!r}")
    problems = violations(body, schema, op.definitions)
    assert problems == [], f"{what}: {problems[:5]}"


# ----------------------------------------------------------------------------------------------- the world


@dataclass(repr=False)
class World:
    emulator: Emulator
    client: httpx.Client
    ids: dict[str, list[str]]

    def __repr__(self) -> str:
        return "<the seeded emulator>"

    def send(self, request: httpx.Request) -> httpx.Response:
        return self.client.send(request)


@contextmanager
def seeded_world() -> Iterator[World]:
    if not OPERATIONS:
        pytest.skip("../shared/spec not found: the specification is needed to fuzz from it")
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emulator,
        httpx.Client(base_url="http://emulator.test", transport=emulator.transport()) as client,
    ):
        yield World(emulator, client, seed_project(emulator, client))


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with seeded_world() as seeded:
        yield seeded


def seed_project(emulator: Emulator, client: httpx.Client) -> dict[str, list[str]]:
    """A trained, published project, so that fuzzed ids can name things that exist."""
    root = "/customvision/v3.3/training"
    headers = {"Training-Key": TRAINING_KEY}

    def call(method: str, path: str, **kwargs: Any) -> Any:
        response = client.request(method, root + path, headers=headers, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    project = call("POST", "/projects", params={"name": "contract"})["id"]
    tags = [call("POST", f"/projects/{project}/tags", params={"name": kind})["id"] for kind in ("apple", "banana")]
    for kind, tag in zip(("apple", "banana"), tags, strict=True):
        images = [{"contents": base64.b64encode(synthetic_fruit(kind, n, (64, 64))).decode()} for n in range(5)]
        call("POST", f"/projects/{project}/images/files", json={"images": images, "tagIds": [tag]})
    iteration = call("POST", f"/projects/{project}/train")["id"]
    deadline = time.monotonic() + 30
    while call("GET", f"/projects/{project}/iterations/{iteration}")["status"] == "Training":
        assert time.monotonic() < deadline, "training did not finish"
        time.sleep(0.01)
    call(
        "POST",
        f"/projects/{project}/iterations/{iteration}/publish",
        params={"publishName": PUBLISHED, "predictionId": emulator.prediction_resource.resource_id},
    )
    images = [image["id"] for image in call("GET", f"/projects/{project}/images")]
    domains = [domain["id"] for domain in call("GET", "/domains")][:3]
    return {"project": [project], "iteration": [iteration], "tag": tags, "image": images, "domain": domains}


# ---------------------------------------------------------------------------------------------- strategies

JUNK_TEXT = st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=0, max_size=12)
PATH_JUNK = JUNK_TEXT.filter(lambda text: text not in ("", ".", ".."))
"""Not empty and no dot segment, which would make another path (answered by the gateway, not the operation)."""
NAMES = st.sampled_from(["fruit", "pommes v2", "a-b_c.d"])


def mostly(good: Any, other: Any) -> Any:
    """``good`` seven times in ten, else ``other``: most requests are well formed and reach the operation."""
    return st.integers(0, 9).flatmap(lambda n: good if n < 7 else other)


def id_strategy(name: str, world: World) -> Any:
    kind = next((k for k in ("project", "iteration", "tag", "image", "domain") if k in name.lower()), None)
    known = world.ids.get(kind or "", [])
    others = st.one_of(st.uuids().map(str), PATH_JUNK)
    return mostly(st.sampled_from(known), others) if known else others


def value_strategy(schema: dict[str, Any], name: str, world: World, definitions: dict[str, Any], depth: int = 0) -> Any:
    """Values shaped by a schema, with some that break it."""
    if "$ref" in schema:
        return value_strategy(definitions[schema["$ref"].split("/")[-1]], name, world, definitions, depth)
    kind = schema.get("type", "object")
    if schema.get("format") == "uuid":
        return id_strategy(name, world)
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), JUNK_TEXT)
    if kind == "string":
        if schema.get("format") == "byte":
            return st.sampled_from(
                [base64.b64encode(JPEG).decode(), "", "not base64!", base64.b64encode(b"x").decode()]
            )
        if schema.get("format") == "date-time":
            return st.sampled_from(["2024-01-02T03:04:05Z", "yesterday"])
        if "url" in name.lower() or "uri" in name.lower():
            return st.sampled_from(
                ["data:image/jpeg;base64," + base64.b64encode(JPEG).decode(), "https://x.invalid/a.jpg", ""]
            )
        return mostly(NAMES, JUNK_TEXT)
    if kind == "integer":
        return st.integers(min_value=-3, max_value=300)
    if kind == "number":
        return st.one_of(st.floats(min_value=-0.5, max_value=1.5, allow_nan=False), st.sampled_from([0.0, 1.0, 1e9]))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        item = value_strategy(schema.get("items", {}), name, world, definitions, depth + 1)
        return st.lists(item, max_size=3 if depth < 2 else 1)
    properties = schema.get("properties", {})
    if depth > 3 or not properties:
        return st.dictionaries(JUNK_TEXT, st.one_of(st.none(), st.integers(), JUNK_TEXT), max_size=2)
    return st.fixed_dictionaries(
        {},
        optional={key: value_strategy(item, key, world, definitions, depth + 1) for key, item in properties.items()},
    )


def query_strategy(parameter: dict[str, Any], world: World) -> Any:
    name = parameter["name"]
    kind = parameter.get("type")
    if parameter.get("format") == "uuid":
        return id_strategy(name, world)
    if kind == "array":
        return st.lists(id_strategy(name, world), min_size=0, max_size=3).map(",".join)
    if kind == "boolean":
        return st.sampled_from(["true", "false", "maybe"])
    if kind in ("integer", "number"):
        return st.one_of(st.integers(min_value=-3, max_value=300).map(str), st.sampled_from(["0.5", "lots"]))
    if "enum" in parameter:
        return st.one_of(st.sampled_from(parameter["enum"]), JUNK_TEXT)
    if name == "predictionId":
        return st.sampled_from([world.emulator.prediction_resource.resource_id, "not-a-resource-id"])
    if "url" in name.lower():
        return st.sampled_from(["data:image/jpeg;base64," + base64.b64encode(JPEG).decode(), "https://x.invalid/a.jpg"])
    return mostly(NAMES, JUNK_TEXT)


@st.composite
def requests(draw: Any, op: SpecOperation, world: World) -> httpx.Request:
    path = op.path
    params: dict[str, str] = {}
    json_body: Any = None
    files: list[tuple[str, tuple[str, bytes, str]]] = []
    has_body = False
    for parameter in op.parameters:
        where, name = parameter["in"], parameter["name"]
        # Hypothesis favours the first choice and small numbers: those are the well-formed requests.
        omitted = (not parameter.get("required") and draw(st.booleans())) or draw(st.integers(0, 19)) == 19
        if where == "path":
            value = draw(st.sampled_from([PUBLISHED, None])) if name == "publishedName" else None
            if value is None:
                value = draw(id_strategy(name, world)) if parameter.get("format") == "uuid" else draw(PATH_JUNK)
            path = path.replace("{" + name + "}", quote(value, safe="") or "x")
        elif omitted:
            continue
        elif where == "query":
            params[name] = draw(query_strategy(parameter, world))
        elif where == "body":
            has_body = True
            json_body = draw(
                st.one_of(
                    value_strategy(parameter["schema"], name, world, op.definitions),
                    st.sampled_from([None, [], 7, "text"]),
                )
            )
        elif where == "formData":
            # A truncated JPEG is left to test_truncated_images: accepted by an upload, it changes later answers.
            image = draw(st.sampled_from([JPEG, b"", b"not an image"]))
            files.append((name, ("image.jpg", image, "image/jpeg")))
    headers = {
        "Training-Key" if op.api == "training" else "Prediction-Key": TRAINING_KEY
        if op.api == "training"
        else PREDICTION_KEY
    }
    return httpx.Request(
        op.method,
        "http://emulator.test" + path,
        params=params,
        headers=headers,
        json=json_body if has_body else None,
        files=files or None,
    )


TRUNCATED_IMAGE_OPERATIONS = [op for op in OPERATIONS if any(p["in"] == "formData" for p in op.parameters)]


def test_truncated_images() -> None:
    """A JPEG cut in half is refused with a 400 by every operation that reads an image, never a 500.

    On an emulator of its own: an upload the emulator accepts would break later operations of the fuzz.
    """
    with seeded_world() as world:
        answers = truncated_image_answers(world)
    assert answers and all(status < 500 for status in answers.values()), answers


def truncated_image_answers(world: World) -> dict[str, int]:
    answers = {}
    for op in TRUNCATED_IMAGE_OPERATIONS:
        path = op.path.replace("{projectId}", world.ids["project"][0]).replace("{publishedName}", PUBLISHED)
        key = {"Training-Key": TRAINING_KEY} if op.api == "training" else {"Prediction-Key": PREDICTION_KEY}
        request = world.client.build_request(
            "POST", path, headers=key, files=[("imageData", ("cut.jpg", JPEG[: len(JPEG) // 2], "image/jpeg"))]
        )
        answers[op.operation_id] = world.send(request).status_code
        if op.operation_id == "CreateImagesFromData":
            # Accepted, the truncated image then breaks suggestions over the untagged images.
            suggested = f"/customvision/v3.3/training/projects/{world.ids['project'][0]}/images/suggested"
            query = world.client.post(
                suggested, params={"iterationId": world.ids["iteration"][0]}, json={}, headers=key
            )
            answers["QuerySuggestedImages after the upload"] = query.status_code
    return answers


WRONGLY_TYPED_BODIES = [
    pytest.param("/images/metadata", "text", id="UpdateImageMetadata: a string body"),
    pytest.param("/images/regions", {"regions": [5]}, id="CreateImageRegions: a number for a region"),
    pytest.param("/images/regions", "text", id="CreateImageRegions: a string body"),
    pytest.param("/images/tags", {"tags": ["x"]}, id="CreateImageTags: a string for an entry"),
    pytest.param("/images/tags", 7, id="CreateImageTags: a number body"),
]


@pytest.mark.parametrize(("route", "body"), WRONGLY_TYPED_BODIES)
def test_wrongly_typed_bodies_are_refused(route: str, body: object, world: World) -> None:
    """Cases an earlier run of the fuzz found (derandomized, it draws others now), replayed exactly: a 400."""
    path = f"/customvision/v3.3/training/projects/{world.ids['project'][0]}{route}"
    params = {"imageIds": world.ids["image"][0]} if route.endswith("metadata") else {}
    request = world.client.build_request("POST", path, params=params, json=body, headers={"Training-Key": TRAINING_KEY})
    assert world.send(request).status_code == 400


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
def test_every_answer_conforms(op: SpecOperation, world: World) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=(Phase.generate,),  # no shrinking: a failure is reported as found, which keeps the run short
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )
    @given(request=requests(op, world))
    def answer_conforms(request: httpx.Request) -> None:
        check_answer(op, request, world.send(request))

    answer_conforms()


def test_the_checks_catch_a_violation() -> None:
    """The validator is not blind: a wrong type, an extra property and a 5xx are all reported."""
    definitions = {"Thing": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}}
    schema = {"$ref": "#/definitions/Thing"}
    assert violations({"id": str(uuid.uuid4())}, schema, definitions) == []
    assert violations({"id": None}, schema, definitions) == []
    assert violations({"id": 5}, schema, definitions) != []
    assert violations({"id": str(uuid.uuid4()), "extraField": 1}, schema, definitions) == []
    assert violations({"id": str(uuid.uuid4()), "extra_field": 1}, schema, definitions) != []
    assert violations([{"id": 1}], {"type": "array", "items": schema}, definitions) != []
    op = SpecOperation("training", "GET", "/x", "X", (), {"200": {"schema": schema}}, definitions)
    request = httpx.Request("GET", "http://emulator.test/x")
    with pytest.raises(AssertionError, match="500"):
        check_answer(op, request, httpx.Response(500, request=request))
    with pytest.raises(AssertionError, match="does not list"):
        check_answer(op, request, httpx.Response(202, request=request))
