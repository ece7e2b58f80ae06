"""The fixed domain catalogue (ids are the same in every region), as the service lists it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    """A training domain; compact domains are the exportable ones, each to its own list of platforms."""

    id: str
    name: str
    type: str
    exportable_platforms: tuple[str, ...] = ()
    model_size_megabytes: int | None = None
    model_description: str | None = None
    enabled: bool = True

    @property
    def exportable(self) -> bool:
        """Whether iterations trained on this domain can be exported."""
        return bool(self.exportable_platforms)

    def to_json(self) -> dict[str, object]:
        """The wire form of a Domain."""
        model_information = (
            {"estimatedModelSizeInMegabytes": self.model_size_megabytes, "description": self.model_description}
            if self.model_description is not None
            else None
        )
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "exportable": self.exportable,
            "enabled": self.enabled,
            "exportablePlatforms": list(self.exportable_platforms),
            "modelInformation": model_information,
        }


GENERAL_CLASSIFICATION_ID = "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"
GENERAL_DETECTION_ID = "da2e3a8a-40a5-4171-82f4-58522f70fbc1"

_ALL_PLATFORMS = ("VAIDK", "CoreML", "DockerFile", "ONNX", "OpenVino", "TensorFlow")
_CLASSIFIER = "A ShuffleNet-like model for {} classification problem."

DOMAINS: tuple[Domain, ...] = (
    Domain(GENERAL_CLASSIFICATION_ID, "General", "Classification"),
    Domain("c151d5b5-dd07-472a-acc8-15d29dea8518", "Food", "Classification"),
    Domain("ca455789-012d-4b50-9fec-5bb63841c793", "Landmarks", "Classification"),
    Domain("b30a91ae-e3c1-4f73-a81e-c270bff27c39", "Retail", "Classification"),
    Domain("45badf75-3591-4f26-a705-45678d3e9f5f", "Adult", "Classification"),
    Domain(
        "0732100f-1a38-4e49-a514-c9b44c697ab5",
        "General (compact)",
        "Classification",
        _ALL_PLATFORMS,
        5,
        _CLASSIFIER.format("general"),
    ),
    Domain(
        "8882951b-82cd-4c32-970b-d5f8cb8bf6d7",
        "Food (compact)",
        "Classification",
        _ALL_PLATFORMS,
        5,
        _CLASSIFIER.format("food"),
    ),
    Domain(
        "b5cfd229-2ac7-4b2b-8d0a-2b0661344894",
        "Landmarks (compact)",
        "Classification",
        _ALL_PLATFORMS,
        5,
        _CLASSIFIER.format("landmarks"),
    ),
    Domain(
        "6b4faeda-8396-481b-9f8b-177b9fa3097f",
        "Retail (compact)",
        "Classification",
        _ALL_PLATFORMS,
        5,
        _CLASSIFIER.format("retail"),
    ),
    Domain(GENERAL_DETECTION_ID, "General", "ObjectDetection"),
    Domain("1d8ffafe-ec40-4fb2-8f90-72b3b6cecea4", "Logo", "ObjectDetection"),
    Domain("3780a898-81c3-4516-81ae-3a139614e1f3", "Products on Shelves", "ObjectDetection"),
    Domain(
        "a27d5ca5-bb19-49d8-a70a-fec086c47f5b",
        "General (compact)",
        "ObjectDetection",
        ("CoreML", "DockerFile", "ONNX", "TensorFlow"),
        42,
        "A YOLO-like model for general detection problem.",
    ),
    Domain(
        "7ec2ac80-887b-48a6-8df9-8b1357765430",
        "General (compact) [S1]",
        "ObjectDetection",
        (*_ALL_PLATFORMS, "IVS"),
        13,
        "A SSD-like model for general detection problem.",
    ),
)

DOMAINS_BY_ID = {domain.id: domain for domain in DOMAINS}

EXPORT_PLATFORMS = ("CoreML", "TensorFlow", "DockerFile", "ONNX", "VAIDK", "OpenVino", "IVS")

# What a new project reports as `settings.imageProcessingSettings.augmentationMethods` (all on).
DEFAULT_AUGMENTATION_METHODS: dict[str, bool] = dict.fromkeys(
    ("rotation", "scaling", "translation", "horizontal flip", "equalize", "solarize", "padtosquare"), True
)
