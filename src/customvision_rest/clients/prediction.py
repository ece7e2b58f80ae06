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
        timeout: seconds for the whole call: every attempt, retry wait and rate-limit wait (default 300 s in all,
            each attempt connecting within 10 s and reading for up to 120 s); or an ``httpx.Timeout`` for
            per-attempt limits, the whole call then being bounded by the retry count alone.
        max_retries: retries after the first attempt (default 3; 0 disables).
        rate_limits: the pricing tier, ``"F0"`` or ``"S0"``, or a :class:`~customvision_rest.RateLimits`, whose
            documented call rates the client paces itself to (shared by its ``with_options`` copies). By default
            S0, moving to F0 the first time the service says the resource is on the free tier.
        http_client: an ``httpx.Client`` of your own (proxies, transports, limits); never closed by this client.
            Without one, the client opens its own pool on the first request.
        application_id: prefixed to the User-Agent, to tell your application's calls apart.
        retry_policy: a :class:`~customvision_rest.RetryPolicy` for finer control of backoff.
        sleep: the function used to wait between retries (tests pass a fake).
        clock: the monotonic clock deadlines and waits are measured with (tests pass a fake).
    """

    _role = Role.PREDICTION
    _default_api_version = "3.1"
    _api_versions = PREDICTION_API_VERSIONS


class AsyncPredictionClient(AsyncClientBase, PredictionOperations, PredictionWorkflows):
    """Asynchronous client of the Custom Vision Prediction API, for asyncio or trio; arguments as
    :class:`PredictionClient`, with ``http_client`` an ``httpx.AsyncClient`` and ``sleep`` a coroutine function.

    Its methods are coroutine functions. The client belongs to the event loop of its first request.
    """

    _role = Role.PREDICTION
    _default_api_version = "3.1"
    _api_versions = PREDICTION_API_VERSIONS
