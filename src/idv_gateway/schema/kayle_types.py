"""GraphQL type of Kayle reusable-ID sessions, built from domain objects only."""

from __future__ import annotations

from datetime import datetime

import strawberry

from idv_gateway import domain
from idv_gateway.schema.context import Info
from idv_gateway.schema.enums import AttemptStatus
from idv_gateway.schema.node import Session, encode_global_id

__all__ = ["KayleAttempt", "KayleSession", "ShareField"]

_field = strawberry.field


@strawberry.type(description="One claim the integrator asked the user to share.")
class ShareField:
    key: str = _field(
        description="Claim key, e.g. `date_of_birth`, `age_over_18`, `kayle_document_id`."
    )
    required: bool = _field(description="Whether the user must share this claim.")
    reason: str = _field(description="Why the claim is requested, as shown to the user.")
    source: str = _field(
        description="`default` for the default contract, `rc` for claims the integrator chose."
    )


@strawberry.type(description="One verification attempt within a Kayle session.")
class KayleAttempt:
    id: str = _field(description="Attempt id (`va_…`).")
    session_id: str = _field(description="Id of the session the attempt belongs to (`vs_…`).")
    status: AttemptStatus = _field(description="Unified attempt status.")
    provider_status: str = _field(description="The attempt status exactly as Kayle sent it.")
    failure_code: str | None = _field(
        description="Why the attempt failed, e.g. `selfie_face_mismatch`, `session_expired`; "
        "null unless failed."
    )
    risk_score: float = _field(
        description="Risk score in [0, 1]: 0 while in progress, mostly 1 on failure, "
        "1 − face score on success."
    )
    completed_at: datetime | None = _field(description="When the attempt finished, if it did.")
    created_at: datetime = _field(description="When the attempt started.")
    updated_at: datetime = _field(description="When the attempt last changed.")


@strawberry.federation.type(keys=["id"], description="A Kayle reusable-ID verification session.")
class KayleSession(Session):
    contract_version: int = _field(description="Version of the share contract; currently 1.")
    share_fields: list[ShareField] = _field(
        description="The effective share contract: every claim requested, sorted by key."
    )
    redirect_url: str | None = _field(description="Where the user is sent after verifying.")
    verification_url: str = _field(description="URL the user opens to verify.")
    expires_at: datetime = _field(description="When the session expires (created + 60 min).")
    completed_at: datetime | None = _field(
        description="When the session became completed, expired or cancelled."
    )
    updated_at: datetime = _field(description="When the session last changed.")
    # None when the list call did not carry attempts (none were selected at the time).
    _attempts: strawberry.Private[list[KayleAttempt] | None]

    @strawberry.field(description="Verification attempts: one success, or failures up to three.")
    async def attempts(self, info: Info) -> list[KayleAttempt]:
        if self._attempts is not None:
            return self._attempts
        key = (domain.SessionSource.KAYLE, self.provider_session_id)
        session = await info.context.loaders.session.load(key)
        if not isinstance(session, domain.KayleSession) or session.attempts is None:
            return []
        return [_attempt(a) for a in session.attempts]

    @classmethod
    def from_domain(cls, s: domain.KayleSession) -> KayleSession:
        return cls(
            id=strawberry.ID(encode_global_id(s.source, s.provider_session_id)),
            provider=s.source.provider,
            source=s.source,
            provider_session_id=s.provider_session_id,
            status=s.status,
            provider_status=s.provider_status,
            created_at=s.created_at,
            contract_version=s.contract_version,
            share_fields=[
                ShareField(key=f.key, required=f.required, reason=f.reason, source=f.source)
                for f in s.share_fields
            ],
            redirect_url=s.redirect_url,
            verification_url=s.verification_url,
            expires_at=s.expires_at,
            completed_at=s.completed_at,
            updated_at=s.updated_at,
            _attempts=None if s.attempts is None else [_attempt(a) for a in s.attempts],
        )


def _attempt(a: domain.KayleAttempt) -> KayleAttempt:
    return KayleAttempt(
        id=a.id,
        session_id=a.session_id,
        status=a.status,
        provider_status=a.provider_status,
        failure_code=a.failure_code,
        risk_score=a.risk_score,
        completed_at=a.completed_at,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )
