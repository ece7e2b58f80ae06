"""Provisioning: create the Azure resources Custom Vision runs on, through Resource Manager's REST API.

Start with :class:`ManagementClient` (or :class:`AsyncManagementClient`) and an azure-identity credential;
:meth:`~ManagementClient.provision_pair` creates a training and a prediction resource (or one multi-service
account) and returns them as :class:`~customvision_rest.Resource` objects that the clients accept as they are.
See docs/provisioning.md.
"""

from .client import DEFAULT_MANAGEMENT_ENDPOINT, MANAGEMENT_SCOPE, AsyncManagementClient, ManagementClient
from .errors import (
    AccountKindMismatchError,
    FreeTierLimitError,
    KindNotAvailableError,
    MissingPermissionError,
    ProvisioningError,
    ProvisioningFailedError,
    SoftDeletedNameError,
    SubdomainTakenError,
)
from .models import Account, AccountKeys, AccountProperties, AccountSku, DomainAvailability, SkuAvailability
from .operations import DEFAULT_ARM_API_VERSION
from .workflows import DEFAULT_PROVISIONING_TIMEOUT, PAIR_KINDS, ProvisionedPair

__all__ = [
    "DEFAULT_ARM_API_VERSION",
    "DEFAULT_MANAGEMENT_ENDPOINT",
    "DEFAULT_PROVISIONING_TIMEOUT",
    "MANAGEMENT_SCOPE",
    "PAIR_KINDS",
    "Account",
    "AccountKeys",
    "AccountKindMismatchError",
    "AccountProperties",
    "AccountSku",
    "AsyncManagementClient",
    "DomainAvailability",
    "FreeTierLimitError",
    "KindNotAvailableError",
    "ManagementClient",
    "MissingPermissionError",
    "ProvisionedPair",
    "ProvisioningError",
    "ProvisioningFailedError",
    "SkuAvailability",
    "SoftDeletedNameError",
    "SubdomainTakenError",
]
