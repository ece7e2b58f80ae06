"""Simulated service latency (never blocking other requests) and a server that takes many connections at once."""

from __future__ import annotations

import base64
import socket
import threading
import time

import anyio
import httpx
import pytest
from emulator_helpers import TRAINING, trained_fruit_project

from customvision_rest.emulator import Emulator, ServiceLatency, synthetic_fruit


def test_latency_is_validated_and_chosen_by_kind_of_call() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        ServiceLatency(prediction=-1)
    latency = ServiceLatency(prediction=0.3, upload_batch=2.0, other=0.1)
    assert latency.for_operation("prediction", "ClassifyImage") == 0.3
    assert latency.for_operation("training", "CreateImagesFromFiles") == 2.0
    assert latency.for_operation("training", "CreateImagesFromData") == 2.0
    assert latency.for_operation("training", "GetProjects") == 0.1


def test_latency_delays_the_answer_in_process() -> None:
    with (
        Emulator(training_key="k", latency=ServiceLatency(other=0.2)) as emulator,
        httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as trainer,
    ):
        started = time.monotonic()
        assert trainer.get("/projects").status_code == 200
        assert time.monotonic() - started >= 0.2
        # Downloads (the service's blob storage) are not delayed by the service's latency.
        assert emulator.latency.for_operation("training", "GetProjects") == 0.2


@pytest.mark.anyio
async def test_async_callers_keep_their_event_loop_while_waiting() -> None:
    with Emulator(training_key="k", latency=ServiceLatency(other=0.3)) as emulator:
        ticks: list[int] = []
        async with httpx.AsyncClient(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as trainer:

            async def tick() -> None:
                for index in range(5):
                    ticks.append(index)
                    await anyio.sleep(0.01)

            async with anyio.create_task_group() as group:
                group.start_soon(tick)
                response = await trainer.get("/projects")
                ticks_during_request = len(ticks)
        assert response.status_code == 200
        assert ticks_during_request == 5  # the ticker ran to its end while the request waited


def test_a_slow_call_does_not_hold_up_others_on_the_server() -> None:
    latency = ServiceLatency(prediction=1.0)
    with Emulator(training_key="k", prediction_key="p", latency=latency) as emulator:
        with httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as trainer:
            project_id, _, iteration = trained_fruit_project(trainer)
            trainer.post(
                f"/projects/{project_id}/iterations/{iteration['id']}/publish",
                params={"publishName": "m", "predictionId": emulator.prediction_resource.resource_id},
            ).raise_for_status()
        waiting = threading.Event()
        answer = emulator.answer

        def answer_and_signal(request: httpx.Request) -> tuple[httpx.Response, float]:
            result = answer(request)
            if "/prediction/" in request.url.path:
                waiting.set()  # answered; the simulated service time starts now
            return result

        emulator.answer = answer_and_signal  # type: ignore[method-assign]
        with emulator.serve(port=0) as server:
            finished: list[str] = []

            def predict() -> None:
                httpx.post(
                    f"{server.endpoint}/customvision/v3.1/prediction/{project_id}/classify/iterations/m/image",
                    content=synthetic_fruit("apple", 5, (64, 64)),
                    headers={"Prediction-Key": "p"},
                    timeout=10,
                ).raise_for_status()
                finished.append("prediction")

            slow = threading.Thread(target=predict)
            slow.start()
            assert waiting.wait(10)
            quick = httpx.get(f"{server.endpoint}{TRAINING}/projects", headers={"Training-Key": "k"}, timeout=10)
            finished.append("listing")
            slow.join()
    assert quick.status_code == 200
    assert finished == ["listing", "prediction"]


def test_256_simultaneous_connections_are_all_answered() -> None:
    with Emulator(training_key="k") as emulator, emulator.serve(port=0) as server:
        host, port = server.endpoint.removeprefix("http://").split(":")
        # A stalled connection (a SYN dropped for a full backlog) waits seconds for a retransmission: time out.
        connections = [socket.create_connection((host, int(port)), timeout=5) for _ in range(256)]
        request = f"GET {TRAINING}/projects HTTP/1.1\r\nHost: {host}\r\nTraining-Key: k\r\nConnection: close\r\n\r\n"
        try:
            for connection in connections:
                connection.sendall(request.encode())
            status_lines = []
            for connection in connections:
                received = b""
                while b"\r\n" not in received:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    received += chunk
                status_lines.append(received.split(b"\r\n", 1)[0])
        finally:
            for connection in connections:
                connection.close()
    assert status_lines == [b"HTTP/1.1 200 OK"] * 256


def test_the_server_answers_while_training_runs() -> None:
    with (
        Emulator(training_key="k", min_training_seconds=5.0) as emulator,
        httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as trainer,
        emulator.serve(port=0) as server,
    ):
        project = trainer.post("/projects", params={"name": "busy"}).json()
        for kind in ("apple", "banana"):
            tag = trainer.post(f"/projects/{project['id']}/tags", params={"name": kind}).json()["id"]
            entries = [
                {"contents": base64.b64encode(synthetic_fruit(kind, seed, (96, 96))).decode()} for seed in range(5)
            ]
            trainer.post(f"/projects/{project['id']}/images/files", json={"images": entries, "tagIds": [tag]})
        iteration = trainer.post(f"/projects/{project['id']}/train").json()
        answers = []
        with httpx.Client(base_url=server.endpoint + TRAINING, headers={"Training-Key": "k"}) as remote:
            while len(answers) < 20:
                answers.append(remote.get(f"/projects/{project['id']}/iterations/{iteration['id']}").json()["status"])
        assert answers == ["Training"] * 20  # twenty answers, all while the training job was still running
