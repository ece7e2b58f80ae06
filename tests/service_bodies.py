"""Answers shaped as the real service writes them (field for field, from ``../shared/recordings``), for fakes.

Every required field of the models is filled in; tests vary what they are about with ``{**body, ...}``.
Importable from any test module: pytest puts ``tests/`` on the path for the root ``conftest.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

GENERAL_DOMAIN = "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"


def stored_image(image_id: uuid.UUID | str | None = None, **fields: Any) -> dict[str, Any]:
    """An image as GetImages and the upload summaries describe it (signed addresses included)."""
    image_id = str(image_id or uuid.uuid4())
    uri = f"https://blob.example/i-{image_id}?sv=2017-04-17&sr=b&sig=SECRET-SIGNATURE&se=2020-11-07&sp=r"
    return {
        "id": image_id,
        "created": "2020-11-06T17:46:18.0288105",
        "width": 1260,
        "height": 900,
        "resizedImageUri": uri,
        "thumbnailUri": uri.replace("/i-", "/t-"),
        "originalImageUri": uri,
        **fields,
    }


def project(project_id: uuid.UUID | str, name: str = "project", **fields: Any) -> dict[str, Any]:
    """A project as GetProject answers it."""
    return {
        "id": str(project_id),
        "name": name,
        "description": "",
        "settings": {"domainId": GENERAL_DOMAIN, "classificationType": "Multilabel", "targetExportPlatforms": []},
        "created": "2020-11-06T16:37:26.266Z",
        "lastModified": "2020-11-06T16:37:26.266Z",
        **fields,
    }


def iteration(
    iteration_id: uuid.UUID | str, project_id: uuid.UUID | str, status: str = "Completed", **fields: Any
) -> dict[str, Any]:
    """An iteration as GetIteration answers it (a training one has no domain or classification type yet)."""
    return {
        "id": str(iteration_id),
        "name": "Iteration 1",
        "status": status,
        "created": "2019-09-16T14:58:48.613Z",
        "lastModified": "2019-09-16T14:58:59.316Z",
        "projectId": str(project_id),
        "exportable": False,
        "trainingType": "Regular",
        "reservedBudgetInHours": 0,
        **fields,
    }


def tag(tag_id: uuid.UUID | str, name: str = "tag", **fields: Any) -> dict[str, Any]:
    """A tag as GetTags answers it."""
    return {"id": str(tag_id), "name": name, "description": None, "type": "Regular", "imageCount": 0, **fields}
