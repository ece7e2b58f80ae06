"""``provision`` and ``deprovision``: create or remove the Azure resources the scenario starts with."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import click

from ..provisioning import DEFAULT_MANAGEMENT_ENDPOINT, PAIR_KINDS, ManagementClient
from ._context import CliError, Session, command, pass_session

__all__ = ["register"]

TOKEN_VARIABLE = "AZURE_ACCESS_TOKEN"  # noqa: S105 (the name of a variable, not a secret)
SUBSCRIPTION_VARIABLE = "AZURE_SUBSCRIPTION_ID"


@dataclass(frozen=True)
class _Token:
    token: str
    expires_on: int


@dataclass(frozen=True)
class _GivenToken:
    """A token the user fetched (``az account get-access-token``); its lifetime is not known, an hour is assumed."""

    token: str

    def get_token(self, *scopes: str, **kwargs: Any) -> _Token:
        return _Token(self.token, int(time.time()) + 3600)

    def __repr__(self) -> str:
        return "_GivenToken(token=***)"


def _credential(session: Session) -> Any:
    given = session.environ.get(TOKEN_VARIABLE)
    if given:
        return _GivenToken(given.strip())
    try:
        from azure.identity import DefaultAzureCredential  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise CliError(
            f"provisioning needs a Resource Manager token: set {TOKEN_VARIABLE} "
            "(az account get-access-token --query accessToken -o tsv) or pip install azure-identity"
        ) from None
    return DefaultAzureCredential()


def _management(session: Session, endpoint: str | None, timeout: float) -> ManagementClient:
    client = ManagementClient(
        _credential(session),
        endpoint=endpoint or session.environ.get("AZURE_RESOURCE_MANAGER_ENDPOINT") or DEFAULT_MANAGEMENT_ENDPOINT,
        timeout=timeout,
    )
    session._clients.append(client)
    return client


def _subscription(session: Session, given: str | None) -> str:
    value = given or session.environ.get(SUBSCRIPTION_VARIABLE)
    if not value:
        raise CliError(f"missing --subscription (or {SUBSCRIPTION_VARIABLE})")
    return value


def _shared(function: Any) -> Any:
    for decorator in reversed(
        (
            click.option("--subscription", metavar="ID", help=f"the subscription id [{SUBSCRIPTION_VARIABLE}]"),
            click.option("--name", required=True, help="the account name (the prediction one gets -Prediction)"),
            click.option("--resource-group", required=True, metavar="GROUP", help="an existing resource group"),
            click.option(
                "--kind",
                type=click.Choice(PAIR_KINDS),
                default="both",
                show_default=True,
                help="both dedicated resources, one multi-service account, or one of the two",
            ),
            click.option(
                "--management-endpoint",
                metavar="URL",
                help="Resource Manager: another cloud's, or the emulator's [AZURE_RESOURCE_MANAGER_ENDPOINT]",
            ),
            click.option(
                "--timeout", type=float, default=900.0, show_default=True, help="seconds for the whole command"
            ),
        )
    ):
        function = decorator(function)
    return function


def register(root: click.Group) -> None:
    """Add ``provision`` and ``deprovision`` to the root command."""

    @command(root, "provision")
    @_shared
    @click.option("--location", required=True, help="the region, e.g. westeurope")
    @click.option("--sku", type=click.Choice(["F0", "S0"]), default="S0", show_default=True, help="pricing tier")
    @pass_session
    def provision(
        session: Session,
        subscription: str | None,
        name: str,
        resource_group: str,
        kind: str,
        management_endpoint: str | None,
        timeout: float,
        location: str,
        sku: str,
    ) -> None:
        """Create (or find) the training and prediction resources and print their five VISION_* variables.

        Running it again returns the existing accounts unchanged. The output holds the keys: treat it as a
        secret (`eval "$(customvision-rest provision ...)"` sets them in a shell).
        """
        arm = _management(session, management_endpoint, timeout)
        pair = arm.provision_pair(
            _subscription(session, subscription),
            resource_group,
            name,
            location=location,
            sku=sku,
            kind=kind,
            timeout=timeout,
            progress=lambda line: click.echo(line, err=True),
        )
        variables = pair.environment()
        session.emit(variables, lambda: "\n".join(f"export {k}={_quoted(v)}" for k, v in variables.items()))

    @command(root, "deprovision")
    @_shared
    @click.option("--purge", is_flag=True, help="purge too, so that the names are free at once (no undo)")
    @pass_session
    def deprovision(
        session: Session,
        subscription: str | None,
        name: str,
        resource_group: str,
        kind: str,
        management_endpoint: str | None,
        timeout: float,
        purge: bool,
    ) -> None:
        """Delete what `provision` made with the same --name and --kind; --purge frees the names at once."""
        arm = _management(session, management_endpoint, timeout)
        sub = _subscription(session, subscription)
        names = {"both": [name, f"{name}-Prediction"]}.get(kind, [name])
        results = []
        for account in names:
            found = arm.delete_account(sub, resource_group, account, purge=purge, timeout=timeout)
            results.append({"name": account, "deleted": found, "purged": found and purge})
        session.emit(
            results,
            lambda: "\n".join(
                f"{r['name']}: " + ("deleted and purged" if r["purged"] else "deleted" if r["deleted"] else "not found")
                for r in results
            ),
        )


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"
