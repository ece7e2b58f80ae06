"""Every error body shape maps to a typed exception carrying the service's code, message and request id."""

from __future__ import annotations

import httpx
import pytest
import respx

from customvision_rest import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PredictionClient,
    RateLimitError,
    ResponseValidationError,
    TrainingNotNeededError,
    UnsupportedMediaTypeError,
)

from .helpers import CLASSIFY_PATH, ENDPOINT, PREDICTION_KEY, PROJECT_ID


def classify(response: httpx.Response | Exception) -> BaseException:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(side_effect=[response])
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, max_retries=0)
        with pytest.raises(Exception) as caught:
            client.classify_image(PROJECT_ID, "model", b"jpeg")
    return caught.value


def test_service_shape() -> None:
    error = classify(
        httpx.Response(
            400,
            json={"code": "BadRequestImageFormat", "message": "Bad image format."},
            headers={"apim-request-id": "req-1"},
        )
    )
    assert isinstance(error, BadRequestError)
    assert (error.status_code, error.code, error.message, error.request_id) == (
        400,
        "BadRequestImageFormat",
        "Bad image format.",
        "req-1",
    )
    assert str(error).startswith("BadRequestImageFormat: Bad image format.")
    assert "req-1" in str(error)
    assert "invalid status code" not in str(error)


def test_gateway_shape() -> None:
    error = classify(
        httpx.Response(
            401, json={"error": {"code": "401", "message": "Access denied due to invalid subscription key."}}
        )
    )
    assert isinstance(error, AuthenticationError)
    assert error.code == "401"
    assert error.message == "Access denied due to invalid subscription key."


def test_empty_body_still_says_something() -> None:
    error = classify(httpx.Response(404))
    assert isinstance(error, NotFoundError)
    assert error.code is None
    assert "Not Found" in str(error) and "no error details" in str(error)


def test_plain_text_body() -> None:
    error = classify(httpx.Response(502, text="Bad Gateway from the proxy"))
    assert isinstance(error, InternalServerError)
    assert error.message == "Bad Gateway from the proxy"


def test_json_without_code_or_message() -> None:
    error = classify(httpx.Response(409, json={"unexpected": True}))
    assert isinstance(error, ConflictError)
    assert "Conflict" in error.message


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (415, UnsupportedMediaTypeError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_status_classes(status: int, cls: type[APIStatusError]) -> None:
    error = classify(httpx.Response(status, json={"code": "X", "message": "m"}))
    assert type(error) is cls
    assert error.status_code == status  # type: ignore[attr-defined]


def test_training_not_needed_is_its_own_class() -> None:
    error = classify(httpx.Response(400, json={"code": "BadRequestTrainingNotNeeded", "message": "Nothing changed"}))
    assert isinstance(error, TrainingNotNeededError)
    assert isinstance(error, BadRequestError)


def test_rate_limit_carries_retry_after() -> None:
    error = classify(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"error": {"code": "429", "message": "slow"}})
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0


def test_unreadable_success_body() -> None:
    error = classify(httpx.Response(200, json={"predictions": "not a list"}, headers={"apim-request-id": "r2"}))
    assert isinstance(error, ResponseValidationError)
    assert error.request_id == "r2"
    assert "ClassifyImage" in str(error)


def test_non_json_success_body() -> None:
    error = classify(httpx.Response(200, text="<html>proxy login</html>"))
    assert isinstance(error, ResponseValidationError)


def test_connection_error() -> None:
    error = classify(httpx.ConnectError("connection refused"))
    assert isinstance(error, APIConnectionError)
    assert not isinstance(error, APITimeoutError)
    assert "ConnectError" in str(error)
    assert isinstance(error.__cause__, httpx.ConnectError)


def test_timeout_error() -> None:
    error = classify(httpx.ReadTimeout("read timed out"))
    assert isinstance(error, APITimeoutError)
    assert "timed out" in str(error)
