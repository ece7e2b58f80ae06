"""customvision-rest: a typed sync and async client for the Azure AI Custom Vision REST APIs.

Start with :class:`Resource` (where and with which credential), then :class:`TrainingClient` /
:class:`AsyncTrainingClient` to build and train projects, and :class:`PredictionClient` /
:class:`AsyncPredictionClient` to classify and detect with a published iteration.
"""

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
from .clients.prediction import AsyncPredictionClient, PredictionClient
from .clients.training import AsyncTrainingClient, TrainingClient
from .core.credentials import COGNITIVE_SERVICES_SCOPE, KeyCredential
from .core.ratelimit import RateLimits
from .core.resources import AzureResourceId, Resource, ResourceKind, Role
from .core.retry import RetryPolicy
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
