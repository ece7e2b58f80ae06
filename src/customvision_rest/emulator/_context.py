"""A request as the operation handlers see it, and the query-parameter readers they share."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ._domains import DOMAINS_BY_ID
from ._errors import bad_request
from ._resources import EmulatorResource
from ._state import Project


@dataclass(frozen=True)
class RequestContext:
    """One request as a handler sees it."""

    request: httpx.Request
    resource: EmulatorResource
    params: Mapping[str, str]
    request_id: str
    base_url: str

    @property
    def query(self) -> httpx.QueryParams:
        """The query string."""
        return self.request.url.params

    def json_body(self) -> Any:
        """The JSON body, or None when there is none; malformed JSON is a 400."""
        if not self.request.content:
            return None
        try:
            return json.loads(self.request.content)
        except ValueError as error:
            raise bad_request("BadRequest", "The request body is not valid JSON.") from error

    def json_object(self) -> dict[str, Any]:
        """The JSON body as an object (``{}`` when there is none); any other JSON value is a 400."""
        body = self.json_body()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise bad_request("BadRequest", f"The request body must be a JSON object, not {type(body).__name__}.")
        return body

    def json_entries(self, field: str) -> list[dict[str, Any]]:
        """The list of objects under ``field`` of an object body; anything else is a 400, never a crash."""
        entries = self.json_object().get(field) or []
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise bad_request("BadRequest", f"'{field}' must be a list of JSON objects.")
        return entries


def csv_param(query: httpx.QueryParams, name: str) -> list[str]:
    """A comma-separated (or repeated) list query parameter."""
    return [item.strip() for value in query.get_list(name) for item in value.split(",") if item.strip()]


def bool_param(query: httpx.QueryParams, name: str, default: bool = False) -> bool:
    """A boolean query parameter as .NET writes it (`true`/`false`, any case)."""
    value = query.get(name)
    return default if value is None else value.strip().lower() == "true"


def int_param(query: httpx.QueryParams, name: str, default: int) -> int:
    """An integer query parameter; garbage is a 400."""
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise bad_request("BadRequest", f"The query parameter {name} must be an integer.") from error


def float_param(query: httpx.QueryParams, name: str, default: float) -> float:
    """A number query parameter; garbage is a 400."""
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as error:
        raise bad_request("BadRequest", f"The query parameter {name} must be a number.") from error


def is_detection(project: Project) -> bool:
    """Whether a project is an object detection project (by its domain)."""
    domain = DOMAINS_BY_ID.get(project.domain_id)
    return domain is not None and domain.type == "ObjectDetection"
