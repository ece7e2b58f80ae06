"""No key, token or SAS signature is reachable from what the library raises, nor printed by a traceback with locals.

Each scenario makes a representative failure happen for real (a refused connection, a read timeout on a
socket that never answers, error statuses, an unreadable body, a signed download, a token credential), then
collects every text a careless or thorough user could produce from the exception: ``str``/``repr`` of it and of
every exception chained to it (``__cause__``, ``__context__``), of their attributes, of the httpx request and
response they carry (its headers and URL), and whole tracebacks formatted with local variables, the way the
standard library, pytest (``--showlocals``) and error trackers print them.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from _pytest._code import ExceptionInfo

import service_bodies
from customvision_rest import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncTrainingClient,
    AuthenticationError,
    CustomVisionError,
    InternalServerError,
    RateLimitError,
    Resource,
    ResponseValidationError,
    TrainingClient,
)
from customvision_rest.emulator import Emulator
from customvision_rest.operations._common import download

KEY = "hardening-training-key-SECRET-4f1e"
TOKEN = "eyJhbGciOi.hardening-TOKEN-SECRET.sig"
SIGNATURE = "SAS-SIGNATURE-SECRET-9a8b"
EXPORT_TOKEN = "EXPORT-TOKEN-SECRET-77"
SECRETS = (KEY, TOKEN, SIGNATURE, EXPORT_TOKEN)
PROJECT = "00000000-0000-0000-0000-000000000001"
ITERATION = "00000000-0000-0000-0000-000000000002"
SIGNED_URL = f"https://blob.example/exports/model.zip?sv=2020-10-02&se=2030-01-01&sig={SIGNATURE}"


@dataclass
class AccessToken:
    token: str
    expires_on: int


class StaticTokenCredential:
    """A token credential in azure-identity's shape."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(TOKEN, 4_000_000_000)


def answering(*responses: httpx.Response) -> httpx.MockTransport:
    """A transport answering the responses in turn (the last one forever)."""
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(item.status_code, headers=item.headers, content=item.content)

    return httpx.MockTransport(handle)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers (a read timeout, for real)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def texts_of(error: BaseException, *, with_locals: bool = True) -> list[str]:
    """Everything printable that can be reached from ``error`` without reading a private attribute."""
    texts: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), *(repr(value) for value in vars(current).values())]
        texts += [str(arg) for arg in current.args]
        if isinstance(current, httpx.HTTPError):
            try:
                request = current.request
            except RuntimeError:  # raised without a request
                request = None
            if request is not None:
                texts += [repr(request), repr(request.headers), str(request.headers), repr(request.url)]
        if isinstance(current, httpx.HTTPStatusError):
            texts += [repr(current.response), repr(current.response.headers)]
        pending += [current.__cause__, current.__context__]
    texts.append("".join(traceback.format_exception(error)))
    if with_locals:
        texts.append("".join(traceback.TracebackException.from_exception(error, capture_locals=True).format()))
        texts.append(str(ExceptionInfo.from_exception(error).getrepr(showlocals=True, style="long", chain=True)))
    return texts


def leaks_in(error: BaseException, *, with_locals: bool = True) -> list[str]:
    return [secret for text in texts_of(error, with_locals=with_locals) for secret in SECRETS if secret in text]


def failure_of(action: Callable[[], object]) -> CustomVisionError:
    """The library error ``action`` raises, its traceback starting at the first frame of the library.

    The frames above it are this test's, whose locals hold the secrets on purpose.
    """
    with pytest.raises(CustomVisionError) as caught:
        action()
    error = caught.value
    frames = error.__traceback__
    while frames is not None and "customvision_rest" not in frames.tb_frame.f_code.co_filename:
        frames = frames.tb_next
    assert frames is not None
    return error.with_traceback(frames)


def key_client(endpoint: str = "https://hardening.cognitiveservices.azure.com", **options: Any) -> TrainingClient:
    return TrainingClient(endpoint, KEY, max_retries=1, sleep=lambda _: None, **options)


def token_client(transport: httpx.BaseTransport) -> TrainingClient:
    resource = Resource.training("https://hardening.cognitiveservices.azure.com", StaticTokenCredential())
    return TrainingClient(resource, http_client=httpx.Client(transport=transport), max_retries=1, sleep=lambda _: None)


def with_transport(transport: httpx.BaseTransport) -> TrainingClient:
    return key_client(http_client=httpx.Client(transport=transport))


STATUS_CASES = {
    "401": (httpx.Response(401, json={"error": {"code": "401", "message": "Access denied"}}), AuthenticationError),
    "429": (httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {"code": "429"}}), RateLimitError),
    "500": (httpx.Response(500, text="boom"), InternalServerError),
    "503-json": (httpx.Response(503, json={"code": "ServiceUnavailable", "message": "busy"}), InternalServerError),
}


@pytest.mark.parametrize("case", sorted(STATUS_CASES))
def test_status_errors_with_a_key(case: str) -> None:
    response, kind = STATUS_CASES[case]
    error = failure_of(lambda: with_transport(answering(response)).get_projects())
    assert isinstance(error, kind)
    assert leaks_in(error) == []


@pytest.mark.parametrize("case", sorted(STATUS_CASES))
def test_status_errors_with_a_token(case: str) -> None:
    response, kind = STATUS_CASES[case]
    error = failure_of(lambda: token_client(answering(response)).get_projects())
    assert isinstance(error, kind)
    assert leaks_in(error) == []


def test_connection_refused() -> None:
    error = failure_of(lambda: key_client(f"http://127.0.0.1:{closed_port()}").get_projects())
    assert type(error) is APIConnectionError
    assert isinstance(error.__cause__, httpx.ConnectError)
    # The request httpx attaches to its exception is still there for debugging, its key masked.
    assert "training-key" in repr(error.__cause__.request.headers)
    assert leaks_in(error) == []


def test_read_timeout(silent_server: str) -> None:
    error = failure_of(lambda: key_client(silent_server, timeout=0.2).with_options(max_retries=0).get_projects())
    assert isinstance(error, APITimeoutError)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert leaks_in(error) == []


def test_async_client_errors() -> None:
    async def scenario() -> CustomVisionError:
        transport = answering(httpx.Response(500, text="boom"))
        async with AsyncTrainingClient(
            "https://hardening.cognitiveservices.azure.com",
            KEY,
            http_client=httpx.AsyncClient(transport=transport),
            max_retries=1,
            sleep=_no_sleep,
        ) as client:
            with pytest.raises(CustomVisionError) as caught:
                await client.get_projects()
        return caught.value

    error = asyncio.run(scenario())
    assert isinstance(error, InternalServerError)
    assert leaks_in(error) == []


async def _no_sleep(seconds: float) -> None:
    return None


def test_signed_download_failing_at_the_storage() -> None:
    client = with_transport(answering(httpx.Response(403, text=f"denied for {SIGNED_URL}")))
    error = failure_of(lambda: client._run(download(SIGNED_URL, "export")))
    assert isinstance(error, APIStatusError)
    assert "blob.example/exports/model.zip" in str(error)
    assert leaks_in(error) == []


def test_signed_download_that_cannot_connect() -> None:
    url = f"http://127.0.0.1:{closed_port()}/x.zip?sig={SIGNATURE}"
    error = failure_of(lambda: key_client()._run(download(url, "export")))
    assert isinstance(error, APIConnectionError)
    assert leaks_in(error) == []


def test_unreadable_body_quoting_a_signed_address() -> None:
    body = [{"platform": "ONNX", "status": {"not": "a status"}, "downloadUri": SIGNED_URL}]
    error = failure_of(
        lambda: with_transport(answering(httpx.Response(200, json=body))).get_exports(PROJECT, ITERATION)
    )
    assert isinstance(error, ResponseValidationError)
    assert error.__cause__ is None and error.__context__ is None
    assert "blob.example" in str(error.body)
    assert leaks_in(error) == []


def test_import_token_in_the_query() -> None:
    """The export token travels in the query of ImportProject; no error text shows it.

    Tracebacks with locals are not searched here: the token is an argument the caller passes, so the frame of
    the client method it calls holds it, as the caller's own frames do.
    """
    error = failure_of(
        lambda: with_transport(answering(httpx.Response(500, text="x"))).import_project(EXPORT_TOKEN, name="copy")
    )
    assert "projects/import" in str(error)
    assert leaks_in(error, with_locals=False) == []


def test_operation_and_request_reprs_hide_signatures_and_keys() -> None:
    client = key_client()
    op = download(SIGNED_URL, "export")
    request = client._config.build_request(op, None)
    authenticated = client._config.build_request(TrainingClient.get_projects.build(client), None)
    imported = TrainingClient.import_project.build(client, EXPORT_TOKEN)
    shown = [repr(op), repr(imported), repr(request), repr(request.url), repr(authenticated.headers)]
    assert "sig=REDACTED" in repr(op) and "token=REDACTED" in repr(imported)
    assert [secret for text in shown for secret in SECRETS if secret in text] == []
    # What is sent is unchanged: the signature and the key still travel.
    assert SIGNATURE in str(request.url)
    assert authenticated.headers["Training-Key"] == KEY


def test_the_scan_finds_a_secret_when_there_is_one() -> None:
    """The scan is not blind: a secret held as a local variable, or printed in a message, is found."""

    def leaky(secret: str) -> None:
        raise ValueError("failed")

    with pytest.raises(ValueError) as caught:
        leaky(KEY)
    assert KEY in leaks_in(caught.value)
    plain = httpx.Request("GET", "https://x", headers={"Training-Key": KEY})
    assert KEY in repr(plain.headers), "httpx itself masks only Authorization"


def test_nothing_secret_in_debug_logs_over_real_sockets(caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG on every logger (httpx, httpcore, the library), over loopback HTTP: success, 401, and a retry."""
    caplog.set_level(logging.DEBUG)
    wrong_key = "hardening-WRONG-key-SECRET-0000"
    with (
        Emulator(training_key=KEY) as emulator,
        emulator.serve(host="127.0.0.1", port=0) as server,
        TrainingClient(server.endpoint, KEY, max_retries=0) as client,
        TrainingClient(server.endpoint, wrong_key, max_retries=0) as refused,
    ):
        project = client.create_project("secrets")
        assert client.get_project(project.id).name == "secrets"
        error = failure_of(lambda: refused.get_projects())
        assert isinstance(error, AuthenticationError)
        assert leaks_in(error) == [] and wrong_key not in "".join(texts_of(error))
    messages = [record.getMessage() for record in caplog.records]
    assert any(record.name.startswith("httpcore") for record in caplog.records), "httpcore logged nothing"
    assert [m for m in messages for secret in (*SECRETS, wrong_key) if secret in m] == []


def test_model_reprs_hide_signatures_and_export_tokens() -> None:
    """Images and project exports hold signed addresses and a secret token: their reprs show neither."""
    from customvision_rest.models.training import Image, ProjectExport

    image = Image.model_validate(
        {
            **service_bodies.stored_image(PROJECT),
            "originalImageUri": SIGNED_URL,
            "thumbnailUri": SIGNED_URL,
            "resizedImageUri": SIGNED_URL,
        }
    )
    counts = {"iterationCount": 1, "imageCount": 2, "tagCount": 1, "regionCount": 0, "estimatedImportTimeInMS": 9}
    export = ProjectExport.model_validate({**counts, "token": EXPORT_TOKEN})
    shown = [repr(image), str(image), repr(export), str(export)]
    assert image.original_image_uri == SIGNED_URL
    assert [secret for text in shown for secret in SECRETS if secret in text] == []
