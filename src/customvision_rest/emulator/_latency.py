"""Simulated service time: how long the real service takes to answer, so that clients can be measured overlapping
it. The emulator itself answers in milliseconds on loopback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceLatency:
    """Seconds added to each answer, by kind of call.

    `prediction`: each Prediction API call (classify or detect); `upload_batch`: each image upload call
    (`CreateImagesFromData|Files|Urls|Predictions`, however many images it carries); `other`: every other
    Training call. Downloads under `/emulator/` (the service's blob storage) take no extra time. The wait never
    holds the emulator's lock: other requests are answered meanwhile, and in-process async callers wait without
    blocking their event loop.
    """

    prediction: float = 0.0
    upload_batch: float = 0.0
    other: float = 0.0

    def __post_init__(self) -> None:
        if min(self.prediction, self.upload_batch, self.other) < 0:
            raise ValueError("latencies must be non-negative seconds")

    def for_operation(self, api: str, operation_id: str) -> float:
        """The simulated time of one call."""
        if api == "prediction":
            return self.prediction
        if operation_id in UPLOAD_OPERATIONS:
            return self.upload_batch
        return self.other


UPLOAD_OPERATIONS = frozenset(
    {"CreateImagesFromData", "CreateImagesFromFiles", "CreateImagesFromUrls", "CreateImagesFromPredictions"}
)
