"""Azure Resource Manager's view of a Cognitive Services account, as the provisioning calls read and write it.

Only what provisioning needs is declared; like every wire model here, unknown fields are kept, so a newer
Resource Manager never breaks a pinned client.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..core.resources import AzureResourceId
from ..models import CustomVisionModel

__all__ = [
    "Account",
    "AccountKeys",
    "AccountProperties",
    "AccountSku",
    "AsyncOperationStatus",
    "DomainAvailability",
    "ProvisioningState",
    "SkuAvailability",
]

ACCOUNT_TYPE = "Microsoft.CognitiveServices/accounts"
"""The ARM resource type of every Cognitive Services account, Custom Vision ones included."""


class ProvisioningState:
    """The values of ``properties.provisioningState`` (an open set: Resource Manager may add more)."""

    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    CANCELED = "Canceled"
    ACCEPTED = "Accepted"
    CREATING = "Creating"
    DELETING = "Deleting"
    RESOLVING_DNS = "ResolvingDNS"


class AccountSku(CustomVisionModel):
    """The pricing tier: ``F0`` (free, one per kind and subscription) or ``S0``."""

    name: str
    tier: str | None = None


class AccountProperties(CustomVisionModel):
    """The account's properties that provisioning reads and sets."""

    provisioning_state: str | None = None
    endpoint: str | None = None
    custom_sub_domain_name: str | None = None
    public_network_access: str | None = None
    endpoints: dict[str, str] | None = None
    date_created: str | None = None
    deletion_date: str | None = None
    scheduled_purge_date: str | None = None


class Account(CustomVisionModel):
    """A Cognitive Services account (an Azure AI Services, Custom Vision Training or Prediction resource)."""

    id: str
    name: str
    location: str
    kind: str
    type: str | None = None
    sku: AccountSku | None = None
    etag: str | None = None
    tags: dict[str, str] | None = None
    properties: AccountProperties = Field(default_factory=AccountProperties)

    @property
    def resource_id(self) -> AzureResourceId:
        """The parsed resource id: what publishing to a prediction resource needs."""
        return AzureResourceId.parse(self.id)

    @property
    def provisioning_state(self) -> str | None:
        """``properties.provisioningState``: ``Succeeded`` once the account can be used."""
        return self.properties.provisioning_state


class AccountKeys(CustomVisionModel):
    """The account's two keys; neither is ever shown by ``repr`` or ``str``."""

    key1: str = Field(repr=False)
    key2: str = Field(repr=False)


class DomainAvailability(CustomVisionModel):
    """The answer of ``checkDomainAvailability``: whether a custom subdomain can still be taken."""

    is_subdomain_available: bool
    subdomain_name: str | None = None
    reason: str | None = None
    type: str | None = None
    kind: str | None = None


class SkuAvailability(CustomVisionModel):
    """One row of the SKU list: a pricing tier of an account kind and the regions that offer it."""

    name: str
    kind: str | None = None
    tier: str | None = None
    resource_type: str | None = None
    locations: list[str] = Field(default_factory=list)
    restrictions: list[dict[str, Any]] = Field(default_factory=list)

    def offered_in(self, location: str) -> bool:
        """Whether the region offers this SKU, ignoring case and spaces (``West Europe`` = ``westeurope``)."""
        wanted = _region(location)
        return any(_region(offered) == wanted for offered in self.locations)


class AsyncOperationStatus(CustomVisionModel):
    """What an ``Azure-AsyncOperation`` address answers while Resource Manager works."""

    status: str
    name: str | None = None
    error: dict[str, Any] | None = None


def _region(location: str) -> str:
    return location.replace(" ", "").lower()
