"""Shared fixtures: an emulator and httpx clients over its in-process transport."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from emulator_helpers import PREDICTION, PREDICTION_KEY, TRAINING, TRAINING_KEY

from customvision_rest.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emu:
        yield emu


@pytest.fixture
def trainer(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url="http://emulator.test" + TRAINING,
        transport=emulator.transport(),
        headers={"Training-Key": TRAINING_KEY},
    ) as client:
        yield client


@pytest.fixture
def predictor(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url="http://emulator.test" + PREDICTION,
        transport=emulator.transport(),
        headers={"Prediction-Key": PREDICTION_KEY},
    ) as client:
        yield client
