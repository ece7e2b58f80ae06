"""On the emulator: a second train_and_wait while the first training runs follows that training."""

from __future__ import annotations

import httpx
import pytest

from customvision_rest import TrainingClient
from customvision_rest.emulator import Emulator, synthetic_fruit

pytest.importorskip("numpy")

KEY = "pickup-training-key"


def test_a_training_in_progress_is_followed_to_its_end() -> None:
    with Emulator(training_key=KEY, min_training_seconds=1.0) as emulator:
        http = httpx.Client(transport=emulator.transport())
        with TrainingClient("https://emulator.test", KEY, http_client=http) as client:
            project = client.create_project("pickup")
            for kind in ("apple", "banana"):
                tag = client.create_tag(project.id, kind)
                client.upload_images(
                    project.id, [synthetic_fruit(kind, n, (32, 32)) for n in range(5)], tag_ids=[tag.id]
                )
            started = client.train_project(project.id)  # as if its answer had been lost
            assert started.status == "Training"
            finished = client.train_and_wait(project.id, timeout=60)
            assert finished.id == started.id
            assert finished.status == "Completed"
            assert len(client.get_iterations(project.id)) == 1  # no second training was started
