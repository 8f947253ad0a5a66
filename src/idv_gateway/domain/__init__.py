"""The provider-neutral domain: sessions, statuses, decisions and filters.

Plain frozen dataclasses and enums. Nothing here imports a framework (strawberry, httpx,
pydantic, FastAPI) or another package of ours, so every layer can use it; the import
contracts in `pyproject.toml` keep it that way. Decision checks live in
`domain.checks`, `domain.kyb_checks` and `domain.screening`.
"""

from idv_gateway.domain.caller import ALL_SCOPES, Caller, CallerKind, Scope
from idv_gateway.domain.decision import Decision, KybDecision, KycDecision
from idv_gateway.domain.filters import KayleFilter, KybFilter, KycFilter, SessionFilter
from idv_gateway.domain.sessions import (
    AdditionalDetails,
    AmlSummary,
    AttemptStatus,
    ContactEmail,
    ContactPhone,
    DatabaseValidationSummary,
    EmailVerificationSummary,
    FaceMatchSummary,
    FeatureCheck,
    FeatureStatus,
    KayleAttempt,
    KayleSession,
    KybSession,
    KycSession,
    LivenessSummary,
    PhoneVerificationSummary,
    PoaSummary,
    Provider,
    Session,
    SessionSource,
    SessionStatus,
    ShareField,
)

__all__ = [
    "ALL_SCOPES",
    "AdditionalDetails",
    "AmlSummary",
    "AttemptStatus",
    "Caller",
    "CallerKind",
    "ContactEmail",
    "ContactPhone",
    "DatabaseValidationSummary",
    "Decision",
    "EmailVerificationSummary",
    "FaceMatchSummary",
    "FeatureCheck",
    "FeatureStatus",
    "KayleAttempt",
    "KayleFilter",
    "KayleSession",
    "KybDecision",
    "KybFilter",
    "KybSession",
    "KycDecision",
    "KycFilter",
    "KycSession",
    "LivenessSummary",
    "PhoneVerificationSummary",
    "PoaSummary",
    "Provider",
    "Scope",
    "Session",
    "SessionFilter",
    "SessionSource",
    "SessionStatus",
    "ShareField",
]
