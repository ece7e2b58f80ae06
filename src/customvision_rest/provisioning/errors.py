"""What can go wrong while provisioning, said in terms of what to do about it.

::

    ProvisioningError (CustomVisionError)    base; ``code``, ``message`` and ``advice``
    ├── SubdomainTakenError                  the custom subdomain belongs to another account (CustomDomainInUse)
    ├── FreeTierLimitError                   a second F0 account of one kind (CanNotCreateMultipleFreeAccounts)
    ├── KindNotAvailableError                the region does not offer the kind or SKU
    ├── MissingPermissionError               403: the identity lacks a role on the scope
    ├── SoftDeletedNameError                 a deleted account of that name waits to be purged
    ├── AccountKindMismatchError             an account of that name exists with another kind
    └── ProvisioningFailedError              Resource Manager ended the work in Failed or Canceled

Errors raised from a Resource Manager answer keep it as ``__cause__`` (an :class:`~customvision_rest.APIStatusError`
with the status, code, message and request id).
"""

from __future__ import annotations

from typing import Any

from .._exceptions import APIStatusError, CustomVisionError

__all__ = [
    "AccountKindMismatchError",
    "FreeTierLimitError",
    "KindNotAvailableError",
    "MissingPermissionError",
    "ProvisioningError",
    "ProvisioningFailedError",
    "SoftDeletedNameError",
    "SubdomainTakenError",
    "translate_error",
]


class ProvisioningError(CustomVisionError):
    """Provisioning could not go on; ``advice`` says what to do.

    Attributes:
        code: Resource Manager's error code, when the error came from an answer.
        message: what Resource Manager (or this library) said.
        advice: the next step for the user.
        status_code: the HTTP status of the answer, if any.
    """

    def __init__(self, message: str, *, advice: str, code: str | None = None, status_code: int | None = None) -> None:
        self.code = code
        self.message = message
        self.advice = advice
        self.status_code = status_code
        head = f"{code}: {message}" if code else message
        super().__init__(f"{head} ({advice})" if advice else head)


class SubdomainTakenError(ProvisioningError):
    """The custom subdomain is used by another account, possibly a soft-deleted one of the last 48 hours."""


class FreeTierLimitError(ProvisioningError):
    """A subscription holds one F0 account per kind: this one would be the second."""


class KindNotAvailableError(ProvisioningError):
    """The region does not offer this account kind or SKU."""


class MissingPermissionError(ProvisioningError):
    """The identity is authenticated but holds no role that allows the action."""


class SoftDeletedNameError(ProvisioningError):
    """A deleted account with this name is kept for 48 hours; purge it to reuse the name.

    Attributes:
        location, resource_group, account_name: what to pass to ``purge_deleted_account``.
    """

    def __init__(
        self, message: str, *, advice: str, location: str, resource_group: str, account_name: str, **kwargs: Any
    ) -> None:
        super().__init__(message, advice=advice, **kwargs)
        self.location = location
        self.resource_group = resource_group
        self.account_name = account_name


class AccountKindMismatchError(ProvisioningError):
    """An account of this name exists already, with another kind; provisioning never changes a kind."""


class ProvisioningFailedError(ProvisioningError):
    """Resource Manager finished the work in ``Failed`` or ``Canceled``."""


_ROLE_ADVICE = (
    "the identity needs a role such as 'Cognitive Services Contributor' or 'Contributor' on the resource group "
    "(reading keys needs Microsoft.CognitiveServices/accounts/listKeys/action); ask an owner to assign it"
)
_REGION_CODES = frozenset(
    {"LocationNotAvailableForResourceType", "InvalidResourceLocation", "SkuNotAvailable", "InvalidApiSetId"}
)


def translate_error(
    error: APIStatusError, *, subscription_id: str, resource_group: str, account_name: str, location: str, kind: str
) -> CustomVisionError:
    """The provisioning error an ARM error answer means, or the answer's own error when it means nothing more."""
    code, message, status = error.code, error.message, error.status_code
    common: dict[str, Any] = {"code": code, "status_code": status}
    if code == "CustomDomainInUse":
        return SubdomainTakenError(
            message,
            advice="choose another custom subdomain, or purge the deleted account that holds it",
            **common,
        )
    if code == "CanNotCreateMultipleFreeAccounts":
        return FreeTierLimitError(
            message, advice=f"use sku='S0', or delete the subscription's other F0 {kind} account", **common
        )
    if code in _REGION_CODES:
        return KindNotAvailableError(
            message, advice=f"list the regions that offer {kind} with list_skus(subscription_id, kind=...)", **common
        )
    if status == 403 or code in ("AuthorizationFailed", "LinkedAuthorizationFailed"):
        return MissingPermissionError(message, advice=_ROLE_ADVICE, **common)
    if code == "FlagMustBeSetForRestore":
        return SoftDeletedNameError(
            message,
            advice=(
                f"purge it first: purge_deleted_account({subscription_id!r}, {location!r}, {resource_group!r}, "
                f"{account_name!r}), or `customvision-rest deprovision --purge`; or wait 48 hours"
            ),
            location=location,
            resource_group=resource_group,
            account_name=account_name,
            **common,
        )
    return error
