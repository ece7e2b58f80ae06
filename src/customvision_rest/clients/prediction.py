"""The Prediction API clients: classify and detect with a published iteration."""

from __future__ import annotations

from ..core.resources import Role
from ..operations.prediction import PREDICTION_API_VERSIONS, PredictionOperations
from ..workflows.prediction import PredictionWorkflows
from ._base import AsyncClientBase, SyncClientBase

__all__ = ["AsyncPredictionClient", "PredictionClient"]


class PredictionClient(SyncClientBase, PredictionOperations, PredictionWorkflows):
    """Blocking client of the Custom Vision Prediction API.

    Args:
        endpoint: a :class:`~customvision_rest.Resource` serving prediction, or the endpoint URL.
        credential: with an endpoint URL, the key (``str`` or ``KeyCredential``) or a token credential.
        api_version: ``"3.1"`` (default) or ``"3.0"``.
        http_client: an ``httpx.Client`` of your own (proxies, transports, limits); never closed by this client.
        timeout: seconds, or an ``httpx.Timeout``; the default connects within 10 s and reads for 120 s.
        max_retries: retries after the first attempt (default 3; 0 disables).
        application_id: prefixed to the User-Agent, to tell your application's calls apart.
        retry_policy: a :class:`~customvision_rest.RetryPolicy` for finer control of backoff.
        sleep: the function used to wait between retries (tests pass a fake).
    """

    _role = Role.PREDICTION
    _default_api_version = "3.1"
    _api_versions = PREDICTION_API_VERSIONS


class AsyncPredictionClient(AsyncClientBase, PredictionOperations, PredictionWorkflows):
    """Asynchronous client of the Custom Vision Prediction API; arguments as :class:`PredictionClient`,
    with ``http_client`` an ``httpx.AsyncClient`` and ``sleep`` a coroutine function."""

    _role = Role.PREDICTION
    _default_api_version = "3.1"
    _api_versions = PREDICTION_API_VERSIONS
