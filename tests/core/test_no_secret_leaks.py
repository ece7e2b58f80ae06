"""No key or token appears in logs (at DEBUG), exception texts, or the repr of clients, resources and credentials."""

from __future__ import annotations

import asyncio
import logging
import traceback

import httpx
import pytest
import respx

from customvision_rest import (
    AsyncPredictionClient,
    CustomVisionError,
    KeyCredential,
    PredictionClient,
    Resource,
)

from .helpers import (
    CLASSIFY_PATH,
    ENDPOINT,
    PREDICTION_BODY,
    PREDICTION_KEY,
    PROJECT_ID,
    TOKEN_TEXT,
    TRAINING_KEY,
    FakeTokenCredential,
    NoSleep,
)

SECRETS = (PREDICTION_KEY, TRAINING_KEY, TOKEN_TEXT, "SECRET")

RESPONSES = [
    httpx.Response(429, headers={"Retry-After": "1"}, json={"error": {"code": "429", "message": "slow"}}),
    httpx.Response(200, json=PREDICTION_BODY),
    httpx.Response(400, json={"code": "BadRequestImageFormat", "message": "bad"}),
    httpx.Response(401, json={"error": {"code": "401", "message": "Access denied"}}),
    httpx.Response(401, json={"error": {"code": "401", "message": "Access denied"}}),
    httpx.Response(404, text=""),
    httpx.Response(500, text="boom"),
    httpx.Response(200, json={"predictions": 3}),
    httpx.ConnectError("refused"),
    httpx.ReadTimeout("slow"),
]


def cycle_responses() -> object:
    """A respx side effect that answers the responses above in turn, forever."""
    state = {"n": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        item = RESPONSES[state["n"] % len(RESPONSES)]
        state["n"] += 1
        if isinstance(item, Exception):
            raise item
        return httpx.Response(item.status_code, headers=item.headers, content=item.content)

    return answer


def exercise(client: PredictionClient, texts: list[str]) -> None:
    for _ in range(len(RESPONSES)):
        try:
            client.classify_image(PROJECT_ID, "model", b"img")
        except CustomVisionError as error:
            texts.extend([str(error), repr(error), "".join(traceback.format_exception(error))])
            texts.extend(str(value) for value in vars(error).values())


def test_nothing_secret_is_logged_raised_or_printed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    key_resource = Resource.prediction(ENDPOINT, KeyCredential(PREDICTION_KEY))
    token_resource = Resource.multi_service(ENDPOINT, FakeTokenCredential())
    for resource in (key_resource, token_resource):
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(CLASSIFY_PATH).mock(side_effect=cycle_responses())
            client = PredictionClient(resource, sleep=NoSleep(), max_retries=1)
            texts += [repr(client), str(client), repr(resource), str(resource), repr(resource.credential)]
            texts += [repr(client.with_options(max_retries=0)), repr(client._config)]
            exercise(client, texts)
    texts.append(repr(Resource.training(ENDPOINT, TRAINING_KEY)))

    async def async_case() -> None:
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(CLASSIFY_PATH).mock(side_effect=cycle_responses())
            client = AsyncPredictionClient(key_resource, sleep=NoSleep().asleep, max_retries=1)
            texts.append(repr(client))
            for _ in range(len(RESPONSES)):
                try:
                    await client.classify_image(PROJECT_ID, "model", b"img")
                except CustomVisionError as error:
                    texts.extend([str(error), repr(error)])

    asyncio.run(async_case())
    texts.extend(record.getMessage() for record in caplog.records)
    texts.extend(str(record.args) for record in caplog.records)
    assert len(caplog.records) > 5, "the scenario should have logged retries and responses"
    assert len(texts) > 40
    leaks = [text for text in texts for secret in SECRETS if secret in text]
    assert leaks == []


def test_the_scan_would_catch_a_leak() -> None:
    """Guard against a scan that cannot fail: a header dump does contain the key."""
    request = PredictionClient(ENDPOINT, PREDICTION_KEY)._config.build_request(
        PredictionClient.classify_image.build(PredictionClient(ENDPOINT, PREDICTION_KEY), PROJECT_ID, "m", b"i"),
        None,
    )
    assert PREDICTION_KEY in str(dict(request.headers))


def test_export_download_address_is_not_in_repr() -> None:
    from customvision_rest.models.training import Export

    export = Export.model_validate(
        {
            "platform": "ONNX",
            "status": "Done",
            "downloadUri": "https://blob/x?sig=SECRET",
            "newerVersionAvailable": False,
        }
    )
    assert export.download_uri == "https://blob/x?sig=SECRET"
    assert "SECRET" not in repr(export)
    assert "SECRET" not in str(export)


def test_signatures_are_redacted_from_httpx_logs(caplog: pytest.LogCaptureFixture) -> None:
    from customvision_rest.core.redaction import redact

    assert redact("https://b.blob/x.jpg?sv=2020&sig=abc%2Bdef&se=1") == "https://b.blob/x.jpg?sv=2020&sig=REDACTED&se=1"
    assert redact("https://b/x?token=t0k&a=1") == "https://b/x?token=REDACTED&a=1"
    caplog.set_level(logging.INFO, logger="httpx")
    url = "https://blob.example/img.jpg?sig=SECRET-SIGNATURE"
    with respx.mock() as mock:
        mock.get(url).mock(return_value=httpx.Response(200))
        PredictionClient(ENDPOINT, PREDICTION_KEY)._http.get(url)
    messages = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("blob.example" in m and "sig=REDACTED" in m for m in messages)
    assert not any("SECRET-SIGNATURE" in m for m in messages)
