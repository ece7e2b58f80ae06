"""A catalogue of bad inputs, each with the typed library error it must get, and of valid ones that must work.

Every row runs one action against clients whose transport records what it is sent and answers a canned
response. A row expecting an error asserts its class (a library class: no ``ValueError``, ``TypeError`` or
pydantic error escapes), a fragment of its message saying what was wrong or what to do, and whether a request
went out: the client refuses everything it can know is wrong before sending. A row expecting success asserts
the result, or what was sent, so that nothing is silently changed.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from customvision_rest import (
    AsyncTrainingClient,
    BadRequestError,
    ClientValidationError,
    ConfigurationError,
    CustomVisionError,
    ImageToUpload,
    InternalServerError,
    InvalidResourceIdError,
    KeyCredential,
    OperationFailedError,
    PollSchedule,
    PredictionClient,
    Resource,
    ResponseValidationError,
    TrainingClient,
    UploadIncompleteError,
)
from customvision_rest.operations._common import download

ENDPOINT = "https://catalogue.cognitiveservices.azure.com"
KEY = "catalogue-key-0123456789"
P = "00000000-0000-0000-0000-00000000000a"
IT = "00000000-0000-0000-0000-00000000000b"
T = "00000000-0000-0000-0000-00000000000c"
IMG = "00000000-0000-0000-0000-00000000000d"
SUB = "0b9a9b34-5b35-4fd8-8d8c-1d2c6a3a1a11"
RID = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/pred"
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64
MB = 1024 * 1024
WHEN = "2024-01-02T03:04:05Z"
DOMAIN = "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"
PROJECT = {
    "id": P,
    "name": "fruit",
    "description": "",
    "settings": {"domainId": DOMAIN},
    "created": WHEN,
    "lastModified": WHEN,
}
PREDICTION = {"id": IMG, "project": P, "iteration": IT, "created": WHEN, "predictions": []}


@dataclass
class AccessToken:
    token: str
    expires_on: int


class TokenCredential:
    """azure-identity's shape."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return AccessToken("token-text", 4_000_000_000)


class BrokenTokenCredential:
    """Returns something that is not an access token."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return "just-a-string"


class Wire:
    """Clients over a transport that records requests and answers ``answer`` (by default an empty 200)."""

    def __init__(self, answer: httpx.Response | None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer if answer is not None else httpx.Response(200, json={})
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answer
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    def trainer(self, endpoint: str = ENDPOINT, credential: object = KEY, **options: Any) -> TrainingClient:
        return TrainingClient(
            endpoint,
            credential,
            http_client=httpx.Client(transport=self.transport),
            sleep=lambda _: None,
            max_retries=options.pop("max_retries", 0),
            **options,
        )

    def predictor(self, **options: Any) -> PredictionClient:
        return PredictionClient(
            ENDPOINT, KEY, http_client=httpx.Client(transport=self.transport), max_retries=0, **options
        )

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


OK = None
"""``error`` of a row whose input is valid."""


@dataclass
class Row:
    """One catalogue entry: an action, the error it must raise (or ``OK``), and what its message must say."""

    action: Callable[[Wire], object]
    error: type[CustomVisionError] | None
    says: str = ""
    answer: httpx.Response | None = None
    sent: bool | None = None
    """Whether a request must have gone out; by default none for errors and one or more for valid rows."""
    check: Callable[[Any, Wire], object] | None = None
    marks: tuple[Any, ...] = field(default=())


def json_answer(body: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


def raw_answer(content: bytes | str, status: int = 200, content_type: str = "application/json") -> httpx.Response:
    data = content.encode() if isinstance(content, str) else content
    return httpx.Response(status, content=data, headers={"Content-Type": content_type})


def region(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"imageId": IMG, "tagId": T, "left": 0.1, "top": 0.1, "width": 0.5, "height": 0.5}
    base.update(overrides)
    return base


def regions_call(*entries: Any) -> Callable[[Wire], object]:
    return lambda w: w.trainer().create_image_regions(P, list(entries))


def sent_param(name: str, value: str) -> Callable[[object, Wire], None]:
    def check(result: object, wire: Wire) -> None:
        assert wire.last.url.params[name] == value

    return check


def sent_path_contains(fragment: str) -> Callable[[object, Wire], None]:
    def check(result: object, wire: Wire) -> None:
        assert fragment in wire.last.url.raw_path.decode()

    return check


def sent_header(name: str, value: str) -> Callable[[object, Wire], None]:
    def check(result: object, wire: Wire) -> None:
        assert wire.last.headers[name] == value

    return check


def result_is(expected: object) -> Callable[[object, Wire], None]:
    def check(result: object, wire: Wire) -> None:
        assert result == expected

    return check


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def closed_file() -> io.BytesIO:
    handle = io.BytesIO(JPEG)
    handle.close()
    return handle


def constructed(result: object, wire: Wire) -> None:
    assert isinstance(result, (TrainingClient, PredictionClient, Resource))


ENDPOINTS: dict[str, Row] = {
    "empty": Row(lambda w: w.trainer(""), ConfigurationError, "endpoint is empty"),
    "blank": Row(lambda w: w.trainer("   "), ConfigurationError, "endpoint is empty"),
    "none": Row(lambda w: w.trainer(None), ConfigurationError, "endpoint is empty"),  # type: ignore[arg-type]
    "int": Row(lambda w: w.trainer(443), ConfigurationError, "endpoint is empty"),  # type: ignore[arg-type]
    "no scheme": Row(lambda w: w.trainer("x.cognitiveservices.azure.com"), ConfigurationError, "has no scheme"),
    "ftp": Row(lambda w: w.trainer("ftp://x.cognitiveservices.azure.com"), ConfigurationError, "http"),
    "plain http": Row(lambda w: w.trainer("http://x.cognitiveservices.azure.com"), ConfigurationError, "use https"),
    "http evil.localhost": Row(lambda w: w.trainer("http://evil.localhost"), ConfigurationError, "unencrypted"),
    "http localhost.evil.com": Row(lambda w: w.trainer("http://localhost.evil.com"), ConfigurationError, "https"),
    "http 127.0.0.1.nip.io": Row(lambda w: w.trainer("http://127.0.0.1.nip.io"), ConfigurationError, "https"),
    "http private address": Row(lambda w: w.trainer("http://10.0.0.5:5000"), ConfigurationError, "https"),
    "user info": Row(lambda w: w.trainer("https://u:p@x.cognitiveservices.azure.com"), ConfigurationError, "password"),
    "query": Row(lambda w: w.trainer("https://x.cognitiveservices.azure.com/?a=1"), ConfigurationError, "query"),
    "fragment": Row(lambda w: w.trainer("https://x.cognitiveservices.azure.com/#f"), ConfigurationError, "fragment"),
    "no host": Row(lambda w: w.trainer("https://"), ConfigurationError, "host name"),
    "training path pasted": Row(
        lambda w: w.trainer(ENDPOINT + "/customvision/v3.3/training"),
        ConfigurationError,
        re.escape(f"'{ENDPOINT}/'") + ".*adds /customvision",
    ),
    "prediction url pasted": Row(
        lambda w: PredictionClient(ENDPOINT + f"/customvision/v3.0/Prediction/{P}/classify/iterations/x/url", KEY),
        ConfigurationError,
        "includes the API path",
    ),
    "token on regional": Row(
        lambda w: w.trainer("https://westeurope.api.cognitive.microsoft.com", TokenCredential()),
        ConfigurationError,
        "custom subdomain",
    ),
    "token on regional china": Row(
        lambda w: Resource.training("https://chinaeast2.api.cognitive.azure.cn/", TokenCredential()),
        ConfigurationError,
        "custom subdomain",
    ),
    "ok localhost http": Row(lambda w: w.trainer("http://localhost:5000"), OK, check=constructed, sent=False),
    "ok 127.0.0.2 http": Row(lambda w: w.trainer("http://127.0.0.2:5000"), OK, check=constructed, sent=False),
    "ok ::1 http": Row(lambda w: w.trainer("http://[::1]:5000"), OK, check=constructed, sent=False),
    "ok key on regional": Row(
        lambda w: w.trainer("https://westeurope.api.cognitive.microsoft.com/").get_projects(),
        OK,
        answer=json_answer([]),
        check=sent_path_contains("/customvision/v3.3/training/projects"),
    ),
    "ok trailing slashes": Row(
        lambda w: w.trainer(ENDPOINT + "//").get_projects(),
        OK,
        answer=json_answer([]),
        check=lambda r, w: str(w.last.url).startswith(ENDPOINT + "/customvision/v3.3/training/projects"),
    ),
}

KEYS: dict[str, Row] = {
    "empty": Row(lambda w: w.trainer(ENDPOINT, ""), ConfigurationError, "key is empty"),
    "blank": Row(lambda w: w.trainer(ENDPOINT, "   "), ConfigurationError, "key is empty"),
    "line break": Row(lambda w: w.trainer(ENDPOINT, "abc\ndef"), ConfigurationError, "line break"),
    "none": Row(lambda w: w.trainer(ENDPOINT, None), ConfigurationError, "credential .* is required"),
    "int": Row(lambda w: w.trainer(ENDPOINT, 12345), ConfigurationError, "unsupported credential of type int"),
    "bytes": Row(lambda w: w.trainer(ENDPOINT, b"key"), ConfigurationError, "unsupported credential of type bytes"),
    "object": Row(lambda w: w.trainer(ENDPOINT, object()), ConfigurationError, "get_token"),
    "KeyCredential empty": Row(lambda w: KeyCredential(""), ConfigurationError, "key is empty"),
    "KeyCredential none": Row(lambda w: KeyCredential(None), ConfigurationError, "must be a string"),  # type: ignore[arg-type]
    "KeyCredential update empty": Row(lambda w: KeyCredential("k").update(" "), ConfigurationError, "key is empty"),
    "non-ascii key": Row(lambda w: w.trainer(ENDPOINT, "clé-secrète"), ConfigurationError, "printable ASCII"),
    "token credential returning junk": Row(
        lambda w: w.trainer(ENDPOINT, BrokenTokenCredential()).get_projects(), ConfigurationError, "'token'"
    ),
    "ok key with spaces around": Row(
        lambda w: w.trainer(ENDPOINT, "  abc  ").get_projects(),
        OK,
        answer=json_answer([]),
        check=sent_header("Training-Key", "abc"),
    ),
    "ok rotated key": Row(
        lambda w: (lambda c, k: (k.update("second"), c.get_projects()))(*_client_with_credential(w)),
        OK,
        answer=json_answer([]),
        check=sent_header("Training-Key", "second"),
    ),
}


def _client_with_credential(wire: Wire) -> tuple[TrainingClient, KeyCredential]:
    credential = KeyCredential("first")
    return wire.trainer(ENDPOINT, credential), credential


def publish_to(target: object) -> Callable[[Wire], object]:
    return lambda w: w.trainer().publish_iteration(P, IT, "v1", target)  # type: ignore[arg-type]


def parse_rid(text: object) -> Callable[[Wire], object]:
    return lambda w: Resource.prediction(ENDPOINT, KEY, resource_id=text)  # type: ignore[arg-type]


RESOURCE_IDS: dict[str, Row] = {
    "empty": Row(parse_rid(""), InvalidResourceIdError, "is empty"),
    "subscription id": Row(parse_rid(SUB), InvalidResourceIdError, "is a subscription id"),
    "name": Row(parse_rid("pred"), InvalidResourceIdError, "looks like a resource name"),
    "short subscription": Row(parse_rid(RID.replace(SUB, "0000")), InvalidResourceIdError, "'0000' is not a GUID"),
    "no providers": Row(parse_rid(RID.replace("/providers", "")), InvalidResourceIdError, "no 'providers' segment"),
    "storage provider": Row(
        parse_rid(RID.replace("Microsoft.CognitiveServices/accounts", "Microsoft.Storage/storageAccounts")),
        InvalidResourceIdError,
        "Microsoft.Storage",
    ),
    "no account": Row(parse_rid(RID.rsplit("/accounts", 1)[0]), InvalidResourceIdError, "names no Cognitive Services"),
    "extra segments": Row(parse_rid(RID + "/deployments/x"), InvalidResourceIdError, "goes on after the account"),
    "portal address": Row(
        parse_rid("https://portal.azure.com/#@t/resource" + RID + "/overview"), InvalidResourceIdError, "web address"
    ),
    "spaces": Row(parse_rid(RID.replace("/rg/", "/r g/")), InvalidResourceIdError, "white space"),
    "no leading slash": Row(parse_rid(RID[1:]), InvalidResourceIdError, "must start with '/subscriptions/'"),
    "double slash": Row(parse_rid(RID.replace("/providers", "//providers")), InvalidResourceIdError, "empty segment"),
    "int": Row(parse_rid(123), InvalidResourceIdError, "string"),
    "bad group name": Row(parse_rid(RID.replace("/rg/", "/rg./")), InvalidResourceIdError, "resource group name"),
    "one-letter account": Row(parse_rid(RID[:-4] + "p"), InvalidResourceIdError, "not a valid account name"),
    "publish to subscription id": Row(publish_to(SUB), InvalidResourceIdError, "is a subscription id"),
    "publish to resource without id": Row(
        publish_to(Resource.prediction(ENDPOINT, KEY)), ClientValidationError, "has no resource_id"
    ),
    "publish to training resource": Row(
        publish_to(Resource.training(ENDPOINT, KEY, resource_id=RID)), ConfigurationError, "serves no prediction"
    ),
    "ok lower case, sent in canonical case": Row(
        publish_to(RID.lower() + "/"),
        OK,
        answer=json_answer(True),
        check=sent_param("predictionId", RID),
    ),
    "ok trailing slash": Row(
        publish_to(RID + "/"), OK, answer=json_answer(True), check=sent_param("predictionId", RID)
    ),
    "ok upper-case subscription": Row(
        publish_to(RID.replace(SUB, SUB.upper())), OK, answer=json_answer(True), check=sent_param("predictionId", RID)
    ),
}

API_VERSIONS: dict[str, Row] = {
    "empty": Row(lambda w: w.trainer(api_version=""), ConfigurationError, "api_version '' is not supported"),
    "unknown": Row(lambda w: w.trainer(api_version="3.5"), ConfigurationError, "expected one of"),
    "float": Row(lambda w: w.trainer(api_version=3.3), ConfigurationError, "must be a string such as '3.3'"),
    "with v": Row(lambda w: w.trainer(api_version="v3.3"), ConfigurationError, "expected one of 3.0"),
    "list": Row(lambda w: w.trainer(api_version=["3.3"]), ConfigurationError, "must be a string"),
    "training version on prediction": Row(lambda w: w.predictor(api_version="3.3"), ConfigurationError, "3.0, 3.1"),
    "ok preview": Row(
        lambda w: w.trainer(api_version="3.4-preview").get_projects(),
        OK,
        answer=json_answer([]),
        check=sent_path_contains("/customvision/v3.4-preview/training/"),
    ),
    "ok default": Row(
        lambda w: w.trainer(api_version=None).get_projects(),
        OK,
        answer=json_answer([]),
        check=sent_path_contains("/customvision/v3.3/training/"),
    ),
}

TIMEOUTS: dict[str, Row] = {
    "zero": Row(lambda w: w.trainer(timeout=0), ConfigurationError, "timeout"),
    "negative": Row(lambda w: w.trainer(timeout=-5), ConfigurationError, "timeout"),
    "string": Row(lambda w: w.trainer(timeout="10"), ConfigurationError, "timeout"),
    "nan": Row(lambda w: w.trainer(timeout=math.nan), ConfigurationError, "timeout"),
    "bool": Row(lambda w: w.trainer(timeout=True), ConfigurationError, "timeout"),
    "with_options negative": Row(lambda w: w.trainer().with_options(timeout=-1), ConfigurationError, "timeout"),
    "train_and_wait negative": Row(
        lambda w: w.trainer().train_and_wait(P, timeout=-1), ClientValidationError, "timeout"
    ),
    "train_and_wait nan": Row(
        lambda w: w.trainer().train_and_wait(P, timeout=math.nan), ClientValidationError, "timeout"
    ),
    "ok timeout": Row(
        lambda w: w.trainer(timeout=5).get_projects(),
        OK,
        answer=json_answer([]),
        check=lambda r, w: w.last.extensions["timeout"]["read"] == 5,
    ),
}

RETRIES: dict[str, Row] = {
    "negative": Row(lambda w: w.trainer(max_retries=-1), ConfigurationError, "max_retries"),
    "fraction": Row(lambda w: w.trainer(max_retries=1.5), ConfigurationError, "max_retries"),
    "bool": Row(lambda w: w.trainer(max_retries=True), ConfigurationError, "max_retries"),
    "string": Row(lambda w: w.trainer(max_retries="3"), ConfigurationError, "max_retries"),
    "with_options negative": Row(lambda w: w.trainer().with_options(max_retries=-1), ConfigurationError, "max_retries"),
    "poll schedule zero": Row(lambda w: PollSchedule(initial=0), ConfigurationError, "initial"),
    "poll schedule nan": Row(lambda w: PollSchedule(initial=math.nan), ConfigurationError, "initial"),
    "poll schedule factor": Row(lambda w: PollSchedule(factor=0.5), ConfigurationError, "factor"),
    "ok retries then success": Row(
        lambda w: w.trainer(max_retries=2).get_projects(), OK, answer=json_answer([]), check=result_is([])
    ),
}


def project_call(value: object) -> Callable[[Wire], object]:
    return lambda w: w.trainer().get_project(value)  # type: ignore[arg-type]


IDS: dict[str, Row] = {
    "not a uuid": Row(project_call("not-a-uuid"), ClientValidationError, "project_id must be a UUID"),
    "empty": Row(project_call(""), ClientValidationError, "project_id must be a UUID"),
    "none": Row(project_call(None), ClientValidationError, "project_id must be a UUID"),
    "int": Row(project_call(123), ClientValidationError, "project_id must be a UUID"),
    "a model": Row(lambda w: w.trainer().get_project(_project()), ClientValidationError, "pass its .id"),
    "uuid with braces": Row(
        project_call("{" + P + "}"), OK, answer=json_answer(PROJECT), check=sent_path_contains(f"/projects/{P}")
    ),
    "ok upper case": Row(
        project_call(P.upper()), OK, answer=json_answer(PROJECT), check=sent_path_contains(f"/projects/{P}")
    ),
    "ok uuid object": Row(project_call(uuid.UUID(P)), OK, answer=json_answer(PROJECT)),
    "tag name as tag id": Row(
        lambda w: w.trainer().get_tagged_images(P, tag_ids=["apple"]), ClientValidationError, "looks like a name"
    ),
    "none in list": Row(
        lambda w: w.trainer().get_tagged_images(P, tag_ids=[None]), ClientValidationError, r"tag_ids\[0\]"
    ),
    "bytes as ids": Row(
        lambda w: w.trainer().get_tagged_images(P, tag_ids=b"ab"), ClientValidationError, "list of ids"
    ),
    "dict as ids": Row(
        lambda w: w.trainer().get_tagged_images(P, tag_ids={T: 1}), ClientValidationError, "list of ids"
    ),
    "int as ids": Row(lambda w: w.trainer().get_tagged_images(P, tag_ids=5), ClientValidationError, "list of ids"),
    "257 image ids": Row(
        lambda w: w.trainer().get_images_by_ids(P, image_ids=[uuid.uuid4() for _ in range(257)]),
        ClientValidationError,
        "at most 256",
    ),
    "bad iteration id": Row(
        lambda w: w.trainer().get_iteration(P, "latest"), ClientValidationError, "iteration_id must be a UUID"
    ),
    "no region ids": Row(lambda w: w.trainer().delete_image_regions(P, []), ClientValidationError, "at least one"),
    "take too big": Row(lambda w: w.trainer().get_images(P, take=300), ClientValidationError, "take must be"),
    "take negative": Row(lambda w: w.trainer().get_images(P, take=-1), ClientValidationError, "take must be"),
    "take bool": Row(lambda w: w.trainer().get_images(P, take=True), ClientValidationError, "take must be"),
    "take string": Row(lambda w: w.trainer().get_images(P, take="10"), ClientValidationError, "take must be"),
    "skip negative": Row(lambda w: w.trainer().get_images(P, skip=-1), ClientValidationError, "skip must be"),
    "threshold nan": Row(
        lambda w: w.trainer().get_iteration_performance(P, IT, threshold=math.nan), ClientValidationError, "finite"
    ),
    "ok take 256": Row(
        lambda w: w.trainer().get_images(P, take=256), OK, answer=json_answer([]), check=sent_param("take", "256")
    ),
}


def _project() -> Any:
    from customvision_rest.models.training import Project

    return Project.model_validate(PROJECT)


TAGS_AND_NAMES: dict[str, Row] = {
    "tag name empty": Row(lambda w: w.trainer().create_tag(P, ""), ClientValidationError, "name must not be empty"),
    "tag name blank": Row(lambda w: w.trainer().create_tag(P, "  "), ClientValidationError, "must not be empty"),
    "tag name none": Row(lambda w: w.trainer().create_tag(P, None), ClientValidationError, "name must be a string"),
    "tag name newline": Row(lambda w: w.trainer().create_tag(P, "a\nb"), ClientValidationError, "control character"),
    "tag name int": Row(lambda w: w.trainer().create_tag(P, 5), ClientValidationError, "must be a string"),
    "tag description int": Row(
        lambda w: w.trainer().create_tag(P, "apple", description=5), ClientValidationError, "description must be"
    ),
    "21 tags in a filter": Row(
        lambda w: w.trainer().get_tagged_images(P, tag_ids=[uuid.uuid4() for _ in range(21)]),
        ClientValidationError,
        "at most 20",
    ),
    "21 tags on an upload": Row(
        lambda w: w.trainer().create_images_from_data(P, [JPEG], tag_ids=[uuid.uuid4() for _ in range(21)]),
        ClientValidationError,
        "at most 20 tags",
    ),
    "project name empty": Row(lambda w: w.trainer().create_project(""), ClientValidationError, "must not be empty"),
    "project name none": Row(lambda w: w.trainer().create_project(None), ClientValidationError, "must be a string"),
    "project name nul": Row(lambda w: w.trainer().create_project("a\x00b"), ClientValidationError, "control"),
    "publish name empty": Row(
        lambda w: w.trainer().publish_iteration(P, IT, "", RID), ClientValidationError, "publish_name must not be empty"
    ),
    "publish name tab": Row(
        lambda w: w.trainer().publish_iteration(P, IT, "a\tb", RID), ClientValidationError, "control"
    ),
    "published name empty": Row(
        lambda w: w.predictor().classify_image(P, "", JPEG), ClientValidationError, "published_name"
    ),
    "import token empty": Row(lambda w: w.trainer().import_project(""), ClientValidationError, "token must be"),
    "import name int": Row(
        lambda w: w.trainer().import_project("tok", name=5), ClientValidationError, "name must be a string"
    ),
    "export platform empty": Row(
        lambda w: w.trainer().export_iteration(P, IT, ""), ClientValidationError, "platform must be"
    ),
    "ok name with spaces and accents": Row(
        lambda w: w.trainer().create_tag(P, " pommes rôties "),
        OK,
        answer=json_answer({"id": T, "name": " pommes rôties ", "type": "Regular", "imageCount": 0}),
        check=sent_param("name", " pommes rôties "),
    ),
    "ok publish name with space": Row(
        lambda w: w.predictor().classify_image(P, "fruit v1", JPEG),
        OK,
        answer=json_answer(PREDICTION),
        check=sent_path_contains("/iterations/fruit%20v1/image"),
    ),
    "ok multi-line description": Row(
        lambda w: w.trainer().create_project("fruit", description="line 1\nline 2"),
        OK,
        answer=json_answer(PROJECT),
        check=sent_param("description", "line 1\nline 2"),
    ),
}

REGIONS: dict[str, Row] = {
    "width nan": Row(regions_call(region(width=math.nan)), ClientValidationError, r"regions\[0\]\.width is nan"),
    "left inf": Row(regions_call(region(left=math.inf)), ClientValidationError, "left is inf"),
    "top -inf": Row(regions_call(region(top=-math.inf)), ClientValidationError, "top is -inf"),
    "left negative": Row(regions_call(region(left=-0.1)), ClientValidationError, "from 0 to 1"),
    "width over 1": Row(regions_call(region(width=1.5)), ClientValidationError, "divide pixels"),
    "pixels": Row(regions_call(region(left=12, top=30, width=200, height=100)), ClientValidationError, "0 to 1"),
    "past the right edge": Row(regions_call(region(left=0.6, width=0.5)), ClientValidationError, "left \\+ width"),
    "past the bottom edge": Row(regions_call(region(top=0.7, height=0.4)), ClientValidationError, "top \\+ height"),
    "zero width": Row(regions_call(region(width=0)), ClientValidationError, "positive width"),
    "second one bad": Row(regions_call(region(), region(height=2)), ClientValidationError, r"regions\[1\]\.height"),
    "missing tag id": Row(
        regions_call({k: v for k, v in region().items() if k != "tagId"}),
        ClientValidationError,
        r"^regions\[0\]: not a valid ImageRegionCreateEntry: tag_?[iI]d: Field required$",
    ),
    "string coordinate": Row(regions_call(region(left="left")), ClientValidationError, "not a valid"),
    "a dict, not a list": Row(
        lambda w: w.trainer().create_image_regions(P, region()), ClientValidationError, "must be a list"
    ),
    "65 regions": Row(regions_call(*[region() for _ in range(65)]), ClientValidationError, "at most 64"),
    "none": Row(regions_call(), ClientValidationError, "at least 1"),
    "file upload region past the edge": Row(
        lambda w: w.trainer().create_images_from_files(
            P, {"images": [{"contents": JPEG, "regions": [region(left=0.9, width=0.2)]}]}
        ),
        ClientValidationError,
        r"batch\.images\[0\]\.regions\[0\]",
    ),
    "bulk upload region nan": Row(
        lambda w: w.trainer().upload_images(P, [ImageToUpload(JPEG, regions=[region(width=math.nan)])]),
        UploadIncompleteError,
        r"images\[0\]\.regions\[0\]\.width is nan",
    ),
    "ok touching the edges": Row(
        regions_call(region(left=0.5, width=0.5, top=0.0, height=1.0)),
        OK,
        answer=json_answer({"created": [], "duplicated": [], "exceeded": []}),
        check=lambda r, w: json.loads(w.last.content)["regions"][0]["width"] == 0.5,
    ),
}


def classify(image: object) -> Callable[[Wire], object]:
    return lambda w: w.predictor().classify_image(P, "v1", image)  # type: ignore[arg-type]


def upload(images: object) -> Callable[[Wire], object]:
    return lambda w: w.trainer().create_images_from_data(P, images)  # type: ignore[arg-type]


IMAGES: dict[str, Row] = {
    "empty bytes": Row(classify(b""), ClientValidationError, "image is empty"),
    "5 MB prediction": Row(classify(b"\xff" * (5 * MB)), ClientValidationError, "at most 4,194,304 bytes"),
    "5 MB quick test": Row(
        lambda w: w.trainer().quick_test_image(P, b"\xff" * (5 * MB)), ClientValidationError, "4 MB"
    ),
    "7 MB training": Row(upload([b"\xff" * (7 * MB)]), ClientValidationError, "6 MB"),
    "missing path": Row(classify("/nonexistent/apple.jpg"), ClientValidationError, "no such file"),
    "directory": Row(classify(Path(__file__).parent), ClientValidationError, "no such file"),
    "path with nul": Row(classify("apple\x00.jpg"), ClientValidationError, "no such file"),
    "address instead of file": Row(
        classify("https://example.com/apple.jpg"), ClientValidationError, "use the \\*_url operation"
    ),
    "text-mode file": Row(classify(io.StringIO("text")), ClientValidationError, "binary mode"),
    "closed file": Row(
        lambda w: w.predictor().classify_image(P, "v1", closed_file()), ClientValidationError, "could not be read"
    ),
    "int": Row(classify(42), ClientValidationError, "expected bytes, a path or a binary file, got int"),
    "none": Row(classify(None), ClientValidationError, "got NoneType"),
    "list": Row(classify([JPEG]), ClientValidationError, "got list"),
    "empty list": Row(upload([]), ClientValidationError, "at least 1"),
    "65 images": Row(upload([JPEG] * 65), ClientValidationError, "at most 64"),
    "one bad among good": Row(upload([JPEG, b""]), ClientValidationError, r"image_data\[1\] is empty"),
    "bulk single bytes": Row(
        lambda w: w.trainer().upload_images(P, JPEG), ClientValidationError, "got a single bytes; pass \\[image\\]"
    ),
    "bulk single path": Row(
        lambda w: w.trainer().upload_images(P, "apple.jpg"), ClientValidationError, "got a single str"
    ),
    "bulk prediction single bytes": Row(
        lambda w: w.predictor().classify_images(P, "v1", JPEG), ClientValidationError, "got bytes; for one image"
    ),
    "bulk prediction single path": Row(
        lambda w: w.predictor().detect_images(P, "v1", "apple.jpg"), ClientValidationError, "got str"
    ),
    "bulk not iterable": Row(lambda w: w.trainer().upload_images(P, 5), ClientValidationError, "iterable of images"),
    "files batch empty image": Row(
        lambda w: w.trainer().create_images_from_files(P, {"images": [{"contents": b""}]}),
        ClientValidationError,
        "1 to 6,291,456 bytes",
    ),
    "files batch missing contents": Row(
        lambda w: w.trainer().create_images_from_files(P, {"images": [{"name": "a"}]}),
        ClientValidationError,
        r"^batch: not a valid ImageFileCreateBatch: images\.0\.contents: Field required$",
    ),
    "files batch not a mapping": Row(
        lambda w: w.trainer().create_images_from_files(P, [JPEG]),
        ClientValidationError,
        "must be a ImageFileCreateBatch",
    ),
    "51 metadata pairs": Row(
        lambda w: w.trainer().update_image_metadata(P, [IMG], {str(n): "v" for n in range(51)}),
        ClientValidationError,
        "at most 50",
    ),
    "metadata key too long": Row(
        lambda w: w.trainer().update_image_metadata(P, [IMG], {"k" * 257: "v"}), ClientValidationError, "at most 256"
    ),
    "metadata value int": Row(
        lambda w: w.trainer().update_image_metadata(P, [IMG], {"k": 1}), ClientValidationError, "must be strings"
    ),
    "download ftp": Row(
        lambda w: w.trainer()._run(download("ftp://x/y")), ClientValidationError, "http\\(s\\) address"
    ),
    "not an image, sent: the service decides": Row(
        classify(b"hello"),
        BadRequestError,
        "BadRequestImageFormat",
        answer=json_answer({"code": "BadRequestImageFormat", "message": "Bad image format."}, 400),
        sent=True,
    ),
    "ok exactly 4 MB": Row(classify(b"\xff" * (4 * MB)), OK, answer=json_answer(PREDICTION)),
    "ok binary file": Row(
        classify(io.BytesIO(JPEG)),
        OK,
        answer=json_answer(PREDICTION),
        check=lambda r, w: w.last.content == JPEG,
    ),
    "ok one image not in a list": Row(upload(JPEG), OK, answer=json_answer({"isBatchSuccessful": True, "images": []})),
}


def prediction_with_probability(number: str) -> str:
    tag = f'{{"probability": {number}, "tagId": "{T}", "tagName": "apple"}}'
    return json.dumps({**PREDICTION, "predictions": []}).replace('"predictions": []', f'"predictions": [{tag}]')


def get_project_answering(answer: httpx.Response) -> Row:
    return Row(lambda w: w.trainer().get_project(P), ResponseValidationError, "GetProject", answer=answer, sent=True)


def answered(row: Row, says: str) -> Row:
    row.says = says
    return row


BODIES: dict[str, Row] = {
    "empty": answered(get_project_answering(raw_answer(b"")), "cannot read.*Invalid JSON"),
    "truncated": answered(get_project_answering(raw_answer('{"id": "' + P + '", "na')), "cannot read"),
    "html": answered(get_project_answering(raw_answer("<html>oops</html>", content_type="text/html")), "Invalid JSON"),
    "array for object": answered(get_project_answering(json_answer([PROJECT])), "cannot read"),
    "wrong id type": answered(get_project_answering(json_answer({**PROJECT, "id": 5})), r"^GetProject: .*: id: "),
    "null body": answered(get_project_answering(json_answer(None)), "cannot read"),
    "deeply nested": answered(get_project_answering(raw_answer(nested(100_000))), "cannot read"),
    "huge list of wrong items": Row(
        lambda w: w.trainer().get_projects(),
        ResponseValidationError,
        r"more problem\(s\)\)$",
        answer=json_answer([{"id": n} for n in range(50_000)]),
        sent=True,
        check=None,
    ),
    "204 where a model is expected": Row(
        lambda w: w.trainer().get_project(P),
        ResponseValidationError,
        "HTTP 204 No Content with no body, but this operation answers HTTP 200",
        answer=httpx.Response(204),
        sent=True,
    ),
    "error as a string": Row(
        lambda w: w.trainer().get_project(P),
        BadRequestError,
        "^quota exhausted",
        answer=json_answer({"error": "quota exhausted"}, 400),
        sent=True,
    ),
    "error as plain text": Row(
        lambda w: w.trainer().get_project(P),
        InternalServerError,
        "^upstream broke",
        answer=raw_answer("upstream broke", 502, "text/plain"),
        sent=True,
    ),
    "error nested deeply": Row(
        lambda w: w.trainer().get_project(P),
        InternalServerError,
        "HTTP 500",
        answer=raw_answer(nested(100_000), 500),
        sent=True,
    ),
    "publish answered false": Row(
        lambda w: w.trainer().publish_iteration(P, IT, "v1", RID),
        OperationFailedError,
        "not published",
        answer=json_answer(False),
        sent=True,
    ),
    "count not a number": Row(
        lambda w: w.trainer().get_image_count(P),
        ResponseValidationError,
        "GetImageCount",
        answer=json_answer("abc"),
        sent=True,
    ),
    "probability 1e400": Row(
        lambda w: w.predictor().classify_image(P, "v1", JPEG),
        ResponseValidationError,
        "probability",
        answer=raw_answer(prediction_with_probability("1e400")),
        sent=True,
    ),
    "probability NaN token": Row(
        lambda w: w.predictor().classify_image(P, "v1", JPEG),
        ResponseValidationError,
        "probability",
        answer=raw_answer(prediction_with_probability("NaN")),
        sent=True,
    ),
    "probability 'NaN' string": Row(
        lambda w: w.predictor().classify_image(P, "v1", JPEG),
        ResponseValidationError,
        "probability",
        answer=raw_answer(prediction_with_probability('"NaN"')),
        sent=True,
    ),
    "ok count": Row(lambda w: w.trainer().get_image_count(P), OK, answer=json_answer(7), check=result_is(7)),
    "ok publish true": Row(
        lambda w: w.trainer().publish_iteration(P, IT, "v1", RID), OK, answer=json_answer(True), check=result_is(True)
    ),
    "ok unknown fields": Row(
        lambda w: w.trainer().get_project(P),
        OK,
        answer=json_answer({**PROJECT, "brandNewField": {"x": [1]}}),
        check=lambda r, w: str(r.id) == P,
    ),
    "ok unknown enum value": Row(
        lambda w: w.trainer().get_iteration(P, IT),
        OK,
        answer=json_answer(
            {
                "id": IT,
                "name": "it",
                "status": "Hibernating",
                "created": WHEN,
                "lastModified": WHEN,
                "projectId": P,
                "exportable": False,
                "trainingType": "Regular",
                "reservedBudgetInHours": 0,
                "classificationType": "Omniclass",
            }
        ),
        check=lambda r, w: r.status == "Hibernating",
    ),
    "ok empty prediction list": Row(
        lambda w: w.predictor().classify_image(P, "v1", JPEG),
        OK,
        answer=json_answer(PREDICTION),
        check=lambda r, w: r.predictions == [],
    ),
}


def run_async(wire: Wire, call: Callable[[AsyncTrainingClient], Awaitable[object]]) -> object:
    async def scenario() -> object:
        async with AsyncTrainingClient(
            ENDPOINT, KEY, http_client=httpx.AsyncClient(transport=wire.transport), max_retries=0
        ) as client:
            return await call(client)

    return asyncio.run(scenario())


ASYNC: dict[str, Row] = {
    "async bad id": Row(lambda w: run_async(w, lambda c: c.get_project("nope")), ClientValidationError, "project_id"),
    "async region nan": Row(
        lambda w: run_async(w, lambda c: c.create_image_regions(P, [region(left=math.nan)])),
        ClientValidationError,
        "left is nan",
    ),
    "async 5 MB quick test": Row(
        lambda w: run_async(w, lambda c: c.quick_test_image(P, b"\xff" * (5 * MB))), ClientValidationError, "4 MB"
    ),
    "ok async": Row(
        lambda w: run_async(w, lambda c: c.get_project(P)),
        OK,
        answer=json_answer(PROJECT),
        check=sent_path_contains(f"/projects/{P}"),
    ),
}

GROUPS = {
    "endpoint": ENDPOINTS,
    "key": KEYS,
    "resource id": RESOURCE_IDS,
    "api version": API_VERSIONS,
    "timeout": TIMEOUTS,
    "retries": RETRIES,
    "id": IDS,
    "tag or name": TAGS_AND_NAMES,
    "region": REGIONS,
    "image": IMAGES,
    "body": BODIES,
    "async": ASYNC,
}
CASES = [
    pytest.param(row, id=f"{group}: {name}", marks=row.marks)
    for group, rows in GROUPS.items()
    for name, row in rows.items()
]


def test_the_catalogue_is_large_enough() -> None:
    bad = [case for case in CASES if case.values[0].error is not OK]  # type: ignore[union-attr]
    assert len(bad) >= 120, len(bad)


@pytest.mark.parametrize("row", CASES)
def test_catalogue(row: Row) -> None:
    wire = Wire(row.answer)
    outcome: BaseException | None = None
    result: object = None
    try:
        result = row.action(wire)
    except BaseException as exc:  # the point is to see what escapes
        outcome = exc
    if row.error is OK:
        assert outcome is None, f"a valid input raised {outcome!r}"
        assert not wire.requests if row.sent is False else wire.requests, "a valid call should have been sent"
        if row.check is not None:
            assert row.check(result, wire) is not False
        return
    assert outcome is not None, f"accepted without a word: {result!r}"
    assert isinstance(outcome, CustomVisionError), f"a non-library exception escaped: {outcome!r}"
    assert isinstance(outcome, row.error), f"expected {row.error.__name__}, got {outcome!r}"
    message = str(outcome)
    assert "\n" not in message, f"a message on several lines: {message!r}"
    assert re.search(row.says, message), f"{message!r} does not say {row.says!r}"
    if row.sent:
        assert wire.requests, "this case is about the answer to a request"
    else:
        assert wire.requests == [], f"sent although the client could refuse it: {wire.requests}"
