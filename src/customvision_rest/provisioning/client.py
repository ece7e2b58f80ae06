"""The management clients: Resource Manager over the same runtime as the Custom Vision clients."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable

import httpx

from .._exceptions import ConfigurationError
from ..clients import AsyncClientBase, SyncClientBase
from ..core.credentials import is_token_credential
from ..core.pipeline import ClientConfig
from ..core.ratelimit import RateLimits
from ..core.resources import Resource, ResourceKind, Role
from ..core.retry import RetryPolicy
from .operations import DEFAULT_ARM_API_VERSION
from .workflows import ProvisioningWorkflows

__all__ = ["DEFAULT_MANAGEMENT_ENDPOINT", "MANAGEMENT_SCOPE", "AsyncManagementClient", "ManagementClient"]

DEFAULT_MANAGEMENT_ENDPOINT = "https://management.azure.com"
"""Resource Manager of Azure's public cloud; other clouds (US Government, China) have their own."""

MANAGEMENT_SCOPE = "https://management.azure.com/.default"
"""The Entra ID scope for Resource Manager."""

_ARM_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")


class _ManagementClient(ProvisioningWorkflows):
    """What both management clients share: the endpoint, the token-only credential and the API version."""

    # Management calls carry a bearer token only: the role never selects a key header here.
    _role = Role.TRAINING
    _default_api_version = DEFAULT_ARM_API_VERSION
    _api_versions = frozenset({DEFAULT_ARM_API_VERSION})
    _token_scope = MANAGEMENT_SCOPE
    _config: ClientConfig

    def _checked_api_version(self, api_version: object) -> str:
        version = DEFAULT_ARM_API_VERSION if api_version is None else api_version
        if not isinstance(version, str) or not _ARM_VERSION.match(version):
            raise ConfigurationError(
                f"api_version must be a Resource Manager version such as {DEFAULT_ARM_API_VERSION!r}, "
                f"got {api_version!r}"
            )
        return version

    def _resolve_resource(self, endpoint: str | Resource, credential: object) -> Resource:
        if isinstance(endpoint, Resource):
            raise ConfigurationError(f"{type(self).__name__} takes the management endpoint URL, not a Resource")
        if not is_token_credential(credential):
            raise ConfigurationError(
                f"{type(self).__name__} needs a token credential with get_token(*scopes), such as "
                "azure.identity.DefaultAzureCredential: Resource Manager accepts no keys"
            )
        # The kind is never used for management calls; the endpoint and credential are.
        return Resource(endpoint, credential, ResourceKind.MULTI_SERVICE)  # type: ignore[arg-type]

    @property
    def _arm_api_version(self) -> str:
        return self._config.api_version

    @property
    def _management_endpoint(self) -> str:
        return self._config.resource.endpoint

    @property
    def management_endpoint(self) -> str:
        """The Resource Manager endpoint requests go to."""
        return self._config.resource.endpoint

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(endpoint={self.management_endpoint!r}, "
            f"credential=<{type(self._config.resource.credential).__name__}>, api_version={self._arm_api_version!r})"
        )


class ManagementClient(_ManagementClient, SyncClientBase):
    """Blocking client of Azure Resource Manager, for creating the resources Custom Vision runs on.

    Args:
        credential: a token credential with ``get_token(*scopes)``, such as ``azure.identity.DefaultAzureCredential``
            (Resource Manager accepts no keys); its tokens are asked for ``https://management.azure.com/.default``.
        endpoint: Resource Manager's endpoint; another cloud's, or the emulator's address for offline work.
        api_version: the ``Microsoft.CognitiveServices`` API version (default ``2024-10-01``).
        timeout, max_retries, http_client, application_id, retry_policy, sleep, clock: as for
            :class:`~customvision_rest.TrainingClient`. No client-side rate limit applies by default.
    """

    def __init__(
        self,
        credential: object,
        *,
        endpoint: str = DEFAULT_MANAGEMENT_ENDPOINT,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        rate_limits: RateLimits | None = None,
        http_client: httpx.Client | None = None,
        application_id: str | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            endpoint,
            credential,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            rate_limits=rate_limits or RateLimits.none(),
            http_client=http_client,
            application_id=application_id,
            retry_policy=retry_policy,
            sleep=sleep,
            clock=clock,
        )


class AsyncManagementClient(_ManagementClient, AsyncClientBase):
    """Asynchronous client of Azure Resource Manager; arguments as :class:`ManagementClient`, with an
    ``azure.identity.aio`` (or blocking) credential, ``http_client`` an ``httpx.AsyncClient`` and ``sleep`` a
    coroutine function. Its methods are coroutine functions."""

    def __init__(
        self,
        credential: object,
        *,
        endpoint: str = DEFAULT_MANAGEMENT_ENDPOINT,
        api_version: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        rate_limits: RateLimits | None = None,
        http_client: httpx.AsyncClient | None = None,
        application_id: str | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            endpoint,
            credential,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            rate_limits=rate_limits or RateLimits.none(),
            http_client=http_client,
            application_id=application_id,
            retry_policy=retry_policy,
            sleep=sleep,
            clock=clock,
        )
