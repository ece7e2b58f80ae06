"""What reading answers costs and keeps: nothing built at import, nulls read as empty, every datetime in UTC.

Speed itself is measured by ``benchmarks/parse_models.py``, never here; these tests pin what the fast paths
must still guarantee.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter, ValidationError

import service_bodies
from customvision_rest.models import UtcDatetime, _base
from customvision_rest.models._base import OffsetlessUtcDatetime
from customvision_rest.models.training import Image, ImageMetadataUpdateEntry, Iteration, Project
from customvision_rest.operations._common import parse_list, parse_model

IMAGE = {
    "id": "fa91437d-39e5-4a9f-99e0-a83e1c2a8b11",
    "created": "2020-11-06T16:15:54.5237711",
    "width": 900,
    "height": 1600,
    "resizedImageUri": "https://blob.example/i",
    "thumbnailUri": "https://blob.example/t",
    "originalImageUri": "https://blob.example/o",
}


def test_importing_the_package_builds_no_validator() -> None:
    """Validators are built on first use, so a program pays only for the answers it reads."""
    code = (
        "import customvision_rest\n"
        "from pydantic_core import SchemaValidator\n"
        "from customvision_rest.models import prediction, training\n"
        "from customvision_rest.operations import _common\n"
        "models = [getattr(m, n) for m in (training, prediction) for n in m.__all__]\n"
        "built = [c.__name__ for c in models if isinstance(getattr(c, '__pydantic_validator__', None), SchemaValidator)]\n"
        "assert _common._adapter.cache_info().currsize == 0, 'an adapter was built at import'\n"
        "training.Image.model_validate_json(" + repr(json.dumps(IMAGE)) + ")\n"
        "now = [c.__name__ for c in models if isinstance(getattr(c, '__pydantic_validator__', None), SchemaValidator)]\n"
        "print(built, sorted(now))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    built, now = done.stdout.strip().split("] [")
    assert built == "[", f"built at import: {built}]"
    assert "'Image'" in now
    assert "'Project'" not in now, "reading an image built the project's validator too"


# Every form a datetime may take, in an answer or from Python, and the UTC instant it must read as.
DATETIME_FORMS: list[tuple[object, datetime]] = [
    ("2019-03-21T01:31:11.186Z", datetime(2019, 3, 21, 1, 31, 11, 186000, tzinfo=timezone.utc)),
    ("2019-03-21T01:31:11.6094494Z", datetime(2019, 3, 21, 1, 31, 11, 609449, tzinfo=timezone.utc)),
    ("2019-03-21T01:31:11.6094494", datetime(2019, 3, 21, 1, 31, 11, 609449, tzinfo=timezone.utc)),
    ("2019-03-21T01:31:11.609449", datetime(2019, 3, 21, 1, 31, 11, 609449, tzinfo=timezone.utc)),
    ("2019-03-21T01:31:11", datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    ("2019-03-21T01:31", datetime(2019, 3, 21, 1, 31, tzinfo=timezone.utc)),
    ("2019-03-21 01:31:11", datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    ("2019-03-21T03:31:11+02:00", datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    ("2019-03-20T23:01:11-0230", datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    ("2019-03-21T07:01:11.6094494+05:30", datetime(2019, 3, 21, 1, 31, 11, 609449, tzinfo=timezone.utc)),
    ("2019-03-21T01:31:11.5+00:00", datetime(2019, 3, 21, 1, 31, 11, 500000, tzinfo=timezone.utc)),
    ("2019-03-21", datetime(2019, 3, 21, tzinfo=timezone.utc)),
    (1553131871, datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    (1553131871.5, datetime(2019, 3, 21, 1, 31, 11, 500000, tzinfo=timezone.utc)),
    ("1553131871", datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    (datetime(2019, 3, 21, 1, 31, 11), datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    (
        datetime(2019, 3, 21, 4, 31, 11, tzinfo=timezone(timedelta(hours=3))),
        datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc),
    ),
]


@pytest.mark.parametrize("kind", [UtcDatetime, OffsetlessUtcDatetime])
@pytest.mark.parametrize(("given", "expected"), DATETIME_FORMS)
def test_every_form_of_datetime_reads_as_utc(given: object, expected: datetime, kind: object) -> None:
    value = TypeAdapter(kind).validate_python(given)
    assert value == expected
    assert value.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("given", "expected"), [(given, expected) for given, expected in DATETIME_FORMS if not isinstance(given, datetime)]
)
def test_every_form_of_datetime_in_an_answer_reads_as_utc(given: object, expected: datetime) -> None:
    """The JSON path, where answers are read: each field holding a datetime, required or optional, nested or not."""
    region = {"tagId": IMAGE["id"], "left": 0.1, "top": 0.1, "width": 0.5, "height": 0.5, "created": given}
    body = {**IMAGE, "created": given, "tags": [{"tagId": IMAGE["id"], "created": given}], "regions": [region]}
    image = Image.model_validate_json(json.dumps(body))
    for value in (image.created, image.tags[0].created, image.regions[0].created):
        assert value == expected
        assert value is not None and value.utcoffset() == timedelta(0)
    for kind in (UtcDatetime, OffsetlessUtcDatetime):  # the same forms, whichever the field expects first
        value = TypeAdapter(kind).validate_json(json.dumps(given))
        assert value == expected
        assert value.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "bad",
    [
        "garbage",
        "",
        "2019-13-45T01:31:11",
        "2019-13-45T01:31:11.6094494",
        "2019-03-21T01:31:11+25:00",
        None,
        True,
        [],
        {},
    ],
)
@pytest.mark.parametrize("kind", [UtcDatetime, OffsetlessUtcDatetime])
def test_a_bad_datetime_is_refused_with_one_error(bad: object, kind: object) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(bad)
    assert caught.value.error_count() == 1
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_json(json.dumps(bad))
    assert caught.value.error_count() == 1
    assert caught.value.errors()[0]["type"] == "datetime_parsing"


def test_null_lists_and_maps_read_as_empty_and_bad_ones_say_why() -> None:
    image = Image.model_validate_json(json.dumps({**IMAGE, "tags": None, "metadata": None}))
    assert (image.tags, image.regions, image.metadata) == ([], [], {})
    assert (
        ImageMetadataUpdateEntry.model_validate({"imageId": IMAGE["id"], "status": "OK", "metadata": None}).metadata
        == {}
    )
    with pytest.raises(ValidationError) as caught:
        Image.model_validate({**IMAGE, "tags": [{"tagId": "not-a-uuid", "created": "2020-11-06T16:15:54"}]})
    first = caught.value.errors()[0]
    assert first["loc"][-1] == "tagId" and first["type"] == "uuid_parsing"
    with pytest.raises(ValidationError, match="valid list"):
        Image.model_validate({**IMAGE, "tags": 5})


def test_lists_of_an_answer_dump_and_read_back_unchanged() -> None:
    body = service_bodies.iteration(uuid.UUID(int=1), uuid.UUID(int=2), exportableTo=["ONNX", "SomethingNew"])
    iteration = Iteration.model_validate(body)
    wire = iteration.model_dump_json(by_alias=True)
    assert '"exportableTo":["ONNX","SomethingNew"]' in wire
    assert Iteration.model_validate_json(wire) == iteration


def validators_run_by(read: Callable[[], object]) -> list[str]:
    """The names of the models' Python validators that ``read`` calls (pydantic-core's own work is not Python)."""
    called: list[str] = []
    here = _base.__file__

    def watch(frame: Any, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename == here:
            called.append(frame.f_code.co_name)

    sys.setprofile(watch)
    try:
        read()
    finally:
        sys.setprofile(None)
    return called


def test_the_services_own_forms_of_datetime_cost_no_text_tests() -> None:
    """A datetime with ``Z`` (a project) is read in pydantic-core alone; one with no offset (an image) is read
    after one append, and neither goes through the general reader of every other form."""
    project = json.dumps(service_bodies.project(uuid.UUID(int=1)))
    assert project.count('Z"') == 2  # created and lastModified, in the service's form
    Project.model_validate_json(project)  # the validator is built on first use: not what is counted
    assert validators_run_by(lambda: Project.model_validate_json(project)) == []

    tag = {"tagId": IMAGE["id"], "created": "2020-11-06T16:15:54.5250542"}
    image = json.dumps({**service_bodies.stored_image(), "tags": [tag]})
    Image.model_validate_json(image)
    assert validators_run_by(lambda: Image.model_validate_json(image)) == ["_assume_utc", "_assume_utc"]

    other_offset = json.dumps({**IMAGE, "created": "2020-11-06T18:15:54+02:00"})
    assert "_utc_input" in validators_run_by(lambda: Image.model_validate_json(other_offset))


def test_the_parsers_build_each_validator_on_the_first_answer_and_read_as_the_models_do() -> None:
    """The operations' parsers call pydantic's validators directly: a model not built yet is built by the
    first answer, and what they return is what ``model_validate_json`` returns."""
    project = json.dumps(service_bodies.project(uuid.UUID(int=1)))
    code = (
        "import httpx\n"
        "from pydantic_core import SchemaValidator\n"
        "from customvision_rest.models.training import Image, Project\n"
        "from customvision_rest.operations._common import parse_json, parse_list, parse_model\n"
        "assert not isinstance(Project.__pydantic_validator__, SchemaValidator)\n"
        f"project = parse_model(Project)(httpx.Response(200, content={project!r}))\n"
        "assert isinstance(Project.__pydantic_validator__, SchemaValidator)\n"
        f"assert project == Project.model_validate_json({project!r})\n"
        f"images = parse_list(Image)(httpx.Response(200, content={json.dumps([IMAGE, IMAGE])!r}))\n"
        f"assert images == [Image.model_validate_json({json.dumps(IMAGE)!r})] * 2\n"
        "assert parse_list(Image)(httpx.Response(200, content='[]')) == []\n"
        "assert parse_json(int)(httpx.Response(200, content='7')) == 7\n"
        "print(type(project).__name__, type(images[0]).__name__, images[0].created.utcoffset())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Project", "Image", "0:00:00"]


def test_a_parser_refuses_a_bad_answer_as_the_model_does() -> None:
    bad = json.dumps({**IMAGE, "id": "not-a-uuid"})
    with pytest.raises(ValidationError) as direct:
        Image.model_validate_json(bad)
    with pytest.raises(ValidationError) as parsed:
        parse_model(Image)(httpx.Response(200, content=bad))
    assert parsed.value.errors() == direct.value.errors()
    with pytest.raises(ValidationError) as listed:
        parse_list(Image)(httpx.Response(200, content=f"[{bad}]"))
    assert [error["loc"] for error in listed.value.errors()] == [(0, "id")]


def test_each_kind_of_answer_has_one_parser_built_once() -> None:
    from customvision_rest import PredictionClient
    from customvision_rest.operations.prediction import PredictionOperations

    assert parse_model(Project) is parse_model(Project)
    assert parse_list(Image) is parse_list(Image)
    assert parse_model(Project) is not parse_model(Iteration)
    client = PredictionClient("https://unit.cognitiveservices.azure.com", "key")
    project = str(uuid.UUID(int=1))
    first = PredictionOperations.classify_image.build(client, project, "published", b"\xff\xd8\xff image")
    again = PredictionOperations.classify_image.build(client, project, "published", b"\xff\xd8\xff other")
    assert first.parse is again.parse  # not a new closure for every prediction
