"""Kayle's session and attempt records, and how the API renders them (v1.5.0 mapper).

Timestamps are timezone-aware UTC datetimes truncated to the millisecond: that is
all the precision the API exposes, and `created_from`/`created_to` compare at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict

from idv_gateway.simulators.kayle.jscompat import iso_ms

__all__ = [
    "ACTIVE_STATUSES",
    "ATTEMPT_STATUSES",
    "CONTRACT_VERSION",
    "FAILURE_CODES",
    "SESSION_FAILURE_CODES",
    "SESSION_STATUSES",
    "SESSION_TTL",
    "TERMINAL_STATUSES",
    "VERIFICATION_FAILURE_CODES",
    "VERIFY_BASE_URL",
    "Attempt",
    "Session",
    "ShareField",
    "render_attempt",
    "render_session",
]

SESSION_STATUSES = ("created", "in_progress", "completed", "expired", "cancelled")
ACTIVE_STATUSES = frozenset({"created", "in_progress"})
TERMINAL_STATUSES = frozenset({"completed", "expired", "cancelled"})
ATTEMPT_STATUSES = ("in_progress", "succeeded", "failed", "cancelled")
SESSION_FAILURE_CODES = ("session_expired", "session_cancelled")
# The codes a verification check itself can fail with (the webhook's attempt.failed set).
VERIFICATION_FAILURE_CODES = (
    "document_authenticity_failed",
    "document_active_authentication_failed",
    "document_chip_authentication_failed",
    "document_anti_cloning_attestation_failed",
    "document_data_invalid",
    "liveness_failed",
    "selfie_face_mismatch",
)
FAILURE_CODES = SESSION_FAILURE_CODES + VERIFICATION_FAILURE_CODES
CONTRACT_VERSION = 1
SESSION_TTL = timedelta(minutes=60)
VERIFY_BASE_URL = "https://verify.kayle.id"


class ShareField(TypedDict):
    """One effective share-field entry, in Postgres jsonb key order (length, then bytes)."""

    reason: str
    source: str
    required: bool


@dataclass(slots=True)
class Attempt:
    """A `va_` verification attempt; `risk_score` is 0 while in progress."""

    id: str
    session_id: str
    status: str
    failure_code: str | None
    risk_score: float
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Session:
    """A `vs_` verification session. `attempts` are kept in insertion (creation) order.

    `share_fields` mappings may be shared between sessions (the default contract is one
    object): treat them as read-only.
    """

    id: str
    status: str
    share_fields: dict[str, ShareField]
    redirect_url: str | None
    expires_at: datetime
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    contract_version: int = CONTRACT_VERSION
    attempts: list[Attempt] = field(default_factory=list)


def _js_number(value: float) -> float | int:
    """JSON.stringify prints 1, not 1.0: integral floats are rendered as integers."""
    return int(value) if value.is_integer() else value


def render_attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "session_id": attempt.session_id,
        "status": attempt.status,
        "failure_code": attempt.failure_code,
        "risk_score": _js_number(attempt.risk_score),
        "completed_at": None if attempt.completed_at is None else iso_ms(attempt.completed_at),
        "created_at": iso_ms(attempt.created_at),
        "updated_at": iso_ms(attempt.updated_at),
    }


def render_session(
    session: Session, *, include_attempts: bool = False, cancel_token: str | None = None
) -> dict[str, Any]:
    """The API's Session object in the mapper's key order.

    `cancel_token` (create only) also goes into `verification_url`; `attempts` is present
    only when asked for, possibly empty.
    """
    url = f"{VERIFY_BASE_URL}/{session.id}"
    if cancel_token is not None:
        url += f"?cancel_token={cancel_token}"
    body: dict[str, Any] = {
        "id": session.id,
        "status": session.status,
        "contract_version": session.contract_version,
        "share_fields": session.share_fields,
        "redirect_url": session.redirect_url,
        "verification_url": url,
        "expires_at": iso_ms(session.expires_at),
        "completed_at": None if session.completed_at is None else iso_ms(session.completed_at),
        "created_at": iso_ms(session.created_at),
        "updated_at": iso_ms(session.updated_at),
    }
    if cancel_token is not None:
        body["cancel_token"] = cancel_token
    if include_attempts:
        body["attempts"] = [render_attempt(attempt) for attempt in session.attempts]
    return body
