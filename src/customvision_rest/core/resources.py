"""Azure resources: where requests go, with which credential, and what the resource can serve.

A Custom Vision project lives on a *training* resource; a trained iteration is published to a *prediction*
resource, identified by its full Azure resource id; predictions go to that resource's endpoint. The
multi-service kinds (Azure AI Services, Cognitive Services) serve both roles with one endpoint and key, and
users mix kinds freely: train on a Custom Vision Training resource, publish to an AI Services resource, or the
reverse.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from .._exceptions import ConfigurationError, InvalidResourceIdError
from .credentials import Credential, KeyCredential, describe_credential, is_token_credential, to_credential

CredentialInput = str | Credential

__all__ = ["AzureResourceId", "Resource", "ResourceKind", "Role", "normalize_endpoint"]


class Role(str, Enum):
    """What a client uses a resource for."""

    TRAINING = "training"
    PREDICTION = "prediction"


class ResourceKind(str, Enum):
    """The Azure resource kinds (ARM ``kind``) that serve Custom Vision.

    ``AI_SERVICES`` is treated like the multi-service kind; Microsoft does not document whether it serves
    Custom Vision, so this is an assumption, not a promise.
    """

    TRAINING = "CustomVision.Training"
    PREDICTION = "CustomVision.Prediction"
    MULTI_SERVICE = "CognitiveServices"
    AI_SERVICES = "AIServices"

    @property
    def label(self) -> str:
        """A human name for messages."""
        return _KIND_LABELS[self]

    def serves(self, role: Role) -> bool:
        """Whether a resource of this kind serves the given role."""
        if self in (ResourceKind.MULTI_SERVICE, ResourceKind.AI_SERVICES):
            return True
        return (self is ResourceKind.TRAINING) == (role is Role.TRAINING)


_KIND_LABELS = {
    ResourceKind.TRAINING: "Custom Vision Training",
    ResourceKind.PREDICTION: "Custom Vision Prediction",
    ResourceKind.MULTI_SERVICE: "multi-service Cognitive Services",
    ResourceKind.AI_SERVICES: "Azure AI Services",
}

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_RESOURCE_ID = re.compile(
    rf"^/subscriptions/(?P<subscription>{_GUID})"
    r"/resourceGroups/(?P<group>[-\w._()]{0,89}[-\w_()])"
    r"/providers/(?P<provider>Microsoft\.CognitiveServices)"
    r"/accounts/(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{1,63})$",
    re.IGNORECASE,
)
_EXAMPLE_ID = (
    "/subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>"
)


@dataclass(frozen=True)
class AzureResourceId:
    """A parsed Azure resource id of a Cognitive Services account.

    Publishing an iteration needs the full id of the prediction resource, not its subscription id or name.
    ``AzureResourceId.parse`` says which of those it was given when the string is not a full id.
    """

    subscription_id: str
    resource_group: str
    account_name: str
    provider: str = "Microsoft.CognitiveServices"

    @classmethod
    def parse(cls, value: str) -> AzureResourceId:
        """Parse and validate a Cognitive Services account's resource id.

        The form is ``/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}``.

        Raises:
            InvalidResourceIdError: naming what is wrong, with the expected form.
        """
        if not isinstance(value, str):
            raise InvalidResourceIdError(f"a resource id must be a string, not {type(value).__name__}")
        text = value.strip().rstrip("/")
        match = _RESOURCE_ID.match(text)
        if match:
            return cls(
                subscription_id=match["subscription"].lower(),
                resource_group=match["group"],
                account_name=match["name"],
                provider="Microsoft.CognitiveServices",
            )
        raise InvalidResourceIdError(_explain_bad_resource_id(text))

    def __str__(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{self.provider}/accounts/{self.account_name}"
        )


def _explain_bad_resource_id(text: str) -> str:
    expected = f"expected the full resource id {_EXAMPLE_ID}"
    if not text:
        return f"the resource id is empty; {expected}"
    if re.fullmatch(_GUID, text):
        return (
            f"{text!r} is a subscription id, not a resource id; {expected} "
            "(the Azure portal shows it under the prediction resource's Properties, as 'Resource ID')"
        )
    if "://" in text:
        return (
            f"{text!r} is a web address, not a resource id; {expected} "
            "(copy 'Resource ID' from the resource's Properties page or JSON view in the Azure portal)"
        )
    if "/" not in text:
        return f"{text!r} looks like a resource name, not a resource id; {expected}"
    if any(ch.isspace() for ch in text):
        return f"{text!r} contains white space; {expected}"
    if not text.startswith("/"):
        return f"{text!r} must start with '/subscriptions/'; {expected}"
    parts = text.split("/")[1:]
    lowered = [p.lower() for p in parts]
    if "" in parts:
        return f"{text!r} has an empty segment ('//'); {expected}"
    if lowered[0] != "subscriptions":
        return f"{text!r} does not start with /subscriptions/<subscription-id>; {expected}"
    if len(parts) < 2 or not re.fullmatch(_GUID, parts[1]):
        given = parts[1] if len(parts) > 1 else ""
        return (
            f"{text!r}: the subscription id {given!r} is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); {expected}"
        )
    if len(parts) < 4 or lowered[2] != "resourcegroups":
        return f"{text!r} has no resourceGroups/<group> segment after the subscription id; {expected}"
    if not re.fullmatch(r"[-\w._()]{1,90}", parts[3]) or parts[3].endswith("."):
        return (
            f"{text!r}: {parts[3]!r} is not a valid resource group name (1 to 90 letters, digits, "
            f"'-', '_', '.', '(', ')', not ending with '.'); {expected}"
        )
    if len(parts) < 5 or lowered[4] != "providers":
        return f"{text!r} has no 'providers' segment after the resource group; {expected}"
    provider = parts[5] if len(parts) > 5 else ""
    if provider.lower() != "microsoft.cognitiveservices":
        return f"{text!r} names provider {provider!r}, not Microsoft.CognitiveServices; {expected}"
    if len(parts) < 8 or lowered[6] != "accounts":
        return f"{text!r} names no Cognitive Services account (accounts/<name>); {expected}"
    if len(parts) > 8:
        return f"{text!r} goes on after the account name ({'/'.join(parts[8:])!r}); {expected}"
    return (
        f"{text!r}: {parts[7]!r} is not a valid account name (2 to 64 letters, digits, '-', '_', '.', "
        f"starting with a letter or digit); {expected}"
    )


_REGIONAL_HOSTS = (".api.cognitive.microsoft.com", ".api.cognitive.azure.cn", ".api.cognitive.microsoft.us")
"""Regional endpoints serve keys only; Entra ID tokens need the resource's custom subdomain."""

_API_PATH = re.compile(r"(?i)/customvision(/|$)")


def _is_loopback(host: str) -> bool:
    # Only names that cannot leave the machine: ``localhost`` itself and loopback addresses. Other
    # ``*.localhost`` names are resolved by whatever resolver is configured and may reach the network.
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_endpoint(endpoint: str) -> str:
    """Return ``scheme://host[:port]`` with no trailing slash, refusing what cannot be an endpoint.

    An endpoint needs ``https://``; plain ``http://`` is allowed only for ``localhost``, ``127.0.0.0/8`` and
    ``::1`` (the emulator), because keys and tokens would otherwise travel in clear text. An endpoint with the
    API path pasted in (``.../customvision/v3.3/training``) is refused, naming the endpoint to pass instead.
    """
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise ConfigurationError(
            "the endpoint is empty; expected for example https://<name>.cognitiveservices.azure.com/"
        )
    text = endpoint.strip()
    if "://" not in text:
        raise ConfigurationError(
            f"the endpoint {text!r} has no scheme; expected for example https://{text.strip('/')}/"
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"the endpoint {text!r} is not an http(s) URL with a host name")
    if parts.username or parts.password:
        raise ConfigurationError("the endpoint must not carry a user name or password")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"the endpoint {parts.scheme}://{parts.netloc} must not carry a query or fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing plain http:// for {parts.hostname}: credentials would be sent unencrypted; "
            "use https:// (plain http is allowed only for localhost, 127.0.0.0/8 and ::1, where the emulator runs)"
        )
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    pasted = _API_PATH.search(path)
    if pasted:
        base = f"{parts.scheme}://{parts.netloc}{path[: pasted.start()]}"
        raise ConfigurationError(
            f"the endpoint {text!r} includes the API path {path[pasted.start() :]!r}; pass the resource's "
            f"endpoint alone, {base + '/'!r}: the client adds /customvision/<version>/<training|prediction> itself"
        )
    return f"{parts.scheme}://{parts.netloc}{path}"


def _as_resource_id(value: str | AzureResourceId | None) -> AzureResourceId | None:
    return AzureResourceId.parse(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Resource:
    """An Azure resource that serves Custom Vision: endpoint, credential, kind and, optionally, its resource id.

    Build one with the constructors named after the kind (``Resource.training(...)``,
    ``Resource.prediction(...)``, ``Resource.multi_service(...)``, ``Resource.ai_services(...)``) or
    from the environment variables of Microsoft's quickstarts with ``Resource.from_environment(...)``.

    The credential is a key (``str`` or :class:`KeyCredential`) or any token credential with
    ``get_token(*scopes)``, such as azure-identity's. ``repr`` never shows a key.
    """

    endpoint: str
    credential: Credential = field(repr=False)
    kind: ResourceKind
    resource_id: AzureResourceId | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "endpoint", normalize_endpoint(self.endpoint))
        object.__setattr__(self, "credential", to_credential(self.credential))
        try:
            object.__setattr__(self, "kind", ResourceKind(self.kind))
        except ValueError:
            kinds = ", ".join(k.value for k in ResourceKind)
            raise ConfigurationError(f"unknown resource kind {self.kind!r}; expected one of {kinds}") from None
        if isinstance(self.resource_id, str):
            object.__setattr__(self, "resource_id", AzureResourceId.parse(self.resource_id))
        elif self.resource_id is not None and not isinstance(self.resource_id, AzureResourceId):
            raise InvalidResourceIdError(
                f"a resource id must be a string or an AzureResourceId, not {type(self.resource_id).__name__}"
            )
        host = (urlsplit(self.endpoint).hostname or "").lower()
        if is_token_credential(self.credential) and host.endswith(_REGIONAL_HOSTS):
            raise ConfigurationError(
                f"{host} is a regional endpoint, which accepts keys only: a token credential (Microsoft Entra ID) "
                "needs the resource's custom subdomain endpoint, https://<resource-name>.cognitiveservices.azure.com/ "
                "(shown under 'Keys and Endpoint' in the Azure portal)"
            )

    def __repr__(self) -> str:
        rid = f", resource_id='{self.resource_id}'" if self.resource_id else ""
        return (
            f"Resource(kind={self.kind.value!r}, endpoint={self.endpoint!r}, "
            f"credential={describe_credential(self.credential)}{rid})"
        )

    def serves(self, role: Role) -> bool:
        """Whether this resource can serve training or prediction."""
        return self.kind.serves(role)

    @classmethod
    def training(
        cls, endpoint: str, credential: CredentialInput, *, resource_id: str | AzureResourceId | None = None
    ) -> Resource:
        """A dedicated Custom Vision Training resource."""
        return cls(endpoint, to_credential(credential), ResourceKind.TRAINING, _as_resource_id(resource_id))

    @classmethod
    def prediction(
        cls, endpoint: str, credential: CredentialInput, *, resource_id: str | AzureResourceId | None = None
    ) -> Resource:
        """A dedicated Custom Vision Prediction resource. Its ``resource_id`` is what iterations publish to."""
        return cls(endpoint, to_credential(credential), ResourceKind.PREDICTION, _as_resource_id(resource_id))

    @classmethod
    def multi_service(
        cls, endpoint: str, credential: CredentialInput, *, resource_id: str | AzureResourceId | None = None
    ) -> Resource:
        """A multi-service Cognitive Services resource: one endpoint and key for training and prediction."""
        return cls(endpoint, to_credential(credential), ResourceKind.MULTI_SERVICE, _as_resource_id(resource_id))

    @classmethod
    def ai_services(
        cls, endpoint: str, credential: CredentialInput, *, resource_id: str | AzureResourceId | None = None
    ) -> Resource:
        """An Azure AI Services resource, treated like the multi-service kind (see :class:`ResourceKind`)."""
        return cls(endpoint, to_credential(credential), ResourceKind.AI_SERVICES, _as_resource_id(resource_id))

    @classmethod
    def from_environment(
        cls,
        role: Role | str,
        *,
        kind: ResourceKind | str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Resource:
        """Build the training or prediction resource from Microsoft's quickstart variables.

        Training reads ``VISION_TRAINING_ENDPOINT`` and ``VISION_TRAINING_KEY``; prediction reads
        ``VISION_PREDICTION_ENDPOINT``, ``VISION_PREDICTION_KEY`` and, when set, ``VISION_PREDICTION_RESOURCE_ID``.
        ``kind`` defaults to the dedicated kind of the role; pass ``ResourceKind.MULTI_SERVICE`` when the
        variables point at a multi-service resource.

        Raises:
            ConfigurationError: naming every variable that is missing.
        """
        env = os.environ if environ is None else environ
        role = Role(role)
        prefix = f"VISION_{role.name}_"
        missing = [prefix + n for n in ("ENDPOINT", "KEY") if not env.get(prefix + n)]
        if missing:
            raise ConfigurationError("missing environment variable(s): " + ", ".join(missing))
        default_kind = ResourceKind.TRAINING if role is Role.TRAINING else ResourceKind.PREDICTION
        resource_id = env.get(prefix + "RESOURCE_ID") or None
        return cls(
            env[prefix + "ENDPOINT"],
            KeyCredential(env[prefix + "KEY"]),
            ResourceKind(kind) if kind is not None else default_kind,
            AzureResourceId.parse(resource_id) if resource_id else None,
        )
