"""Models print no secret, refuse non-finite numbers in answers, and remember only so many unknown enum values."""

from __future__ import annotations

import json
import uuid

import pytest
from pydantic import ValidationError

import service_bodies
from customvision_rest.models import MAX_UNKNOWN_ENUM_VALUES, OpenEnum
from customvision_rest.models.prediction import ImagePrediction
from customvision_rest.models.training import Export, ImageCreateSummary, ImageRegion, ProjectExport, Region

SIGNATURE = "SECRETSIGNATURE0123"
SIGNED = f"https://blob.example/i-1?sv=2017-04-17&sr=b&sig={SIGNATURE}&se=2030-01-01&sp=r"
PREDICTION = {
    "id": "6ba18dd6-a7b2-44c2-83b8-eb2f3dc26645",
    "project": "eac7b96a-c848-4b83-a920-c834407c4f80",
    "iteration": "1738ffb6-efb7-47ff-878e-9872da13e278",
    "created": "2019-03-15T06:14:49.7782526Z",
}


def test_signed_addresses_print_without_their_query_at_any_depth() -> None:
    image = {**service_bodies.stored_image(), "originalImageUri": SIGNED, "newAddress": SIGNED}
    summary = ImageCreateSummary.model_validate(
        {"isBatchSuccessful": True, "images": [{"sourceUrl": SIGNED, "status": "OK", "image": image}]}
    )
    for text in (repr(summary), str(summary), repr(summary.images[0].image), str(summary.images[0])):
        assert SIGNATURE not in text
        assert "https://blob.example/i-1?<signature hidden>" in text
    assert summary.images[0].source_url == SIGNED, "the value itself is unchanged"
    assert summary.images[0].image is not None and summary.images[0].image.model_extra == {"newAddress": SIGNED}


def test_the_export_token_and_download_address_are_not_printed() -> None:
    counts = {"iterationCount": 1, "imageCount": 10, "tagCount": 4, "regionCount": 0, "estimatedImportTimeInMS": 5}
    export = ProjectExport.model_validate({**counts, "token": "EXPORT-TOKEN-77"})
    assert "EXPORT-TOKEN-77" not in repr(export) and "token='<hidden>'" in repr(export)
    assert export.token == "EXPORT-TOKEN-77"
    model = Export.model_validate(
        {"platform": "ONNX", "status": "Done", "downloadUri": SIGNED, "newerVersionAvailable": False}
    )
    assert SIGNATURE not in repr(model) and SIGNATURE not in str(model)


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", '"NaN"', '"inf"'])
def test_answers_with_non_finite_numbers_are_refused(number: str) -> None:
    tag = '{"probability": ' + number + ', "tagId": "3bd41e58-cd97-41c8-8535-370f4440403e"}'
    body = json.dumps({**PREDICTION, "predictions": []}).replace('"predictions": []', f'"predictions": [{tag}]')
    with pytest.raises(ValidationError, match="finite number"):
        ImagePrediction.model_validate_json(body)
    region = {"tagId": str(uuid.UUID(int=1)), "left": 0.1, "top": 0.1, "width": 0.5, "height": 0.5}
    with pytest.raises(ValidationError, match="finite number"):
        ImageRegion.model_validate_json(json.dumps(region).replace("0.5,", number + ",", 1))


def test_a_region_to_send_is_built_so_that_the_operation_can_say_what_is_wrong() -> None:
    region = Region(tag_id=uuid.UUID(int=1), left=float("nan"), top=0, width=1, height=1)
    assert region.left != region.left  # NaN: the upload refuses it, naming the region and the rule


def test_unknown_enum_values_are_remembered_up_to_a_bound() -> None:
    class Mood(OpenEnum):
        CALM = "Calm"

    first = [Mood(f"value-{n}") for n in range(MAX_UNKNOWN_ENUM_VALUES + 5_000)]
    assert len(Mood._value2member_map_) == 1 + MAX_UNKNOWN_ENUM_VALUES
    assert Mood("value-3") is first[3], "a remembered value is one object"
    late = Mood(f"value-{MAX_UNKNOWN_ENUM_VALUES + 10}")
    assert late == f"value-{MAX_UNKNOWN_ENUM_VALUES + 10}" and isinstance(late, Mood) and late.value == late
    assert Mood("Calm") is Mood.CALM
