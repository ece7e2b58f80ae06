"""Provisioning as workflows: create, wait, read keys, delete and purge, written once for both clients."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from .._exceptions import APIStatusError, ClientValidationError, CustomVisionError, NotFoundError
from ..core.credentials import KeyCredential
from ..core.operation import Sleep, Workflow, call, now, workflow
from ..core.resources import Resource, ResourceKind
from ..workflows.polling import PollPlan, PollSchedule, State, wait_for
from .errors import (
    AccountKindMismatchError,
    ProvisioningFailedError,
    SoftDeletedNameError,
    SubdomainTakenError,
    translate_error,
)
from .models import Account, AsyncOperationStatus, ProvisioningState
from .operations import (
    LongRunningAnswer,
    ManagementOperations,
    check_account_name,
    check_kind,
    check_location,
    check_resource_group,
    check_sku,
    check_subdomain,
    check_subscription,
)

__all__ = ["DEFAULT_PROVISIONING_TIMEOUT", "ProvisionedPair", "ProvisioningWorkflows", "PAIR_KINDS"]

DEFAULT_PROVISIONING_TIMEOUT = 900.0
"""Creating an account usually takes seconds to a minute; waits give up after 15 minutes unless told otherwise."""

PAIR_KINDS = ("both", "multi-service", "training", "prediction")
"""What :meth:`~ProvisioningWorkflows.provision_pair` can create, as in the portal's "Create options"."""

_SCHEDULE = PollSchedule(initial=1.0, maximum=10.0, factor=1.5)
_DONE = (ProvisioningState.SUCCEEDED,)
_FAILED = (ProvisioningState.FAILED, ProvisioningState.CANCELED)

AccountProgress = Callable[[str], None]
"""Called with a line saying how provisioning goes ("creating fruit: Creating", ...)."""


@dataclass(frozen=True)
class ProvisionedPair:
    """The training and prediction resources the scenario starts with, ready for the clients.

    For a multi-service account both are the same account (one endpoint and key for both roles).
    """

    training: Resource
    prediction: Resource

    def environment(self) -> dict[str, str]:
        """The five ``VISION_*`` variables that ``Resource.from_environment`` and ``demo`` read.

        The values include the keys: treat the mapping as a secret.
        """
        return {
            "VISION_TRAINING_ENDPOINT": self.training.endpoint + "/",
            "VISION_TRAINING_KEY": _key_of(self.training),
            "VISION_PREDICTION_ENDPOINT": self.prediction.endpoint + "/",
            "VISION_PREDICTION_KEY": _key_of(self.prediction),
            "VISION_PREDICTION_RESOURCE_ID": str(self.prediction.resource_id or ""),
        }


def _key_of(resource: Resource) -> str:
    key = getattr(resource.credential, "key", "")
    return key if isinstance(key, str) else ""


def _judge_account(account: Account) -> State:
    state = account.provisioning_state
    if state in _DONE:
        return State.SUCCEEDED
    if state in _FAILED:
        return State.FAILED
    return State.RUNNING


def _judge_operation(status: AsyncOperationStatus) -> State:
    if status.status in _DONE:
        return State.SUCCEEDED
    if status.status in _FAILED:
        return State.FAILED
    return State.RUNNING


def _judge_location(status_code: int) -> State:
    return State.RUNNING if status_code == 202 else State.SUCCEEDED


def _failed(what: str) -> Callable[[Any], CustomVisionError]:
    def failure(state: Any) -> CustomVisionError:
        error = getattr(state, "error", None) or {}
        code = error.get("code") if isinstance(error, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        shown = getattr(state, "provisioning_state", None) or getattr(state, "status", None)
        return ProvisioningFailedError(
            message or f"{what} ended in {shown}",
            advice="see the activity log of the resource group in the Azure portal for the cause",
            code=code,
        )

    return failure


class _Deadline:
    """One deadline shared by every wait of a workflow, so that the whole call keeps to its timeout."""

    def __init__(self, start: float, timeout: float | None) -> None:
        self._end = None if timeout is None else start + timeout
        self.timeout = timeout

    def left(self, current: float) -> float | None:
        return None if self._end is None else max(0.0, self._end - current)


class _AccountArguments(NamedTuple):
    """The arguments that name and shape an account, each checked before anything is sent."""

    subscription: str
    group: str
    name: str
    kind: ResourceKind
    region: str
    sku: str
    limit: float | None


def _check_account_arguments(
    subscription_id: str,
    resource_group: str,
    account_name: str,
    kind: ResourceKind | str,
    location: str,
    sku: str,
    timeout: float | None,
) -> _AccountArguments:
    return _AccountArguments(
        check_subscription(subscription_id),
        check_resource_group(resource_group),
        check_account_name(account_name),
        check_kind(kind),
        check_location(location),
        check_sku(sku),
        _check_timeout(timeout),
    )


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
        raise ClientValidationError(
            f"timeout must be a number of seconds, 0 or more, or None; got {timeout!r}", limit="timeout", value=timeout
        )
    return float(timeout)


class ProvisioningWorkflows(ManagementOperations):
    """Create and remove the resources Custom Vision needs; mixed into both management clients."""

    def _wait(
        self,
        plan: PollPlan[Any],
        deadline: _Deadline,
        progress: AccountProgress | None,
    ) -> Workflow[Any]:
        current = yield from now()

        def report(state: Any) -> None:
            if progress is not None:
                shown = getattr(state, "provisioning_state", None) or getattr(state, "status", None) or state
                progress(f"{plan.what}: {shown}")

        return (yield from wait_for(plan, timeout=deadline.left(current), schedule=_SCHEDULE, progress=report))

    def _follow(
        self, answer: LongRunningAnswer, what: str, deadline: _Deadline, progress: AccountProgress | None
    ) -> Workflow[None]:
        """Wait for a PUT or DELETE that Resource Manager finishes in the background."""
        if answer.async_operation:
            address = answer.async_operation
            plan: PollPlan[Any] = PollPlan(
                what=what,
                fetch=lambda: self._operation_status(address),
                judge=_judge_operation,
                failure=_failed(what),
            )
            yield from self._wait(plan, deadline, progress)
        elif answer.location and answer.status_code == 202:
            location = answer.location
            plan = PollPlan(
                what=what, fetch=lambda: self._location_status(location), judge=_judge_location, failure=_failed(what)
            )
            yield from self._wait(plan, deadline, progress)

    def _find_account(self, subscription_id: str, resource_group: str, name: str) -> Workflow[Account | None]:
        try:
            account: Account = yield from call(self._account_get(subscription_id, resource_group, name))
        except NotFoundError:
            return None
        return account

    def _find_deleted(self, subscription: str, location: str, group: str, name: str) -> Workflow[Account | None]:
        try:
            account: Account = yield from call(self._deleted_get(subscription, location, group, name))
        except NotFoundError:
            return None
        return account

    # ---------------------------------------------------------------------------------------- accounts

    @workflow
    def create_account(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        *,
        kind: ResourceKind | str,
        location: str,
        sku: str = "S0",
        custom_subdomain: str | None = None,
        public_network_access: str | None = None,
        tags: Mapping[str, str] | None = None,
        timeout: float | None = DEFAULT_PROVISIONING_TIMEOUT,
        progress: AccountProgress | None = None,
    ) -> Workflow[Account]:
        """Create (or update) an account and wait until its ``provisioningState`` is ``Succeeded``.

        A PUT may answer 200, 201 or 202; the ``Azure-AsyncOperation`` or ``Location`` address is followed when
        given, then the account is read until it is ready. All waiting shares one deadline.

        Args:
            kind: ``CustomVision.Training``, ``CustomVision.Prediction``, ``CognitiveServices`` or ``AIServices``.
            location: the region, e.g. ``westeurope``.
            sku: ``F0`` (free: one per kind per subscription) or ``S0``.
            custom_subdomain: the ``<subdomain>.cognitiveservices.azure.com`` endpoint; needed for Entra ID tokens.
            public_network_access: ``Enabled`` or ``Disabled``; left to Azure's default when not given.
            timeout: seconds for the whole call, or ``None`` to wait with no limit.

        Raises:
            SubdomainTakenError, FreeTierLimitError, KindNotAvailableError, MissingPermissionError,
            SoftDeletedNameError: what Resource Manager refused, with what to do.
            ProvisioningFailedError: the account ended in ``Failed``.
            PollingTimeoutError: the deadline passed; the account may still become ready.
        """
        return (
            yield from self._create(
                subscription_id,
                resource_group,
                account_name,
                kind,
                location,
                sku,
                custom_subdomain,
                public_network_access,
                tags,
                timeout,
                progress,
            )
        )

    def _create(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        kind: ResourceKind | str,
        location: str,
        sku: str,
        custom_subdomain: str | None,
        public_network_access: str | None,
        tags: Mapping[str, str] | None,
        timeout: float | None,
        progress: AccountProgress | None,
    ) -> Workflow[Account]:
        subscription, group, name, account_kind, region, tier, limit = _check_account_arguments(
            subscription_id, resource_group, account_name, kind, location, sku, timeout
        )
        subdomain = None if custom_subdomain is None else check_subdomain(custom_subdomain)
        properties: dict[str, Any] = {}
        if subdomain is not None:
            properties["customSubDomainName"] = subdomain
        if public_network_access is not None:
            properties["publicNetworkAccess"] = public_network_access
        body: dict[str, Any] = {
            "location": region,
            "kind": account_kind.value,
            "sku": {"name": tier},
            "properties": properties,
        }
        if tags:
            body["tags"] = dict(tags)
        deadline = _Deadline((yield from now()), limit)
        try:
            answer: LongRunningAnswer = yield from call(self._put_account(subscription, group, name, body))
        except APIStatusError as error:
            raise translate_error(
                error,
                subscription_id=subscription,
                resource_group=group,
                account_name=name,
                location=region,
                kind=account_kind.value,
            ) from error
        what = f"creating {name}"
        yield from self._follow(answer, what, deadline, progress)
        plan = PollPlan(
            what=what,
            fetch=lambda: self._account_get(subscription, group, name),
            judge=_judge_account,
            failure=_failed(what),
        )
        account: Account = yield from self._wait(plan, deadline, progress)
        return account

    @workflow
    def delete_account(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        *,
        purge: bool = False,
        timeout: float | None = DEFAULT_PROVISIONING_TIMEOUT,
        progress: AccountProgress | None = None,
    ) -> Workflow[bool]:
        """Delete an account, and with ``purge=True`` purge it so that its name and subdomain are free at once.

        A deleted account is otherwise kept (soft-deleted) for 48 hours, holding its name. Returns whether an
        account was found to delete; deleting one that does not exist is not an error.
        """
        subscription = check_subscription(subscription_id)
        group = check_resource_group(resource_group)
        name = check_account_name(account_name)
        limit = _check_timeout(timeout)
        deadline = _Deadline((yield from now()), limit)
        account = yield from self._find_account(subscription, group, name)
        if account is None:
            return False
        answer: LongRunningAnswer = yield from call(self._delete_account(subscription, group, name))
        yield from self._follow(answer, f"deleting {name}", deadline, progress)
        if purge:
            yield from self._purge(subscription, account.location, group, name, deadline, progress)
        return True

    @workflow
    def purge_deleted_account(
        self,
        subscription_id: str,
        location: str,
        resource_group: str,
        account_name: str,
        *,
        timeout: float | None = DEFAULT_PROVISIONING_TIMEOUT,
        progress: AccountProgress | None = None,
    ) -> Workflow[None]:
        """Purge a soft-deleted account for good, freeing its name and custom subdomain (no undo)."""
        subscription = check_subscription(subscription_id)
        deadline = _Deadline((yield from now()), _check_timeout(timeout))
        yield from self._purge(subscription, location, resource_group, account_name, deadline, progress)

    def _purge(
        self,
        subscription: str,
        location: str,
        group: str,
        name: str,
        deadline: _Deadline,
        progress: AccountProgress | None,
    ) -> Workflow[None]:
        # Right after a delete, the soft-deleted record can take a moment to appear: a 404 is retried briefly.
        for attempt in range(5):
            try:
                answer: LongRunningAnswer = yield from call(
                    self._purge_deleted_account(subscription, location, group, name)
                )
            except NotFoundError:
                if attempt == 4:
                    raise
                yield Sleep(1.0)
                continue
            yield from self._follow(answer, f"purging {name}", deadline, progress)
            return

    # -------------------------------------------------------------------------------------- provisioning

    @workflow
    def provision(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        *,
        kind: ResourceKind | str,
        location: str,
        sku: str = "S0",
        custom_subdomain: str | None = None,
        timeout: float | None = DEFAULT_PROVISIONING_TIMEOUT,
        progress: AccountProgress | None = None,
    ) -> Workflow[Resource]:
        """Get or create an account and return it as a ready :class:`~customvision_rest.Resource`.

        Idempotent: an account of that name and kind that exists already is returned as it is (nothing is
        changed). The custom subdomain defaults to the account name, lower-cased, since Entra ID tokens work
        only on custom-subdomain endpoints; its availability is checked before anything is created.

        Raises:
            AccountKindMismatchError: the name is taken by an account of another kind.
            SubdomainTakenError: the subdomain belongs to another account.
            and the errors of :meth:`create_account`.
        """
        return (
            yield from self._provision(
                subscription_id, resource_group, account_name, kind, location, sku, custom_subdomain, timeout, progress
            )
        )

    def _provision(
        self,
        subscription_id: str,
        resource_group: str,
        account_name: str,
        kind: ResourceKind | str,
        location: str,
        sku: str,
        custom_subdomain: str | None,
        timeout: float | None,
        progress: AccountProgress | None,
    ) -> Workflow[Resource]:
        subscription, group, name, account_kind, region, _, limit = _check_account_arguments(
            subscription_id, resource_group, account_name, kind, location, sku, timeout
        )
        subdomain = check_subdomain(custom_subdomain if custom_subdomain is not None else name.lower())
        started = yield from now()
        account = yield from self._find_account(subscription, group, name)
        if account is not None and account.kind != account_kind.value:
            raise AccountKindMismatchError(
                f"the account {name!r} in {group!r} exists with kind {account.kind}, not {account_kind.value}",
                advice="choose another name, or delete that account first",
            )
        if account is None or _judge_account(account) is not State.SUCCEEDED:
            if account is None:
                availability = yield from call(self._domain_check(subscription, subdomain, account_kind))
                if not availability.is_subdomain_available:
                    deleted = yield from self._find_deleted(subscription, region, group, name)
                    if deleted is not None:
                        raise SoftDeletedNameError(
                            f"the account {name!r} was deleted on {deleted.properties.deletion_date} and is kept, "
                            "with its subdomain, until it is purged",
                            advice=(
                                f"purge it: purge_deleted_account({subscription!r}, {region!r}, {group!r}, {name!r}) "
                                "or `customvision-rest deprovision --purge`; or wait 48 hours"
                            ),
                            location=region,
                            resource_group=group,
                            account_name=name,
                        )
                    raise SubdomainTakenError(
                        availability.reason or f"the subdomain {subdomain!r} is not available",
                        advice="pass another custom_subdomain, or purge the deleted account that holds it",
                        code="SubdomainNotAvailable",
                    )
            if progress is not None:
                progress(f"creating {name} ({account_kind.value}, {sku}) in {region}")
            current = yield from now()
            remaining = None if limit is None else max(0.0, limit - (current - started))
            account = yield from self._create(
                subscription, group, name, account_kind, region, sku, subdomain, None, None, remaining, progress
            )
        elif progress is not None:
            progress(f"{name} exists already ({account.kind}, {account.sku.name if account.sku else '?'})")
        keys = yield from call(self._keys_list(subscription, group, name))
        endpoint = account.properties.endpoint
        if not endpoint:
            raise ProvisioningFailedError(
                f"the account {name!r} is ready but Resource Manager reported no endpoint",
                advice="read it in the Azure portal under Keys and Endpoint",
            )
        return Resource(endpoint, KeyCredential(keys.key1), account_kind, account.resource_id)

    @workflow
    def provision_pair(
        self,
        subscription_id: str,
        resource_group: str,
        name: str,
        *,
        location: str,
        sku: str = "S0",
        kind: str = "both",
        timeout: float | None = DEFAULT_PROVISIONING_TIMEOUT,
        progress: AccountProgress | None = None,
    ) -> Workflow[ProvisionedPair]:
        """Provision what the scenario starts with, as the portal's Custom Vision "Create options" do.

        ``kind="both"`` creates a training resource ``NAME`` and a prediction resource ``NAME-Prediction``;
        ``"multi-service"`` creates one Azure AI Services multi-service account serving both. Idempotent, like
        :meth:`provision`.
        """
        if kind not in PAIR_KINDS:
            raise ClientValidationError(
                f"kind must be one of {', '.join(PAIR_KINDS)}, got {kind!r}", limit="kind", value=kind
            )
        check_account_name(name)
        if kind == "multi-service":
            shared = yield from self._provision(
                subscription_id,
                resource_group,
                name,
                ResourceKind.MULTI_SERVICE,
                location,
                sku,
                None,
                timeout,
                progress,
            )
            return ProvisionedPair(training=shared, prediction=shared)
        made: list[Resource] = []
        if kind in ("both", "training"):
            made.append(
                (
                    yield from self._provision(
                        subscription_id,
                        resource_group,
                        name,
                        ResourceKind.TRAINING,
                        location,
                        sku,
                        None,
                        timeout,
                        progress,
                    )
                )
            )
        if kind in ("both", "prediction"):
            prediction_name = name if kind == "prediction" else f"{name}-Prediction"
            made.append(
                (
                    yield from self._provision(
                        subscription_id,
                        resource_group,
                        prediction_name,
                        ResourceKind.PREDICTION,
                        location,
                        sku,
                        None,
                        timeout,
                        progress,
                    )
                )
            )
        # With one kind only, the one resource stands in both places; callers use the role they asked for.
        return ProvisionedPair(training=made[0], prediction=made[-1])
