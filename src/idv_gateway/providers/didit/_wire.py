"""Didit list rows as they arrive on the wire, and their conversion to domain objects.

The documents disagree on several shapes (`features` as a comma string or a list,
`phone_number`/`email_address` as a string or an object, `Approved` or `APPROVED`);
every documented shape is accepted, and unknown enum values are kept raw.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from idv_gateway.domain import (
    AdditionalDetails,
    AmlSummary,
    ContactEmail,
    ContactPhone,
    DatabaseValidationSummary,
    EmailVerificationSummary,
    FaceMatchSummary,
    FeatureCheck,
    FeatureStatus,
    KybSession,
    KycSession,
    LivenessSummary,
    PhoneVerificationSummary,
    PoaSummary,
    SessionStatus,
)

__all__ = ["ListEnvelope", "kyb_to_domain", "kyc_to_domain", "normalise_status"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Feature(_Wire):
    feature: str
    status: str | None = None


class _Phone(_Wire):
    number: str
    is_verified: bool | None = None


class _Email(_Wire):
    email: str
    is_verified: bool | None = None


class _ScreenedData(_Wire):
    nationality: str | None = None
    document_number: str | None = None
    date_of_birth: str | None = None


class _Aml(_Wire):
    total_hits: int | None = None
    entity_type: str | None = None
    is_adverse_media_fetched: bool | None = None
    screened_data: _ScreenedData | None = None


class _DatabaseValidation(_Wire):
    validation_type: str | None = None
    match_type: str | None = None
    identification_number: str | None = None


class _Poa(_Wire):
    document_type: str | None = None
    issuer: str | None = None
    address: str | None = None
    name_on_document: str | None = None


class _Liveness(_Wire):
    method: str | None = None
    score: float | None = None


class _FaceMatch(_Wire):
    score: float | None = None
    source_image: str | None = None
    target_image: str | None = None


class _PhoneVerification(_Wire):
    country_code: str | None = None
    is_temporary: bool | None = None
    is_ported: bool | None = None
    is_blocked: bool | None = None


class _EmailVerification(_Wire):
    is_breached: bool | None = None
    is_disposable: bool | None = None
    is_undeliverable: bool | None = None
    is_blocklisted: bool | None = None


class _AdditionalDetails(_Wire):
    aml: _Aml | None = None
    database_validation: _DatabaseValidation | None = None
    poa: _Poa | None = None
    liveness: _Liveness | None = None
    face_match: _FaceMatch | None = None
    phone_verification: _PhoneVerification | None = None
    email_verification: _EmailVerification | None = None


class _Row(_Wire):
    """Fields shared by both row kinds; `session_kind` picks the shape."""

    session_id: str
    session_kind: str | None = None
    session_number: int
    status: str
    vendor_data: str | None = None
    created_at: datetime
    # KYC
    session_url: str | None = None
    portrait_image: str | None = None
    document_type: str | None = None
    full_name: str | None = None
    didit_internal_id: str | None = None
    features: list[_Feature] | str | None = None
    phone_number: _Phone | str | None = None
    email_address: _Email | str | None = None
    additional_details: _AdditionalDetails | None = None
    # KYB
    workflow_id: str | None = None
    workflow_type: str | None = None
    workflow_label: str | None = None
    company_name: str | None = None
    registration_number: str | None = None
    # both (KYC: issuing state; KYB: registry company country)
    country: str | None = None


class ListEnvelope(_Wire):
    count: int
    next: str | None = None
    previous: str | None = None
    results: list[_Row]


def normalise_status(raw: str) -> SessionStatus:
    """`Approved`, `APPROVED`, `Kyc Expired`, `KYC_EXPIRED` … → the unified enum."""
    name = raw.strip().upper().replace(" ", "_")
    return SessionStatus.__members__.get(name, SessionStatus.UNKNOWN)


def _feature_status(raw: str | None) -> FeatureStatus | None:
    if raw is None:
        return None
    name = raw.strip().upper().replace(" ", "_")
    return FeatureStatus.__members__.get(name, FeatureStatus.UNKNOWN)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _features(raw: list[_Feature] | str | None) -> tuple[FeatureCheck, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        names = [name.strip() for name in raw.split(",") if name.strip()]
        return tuple(
            FeatureCheck(feature=name, status=None, provider_status=None) for name in names
        )
    return tuple(
        FeatureCheck(feature=f.feature, status=_feature_status(f.status), provider_status=f.status)
        for f in raw
    )


def _phone(raw: _Phone | str | None) -> ContactPhone | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return ContactPhone(number=raw, is_verified=None)
    return ContactPhone(number=raw.number, is_verified=raw.is_verified)


def _email(raw: _Email | str | None) -> ContactEmail | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return ContactEmail(email=raw, is_verified=None)
    return ContactEmail(email=raw.email, is_verified=raw.is_verified)


def _plain(model: _Wire | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump()


def _details(raw: _AdditionalDetails | None) -> AdditionalDetails | None:
    if raw is None:
        return None
    aml = None
    if raw.aml is not None:
        screened = raw.aml.screened_data or _ScreenedData()
        aml = AmlSummary(
            total_hits=raw.aml.total_hits,
            entity_type=raw.aml.entity_type,
            is_adverse_media_fetched=raw.aml.is_adverse_media_fetched,
            screened_nationality=screened.nationality,
            screened_document_number=screened.document_number,
            screened_date_of_birth=screened.date_of_birth,
        )

    def build(cls: Any, model: _Wire | None) -> Any:
        fields = _plain(model)
        return None if fields is None else cls(**fields)

    return AdditionalDetails(
        aml=aml,
        database_validation=build(DatabaseValidationSummary, raw.database_validation),
        poa=build(PoaSummary, raw.poa),
        liveness=_percent(build(LivenessSummary, raw.liveness)),
        face_match=_percent(build(FaceMatchSummary, raw.face_match)),
        phone_verification=build(PhoneVerificationSummary, raw.phone_verification),
        email_verification=build(EmailVerificationSummary, raw.email_verification),
    )


_Scored = TypeVar("_Scored", LivenessSummary, FaceMatchSummary)


def _percent(summary: _Scored | None) -> _Scored | None:
    """List rows give these scores as fractions (0.98), decisions as percents (98.0) for
    the same check: the gateway speaks percents everywhere."""
    if summary is None or summary.score is None:
        return summary
    return dataclasses.replace(summary, score=round(summary.score * 100, 2))


def is_business(row: _Row) -> bool:
    return (row.session_kind or "user").lower() == "business"


def kyc_to_domain(row: _Row) -> KycSession:
    return KycSession(
        provider_session_id=row.session_id,
        status=normalise_status(row.status),
        provider_status=row.status,
        created_at=_utc(row.created_at),
        session_number=row.session_number,
        session_url=row.session_url,
        portrait_image=row.portrait_image,
        document_type=row.document_type,
        full_name=row.full_name,
        country=row.country,
        vendor_data=row.vendor_data,
        didit_internal_id=row.didit_internal_id,
        features=_features(row.features),
        phone_number=_phone(row.phone_number),
        email_address=_email(row.email_address),
        additional_details=_details(row.additional_details),
    )


def kyb_to_domain(row: _Row) -> KybSession:
    return KybSession(
        provider_session_id=row.session_id,
        status=normalise_status(row.status),
        provider_status=row.status,
        created_at=_utc(row.created_at),
        session_number=row.session_number,
        vendor_data=row.vendor_data,
        workflow_id=row.workflow_id,
        workflow_type=row.workflow_type,
        workflow_label=row.workflow_label,
        company_name=row.company_name,
        registration_number=row.registration_number,
        country=row.country,
    )
