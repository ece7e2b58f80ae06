"""Waiting for training, export and import: deadlines, backoff, failure, progress, not-needed, both clients."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import respx

import service_bodies
from customvision_rest import (
    AsyncTrainingClient,
    BadRequestError,
    ClientValidationError,
    OperationFailedError,
    PollingTimeoutError,
    PollSchedule,
    TrainingClient,
    TrainingFailedError,
    TrainingNotNeededError,
)
from customvision_rest.models.training import Iteration

ENDPOINT = "https://unit.cognitiveservices.azure.com"
KEY = "training-key-for-tests"
PROJECT = str(uuid.UUID(int=11))
ITERATION = str(uuid.UUID(int=12))
ROOT = f"/customvision/v3.3/training/projects/{PROJECT}"


def iteration(status: str, **extra: Any) -> dict[str, Any]:
    return service_bodies.iteration(ITERATION, PROJECT, status, **extra)


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def client(fake_time: FakeTime) -> TrainingClient:
    return TrainingClient(ENDPOINT, KEY, sleep=fake_time.sleep, clock=fake_time.clock)


def test_train_and_wait_polls_until_completed_with_backoff(fake_time: FakeTime) -> None:
    seen: list[str] = []
    with respx.mock(base_url=ENDPOINT) as mock:
        train = mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        poll = mock.get(f"{ROOT}/iterations/{ITERATION}").mock(
            side_effect=[
                httpx.Response(200, json=iteration("Training", domainId=None, exportableTo=None)),
                httpx.Response(200, json=iteration("Training")),
                httpx.Response(200, json=iteration("Completed", trainedAt="2020-06-06T21:58:11.1234567")),
            ]
        )
        result = client(fake_time).train_and_wait(
            PROJECT, progress=lambda it: seen.append(str(it.status)), schedule=PollSchedule(initial=2, factor=2)
        )
    assert train.call_count == 1
    assert poll.call_count == 3
    assert result.status == "Completed"
    assert result.trained_at is not None
    assert result.trained_at.tzinfo is not None
    assert seen == ["Training", "Training", "Training", "Completed"]
    assert fake_time.sleeps == [2, 4, 8]


def test_training_failure_is_a_typed_error_with_the_iteration(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        mock.get(f"{ROOT}/iterations/{ITERATION}").mock(return_value=httpx.Response(200, json=iteration("Failed")))
        with pytest.raises(TrainingFailedError) as caught:
            client(fake_time).train_and_wait(PROJECT)
    assert isinstance(caught.value.iteration, Iteration)
    assert caught.value.iteration.status == "Failed"


def test_deadline_raises_with_last_status(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        poll = mock.get(f"{ROOT}/iterations/{ITERATION}").mock(
            return_value=httpx.Response(200, json=iteration("Training"))
        )
        with pytest.raises(PollingTimeoutError, match="after 10 s") as caught:
            client(fake_time).train_and_wait(PROJECT, timeout=10, schedule=PollSchedule(initial=3, factor=1))
    assert caught.value.last_status.status == "Training"
    assert sum(fake_time.sleeps) == pytest.approx(10)
    assert fake_time.sleeps[-1] == pytest.approx(1)  # the last pause stops at the deadline
    assert poll.call_count == 4


def test_default_deadline_is_an_hour(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        mock.get(f"{ROOT}/iterations/{ITERATION}").mock(return_value=httpx.Response(200, json=iteration("Training")))
        with pytest.raises(PollingTimeoutError):
            client(fake_time).train_and_wait(PROJECT)
    assert sum(fake_time.sleeps) == pytest.approx(3600)


def test_training_not_needed_returns_the_latest_trained_iteration(fake_time: FakeTime) -> None:
    older = iteration("Completed", id=str(uuid.UUID(int=20)), name="old", trainedAt="2020-01-01T00:00:00Z")
    newer = iteration("Completed", id=str(uuid.UUID(int=21)), name="new", trainedAt="2020-02-01T00:00:00Z")
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(
            return_value=httpx.Response(400, json={"code": "BadRequestTrainingNotNeeded", "message": "Nothing changed"})
        )
        mock.get(f"{ROOT}/iterations").mock(
            return_value=httpx.Response(200, json=[older, newer, iteration("Failed", name="broken")])
        )
        result = client(fake_time).train_and_wait(PROJECT)
    assert result.name == "new"
    assert fake_time.sleeps == []


def test_training_not_needed_with_no_trained_iteration_raises(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(
            return_value=httpx.Response(400, json={"code": "BadRequestTrainingNotNeeded", "message": "Nothing"})
        )
        mock.get(f"{ROOT}/iterations").mock(return_value=httpx.Response(200, json=[]))
        with pytest.raises(TrainingNotNeededError):
            client(fake_time).train_and_wait(PROJECT)


def test_advanced_options_pass_through(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        train = mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Completed")))
        client(fake_time).train_and_wait(
            PROJECT, training_type="Advanced", reserved_budget_in_hours=2, force_train=True
        )
    params = train.calls.last.request.url.params
    assert params["trainingType"] == "Advanced"
    assert params["reservedBudgetInHours"] == "2"
    assert params["forceTrain"] == "true"


def test_poller_status_done_result(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        mock.get(f"{ROOT}/iterations/{ITERATION}").mock(
            side_effect=[
                httpx.Response(200, json=iteration("Training")),
                httpx.Response(200, json=iteration("Completed")),
            ]
        )
        poller = client(fake_time).begin_train_project(PROJECT)
        assert poller.last_status is not None
        assert poller.status().status == "Training"
        assert poller.done() is True
        assert poller.result().status == "Completed"  # already finished: no further request
    assert fake_time.sleeps == []


def test_async_train_and_wait_and_poller() -> None:
    fake = FakeTime()

    async def scenario() -> tuple[str, str]:
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
            mock.get(f"{ROOT}/iterations/{ITERATION}").mock(
                side_effect=[
                    httpx.Response(200, json=iteration("Training")),
                    httpx.Response(200, json=iteration("Completed")),
                    httpx.Response(200, json=iteration("Completed")),
                ]
            )
            async with AsyncTrainingClient(ENDPOINT, KEY, sleep=fake.asleep, clock=fake.clock) as trainer:
                done = await trainer.train_and_wait(PROJECT, schedule=PollSchedule(initial=1))
                poller = await trainer.begin_train_project(PROJECT)
                final = await poller.result()
                return str(done.status), str(final.status)

    assert asyncio.run(scenario()) == ("Completed", "Completed")
    assert fake.sleeps == [1, 1.5]


EXPORT_PATH = f"{ROOT}/iterations/{ITERATION}/export"


def test_export_and_wait_reuses_an_existing_export(fake_time: FakeTime) -> None:
    exporting = {"platform": "ONNX", "status": "Exporting", "flavor": None, "newerVersionAvailable": False}
    done = {
        "platform": "ONNX",
        "status": "Done",
        "downloadUri": "https://blob/x?sig=SECRET",
        "newerVersionAvailable": False,
    }
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        listing = mock.get(EXPORT_PATH).mock(
            side_effect=[httpx.Response(200, json=[exporting]), httpx.Response(200, json=[done])]
        )
        start = mock.post(EXPORT_PATH).mock(return_value=httpx.Response(200, json=exporting))
        result = client(fake_time).export_and_wait(PROJECT, ITERATION, "ONNX")
    assert not start.called
    assert listing.call_count == 2
    assert result.download_uri == "https://blob/x?sig=SECRET"


def test_export_failure(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.get(EXPORT_PATH).mock(
            side_effect=[
                httpx.Response(200, json=[]),
                httpx.Response(
                    200, json=[{"platform": "TensorFlow", "status": "Failed", "newerVersionAvailable": False}]
                ),
            ]
        )
        start = mock.post(EXPORT_PATH).mock(
            return_value=httpx.Response(
                200, json={"platform": "TensorFlow", "status": "Exporting", "newerVersionAvailable": False}
            )
        )
        with pytest.raises(OperationFailedError, match="TensorFlow"):
            client(fake_time).export_and_wait(PROJECT, ITERATION, "TensorFlow")
    assert start.calls.last.request.url.params["platform"] == "TensorFlow"


def test_import_and_wait(fake_time: FakeTime) -> None:
    project = service_bodies.project(PROJECT, "copy", status="Importing")
    with respx.mock(base_url=ENDPOINT) as mock:
        start = mock.post("/customvision/v3.3/training/projects/import").mock(
            return_value=httpx.Response(200, json=project)
        )
        mock.get(ROOT).mock(
            side_effect=[
                httpx.Response(200, json=project),
                httpx.Response(200, json={**project, "status": "Succeeded"}),
            ]
        )
        result = client(fake_time).import_and_wait("export-token", name="copy")
    assert result.status == "Succeeded"
    assert start.calls.last.request.url.params["token"] == "export-token"


def test_bad_schedule_is_refused() -> None:
    with pytest.raises(ValueError, match="PollSchedule"):
        PollSchedule(initial=0)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": "soon"}, "timeout"),
        ({"schedule": 5}, "schedule"),
        ({"progress": "print"}, "progress"),
        ({"reserved_budget_in_hours": -2}, "reserved_budget_in_hours"),
        ({"selected_tags": ["nope"]}, "selected_tags"),
    ],
)
def test_every_argument_is_checked_before_the_first_request(
    arguments: dict[str, Any], match: str, fake_time: FakeTime
) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        train = mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        with pytest.raises(ClientValidationError, match=match):
            client(fake_time).train_and_wait(PROJECT, **arguments)
        if "timeout" not in arguments and "schedule" not in arguments and "progress" not in arguments:
            with pytest.raises(ClientValidationError, match=match):
                client(fake_time).begin_train_project(PROJECT, **arguments)
    assert not train.called


def test_an_unknown_training_option_is_a_type_error_before_any_request(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as mock:
        train = mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        with pytest.raises(TypeError, match="force_trian"):
            client(fake_time).train_and_wait(PROJECT, force_trian=True)  # type: ignore[call-arg]
    assert not train.called


def in_progress() -> httpx.Response:
    return httpx.Response(
        400, json={"code": "BadRequestTrainingAlreadyInProgress", "message": "Training is already in progress."}
    )


def test_a_training_in_progress_is_picked_up_and_waited_for(fake_time: FakeTime) -> None:
    older = {**iteration("Completed"), "id": str(uuid.UUID(int=99)), "name": "Iteration 0"}
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=in_progress())
        mock.get(f"{ROOT}/iterations").mock(return_value=httpx.Response(200, json=[older, iteration("Training")]))
        mock.get(f"{ROOT}/iterations/{ITERATION}").mock(
            side_effect=[
                httpx.Response(200, json=iteration("Training")),
                httpx.Response(200, json=iteration("Completed")),
            ]
        )
        result = client(fake_time).train_and_wait(PROJECT)
    assert str(result.id) == ITERATION
    assert result.status == "Completed"


def test_begin_train_project_picks_up_a_training_in_progress(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=in_progress())
        mock.get(f"{ROOT}/iterations").mock(return_value=httpx.Response(200, json=[iteration("Training")]))
        poller = client(fake_time).begin_train_project(PROJECT, training_parameters={"selectedTags": []})
    assert poller.last_status is not None and str(poller.last_status.id) == ITERATION
    assert ITERATION in repr(poller)


def test_in_progress_with_no_running_iteration_is_raised(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=in_progress())
        mock.get(f"{ROOT}/iterations").mock(return_value=httpx.Response(200, json=[iteration("Completed")]))
        with pytest.raises(BadRequestError, match="BadRequestTrainingAlreadyInProgress"):
            client(fake_time).train_and_wait(PROJECT)


def test_a_timeout_names_the_iteration(fake_time: FakeTime) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        mock.post(f"{ROOT}/train").mock(return_value=httpx.Response(200, json=iteration("Training")))
        mock.get(f"{ROOT}/iterations/{ITERATION}").mock(return_value=httpx.Response(200, json=iteration("Training")))
        with pytest.raises(PollingTimeoutError, match=ITERATION) as caught:
            client(fake_time).train_and_wait(PROJECT, timeout=5)
    assert str(caught.value.last_status.id) == ITERATION


def test_training_options_have_one_list() -> None:
    import inspect

    from customvision_rest.operations.training import TrainingOperations, TrainingOptions

    keyword_only = [
        name
        for name, parameter in inspect.signature(TrainingOperations.train_project._build).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert keyword_only == list(TrainingOptions.__annotations__)


def test_save_artifact_writes_the_file(fake_time: FakeTime, tmp_path: Any) -> None:
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.get(f"{ROOT}/artifacts").mock(return_value=httpx.Response(200, content=b"\x00model-bytes"))
        size = client(fake_time).save_artifact(PROJECT, "exports/model.zip", tmp_path / "model.zip")
    assert size == 12
    assert (tmp_path / "model.zip").read_bytes() == b"\x00model-bytes"
    assert not (tmp_path / "model.zip.partial").exists()
    assert route.calls.last.request.url.params["path"] == "exports/model.zip"


class _DroppingStream(httpx.SyncByteStream):
    """A body that breaks off after its first chunk, as a dropped connection does."""

    def __iter__(self) -> Any:
        yield b"half-"
        raise httpx.ReadError("connection dropped")


def test_save_artifact_retry_after_a_dropped_stream_starts_the_file_again(fake_time: FakeTime, tmp_path: Any) -> None:
    body = b"0123456789" * 100_000
    with respx.mock(base_url=ENDPOINT) as mock:
        route = mock.get(f"{ROOT}/artifacts").mock(
            side_effect=[httpx.Response(200, stream=_DroppingStream()), httpx.Response(200, content=body)]
        )
        size = client(fake_time).save_artifact(PROJECT, "model.zip", tmp_path / "model.zip")
    assert route.call_count == 2
    assert size == len(body)
    assert (tmp_path / "model.zip").read_bytes() == body


def test_save_artifact_failure_leaves_no_file(fake_time: FakeTime, tmp_path: Any) -> None:
    from customvision_rest import NotFoundError

    with respx.mock(base_url=ENDPOINT) as mock:
        mock.get(f"{ROOT}/artifacts").mock(
            return_value=httpx.Response(404, json={"code": "NotFound", "message": "no such artifact"})
        )
        with pytest.raises(NotFoundError, match="no such artifact"):
            client(fake_time).save_artifact(PROJECT, "missing.zip", tmp_path / "missing.zip")
    assert list(tmp_path.iterdir()) == []


def test_async_save_artifact(tmp_path: Any) -> None:
    fake = FakeTime()

    async def scenario() -> int:
        with respx.mock(base_url=ENDPOINT) as mock:
            mock.get(f"{ROOT}/artifacts").mock(return_value=httpx.Response(200, content=b"async-bytes"))
            async with AsyncTrainingClient(ENDPOINT, KEY, sleep=fake.asleep, clock=fake.clock) as trainer:
                return await trainer.save_artifact(PROJECT, "a.bin", tmp_path / "a.bin")

    assert asyncio.run(scenario()) == 11
    assert (tmp_path / "a.bin").read_bytes() == b"async-bytes"
