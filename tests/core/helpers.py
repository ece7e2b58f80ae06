"""Small builders for core tests."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

ENDPOINT = "https://unit-test.cognitiveservices.azure.com"
TRAINING_KEY = "training-key-SECRET-0123456789abcdef"
PREDICTION_KEY = "prediction-key-SECRET-fedcba9876543210"
TOKEN_TEXT = "eyJ0eXAi.SECRET-TOKEN.signature"
PROJECT_ID = str(uuid.UUID(int=1))
CLASSIFY_PATH = f"/customvision/v3.1/prediction/{PROJECT_ID}/classify/iterations/model/image"

PREDICTION_BODY: dict[str, Any] = {
    "id": str(uuid.UUID(int=9)),
    "project": PROJECT_ID,
    "iteration": str(uuid.UUID(int=2)),
    "created": "2020-06-06T22:00:23.451Z",
    "predictions": [
        {"probability": 0.25, "tagId": str(uuid.UUID(int=3)), "tagName": "banana", "tagType": "Regular"},
        {"probability": 0.7, "tagId": str(uuid.UUID(int=4)), "tagName": "apple", "tagType": "Regular"},
        {"probability": 8.79471951e-13, "tagId": str(uuid.UUID(int=5)), "tagName": "orange"},
    ],
}


@dataclass
class AccessToken:
    """The shape azure-core's AccessToken has."""

    token: str
    expires_on: int


@dataclass
class FakeTokenCredential:
    """A synchronous token credential that hands out numbered tokens and records the scopes asked."""

    lifetime: int = 3600
    now: float = field(default_factory=time.time)
    scopes: list[tuple[str, ...]] = field(default_factory=list)

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(f"{TOKEN_TEXT}-{len(self.scopes)}", int(self.now + self.lifetime))


@dataclass
class FakeAsyncTokenCredential:
    """An asynchronous token credential (azure.identity.aio style)."""

    scopes: list[tuple[str, ...]] = field(default_factory=list)

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(f"{TOKEN_TEXT}-async-{len(self.scopes)}", 4_000_000_000)


class NoSleep:
    """Records requested sleeps instead of sleeping, for instant retry tests."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class FakeTime:
    """A monotonic clock that moves only when the code under test sleeps, and the sleeps it was asked for."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
