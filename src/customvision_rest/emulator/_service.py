"""The service core shared by the Training and Prediction APIs, assembled from one part per concern:
look-ups (`_lookups`), wire serialisation (`_wire`), image intake (`_intake`), background jobs and training
(`_jobs`), prediction (`_predictor`) and export packaging (`_export_package`)."""

from __future__ import annotations

import threading

from . import _learner
from ._context import RequestContext, bool_param, csv_param, float_param, int_param, is_detection
from ._export_package import ExportPackaging
from ._intake import ImageIntake
from ._jobs import BackgroundJobs
from ._lookups import QUOTAS
from ._predictor import Predictor
from ._resources import EmulatorResource
from ._state import Store
from ._wire import WireFormat

DETECTION_MIN_IMAGES_PER_TAG = 15
CLASSIFICATION_MIN_IMAGES_PER_TAG = 5

__all__ = [
    "CLASSIFICATION_MIN_IMAGES_PER_TAG",
    "DETECTION_MIN_IMAGES_PER_TAG",
    "QUOTAS",
    "RequestContext",
    "Service",
    "bool_param",
    "csv_param",
    "float_param",
    "int_param",
    "is_detection",
]


class Service(WireFormat, ImageIntake, BackgroundJobs, Predictor, ExportPackaging):
    """The emulated service: the store, the resources and the background work; the API modules hold the
    per-operation logic."""

    def __init__(self, store: Store, *, min_training_seconds: float, seed: int) -> None:
        self.store = store
        self.min_training_seconds = min_training_seconds
        self.seed = seed
        self.resources: dict[str, EmulatorResource] = {}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._features: dict[str, _learner.FloatArray] = {}
