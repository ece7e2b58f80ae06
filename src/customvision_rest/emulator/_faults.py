"""Seeded fault injection and per-tier throttling, both decided before a request reaches the service."""

from __future__ import annotations

import collections
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class FaultInjection:
    """Make a fraction of service requests fail, deterministically for a given seed and request order.

    For each request one random draw picks at most one fault, in this order of the rate bands:
    `throttle_rate` (429 with `Retry-After: retry_after_seconds` and the gateway error shape),
    `unavailable_rate` (503), `drop_rate` (the connection closes without an answer: in-process the transport
    raises `httpx.RemoteProtocolError`; the server closes the socket) and `delay_rate` (the answer comes
    `delay_seconds` late but is otherwise normal). A faulted request (other than a delay) does nothing.
    Requests for image and artifact downloads under `/emulator/` are never faulted.
    """

    seed: int = 0
    throttle_rate: float = 0.0
    unavailable_rate: float = 0.0
    delay_rate: float = 0.0
    delay_seconds: float = 0.5
    drop_rate: float = 0.0
    retry_after_seconds: int = 1

    def __post_init__(self) -> None:
        rates = (self.throttle_rate, self.unavailable_rate, self.delay_rate, self.drop_rate)
        if any(rate < 0 for rate in rates) or sum(rates) > 1.0:
            raise ValueError("fault rates must be non-negative and sum to at most 1")


class Fault(Enum):
    """The fault chosen for one request."""

    NONE = "none"
    THROTTLE = "throttle"
    UNAVAILABLE = "unavailable"
    DROP = "drop"
    DELAY = "delay"


class FaultPlan:
    """Draws faults from a seeded generator; thread-safe so that the sequence depends on request order only."""

    def __init__(self, settings: FaultInjection) -> None:
        self.settings = settings
        self._random = random.Random(settings.seed)
        self._lock = threading.Lock()

    def next_fault(self) -> Fault:
        """The fault for the next request."""
        with self._lock:
            draw = self._random.random()
        bands = (
            (self.settings.throttle_rate, Fault.THROTTLE),
            (self.settings.unavailable_rate, Fault.UNAVAILABLE),
            (self.settings.drop_rate, Fault.DROP),
            (self.settings.delay_rate, Fault.DELAY),
        )
        upper = 0.0
        for rate, fault in bands:
            upper += rate
            if draw < upper:
                return fault
        return Fault.NONE


class CallKind(Enum):
    """The rate-limit buckets of the service."""

    TRAIN = "TrainProject"
    TRAINING = "Training"
    PREDICTION = "Prediction"
    PREDICTION_NOSTORE = "Prediction (no store)"


RATE_LIMITS: dict[str, dict[CallKind, int]] = {
    "F0": {CallKind.TRAIN: 2, CallKind.TRAINING: 10, CallKind.PREDICTION: 2, CallKind.PREDICTION_NOSTORE: 2},
    "S0": {CallKind.TRAIN: 10, CallKind.TRAINING: 10, CallKind.PREDICTION: 10, CallKind.PREDICTION_NOSTORE: 20},
}


class Throttle:
    """Sliding one-second windows of calls per resource and bucket, on an injectable monotonic clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._calls: dict[tuple[str, CallKind], collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def admit(self, resource_name: str, tier: str, kind: CallKind) -> bool:
        """Record a call and tell whether it is within the tier's limit (refused calls are not counted)."""
        limit = RATE_LIMITS[tier][kind]
        now = self._clock()
        with self._lock:
            window = self._calls[(resource_name, kind)]
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= limit:
                return False
            window.append(now)
            return True


def throttled_message(kind: CallKind, tier: str, retry_after_seconds: int) -> str:
    """The gateway's rate-limit message."""
    unit = "second" if retry_after_seconds == 1 else "seconds"
    return (
        f"Requests to the {kind.value} Operation under Custom Vision API have exceeded rate limit of your current "
        f"CustomVision {tier} pricing tier. Please retry after {retry_after_seconds} {unit}. "
        "Please contact Azure support service if you would like to further increase the default rate limit."
    )
