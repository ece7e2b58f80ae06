"""Shared pieces of the compat tests: the emulator served on 127.0.0.1, image files, and running old programs."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from customvision_rest.emulator import Emulator, synthetic_fruit

TRAINING_KEY = "compat-training-key"
PREDICTION_KEY = "compat-prediction-key"
PROGRAMS = Path(__file__).parent / "programs"

OLD_PREFIXES = {
    "azure.cognitiveservices.vision.customvision": "customvision_rest.compat",
    "msrest.authentication": "customvision_rest.compat.authentication",
}


def switch_imports(text: str) -> str:
    """The two textual replacements a user makes to move an old program onto the compat layer."""
    for old, new in OLD_PREFIXES.items():
        text = text.replace(old, new)
    return text


@dataclass
class Served:
    """An emulator and the address it answers on."""

    emulator: Emulator
    endpoint: str

    @property
    def prediction_resource_id(self) -> str:
        return str(self.emulator.prediction_resource.resource_id)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """One emulator per test module (starting and stopping a server costs half a second); tests share it."""
    with (
        Emulator(training_key=TRAINING_KEY, prediction_key=PREDICTION_KEY) as emulator,
        emulator.serve(port=0) as server,
    ):
        yield Served(emulator, server.endpoint)


@pytest.fixture(scope="session")
def fruit_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """apple0.jpg ... orange23.jpg: small synthetic photos, as a user's image folder."""
    folder = tmp_path_factory.mktemp("fruit")
    for kind in ("apple", "banana", "orange"):
        for i in range(24):
            (folder / f"{kind}{i}.jpg").write_bytes(synthetic_fruit(kind, i, (64, 64)))
    return folder


def normalise(value: Any) -> Any:
    """What a program recorded, with the differences that do not matter to old code taken out.

    The old SDK gives statuses as ``str`` and ids as text; this library gives ``str`` enums and ``UUID``s, which
    compare equal to the same text. Floats are rounded: both sides compute them, the service decides them.
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [normalise(item) for item in value]
    if isinstance(value, dict):
        return {normalise(k): normalise(v) for k, v in value.items()}
    return value


def run_program(text: str, name: str, *arguments: Any) -> list[tuple[str, Any]]:
    """Run a program's ``run(*arguments, record)``; what it recorded, normalised."""
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(text, name, "exec"), namespace)  # noqa: S102 - our own test programs
    transcript: list[tuple[str, Any]] = []

    def record(label: str, value: Any) -> None:
        transcript.append((label, normalise(value)))

    namespace["run"](*arguments, record)
    return transcript
