"""UpdateProject, UpdateTag and UpdateIteration send only what a caller may change, as the official client does."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from customvision_rest import ClientValidationError
from customvision_rest.clients.training import TrainingClient
from customvision_rest.models.training import Project

from ._spec import ENDPOINT, ITERATION, KEY, PROJECT, TAG

PROJECT_BODY: dict[str, Any] = {
    "id": str(PROJECT),
    "name": "Test Project",
    "description": "",
    "settings": {
        "domainId": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31",
        "classificationType": "Multilabel",
        "targetExportPlatforms": [],
        "useNegativeSet": True,
        "detectionParameters": None,
        "imageProcessingSettings": {"augmentationMethods": {"horizontal flip": True}},
    },
    "created": "2020-11-06T16:37:26.266Z",
    "lastModified": "2020-11-06T16:37:26.266Z",
    "thumbnailUri": None,
    "drModeEnabled": False,
    "status": "Succeeded",
}


def sent_body(call: Any, answer: dict[str, Any]) -> Any:
    with respx.mock(base_url=ENDPOINT) as router:
        route = router.route().respond(200, json=answer)
        with TrainingClient(ENDPOINT, KEY, max_retries=0) as client:
            call(client)
    return json.loads(route.calls.last.request.read())


def test_a_project_as_read_is_sent_without_its_read_only_fields() -> None:
    renamed = Project.model_validate(PROJECT_BODY).model_copy(update={"name": "Another Name"})
    body = sent_body(lambda c: c.update_project(PROJECT, renamed), PROJECT_BODY)
    assert body == {
        "name": "Another Name",
        "description": "",
        "settings": {
            "domainId": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31",
            "classificationType": "Multilabel",
            "targetExportPlatforms": [],
            "imageProcessingSettings": {"augmentationMethods": {"horizontal flip": True}},
        },
        "status": "Succeeded",
    }


def test_a_mapping_sends_the_fields_it_names_and_drops_read_only_ones() -> None:
    changes = {"name": "n", "image_count": 3, "id": str(TAG), "description": "d"}
    tag = {"id": str(TAG), "name": "n", "description": "d", "type": "Regular", "imageCount": 3}
    assert sent_body(lambda c: c.update_tag(PROJECT, TAG, changes), tag) == {"name": "n", "description": "d"}
    partial = {"name": "p", "settings": {"classificationType": "Multiclass", "useNegativeSet": False}}
    body = sent_body(lambda c: c.update_project(PROJECT, partial), PROJECT_BODY)
    assert body == {"name": "p", "settings": {"classificationType": "Multiclass"}}


def test_an_iteration_is_renamed_with_its_name_only() -> None:
    iteration = {
        "id": str(ITERATION),
        "name": "New",
        "status": "Completed",
        "created": "2019-09-16T14:58:48.613Z",
        "lastModified": "2019-09-16T14:59:00.02Z",
        "projectId": str(PROJECT),
        "exportable": False,
        "exportableTo": [],
        "trainingType": "Regular",
        "reservedBudgetInHours": 0,
    }
    assert sent_body(lambda c: c.update_iteration(PROJECT, ITERATION, "New"), iteration) == {"name": "New"}
    assert sent_body(lambda c: c.update_iteration(PROJECT, ITERATION, iteration), iteration) == {"name": "New"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": "no name"}, "updated_project: name: Field required"),
        ({"name": "p", "settings": {"domainId": "not-a-uuid"}}, "updated_project: settings.domainId"),
        ("a name", "updated_project must be a Project"),
    ],
)
def test_a_bad_update_is_refused_before_sending(changes: Any, message: str) -> None:
    with respx.mock(base_url=ENDPOINT, assert_all_called=False) as router:
        route = router.route().respond(200, json=PROJECT_BODY)
        with TrainingClient(ENDPOINT, KEY, max_retries=0) as client, pytest.raises(ClientValidationError) as caught:
            client.update_project(PROJECT, changes)
    assert route.call_count == 0
    assert message in str(caught.value)
