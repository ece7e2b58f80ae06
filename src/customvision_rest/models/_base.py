"""Building blocks shared by every wire model: the base class, UTC datetimes and open enums.

The service speaks camelCase JSON, adds fields over time and extends its enums without notice. The base
class therefore accepts both snake_case and camelCase names, keeps unknown fields (so a newer service never
breaks a pinned client, and a model sent back carries them unchanged), and every enum accepts values it has
never seen.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, TypeAdapter, create_model
from pydantic.alias_generators import to_camel
from pydantic_core import core_schema

__all__ = ["CustomVisionModel", "NullAsEmpty", "OffsetlessUtcDatetime", "OpenEnum", "UtcDatetime"]


class CustomVisionModel(BaseModel):
    """Base of every request and response model.

    Attributes are snake_case in Python and camelCase on the wire; both spellings are accepted on input.
    Fields the model does not declare are kept (``model_extra``) and serialised back unchanged. Numbers must
    be finite (an ``inf`` or ``NaN`` in an answer is refused, not returned). ``repr`` and ``str`` never show
    a secret: signed addresses print without their query, :attr:`secret_fields` not at all.
    """

    read_only_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields the service sets and ignores in a request (``readOnly`` in the specification); never sent."""

    request_required: ClassVar[frozenset[str]] = frozenset()
    """Fields a request body built by :meth:`request_body` must carry; its other writable fields may be left out."""

    secret_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields holding a secret as a whole (a project export's ``token``): ``repr`` shows ``<hidden>``."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="allow",
        use_enum_values=False,
        allow_inf_nan=False,
        defer_build=True,
    )

    def __repr_args__(self) -> Any:
        secret = type(self).secret_fields
        for name, value in super().__repr_args__():
            if name in secret and value is not None:
                yield name, "<hidden>"
            elif isinstance(value, str) and _is_signed(value):
                yield name, value.split("?", 1)[0] + "?<signature hidden>"
            else:
                yield name, value

    def to_wire(self) -> dict[str, Any]:
        """Return the JSON-ready camelCase dict the service expects, omitting unset optional fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_wire_json(self) -> bytes:
        """Return :meth:`to_wire` as JSON bytes, encoded in one pass from the model (no dict in between).

        For large bodies (an upload batch of 48 MB): the base64 text of each image is made and written one
        at a time, so the body is held once.
        """
        return self.__pydantic_serializer__.to_json(self, by_alias=True, exclude_none=True)

    def to_request(self) -> dict[str, Any]:
        """Return the body to send: :meth:`to_wire` without the read-only fields, at any depth.

        A model read from the service and sent back (an updated project, tag or iteration) then carries
        only what the service lets a caller change, as the official clients send it.
        """
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=_read_only_exclusion(self))

    @classmethod
    def request_form(cls) -> type[CustomVisionModel]:
        """The model of a request built from some of this model's fields (made once, on first use).

        It has the same fields, all optional but :attr:`request_required`, and nested models are request
        forms too; :meth:`to_request` still leaves out the read-only ones. ``Project.request_form()(name="x")``
        is a valid UpdateProject body where ``Project(name="x")`` is not a valid project (it has no ``id``).
        """
        return _request_model(cls)

    @classmethod
    def request_body(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """Check a mapping of fields (either spelling) and return it as a request body, read-only ones left out.

        A response model such as ``Project`` requires what the service always answers (``id``, ``created``,
        ...); a request changes only some writable fields, so only :attr:`request_required` must be given.

        Raises:
            pydantic.ValidationError: a value of the wrong type, or a required field missing.
        """
        return _request_model(cls).model_validate(values).to_request()


def _is_signed(text: str) -> bool:
    # A SAS address: anyone holding its query can read the blob, so the whole query stays out of reprs.
    query = text.partition("?")[2].lower()
    return "sig=" in query or "signature=" in query


def _read_only_exclusion(model: CustomVisionModel) -> dict[str, Any]:
    """The ``exclude`` argument of ``model_dump`` that leaves out every read-only field inside ``model``."""
    excluded: dict[str, Any] = dict.fromkeys(type(model).read_only_fields, True)
    for name in type(model).model_fields:
        if name in excluded:
            continue
        value = getattr(model, name)
        if isinstance(value, CustomVisionModel):
            inner = _read_only_exclusion(value)
            if inner:
                excluded[name] = inner
    return excluded


@functools.cache
def _request_model(cls: type[CustomVisionModel]) -> type[CustomVisionModel]:
    """``cls`` with every field optional but ``request_required`` (nested models likewise); same read-only fields."""
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        annotation = _requestable(info.annotation)
        if name in cls.request_required:
            fields[name] = (annotation, Field(alias=info.alias))
        else:
            fields[name] = (annotation | None, Field(default=None, alias=info.alias))
    form = create_model(
        f"{cls.__name__}Request", __base__=CustomVisionModel, __doc__=f"A request form of {cls.__name__}.", **fields
    )
    form.read_only_fields = cls.read_only_fields
    form.request_required = cls.request_required
    return form


def _requestable(annotation: Any) -> Any:
    """``annotation`` with every model in it replaced by that model's request form."""
    if isinstance(annotation, type) and issubclass(annotation, CustomVisionModel):
        return _request_model(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(lambda a, b: a | b, [_requestable(arg) for arg in typing.get_args(annotation)])
    if origin is list:
        return list[_requestable(typing.get_args(annotation)[0])]  # type: ignore[misc]
    return annotation


def _utc_input(value: object) -> object:
    """What the datetime validator should read so that the result is aware and in UTC.

    Text ending in ``Z`` passes as it is, and text with no offset (image ``created``) is UTC, so it gains a ``Z``.
    """
    if type(value) is str and len(value) > 19:  # a date and a time, "YYYY-MM-DDTHH:MM:SS" at least
        if value[-1] == "Z":
            return value
        if value[-6] not in "+-" and value[-5] not in "+-":
            return value + "Z"
    return _utc_input_otherwise(value)


def _utc_input_otherwise(value: object) -> object:
    """:func:`_utc_input` for the rare forms: another offset, a date alone, a ``datetime`` given in Python."""
    if isinstance(value, str):
        if len(value) == 10 and value[4:5] == "-":
            return value + "T00:00:00Z"  # a date: its midnight
        parsed = _datetime_reader().validate_python(value)
        return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value  # numbers are Unix times, which the validator reads as UTC


def _assume_utc(text: str) -> str:
    """Text of a JSON answer written with no offset, as UTC: the fast path of image, tag and region times.

    The branch calling it accepts only JSON text, so it needs no type test; text it makes wrong (one that had an
    offset already) is refused by the UTC check after it and read by a later branch.
    """
    return text + "Z"


@functools.cache
def _datetime_reader() -> TypeAdapter[datetime]:
    return TypeAdapter(datetime)


class _Utc:
    """The validator of :data:`UtcDatetime`: in JSON (every answer) the service's own forms cost no text tests.

    The service writes UTC times with a ``Z`` (projects, iterations, predictions), read by pydantic-core
    alone, or with no offset (images, their tags and regions), which gain a ``Z`` in one short Python call
    and must then read as UTC. The branch of the form a field usually holds comes first; any other form fails
    both and goes through :func:`_utc_input`, as every value from Python does. Each branch gives the same
    instant, and a value none reads is one ``datetime_parsing`` error, not one per branch.
    """

    def __init__(self, *, naive_first: bool) -> None:
        self.naive_first = naive_first

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        read = handler(source)
        any_form = core_schema.no_info_before_validator_function(_utc_input, read)
        utc = core_schema.datetime_schema(tz_constraint=0)
        # A chain, not a before-validator: pydantic-core checks that the value is text itself, and a plain
        # function costs less to call; a number (Unix time) goes on to the next branch, which reads it.
        naive = core_schema.chain_schema(
            [core_schema.str_schema(), core_schema.no_info_plain_validator_function(_assume_utc), utc]
        )
        in_json = core_schema.union_schema(
            [naive, utc, any_form] if self.naive_first else [utc, naive, any_form],
            mode="left_to_right",
            custom_error_type="datetime_parsing",
            custom_error_context={"error": "expected ISO 8601 (with Z, another offset, or none for UTC) or Unix time"},
        )
        return core_schema.json_or_python_schema(
            json_schema=in_json, python_schema=any_form, serialization=read.get("serialization")
        )

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        return handler(core_schema.datetime_schema())


UtcDatetime = Annotated[datetime, _Utc(naive_first=False)]
"""A datetime that is always timezone-aware and in UTC, whatever form the service wrote it in."""

OffsetlessUtcDatetime = Annotated[datetime, _Utc(naive_first=True)]
""":data:`UtcDatetime` of a field the service writes with no offset (images, their tags and regions): faster there."""


class NullAsEmpty:
    """Marks a list or map field of an answer that the service may write as ``null``: it reads as empty.

    The null case is a second branch after the list (or map) itself, so an ordinary value is read by
    pydantic-core alone; only a null costs a Python call.
    """

    def __init__(self, empty: Callable[[], object]) -> None:
        self.empty = empty

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        collection = handler(source)
        empty = self.empty
        null = core_schema.chain_schema(
            [core_schema.none_schema(), core_schema.no_info_plain_validator_function(lambda _: empty())]
        )
        return core_schema.union_schema(
            [(collection, str(collection["type"])), (null, "null")],
            mode="left_to_right",
            serialization=collection.get("serialization"),
        )


MAX_UNKNOWN_ENUM_VALUES = 256
"""How many unknown values each open enum remembers (so that each is one object); more still parse."""


class OpenEnum(str, Enum):
    """A string enum that accepts values it does not list.

    The specification marks every enum as extensible: the service may answer a value this release has never
    heard of. Such a value becomes a pseudo-member that compares equal to its string, instead of an error.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        # The same unknown value yields the same object, up to a bound: a service (or a fuzzer) answering
        # endless distinct values must not grow memory without limit. Beyond it, values stay equal, not identical.
        if len(cls._value2member_map_) - len(cls._member_map_) < MAX_UNKNOWN_ENUM_VALUES:
            cls._value2member_map_[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)
