"""Provider-neutral session objects: what the gateway knows once provider JSON is parsed.

Frozen dataclasses and enums only; this module imports nothing of ours, so every layer
(adapters, pagination, schema) can share it without cycles.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

__all__ = [
    "AdditionalDetails",
    "AmlSummary",
    "AttemptStatus",
    "ContactEmail",
    "ContactPhone",
    "DatabaseValidationSummary",
    "EmailVerificationSummary",
    "FaceMatchSummary",
    "FeatureCheck",
    "FeatureStatus",
    "KayleAttempt",
    "KayleSession",
    "KybSession",
    "KycSession",
    "LivenessSummary",
    "PhoneVerificationSummary",
    "PoaSummary",
    "Provider",
    "Session",
    "SessionSource",
    "SessionStatus",
    "ShareField",
]


class Provider(enum.Enum):
    DIDIT = "DIDIT"
    KAYLE = "KAYLE"


class SessionSource(enum.Enum):
    """The three upstream lists. Declaration order is the tie-break rank of the feed order."""

    DIDIT_KYC = "DIDIT_KYC"
    DIDIT_KYB = "DIDIT_KYB"
    KAYLE = "KAYLE"

    @property
    def provider(self) -> Provider:
        return Provider.KAYLE if self is SessionSource.KAYLE else Provider.DIDIT

    @property
    def rank(self) -> int:
        return _SOURCE_RANK[self]


_SOURCE_RANK = {source: rank for rank, source in enumerate(SessionSource)}


class SessionStatus(enum.Enum):
    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    AWAITING_USER = "AWAITING_USER"
    IN_REVIEW = "IN_REVIEW"
    RESUBMITTED = "RESUBMITTED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    ABANDONED = "ABANDONED"
    EXPIRED = "EXPIRED"
    KYC_EXPIRED = "KYC_EXPIRED"
    CANCELLED = "CANCELLED"
    UNKNOWN = "UNKNOWN"


class FeatureStatus(enum.Enum):
    NOT_FINISHED = "NOT_FINISHED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    IN_REVIEW = "IN_REVIEW"
    RESUB_REQUESTED = "RESUB_REQUESTED"
    EXPIRED = "EXPIRED"
    AWAITING_USER = "AWAITING_USER"
    UNKNOWN = "UNKNOWN"


class AttemptStatus(enum.Enum):
    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True, slots=True)
class FeatureCheck:
    feature: str
    # None when the upstream row lists feature names only (the older comma-string shape).
    status: FeatureStatus | None
    provider_status: str | None


@dataclass(frozen=True, slots=True)
class ContactPhone:
    number: str
    is_verified: bool | None


@dataclass(frozen=True, slots=True)
class ContactEmail:
    email: str
    is_verified: bool | None


@dataclass(frozen=True, slots=True)
class AmlSummary:
    total_hits: int | None
    entity_type: str | None
    is_adverse_media_fetched: bool | None
    screened_nationality: str | None
    screened_document_number: str | None
    screened_date_of_birth: str | None


@dataclass(frozen=True, slots=True)
class DatabaseValidationSummary:
    validation_type: str | None
    match_type: str | None
    identification_number: str | None


@dataclass(frozen=True, slots=True)
class PoaSummary:
    document_type: str | None
    issuer: str | None
    address: str | None
    name_on_document: str | None


@dataclass(frozen=True, slots=True)
class LivenessSummary:
    method: str | None
    score: float | None


@dataclass(frozen=True, slots=True)
class FaceMatchSummary:
    score: float | None
    source_image: str | None
    target_image: str | None


@dataclass(frozen=True, slots=True)
class PhoneVerificationSummary:
    country_code: str | None
    is_temporary: bool | None
    is_ported: bool | None
    is_blocked: bool | None


@dataclass(frozen=True, slots=True)
class EmailVerificationSummary:
    is_breached: bool | None
    is_disposable: bool | None
    is_undeliverable: bool | None
    is_blocklisted: bool | None


@dataclass(frozen=True, slots=True)
class AdditionalDetails:
    aml: AmlSummary | None
    database_validation: DatabaseValidationSummary | None
    poa: PoaSummary | None
    liveness: LivenessSummary | None
    face_match: FaceMatchSummary | None
    phone_verification: PhoneVerificationSummary | None
    email_verification: EmailVerificationSummary | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _SessionBase:
    provider_session_id: str
    status: SessionStatus
    provider_status: str
    created_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class KycSession(_SessionBase):
    session_number: int
    session_url: str | None
    portrait_image: str | None
    document_type: str | None
    full_name: str | None
    country: str | None
    vendor_data: str | None
    didit_internal_id: str | None
    features: tuple[FeatureCheck, ...]
    phone_number: ContactPhone | None
    email_address: ContactEmail | None
    additional_details: AdditionalDetails | None

    source = SessionSource.DIDIT_KYC


@dataclass(frozen=True, slots=True, kw_only=True)
class KybSession(_SessionBase):
    session_number: int
    vendor_data: str | None
    workflow_id: str | None
    workflow_type: str | None
    workflow_label: str | None
    company_name: str | None
    registration_number: str | None
    country: str | None

    source = SessionSource.DIDIT_KYB


@dataclass(frozen=True, slots=True)
class ShareField:
    key: str
    required: bool
    reason: str
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KayleAttempt:
    id: str
    session_id: str
    status: AttemptStatus
    provider_status: str
    failure_code: str | None
    risk_score: float
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class KayleSession(_SessionBase):
    contract_version: int
    share_fields: tuple[ShareField, ...]
    redirect_url: str | None
    verification_url: str
    expires_at: datetime
    completed_at: datetime | None
    updated_at: datetime
    # None when the upstream call did not include attempts.
    attempts: tuple[KayleAttempt, ...] | None

    source = SessionSource.KAYLE


Session: TypeAlias = KycSession | KybSession | KayleSession
