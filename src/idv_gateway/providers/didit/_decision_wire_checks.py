"""Identity-check items of a Didit KYC decision on the wire: ID document, NFC, liveness,
face match, proof of address, database validation (didit-api-reference.md §4.4).
"""

from __future__ import annotations

from typing import Any

from idv_gateway.providers.didit._decision_wire import Item, Wire

__all__ = [
    "DatabaseValidation",
    "DatabaseValidationResult",
    "FaceMatch",
    "IdVerification",
    "ImageQuality",
    "Liveness",
    "Nfc",
    "NfcAuthenticity",
    "NfcCertificate",
    "NfcChip",
    "Poa",
    "PoaMetadata",
]


class ImageQuality(Wire):
    focus_score: float | None = None
    brightness_score: float | None = None
    brightness_issue: str | None = None
    is_document_fully_visible: bool | None = None
    resolution_score: float | None = None
    overall_score: float | None = None


class IdVerification(Item):
    document_type: str | None = None
    document_number: str | None = None
    personal_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    date_of_birth: str | None = None
    age: int | None = None
    gender: str | None = None
    nationality: str | None = None
    issuing_state: str | None = None
    issuing_state_name: str | None = None
    expiration_date: str | None = None
    date_of_issue: str | None = None
    place_of_birth: str | None = None
    marital_status: str | None = None
    address: str | None = None
    formatted_address: str | None = None
    parsed_address: dict[str, Any] | None = None
    extra_fields: dict[str, Any] | None = None
    extra_files: Any = None
    matches: Any = None
    portrait_image: str | None = None
    front_image: str | None = None
    back_image: str | None = None
    full_front_image: str | None = None
    full_back_image: str | None = None
    front_video: str | None = None
    back_video: str | None = None
    front_image_camera_front: str | None = None
    back_image_camera_front: str | None = None
    front_image_camera_front_face_match_score: float | None = None
    back_image_camera_front_face_match_score: float | None = None
    front_image_quality_score: ImageQuality | None = None
    back_image_quality_score: ImageQuality | None = None
    mrz: Any = None


class NfcAuthenticity(Wire):
    dg_integrity: bool | None = None
    sod_integrity: bool | None = None


class NfcCertificate(Wire):
    issuer: str | None = None
    subject: str | None = None
    serial_number: str | None = None
    not_valid_before: str | None = None
    not_valid_after: str | None = None


class NfcChip(Wire):
    document_type: str | None = None
    document_number: str | None = None
    name: str | None = None
    surname: str | None = None
    birth_date: str | None = None
    expiry_date: str | None = None
    nationality: str | None = None
    country: str | None = None
    sex: str | None = None
    mrz_string: str | None = None
    mrz_type: str | None = None
    dgs: Any = None
    address: str | None = None
    place_of_birth: str | None = None


class Nfc(Item):
    authenticity: NfcAuthenticity | None = None
    certificate_summary: NfcCertificate | None = None
    chip_data: NfcChip | None = None
    portrait_image: str | None = None
    signature_image: str | None = None


class Liveness(Item):
    method: str | None = None
    score: float | None = None
    reference_image: str | None = None
    video_url: str | None = None
    age_estimation: float | None = None
    face_quality: float | None = None
    face_luminance: float | None = None
    matches: Any = None


class FaceMatch(Item):
    score: float | None = None
    source_image: str | None = None
    target_image: str | None = None
    source_image_session_id: str | None = None


class PoaMetadata(Wire):
    content_type: str | None = None
    file_size: int | None = None
    creation_date: str | None = None
    modified_date: str | None = None


class Poa(Item):
    document_type: str | None = None
    document_file: str | None = None
    document_language: str | None = None
    document_metadata: PoaMetadata | None = None
    issuer: str | None = None
    issue_date: str | None = None
    expiration_date: str | None = None
    issuing_state: str | None = None
    name_on_document: str | None = None
    name_match_score_id_verification: float | None = None
    name_match_score_expected_details: float | None = None
    poa_address: str | None = None
    poa_formatted_address: str | None = None
    poa_parsed_address: dict[str, Any] | None = None
    extra_fields: dict[str, Any] | None = None
    extra_files: Any = None


class DatabaseValidationResult(Wire):
    validation: dict[str, Any] | None = None
    source_data: dict[str, Any] | None = None


class DatabaseValidation(Item):
    issuing_state: str | None = None
    validation_type: str | None = None
    match_type: str | None = None
    screened_data: dict[str, Any] | None = None
    validations: list[DatabaseValidationResult] | None = None
