"""The reference data read as our models: every answer body the specs' examples and the real recordings hold.

Shared by the model tests. ``../shared`` lives beside the repository; every reader here returns nothing when
it is absent, and the tests using them skip.
"""

from __future__ import annotations

import functools
import json
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from customvision_rest.models import prediction, training
from customvision_rest.models._base import CustomVisionModel

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SPEC_ROOT = SHARED / "spec"
RECORDINGS_DIR = SHARED / "recordings"


def model_for(name: str) -> type[CustomVisionModel]:
    """Our model of the spec definition ``name``."""
    cls = getattr(training, name, None) or getattr(prediction, name, None)
    assert isinstance(cls, type), f"no model named {name} in models.training or models.prediction"
    assert issubclass(cls, CustomVisionModel), f"{name} is not a CustomVisionModel"
    return cls


def wire_names(cls: type[BaseModel]) -> dict[str, str]:
    """The model's field names by wire (camelCase) name."""
    generator = cls.model_config.get("alias_generator")
    return {
        field.alias or (generator(name) if callable(generator) else name): name
        for name, field in cls.model_fields.items()
    }


def wire_fields(cls: type[BaseModel]) -> dict[str, Any]:
    """The model's fields by wire (camelCase) name."""
    return {alias: cls.model_fields[name] for alias, name in wire_names(cls).items()}


def leaf_types(annotation: Any) -> set[Any]:
    """Every concrete type an annotation mentions: unions, lists, dict values and Annotated are opened up."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return leaf_types(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return set().union(*(leaf_types(a) for a in typing.get_args(annotation)))
    if origin is list:
        return leaf_types(typing.get_args(annotation)[0])
    if origin is dict:
        return {dict} | leaf_types(typing.get_args(annotation)[1])
    return {annotation}


def models_of(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation mentions."""
    return [t for t in leaf_types(annotation) if isinstance(t, type) and issubclass(t, BaseModel)]


def response_type(schema: dict[str, Any]) -> Any:
    """The Python type a response body of this schema parses into."""
    if "$ref" in schema:
        return model_for(schema["$ref"].rsplit("/", 1)[1])
    kind = schema.get("type", "")
    if kind == "array":
        return list[response_type(schema["items"])]  # type: ignore[misc]
    if kind == "object":
        return dict[str, response_type(schema["additionalProperties"])]  # type: ignore[misc]
    return {"integer": int, "number": float, "boolean": bool, "string": str}[kind]


def spec_files() -> list[Path]:
    """Every Training and Prediction specification kept, at every version."""
    return sorted(SPEC_ROOT.glob("*/*/*/Training.json")) + sorted(SPEC_ROOT.glob("*/*/*/Prediction.json"))


@functools.cache
def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (METHOD, path template, operation) of one specification."""
    return {
        op["operationId"]: (method.upper(), template, op)
        for template, methods in spec["paths"].items()
        for method, op in methods.items()
        if isinstance(op, dict) and "operationId" in op
    }


@dataclass(frozen=True)
class Answer:
    """One answer body the reference data holds, and the model (or list of models) its schema names."""

    source: str
    model: type[CustomVisionModel]
    body: Any


def _spec_of(uri: str) -> dict[str, Any] | None:
    """The specification of the API version a recorded request was sent to (v3.3 for v3.4-preview)."""
    match = re.match(r"/*customvision/v([^/]+)/(training|prediction)", uri)
    if match is None:
        return None
    version, api = match.groups()
    name = "Training" if api == "training" else "Prediction"
    for path in spec_files():
        if path.name == f"{name}.json" and path.parent.name == f"v{version}" and "previous-versions" not in path.parts:
            return typing.cast(dict[str, Any], load(path))
    return None


def match_operation(spec: dict[str, Any], method: str, uri: str) -> dict[str, Any]:
    """The operation of ``spec`` a recorded request belongs to (the most specific path wins)."""
    path = "/" + re.sub(r"^customvision/v[^/]+/(training|prediction)", "", uri.split("?", 1)[0].lstrip("/")).lstrip("/")
    candidates = []
    for op_method, template, op in operations(spec).values():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if op_method == method and re.fullmatch(pattern, path):
            candidates.append((template.count("{"), template, op))
    assert candidates, f"no operation of the spec matches {method} {uri}"
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def _models_of_schema(schema: dict[str, Any]) -> list[type[CustomVisionModel]]:
    return [m for m in models_of(response_type(schema)) if issubclass(m, CustomVisionModel)]


@functools.cache
def answers() -> tuple[Answer, ...]:
    """Every answer body of a recording (training and prediction) and of a spec example (every version)."""
    found: list[Answer] = []
    for path in sorted(RECORDINGS_DIR.glob("*.json")) if RECORDINGS_DIR.is_dir() else []:
        for index, entry in enumerate(load(path)["Entries"]):
            if entry["StatusCode"] >= 300 or not entry["ResponseBody"].strip():
                continue
            spec = _spec_of(entry["RequestUri"])
            assert spec is not None, f"{path.name}#{index}: no specification for {entry['RequestUri']}"
            op = match_operation(spec, entry["RequestMethod"], entry["RequestUri"])
            schema = op["responses"].get(str(entry["StatusCode"]), op["responses"].get("200", {})).get("schema")
            for model in _models_of_schema(schema or {"type": "string"}):
                found.append(Answer(f"{path.name}#{index}", model, json.loads(entry["ResponseBody"])))
    for spec_path in spec_files():
        for _, _, op in operations(load(spec_path)).values():
            for ref in op.get("x-ms-examples", {}).values():
                example_path = spec_path.parent / ref["$ref"]
                if not example_path.is_file():
                    continue
                for status, response in load(example_path)["responses"].items():
                    schema = op["responses"].get(status, {}).get("schema")
                    if schema is None or "body" not in response or schema.get("type") == "file":
                        continue
                    for model in _models_of_schema(schema):
                        found.append(Answer(str(example_path.relative_to(SHARED)), model, response["body"]))
    return tuple(found)


def objects_read_as(cls: type[BaseModel], value: Any) -> typing.Iterator[tuple[type[BaseModel], dict[str, Any]]]:
    """Every JSON object inside ``value`` (read as ``cls``) with the model it is read as, depth first."""
    if isinstance(value, list):
        for item in value:
            yield from objects_read_as(cls, item)
        return
    if not isinstance(value, dict):
        return
    yield cls, value
    fields = wire_fields(cls)
    for key, item in value.items():
        if key in fields:
            for inner in models_of(fields[key].annotation):
                yield from objects_read_as(inner, item)
