"""The fixed domain catalogue (ids are the same in every region)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    """A training domain; compact domains are the exportable ones."""

    id: str
    name: str
    type: str
    exportable: bool
    enabled: bool = True

    def to_json(self) -> dict[str, object]:
        """The wire form of a Domain."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "exportable": self.exportable,
            "enabled": self.enabled,
        }


GENERAL_CLASSIFICATION_ID = "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"
GENERAL_DETECTION_ID = "da2e3a8a-40a5-4171-82f4-58522f70fbc1"

DOMAINS: tuple[Domain, ...] = (
    Domain(GENERAL_CLASSIFICATION_ID, "General", "Classification", False),
    Domain("c151d5b5-dd07-472a-acc8-15d29dea8518", "Food", "Classification", False),
    Domain("ca455789-012d-4b50-9fec-5bb63841c793", "Landmarks", "Classification", False),
    Domain("b30a91ae-e3c1-4f73-a81e-c270bff27c39", "Retail", "Classification", False),
    Domain("45badf75-3591-4f26-a705-45678d3e9f5f", "Adult", "Classification", False),
    Domain("0732100f-1a38-4e49-a514-c9b44c697ab5", "General (compact)", "Classification", True),
    Domain("b5cfd229-2ac7-4b2b-8d0a-2b0661344894", "Landmarks (compact)", "Classification", True),
    Domain("6b4faeda-8396-481b-9f8b-177b9fa3097f", "Retail (compact)", "Classification", True),
    Domain("a1db07ca-a19a-4830-bae8-e004a42dc863", "General (compact) [S1]", "Classification", True),
    Domain(GENERAL_DETECTION_ID, "General", "ObjectDetection", False),
    Domain("1d8ffafe-ec40-4fb2-8f90-72b3b6cecea4", "Logo", "ObjectDetection", False),
    Domain("3780a898-81c3-4516-81ae-3a139614e1f3", "Products on Shelves", "ObjectDetection", False),
    Domain("a27d5ca5-bb19-49d8-a70a-fec086c47f5b", "General (compact)", "ObjectDetection", True),
    Domain("7ec2ac80-887b-48a6-8df9-8b1357765430", "General (compact) [S1]", "ObjectDetection", True),
)

DOMAINS_BY_ID = {domain.id: domain for domain in DOMAINS}

EXPORT_PLATFORMS = ("CoreML", "TensorFlow", "DockerFile", "ONNX", "VAIDK", "OpenVino")
