"""Behaviour of the Training models: wire quirks, request bodies and the conveniences on top of them."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
from pydantic import ValidationError

from customvision_rest.models._base import CustomVisionModel
from customvision_rest.models.prediction import ImagePrediction, TagType
from customvision_rest.models.training import (
    Classifier,
    Export,
    ExportFlavor,
    ExportPlatform,
    ExportStatus,
    Image,
    ImageCreateStatus,
    ImageCreateSummary,
    ImageFileCreateBatch,
    ImageFileCreateEntry,
    ImageMetadataUpdateSummary,
    ImagePerformance,
    ImageRegionCreateEntry,
    ImageRegionCreateSummary,
    ImageTagCreateEntry,
    ImageTagCreateSummary,
    ImageUrlCreateBatch,
    ImageUrlCreateEntry,
    Iteration,
    IterationStatus,
    Project,
    ProjectExport,
    ProjectSettings,
    Region,
    StoredImagePrediction,
    Tag,
)

IMAGE_ID = "598d05f8-dfde-404e-b0db-04464099dce6"
TAG_ID = "80c795b2-9947-4341-91aa-8cd99652b70c"


# Answers as the service writes them (from the recordings), for tests to vary one field at a time.
IMAGE: dict[str, object] = {
    "id": IMAGE_ID,
    "created": "2020-11-06T16:15:54.5237711",
    "width": 900,
    "height": 1600,
    "resizedImageUri": "https://blob.example/i?sig=SECRET",
    "thumbnailUri": "https://blob.example/t?sig=SECRET",
    "originalImageUri": "https://blob.example/o?sig=SECRET",
}
ITERATION: dict[str, object] = {
    "id": "d266f9b4-e5a7-4707-a1df-4c410eebba51",
    "name": "Iteration 1",
    "status": "Completed",
    "created": "2019-09-16T14:58:48.613Z",
    "lastModified": "2019-09-16T14:58:59.316Z",
    "projectId": "2591e07c-2a07-4523-ad30-df967153b0cf",
    "exportable": False,
    "trainingType": "Regular",
    "reservedBudgetInHours": 0,
}
PROJECT: dict[str, object] = {
    "id": "8a32ea60-1c53-43c3-8113-d0b1f470fbdb",
    "name": "p",
    "settings": {"domainId": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"},
    "created": "2020-11-06T16:37:26.266Z",
    "lastModified": "2020-11-06T16:37:26.266Z",
}
TAG: dict[str, object] = {"id": TAG_ID, "name": "t", "type": "Regular", "imageCount": 0}
EXPORT: dict[str, object] = {"platform": "ONNX", "status": "Done", "newerVersionAvailable": False}
PREDICTION: dict[str, object] = {
    "id": "245d5cc5-6919-447e-9128-8da04f61c28b",
    "project": "e7d08afb-4919-4999-af29-5758c34f3895",
    "iteration": "559f458f-ea59-4cba-8af2-b383226edb38",
    "created": "2020-11-06T17:46:17.747Z",
}


def round_trips(model: CustomVisionModel) -> bool:
    cls = type(model)
    return bool(
        cls.model_validate(model.to_wire()) == model
        and cls.model_validate_json(model.model_dump_json(by_alias=True)) == model
    )


# ---------------------------------------------------------------------------------------------- datetimes


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2019-03-21T01:31:11.186Z", datetime(2019, 3, 21, 1, 31, 11, 186000, tzinfo=timezone.utc)),
        ("2019-09-16T15:05:20Z", datetime(2019, 9, 16, 15, 5, 20, tzinfo=timezone.utc)),
        ("2019-03-21T01:31:11.6094494Z", datetime(2019, 3, 21, 1, 31, 11, 609449, tzinfo=timezone.utc)),
        ("2019-03-21T01:31:11.6094494", datetime(2019, 3, 21, 1, 31, 11, 609449, tzinfo=timezone.utc)),
        ("2019-03-21T03:31:11+02:00", datetime(2019, 3, 21, 1, 31, 11, tzinfo=timezone.utc)),
    ],
)
def test_datetimes_are_always_utc_aware(wire: str, expected: datetime) -> None:
    image = Image.model_validate_json(
        json.dumps({**IMAGE, "created": wire, "tags": [{"tagId": TAG_ID, "created": wire}]})
    )
    for value in (image.created, image.tags[0].created):
        assert value == expected
        assert value is not None
        assert value.utcoffset() == timedelta(0)
    assert round_trips(image)


# -------------------------------------------------------------------------------------- open enums, extras


def test_unknown_enum_values_parse_and_round_trip() -> None:
    export = Export.model_validate({**EXPORT, "platform": "OpenVino", "status": "Queued", "flavor": "OpenVinoFP16"})
    assert export.platform == "OpenVino"
    assert isinstance(export.platform, ExportPlatform)
    assert isinstance(export.flavor, ExportFlavor)
    assert export.status == "Queued"
    assert export.to_wire() == {
        "platform": "OpenVino",
        "status": "Queued",
        "flavor": "OpenVinoFP16",
        "newerVersionAvailable": False,
    }
    assert round_trips(export)

    iteration = Iteration.model_validate({**ITERATION, "status": "Queued", "exportableTo": ["CoreML", "Next"]})
    assert isinstance(iteration.status, IterationStatus)
    assert iteration.exportable_to == [ExportPlatform.CORE_ML, "Next"]
    assert round_trips(iteration)


def test_known_enum_values_become_members() -> None:
    export = Export.model_validate({**EXPORT, "flavor": "ONNX12"})
    assert export.platform is ExportPlatform.ONNX
    assert export.status is ExportStatus.DONE
    assert export.flavor is ExportFlavor.ONNX12
    assert Iteration.model_validate(ITERATION).status is IterationStatus.COMPLETED


def test_unknown_fields_are_preserved_on_the_wire() -> None:
    project = Project.model_validate(
        {
            **PROJECT,
            "futureField": {"a": 1},
            "settings": {"domainId": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31", "futureSetting": True},
        }
    )
    wire = project.to_wire()
    assert wire["futureField"] == {"a": 1}
    assert wire["settings"]["futureSetting"] is True
    assert round_trips(project)


def test_augmentation_methods_keep_keys_with_spaces() -> None:
    methods = {"horizontal flip": True, "rotation": False, "random erase": True}
    domain = "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"
    body = {"domainId": domain, "imageProcessingSettings": {"augmentationMethods": methods}}
    settings = ProjectSettings.model_validate(body)
    assert settings.image_processing_settings is not None
    assert settings.image_processing_settings.augmentation_methods == methods
    assert settings.to_wire() == body
    assert round_trips(settings)


def test_snake_case_and_camel_case_are_both_accepted() -> None:
    project_id = UUID("b6dd673c-be9e-4911-b2f6-02237b2d4872")
    common = {k: v for k, v in ITERATION.items() if k != "projectId"}
    by_alias = Iteration.model_validate({**common, "projectId": str(project_id), "trainedAt": None})
    by_name = Iteration.model_validate({**common, "project_id": str(project_id), "trained_at": None})
    assert by_alias == by_name
    assert by_alias.project_id == project_id
    counts = {"iterationCount": 1, "imageCount": 10, "tagCount": 4, "regionCount": 0, "token": "t"}
    assert ProjectExport.model_validate({**counts, "estimated_import_time_in_ms": 5}).estimated_import_time_in_ms == 5
    assert ProjectExport.model_validate({**counts, "estimatedImportTimeInMS": 5}).to_wire() == {
        **counts,
        "estimatedImportTimeInMS": 5,
    }


def test_probabilities_with_exponents_parse() -> None:
    body = '{"predictions": [{"probability": 8.79471951E-13, "tagId": "' + TAG_ID + '", "tagName": "apple"}]}'
    performance = ImagePrediction.model_validate({**PREDICTION, **json.loads(body)})
    assert performance.predictions[0].probability == pytest.approx(8.79471951e-13)
    assert performance.predictions[0].tag_id == UUID(TAG_ID)
    as_text = ImagePrediction.model_validate(
        {**PREDICTION, "predictions": [{"probability": "8.79471951E-13", "tagId": TAG_ID, "tagName": "apple"}]}
    )
    assert as_text.predictions[0].probability == pytest.approx(8.79471951e-13)


def test_null_arrays_and_maps_read_as_empty() -> None:
    image = Image.model_validate({**IMAGE, "tags": None, "regions": None, "metadata": None})
    assert (image.tags, image.regions, image.metadata) == ([], [], {})
    assert Image.model_validate(IMAGE).tags == []
    assert Iteration.model_validate({**ITERATION, "exportableTo": None}).exportable_to == []
    assert (
        ImagePerformance.model_validate(
            {**IMAGE, "imageUri": "https://blob.example/i", "predictions": None}
        ).predictions
        == []
    )


def test_response_models_accept_sparse_bodies() -> None:
    iteration = Iteration.model_validate({**ITERATION, "status": "Training", "domainId": None})
    assert iteration.domain_id is None
    assert iteration.classification_type is None
    assert iteration.trained_at is None
    tag = Tag.model_validate({**TAG, "description": None})
    assert tag.description is None
    assert Tag.model_validate({**TAG, "type": "Negative"}).type is TagType.NEGATIVE


def test_stored_predictions_keep_the_prediction_helpers() -> None:
    uris = {k: IMAGE[k] for k in ("resizedImageUri", "thumbnailUri", "originalImageUri")}
    predictions = [
        {"probability": 0.2, "tagName": "a", "tagId": TAG_ID},
        {"probability": 0.9, "tagName": "b", "tagId": TAG_ID},
    ]
    stored = StoredImagePrediction.model_validate(
        {**PREDICTION, **uris, "domain": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31", "predictions": predictions}
    )
    assert isinstance(stored, ImagePrediction)
    assert stored.best().tag_name == "b"


# ---------------------------------------------------------------------------------------------- requests


def test_file_entry_holds_raw_bytes_and_sends_base64() -> None:
    raw = bytes(range(256)) * 3
    entry = ImageFileCreateEntry(name="a.jpg", contents=raw, tag_ids=[UUID(TAG_ID)])
    assert entry.contents == raw
    wire = entry.to_wire()
    assert wire == {"name": "a.jpg", "contents": base64.b64encode(raw).decode(), "tagIds": [TAG_ID]}
    assert ImageFileCreateEntry.model_validate(wire).contents == raw
    assert json.loads(entry.model_dump_json(by_alias=True))["contents"] == wire["contents"]
    assert round_trips(entry)
    assert entry.model_dump()["contents"] == raw  # python mode keeps bytes
    assert "contents" not in repr(entry)


def test_file_entry_accepts_bytearray_and_rejects_bad_base64() -> None:
    assert ImageFileCreateEntry(contents=bytearray(b"\x00\xff")).contents == b"\x00\xff"
    with pytest.raises(ValidationError):
        ImageFileCreateEntry.model_validate({"contents": "not base64!"})


def test_batches_serialise_nested_entries() -> None:
    batch = ImageFileCreateBatch(
        images=[
            ImageFileCreateEntry(contents=b"img", regions=[Region(tag_id=TAG_ID, left=0, top=0, width=1, height=1)])
        ],
        metadata={"source": "camera 1"},
    )
    assert batch.to_wire() == {
        "images": [
            {
                "contents": "aW1n",
                "regions": [{"tagId": TAG_ID, "left": 0.0, "top": 0.0, "width": 1.0, "height": 1.0}],
            }
        ],
        "metadata": {"source": "camera 1"},
    }
    assert ImageUrlCreateBatch(images=[ImageUrlCreateEntry(url="https://x/y.jpg")]).to_wire() == {
        "images": [{"url": "https://x/y.jpg"}]
    }


@pytest.mark.parametrize(
    ("cls", "body"),
    [
        (ImageFileCreateEntry, {"name": "a.jpg"}),
        (ImageUrlCreateEntry, {"tagIds": [TAG_ID]}),
        (ImageTagCreateEntry, {"imageId": IMAGE_ID}),
        (ImageRegionCreateEntry, {"imageId": IMAGE_ID, "tagId": TAG_ID, "left": 0, "top": 0, "width": 1}),
        (Region, {"left": 0, "top": 0, "width": 1, "height": 1}),
        (Project, {"description": "no name"}),
        (Iteration, {**ITERATION, "status": None}),
        (ImageCreateSummary, {"images": []}),
    ],
)
def test_required_request_fields_are_enforced(cls: type[ImageUrlCreateEntry], body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        cls.model_validate(body)


# ------------------------------------------------------------------------------------------- conveniences


def _upload_summary() -> ImageCreateSummary:
    return ImageCreateSummary.model_validate(
        {
            "isBatchSuccessful": False,
            "images": [
                {"sourceUrl": "a.jpg", "status": "OK", "image": IMAGE},
                {"sourceUrl": "b.jpg", "status": "OKDuplicate"},
                {"sourceUrl": "c.jpg", "status": "ErrorImageFormat"},
                {"status": "ErrorSource", "image": IMAGE},
                {"sourceUrl": "e.jpg", "status": "ErrorSomethingNew"},
                {"sourceUrl": None, "status": "ErrorUnknown"},
            ],
        }
    )


def test_image_create_summary_splits_results() -> None:
    summary = _upload_summary()
    assert [r.source_url for r in summary.succeeded] == ["a.jpg", "b.jpg"]
    assert [r.source_url for r in summary.duplicates] == ["b.jpg"]
    assert [r.status for r in summary.failed] == [
        ImageCreateStatus.ERROR_IMAGE_FORMAT,
        ImageCreateStatus.ERROR_SOURCE,
        "ErrorSomethingNew",
        ImageCreateStatus.ERROR_UNKNOWN,
    ]
    assert summary.images[0].is_success
    assert not summary.images[2].is_success


def test_image_create_summary_describes_failures() -> None:
    text = _upload_summary().describe_failures()
    assert text.splitlines() == [
        "4 of 6 images failed:",
        "  #2 c.jpg: ErrorImageFormat",
        f"  #3 image {IMAGE_ID}: ErrorSource",
        "  #4 e.jpg: ErrorSomethingNew",
        "  #5 (no source given): ErrorUnknown",
    ]


def test_image_create_summary_without_failures() -> None:
    summary = ImageCreateSummary.model_validate({"isBatchSuccessful": True, "images": [{"status": "OK"}]})
    assert summary.failed == []
    assert summary.describe_failures() == ""
    assert ImageCreateSummary(is_batch_successful=True).failed == []


def test_metadata_update_summary_failures() -> None:
    summary = ImageMetadataUpdateSummary.model_validate(
        {
            "isBatchSuccessful": False,
            "images": [
                {"imageId": IMAGE_ID, "status": "OK", "metadata": {"k": "v"}},
                {"imageId": TAG_ID, "status": "ErrorImageNotFound", "metadata": None},
            ],
        }
    )
    assert [e.image_id for e in summary.succeeded] == [UUID(IMAGE_ID)]
    assert [e.image_id for e in summary.failed] == [UUID(TAG_ID)]
    assert summary.failed[0].metadata == {}
    assert summary.describe_failures().splitlines() == [
        "1 of 2 metadata updates failed:",
        f"  image {TAG_ID}: ErrorImageNotFound",
    ]


def test_region_and_tag_summaries_report_exceeded_entries_as_failed() -> None:
    entry = {"imageId": IMAGE_ID, "tagId": TAG_ID}
    region = {**entry, "left": 0.1, "top": 0.2, "width": 0.3, "height": 0.4}
    regions = ImageRegionCreateSummary.model_validate(
        {"created": [{**region, "regionId": IMAGE_ID}], "duplicated": [region], "exceeded": [region]}
    )
    assert regions.failed == [ImageRegionCreateEntry.model_validate(region)]
    assert regions.describe_failures().splitlines() == [
        "1 regions were not created (limit exceeded):",
        f"  image {IMAGE_ID}, tag {TAG_ID} at (left=0.1, top=0.2, width=0.3, height=0.4)",
    ]
    tags = ImageTagCreateSummary.model_validate({"created": [entry], "duplicated": None, "exceeded": [entry]})
    assert tags.duplicated == []
    assert tags.failed == [ImageTagCreateEntry.model_validate(entry)]
    assert f"image {IMAGE_ID}, tag {TAG_ID}" in tags.describe_failures()
    assert ImageTagCreateSummary(created=[ImageTagCreateEntry.model_validate(entry)]).describe_failures() == ""
    assert ImageRegionCreateSummary().failed == []


@pytest.mark.parametrize(
    ("status", "completed", "failed", "finished"),
    [
        ("New", False, False, False),
        ("Training", False, False, False),
        ("Completed", True, False, True),
        ("Failed", False, True, True),
        ("SomethingNew", False, False, False),
    ],
)
def test_iteration_status_helpers(status: str, completed: bool, failed: bool, finished: bool) -> None:
    iteration = Iteration.model_validate({**ITERATION, "status": status})
    assert (iteration.is_completed, iteration.is_failed, iteration.is_finished) == (completed, failed, finished)


def test_iteration_is_published() -> None:
    assert Iteration.model_validate({**ITERATION, "publishName": "prod"}).is_published
    assert not Iteration.model_validate({**ITERATION, "publishName": None}).is_published
    assert not Iteration.model_validate({**ITERATION, "publish_name": ""}).is_published
    multiclass = Iteration.model_validate({**ITERATION, "classificationType": "Multiclass"})
    assert multiclass.classification_type is Classifier.MULTICLASS


def test_to_wire_json_is_to_wire_encoded() -> None:
    tag = UUID(int=7)
    batch = ImageFileCreateBatch.model_validate(
        {
            "images": [
                {"name": "pomme é", "contents": b"\xff\xd8\xff" * 50, "tagIds": [tag], "futureField": [1, None]},
                {
                    "contents": b"\x89PNG",
                    "regions": [{"tagId": tag, "left": 1e-07, "top": 0.1, "width": 1 / 3, "height": 0.5}],
                },
            ],
            "metadata": {"camera": "front"},
        }
    )
    encoded = batch.to_wire_json()
    assert isinstance(encoded, bytes)
    assert json.loads(encoded) == batch.to_wire()
    assert base64.b64decode(json.loads(encoded)["images"][0]["contents"]) == b"\xff\xd8\xff" * 50
