"""Fault injection, throttling, the HTTP server face, the async client and the CLI."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from emulator_helpers import TRAINING

from customvision_rest.emulator import Emulator, FaultInjection
from customvision_rest.emulator._cli import run_server


def _outcomes(seed: int) -> list[str]:
    faults = FaultInjection(
        seed=seed, throttle_rate=0.2, unavailable_rate=0.2, drop_rate=0.2, delay_rate=0.1, delay_seconds=0.001
    )
    outcomes = []
    with (
        Emulator(training_key="k", faults=faults) as emulator,
        httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as client,
    ):
        for _ in range(40):
            try:
                response = client.get("/domains")
            except httpx.RemoteProtocolError:
                outcomes.append("drop")
                continue
            outcomes.append(str(response.status_code))
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "1"
                assert response.json()["error"]["code"] == "429"
    return outcomes


def test_faults_are_deterministic_for_a_seed() -> None:
    first, second, other = _outcomes(7), _outcomes(7), _outcomes(8)
    assert first == second
    assert first != other
    assert {"200", "429", "503", "drop"} <= set(first)


def test_throttling_follows_the_tier_with_an_injectable_clock() -> None:
    now = [100.0]
    with (
        Emulator(training_key="k", tier="F0", throttle=True, clock=lambda: now[0]) as emulator,
        httpx.Client(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as client,
    ):
        statuses = [client.get("/domains").status_code for _ in range(11)]
        assert statuses == [200] * 10 + [429]
        refused = client.get("/domains")
        assert refused.headers["Retry-After"] == "1"
        message = refused.json()["error"]["message"]
        assert "CustomVision F0 pricing tier" in message
        assert "Please retry after 1 second." in message
        now[0] += 1.01
        assert client.get("/domains").status_code == 200
        project = client.post("/projects", params={"name": "p"}).json()
        now[0] += 5
        trains = [client.post(f"/projects/{project['id']}/train").status_code for _ in range(3)]
        assert trains[:2] == [400, 400]  # admitted (and refused by validation), then throttled
        assert trains[2] == 429


def test_server_face_over_loopback() -> None:
    with Emulator(training_key="k") as emulator, emulator.serve(port=0) as server:
        assert server.endpoint.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=server.endpoint + TRAINING, headers={"Training-Key": "k"}) as client:
            created = client.post("/projects", params={"name": "over http"})
            assert created.status_code == 200
            assert created.headers["apim-request-id"]
            assert client.get("/projects").json()[0]["name"] == "over http"
            assert client.get("/projects", headers={"Training-Key": "bad"}).status_code == 401


def test_server_drops_connections_when_told() -> None:
    with (
        Emulator(training_key="k", faults=FaultInjection(drop_rate=1.0)) as emulator,
        emulator.serve(port=0) as server,
        httpx.Client(base_url=server.endpoint + TRAINING, headers={"Training-Key": "k"}) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.get("/domains")


def test_async_client_over_the_transport() -> None:
    async def scenario(emulator: Emulator) -> list[int]:
        async with httpx.AsyncClient(
            base_url="http://h" + TRAINING, transport=emulator.transport(), headers={"Training-Key": "k"}
        ) as client:
            responses = await asyncio.gather(*(client.post("/projects", params={"name": f"p{i}"}) for i in range(5)))
            return [r.status_code for r in responses]

    with Emulator(training_key="k") as emulator:
        assert asyncio.run(scenario(emulator)) == [200] * 5


def test_cli_runs_until_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(run_server(["--port", "0", "--training-key", "secret-key-123"], stop=stop))
    )
    thread.start()
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=10)
    assert result == [0]
    output = capsys.readouterr().out
    assert "listening on http://127.0.0.1:" in output
    assert "secret-key-123" not in output
    assert "/providers/Microsoft.CognitiveServices/accounts/emulator-prediction" in output
