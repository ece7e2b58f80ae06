"""The retry matrix (status x method), Retry-After in every form and its cap, max_retries, logging."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
import respx

from customvision_rest import (
    APIConnectionError,
    AsyncPredictionClient,
    InternalServerError,
    PredictionClient,
    RateLimitError,
    RetryPolicy,
)
from customvision_rest.core.operation import Operation
from customvision_rest.core.retry import parse_retry_after

from .helpers import CLASSIFY_PATH, ENDPOINT, PREDICTION_BODY, PREDICTION_KEY, PROJECT_ID, NoSleep

NOSTORE_PATH = CLASSIFY_PATH + "/nostore"
OK = httpx.Response(200, json=PREDICTION_BODY)


def make_client(sleep: NoSleep, **options: object) -> PredictionClient:
    return PredictionClient(ENDPOINT, PREDICTION_KEY, sleep=sleep, **options)  # type: ignore[arg-type]


def op(method: str, repeatable: bool = False) -> Operation[None]:
    return Operation(name="Test", method=method, path="/x", parse=lambda r: None, repeatable=repeatable)


def status_error(status: int) -> BaseException:
    from customvision_rest.core.pipeline import error_from_response

    return error_from_response(httpx.Response(status, request=httpx.Request("GET", ENDPOINT)))


class TestMatrix:
    @pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "POST", "PATCH"])
    def test_429_retried_for_every_method(self, method: str) -> None:
        assert RetryPolicy().should_retry(status_error(429), op(method))

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    @pytest.mark.parametrize(
        ("method", "repeatable", "expected"),
        [
            ("GET", False, True),
            ("DELETE", False, True),
            ("PUT", False, True),
            ("POST", False, False),
            ("POST", True, True),
            ("PATCH", True, True),
            ("PATCH", False, False),
        ],
    )
    def test_5xx_only_when_repeatable(self, status: int, method: str, repeatable: bool, expected: bool) -> None:
        assert RetryPolicy().should_retry(status_error(status), op(method, repeatable)) is expected

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 415, 501])
    @pytest.mark.parametrize("method", ["GET", "POST"])
    def test_other_statuses_never(self, status: int, method: str) -> None:
        assert not RetryPolicy().should_retry(status_error(status), op(method, True))

    def connection(self, cause: Exception) -> APIConnectionError:
        error = APIConnectionError("x", method="POST", url=ENDPOINT)
        error.__cause__ = cause
        return error

    @pytest.mark.parametrize("cause", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
    def test_not_sent_is_retried_even_for_unsafe_post(self, cause: Exception) -> None:
        assert RetryPolicy().should_retry(self.connection(cause), op("POST"))

    @pytest.mark.parametrize("cause", [httpx.ReadTimeout("t"), httpx.RemoteProtocolError("dropped")])
    def test_maybe_processed_only_when_repeatable(self, cause: Exception) -> None:
        assert not RetryPolicy().should_retry(self.connection(cause), op("POST"))
        assert RetryPolicy().should_retry(self.connection(cause), op("POST", repeatable=True))
        assert RetryPolicy().should_retry(self.connection(cause), op("GET"))

    def test_programming_errors_never(self) -> None:
        assert not RetryPolicy().should_retry(ValueError("bug"), op("GET"))


class TestRetryAfter:
    def test_seconds(self) -> None:
        assert parse_retry_after(httpx.Headers({"Retry-After": "3"})) == 3.0

    def test_fractional_seconds(self) -> None:
        assert parse_retry_after(httpx.Headers({"Retry-After": "0.5"})) == 0.5

    def test_http_date(self) -> None:
        now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
        header = format_datetime(now + timedelta(seconds=30), usegmt=True)
        assert parse_retry_after(httpx.Headers({"Retry-After": header}), now=now.timestamp) == 30.0

    def test_http_date_in_the_past_means_now(self) -> None:
        now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
        header = format_datetime(now - timedelta(seconds=30), usegmt=True)
        assert parse_retry_after(httpx.Headers({"Retry-After": header}), now=now.timestamp) == 0.0

    @pytest.mark.parametrize("name", ["retry-after-ms", "x-ms-retry-after-ms"])
    def test_milliseconds(self, name: str) -> None:
        assert parse_retry_after(httpx.Headers({name: "1500", "Retry-After": "9"})) == 1.5

    @pytest.mark.parametrize("value", ["soon", "-1", ""])
    def test_nonsense_is_ignored(self, value: str) -> None:
        assert parse_retry_after(httpx.Headers({"Retry-After": value})) is None

    def test_absent(self) -> None:
        assert parse_retry_after(httpx.Headers()) is None

    def test_cap(self) -> None:
        policy = RetryPolicy(retry_after_cap=10.0)
        error = status_error(429)
        error.retry_after = 3600.0  # type: ignore[attr-defined]
        assert policy.delay(1, error) == 10.0

    def test_backoff_grows_with_jitter_and_cap(self) -> None:
        policy = RetryPolicy(backoff_initial=1.0, backoff_max=5.0, jitter=lambda: 1.0)
        assert [policy.delay(n, None) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
        low = RetryPolicy(backoff_initial=1.0, jitter=lambda: 0.0)
        assert low.delay(3, None) == 2.0


class TestClientRetries:
    def test_429_then_success_waits_as_asked(self) -> None:
        sleep = NoSleep()
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(
                side_effect=[
                    httpx.Response(429, headers={"Retry-After": "2"}),
                    httpx.Response(429, headers={"retry-after-ms": "250"}),
                    OK,
                ]
            )
            result = make_client(sleep).classify_image(PROJECT_ID, "model", b"img")
        assert route.call_count == 3
        assert sleep.delays == [2.0, 0.25]
        assert result.best() is not None

    def test_retry_after_is_capped_in_the_client(self) -> None:
        sleep = NoSleep()
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(CLASSIFY_PATH).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "86400"}), OK])
            make_client(sleep, retry_policy=RetryPolicy(retry_after_cap=30.0)).classify_image(PROJECT_ID, "model", b"i")
        assert sleep.delays == [30.0]

    def test_gives_up_after_max_retries_with_the_last_error(self) -> None:
        sleep = NoSleep()
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(429, headers={"Retry-After": "1"}))
            with pytest.raises(RateLimitError):
                make_client(sleep, max_retries=2).classify_image(PROJECT_ID, "model", b"img")
        assert route.call_count == 3
        assert len(sleep.delays) == 2

    def test_zero_disables(self) -> None:
        sleep = NoSleep()
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(429))
            with pytest.raises(RateLimitError):
                make_client(sleep, max_retries=0).classify_image(PROJECT_ID, "model", b"img")
        assert route.call_count == 1
        assert sleep.delays == []

    def test_per_call_override(self) -> None:
        sleep = NoSleep()
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(429))
            client = make_client(sleep, max_retries=5)
            with pytest.raises(RateLimitError):
                client.with_options(max_retries=1).classify_image(PROJECT_ID, "model", b"img")
            assert route.call_count == 2
            with pytest.raises(RateLimitError):
                client.classify_image(PROJECT_ID, "model", b"img")
            assert route.call_count == 2 + 6

    def test_503_on_stored_prediction_is_not_repeated(self) -> None:
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(503))
            with pytest.raises(InternalServerError):
                make_client(NoSleep()).classify_image(PROJECT_ID, "model", b"img")
        assert route.call_count == 1

    def test_503_on_nostore_prediction_is_repeated(self) -> None:
        sleep = NoSleep()
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(NOSTORE_PATH).mock(side_effect=[httpx.Response(503), OK])
            make_client(sleep).classify_image_with_no_store(PROJECT_ID, "model", b"img")
        assert route.call_count == 2

    def test_connection_refused_is_retried_for_post(self) -> None:
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(side_effect=[httpx.ConnectError("refused"), OK])
            make_client(NoSleep()).classify_image(PROJECT_ID, "model", b"img")
        assert route.call_count == 2

    def test_retries_are_logged_at_info(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="customvision_rest")
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(CLASSIFY_PATH).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "1"}), OK])
            make_client(NoSleep()).classify_image(PROJECT_ID, "model", b"img")
        records = [r for r in caplog.records if r.name == "customvision_rest" and r.levelno == logging.INFO]
        # The status once: the gateway's code for a 429 is "429" again, which says nothing more.
        assert [r.getMessage() for r in records] == [
            "ClassifyImage attempt 1 of 4 failed (HTTP 429); retrying in 1.00 s"
        ]

    def test_async_client_uses_the_same_policy(self) -> None:
        sleep = NoSleep()

        async def scenario() -> int:
            with respx.mock(base_url=ENDPOINT) as mock:
                route = mock.post(CLASSIFY_PATH).mock(
                    side_effect=[httpx.Response(429, headers={"Retry-After": "4"}), httpx.Response(503), OK]
                )
                async with AsyncPredictionClient(ENDPOINT, PREDICTION_KEY, sleep=sleep.asleep) as client:
                    with pytest.raises(InternalServerError):
                        await client.classify_image(PROJECT_ID, "model", b"img")
                return route.call_count

        assert asyncio.run(scenario()) == 2
        assert sleep.delays == [4.0]
