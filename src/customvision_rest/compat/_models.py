"""What the old SDK's models modules had beyond this library's models: its enum names and ``CreateProjectOptions``.

Each old enum is here under its old name with its old member names (``Classifier.multiclass``,
``ImageCreateStatus.ok_duplicate``...), and each member *is* the member of this library's enum with that value,
so what old code assigns to a model or compares with a result is exactly what the native models hold. Values
this library's enums do not list (``ExportPlatform.open_vino``...) are their open members for that value.
``Classifier("Multiclass")`` and ``list(Classifier)`` work as they did on the old enums.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import models

__all__ = [
    "Classifier",
    "CreateProjectOptions",
    "CustomVisionErrorCodes",
    "DomainType",
    "ExportFlavor",
    "ExportPlatform",
    "ExportStatus",
    "ImageCreateStatus",
    "ImageMetadataUpdateStatus",
    "OldNames",
    "OrderBy",
    "ProjectStatus",
    "SortBy",
    "TagType",
    "TrainingType",
]


class CreateProjectOptions(models.CustomVisionModel):
    """Storage options of a new project (API 3.4-preview); not sent by this library's v3.3 client."""

    export_model_container_uri: str | None = None
    notification_queue_uri: str | None = None


class OldNames(type):
    """The type of an old enum's name table: iterable, and callable with a value, as the old enums were."""

    def __iter__(cls) -> Iterator[Any]:
        seen: list[Any] = []
        for name, value in vars(cls).items():
            if not name.startswith("_") and value not in seen:
                seen.append(value)
        return iter(seen)

    def __call__(cls, value: str) -> Any:
        return vars(cls)["_native"](value)

    def __len__(cls) -> int:
        return len(list(iter(cls)))


class Classifier(metaclass=OldNames):
    """How a classification project assigns tags."""

    _native = models.Classifier
    multiclass = models.Classifier("Multiclass")
    multilabel = models.Classifier("Multilabel")


class CustomVisionErrorCodes(metaclass=OldNames):
    """The service's error codes (``error.error.code`` of a ``CustomVisionErrorException``)."""

    _native = models.CustomVisionErrorCode
    no_error = models.CustomVisionErrorCode("NoError")
    bad_request = models.CustomVisionErrorCode("BadRequest")
    bad_request_exceeded_batch_size = models.CustomVisionErrorCode("BadRequestExceededBatchSize")
    bad_request_not_supported = models.CustomVisionErrorCode("BadRequestNotSupported")
    bad_request_invalid_ids = models.CustomVisionErrorCode("BadRequestInvalidIds")
    bad_request_project_name = models.CustomVisionErrorCode("BadRequestProjectName")
    bad_request_project_name_not_unique = models.CustomVisionErrorCode("BadRequestProjectNameNotUnique")
    bad_request_project_description = models.CustomVisionErrorCode("BadRequestProjectDescription")
    bad_request_project_unknown_domain = models.CustomVisionErrorCode("BadRequestProjectUnknownDomain")
    bad_request_project_unknown_classification = models.CustomVisionErrorCode("BadRequestProjectUnknownClassification")
    bad_request_project_unsupported_domain_type_change = models.CustomVisionErrorCode(
        "BadRequestProjectUnsupportedDomainTypeChange"
    )
    bad_request_project_unsupported_export_platform = models.CustomVisionErrorCode(
        "BadRequestProjectUnsupportedExportPlatform"
    )
    bad_request_project_image_preprocessing_settings = models.CustomVisionErrorCode(
        "BadRequestProjectImagePreprocessingSettings"
    )
    bad_request_project_duplicated = models.CustomVisionErrorCode("BadRequestProjectDuplicated")
    bad_request_iteration_name = models.CustomVisionErrorCode("BadRequestIterationName")
    bad_request_iteration_name_not_unique = models.CustomVisionErrorCode("BadRequestIterationNameNotUnique")
    bad_request_iteration_description = models.CustomVisionErrorCode("BadRequestIterationDescription")
    bad_request_iteration_is_not_trained = models.CustomVisionErrorCode("BadRequestIterationIsNotTrained")
    bad_request_iteration_validation_failed = models.CustomVisionErrorCode("BadRequestIterationValidationFailed")
    bad_request_workspace_cannot_be_modified = models.CustomVisionErrorCode("BadRequestWorkspaceCannotBeModified")
    bad_request_workspace_not_deletable = models.CustomVisionErrorCode("BadRequestWorkspaceNotDeletable")
    bad_request_tag_name = models.CustomVisionErrorCode("BadRequestTagName")
    bad_request_tag_name_not_unique = models.CustomVisionErrorCode("BadRequestTagNameNotUnique")
    bad_request_tag_description = models.CustomVisionErrorCode("BadRequestTagDescription")
    bad_request_tag_type = models.CustomVisionErrorCode("BadRequestTagType")
    bad_request_multiple_negative_tag = models.CustomVisionErrorCode("BadRequestMultipleNegativeTag")
    bad_request_multiple_general_product_tag = models.CustomVisionErrorCode("BadRequestMultipleGeneralProductTag")
    bad_request_image_tags = models.CustomVisionErrorCode("BadRequestImageTags")
    bad_request_image_regions = models.CustomVisionErrorCode("BadRequestImageRegions")
    bad_request_negative_and_regular_tag_on_same_image = models.CustomVisionErrorCode(
        "BadRequestNegativeAndRegularTagOnSameImage"
    )
    bad_request_unsupported_domain = models.CustomVisionErrorCode("BadRequestUnsupportedDomain")
    bad_request_required_param_is_null = models.CustomVisionErrorCode("BadRequestRequiredParamIsNull")
    bad_request_iteration_is_published = models.CustomVisionErrorCode("BadRequestIterationIsPublished")
    bad_request_invalid_publish_name = models.CustomVisionErrorCode("BadRequestInvalidPublishName")
    bad_request_invalid_publish_target = models.CustomVisionErrorCode("BadRequestInvalidPublishTarget")
    bad_request_unpublish_failed = models.CustomVisionErrorCode("BadRequestUnpublishFailed")
    bad_request_iteration_not_published = models.CustomVisionErrorCode("BadRequestIterationNotPublished")
    bad_request_subscription_api = models.CustomVisionErrorCode("BadRequestSubscriptionApi")
    bad_request_exceed_project_limit = models.CustomVisionErrorCode("BadRequestExceedProjectLimit")
    bad_request_exceed_iteration_per_project_limit = models.CustomVisionErrorCode(
        "BadRequestExceedIterationPerProjectLimit"
    )
    bad_request_exceed_tag_per_project_limit = models.CustomVisionErrorCode("BadRequestExceedTagPerProjectLimit")
    bad_request_exceed_tag_per_image_limit = models.CustomVisionErrorCode("BadRequestExceedTagPerImageLimit")
    bad_request_exceeded_quota = models.CustomVisionErrorCode("BadRequestExceededQuota")
    bad_request_cannot_migrate_project_with_name = models.CustomVisionErrorCode(
        "BadRequestCannotMigrateProjectWithName"
    )
    bad_request_not_limited_trial = models.CustomVisionErrorCode("BadRequestNotLimitedTrial")
    bad_request_image_batch = models.CustomVisionErrorCode("BadRequestImageBatch")
    bad_request_image_stream = models.CustomVisionErrorCode("BadRequestImageStream")
    bad_request_image_url = models.CustomVisionErrorCode("BadRequestImageUrl")
    bad_request_image_format = models.CustomVisionErrorCode("BadRequestImageFormat")
    bad_request_image_size_bytes = models.CustomVisionErrorCode("BadRequestImageSizeBytes")
    bad_request_image_dimensions = models.CustomVisionErrorCode("BadRequestImageDimensions")
    bad_request_image_aspect_ratio = models.CustomVisionErrorCode("BadRequestImageAspectRatio")
    bad_request_image_exceeded_count = models.CustomVisionErrorCode("BadRequestImageExceededCount")
    bad_request_training_not_needed = models.CustomVisionErrorCode("BadRequestTrainingNotNeeded")
    bad_request_training_not_needed_but_training_pipeline_updated = models.CustomVisionErrorCode(
        "BadRequestTrainingNotNeededButTrainingPipelineUpdated"
    )
    bad_request_training_validation_failed = models.CustomVisionErrorCode("BadRequestTrainingValidationFailed")
    bad_request_classification_training_validation_failed = models.CustomVisionErrorCode(
        "BadRequestClassificationTrainingValidationFailed"
    )
    bad_request_multi_class_classification_training_validation_failed = models.CustomVisionErrorCode(
        "BadRequestMultiClassClassificationTrainingValidationFailed"
    )
    bad_request_multi_label_classification_training_validation_failed = models.CustomVisionErrorCode(
        "BadRequestMultiLabelClassificationTrainingValidationFailed"
    )
    bad_request_detection_training_validation_failed = models.CustomVisionErrorCode(
        "BadRequestDetectionTrainingValidationFailed"
    )
    bad_request_training_already_in_progress = models.CustomVisionErrorCode("BadRequestTrainingAlreadyInProgress")
    bad_request_detection_training_not_allow_negative_tag = models.CustomVisionErrorCode(
        "BadRequestDetectionTrainingNotAllowNegativeTag"
    )
    bad_request_invalid_email_address = models.CustomVisionErrorCode("BadRequestInvalidEmailAddress")
    bad_request_retired_domain_not_supported_for_training = models.CustomVisionErrorCode(
        "BadRequestRetiredDomainNotSupportedForTraining"
    )
    bad_request_domain_not_supported_for_advanced_training = models.CustomVisionErrorCode(
        "BadRequestDomainNotSupportedForAdvancedTraining"
    )
    bad_request_export_platform_not_supported_for_advanced_training = models.CustomVisionErrorCode(
        "BadRequestExportPlatformNotSupportedForAdvancedTraining"
    )
    bad_request_reserved_budget_in_hours_not_enough_for_advanced_training = models.CustomVisionErrorCode(
        "BadRequestReservedBudgetInHoursNotEnoughForAdvancedTraining"
    )
    bad_request_custom_base_model_iteration_status_not_completed = models.CustomVisionErrorCode(
        "BadRequestCustomBaseModelIterationStatusNotCompleted"
    )
    bad_request_custom_base_model_domain_not_compatible = models.CustomVisionErrorCode(
        "BadRequestCustomBaseModelDomainNotCompatible"
    )
    bad_request_custom_base_model_architecture_retired = models.CustomVisionErrorCode(
        "BadRequestCustomBaseModelArchitectureRetired"
    )
    bad_request_export_validation_failed = models.CustomVisionErrorCode("BadRequestExportValidationFailed")
    bad_request_export_already_in_progress = models.CustomVisionErrorCode("BadRequestExportAlreadyInProgress")
    bad_request_prediction_ids_missing = models.CustomVisionErrorCode("BadRequestPredictionIdsMissing")
    bad_request_prediction_ids_exceeded_count = models.CustomVisionErrorCode("BadRequestPredictionIdsExceededCount")
    bad_request_prediction_tags_exceeded_count = models.CustomVisionErrorCode("BadRequestPredictionTagsExceededCount")
    bad_request_prediction_results_exceeded_count = models.CustomVisionErrorCode(
        "BadRequestPredictionResultsExceededCount"
    )
    bad_request_prediction_invalid_application_name = models.CustomVisionErrorCode(
        "BadRequestPredictionInvalidApplicationName"
    )
    bad_request_prediction_invalid_query_parameters = models.CustomVisionErrorCode(
        "BadRequestPredictionInvalidQueryParameters"
    )
    bad_request_invalid_import_token = models.CustomVisionErrorCode("BadRequestInvalidImportToken")
    bad_request_export_while_training = models.CustomVisionErrorCode("BadRequestExportWhileTraining")
    bad_request_image_metadata_key = models.CustomVisionErrorCode("BadRequestImageMetadataKey")
    bad_request_image_metadata_value = models.CustomVisionErrorCode("BadRequestImageMetadataValue")
    bad_request_operation_not_supported = models.CustomVisionErrorCode("BadRequestOperationNotSupported")
    bad_request_invalid_artifact_uri = models.CustomVisionErrorCode("BadRequestInvalidArtifactUri")
    bad_request_customer_managed_key_revoked = models.CustomVisionErrorCode("BadRequestCustomerManagedKeyRevoked")
    bad_request_invalid_uri = models.CustomVisionErrorCode("BadRequestInvalidUri")
    bad_request_invalid = models.CustomVisionErrorCode("BadRequestInvalid")
    unsupported_media_type = models.CustomVisionErrorCode("UnsupportedMediaType")
    forbidden = models.CustomVisionErrorCode("Forbidden")
    forbidden_user = models.CustomVisionErrorCode("ForbiddenUser")
    forbidden_user_resource = models.CustomVisionErrorCode("ForbiddenUserResource")
    forbidden_user_signup_disabled = models.CustomVisionErrorCode("ForbiddenUserSignupDisabled")
    forbidden_user_signup_allowance_exceeded = models.CustomVisionErrorCode("ForbiddenUserSignupAllowanceExceeded")
    forbidden_user_does_not_exist = models.CustomVisionErrorCode("ForbiddenUserDoesNotExist")
    forbidden_user_disabled = models.CustomVisionErrorCode("ForbiddenUserDisabled")
    forbidden_user_insufficient_capability = models.CustomVisionErrorCode("ForbiddenUserInsufficientCapability")
    forbidden_dr_mode_enabled = models.CustomVisionErrorCode("ForbiddenDRModeEnabled")
    forbidden_invalid = models.CustomVisionErrorCode("ForbiddenInvalid")
    not_found = models.CustomVisionErrorCode("NotFound")
    not_found_project = models.CustomVisionErrorCode("NotFoundProject")
    not_found_project_default_iteration = models.CustomVisionErrorCode("NotFoundProjectDefaultIteration")
    not_found_iteration = models.CustomVisionErrorCode("NotFoundIteration")
    not_found_iteration_performance = models.CustomVisionErrorCode("NotFoundIterationPerformance")
    not_found_tag = models.CustomVisionErrorCode("NotFoundTag")
    not_found_image = models.CustomVisionErrorCode("NotFoundImage")
    not_found_domain = models.CustomVisionErrorCode("NotFoundDomain")
    not_found_apim_subscription = models.CustomVisionErrorCode("NotFoundApimSubscription")
    not_found_invalid = models.CustomVisionErrorCode("NotFoundInvalid")
    conflict = models.CustomVisionErrorCode("Conflict")
    conflict_invalid = models.CustomVisionErrorCode("ConflictInvalid")
    error_unknown = models.CustomVisionErrorCode("ErrorUnknown")
    error_iteration_copy_failed = models.CustomVisionErrorCode("ErrorIterationCopyFailed")
    error_prepare_performance_migration_failed = models.CustomVisionErrorCode("ErrorPreparePerformanceMigrationFailed")
    error_project_invalid_workspace = models.CustomVisionErrorCode("ErrorProjectInvalidWorkspace")
    error_project_invalid_pipeline_configuration = models.CustomVisionErrorCode(
        "ErrorProjectInvalidPipelineConfiguration"
    )
    error_project_invalid_domain = models.CustomVisionErrorCode("ErrorProjectInvalidDomain")
    error_project_training_request_failed = models.CustomVisionErrorCode("ErrorProjectTrainingRequestFailed")
    error_project_import_request_failed = models.CustomVisionErrorCode("ErrorProjectImportRequestFailed")
    error_project_export_request_failed = models.CustomVisionErrorCode("ErrorProjectExportRequestFailed")
    error_featurization_service_unavailable = models.CustomVisionErrorCode("ErrorFeaturizationServiceUnavailable")
    error_featurization_queue_timeout = models.CustomVisionErrorCode("ErrorFeaturizationQueueTimeout")
    error_featurization_invalid_featurizer = models.CustomVisionErrorCode("ErrorFeaturizationInvalidFeaturizer")
    error_featurization_augmentation_unavailable = models.CustomVisionErrorCode(
        "ErrorFeaturizationAugmentationUnavailable"
    )
    error_featurization_unrecognized_job = models.CustomVisionErrorCode("ErrorFeaturizationUnrecognizedJob")
    error_featurization_augmentation_error = models.CustomVisionErrorCode("ErrorFeaturizationAugmentationError")
    error_exporter_invalid_platform = models.CustomVisionErrorCode("ErrorExporterInvalidPlatform")
    error_exporter_invalid_featurizer = models.CustomVisionErrorCode("ErrorExporterInvalidFeaturizer")
    error_exporter_invalid_classifier = models.CustomVisionErrorCode("ErrorExporterInvalidClassifier")
    error_prediction_service_unavailable = models.CustomVisionErrorCode("ErrorPredictionServiceUnavailable")
    error_prediction_model_not_found = models.CustomVisionErrorCode("ErrorPredictionModelNotFound")
    error_prediction_model_not_cached = models.CustomVisionErrorCode("ErrorPredictionModelNotCached")
    error_prediction = models.CustomVisionErrorCode("ErrorPrediction")
    error_prediction_storage = models.CustomVisionErrorCode("ErrorPredictionStorage")
    error_region_proposal = models.CustomVisionErrorCode("ErrorRegionProposal")
    error_unknown_base_model = models.CustomVisionErrorCode("ErrorUnknownBaseModel")
    error_server_time_out = models.CustomVisionErrorCode("ErrorServerTimeOut")
    error_invalid = models.CustomVisionErrorCode("ErrorInvalid")


class DomainType(metaclass=OldNames):
    """The kind of model a domain trains."""

    _native = models.DomainType
    classification = models.DomainType("Classification")
    object_detection = models.DomainType("ObjectDetection")


class ExportFlavor(metaclass=OldNames):
    """A variant of an export platform."""

    _native = models.ExportFlavor
    linux = models.ExportFlavor("Linux")
    windows = models.ExportFlavor("Windows")
    onnx10 = models.ExportFlavor("ONNX10")
    onnx12 = models.ExportFlavor("ONNX12")
    arm = models.ExportFlavor("ARM")
    tensor_flow_normal = models.ExportFlavor("TensorFlowNormal")
    tensor_flow_lite = models.ExportFlavor("TensorFlowLite")


class ExportPlatform(metaclass=OldNames):
    """A format a trained iteration can be exported to."""

    _native = models.ExportPlatform
    core_ml = models.ExportPlatform("CoreML")
    tensor_flow = models.ExportPlatform("TensorFlow")
    docker_file = models.ExportPlatform("DockerFile")
    onnx = models.ExportPlatform("ONNX")
    vaidk = models.ExportPlatform("VAIDK")
    open_vino = models.ExportPlatform("OpenVino")


class ExportStatus(metaclass=OldNames):
    """Where an export stands."""

    _native = models.ExportStatus
    exporting = models.ExportStatus("Exporting")
    failed = models.ExportStatus("Failed")
    done = models.ExportStatus("Done")


class ImageCreateStatus(metaclass=OldNames):
    """The outcome of one image of an upload batch."""

    _native = models.ImageCreateStatus
    ok = models.ImageCreateStatus("OK")
    ok_duplicate = models.ImageCreateStatus("OKDuplicate")
    error_source = models.ImageCreateStatus("ErrorSource")
    error_image_format = models.ImageCreateStatus("ErrorImageFormat")
    error_image_size = models.ImageCreateStatus("ErrorImageSize")
    error_storage = models.ImageCreateStatus("ErrorStorage")
    error_limit_exceed = models.ImageCreateStatus("ErrorLimitExceed")
    error_tag_limit_exceed = models.ImageCreateStatus("ErrorTagLimitExceed")
    error_region_limit_exceed = models.ImageCreateStatus("ErrorRegionLimitExceed")
    error_unknown = models.ImageCreateStatus("ErrorUnknown")
    error_negative_and_regular_tag_on_same_image = models.ImageCreateStatus("ErrorNegativeAndRegularTagOnSameImage")
    error_image_dimensions = models.ImageCreateStatus("ErrorImageDimensions")
    error_invalid_tag = models.ImageCreateStatus("ErrorInvalidTag")


class ImageMetadataUpdateStatus(metaclass=OldNames):
    """The outcome of one image of a metadata update."""

    _native = models.ImageMetadataUpdateStatus
    ok = models.ImageMetadataUpdateStatus("OK")
    error_image_not_found = models.ImageMetadataUpdateStatus("ErrorImageNotFound")
    error_limit_exceed = models.ImageMetadataUpdateStatus("ErrorLimitExceed")
    error_unknown = models.ImageMetadataUpdateStatus("ErrorUnknown")


class OrderBy(metaclass=OldNames):
    """The order of image listings."""

    _native = models.OrderBy
    newest = models.OrderBy("Newest")
    oldest = models.OrderBy("Oldest")
    suggested = models.OrderBy("Suggested")


class ProjectStatus(metaclass=OldNames):
    """Where a project (an import) stands."""

    _native = models.ProjectStatus
    succeeded = models.ProjectStatus("Succeeded")
    importing = models.ProjectStatus("Importing")
    failed = models.ProjectStatus("Failed")


class SortBy(metaclass=OldNames):
    """The order of suggested images."""

    _native = models.SortBy
    uncertainty_ascending = models.SortBy("UncertaintyAscending")
    uncertainty_descending = models.SortBy("UncertaintyDescending")


class TagType(metaclass=OldNames):
    """The kind of a tag."""

    _native = models.TagType
    regular = models.TagType("Regular")
    negative = models.TagType("Negative")
    general_product = models.TagType("GeneralProduct")


class TrainingType(metaclass=OldNames):
    """Regular (quick) or advanced (budgeted) training."""

    _native = models.TrainingType
    regular = models.TrainingType("Regular")
    advanced = models.TrainingType("Advanced")
