"""Identity checks of a Didit decision: ID document, NFC chip, liveness, face match, proof of
address and database validation (didit-api-reference.md §4.3-§4.4).

Every check item carries `node_id`, a unified `status` with the provider's own word, and its
warnings. Sub-objects the reference names field by field are typed; those it only sketches
(`parsed_address`, `extra_fields`, `mrz`, chip `dgs` …) stay JSON (`Any`), as Didit sent them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from idv_gateway.domain.sessions import FeatureStatus

__all__ = [
    "DatabaseValidation",
    "DatabaseValidationResult",
    "DecisionItem",
    "DecisionWarning",
    "FaceMatch",
    "IdVerification",
    "ImageQualityScore",
    "LivenessCheck",
    "NfcAuthenticity",
    "NfcCertificateSummary",
    "NfcChipData",
    "NfcVerification",
    "PoaDocumentMetadata",
    "PoaVerification",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionWarning:
    feature: str | None
    risk: str | None
    log_type: str | None  # error (decline), warning (review) or information
    short_description: str | None
    long_description: str | None
    node_id: str | None
    additional_data: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionItem:
    """What every item of every feature array carries."""

    node_id: str | None  # None for legacy single-feature sessions
    status: FeatureStatus
    provider_status: str | None
    warnings: tuple[DecisionWarning, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageQualityScore:
    focus_score: float | None
    brightness_score: float | None
    brightness_issue: str | None
    is_document_fully_visible: bool | None
    resolution_score: float | None
    overall_score: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class IdVerification(DecisionItem):
    document_type: str | None
    document_number: str | None
    personal_number: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    date_of_birth: str | None
    age: int | None
    gender: str | None
    nationality: str | None
    issuing_state: str | None
    issuing_state_name: str | None
    expiration_date: str | None
    date_of_issue: str | None
    place_of_birth: str | None
    marital_status: str | None
    address: str | None
    formatted_address: str | None
    parsed_address: Mapping[str, Any] | None
    extra_fields: Mapping[str, Any] | None
    extra_files: Any
    matches: Any
    portrait_image: str | None
    front_image: str | None
    back_image: str | None
    full_front_image: str | None
    full_back_image: str | None
    front_video: str | None
    back_video: str | None
    front_image_camera_front: str | None
    back_image_camera_front: str | None
    front_image_camera_front_face_match_score: float | None
    back_image_camera_front_face_match_score: float | None
    front_image_quality_score: ImageQualityScore | None
    back_image_quality_score: ImageQualityScore | None
    mrz: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class NfcAuthenticity:
    dg_integrity: bool | None
    sod_integrity: bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NfcCertificateSummary:
    issuer: str | None
    subject: str | None
    serial_number: str | None
    not_valid_before: str | None
    not_valid_after: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NfcChipData:
    document_type: str | None
    document_number: str | None
    name: str | None
    surname: str | None
    birth_date: str | None
    expiry_date: str | None
    nationality: str | None
    country: str | None
    sex: str | None
    mrz_string: str | None
    mrz_type: str | None
    dgs: Any
    address: str | None
    place_of_birth: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class NfcVerification(DecisionItem):
    authenticity: NfcAuthenticity | None
    certificate_summary: NfcCertificateSummary | None
    chip_data: NfcChipData | None
    portrait_image: str | None
    signature_image: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LivenessCheck(DecisionItem):
    method: str | None  # PASSIVE, ACTIVE_3D, FLASHING
    score: float | None
    reference_image: str | None
    video_url: str | None
    age_estimation: float | None
    face_quality: float | None
    face_luminance: float | None
    matches: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class FaceMatch(DecisionItem):
    score: float | None
    source_image: str | None
    target_image: str | None
    source_image_session_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PoaDocumentMetadata:
    content_type: str | None
    file_size: int | None
    creation_date: str | None
    modified_date: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PoaVerification(DecisionItem):
    document_type: str | None
    document_file: str | None
    document_language: str | None
    document_metadata: PoaDocumentMetadata | None
    issuer: str | None
    issue_date: str | None
    expiration_date: str | None
    issuing_state: str | None
    name_on_document: str | None
    name_match_score_id_verification: float | None
    name_match_score_expected_details: float | None
    poa_address: str | None
    poa_formatted_address: str | None
    poa_parsed_address: Mapping[str, Any] | None
    extra_fields: Mapping[str, Any] | None
    extra_files: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseValidationResult:
    validation: Mapping[str, Any] | None  # field name → full_match | partial_match | no_match …
    source_data: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseValidation(DecisionItem):
    issuing_state: str | None
    validation_type: str | None
    match_type: str | None
    screened_data: Mapping[str, Any] | None
    validations: tuple[DatabaseValidationResult, ...]
