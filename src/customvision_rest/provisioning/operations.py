"""The Resource Manager calls that provisioning makes, each written once as a builder of an Operation.

Paths are those of the ``Microsoft.CognitiveServices`` provider; every call carries ``api-version``. Arguments are
checked before anything is sent, with Azure's naming rules, so that a typo costs no request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from .._exceptions import ClientValidationError, ResponseValidationError
from ..core.operation import Operation, operation
from ..core.resources import ResourceKind
from ..models import CustomVisionModel
from .models import ACCOUNT_TYPE, Account, AccountKeys, AsyncOperationStatus, DomainAvailability, SkuAvailability

__all__ = [
    "DEFAULT_ARM_API_VERSION",
    "LongRunningAnswer",
    "ManagementOperations",
    "check_account_name",
    "check_subdomain",
]

DEFAULT_ARM_API_VERSION = "2024-10-01"
"""The ``Microsoft.CognitiveServices`` API version used unless the client is given another."""

_PROVIDER = "providers/Microsoft.CognitiveServices"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GROUP = re.compile(r"^[-\w._()]{1,90}$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
_SUBDOMAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}[A-Za-z0-9]$")
_LOCATION = re.compile(r"^[A-Za-z0-9 ]{2,64}$")
_SKUS = ("F0", "S0")
_KEY_NAMES = {"key1": "Key1", "key2": "Key2"}

M = TypeVar("M", bound=CustomVisionModel)


def _refuse(what: str, value: object, rule: str) -> ClientValidationError:
    return ClientValidationError(f"{what} {value!r} is not valid: {rule}", limit=what, value=value)


def check_subscription(value: str) -> str:
    """A subscription id: a GUID (the portal shows it on the subscription's Overview)."""
    if not isinstance(value, str) or not _GUID.match(value.strip()):
        raise _refuse("subscription_id", value, "expected a GUID such as 00000000-0000-0000-0000-000000000000")
    return value.strip().lower()


def check_resource_group(value: str) -> str:
    """A resource group name: 1 to 90 letters, digits, ``-_.()``, not ending in a period."""
    if not isinstance(value, str) or not _GROUP.match(value) or value.endswith("."):
        raise _refuse("resource_group", value, "1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'")
    return value


def check_account_name(value: str) -> str:
    """An account name: 2 to 64 letters, digits, ``-_.``, starting with a letter or digit."""
    if not isinstance(value, str) or not _ACCOUNT.match(value):
        raise _refuse(
            "account name", value, "2 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    return value


def check_subdomain(value: str) -> str:
    """A custom subdomain: 2 to 64 letters, digits and ``-``, neither starting nor ending with ``-``."""
    if not isinstance(value, str) or not _SUBDOMAIN.match(value):
        raise _refuse("custom subdomain", value, "2 to 64 letters, digits and '-', not starting or ending with '-'")
    return value.lower()


def check_location(value: str) -> str:
    """A region name as ARM writes it (``westeurope``) or as the portal shows it (``West Europe``)."""
    if not isinstance(value, str) or not _LOCATION.match(value.strip()):
        raise _refuse("location", value, "a region name such as 'westeurope'")
    return value.strip()


def check_sku(value: str) -> str:
    """The pricing tier: ``F0`` or ``S0``."""
    if value not in _SKUS:
        raise _refuse("sku", value, "'F0' (free) or 'S0' (standard)")
    return value


def check_kind(value: ResourceKind | str) -> ResourceKind:
    """One of the account kinds that serve Custom Vision."""
    try:
        return ResourceKind(value)
    except ValueError:
        kinds = ", ".join(repr(k.value) for k in ResourceKind)
        raise _refuse("kind", value, f"one of {kinds}") from None


@dataclass(frozen=True)
class LongRunningAnswer:
    """The first answer to a PUT or DELETE that Resource Manager may finish later.

    Attributes:
        status_code: 200, 201, 202 or 204.
        account: the account as the answer described it, when it had a body.
        async_operation: the ``Azure-AsyncOperation`` address to poll, if given.
        location: the ``Location`` address to poll, if given (202 while running).
    """

    status_code: int
    account: Account | None
    async_operation: str | None
    location: str | None


def _model(model: type[M]) -> Callable[[httpx.Response], M]:
    def parse(response: httpx.Response) -> M:
        return model.model_validate_json(response.content)

    return parse


def _values(model: type[M]) -> Callable[[httpx.Response], list[M]]:
    def parse(response: httpx.Response) -> list[M]:
        body = response.json()
        rows = body.get("value") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise ValueError("expected an object with a 'value' list")
        return [model.model_validate(row) for row in rows]

    return parse


class ManagementOperations:
    """Resource Manager operations on Cognitive Services accounts; mixed into both management clients."""

    @property
    def _arm_api_version(self) -> str:
        raise NotImplementedError  # provided by the client this is mixed into

    @property
    def _management_endpoint(self) -> str:
        raise NotImplementedError  # provided by the client this is mixed into

    def _params(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {"api-version": self._arm_api_version, **(extra or {})}

    @staticmethod
    def _account_path(subscription_id: str, resource_group: str, account_name: str) -> str:
        return (
            f"/subscriptions/{check_subscription(subscription_id)}/resourceGroups/"
            f"{quote(check_resource_group(resource_group), safe='')}/{_PROVIDER}/accounts/"
            f"{check_account_name(account_name)}"
        )

    @staticmethod
    def _deleted_path(subscription_id: str, location: str, resource_group: str, account_name: str) -> str:
        region = check_location(location).replace(" ", "").lower()
        return (
            f"/subscriptions/{check_subscription(subscription_id)}/{_PROVIDER}/locations/{region}/resourceGroups/"
            f"{quote(check_resource_group(resource_group), safe='')}/deletedAccounts/{check_account_name(account_name)}"
        )

    # ------------------------------------------------------------------------------------------- accounts

    @operation
    def get_account(self, subscription_id: str, resource_group: str, account_name: str) -> Operation[Account]:
        """Read an account: its kind, SKU, endpoint and ``provisioningState``.

        Raises:
            NotFoundError: no account of that name in the resource group.
        """
        return self._account_get(subscription_id, resource_group, account_name)

    @operation
    def list_accounts(self, subscription_id: str, resource_group: str) -> Operation[list[Account]]:
        """List the Cognitive Services accounts of a resource group (every kind, not only Custom Vision)."""
        group = quote(check_resource_group(resource_group), safe="")
        return Operation(
            name="Accounts_ListByResourceGroup",
            method="GET",
            path=f"/subscriptions/{check_subscription(subscription_id)}/resourceGroups/{group}/{_PROVIDER}/accounts",
            params=self._params(),
            parse=_values(Account),
        )

    @operation
    def list_keys(self, subscription_id: str, resource_group: str, account_name: str) -> Operation[AccountKeys]:
        """Read the account's two keys (needs the ``listKeys`` action, part of Cognitive Services Contributor)."""
        return self._keys_list(subscription_id, resource_group, account_name)

    @operation
    def regenerate_key(
        self, subscription_id: str, resource_group: str, account_name: str, key_name: str
    ) -> Operation[AccountKeys]:
        """Replace ``key1`` or ``key2`` with a new key and return both; clients holding the old one fail with 401.

        Rotate without downtime: regenerate the key nobody uses, switch clients to it
        (:meth:`KeyCredential.update <customvision_rest.KeyCredential.update>`), then regenerate the other.
        """
        wire_name = _KEY_NAMES.get(str(key_name).lower())
        if wire_name is None:
            raise _refuse("key_name", key_name, "'key1' or 'key2'")
        return Operation(
            name="Accounts_RegenerateKey",
            method="POST",
            path=self._account_path(subscription_id, resource_group, account_name) + "/regenerateKey",
            params=self._params(),
            json={"keyName": wire_name},
            parse=_model(AccountKeys),
        )

    @operation
    def get_deleted_account(
        self, subscription_id: str, location: str, resource_group: str, account_name: str
    ) -> Operation[Account]:
        """Read a soft-deleted account, kept for 48 hours after deletion (``NotFoundError`` when there is none)."""
        return self._deleted_get(subscription_id, location, resource_group, account_name)

    @operation
    def check_domain_availability(
        self, subscription_id: str, subdomain: str, kind: ResourceKind | str | None = None
    ) -> Operation[DomainAvailability]:
        """Whether a custom subdomain (``<subdomain>.cognitiveservices.azure.com``) can still be taken."""
        return self._domain_check(subscription_id, subdomain, kind)

    @operation
    def list_skus(self, subscription_id: str) -> Operation[list[SkuAvailability]]:
        """Every SKU of every kind the subscription can create, with the regions offering each.

        Filter the answer yourself: ``[s for s in skus if s.kind == "CustomVision.Training" and s.offered_in(loc)]``.
        """
        return Operation(
            name="ResourceSkus_List",
            method="GET",
            path=f"/subscriptions/{check_subscription(subscription_id)}/{_PROVIDER}/skus",
            params=self._params(),
            parse=_values(SkuAvailability),
        )

    # ------------------------------------------------ the builders the workflows use, and long-running calls

    def _account_get(self, subscription_id: str, resource_group: str, account_name: str) -> Operation[Account]:
        return Operation(
            name="Accounts_Get",
            method="GET",
            path=self._account_path(subscription_id, resource_group, account_name),
            params=self._params(),
            parse=_model(Account),
        )

    def _deleted_get(
        self, subscription_id: str, location: str, resource_group: str, account_name: str
    ) -> Operation[Account]:
        return Operation(
            name="DeletedAccounts_Get",
            method="GET",
            path=self._deleted_path(subscription_id, location, resource_group, account_name),
            params=self._params(),
            parse=_model(Account),
        )

    def _keys_list(self, subscription_id: str, resource_group: str, account_name: str) -> Operation[AccountKeys]:
        return Operation(
            name="Accounts_ListKeys",
            method="POST",
            path=self._account_path(subscription_id, resource_group, account_name) + "/listKeys",
            params=self._params(),
            parse=_model(AccountKeys),
            repeatable=True,  # reads only
        )

    def _domain_check(
        self, subscription_id: str, subdomain: str, kind: ResourceKind | str | None
    ) -> Operation[DomainAvailability]:
        body: dict[str, Any] = {"subdomainName": check_subdomain(subdomain), "type": ACCOUNT_TYPE}
        if kind is not None:
            body["kind"] = check_kind(kind).value
        return Operation(
            name="CheckDomainAvailability",
            method="POST",
            path=f"/subscriptions/{check_subscription(subscription_id)}/{_PROVIDER}/checkDomainAvailability",
            params=self._params(),
            json=body,
            parse=_model(DomainAvailability),
            repeatable=True,  # a question, not an action
        )

    def _put_account(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        body: dict[str, Any],
    ) -> Operation[LongRunningAnswer]:
        # PUT is idempotent: repeating it after a lost answer asks for the same account again.
        return Operation(
            name="Accounts_Create",
            method="PUT",
            path=self._account_path(subscription_id, resource_group, account_name),
            params=self._params(),
            json=body,
            success=frozenset({200, 201, 202}),
            parse=self._long_running,
        )

    def _delete_account(
        self, subscription_id: str, resource_group: str, account_name: str
    ) -> Operation[LongRunningAnswer]:
        return Operation(
            name="Accounts_Delete",
            method="DELETE",
            path=self._account_path(subscription_id, resource_group, account_name),
            params=self._params(),
            success=frozenset({200, 202, 204}),
            parse=self._long_running,
        )

    def _purge_deleted_account(
        self, subscription_id: str, location: str, resource_group: str, account_name: str
    ) -> Operation[LongRunningAnswer]:
        return Operation(
            name="DeletedAccounts_Purge",
            method="DELETE",
            path=self._deleted_path(subscription_id, location, resource_group, account_name),
            params=self._params(),
            success=frozenset({200, 202, 204}),
            parse=self._long_running,
        )

    def _operation_status(self, address: str) -> Operation[AsyncOperationStatus]:
        return Operation(
            name="AsyncOperation_Get",
            method="GET",
            path="",
            absolute_url=self._checked_address(address),
            parse=_model(AsyncOperationStatus),
        )

    def _location_status(self, address: str) -> Operation[int]:
        return Operation(
            name="Location_Get",
            method="GET",
            path="",
            absolute_url=self._checked_address(address),
            success=frozenset({200, 201, 202, 204}),
            parse=lambda response: response.status_code,
        )

    def _long_running(self, response: httpx.Response) -> LongRunningAnswer:
        account = None
        if response.content and response.status_code != 204:
            account = Account.model_validate_json(response.content)
        return LongRunningAnswer(
            status_code=response.status_code,
            account=account,
            async_operation=response.headers.get("azure-asyncoperation"),
            location=response.headers.get("location"),
        )

    def _checked_address(self, address: str) -> str:
        """A polling address from an answer, only if it is on the management endpoint: the token goes with it."""
        expected = urlsplit(self._management_endpoint)
        given = urlsplit(address)
        if (given.scheme, given.netloc.lower()) != (expected.scheme, expected.netloc.lower()):
            raise ResponseValidationError(
                f"Resource Manager answered a polling address on {given.scheme}://{given.netloc}, not on "
                f"{self._management_endpoint}; refusing to send the token there",
                status_code=202,
                request_id=None,
            )
        return address
