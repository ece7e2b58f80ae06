"""Which response fields are required: exactly those every real answer and every spec example carries.

A required field is typed without ``None``, so callers need no check; one the service may leave out or send
as null stays Optional. Both directions are checked against ``../shared``: a required field is present and
non-null in every recorded answer and spec example, and a field always present there, at every version that
defines it and never ``x-nullable``, is required unless :data:`KEPT_OPTIONAL` says why not.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic.fields import FieldInfo

from customvision_rest import NoPredictionsError
from customvision_rest.models import prediction, training

from ._reference import Answer, answers, load, model_for, objects_read_as, spec_files, wire_fields

pytestmark = pytest.mark.skipif(not answers(), reason="../shared not found: reference data absent")

# Fields the reference data always shows but that stay Optional, and why.
KEPT_OPTIONAL: dict[str, str] = {
    "Export.downloadUri": "set only once the export is Done; an export still running has none",
    "ImageCreateResult.sourceUrl": "a file uploaded without a name has no source to name (null)",
    "PredictionQueryToken.session": "also the query a caller writes, where it is left out",
    "PredictionQueryToken.maxCount": "also the query a caller writes, where it is left out",
    "PredictionQueryToken.orderBy": "also the query a caller writes, where it is left out",
}


def _required(cls: type[Any]) -> set[str]:
    return {alias for alias, field in wire_fields(cls).items() if field.is_required()}


@pytest.mark.parametrize("answer", answers(), ids=lambda a: f"{a.source}:{a.model.__name__}")
def test_required_fields_are_present_and_non_null(answer: Answer) -> None:
    for cls, value in objects_read_as(answer.model, answer.body):
        missing = {alias for alias in _required(cls) if value.get(alias) is None}
        assert not missing, f"{answer.source}: {cls.__name__} requires {missing}, which this answer lacks"


def _spec_facts() -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]], set[tuple[str, str]]]:
    """Versions defining each definition, versions defining each property, and the ``x-nullable`` properties."""
    definition_versions: dict[str, set[str]] = {}
    property_versions: dict[tuple[str, str], set[str]] = {}
    nullable: set[tuple[str, str]] = set()
    for path in spec_files():
        for name, definition in load(path)["definitions"].items():
            definition_versions.setdefault(name, set()).add(str(path))
            for prop, schema in definition.get("properties", {}).items():
                property_versions.setdefault((name, prop), set()).add(str(path))
                if schema.get("x-nullable"):
                    nullable.add((name, prop))
    return definition_versions, property_versions, nullable


def _always_answered() -> dict[str, str]:
    """``Model.field`` -> an answer showing it, for every field always present and non-null where seen."""
    seen: dict[tuple[str, str], str] = {}
    gaps: set[tuple[str, str]] = set()
    for answer in answers():
        for cls, value in objects_read_as(answer.model, answer.body):
            for alias in wire_fields(cls):
                key = (cls.__name__, alias)
                if value.get(alias) is None:
                    gaps.add(key)
                else:
                    seen.setdefault(key, answer.source)
    definition_versions, property_versions, nullable = _spec_facts()
    result = {}
    for (name, alias), source in seen.items():
        key = (name, alias)
        everywhere = property_versions.get(key, set()) == definition_versions.get(name, {"(no spec)"})
        if key not in gaps and key not in nullable and everywhere:
            result[f"{name}.{alias}"] = source
    return result


def _is_collection(field: FieldInfo) -> bool:
    # Lists and maps read a null as empty, so they are never None whether required or not.
    return typing.get_origin(field.annotation) in (list, dict)


def test_fields_always_answered_are_required() -> None:
    needlessly_optional = []
    for qualified, source in sorted(_always_answered().items()):
        name, alias = qualified.split(".")
        field = wire_fields(model_for(name))[alias]
        if not field.is_required() and not _is_collection(field) and qualified not in KEPT_OPTIONAL:
            needlessly_optional.append(f"{qualified} (always there, e.g. {source})")
    assert not needlessly_optional, "make these required or say why not: " + ", ".join(needlessly_optional)


def test_every_kept_optional_field_is_optional_and_always_answered() -> None:
    always = _always_answered()
    for qualified in KEPT_OPTIONAL:
        name, alias = qualified.split(".")
        assert not wire_fields(model_for(name))[alias].is_required(), qualified
        assert qualified in always, f"{qualified} is no longer always answered: drop it from KEPT_OPTIONAL"


def test_the_everyday_fields_are_required() -> None:
    """The ids, names, statuses and times callers pass on need no ``None`` check."""
    for cls, aliases in (
        (training.Project, {"id", "name", "settings", "created", "lastModified"}),
        (training.Tag, {"id", "name", "type", "imageCount"}),
        (training.Iteration, {"id", "name", "status", "created", "lastModified", "projectId"}),
        (training.Image, {"id", "created", "width", "height", "originalImageUri"}),
        (training.Domain, {"id", "name", "type"}),
        (prediction.ImagePrediction, {"id", "project", "iteration", "created"}),
        (prediction.Prediction, {"probability", "tagId"}),
    ):
        assert aliases <= _required(cls), f"{cls.__name__}: {aliases - _required(cls)} optional"


def test_a_required_field_missing_from_an_answer_is_refused() -> None:
    with pytest.raises(ValueError, match="imageCount"):
        training.Tag.model_validate({"id": "9e27bc1b-7ae7-4e3b-a4e5-36153479dc01", "name": "x", "type": "Regular"})
    with pytest.raises(ValueError, match="id"):
        training.Project.model_validate({"name": "p"})


def test_best_returns_a_prediction_and_refuses_an_empty_result() -> None:
    body = {
        "id": "6ba18dd6-a7b2-44c2-83b8-eb2f3dc26645",
        "project": "eac7b96a-c848-4b83-a920-c834407c4f80",
        "iteration": "1738ffb6-efb7-47ff-878e-9872da13e278",
        "created": "2019-03-15T06:14:49.7782526Z",
        "predictions": [
            {"probability": 0.25, "tagId": "3bd41e58-cd97-41c8-8535-370f4440403e", "tagName": "b"},
            {"probability": 0.75, "tagId": "a01af166-5903-4a6b-86e0-86bb1bf86e20", "tagName": "a"},
        ],
    }
    assert prediction.ImagePrediction.model_validate(body).best().tag_name == "a"
    empty = prediction.ImagePrediction.model_validate({**body, "predictions": []})
    with pytest.raises(NoPredictionsError, match="6ba18dd6"):
        empty.best()
