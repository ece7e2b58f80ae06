"""Enough of Azure Resource Manager to provision Custom Vision accounts offline.

Accounts of the four kinds that serve Custom Vision are created (asynchronously, followed through an
``Azure-AsyncOperation`` address), read, listed, deleted into a 48-hour soft-deleted state, purged; their keys
are listed and regenerated; subdomains are checked; the SKU list says which regions offer which kind. The
refusals users meet are answered in Resource Manager's error shape: a subdomain in use, a second free account of
a kind, a region without the kind, a reader's token, a soft-deleted name in the way.

A created account becomes a resource of the emulated Custom Vision service (through ``register``), so its
endpoint and keys work for training and prediction at once.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import httpx

__all__ = ["ARM_KINDS", "ArmAccount", "ResourceManager"]

ARM_KINDS = ("CustomVision.Training", "CustomVision.Prediction", "CognitiveServices", "AIServices")
_SKUS = {"F0": "Free", "S0": "Standard"}
_DEFAULT_LOCATIONS = ("westeurope", "northeurope", "eastus", "eastus2", "westus2", "southcentralus", "australiaeast")
_AI_SERVICES_SKUS = ("S0",)
_WRITE_ROLES = frozenset({"Owner", "Contributor", "Cognitive Services Contributor"})
_PROVIDER = r"/providers/microsoft\.cognitiveservices"
_ACCOUNT = re.compile(
    rf"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+){_PROVIDER}/accounts/(?P<name>[^/]+)"
    r"(?P<action>/listkeys|/regeneratekey)?/?$",
    re.IGNORECASE,
)
_ACCOUNTS = re.compile(rf"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+){_PROVIDER}/accounts/?$", re.I)
_DELETED = re.compile(
    rf"^/subscriptions/(?P<sub>[^/]+){_PROVIDER}/locations/(?P<loc>[^/]+)/resourcegroups/(?P<rg>[^/]+)"
    r"/deletedaccounts/(?P<name>[^/]+)/?$",
    re.IGNORECASE,
)
_OPERATION = re.compile(
    rf"^/subscriptions/(?P<sub>[^/]+){_PROVIDER}/locations/(?P<loc>[^/]+)/operationresults/(?P<id>[^/]+)/?$", re.I
)
_DOMAIN_CHECK = re.compile(rf"^/subscriptions/(?P<sub>[^/]+){_PROVIDER}/checkdomainavailability/?$", re.IGNORECASE)
_SKU_LIST = re.compile(rf"^/subscriptions/(?P<sub>[^/]+){_PROVIDER}/skus/?$", re.IGNORECASE)


@dataclass
class ArmAccount:
    """One emulated account as Resource Manager knows it."""

    subscription: str
    resource_group: str
    name: str
    kind: str
    sku: str
    location: str
    subdomain: str | None
    key1: str = field(repr=False)
    key2: str = field(repr=False)
    state: str = "Creating"
    polls_left: int = 1
    tags: dict[str, str] = field(default_factory=dict)
    created: str = field(default_factory=lambda: _timestamp(datetime.now(timezone.utc)))
    deleted: str | None = None

    @property
    def resource_id(self) -> str:
        """The account's full ARM id, which publishing to a prediction resource names."""
        return (
            f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.CognitiveServices/accounts/{self.name}"
        )

    def key_of(self) -> tuple[str, str, str]:
        """What identifies the account: subscription, resource group and name, case-insensitively."""
        return (self.subscription.lower(), self.resource_group.lower(), self.name.lower())


@dataclass
class _Operation:
    account: ArmAccount
    action: str  # "create", "delete" or "purge"
    polls_left: int
    status: str = "InProgress"


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _error(status: int, code: str, message: str) -> httpx.Response:
    return _json(status, {"error": {"code": code, "message": message}})


def _json(status: int, body: object, headers: Mapping[str, str] | None = None) -> httpx.Response:
    content = json.dumps(body, separators=(",", ":")).encode()
    return httpx.Response(
        status, content=content, headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )


class ResourceManager:
    """Answers Resource Manager requests (paths under ``/subscriptions/``) for Cognitive Services accounts.

    Args:
        tokens: accepted bearer tokens, each with its role (``Contributor``, ``Reader``...); a reader may look
            but not create, delete or read keys.
        register: called with an account once it is ready, to serve it as a Custom Vision resource.
        unregister: called with an account when it is deleted.
        polls_to_finish: how many status reads a creation, deletion or purge answers ``InProgress`` first.
        locations: the regions that offer every kind (all of them by default).
    """

    def __init__(
        self,
        tokens: Mapping[str, str],
        register: Callable[[ArmAccount], None] | None = None,
        unregister: Callable[[ArmAccount], None] | None = None,
        polls_to_finish: int = 1,
        locations: tuple[str, ...] = _DEFAULT_LOCATIONS,
    ) -> None:
        self._tokens = dict(tokens)
        self._register = register or (lambda account: None)
        self._unregister = unregister or (lambda account: None)
        self._polls = max(0, polls_to_finish)
        self._locations = tuple(loc.lower() for loc in locations)
        self._accounts: dict[tuple[str, str, str], ArmAccount] = {}
        self._deleted: dict[tuple[str, str, str], ArmAccount] = {}
        self._operations: dict[str, _Operation] = {}
        self._lock = threading.Lock()

    def accounts(self) -> list[ArmAccount]:
        """The accounts that exist now (not the soft-deleted ones)."""
        with self._lock:
            return list(self._accounts.values())

    def handle(self, request: httpx.Request, base_url: str) -> httpx.Response:
        """Answer one request; ``base_url`` is the address the request reached (the accounts' endpoint)."""
        path = request.url.path
        query = parse_qs(request.url.query.decode())
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
        role = self._tokens.get(token.strip())
        if role is None:
            return _error(401, "InvalidAuthenticationToken", "The access token is invalid.")
        if not query.get("api-version"):
            return _error(
                400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required."
            )
        writes = request.method in ("PUT", "DELETE") or (
            request.method == "POST" and "domainavailability" not in path.lower()
        )
        if writes and role not in _WRITE_ROLES:
            return _error(
                403,
                "AuthorizationFailed",
                f"The client with role '{role}' does not have authorization to perform action "
                f"'Microsoft.CognitiveServices/accounts/{'listKeys/action' if request.method == 'POST' else 'write'}' "
                f"over scope '{path}' or the scope is invalid.",
            )
        with self._lock:
            return self._route(request, path, base_url)

    def _route(self, request: httpx.Request, path: str, base_url: str) -> httpx.Response:
        method = request.method
        if match := _ACCOUNT.match(path):
            key = (match["sub"].lower(), match["rg"].lower(), match["name"].lower())
            action = (match["action"] or "").lower()
            if action == "/listkeys" and method == "POST":
                return self._keys(key)
            if action == "/regeneratekey" and method == "POST":
                return self._regenerate(key, request)
            if not action and method == "PUT":
                return self._put(match["sub"], match["rg"], match["name"], request, base_url)
            if not action and method == "GET":
                return self._get(key, base_url)
            if not action and method == "DELETE":
                return self._delete(key, base_url)
        elif (match := _ACCOUNTS.match(path)) and method == "GET":
            group = (match["sub"].lower(), match["rg"].lower())
            rows = [self._body(a, base_url) for k, a in self._accounts.items() if k[:2] == group]
            return _json(200, {"value": rows})
        elif match := _DELETED.match(path):
            key = (match["sub"].lower(), match["rg"].lower(), match["name"].lower())
            account = self._deleted.get(key)
            if account is None or account.location != match["loc"].lower():
                return _error(404, "ResourceNotFound", f"The deleted account '{match['name']}' was not found.")
            if method == "GET":
                return _json(200, self._body(account, base_url))
            if method == "DELETE":
                return self._start(account, "purge", base_url)
        elif (match := _OPERATION.match(path)) and method == "GET":
            return self._operation_status(match["id"])
        elif (match := _DOMAIN_CHECK.match(path)) and method == "POST":
            return self._check_domain(request)
        elif (match := _SKU_LIST.match(path)) and method == "GET":
            return _json(200, {"value": self._skus()})
        return _error(404, "InvalidResourceType", f"The resource type could not be found for {method} {path}.")

    # ------------------------------------------------------------------------------------------ answers

    def _put(self, sub: str, group: str, name: str, request: httpx.Request, base_url: str) -> httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            return _error(
                400, "InvalidRequestContent", "The request content was invalid and could not be deserialized."
            )
        key = (sub.lower(), group.lower(), name.lower())
        existing = self._accounts.get(key)
        if existing is not None:
            if isinstance(body.get("tags"), dict):
                existing.tags = {str(k): str(v) for k, v in body["tags"].items()}
            return _json(200, self._body(existing, base_url))
        kind, location = str(body.get("kind", "")), str(body.get("location", "")).replace(" ", "").lower()
        sku = str((body.get("sku") or {}).get("name", ""))
        properties = body.get("properties") or {}
        subdomain = properties.get("customSubDomainName")
        if kind not in ARM_KINDS:
            return _error(400, "InvalidApiSetId", f"The account type '{kind}' is either invalid or unavailable.")
        if location not in self._locations:
            return _error(
                400,
                "LocationNotAvailableForResourceType",
                f"The provided location '{location}' is not available for kind '{kind}'. "
                f"List of available regions is '{','.join(self._locations)}'.",
            )
        if sku not in _SKUS or (kind == "AIServices" and sku not in _AI_SERVICES_SKUS):
            return _error(400, "InvalidSkuId", f"The SKU '{sku}' is not supported for kind '{kind}'.")
        if key in self._deleted and not properties.get("restore"):
            return _error(
                409,
                "FlagMustBeSetForRestore",
                f"An existing resource with ID '{self._deleted[key].resource_id}' has been soft-deleted. To restore "
                "the resource, you must specify 'restore' to be 'true' in the property. If you don't want to restore "
                "existing resource, please purge it first.",
            )
        if sku == "F0" and any(
            a.kind == kind and a.sku == "F0" and a.subscription.lower() == key[0] for a in self._accounts.values()
        ):
            return _error(
                409,
                "CanNotCreateMultipleFreeAccounts",
                f"Operation failed. Only one free account is allowed for account type '{kind}'.",
            )
        if subdomain and self._subdomain_holder(str(subdomain)) is not None:
            return _error(
                409,
                "CustomDomainInUse",
                f"Please pick a different name. The subdomain name '{subdomain}' is not available as it's already "
                "used by a resource. If the resource using the name was deleted in the last 48 hours, you may need "
                "to purge the deleted resource.",
            )
        restored = self._deleted.pop(key, None)
        account = restored or ArmAccount(
            subscription=sub,
            resource_group=group,
            name=name,
            kind=kind,
            sku=sku,
            location=location,
            subdomain=str(subdomain).lower() if subdomain else None,
            key1=secrets.token_hex(16),
            key2=secrets.token_hex(16),
        )
        account.deleted = None
        account.state = "Creating"
        if isinstance(body.get("tags"), dict):
            account.tags = {str(k): str(v) for k, v in body["tags"].items()}
        self._accounts[key] = account
        return self._start(account, "create", base_url, status=201)

    def _start(self, account: ArmAccount, action: str, base_url: str, status: int = 202) -> httpx.Response:
        operation_id = str(uuid.uuid4())
        self._operations[operation_id] = _Operation(account, action, self._polls)
        if action == "delete":
            account.state = "Deleting"
        if self._polls == 0:
            self._finish(self._operations[operation_id])
        address = (
            f"{base_url}/subscriptions/{account.subscription}/providers/Microsoft.CognitiveServices/locations/"
            f"{account.location}/operationResults/{operation_id}?api-version=2024-10-01"
        )
        headers = {"Azure-AsyncOperation": address, "Retry-After": "1"}
        if action == "create":
            return _json(status, self._body(account, base_url), headers)
        return httpx.Response(202, headers=headers)

    def _operation_status(self, operation_id: str) -> httpx.Response:
        operation = self._operations.get(operation_id)
        if operation is None:
            return _error(404, "OperationNotFound", f"The operation '{operation_id}' was not found.")
        if operation.status == "InProgress":
            if operation.polls_left > 0:
                operation.polls_left -= 1
            else:
                self._finish(operation)
        return _json(200, {"name": operation_id, "status": operation.status})

    def _finish(self, operation: _Operation) -> None:
        account, key = operation.account, operation.account.key_of()
        operation.status = "Succeeded"
        if operation.action == "create":
            account.state = "Succeeded"
            self._register(account)
        elif operation.action == "delete":
            self._accounts.pop(key, None)
            now = datetime.now(timezone.utc)
            account.deleted = _timestamp(now)
            account.state = "Deleted"
            self._deleted[key] = account
            self._unregister(account)
        else:
            self._deleted.pop(key, None)

    def _get(self, key: tuple[str, str, str], base_url: str) -> httpx.Response:
        account = self._accounts.get(key)
        if account is None:
            return _error(
                404,
                "ResourceNotFound",
                f"The Resource 'Microsoft.CognitiveServices/accounts/{key[2]}' under resource group '{key[1]}' was "
                "not found.",
            )
        if account.state == "Creating":
            pending = [op for op in self._operations.values() if op.account is account and op.status == "InProgress"]
            for operation in pending:  # reading the account also moves the work on, as time would
                self._operation_status(next(i for i, op in self._operations.items() if op is operation))
        return _json(200, self._body(account, base_url))

    def _delete(self, key: tuple[str, str, str], base_url: str) -> httpx.Response:
        account = self._accounts.get(key)
        if account is None:
            return httpx.Response(204)
        return self._start(account, "delete", base_url)

    def _keys(self, key: tuple[str, str, str]) -> httpx.Response:
        account = self._accounts.get(key)
        if account is None:
            return _error(404, "ResourceNotFound", f"The account '{key[2]}' was not found.")
        return _json(200, {"key1": account.key1, "key2": account.key2})

    def _regenerate(self, key: tuple[str, str, str], request: httpx.Request) -> httpx.Response:
        account = self._accounts.get(key)
        if account is None:
            return _error(404, "ResourceNotFound", f"The account '{key[2]}' was not found.")
        try:
            which = str(json.loads(request.content or b"{}").get("keyName", "")).lower()
        except ValueError:
            which = ""
        if which not in ("key1", "key2"):
            return _error(400, "InvalidKeyName", "keyName must be 'Key1' or 'Key2'.")
        setattr(account, which, secrets.token_hex(16))
        if account.state == "Succeeded":
            self._register(account)
        return _json(200, {"key1": account.key1, "key2": account.key2})

    def _check_domain(self, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            body = {}
        subdomain = str(body.get("subdomainName", ""))
        holder = self._subdomain_holder(subdomain)
        answer: dict[str, object] = {
            "isSubdomainAvailable": holder is None,
            "subdomainName": subdomain,
            "type": body.get("type", "Microsoft.CognitiveServices/accounts"),
        }
        if body.get("kind"):
            answer["kind"] = body["kind"]
        if holder is not None:
            answer["reason"] = f"Sub domain name '{subdomain}' is already used."
        return _json(200, answer)

    def _subdomain_holder(self, subdomain: str) -> ArmAccount | None:
        wanted = subdomain.lower()
        for account in (*self._accounts.values(), *self._deleted.values()):
            if account.subdomain == wanted:
                return account
        return None

    def _skus(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for kind in ARM_KINDS:
            for sku, tier in _SKUS.items():
                if kind == "AIServices" and sku not in _AI_SERVICES_SKUS:
                    continue
                rows.append(
                    {
                        "resourceType": "accounts",
                        "name": sku,
                        "tier": tier,
                        "kind": kind,
                        "locations": [loc.upper() for loc in self._locations],
                        "restrictions": [],
                    }
                )
        return rows

    def _body(self, account: ArmAccount, base_url: str) -> dict[str, object]:
        properties: dict[str, object] = {
            "provisioningState": account.state,
            "endpoint": f"{base_url}/",
            "dateCreated": account.created,
        }
        if account.subdomain:
            properties["customSubDomainName"] = account.subdomain
        if account.deleted:
            deleted = datetime.strptime(account.deleted, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
            properties["deletionDate"] = account.deleted
            properties["scheduledPurgeDate"] = _timestamp(deleted + timedelta(hours=48))
        return {
            "id": account.resource_id,
            "name": account.name,
            "type": "Microsoft.CognitiveServices/accounts",
            "location": account.location,
            "kind": account.kind,
            "sku": {"name": account.sku, "tier": _SKUS[account.sku]},
            "tags": account.tags,
            "properties": properties,
        }
