"""Background jobs (training, exports, imports) and training itself, off the request path."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _learner
from ._errors import ServiceError
from ._state import Store, TrainingSample, utc_now


class BackgroundJobs:
    """Runs work on daemon threads and trains iterations; `close()` stops and waits for the work."""

    store: Store
    seed: int
    min_training_seconds: float
    _stopping: threading.Event
    _threads: list[threading.Thread]
    _features: dict[str, _learner.FloatArray]

    def start_background(self, name: str, work: Callable[[], None]) -> None:
        """Run `work` on a daemon thread that `close()` waits for."""
        thread = threading.Thread(target=work, name=f"customvision-emulator-{name}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    def wait_until(self, started_at: float) -> bool:
        """Sleep until `min_training_seconds` after `started_at` (wall clock); False when closing."""
        remaining = started_at + self.min_training_seconds - time.time()
        return not self._stopping.wait(max(0.0, remaining))

    def close(self) -> None:
        """Stop the background work and wait for it."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def features(self, content_hash: str) -> _learner.FloatArray:
        """Whole-image features, cached by content (training images are featurised once)."""
        cached = self._features.get(content_hash)
        if cached is None:
            data = self.store.blobs.get(content_hash)
            if data is None:
                raise ServiceError(500, "ErrorUnknown", "Image bytes are missing from storage.")
            cached = _learner.image_features(data)
            self._features[content_hash] = cached
        return cached

    def train(self, iteration_id: str) -> None:
        """The training job: fit and evaluate outside the lock, then publish the result under it."""
        with self.store.lock:
            iteration = self.store.state.iterations[iteration_id]
            samples = list(iteration.samples)
            labels = list(iteration.tag_names)
            multilabel = iteration.classification_type == "Multilabel"
            detection = iteration.classification_type == ""
        seed = self.seed + int(hashlib.sha256(iteration_id.encode()).hexdigest()[:8], 16)
        # An image that cannot be decoded (stored by an older emulator that only checked headers) is left out
        # rather than failing the whole training.
        samples = [sample for sample in samples if self._decodable(sample.content_hash)]
        error_details: str | None = None
        try:
            if detection:
                model, evaluation = self._train_detector(samples, labels, seed)
            else:
                model, evaluation = self._train_classifier(samples, labels, multilabel, seed)
            status = "Completed"
        except Exception as error:  # a failed training is reported on the iteration, as the service does
            model, evaluation, status = None, [], "Failed"
            error_details = f"Training failed: {type(error).__name__}."
        if not self.wait_until(iteration.started_at):
            return
        with self.store.lock:
            current = self.store.state.iterations.get(iteration_id)
            if current is None:
                return
            current.model = model
            current.evaluation = evaluation
            current.status = status
            current.training_error_details = error_details
            current.trained_at = utc_now() if status == "Completed" else None
            current.last_modified = utc_now()
            current.training_time_in_minutes = max(1, round((time.time() - current.started_at) / 60))
            self.store.commit()

    def _decodable(self, content_hash: str) -> bool:
        try:
            self.features(content_hash)
        except Exception:
            return False
        return True

    def _train_classifier(
        self, samples: Sequence[TrainingSample], labels: Sequence[str], multilabel: bool, seed: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        features = np.array([self.features(sample.content_hash) for sample in samples])
        targets = np.array([[1.0 if tag in sample.tag_ids else 0.0 for tag in labels] for sample in samples])
        held_out = _learner.cross_validate(features, targets, labels, multilabel=multilabel, seed=seed)
        model = _learner.fit_linear(features, targets, labels, multilabel=multilabel)
        evaluation = [
            {
                "imageId": samples[prediction.index].image_id,
                "fold": prediction.fold,
                "probabilities": dict(zip(labels, prediction.probabilities.tolist(), strict=True)),
            }
            for prediction in held_out
        ]
        return {"kind": "classifier", "classifier": model.to_json()}, evaluation

    def _train_detector(
        self, samples: Sequence[TrainingSample], labels: Sequence[str], seed: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        def regions_of(sample: TrainingSample) -> list[tuple[str, list[float]]]:
            return [(tag, box) for tag, box in sample.regions if tag in labels]

        def blob(sample: TrainingSample) -> bytes:
            return self.store.blobs.get(sample.content_hash) or b""

        # One deterministic 80/20 split: detectors are costly to fit, so no k-fold here.
        order = np.random.default_rng(seed).permutation(len(samples))
        held_out_count = max(1, len(samples) // 5)
        held_out = [samples[i] for i in order[:held_out_count]]
        kept = [samples[i] for i in order[held_out_count:]]
        probe = _learner.fit_detector([(blob(s), regions_of(s)) for s in kept], labels, seed)
        evaluation = [
            {
                "imageId": sample.image_id,
                "fold": 0,
                "detections": [
                    {"tagId": tag, "probability": score, "box": list(box)}
                    for tag, score, box in _learner.detect(probe, blob(sample))
                ],
            }
            for sample in held_out
        ]
        detector = _learner.fit_detector([(blob(s), regions_of(s)) for s in samples], labels, seed)
        return {"kind": "detector", "detector": detector}, evaluation

    # --- prediction -------------------------------------------------------------------------------------------
