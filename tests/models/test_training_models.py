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
    image = Image.model_validate_json(json.dumps({"created": wire, "tags": [{"created": wire}]}))
    for value in (image.created, image.tags[0].created):
        assert value == expected
        assert value is not None
        assert value.utcoffset() == timedelta(0)
    assert round_trips(image)


# -------------------------------------------------------------------------------------- open enums, extras


def test_unknown_enum_values_parse_and_round_trip() -> None:
    export = Export.model_validate({"platform": "OpenVino", "status": "Queued", "flavor": "OpenVinoFP16"})
    assert export.platform == "OpenVino"
    assert isinstance(export.platform, ExportPlatform)
    assert isinstance(export.flavor, ExportFlavor)
    assert export.status == "Queued"
    assert export.to_wire() == {"platform": "OpenVino", "status": "Queued", "flavor": "OpenVinoFP16"}
    assert round_trips(export)

    iteration = Iteration.model_validate({"name": "it", "status": "Queued", "exportableTo": ["CoreML", "Next"]})
    assert isinstance(iteration.status, IterationStatus)
    assert iteration.exportable_to == [ExportPlatform.CORE_ML, "Next"]
    assert round_trips(iteration)


def test_known_enum_values_become_members() -> None:
    export = Export.model_validate({"platform": "ONNX", "status": "Done", "flavor": "ONNX12"})
    assert export.platform is ExportPlatform.ONNX
    assert export.status is ExportStatus.DONE
    assert export.flavor is ExportFlavor.ONNX12
    assert Iteration(name="x", status="Completed").status is IterationStatus.COMPLETED


def test_unknown_fields_are_preserved_on_the_wire() -> None:
    project = Project.model_validate(
        {
            "name": "p",
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
    settings = ProjectSettings.model_validate({"imageProcessingSettings": {"augmentationMethods": methods}})
    assert settings.image_processing_settings is not None
    assert settings.image_processing_settings.augmentation_methods == methods
    assert settings.to_wire() == {"imageProcessingSettings": {"augmentationMethods": methods}}
    assert round_trips(settings)


def test_snake_case_and_camel_case_are_both_accepted() -> None:
    project_id = UUID("b6dd673c-be9e-4911-b2f6-02237b2d4872")
    by_alias = Iteration.model_validate({"name": "i", "projectId": str(project_id), "trainedAt": None})
    by_name = Iteration.model_validate({"name": "i", "project_id": str(project_id), "trained_at": None})
    assert by_alias == by_name
    assert by_alias.project_id == project_id
    assert ProjectExport.model_validate({"estimated_import_time_in_ms": 5}).estimated_import_time_in_ms == 5
    assert ProjectExport(estimatedImportTimeInMS=5).to_wire() == {"estimatedImportTimeInMS": 5}


def test_probabilities_with_exponents_parse() -> None:
    body = '{"predictions": [{"probability": 8.79471951E-13, "tagId": "' + TAG_ID + '"}]}'
    performance = ImagePerformance.model_validate_json(body)
    assert performance.predictions[0].probability == pytest.approx(8.79471951e-13)
    assert performance.predictions[0].tag_id == UUID(TAG_ID)
    as_text = ImagePerformance.model_validate({"predictions": [{"probability": "8.79471951E-13"}]})
    assert as_text.predictions[0].probability == pytest.approx(8.79471951e-13)


def test_null_arrays_and_maps_read_as_empty() -> None:
    image = Image.model_validate({"tags": None, "regions": None, "metadata": None})
    assert (image.tags, image.regions, image.metadata) == ([], [], {})
    assert Image().tags == []
    assert Iteration.model_validate({"name": "i", "exportableTo": None}).exportable_to == []


def test_response_models_accept_sparse_bodies() -> None:
    iteration = Iteration.model_validate({"name": "Iteration 2", "status": "Training", "domainId": None})
    assert iteration.domain_id is None
    assert iteration.classification_type is None
    assert iteration.trained_at is None
    tag = Tag.model_validate({"name": "t", "description": None})
    assert tag.type is None
    assert Tag.model_validate({"name": "t", "type": "Negative"}).type is TagType.NEGATIVE


def test_stored_predictions_keep_the_prediction_helpers() -> None:
    stored = StoredImagePrediction.model_validate(
        {"predictions": [{"probability": 0.2, "tagName": "a"}, {"probability": 0.9, "tagName": "b"}]}
    )
    assert isinstance(stored, ImagePrediction)
    best = stored.best()
    assert best is not None
    assert best.tag_name == "b"


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
                {"sourceUrl": "a.jpg", "status": "OK", "image": {"id": IMAGE_ID}},
                {"sourceUrl": "b.jpg", "status": "OKDuplicate"},
                {"sourceUrl": "c.jpg", "status": "ErrorImageFormat"},
                {"status": "ErrorSource", "image": {"id": IMAGE_ID}},
                {"sourceUrl": "e.jpg", "status": "ErrorSomethingNew"},
                {"sourceUrl": "f.jpg"},
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
        None,
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
        "  #5 f.jpg: no status",
    ]


def test_image_create_summary_without_failures() -> None:
    summary = ImageCreateSummary.model_validate({"isBatchSuccessful": True, "images": [{"status": "OK"}]})
    assert summary.failed == []
    assert summary.describe_failures() == ""
    assert ImageCreateSummary().failed == []


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
        (None, False, False, False),
    ],
)
def test_iteration_status_helpers(status: str | None, completed: bool, failed: bool, finished: bool) -> None:
    iteration = Iteration.model_validate({"name": "i", "status": status})
    assert (iteration.is_completed, iteration.is_failed, iteration.is_finished) == (completed, failed, finished)


def test_iteration_is_published() -> None:
    assert Iteration(name="i", publish_name="prod").is_published
    assert not Iteration(name="i", publish_name=None).is_published
    assert not Iteration(name="i", publishName="").is_published
    assert Iteration(name="i", classification_type="Multiclass").classification_type is Classifier.MULTICLASS
