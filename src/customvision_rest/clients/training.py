"""The Training API clients: projects, tags, images, training, publishing and export."""

from __future__ import annotations

from ..core.resources import Role
from ..operations.training import TRAINING_API_VERSIONS, TrainingOperations
from ..workflows.bulk import BulkWorkflows
from ..workflows.dataset import DatasetWorkflows
from ..workflows.export import ExportWorkflows
from ..workflows.paging import PagingWorkflows
from ..workflows.training import TrainingWorkflows
from ._base import AsyncClientBase, SyncClientBase

__all__ = ["AsyncTrainingClient", "TrainingClient"]


class TrainingClient(
    SyncClientBase,
    TrainingOperations,
    TrainingWorkflows,
    BulkWorkflows,
    DatasetWorkflows,
    PagingWorkflows,
    ExportWorkflows,
):
    """Blocking client of the Custom Vision Training API.

    Args:
        endpoint: a :class:`~customvision_rest.Resource` serving training, or the endpoint URL.
        credential: with an endpoint URL, the key (``str`` or ``KeyCredential``) or a token credential.
        api_version: ``"3.3"`` (default), ``"3.0"``, ``"3.1"``, ``"3.2"`` or ``"3.4-preview"``.
        timeout: seconds for the whole call: every attempt, retry wait and rate-limit wait (default 300 s in all,
            each attempt connecting within 10 s and reading for up to 120 s); or an ``httpx.Timeout`` for
            per-attempt limits, the whole call then being bounded by the retry count alone.
        max_retries: retries after the first attempt (default 3; 0 disables). Calls that create something
            (projects, tags, training, publishing, exports, imports) are retried only when the service
            surely did not process them (429, connection refused).
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

    _role = Role.TRAINING
    _default_api_version = "3.3"
    _api_versions = TRAINING_API_VERSIONS


class AsyncTrainingClient(
    AsyncClientBase,
    TrainingOperations,
    TrainingWorkflows,
    BulkWorkflows,
    DatasetWorkflows,
    PagingWorkflows,
    ExportWorkflows,
):
    """Asynchronous client of the Custom Vision Training API, for asyncio or trio; arguments as
    :class:`TrainingClient`, with ``http_client`` an ``httpx.AsyncClient`` and ``sleep`` a coroutine function.

    Its methods are coroutine functions. The client belongs to the event loop of its first request.
    """

    _role = Role.TRAINING
    _default_api_version = "3.3"
    _api_versions = TRAINING_API_VERSIONS
