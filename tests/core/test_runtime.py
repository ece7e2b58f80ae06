"""The call path: rate limits, one deadline per call, token renewal shared by threads and tasks, any backend."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
import respx

from customvision_rest import (
    AsyncPredictionClient,
    ConfigurationError,
    PredictionClient,
    RateLimitError,
    RateLimits,
    Resource,
    TrainingClient,
)
from customvision_rest.core.ratelimit import CallKind, RateLimiter
from customvision_rest.core.resources import Role

from .helpers import (
    CLASSIFY_PATH,
    ENDPOINT,
    PREDICTION_BODY,
    PREDICTION_KEY,
    PROJECT_ID,
    TOKEN_TEXT,
    AccessToken,
    FakeTime,
)

OK = httpx.Response(200, json=PREDICTION_BODY)
NOSTORE_PATH = CLASSIFY_PATH.replace("/image", "/image/nostore")
F0_MESSAGE = (
    "Requests to the Prediction Operation under Custom Vision API have exceeded rate limit of your current "
    "CustomVision F0 pricing tier. Please retry after 1 second."
)


# ---------------------------------------------------------------------------------------------- rate limits


def test_limiter_lets_a_burst_of_the_rate_through_then_paces() -> None:
    limiter = RateLimiter(RateLimits.for_tier("F0"))
    waits = [limiter.reserve(CallKind.PREDICTION, 0.0) for _ in range(6)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2] == waits[3] > 1.0  # never more than 2 in any service second
    assert waits[4] == waits[5] > waits[2] + 1.0
    # Buckets are independent: training calls are not held up by predictions.
    assert limiter.reserve(CallKind.TRAINING, 0.0) == 0.0


def test_operations_fall_into_the_services_buckets() -> None:
    assert CallKind.of(Role.PREDICTION, "ClassifyImageWithNoStore") is CallKind.PREDICTION_NOSTORE
    assert CallKind.of(Role.PREDICTION, "DetectImageUrl") is CallKind.PREDICTION
    assert CallKind.of(Role.TRAINING, "TrainProject") is CallKind.TRAIN
    assert CallKind.of(Role.TRAINING, "GetProjects") is CallKind.TRAINING


def test_tier_defaults_and_user_choices() -> None:
    assert PredictionClient(ENDPOINT, PREDICTION_KEY).rate_limits == RateLimits.for_tier("S0")
    assert PredictionClient(ENDPOINT, PREDICTION_KEY, rate_limits="f0").rate_limits.prediction == 2
    custom = RateLimits(prediction=5, prediction_nostore=5)
    assert PredictionClient(ENDPOINT, PREDICTION_KEY, rate_limits=custom).rate_limits == custom
    with pytest.raises(ConfigurationError, match="tier"):
        PredictionClient(ENDPOINT, PREDICTION_KEY, rate_limits="P1")
    with pytest.raises(ConfigurationError, match="positive"):
        RateLimits(prediction=0)


def test_a_free_tier_429_moves_the_default_limiter_to_f0_but_not_a_chosen_one() -> None:
    learning = RateLimiter()
    learning.learn(F0_MESSAGE)
    assert learning.limits == RateLimits.for_tier("F0")
    chosen = RateLimiter(RateLimits.for_tier("S0"))
    chosen.learn(F0_MESSAGE)
    assert chosen.limits == RateLimits.for_tier("S0")


def test_calls_and_with_options_copies_share_one_limiter() -> None:
    fake = FakeTime()
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, rate_limits="F0", sleep=fake.sleep, clock=fake.clock)
        client.classify_image(PROJECT_ID, "model", b"img")
        client.with_options(max_retries=0).classify_image(PROJECT_ID, "model", b"img")
        assert fake.sleeps == []
        client.with_options(timeout=30).classify_image(PROJECT_ID, "model", b"img")
    assert len(fake.sleeps) == 1
    assert 1.0 < fake.sleeps[0] < 1.1


def test_unlimited_pacing_never_waits() -> None:
    fake = FakeTime()
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(
            ENDPOINT, PREDICTION_KEY, rate_limits=RateLimits.none(), sleep=fake.sleep, clock=fake.clock
        )
        for _ in range(30):
            client.classify_image(PROJECT_ID, "model", b"img")
    assert fake.sleeps == []


# ---------------------------------------------------------------------------------------------- deadline


def test_a_call_never_waits_past_its_timeout() -> None:
    fake = FakeTime()
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(429, headers={"Retry-After": "3"}))
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, timeout=1, sleep=fake.sleep, clock=fake.clock)
        with pytest.raises(RateLimitError):
            client.classify_image(PROJECT_ID, "model", b"img")
    assert route.call_count == 1
    assert fake.sleeps == []  # waiting 3 s would outlive the 1 s the caller allowed


def test_retries_fit_in_the_deadline_and_attempts_get_what_is_left() -> None:
    fake = FakeTime()
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(
            side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(429), OK]
        )
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, timeout=5, sleep=fake.sleep, clock=fake.clock)
        client.classify_image(PROJECT_ID, "model", b"img")
        timeouts = [call.request.extensions["timeout"] for call in route.calls]
    assert route.call_count == 3
    assert sum(fake.sleeps) < 5
    assert timeouts[0]["read"] == 5.0
    assert timeouts[1]["read"] == pytest.approx(3.0)
    assert all(t["connect"] <= t["read"] for t in timeouts)


def test_the_default_deadline_bounds_every_wait() -> None:
    fake = FakeTime()
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(return_value=httpx.Response(429, headers={"Retry-After": "60"}))
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, max_retries=20, sleep=fake.sleep, clock=fake.clock)
        with pytest.raises(RateLimitError):
            client.classify_image(PROJECT_ID, "model", b"img")
    assert sum(fake.sleeps) <= 300


# ---------------------------------------------------------------------------------------------- options


@pytest.mark.parametrize(
    "options",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"timeout": -5},
        {"timeout": 0},
        {"timeout": "10"},
        {"timeout": float("nan")},
        {"rate_limits": 3},
        {"api_version": ""},
    ],
)
def test_bad_options_are_refused_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        TrainingClient(ENDPOINT, "key", **options)
    with pytest.raises(ConfigurationError):
        AsyncPredictionClient(ENDPOINT, "key", **options)


@pytest.mark.parametrize("options", [{"max_retries": -1}, {"max_retries": False}, {"timeout": "10"}])
def test_bad_with_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        PredictionClient(ENDPOINT, PREDICTION_KEY).with_options(**options)


# ---------------------------------------------------------------------------------------------- tokens


class SlowExpiringCredential:
    """Hands out a token that is already inside the renewal margin, then long-lived ones, slowly."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        with self._lock:
            self.calls += 1
            number = self.calls
        if number > 1:
            time.sleep(0.2)  # the renewal is slow: the other threads must not wait for it
        lifetime = 299 if number == 1 else 3600  # the first is already inside the renewal margin
        return AccessToken(f"{TOKEN_TEXT}-{number}", int(time.time() + lifetime))


def test_threads_sharing_a_client_renew_a_token_once() -> None:
    credential = SlowExpiringCredential()
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(Resource.prediction(ENDPOINT, credential), rate_limits=RateLimits.none())
        client.classify_image(PROJECT_ID, "model", b"img")
        threads = [
            threading.Thread(target=client.classify_image, args=(PROJECT_ID, "model", b"img")) for _ in range(32)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        headers = [call.request.headers["Authorization"] for call in route.calls]
    assert credential.calls == 2
    assert route.call_count == 33
    # The near-expiry token went on being used while the renewal ran.
    assert headers.count(f"Bearer {TOKEN_TEXT}-1") > 1


@pytest.mark.anyio
async def test_tasks_sharing_an_async_client_renew_a_token_once() -> None:
    credential = SlowExpiringCredential()
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        async with AsyncPredictionClient(
            Resource.prediction(ENDPOINT, credential), rate_limits=RateLimits.none()
        ) as client:
            await client.classify_image(PROJECT_ID, "model", b"img")
            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(client.classify_image, PROJECT_ID, "model", b"img")
    assert credential.calls == 2
    assert route.call_count == 21


def test_no_token_in_the_locals_of_a_formatted_traceback() -> None:
    credential = SlowExpiringCredential()
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(side_effect=httpx.ConnectError("refused"))
        client = PredictionClient(Resource.prediction(ENDPOINT, credential), max_retries=0)
        with pytest.raises(Exception) as caught:
            client.classify_image(PROJECT_ID, "model", b"img")
    formatted = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert "token = BearerToken(***)" in formatted  # the exchange frame holds the token, wrapped
    assert TOKEN_TEXT not in formatted


# ---------------------------------------------------------------------------------------------- backends


@pytest.mark.anyio
async def test_async_client_with_retries_runs_on_the_backend() -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(NOSTORE_PATH).mock(side_effect=[httpx.Response(503, headers={"Retry-After": "0"}), OK])
        async with AsyncPredictionClient(ENDPOINT, PREDICTION_KEY) as client:
            result = await client.classify_image_with_no_store(PROJECT_ID, "model", b"img")
    assert route.call_count == 2
    assert result.best().tag_name == "apple"


def test_an_async_client_reused_under_a_second_asyncio_run_says_why() -> None:
    client = AsyncPredictionClient(ENDPOINT, PREDICTION_KEY)

    async def classify() -> None:
        await client.classify_image(PROJECT_ID, "model", b"img")

    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(return_value=OK)
        asyncio.run(classify())
        with pytest.raises(ConfigurationError, match=r"another event loop.*one per asyncio\.run"):
            asyncio.run(classify())


# ---------------------------------------------------------------------------------------------- the emulator


class SharedFakeTime:
    """One clock for the emulator and the tasks of an asyncio run: a sleep ends at its own wake-up time.

    Sound only where tasks resume in the order they slept, as asyncio's are; trio (which shuffles them on
    purpose) runs on its own virtual clock instead.
    """

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, 0.1))  # the emulator trains in a real thread
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        wake = self.now + seconds
        await anyio.lowlevel.checkpoint()  # let the other tasks run, as a real sleep would
        self.now = max(self.now, wake)


@dataclass
class FreeTierProject:
    emulator: Any
    prediction: Resource
    project_id: str
    image: bytes
    time: SharedFakeTime
    clock: list[Callable[[], float]]  # what the emulator's throttle reads; switched for the trio run


@pytest.fixture
def free_tier_project() -> FreeTierProject:
    emulator_module = pytest.importorskip("customvision_rest.emulator")
    fake = SharedFakeTime()
    clock: list[Callable[[], float]] = [fake.clock]
    emulator = emulator_module.Emulator(tier="F0", throttle=True, clock=lambda: clock[0]())
    training = Resource.training(ENDPOINT, emulator.training_resource.key)
    prediction = Resource.prediction(
        ENDPOINT, emulator.prediction_resource.key, resource_id=emulator.prediction_resource.resource_id
    )
    with TrainingClient(
        training, http_client=httpx.Client(transport=emulator.transport()), sleep=fake.sleep, clock=fake.clock
    ) as trainer:
        project = trainer.create_project("fruit")
        for kind in ("apple", "banana"):
            tag = trainer.create_tag(project.id, kind)
            images = [emulator_module.synthetic_fruit(kind, seed, (64, 64)) for seed in range(5)]
            trainer.create_images_from_data(project.id, images, tag_ids=[tag.id])
        iteration = trainer.train_and_wait(project.id, timeout=None)
        trainer.publish_iteration(project.id, iteration.id, "fruit", prediction)
    image = emulator_module.synthetic_fruit("apple", 99, (64, 64))
    return FreeTierProject(emulator, prediction, str(project.id), image, fake, clock)


def _trio_virtual_time() -> Any:
    try:
        from trio.testing import MockClock
    except ImportError:
        return pytest.param("trio", marks=pytest.mark.skip(reason="trio is not installed"), id="trio-virtual-time")
    return pytest.param(("trio", {"clock": MockClock(autojump_threshold=0)}), id="trio-virtual-time")


@pytest.mark.parametrize("anyio_backend", ["asyncio", _trio_virtual_time()])
@pytest.mark.anyio
async def test_fifty_concurrent_predictions_on_the_free_tier_all_succeed(
    free_tier_project: FreeTierProject, anyio_backend: Any
) -> None:
    setup = free_tier_project
    options: dict[str, Any] = {"sleep": setup.time.asleep, "clock": setup.time.clock}
    if anyio_backend != "asyncio":
        # anyio's sleep on trio's virtual clock, which jumps ahead whenever every task is asleep.
        options = {"clock": anyio.current_time}
        setup.clock[0] = anyio.current_time
    statuses: list[int] = []

    async def record(response: httpx.Response) -> None:
        statuses.append(response.status_code)

    # The emulator answers on the event loop's thread (not a worker thread), so the virtual clocks hold.
    transport = httpx.MockTransport(setup.emulator.handle)
    http = httpx.AsyncClient(transport=transport, event_hooks={"response": [record]})
    results: list[str] = []
    async with AsyncPredictionClient(setup.prediction, http_client=http, **options) as predictor:

        async def classify() -> None:
            results.append((await predictor.classify_image(setup.project_id, "fruit", setup.image)).best().tag_name)

        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(classify)
    await http.aclose()
    assert len(results) == 50  # none raised
    # The first 429 (it names the free tier) moved the client to F0's pace; few more requests were refused.
    assert statuses.count(429) <= 10, statuses.count(429)


def test_a_call_leaves_no_reference_cycles_behind() -> None:
    """Request bodies (megabytes for an upload batch) are freed when the call returns, not at the next collection."""
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = PredictionClient(ENDPOINT, PREDICTION_KEY, rate_limits=RateLimits.none())
        client.classify_image(PROJECT_ID, "model", b"img")  # warm: bind the method, open the pool
        gc.collect()
        gc.disable()
        try:
            for _ in range(5):
                client.classify_image(PROJECT_ID, "model", b"\xff\xd8\xff" + bytes(100_000))
            unreachable = gc.collect()
        finally:
            gc.enable()
    assert unreachable == 0


def test_threads_racing_to_the_first_request_open_one_pool() -> None:
    opened: list[httpx.Client] = []

    class CountingClient(PredictionClient):
        @staticmethod
        def _new_http_client() -> httpx.Client:
            time.sleep(0.05)  # building an SSL context takes a while: let the other threads arrive
            opened.append(PredictionClient._new_http_client())
            return opened[-1]

    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.post(CLASSIFY_PATH).mock(return_value=OK)
        client = CountingClient(ENDPOINT, PREDICTION_KEY, rate_limits=RateLimits.none())
        threads = [threading.Thread(target=client.classify_image, args=(PROJECT_ID, "model", b"img")) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
    assert len(opened) == 1
    assert route.call_count == 8
    assert opened[0].is_closed


# ---------------------------------------------------------------------------------------------- sniffio probe


class _CountingFinder:
    """A meta path finder that only counts the searches that reach the import path."""

    def __init__(self) -> None:
        self.searches: list[str] = []

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        self.searches.append(name)


def _open_async_pool() -> None:
    client = AsyncPredictionClient(ENDPOINT, PREDICTION_KEY)
    assert isinstance(client._pool.client, httpx.AsyncClient)  # what the first request does


def test_without_sniffio_httpcores_probe_fails_without_searching_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore imports sniffio for each lock and event; where it is missing, the failure must not search again."""
    import importlib.util
    import sys

    import sniffio  # in sys.modules now, so that the test's end puts it back

    monkeypatch.delitem(sys.modules, "sniffio")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)  # sniffio not installed
    _open_async_pool()
    finder = _CountingFinder()
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    with pytest.raises(ImportError):
        import sniffio  # noqa: F401
    assert finder.searches == []


def test_on_our_asyncio_transport_sys_modules_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sniffio mark is for httpcore; a pool on the asyncio transport never asks for sniffio, so none is made."""
    import asyncio
    import importlib.util
    import sys

    from customvision_rest.clients._asyncio_transport import AsyncioTransport

    monkeypatch.delitem(sys.modules, "sniffio")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: None)  # sniffio not installed

    async def open_pool() -> httpx.AsyncClient:
        client = AsyncPredictionClient(ENDPOINT, PREDICTION_KEY)
        return client._pool.client

    http = asyncio.run(open_pool())
    assert isinstance(http._transport, AsyncioTransport)
    assert "sniffio" not in sys.modules


def test_without_h11_async_clients_send_over_httpx_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import sys

    monkeypatch.setitem(sys.modules, "h11", None)  # not importable
    monkeypatch.delitem(sys.modules, "customvision_rest.clients._asyncio_transport", raising=False)

    async def open_pool() -> httpx.AsyncClient:
        client = AsyncPredictionClient(ENDPOINT, PREDICTION_KEY)
        return client._pool.client

    http = asyncio.run(open_pool())
    assert type(http._transport) is httpx.AsyncHTTPTransport


def test_an_installed_sniffio_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import sniffio  # trio, which the test environment has, installs it

    _open_async_pool()
    assert sys.modules["sniffio"] is sniffio
    monkeypatch.delitem(sys.modules, "sniffio")
    _open_async_pool()  # installed but not imported yet: still importable afterwards
    assert "sniffio" not in sys.modules
    import sniffio as again

    assert again.current_async_library is not None
