"""Client-side pacing under the service's documented call rates, so that busy programs are not answered 429.

The service limits calls per second per resource and pricing tier, in four buckets:

=====================================  ====  ====
bucket                                 F0    S0
=====================================  ====  ====
``TrainProject``                       2     10
other Training API calls               10    10
predictions that store the image       2     10
predictions with ``nostore``           2     20
=====================================  ====  ====

A :class:`RateLimiter` hands each call a start time such that no window of a little over one second holds
more calls of a bucket than its rate (a burst of up to ``rate`` calls goes at once); the client sleeps until
then. It is pure arithmetic under a lock (no I/O, no waiting), so the sync and async clients, threads and
tasks all share one. A client made without an explicit tier paces at S0 and moves to F0 the first time the
service says, in a 429, that the resource is on the free tier.
"""

from __future__ import annotations

import collections
import enum
import math
import threading
from dataclasses import dataclass

from .._exceptions import ConfigurationError
from .resources import Role

__all__ = ["CallKind", "RateLimiter", "RateLimits"]

# A window a little wider than the service's second keeps jitter in delivery from crowding one of its windows.
_WINDOW_SECONDS = 1.05


class CallKind(enum.Enum):
    """The service's rate-limit buckets."""

    TRAIN = "TrainProject"
    TRAINING = "Training"
    PREDICTION = "Prediction"
    PREDICTION_NOSTORE = "Prediction (no store)"

    @classmethod
    def of(cls, role: Role, operation_name: str) -> CallKind:
        """The bucket of an operation (by its spec operationId) on the given API."""
        if role is Role.PREDICTION:
            return cls.PREDICTION_NOSTORE if operation_name.endswith("NoStore") else cls.PREDICTION
        return cls.TRAIN if operation_name == "TrainProject" else cls.TRAINING


@dataclass(frozen=True)
class RateLimits:
    """Calls per second allowed in each bucket; ``None`` leaves a bucket unpaced.

    ``RateLimits.for_tier("F0")`` and ``RateLimits.for_tier("S0")`` are the documented limits;
    ``RateLimits.none()`` turns pacing off (for a test server, or a raised quota).
    """

    train: float | None = 10.0
    training: float | None = 10.0
    prediction: float | None = 10.0
    prediction_nostore: float | None = 20.0
    tier: str | None = None

    def __post_init__(self) -> None:
        for name in ("train", "training", "prediction", "prediction_nostore"):
            rate = getattr(self, name)
            if rate is None:
                continue
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0 or rate == float("inf"):
                raise ConfigurationError(f"RateLimits.{name} must be a positive number of calls per second or None")

    @classmethod
    def for_tier(cls, tier: str) -> RateLimits:
        """The documented limits of a pricing tier: ``"F0"`` (free) or ``"S0"`` (standard)."""
        name = str(tier).strip().upper()
        if name == "F0":
            return cls(train=2, training=10, prediction=2, prediction_nostore=2, tier="F0")
        if name == "S0":
            return cls(train=10, training=10, prediction=10, prediction_nostore=20, tier="S0")
        raise ConfigurationError(f"unknown pricing tier {tier!r}; expected 'F0' or 'S0', or pass RateLimits(...)")

    @classmethod
    def none(cls) -> RateLimits:
        """No client-side pacing at all."""
        return cls(train=None, training=None, prediction=None, prediction_nostore=None)

    def rate(self, kind: CallKind) -> float | None:
        """Calls per second for a bucket."""
        return {
            CallKind.TRAIN: self.train,
            CallKind.TRAINING: self.training,
            CallKind.PREDICTION: self.prediction,
            CallKind.PREDICTION_NOSTORE: self.prediction_nostore,
        }[kind]


class RateLimiter:
    """Start times for calls, per bucket, shared by a client, its ``with_options`` copies, threads and tasks."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self._learns_tier = limits is None
        self._starts: dict[CallKind, collections.deque[float]] = {}
        self._lock = threading.Lock()
        self._apply(limits or RateLimits.for_tier("S0"))

    def _apply(self, limits: RateLimits) -> None:
        self.limits = limits
        self.pace = object()  # a new identity whenever the limits change: turns taken before are void
        self._starts = {
            kind: collections.deque(maxlen=max(1, math.floor(rate)))
            for kind in CallKind
            if (rate := limits.rate(kind)) is not None
        }
        self._window = {
            kind: _WINDOW_SECONDS * max(1, math.floor(rate)) / rate
            for kind in CallKind
            if (rate := limits.rate(kind)) is not None
        }

    def reserve(self, kind: CallKind, now: float) -> float:
        """Take the next start time for a call of ``kind``; return how many seconds to wait for it."""
        starts = self._starts.get(kind)
        if starts is None:
            return 0.0
        with self._lock:
            start = max(now, starts[-1]) if starts else now
            if len(starts) == starts.maxlen:
                start = max(start, starts[0] + self._window[kind])
            starts.append(start)
        return start - now

    def learn(self, message: str | None) -> None:
        """Move to the free tier's limits when a 429 says the resource is on F0 (unless the user chose limits)."""
        if self._learns_tier and message and "F0 pricing tier" in message and self.limits.tier != "F0":
            with self._lock:
                self._apply(RateLimits.for_tier("F0"))

    def __repr__(self) -> str:
        return f"RateLimiter({self.limits!r})"
