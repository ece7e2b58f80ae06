"""customvision-rest: a typed sync and async client for the Azure AI Custom Vision REST APIs.

Start with :class:`Resource` (where and with which credential), then :class:`TrainingClient` /
:class:`AsyncTrainingClient` to build and train projects, and :class:`PredictionClient` /
:class:`AsyncPredictionClient` to classify and detect with a published iteration.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientValidationError,
    ConfigurationError,
    ConflictError,
    CustomVisionError,
    InternalServerError,
    InvalidResourceIdError,
    NoPredictionsError,
    NotFoundError,
    OperationFailedError,
    PermissionDeniedError,
    PollingTimeoutError,
    RateLimitError,
    ResponseValidationError,
    TrainingFailedError,
    TrainingNotNeededError,
    UnsupportedMediaTypeError,
)
from ._version import __version__
from .core.credentials import COGNITIVE_SERVICES_SCOPE, KeyCredential
from .core.ratelimit import RateLimits
from .core.resources import AzureResourceId, Resource, ResourceKind, Role
from .core.retry import RetryPolicy

if TYPE_CHECKING:
    from .clients.prediction import AsyncPredictionClient, PredictionClient
    from .clients.training import AsyncTrainingClient, TrainingClient
    from .workflows.bulk import ImageOutcome, ImageToUpload, UploadIncompleteError, UploadReport, UploadUpdate
    from .workflows.dataset import DatasetDownload, DatasetUpload
    from .workflows.polling import AsyncPoller, Poller, PollSchedule
    from .workflows.prediction import PredictionOutcome, PredictionReport

__all__ = [
    "COGNITIVE_SERVICES_SCOPE",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPoller",
    "AsyncPredictionClient",
    "AsyncTrainingClient",
    "AuthenticationError",
    "AzureResourceId",
    "BadRequestError",
    "ClientValidationError",
    "ConfigurationError",
    "ConflictError",
    "DatasetDownload",
    "DatasetUpload",
    "CustomVisionError",
    "ImageOutcome",
    "ImageToUpload",
    "InternalServerError",
    "InvalidResourceIdError",
    "KeyCredential",
    "NoPredictionsError",
    "NotFoundError",
    "OperationFailedError",
    "PermissionDeniedError",
    "PollSchedule",
    "Poller",
    "PollingTimeoutError",
    "PredictionClient",
    "PredictionOutcome",
    "PredictionReport",
    "RateLimitError",
    "RateLimits",
    "Resource",
    "ResourceKind",
    "ResponseValidationError",
    "RetryPolicy",
    "Role",
    "TrainingClient",
    "TrainingFailedError",
    "TrainingNotNeededError",
    "UnsupportedMediaTypeError",
    "UploadIncompleteError",
    "UploadReport",
    "UploadUpdate",
    "__version__",
]

# Where the clients and the workflows' types live: each is imported when it is first read (the imports under
# TYPE_CHECKING say the same to type checkers). Importing the package and its clients imports neither httpx nor
# pydantic nor the models: a client's first call does, and a prediction client never imports the training models.
_MODULES: dict[str, tuple[str, ...]] = {
    ".clients.prediction": ("AsyncPredictionClient", "PredictionClient"),
    ".clients.training": ("AsyncTrainingClient", "TrainingClient"),
    ".workflows.bulk": ("ImageOutcome", "ImageToUpload", "UploadIncompleteError", "UploadReport", "UploadUpdate"),
    ".workflows.dataset": ("DatasetDownload", "DatasetUpload"),
    ".workflows.polling": ("AsyncPoller", "Poller", "PollSchedule"),
    ".workflows.prediction": ("PredictionOutcome", "PredictionReport"),
}
_LOCATIONS = {name: module for module, names in _MODULES.items() for name in names}

# Subpackages that importing the package used to import, still reachable as its attributes.
_SUBPACKAGES = frozenset({"clients", "models", "operations", "workflows"})


def _attribute(name: str) -> Any:
    """A name of the package, imported from its module on first read (the module ``__getattr__``)."""
    if name in _LOCATIONS:
        value = getattr(importlib.import_module(_LOCATIONS[name], __name__), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # the next read finds it without calling this function
    return value


def _names() -> list[str]:
    return sorted({*globals(), *__all__})


if not TYPE_CHECKING:  # type checkers read the imports above: a module __getattr__ would hide misspelt names
    __getattr__ = _attribute
    __dir__ = _names
