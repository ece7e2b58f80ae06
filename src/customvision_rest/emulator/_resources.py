"""Emulated Azure resources (accounts) and the keys and kinds that route requests to them."""

from __future__ import annotations

from dataclasses import dataclass, field

TRAINING_KIND = "CustomVision.Training"
PREDICTION_KIND = "CustomVision.Prediction"
MULTI_SERVICE_KIND = "CognitiveServices"
AI_SERVICES_KIND = "AIServices"
KINDS = (TRAINING_KIND, PREDICTION_KIND, MULTI_SERVICE_KIND, AI_SERVICES_KIND)
_BOTH_ROLES = (MULTI_SERVICE_KIND, AI_SERVICES_KIND)
TIERS = ("F0", "S0")

_RESOURCE_ID_PREFIX = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/customvision-emulator"
    "/providers/Microsoft.CognitiveServices/accounts/"
)


@dataclass(frozen=True)
class EmulatorResource:
    """An emulated Cognitive Services account: its name, ARM kind, key, pricing tier and ARM resource id.

    The key is left out of `repr()` so that it never lands in logs.
    """

    name: str
    kind: str
    key: str = field(repr=False)
    tier: str = "S0"
    arm_id: str | None = None
    """The resource id Resource Manager gave the account, for accounts created through it."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, not {self.tier!r}")

    @property
    def resource_id(self) -> str:
        """The full ARM resource id, the value `PublishIteration` expects as `predictionId`."""
        return self.arm_id or _RESOURCE_ID_PREFIX + self.name

    @property
    def serves_training(self) -> bool:
        """Whether training requests may use this resource."""
        return self.kind == TRAINING_KIND or self.kind in _BOTH_ROLES

    @property
    def serves_prediction(self) -> bool:
        """Whether prediction requests may use this resource (and iterations may be published to it)."""
        return self.kind == PREDICTION_KIND or self.kind in _BOTH_ROLES
