"""Kayle sessions as they arrive on the wire, and their conversion to domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from idv_gateway.domain import AttemptStatus, KayleAttempt, KayleSession, SessionStatus, ShareField

__all__ = ["ListEnvelope", "SessionEnvelope", "session_status", "to_domain"]

_STATUSES = {
    "created": SessionStatus.NOT_STARTED,
    "in_progress": SessionStatus.IN_PROGRESS,
    "expired": SessionStatus.EXPIRED,
    "cancelled": SessionStatus.CANCELLED,
    # Newer API versions report the outcome directly.
    "succeeded": SessionStatus.APPROVED,
    "failed": SessionStatus.DECLINED,
}


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _ShareField(_Wire):
    required: bool = False
    reason: str = ""
    source: str = ""


class _Attempt(_Wire):
    id: str
    session_id: str
    status: str
    failure_code: str | None = None
    risk_score: float = 0.0
    completed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class _Session(_Wire):
    id: str
    status: str
    contract_version: int = 1
    share_fields: dict[str, _ShareField] = {}
    redirect_url: str | None = None
    verification_url: str
    expires_at: datetime
    completed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    attempts: list[_Attempt] | None = None


class _Pagination(_Wire):
    limit: int
    has_more: bool
    next_cursor: str | None = None


class ListEnvelope(_Wire):
    data: list[_Session]
    pagination: _Pagination


class SessionEnvelope(_Wire):
    data: _Session


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _attempt_status(raw: str) -> AttemptStatus:
    return AttemptStatus.__members__.get(raw.upper(), AttemptStatus.UNKNOWN)


def session_status(raw: str, attempts: tuple[KayleAttempt, ...] | None) -> SessionStatus:
    """`completed` is APPROVED when an attempt succeeded, else DECLINED (three failures)."""
    if raw == "completed":
        if attempts is None:
            return SessionStatus.UNKNOWN
        succeeded = any(a.status is AttemptStatus.SUCCEEDED for a in attempts)
        return SessionStatus.APPROVED if succeeded else SessionStatus.DECLINED
    return _STATUSES.get(raw, SessionStatus.UNKNOWN)


def _attempt(raw: _Attempt) -> KayleAttempt:
    return KayleAttempt(
        id=raw.id,
        session_id=raw.session_id,
        status=_attempt_status(raw.status),
        provider_status=raw.status,
        failure_code=raw.failure_code,
        risk_score=raw.risk_score,
        completed_at=None if raw.completed_at is None else _utc(raw.completed_at),
        created_at=_utc(raw.created_at),
        updated_at=_utc(raw.updated_at),
    )


def to_domain(raw: _Session) -> KayleSession:
    attempts = None if raw.attempts is None else tuple(_attempt(a) for a in raw.attempts)
    return KayleSession(
        provider_session_id=raw.id,
        status=session_status(raw.status, attempts),
        provider_status=raw.status,
        created_at=_utc(raw.created_at),
        contract_version=raw.contract_version,
        share_fields=tuple(
            ShareField(key=key, required=f.required, reason=f.reason, source=f.source)
            for key, f in sorted(raw.share_fields.items())
        ),
        redirect_url=raw.redirect_url,
        verification_url=raw.verification_url,
        expires_at=_utc(raw.expires_at),
        completed_at=None if raw.completed_at is None else _utc(raw.completed_at),
        updated_at=_utc(raw.updated_at),
        attempts=attempts,
    )
