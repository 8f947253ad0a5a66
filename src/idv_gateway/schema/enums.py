"""GraphQL enums: the domain's enums exposed as they are, plus Didit's filter vocabularies."""

from __future__ import annotations

import enum

import strawberry

from idv_gateway import domain

__all__ = [
    "ApiService",
    "AttemptStatus",
    "DocumentTypeCode",
    "FeatureStatus",
    "Provider",
    "SessionSource",
    "SessionStatus",
    "SessionType",
]

Provider = domain.Provider
strawberry.enum(domain.Provider, name="Provider", description="An identity-verification provider.")
SessionSource = domain.SessionSource
strawberry.enum(
    domain.SessionSource,
    name="SessionSource",
    description=(
        "One upstream list: Didit user verification (KYC), Didit business verification "
        "(KYB), or Kayle reusable-ID sessions. Its declaration order breaks ties in the "
        "feed order."
    ),
)
SessionStatus = domain.SessionStatus
strawberry.enum(
    domain.SessionStatus,
    name="SessionStatus",
    description=(
        "Unified session status. Didit statuses map by name; Kayle `created` is "
        "NOT_STARTED, `in_progress` IN_PROGRESS, `completed` APPROVED when an attempt "
        "succeeded and DECLINED after three failed attempts, `expired` EXPIRED, "
        "`cancelled` CANCELLED. A value the gateway does not know yet is UNKNOWN, with the "
        "provider's word in `providerStatus`."
    ),
)
FeatureStatus = domain.FeatureStatus
strawberry.enum(
    domain.FeatureStatus,
    name="FeatureStatus",
    description="Status of one verification step of a Didit session.",
)
AttemptStatus = domain.AttemptStatus
strawberry.enum(
    domain.AttemptStatus,
    name="AttemptStatus",
    description="Status of one verification attempt within a Kayle session.",
)


@strawberry.enum(description="ID-document type codes Didit filters KYC sessions by.")
class DocumentTypeCode(enum.Enum):
    P = "P"
    ID = "ID"
    DL = "DL"
    RP = "RP"
    SSC = "SSC"
    HIC = "HIC"
    WP = "WP"
    TC = "TC"
    VISA = "VISA"
    PSC = "PSC"
    BC = "BC"
    OTHER = "OTHER"


@strawberry.enum(description="How a Didit session was created.")
class SessionType(enum.Enum):
    API = "API"
    HOSTED = "HOSTED"
    MIGRATED = "MIGRATED"


@strawberry.enum(description="Didit standalone API service of an API session.")
class ApiService(enum.Enum):
    ID_VERIFICATION = "ID_VERIFICATION"
    FACE_MATCH = "FACE_MATCH"
    AGE_ESTIMATION = "AGE_ESTIMATION"
    FACE_SEARCH = "FACE_SEARCH"
    POA = "POA"
    AML = "AML"
    KYB_REGISTRY = "KYB_REGISTRY"
    PASSIVE_LIVENESS = "PASSIVE_LIVENESS"
    DATABASE_VALIDATION = "DATABASE_VALIDATION"
    PHONE_VERIFICATION = "PHONE_VERIFICATION"
    EMAIL_VERIFICATION = "EMAIL_VERIFICATION"
