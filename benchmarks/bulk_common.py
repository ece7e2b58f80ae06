"""What the bulk benchmarks share: an emulator server in its own process with simulated service time and S0
throttling, a published project to predict with, and a counter of the answers each client received.

Not a benchmark itself; see ``bulk_predict.py`` and ``bulk_upload.py``.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from customvision_rest import TrainingClient
from customvision_rest.emulator import synthetic_fruit

TRAINING_KEY = "bench-training-key"
PREDICTION_KEY = "bench-prediction-key"
PUBLISH_NAME = "bench"


@dataclass
class Server:
    """A running emulator server and the command line that started it."""

    endpoint: str
    prediction_resource_id: str
    command: list[str]
    process: subprocess.Popen[str] = field(repr=False)


@contextmanager
def emulator_server(*flags: str) -> Iterator[Server]:
    """Start ``python -m customvision_rest emulator --port 0 <flags>`` and stop it afterwards."""
    command = [
        sys.executable,
        "-m",
        "customvision_rest",
        "emulator",
        "--port",
        "0",
        "--training-key",
        TRAINING_KEY,
        "--prediction-key",
        PREDICTION_KEY,
        *flags,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603 - our own command line
    try:
        assert process.stdout is not None
        endpoint = resource_id = ""
        for line in process.stdout:
            if "listening on" in line:
                endpoint = line.rsplit(" ", 1)[-1].strip()
            if "publish to predictionId=" in line:
                resource_id = line.split("=", 1)[1].strip()
                break
        if not endpoint or not resource_id:
            raise RuntimeError(f"the emulator did not start: {' '.join(command)}")
        # Keep reading what the server prints, so that a full pipe never blocks it.
        threading.Thread(target=lambda: collections.deque(process.stdout or (), maxlen=0), daemon=True).start()
        yield Server(endpoint, resource_id, command, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def published_project(server: Server) -> str:
    """A project with two trained tags, published as ``bench``; returns its id."""
    with TrainingClient(server.endpoint, TRAINING_KEY, max_retries=10) as trainer:
        project = trainer.create_project("bulk benchmark")
        for kind in ("apple", "banana"):
            tag = trainer.create_tag(project.id, kind)
            images = [synthetic_fruit(kind, n, (96, 96)) for n in range(8)]
            trainer.upload_images(project.id, images, tag_ids=[tag.id])
        iteration = trainer.train_and_wait(project.id, timeout=300)
        assert iteration.id is not None
        trainer.publish_iteration(project.id, iteration.id, PUBLISH_NAME, server.prediction_resource_id)
        return str(project.id)


class StatusCounter:
    """Counts the HTTP statuses a client received, through httpx event hooks (sync or async)."""

    def __init__(self) -> None:
        self.statuses: collections.Counter[int] = collections.Counter()

    def hook(self, response: httpx.Response) -> None:
        self.statuses[response.status_code] += 1

    async def ahook(self, response: httpx.Response) -> None:
        self.hook(response)

    def describe(self) -> str:
        return ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items())) or "none"


def rate(count: int, seconds: float) -> str:
    return f"{count} in {seconds:.2f} s = {count / seconds:.1f}/s"


def clock() -> float:
    return time.perf_counter()
