"""Every response of every operation exercised here is checked against the official spec's response schema.

A tiny validator walks the Swagger 2.0 schema: `$ref`s, types, required keys, camelCase property names, and
no property the schema does not define.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_helpers import SHARED, make_project, make_tag, publish, trained_fruit_project, wait_trained

from customvision_rest.emulator import Emulator, synthetic_fruit
from customvision_rest.emulator._images import draw_fruit

TRAINING_SPEC = SHARED / "spec" / "Training" / "stable" / "v3.3" / "Training.json"
PREDICTION_SPEC = SHARED / "spec" / "Prediction" / "stable" / "v3.1" / "Prediction.json"
RECORDINGS = SHARED / "recordings"
# Properties the real service sends (see the recordings) that the spec's definitions do not declare.
SEEN_IN_RECORDINGS = {
    "Domain": {"exportablePlatforms", "modelInformation"},
    "Iteration": {"customBaseModelInfo", "trainingErrorDetails"},
}
CAMEL_CASE = re.compile(r"[a-z][a-zA-Z0-9]*")
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def validate(
    value: Any, schema: dict[str, Any], definitions: dict[str, Any], where: str, name: str = "", strict: bool = True
) -> list[str]:
    """Problems of `value` against `schema` (empty when it conforms): every property of the definition must be
    present (null where there is no value), with the declared type, and (when `strict`) no other property."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return validate(value, definitions[name], definitions, f"{where}<{name}>", name, strict)
    if value is None:
        return []  # every response field of this spec is optional or nullable on the wire
    expected = schema.get("type", "object")
    if expected == "file":
        return []
    if not isinstance(value, _TYPES[expected]) or (expected in ("integer", "number") and isinstance(value, bool)):
        return [f"{where}: expected {expected}, got {type(value).__name__}"]
    problems: list[str] = []
    if expected == "array":
        for index, item in enumerate(value):
            problems += validate(item, schema.get("items", {}), definitions, f"{where}[{index}]", strict=strict)
    elif expected == "object":
        properties = schema.get("properties", {})
        for key in properties:
            if key not in value:
                problems.append(f"{where}: missing {key}")
        for key, item in value.items():
            if key in properties:
                if not CAMEL_CASE.fullmatch(key):
                    problems.append(f"{where}: {key} is not camelCase")
                problems += validate(item, properties[key], definitions, f"{where}.{key}", strict=strict)
            elif "additionalProperties" in schema:
                additional = schema["additionalProperties"]
                if isinstance(additional, dict):
                    problems += validate(item, additional, definitions, f"{where}[{key}]", strict=strict)
            elif strict and properties and key not in SEEN_IN_RECORDINGS.get(name, set()):
                problems.append(f"{where}: unexpected property {key}")
    return problems


class Operations:
    """The operations of a spec, matched by method and path."""

    def __init__(self, spec_path: Path) -> None:
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        self.definitions: dict[str, Any] = spec["definitions"]
        base = re.sub(r"v3\\\.\d", "v[^/]+", re.escape(spec["basePath"]))
        self.routes = []
        # Literal paths first, so `/projects/import` is not taken for `/projects/{projectId}`.
        for path, methods in sorted(spec["paths"].items(), key=lambda item: item[0].count("{")):
            pattern = re.compile(base + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)))
            for method, operation in methods.items():
                if method != "parameters":
                    self.routes.append((method.upper(), pattern, operation))

    def find(self, method: str, path: str) -> dict[str, Any] | None:
        for route_method, pattern, operation in self.routes:
            if route_method == method and pattern.fullmatch(path):
                return dict(operation)
        return None


class Recorder:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = self.emulator.handle(request)
        self.exchanges.append((request, response))
        return response


def _drive_everything(
    emulator: Emulator, trainer: httpx.Client, predictor: httpx.Client, *, detection: bool = True
) -> None:
    """Call (nearly) every operation, successfully and in error (object detection too, unless told not to)."""
    trainer.get("/domains")
    trainer.get("/domains/0732100f-1a38-4e49-a514-c9b44c697ab5")
    trainer.get("/domains/00000000-0000-0000-0000-000000000000")
    project_id, tags, iteration = trained_fruit_project(trainer, domainId="0732100f-1a38-4e49-a514-c9b44c697ab5")
    p = f"/projects/{project_id}"
    i = f"{p}/iterations/{iteration['id']}"
    trainer.get("/projects")
    project = trainer.get(p).json()
    trainer.patch(p, json={**project, "description": "updated"})
    trainer.post(f"{p}/train")
    images = trainer.get(f"{p}/images").json()
    trainer.get(f"{p}/images/count")
    trainer.get(f"{p}/images/tagged", params={"take": 2})
    trainer.get(f"{p}/images/tagged/count")
    trainer.get(f"{p}/images/untagged")
    trainer.get(f"{p}/images/untagged/count")
    trainer.get(f"{p}/images/id", params={"imageIds": images[0]["id"]})
    trainer.post(f"{p}/images/metadata", params={"imageIds": images[0]["id"]}, json={"k": "v"})
    extra = make_tag(trainer, project_id, "extra")
    trainer.patch(f"{p}/tags/{extra['id']}", json={**extra, "description": "d"})
    trainer.get(f"{p}/tags/{extra['id']}")
    trainer.post(f"{p}/images/tags", json={"tags": [{"imageId": images[0]["id"], "tagId": extra["id"]}]})
    trainer.delete(f"{p}/images/tags", params={"imageIds": images[0]["id"], "tagIds": extra["id"]})
    trainer.delete(f"{p}/tags/{extra['id']}")
    trainer.get(f"{p}/tags")
    trainer.get(f"{p}/artifacts", params={"path": f"images/{images[0]['id']}"})
    trainer.post(f"{p}/images/{images[0]['id']}/regionproposals")
    data = synthetic_fruit("banana", 99, (96, 96))
    trainer.post(f"{p}/images", content=data, headers={"Content-Type": "application/octet-stream"})
    trainer.post(f"{p}/images/files", json={"images": [{"contents": "bm90IGFuIGltYWdl"}]})
    trainer.post(f"{p}/images/urls", json={"images": [{"url": "https://example.com/x.jpg"}]})
    trainer.get(f"{p}/iterations")
    trainer.get(i)
    trainer.patch(i, json={**iteration, "name": "renamed"})
    trainer.get(f"{i}/performance")
    trainer.get(f"{i}/performance/images")
    trainer.get(f"{i}/performance/images/count")
    untagged = trainer.get(f"{p}/images/untagged").json()[0]["id"]
    trainer.post(f"{p}/tagsandregions/suggestions", params={"iterationId": iteration["id"], "imageIds": untagged})
    trainer.post(f"{p}/images/suggested", params={"iterationId": iteration["id"]}, json={"maxCount": 5})
    trainer.post(
        f"{p}/images/suggested/count", params={"iterationId": iteration["id"]}, json={"tagIds": [tags["apple"]]}
    )
    trainer.post(f"{p}/quicktest/image", files={"imageData": data})
    url = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    trainer.post(f"{p}/quicktest/url", json={"url": url})
    publish(trainer, emulator, project_id, iteration["id"], "spec model")
    for mode in ("image", "image/nostore"):
        predictor.post(f"/{project_id}/classify/iterations/spec%20model/{mode}", content=data)
    for mode in ("url", "url/nostore"):
        predictor.post(f"/{project_id}/classify/iterations/spec%20model/{mode}", json={"url": url})
    predictor.post(f"/{project_id}/classify/iterations/unknown/image", content=data)
    query = trainer.post(f"{p}/predictions/query", json={"maxCount": 1}).json()
    trainer.post(f"{p}/images/predictions", json={"images": [{"id": query["results"][0]["id"]}]})
    trainer.delete(f"{p}/predictions", params={"ids": query["results"][0]["id"]})
    trainer.post(f"{i}/export", params={"platform": "TensorFlow"})
    deadline = time.monotonic() + 120
    while trainer.get(f"{i}/export").json()[0]["status"] != "Done" and time.monotonic() < deadline:
        time.sleep(0.02)
    trainer.delete(f"{i}/publish")
    token = trainer.get(f"{p}/export").json()["token"]
    imported = trainer.post("/projects/import", params={"token": token}).json()
    trainer.delete(f"{p}/images", params={"imageIds": images[-1]["id"]})
    trainer.delete(f"{p}/images", params={"allImages": "true"})
    trainer.delete(i)
    trainer.delete(f"/projects/{imported['id']}")
    trainer.delete(p)
    if not detection:
        return
    detection_project = make_project(trainer, name="detector", domainId="a27d5ca5-bb19-49d8-a70a-fec086c47f5b")
    tag = make_tag(trainer, detection_project["id"], "apple")["id"]
    entries = []
    for seed in range(15):
        raw, box = draw_fruit("apple", seed, (128, 128))
        region = dict(zip(("left", "top", "width", "height"), box, strict=True))
        entries.append({"contents": base64.b64encode(raw).decode(), "regions": [{"tagId": tag, **region}]})
    created = trainer.post(f"/projects/{detection_project['id']}/images/files", json={"images": entries}).json()
    image_id = created["images"][0]["image"]["id"]
    regions = trainer.post(
        f"/projects/{detection_project['id']}/images/regions",
        json={"regions": [{"imageId": image_id, "tagId": tag, "left": 0, "top": 0, "width": 0.1, "height": 0.1}]},
    ).json()
    trainer.delete(
        f"/projects/{detection_project['id']}/images/regions", params={"regionIds": regions["created"][0]["regionId"]}
    )
    trained = trainer.post(f"/projects/{detection_project['id']}/train").json()
    wait_trained(trainer, detection_project["id"], trained["id"])
    publish(trainer, emulator, detection_project["id"], trained["id"], "det")
    for mode in ("image", "image/nostore"):
        predictor.post(f"/{detection_project['id']}/detect/iterations/det/{mode}", content=data)
    for mode in ("url", "url/nostore"):
        predictor.post(f"/{detection_project['id']}/detect/iterations/det/{mode}", json={"url": url})
    trainer.get(f"/projects/{detection_project['id']}/iterations/{trained['id']}/performance/images")


def test_the_allowed_extra_properties_are_real() -> None:
    if not RECORDINGS.exists():
        pytest.skip("../shared/recordings not found: reference data absent")
    recorded = "".join(path.read_text(encoding="utf-8") for path in RECORDINGS.glob("*.json"))
    for properties in SEEN_IN_RECORDINGS.values():
        for name in properties:
            assert f'\\"{name}\\":' in recorded, name


# (training version, its spec, prediction version, its spec)
VERSIONS = [
    ("3.3", TRAINING_SPEC, "3.1", PREDICTION_SPEC),
    (
        "3.4-preview",
        SHARED / "spec" / "Training" / "preview" / "v3.4-preview" / "Training.json",
        "3.1",
        PREDICTION_SPEC,
    ),
    ("3.2", SHARED / "spec" / "Training" / "stable" / "v3.2" / "Training.json", "3.1", PREDICTION_SPEC),
    ("3.1", SHARED / "spec" / "Training" / "stable" / "v3.1" / "Training.json", "3.1", PREDICTION_SPEC),
    (
        "3.0",
        SHARED / "spec" / "Training" / "stable" / "v3.0" / "Training.json",
        "3.0",
        SHARED / "spec" / "Prediction" / "stable" / "v3.0" / "Prediction.json",
    ),
]


@pytest.mark.parametrize(
    ("training_version", "training_spec", "prediction_version", "prediction_spec"),
    VERSIONS,
    ids=[f"training-{v[0]}" for v in VERSIONS],
)
def test_every_response_conforms_to_the_spec(
    training_version: str, training_spec: Path, prediction_version: str, prediction_spec: Path
) -> None:
    """At v3.3 (the contract): the exact definitions. At the other versions: every property of that version's
    definitions is present with its type (newer properties may be present too) for the operations it has."""
    if not training_spec.exists() or not prediction_spec.exists():
        pytest.skip("../shared not found: reference data absent")
    strict = training_version == "3.3"
    training_ops, prediction_ops = Operations(training_spec), Operations(prediction_spec)
    with Emulator(training_key="test-training-key", prediction_key="test-prediction-key") as emulator:
        recorder = Recorder(emulator)
        transport = httpx.MockTransport(recorder)
        with (
            httpx.Client(
                base_url=f"http://h/customvision/v{training_version}/training",
                transport=transport,
                headers={"Training-Key": "test-training-key"},
            ) as trainer,
            httpx.Client(
                base_url=f"http://h/customvision/v{prediction_version}/prediction",
                transport=transport,
                headers={"Prediction-Key": "test-prediction-key"},
            ) as predictor,
        ):
            # Detection answers share their definitions with classification ones at 3.1-3.4: checked at 3.3.
            _drive_everything(emulator, trainer, predictor, detection=training_version in ("3.3", "3.0"))
    problems: list[str] = []
    seen: set[str] = set()
    for request, response in recorder.exchanges:
        path = request.url.path
        operations = training_ops if "/training" in path else prediction_ops
        operation = operations.find(request.method, path)
        if operation is None and not strict:
            continue  # an operation this older version does not have
        assert operation is not None, f"{request.method} {path} is not in the spec"
        seen.add(operation["operationId"])
        responses = operation["responses"]
        status = str(response.status_code)
        if not strict and status not in responses and response.status_code < 300:
            # Older versions declare neither 207 (partial batches) nor 202 (delete all images): the bodies are
            # those of their declared success.
            status = next(code for code in responses if code.startswith("2"))
        assert status in responses or response.status_code >= 400, f"{operation['operationId']} answered {status}"
        schema = responses.get(status, responses["default"]).get("schema")
        if schema is None:
            assert response.content == b"", operation["operationId"]
            continue
        body = response.content if schema.get("type") == "file" else response.json()
        where = f"{operation['operationId']} {status}"
        problems += validate(body, schema, operations.definitions, where, strict=strict)
        if response.status_code >= 400:
            assert body["code"] in operations.definitions["CustomVisionError"]["properties"]["code"]["enum"]
    assert problems == [], "\n".join(sorted({re.sub(r"\[\d+\]", "", p) for p in problems}))
    all_operations = {op["operationId"] for ops in (training_ops, prediction_ops) for _, _, op in ops.routes}
    if strict:
        assert all_operations - seen == set()
