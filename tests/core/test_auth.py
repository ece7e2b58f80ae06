"""Key and bearer headers, key rotation, token caching and refresh, the 401 path, sync credentials in async."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
import respx

from customvision_rest import (
    COGNITIVE_SERVICES_SCOPE,
    AsyncPredictionClient,
    AuthenticationError,
    ConfigurationError,
    KeyCredential,
    PredictionClient,
    Resource,
)
from customvision_rest.core.credentials import TokenCache

from .helpers import (
    CLASSIFY_PATH,
    ENDPOINT,
    PREDICTION_BODY,
    PREDICTION_KEY,
    PROJECT_ID,
    TOKEN_TEXT,
    AccessToken,
    FakeAsyncTokenCredential,
    FakeTokenCredential,
    NoSleep,
)

OK = httpx.Response(200, json=PREDICTION_BODY)


def test_key_header_and_user_agent() -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        PredictionClient(ENDPOINT, PREDICTION_KEY, application_id="fruit-kiosk/2").classify_image(
            PROJECT_ID, "model", b"img"
        )
    headers = route.calls.last.request.headers
    assert headers["Prediction-Key"] == PREDICTION_KEY
    assert "authorization" not in headers
    assert "training-key" not in headers
    assert headers["User-Agent"].startswith("fruit-kiosk/2 customvision-rest/")
    assert "Python/" in headers["User-Agent"]


def test_rotated_key_is_used_on_the_next_request() -> None:
    credential = KeyCredential(PREDICTION_KEY)
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(ENDPOINT, credential)
        client.classify_image(PROJECT_ID, "model", b"img")
        credential.update("rotated-key-000")
        client.classify_image(PROJECT_ID, "model", b"img")
    assert [c.request.headers["Prediction-Key"] for c in route.calls] == [PREDICTION_KEY, "rotated-key-000"]


def test_any_object_with_a_key_attribute_works() -> None:
    class AzureKeyCredentialLookalike:
        def __init__(self, key: str) -> None:
            self.key = key

    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        PredictionClient(ENDPOINT, AzureKeyCredentialLookalike("k-123")).classify_image(PROJECT_ID, "model", b"i")  # type: ignore[arg-type]
    assert route.calls.last.request.headers["Prediction-Key"] == "k-123"


def test_bearer_token_with_the_cognitive_services_scope_is_cached() -> None:
    credential = FakeTokenCredential()
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(ENDPOINT, credential)
        client.classify_image(PROJECT_ID, "model", b"img")
        client.classify_image(PROJECT_ID, "model", b"img")
    assert credential.scopes == [(COGNITIVE_SERVICES_SCOPE,)]
    for call in route.calls:
        assert call.request.headers["Authorization"] == f"Bearer {TOKEN_TEXT}-1"
        assert "prediction-key" not in call.request.headers


def test_token_refreshed_before_expiry() -> None:
    clock = [1_000_000.0]
    cache = TokenCache(clock=lambda: clock[0])
    stored = cache.store(AccessToken("t1", int(clock[0] + 3600)))
    assert stored.authorization() == "Bearer t1"
    assert "t1" not in repr(stored)
    assert cache.current() is stored
    clock[0] += 3600 - 301
    assert cache.current() is stored
    clock[0] += 2
    assert cache.current() is None  # within five minutes of expiry: fetch a new one
    assert cache.usable() is stored  # but it still works while one caller renews it
    clock[0] += 300
    assert cache.usable() is None


def test_401_drops_the_token_and_retries_once() -> None:
    credential = FakeTokenCredential()
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(side_effect=[httpx.Response(401), OK])
        PredictionClient(ENDPOINT, credential).classify_image(PROJECT_ID, "model", b"img")
    assert len(credential.scopes) == 2
    assert [c.request.headers["Authorization"] for c in route.calls] == [
        f"Bearer {TOKEN_TEXT}-1",
        f"Bearer {TOKEN_TEXT}-2",
    ]


def test_401_twice_raises() -> None:
    credential = FakeTokenCredential()
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(401))
        with pytest.raises(AuthenticationError):
            PredictionClient(ENDPOINT, credential, sleep=NoSleep()).classify_image(PROJECT_ID, "model", b"img")
    assert route.call_count == 2


def test_401_with_a_key_is_not_retried() -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(401))
        with pytest.raises(AuthenticationError):
            PredictionClient(ENDPOINT, PREDICTION_KEY).classify_image(PROJECT_ID, "model", b"img")
    assert route.call_count == 1


def test_bad_token_object_is_a_clear_error() -> None:
    class Broken:
        def get_token(self, *scopes: str) -> object:
            return "just a string"

    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        mock.post(CLASSIFY_PATH).mock(return_value=OK)
        with pytest.raises(ConfigurationError, match="expires_on"):
            PredictionClient(ENDPOINT, Broken()).classify_image(PROJECT_ID, "model", b"img")  # type: ignore[arg-type]


def test_sync_client_refuses_async_credential() -> None:
    with pytest.raises(ConfigurationError, match=r"azure\.identity\.aio"):
        PredictionClient(ENDPOINT, FakeAsyncTokenCredential())  # type: ignore[arg-type]


def test_async_client_with_async_credential() -> None:
    credential = FakeAsyncTokenCredential()

    async def scenario() -> str:
        with respx.mock(base_url=ENDPOINT) as mock:
            route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
            async with AsyncPredictionClient(Resource.prediction(ENDPOINT, credential)) as client:
                await client.classify_image(PROJECT_ID, "model", b"img")
            return str(route.calls.last.request.headers["Authorization"])

    assert asyncio.run(scenario()) == f"Bearer {TOKEN_TEXT}-async-1"
    assert credential.scopes == [(COGNITIVE_SERVICES_SCOPE,)]


def test_async_client_runs_a_sync_credential_off_the_event_loop() -> None:
    loop_threads: list[threading.Thread] = []
    token_threads: list[threading.Thread] = []

    class BlockingCredential(FakeTokenCredential):
        def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
            token_threads.append(threading.current_thread())
            return super().get_token(*scopes)

    async def scenario() -> None:
        loop_threads.append(threading.current_thread())
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(CLASSIFY_PATH).mock(return_value=OK)
            async with AsyncPredictionClient(ENDPOINT, BlockingCredential()) as client:
                await client.classify_image(PROJECT_ID, "model", b"img")

    asyncio.run(scenario())
    assert token_threads and token_threads[0] is not loop_threads[0]


def test_caller_http_client_is_not_closed() -> None:
    http = httpx.Client()
    with PredictionClient(ENDPOINT, PREDICTION_KEY, http_client=http):
        pass
    assert not http.is_closed
    http.close()


def test_own_http_client_is_opened_on_first_request_and_closed() -> None:
    client = PredictionClient(ENDPOINT, PREDICTION_KEY)
    assert client._pool.opened is None  # building an SSL context waits for the first request
    with respx.mock(base_url=ENDPOINT) as mock, client:
        mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client.classify_image(PROJECT_ID, "model", b"img")
        opened = client._pool.opened
        assert opened is not None
    assert opened.is_closed
    with pytest.raises(ConfigurationError, match="closed"):
        client.classify_image(PROJECT_ID, "model", b"img")


def test_async_caller_http_client_is_not_closed() -> None:
    async def scenario() -> bool:
        http = httpx.AsyncClient()
        async with AsyncPredictionClient(ENDPOINT, PREDICTION_KEY, http_client=http):
            pass
        closed = http.is_closed
        await http.aclose()
        return closed

    assert asyncio.run(scenario()) is False


def test_timeouts_default_and_overrides() -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(ENDPOINT, PREDICTION_KEY)
        client.classify_image(PROJECT_ID, "model", b"img")
        default = route.calls.last.request.extensions["timeout"]
        client.with_options(timeout=3.0).classify_image(PROJECT_ID, "model", b"img")
        per_call = route.calls.last.request.extensions["timeout"]
        PredictionClient(ENDPOINT, PREDICTION_KEY, timeout=httpx.Timeout(7.0)).classify_image(PROJECT_ID, "model", b"i")
        per_client = route.calls.last.request.extensions["timeout"]
    assert default["connect"] < default["read"]
    assert default["read"] >= 60
    assert per_call["read"] == 3.0
    assert per_client["read"] == 7.0
