"""GraphQL types of a Didit decision's identity checks, plus what every check item shares.

Field names are the camelCase of Didit's decision fields; descriptions follow
didit-api-reference.md §4.3-§4.4. Sub-objects the reference only sketches are `JSON`.
Plain attributes only: objects are built once by `from_domain`, never resolved per field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from idv_gateway.domain import decision as domain
from idv_gateway.schema.enums import FeatureStatus

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "DatabaseValidation",
    "DecisionCheck",
    "DecisionWarning",
    "FaceMatch",
    "IdVerification",
    "LivenessCheck",
    "NfcVerification",
    "PoaVerification",
    "build_check",
    "copy_fields",
    "copy_opt",
]

_field = strawberry.field
T = TypeVar("T")
_IMAGE = "Expiring (presigned) URL; null without media access. Download promptly."


def copy_fields(cls: Callable[..., T], value: DataclassInstance, **given: Any) -> T:
    """Domain objects and these types share field names: copy the rest by name."""
    names = (f.name for f in dataclasses.fields(value) if f.name not in given)
    return cls(**{name: getattr(value, name) for name in names}, **given)


def copy_opt(cls: Callable[..., T], value: DataclassInstance | None) -> T | None:
    return None if value is None else copy_fields(cls, value)


def build_check(cls: Callable[..., T], item: domain.DecisionItem, **given: Any) -> T:
    """A check item's type: its shared fields converted, the rest copied by name."""
    warnings = [DecisionWarning.from_domain(w) for w in item.warnings]
    return copy_fields(cls, item, warnings=warnings, **given)


@strawberry.type(description="A risk Didit raised on a check, with the action it triggered.")
class DecisionWarning:
    feature: str | None = _field(description="Feature that raised it, e.g. AML, ID_VERIFICATION.")
    risk: str | None = _field(
        description="Risk code, e.g. DOCUMENT_EXPIRED, POSSIBLE_MATCH_FOUND, LOW_LIVENESS_SCORE."
    )
    log_type: str | None = _field(
        description="From the configured action: `error` (decline), `warning` (review), "
        "`information` (anything else)."
    )
    short_description: str | None = _field(description="One-line human-readable summary.")
    long_description: str | None = _field(description="Full human-readable explanation.")
    node_id: str | None = _field(description="Workflow node of the check that raised it.")
    additional_data: JSON | None = _field(description="Extra data about the risk, if any.")

    @classmethod
    def from_domain(cls, w: domain.DecisionWarning) -> DecisionWarning:
        return cls(
            feature=w.feature,
            risk=w.risk,
            log_type=w.log_type,
            short_description=w.short_description,
            long_description=w.long_description,
            node_id=w.node_id,
            additional_data=w.additional_data,
        )


@strawberry.interface(description="What every item of every decision feature array carries.")
class DecisionCheck:
    node_id: str | None = _field(
        description="Workflow-graph node that ran the check, e.g. `feature_ocr`; null for "
        "legacy single-feature sessions."
    )
    status: FeatureStatus = _field(
        description="Status of this check; UNKNOWN for a value the gateway does not know yet."
    )
    provider_status: str | None = _field(description="The check status exactly as Didit sent it.")
    warnings: list[DecisionWarning] = _field(description="Risks this check raised.")


@strawberry.type(description="Capture quality of one side of an ID document.")
class ImageQualityScore:
    focus_score: float | None = _field(description="Sharpness score.")
    brightness_score: float | None = _field(description="Brightness score.")
    brightness_issue: str | None = _field(description="Brightness problem found, if any.")
    is_document_fully_visible: bool | None = _field(
        description="Whether the whole document is in the frame."
    )
    resolution_score: float | None = _field(description="Resolution score.")
    overall_score: float | None = _field(description="Overall quality score.")


@strawberry.type(description="ID document verification (OCR) result: one `id_verifications` item.")
class IdVerification(DecisionCheck):
    document_type: str | None = _field(
        description="Passport, Identity Card, Driver's License or Residence Permit."
    )
    document_number: str | None = _field(description="Document number.")
    personal_number: str | None = _field(description="Personal number printed on the document.")
    first_name: str | None = _field(description="First name(s).")
    last_name: str | None = _field(description="Last name(s).")
    full_name: str | None = _field(description="Full name.")
    date_of_birth: str | None = _field(description="Date of birth (YYYY-MM-DD).")
    age: int | None = _field(description="Age in years.")
    gender: str | None = _field(description="M, F or U.")
    nationality: str | None = _field(description="ISO 3166-1 alpha-3 nationality.")
    issuing_state: str | None = _field(description="ISO 3166-1 alpha-3 issuing state.")
    issuing_state_name: str | None = _field(description="Name of the issuing state.")
    expiration_date: str | None = _field(description="Expiry date (YYYY-MM-DD).")
    date_of_issue: str | None = _field(description="Issue date (YYYY-MM-DD).")
    place_of_birth: str | None = _field(description="Place of birth.")
    marital_status: str | None = _field(description="Marital status, when printed.")
    address: str | None = _field(description="Address as printed.")
    formatted_address: str | None = _field(description="Address, formatted.")
    parsed_address: JSON | None = _field(description="Address parsed and geocoded.")
    extra_fields: JSON | None = _field(description="Document-specific extra fields.")
    extra_files: JSON | None = _field(description="Extra files captured.")
    matches: JSON | None = _field(description="Matches against other sessions.")
    portrait_image: str | None = _field(description=f"Portrait cut from the document. {_IMAGE}")
    front_image: str | None = _field(description=f"Front side. {_IMAGE}")
    back_image: str | None = _field(description=f"Back side. {_IMAGE}")
    full_front_image: str | None = _field(description=f"Uncropped front side. {_IMAGE}")
    full_back_image: str | None = _field(description=f"Uncropped back side. {_IMAGE}")
    front_video: str | None = _field(description=f"Video of the front side. {_IMAGE}")
    back_video: str | None = _field(description=f"Video of the back side. {_IMAGE}")
    front_image_camera_front: str | None = _field(
        description=f"Selfie-camera frame taken with the front side. {_IMAGE}"
    )
    back_image_camera_front: str | None = _field(
        description=f"Selfie-camera frame taken with the back side. {_IMAGE}"
    )
    front_image_camera_front_face_match_score: float | None = _field(
        description="Face match score of the front-side selfie frame."
    )
    back_image_camera_front_face_match_score: float | None = _field(
        description="Face match score of the back-side selfie frame."
    )
    front_image_quality_score: ImageQualityScore | None = _field(
        description="Capture quality of the front side."
    )
    back_image_quality_score: ImageQualityScore | None = _field(
        description="Capture quality of the back side."
    )
    mrz: JSON | None = _field(description="Machine-readable zone, when the document has one.")

    @classmethod
    def from_domain(cls, v: domain.IdVerification) -> IdVerification:
        front = copy_opt(ImageQualityScore, v.front_image_quality_score)
        back = copy_opt(ImageQualityScore, v.back_image_quality_score)
        return build_check(cls, v, front_image_quality_score=front, back_image_quality_score=back)


@strawberry.type(description="Integrity of the chip's data groups and security object.")
class NfcAuthenticity:
    dg_integrity: bool | None = _field(description="Data-group hashes match the SOD.")
    sod_integrity: bool | None = _field(description="The SOD signature is valid.")


@strawberry.type(description="The document signer certificate read from the chip.")
class NfcCertificateSummary:
    issuer: str | None = _field(description="Certificate issuer.")
    subject: str | None = _field(description="Certificate subject.")
    serial_number: str | None = _field(description="Certificate serial number.")
    not_valid_before: str | None = _field(description="Start of validity.")
    not_valid_after: str | None = _field(description="End of validity.")


@strawberry.type(description="Holder data read from the document's chip.")
class NfcChipData:
    document_type: str | None = _field(description="Document type code.")
    document_number: str | None = _field(description="Document number.")
    name: str | None = _field(description="Given name(s).")
    surname: str | None = _field(description="Surname(s).")
    birth_date: str | None = _field(description="Date of birth.")
    expiry_date: str | None = _field(description="Expiry date.")
    nationality: str | None = _field(description="Nationality.")
    country: str | None = _field(description="Issuing country.")
    sex: str | None = _field(description="Sex.")
    mrz_string: str | None = _field(description="MRZ as stored on the chip.")
    mrz_type: str | None = _field(description="MRZ format, e.g. TD3.")
    dgs: JSON | None = _field(description="Data groups read.")
    address: str | None = _field(description="Address, when the chip has one.")
    place_of_birth: str | None = _field(description="Place of birth, when the chip has one.")


@strawberry.type(description="NFC chip verification result: one `nfc_verifications` item.")
class NfcVerification(DecisionCheck):
    authenticity: NfcAuthenticity | None = _field(description="Chip data integrity.")
    certificate_summary: NfcCertificateSummary | None = _field(
        description="Document signer certificate."
    )
    chip_data: NfcChipData | None = _field(description="Holder data from the chip.")
    portrait_image: str | None = _field(description=f"Portrait from the chip. {_IMAGE}")
    signature_image: str | None = _field(description=f"Signature from the chip. {_IMAGE}")

    @classmethod
    def from_domain(cls, v: domain.NfcVerification) -> NfcVerification:
        return build_check(
            cls,
            v,
            authenticity=copy_opt(NfcAuthenticity, v.authenticity),
            certificate_summary=copy_opt(NfcCertificateSummary, v.certificate_summary),
            chip_data=copy_opt(NfcChipData, v.chip_data),
        )


@strawberry.type(description="Liveness check result: one `liveness_checks` item.")
class LivenessCheck(DecisionCheck):
    method: str | None = _field(description="PASSIVE, ACTIVE_3D or FLASHING.")
    score: float | None = _field(description="Liveness score, 0-100.")
    reference_image: str | None = _field(description=f"Reference face image. {_IMAGE}")
    video_url: str | None = _field(description=f"Video of the check. {_IMAGE}")
    age_estimation: float | None = _field(description="Estimated age in years.")
    face_quality: float | None = _field(description="Face image quality score.")
    face_luminance: float | None = _field(description="Face luminance score.")
    matches: JSON | None = _field(description="Matches of this face in other sessions.")

    @classmethod
    def from_domain(cls, v: domain.LivenessCheck) -> LivenessCheck:
        return build_check(cls, v)


@strawberry.type(description="Face match result: one `face_matches` item.")
class FaceMatch(DecisionCheck):
    score: float | None = _field(description="Similarity score, 0-100.")
    source_image: str | None = _field(description=f"Source face. {_IMAGE}")
    target_image: str | None = _field(description=f"Target face. {_IMAGE}")
    source_image_session_id: str | None = _field(
        description="Session the source image came from, when it is another session."
    )

    @classmethod
    def from_domain(cls, v: domain.FaceMatch) -> FaceMatch:
        return build_check(cls, v)


@strawberry.type(description="File metadata of a proof-of-address document.")
class PoaDocumentMetadata:
    content_type: str | None = _field(description="MIME type.")
    file_size: int | None = _field(description="Size in bytes.")
    creation_date: str | None = _field(description="Creation date the file declares.")
    modified_date: str | None = _field(description="Modification date the file declares.")


@strawberry.type(description="Proof-of-address result: one `poa_verifications` item.")
class PoaVerification(DecisionCheck):
    document_type: str | None = _field(description="e.g. UTILITY_BILL.")
    document_file: str | None = _field(description=f"The submitted document. {_IMAGE}")
    document_language: str | None = _field(description="Language of the document.")
    document_metadata: PoaDocumentMetadata | None = _field(description="File metadata.")
    issuer: str | None = _field(description="Issuer of the document.")
    issue_date: str | None = _field(description="Issue date.")
    expiration_date: str | None = _field(description="Expiry date, if any.")
    issuing_state: str | None = _field(description="ISO 3166-1 alpha-3 issuing state.")
    name_on_document: str | None = _field(description="Name on the document.")
    name_match_score_id_verification: float | None = _field(
        description="How well the name matches the ID document."
    )
    name_match_score_expected_details: float | None = _field(
        description="How well the name matches the expected details given at creation."
    )
    poa_address: str | None = _field(description="Address on the document.")
    poa_formatted_address: str | None = _field(description="Address, formatted.")
    poa_parsed_address: JSON | None = _field(description="Address parsed and geocoded.")
    extra_fields: JSON | None = _field(description="Document-specific extra fields.")
    extra_files: JSON | None = _field(description="Extra files submitted.")

    @classmethod
    def from_domain(cls, v: domain.PoaVerification) -> PoaVerification:
        metadata = copy_opt(PoaDocumentMetadata, v.document_metadata)
        return build_check(cls, v, document_metadata=metadata)


@strawberry.type(description="One comparison with an official source.")
class DatabaseValidationResult:
    validation: JSON | None = _field(
        description="Per compared field: full_match, partial_match, no_match …"
    )
    source_data: JSON | None = _field(description="What the source returned.")


@strawberry.type(description="Database validation result: one `database_validations` item.")
class DatabaseValidation(DecisionCheck):
    issuing_state: str | None = _field(description="Country whose databases were queried.")
    validation_type: str | None = _field(description="e.g. one_by_one.")
    match_type: str | None = _field(description="full_match, partial_match, no_match …")
    screened_data: JSON | None = _field(description="The data sent for validation.")
    validations: list[DatabaseValidationResult] = _field(description="Per-source comparisons.")

    @classmethod
    def from_domain(cls, v: domain.DatabaseValidation) -> DatabaseValidation:
        results = [copy_fields(DatabaseValidationResult, r) for r in v.validations]
        return build_check(cls, v, validations=results)
