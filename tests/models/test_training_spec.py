"""The Training models against the reference data: the v3.3 specification, its examples and real recordings.

The reference data lives in ``../shared`` beside the repository; without it these tests are skipped.
"""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from pydantic import BaseModel, TypeAdapter

from customvision_rest.models import prediction, training
from customvision_rest.models._base import OpenEnum

from ._reference import (
    RECORDINGS_DIR,
    SHARED,
    answers,
    leaf_types,
    model_for,
    objects_read_as,
    response_type,
    wire_fields,
    wire_names,
)

SPEC_DIR = SHARED / "spec" / "Training" / "stable" / "v3.3"

pytestmark = pytest.mark.skipif(
    not (SPEC_DIR / "Training.json").is_file(), reason="../shared not found: reference data absent"
)


def _load_spec() -> dict[str, Any]:
    path = SPEC_DIR / "Training.json"
    if not path.is_file():
        return {"definitions": {}, "paths": {}}
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


SPEC = _load_spec()
DEFINITIONS: dict[str, dict[str, Any]] = SPEC["definitions"]
# operationId -> (method, path template, operation)
OPERATIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    op["operationId"]: (method.upper(), template, op)
    for template, ops in SPEC["paths"].items()
    for method, op in ops.items()
}

# Spec enum names that the shared prediction module spells differently.
ENUM_NAMES = {"CustomVisionErrorCodes": "CustomVisionErrorCode"}
# Enums whose class deliberately lists only the common values (all others still parse).
PARTIAL_ENUMS = {"CustomVisionErrorCode"}


def enum_for(spec_name: str) -> type[OpenEnum]:
    name = ENUM_NAMES.get(spec_name, spec_name)
    cls = getattr(training, name, None) or getattr(prediction, name, None)
    assert isinstance(cls, type), f"no enum named {name} for the spec's x-ms-enum {spec_name}"
    assert issubclass(cls, OpenEnum), f"{name} is not an OpenEnum"
    return cls


def expected_type(prop: dict[str, Any]) -> Any:
    """The Python type a spec property (or array item) must map to."""
    if "$ref" in prop:
        return model_for(prop["$ref"].rsplit("/", 1)[1])
    kind, fmt = prop.get("type", ""), prop.get("format", "")
    if kind == "array":
        return expected_type(prop["items"])
    if kind == "object":
        return expected_type(prop["additionalProperties"])
    if kind == "string":
        if "enum" in prop:
            return OpenEnum
        return {"uuid": UUID, "date-time": datetime, "byte": bytes}.get(fmt, str)
    return {"number": float, "integer": int, "boolean": bool}[kind]


def models_in(value: Any) -> list[BaseModel]:
    """Every model inside a parsed value (itself included), depth first."""
    if isinstance(value, BaseModel):
        found = [value]
        for name in type(value).model_fields:
            found += models_in(getattr(value, name))
        return found
    if isinstance(value, list):
        return [m for item in value for m in models_in(item)]
    if isinstance(value, dict):
        return [m for item in value.values() for m in models_in(item)]
    return []


def assert_round_trips(parsed: Any) -> None:
    top = models_in(parsed)
    for model in top:
        cls = type(model)
        assert cls.model_validate(model.to_wire()) == model  # type: ignore[attr-defined]
        assert cls.model_validate_json(model.model_dump_json(by_alias=True)) == model


def assert_no_unknown_fields(parsed: Any, where: str) -> None:
    for model in models_in(parsed):
        assert not model.model_extra, f"{where}: {type(model).__name__} did not declare {set(model.model_extra)}"


# -------------------------------------------------------------------------------- definitions and enums


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_every_definition_has_a_model(name: str) -> None:
    model_for(name)


def test_the_spec_has_its_49_definitions() -> None:
    assert len(DEFINITIONS) == 49


def _properties_at_every_version() -> dict[str, set[str]]:
    """Each definition's properties in any Training specification served (3.0 to 3.4-preview)."""
    found: dict[str, set[str]] = {}
    for path in sorted((SHARED / "spec" / "Training").glob("*/*/Training.json")):
        for name, definition in json.loads(path.read_text(encoding="utf-8"))["definitions"].items():
            found.setdefault(name, set()).update(definition.get("properties", {}))
    return found


PROPERTIES_AT_EVERY_VERSION = _properties_at_every_version()


def test_every_version_of_the_spec_is_read() -> None:
    versions = {path.parent.name for path in (SHARED / "spec" / "Training").glob("*/*/Training.json")}
    assert versions >= {"v3.0", "v3.1", "v3.2", "v3.3", "v3.4-preview"}


@pytest.mark.parametrize("name", sorted(PROPERTIES_AT_EVERY_VERSION))
def test_model_fields_are_exactly_the_spec_and_recorded_properties(name: str) -> None:
    """A model declares what any version of the spec defines plus what real answers carry, and nothing else."""
    declared = set(wire_fields(model_for(name)))
    specified = PROPERTIES_AT_EVERY_VERSION[name]
    recorded = recorded_properties().get(name, set())
    assert declared >= specified, f"{name} lacks {specified - declared}"
    assert declared >= recorded, f"{name} lacks {recorded - declared}, which real answers carry"
    unexplained = declared - specified - recorded
    assert not unexplained, f"{name} declares fields neither the spec nor a recording has: {unexplained}"


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_model_field_types_follow_the_spec(name: str) -> None:
    fields = wire_fields(model_for(name))
    for prop_name, prop in DEFINITIONS[name].get("properties", {}).items():
        leaves = leaf_types(fields[prop_name].annotation)
        expected = expected_type(prop)
        if expected is OpenEnum:
            assert any(isinstance(t, type) and issubclass(t, OpenEnum) for t in leaves), (name, prop_name)
        else:
            # A str subclass (an open enum such as IterationStatus) satisfies a free string.
            assert any(t is expected or (expected is str and issubclass(t, str)) for t in leaves), (
                f"{name}.{prop_name}: expected {expected}, annotated {leaves}"
            )
        if prop.get("type") == "array":
            assert typing.get_origin(_unwrap(fields[prop_name].annotation)) is list, (name, prop_name)
        if prop.get("type") == "object":
            assert typing.get_origin(_unwrap(fields[prop_name].annotation)) is dict, (name, prop_name)


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``| None`` from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        else:
            return annotation


def _spec_enums() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "x-ms-enum" in node:
                found.setdefault(node["x-ms-enum"]["name"], node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC)
    return found


SPEC_ENUMS = _spec_enums()


@pytest.mark.parametrize("spec_name", sorted(SPEC_ENUMS))
def test_every_named_spec_enum_has_an_open_enum(spec_name: str) -> None:
    cls = enum_for(spec_name)
    values = {member.value for member in cls}
    if cls.__name__ in PARTIAL_ENUMS:
        assert values <= set(SPEC_ENUMS[spec_name])
    else:
        assert values == set(SPEC_ENUMS[spec_name])
    for member in cls:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", member.name), member.name


def test_enum_typed_properties_use_the_enum_of_their_name() -> None:
    checked = 0
    for name, definition in DEFINITIONS.items():
        fields = wire_fields(model_for(name))
        for prop_name, prop in definition.get("properties", {}).items():
            enum_spec = prop.get("items", prop)
            if "enum" not in enum_spec:
                continue
            enum_name = prop.get("x-ms-enum", {}).get("name", "ExportPlatform")  # unnamed arrays: platforms
            assert enum_for(enum_name) in leaf_types(fields[prop_name].annotation), (name, prop_name)
            checked += 1
    assert checked >= 15


def test_all_is_sorted_and_lists_every_public_class() -> None:
    assert training.__all__ == sorted(training.__all__)
    public = {
        name
        for name, value in vars(training).items()
        if isinstance(value, type)
        and issubclass(value, (BaseModel, Enum))
        and value.__module__ == training.__name__
        and not name.startswith("_")
    }
    assert set(training.__all__) == public
    shared = {"BoundingBox", "ImageUrl", "Prediction", "ImagePrediction"}
    assert public.isdisjoint(shared), "shared definitions must be reused from models.prediction"
    assert public >= set(DEFINITIONS) - shared


def test_every_class_has_a_docstring() -> None:
    for name in training.__all__:
        doc = getattr(training, name).__doc__
        assert doc, name
        assert doc.strip().splitlines()[0].strip(), name


# ---------------------------------------------------------------------------------------------- examples


def _example_cases() -> list[tuple[str, str, str]]:
    cases = []
    for operation_id, (_, _, op) in OPERATIONS.items():
        for ref in op.get("x-ms-examples", {}).values():
            path = SPEC_DIR / ref["$ref"]
            if not path.is_file():
                continue
            example = json.loads(path.read_text(encoding="utf-8"))
            for status, response in example["responses"].items():
                schema = op["responses"].get(status, {}).get("schema", {})
                if "body" in response and schema and schema.get("type") != "file":
                    cases.append((path.name, operation_id, status))
    return sorted(cases)


EXAMPLE_CASES = _example_cases()


def test_examples_are_found() -> None:
    assert len(EXAMPLE_CASES) >= 10


@pytest.mark.parametrize(("file_name", "operation_id", "status"), EXAMPLE_CASES)
def test_example_response_parses(file_name: str, operation_id: str, status: str) -> None:
    body = json.loads((SPEC_DIR / "examples" / file_name).read_text(encoding="utf-8"))["responses"][status]["body"]
    schema = OPERATIONS[operation_id][2]["responses"][status]["schema"]
    adapter: TypeAdapter[Any] = TypeAdapter(response_type(schema))
    parsed = adapter.validate_python(body)
    assert_no_unknown_fields(parsed, file_name)
    assert_round_trips(parsed)
    assert adapter.validate_json(adapter.dump_json(parsed, by_alias=True)) == parsed


# -------------------------------------------------------------------------------------------- recordings


def _match_operation(method: str, uri: str) -> str:
    path = uri.split("?", 1)[0].lstrip("/")
    path = "/" + re.sub(r"^customvision/v[^/]+/training", "", path).lstrip("/")
    candidates = []
    for operation_id, (op_method, template, _) in OPERATIONS.items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if op_method == method and re.fullmatch(pattern, path):
            candidates.append((template.count("{"), operation_id))
    assert candidates, f"no operation of the spec matches {method} {uri}"
    return min(candidates)[1]


def _recording_cases() -> list[tuple[str, int]]:
    cases = []
    for path in sorted(RECORDINGS_DIR.glob("net-training-*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))["Entries"]
        for index, entry in enumerate(entries):
            if entry["StatusCode"] == 200 and entry["ResponseBody"].strip():
                cases.append((path.name, index))
    return cases


RECORDING_CASES = _recording_cases()


@functools.cache
def recorded_properties() -> dict[str, set[str]]:
    """For each model, the wire keys seen in any real answer of ``../shared/recordings`` read as that model."""
    found: dict[str, set[str]] = {}
    for answer in answers():
        if answer.source.startswith("net-"):
            for cls, value in objects_read_as(answer.model, answer.body):
                found.setdefault(cls.__name__, set()).update(value)
    return found


def test_recordings_show_properties_the_spec_lacks() -> None:
    """The recordings are read deeply enough to see what the published specs leave out."""
    seen = recorded_properties()
    assert {"exportablePlatforms", "modelInformation"} <= seen["Domain"]
    assert {"customBaseModelInfo", "trainingErrorDetails"} <= seen["Iteration"]
    assert "imageProcessingSettings" in seen["ProjectSettings"]


def test_recordings_are_found() -> None:
    assert len(RECORDING_CASES) >= 10


def test_recorded_paths_match_operations() -> None:
    assert _match_operation("POST", "//customvision/v3.0/training/projects?name=x") == "CreateProject"
    assert _match_operation("POST", "/customvision/v3.3/training/projects/import?token=t") == "ImportProject"
    assert _match_operation("GET", "/customvision/v3.1/training/projects/p/images/tagged") == "GetTaggedImages"


@pytest.mark.parametrize(("file_name", "index"), RECORDING_CASES)
def test_recorded_response_parses(file_name: str, index: int) -> None:
    entry = json.loads((RECORDINGS_DIR / file_name).read_text(encoding="utf-8"))["Entries"][index]
    operation_id = _match_operation(entry["RequestMethod"], entry["RequestUri"])
    schema = OPERATIONS[operation_id][2]["responses"]["200"]["schema"]
    adapter: TypeAdapter[Any] = TypeAdapter(response_type(schema))
    parsed = adapter.validate_json(entry["ResponseBody"])
    assert_no_unknown_fields(parsed, f"{file_name}#{index}")
    assert_round_trips(parsed)
    for model in models_in(parsed):
        for field_name in type(model).model_fields:
            value = getattr(model, field_name)
            if isinstance(value, datetime):
                assert value.utcoffset() is not None, f"{file_name}#{index}: naive {field_name}"
                assert value.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_recorded_training_poll_sequence() -> None:
    entries = json.loads((RECORDINGS_DIR / "net-training-TrainAndPublishProject.json").read_text("utf-8"))["Entries"]
    iterations = [
        training.Iteration.model_validate_json(e["ResponseBody"])
        for e in entries
        if e["RequestMethod"] in ("GET", "POST") and '"status"' in e["ResponseBody"]
    ]
    training_polls = [it for it in iterations if it.status is training.IterationStatus.TRAINING]
    assert training_polls, "the recording has polls of an iteration in training"
    early = training_polls[0]
    assert early.domain_id is None
    assert early.classification_type is None
    assert early.exportable_to == []
    assert early.trained_at is None
    assert early.publish_name is None
    assert not early.is_finished
    done = iterations[-1]
    assert done.is_completed
    assert done.is_finished
    assert done.trained_at is not None
    assert done.classification_type is training.Classifier.MULTILABEL


# ------------------------------------------------------------------------------------------ request bodies


def _request_definitions() -> list[str]:
    """Every definition a request body can contain, at any depth."""
    found: set[str] = set()

    def visit(schema: dict[str, Any]) -> None:
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
        if ref is None:
            for prop in schema.get("properties", {}).values():
                visit(prop)
            return
        name = ref.rsplit("/", 1)[1]
        if name not in found:
            found.add(name)
            visit(DEFINITIONS[name])

    for _, _, op in OPERATIONS.values():
        for parameter in op.get("parameters", []):
            if parameter.get("in") == "body":
                visit(parameter["schema"])
    return sorted(found)


REQUEST_DEFINITIONS = _request_definitions()


def test_request_bodies_are_found() -> None:
    assert {"Project", "ProjectSettings", "Tag", "Iteration", "ImageUrlCreateBatch", "Region"} <= set(
        REQUEST_DEFINITIONS
    )


@pytest.mark.parametrize("name", REQUEST_DEFINITIONS)
def test_read_only_fields_are_those_the_spec_marks(name: str) -> None:
    """What a request leaves out is what the spec marks ``readOnly``, plus what only real answers carry."""
    cls = model_for(name)
    by_alias = wire_names(cls)
    marked = {alias for alias, prop in DEFINITIONS[name].get("properties", {}).items() if prop.get("readOnly")}
    answer_only = set(wire_fields(cls)) - PROPERTIES_AT_EVERY_VERSION[name]
    assert {by_alias[alias] for alias in marked | answer_only} == set(cls.read_only_fields)


def test_a_model_read_from_the_service_is_sent_back_with_its_writable_fields_only() -> None:
    body = json.loads(
        json.loads((RECORDINGS_DIR / "net-training-CreateUpdateDeleteProject.json").read_text("utf-8"))["Entries"][0][
            "ResponseBody"
        ]
    )
    project = training.Project.model_validate(body)
    sent = project.to_request()
    assert set(sent) == {"name", "description", "settings", "status"}
    assert "useNegativeSet" not in sent["settings"] and "detectionParameters" not in sent["settings"]
    assert sent["settings"]["imageProcessingSettings"] == body["settings"]["imageProcessingSettings"]
    assert project.to_wire()["id"] == body["id"], "to_wire keeps every field"
