"""Every model reads what it writes: parse a body, dump it with the wire names, parse again, unchanged.

The bodies are generated (hypothesis) from each model's own field types: any UUID, any finite number, any
text, known and unknown enum values, datetimes with or without an offset, nulls where a field allows them,
missing optional fields.
"""

from __future__ import annotations

import base64
import types
import typing
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customvision_rest.models import prediction, training
from customvision_rest.models._base import CustomVisionModel

MODELS = sorted(
    {
        cls
        for module in (training, prediction)
        for cls in (getattr(module, name) for name in module.__all__)
        if isinstance(cls, type) and issubclass(cls, CustomVisionModel)
    },
    key=lambda cls: cls.__name__,
)

OFFSETS = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))])
DATETIMES = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)).flatmap(
    lambda moment: OFFSETS.map(lambda offset: (moment if offset is None else moment.replace(tzinfo=offset)).isoformat())
)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def wire_value(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values the service could send for a field of this type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return wire_value(typing.get_args(annotation)[0], depth)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([wire_value(arg, depth) for arg in typing.get_args(annotation)])
    if origin is list:
        return st.lists(wire_value(typing.get_args(annotation)[0], depth + 1), max_size=0 if depth > 2 else 3)
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), wire_value(typing.get_args(annotation)[1], depth + 1), max_size=3)
    if annotation is type(None):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, CustomVisionModel):
        return wire_body(annotation, depth + 1)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        known = st.sampled_from([member.value for member in annotation])
        return st.one_of(known, st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12))
    simple: dict[Any, st.SearchStrategy[Any]] = {
        UUID: st.uuids().map(str),
        datetime: DATETIMES,
        float: FINITE,
        int: st.integers(-(2**31), 2**31),
        bool: st.booleans(),
        str: st.text(max_size=20),
        bytes: st.binary(max_size=16).map(lambda data: base64.b64encode(data).decode()),
    }
    return simple[annotation]


def wire_body(cls: type[CustomVisionModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object for ``cls``: every required field, any subset of the optional ones, by wire name."""
    required, optional = {}, {}
    for name, field in cls.model_fields.items():
        alias = field.alias or (cls.model_config.get("alias_generator") or (lambda n: n))(name)
        (required if field.is_required() else optional)[alias] = wire_value(field.annotation, depth)
    return st.fixed_dictionaries(required, optional=optional)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_every_model_round_trips(cls: type[CustomVisionModel]) -> None:
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(wire_body(cls))
    def round_trip(body: dict[str, Any]) -> None:
        parsed = cls.model_validate(body)
        again = cls.model_validate_json(parsed.model_dump_json(by_alias=True))
        assert again == parsed
        assert cls.model_validate(parsed.to_wire()) == parsed
        for value in again.__dict__.values():
            if isinstance(value, datetime):
                assert value.utcoffset() == timedelta(0)

    round_trip()


def test_every_model_is_covered() -> None:
    assert len(MODELS) >= 50
