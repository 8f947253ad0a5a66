"""A Didit session's decision, typed: what every check found (didit-api-reference.md §4).

Frozen dataclasses importing only the domain layer. A feature array is None while the
workflow has not run that feature and a (possibly empty) tuple once it has, so "not run
yet" and "ran, nothing to report" stay apart. `raw` keeps the whole upstream payload for
fields a newer Didit API adds before the gateway types them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from idv_gateway.domain.checks import (
    DatabaseValidation,
    DatabaseValidationResult,
    DecisionItem,
    DecisionWarning,
    FaceMatch,
    IdVerification,
    ImageQualityScore,
    LivenessCheck,
    NfcAuthenticity,
    NfcCertificateSummary,
    NfcChipData,
    NfcVerification,
    PoaDocumentMetadata,
    PoaVerification,
)
from idv_gateway.domain.kyb_checks import DocumentVerification, KeyPeopleCheck, RegistryCheck
from idv_gateway.domain.screening import (
    AmlHit,
    AmlRiskView,
    AmlScreenedDetails,
    AmlScreening,
    EmailVerification,
    IpAnalysis,
    IpDistance,
    LocationComparison,
    PhoneCarrier,
    PhoneVerification,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireSection,
    VerificationEvent,
)
from idv_gateway.domain.sessions import SessionStatus

__all__ = [
    "AmlHit",
    "AmlRiskView",
    "AmlScreenedDetails",
    "AmlScreening",
    "ContactDetails",
    "DatabaseValidation",
    "DatabaseValidationResult",
    "Decision",
    "DecisionItem",
    "DecisionReview",
    "DecisionWarning",
    "DocumentVerification",
    "EmailVerification",
    "FaceMatch",
    "IdVerification",
    "ImageQualityScore",
    "IpAnalysis",
    "IpDistance",
    "KeyPeopleCheck",
    "KybDecision",
    "KycDecision",
    "LivenessCheck",
    "LocationComparison",
    "NfcAuthenticity",
    "NfcCertificateSummary",
    "NfcChipData",
    "NfcVerification",
    "PhoneCarrier",
    "PhoneVerification",
    "PoaDocumentMetadata",
    "PoaVerification",
    "QuestionnaireItem",
    "QuestionnaireResponse",
    "QuestionnaireSection",
    "RegistryCheck",
    "VerificationEvent",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactDetails:
    email: str | None
    email_lang: str | None
    send_notification_emails: bool | None
    phone: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionReview:
    """One manual status change (who, to what, why, when)."""

    user: str | None
    new_status: str | None
    comment: str | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _DecisionBase:
    session_id: str
    session_number: int | None
    session_url: str | None
    status: SessionStatus
    provider_status: str
    environment: str | None  # live | sandbox
    workflow_id: str | None
    features: tuple[str, ...]
    vendor_data: str | None
    metadata: Any
    callback: str | None
    contact_details: ContactDetails | None
    expected_details: Mapping[str, Any] | None
    reviews: tuple[DecisionReview, ...]
    created_at: datetime
    expires_at: datetime | None
    raw: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class KycDecision(_DecisionBase):
    id_verifications: tuple[IdVerification, ...] | None
    nfc_verifications: tuple[NfcVerification, ...] | None
    liveness_checks: tuple[LivenessCheck, ...] | None
    face_matches: tuple[FaceMatch, ...] | None
    poa_verifications: tuple[PoaVerification, ...] | None
    phone_verifications: tuple[PhoneVerification, ...] | None
    email_verifications: tuple[EmailVerification, ...] | None
    aml_screenings: tuple[AmlScreening, ...] | None
    ip_analyses: tuple[IpAnalysis, ...] | None
    database_validations: tuple[DatabaseValidation, ...] | None
    questionnaire_responses: tuple[QuestionnaireResponse, ...] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class KybDecision(_DecisionBase):
    registry_checks: tuple[RegistryCheck, ...] | None
    aml_screenings: tuple[AmlScreening, ...] | None
    document_verifications: tuple[DocumentVerification, ...] | None
    key_people_checks: tuple[KeyPeopleCheck, ...] | None
    phone_verifications: tuple[PhoneVerification, ...] | None
    email_verifications: tuple[EmailVerification, ...] | None
    questionnaire_responses: tuple[QuestionnaireResponse, ...] | None
    ip_analyses: tuple[IpAnalysis, ...] | None


Decision: TypeAlias = KycDecision | KybDecision
