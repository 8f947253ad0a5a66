"""Shared helpers for the Kayle simulator contract tests: clients, keys, expected bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from idv_gateway.simulators import DEFAULT_ANCHOR
from idv_gateway.simulators.kayle import create_kayle_app
from idv_gateway.simulators.kayle.models import (
    ACTIVE_STATUSES,
    SESSION_FAILURE_CODES,
    VERIFICATION_FAILURE_CODES,
    Session,
)

# Obviously fake keys in Kayle's `kk_` + 32 `[a-z0-9]` format.
API_KEY = "kk_" + "test" * 8
READ_ONLY_KEY = "kk_" + "read" * 8
WRITE_ONLY_KEY = "kk_" + "wrte" * 8
WEBHOOKS_KEY = "kk_" + "hook" * 8
ADMIN_KEY = "kk_" + "root" * 8
EXTRA_KEYS = {
    READ_ONLY_KEY: frozenset({"sessions:read"}),
    WRITE_ONLY_KEY: frozenset({"sessions:write"}),
    WEBHOOKS_KEY: frozenset({"webhooks:read", "webhooks:write", "analytics:read"}),
    ADMIN_KEY: frozenset(
        {"sessions:read", "sessions:write", "webhooks:read", "webhooks:write", "analytics:read"}
    ),
}
AUTH = {"Authorization": f"Bearer {API_KEY}"}
BASE_URL = "http://kayle.test"
UNAUTHORIZED = {"error": {"code": "UNAUTHORIZED", "message": "Unauthorized"}}
FORBIDDEN = {"error": {"code": "FORBIDDEN", "message": "Forbidden"}}
SECURITY_HEADERS = {
    "content-security-policy": "base-uri 'self'; frame-ancestors 'none'; object-src 'none'",
    "permissions-policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
UNKNOWN_ID = "vs_" + "z" * 64


def make_app(sessions: int = 60, seed: int = 7, **options: Any) -> Starlette:
    return create_kayle_app(
        seed=seed, sessions=sessions, api_key=API_KEY, extra_keys=EXTRA_KEYS, **options
    )


@asynccontextmanager
async def client_for(app: Starlette, base_url: str = BASE_URL) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
        yield client


def zod_body(*issues: dict[str, Any]) -> str:
    """The exact bytes Kayle sends for a zod failure: compact outer JSON, pretty issues."""
    message = json.dumps(list(issues), indent=2, ensure_ascii=False)
    body = {"success": False, "error": {"name": "ZodError", "message": message}}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def consistency_errors(session: Session, anchor: datetime | None = None) -> list[str]:
    """Everything Kayle's state machine (reference §4.1) guarantees about one session."""
    errors: list[str] = []
    attempts = session.attempts
    statuses = [a.status for a in attempts]
    ordinary = [a for a in attempts if a.failure_code in VERIFICATION_FAILURE_CODES]
    killed = [a for a in attempts if a.failure_code in SESSION_FAILURE_CODES]
    if session.expires_at - session.created_at != timedelta(minutes=60):
        errors.append("expires_at is not created_at + 60 min")
    if session.updated_at < session.created_at:
        errors.append("updated_at before created_at")
    if (session.completed_at is None) != (session.status in ACTIVE_STATUSES):
        errors.append("completed_at must be set exactly for terminal sessions")
    if anchor is not None:
        if session.created_at > anchor:
            errors.append("seeded session created after the anchor")
        if session.status in ACTIVE_STATUSES and anchor - session.created_at > timedelta(hours=1):
            errors.append("an active seeded session is older than an hour")
    for attempt in attempts:
        if attempt.session_id != session.id or not attempt.id.startswith("va_"):
            errors.append(f"attempt {attempt.id} does not belong to the session")
        if (attempt.completed_at is None) != (attempt.status == "in_progress"):
            errors.append(f"attempt {attempt.id}: completed_at vs status {attempt.status}")
        if (attempt.failure_code is None) != (attempt.status != "failed"):
            errors.append(f"attempt {attempt.id}: failure_code vs status {attempt.status}")
        if attempt.status == "in_progress" and attempt.risk_score != 0:
            errors.append(f"attempt {attempt.id}: risk_score is not 0 while in progress")
        if not 0 <= attempt.risk_score <= 1 or attempt.created_at < session.created_at:
            errors.append(f"attempt {attempt.id}: risk_score or created_at out of range")
    status = session.status
    if statuses.count("in_progress") > 1 or statuses.count("succeeded") > 1:
        errors.append("more than one open or succeeded attempt")
    if status in ACTIVE_STATUSES:
        if "succeeded" in statuses or killed or len(ordinary) > 2:
            errors.append(f"{status}: impossible attempts {statuses}")
        if status == "in_progress" and statuses.count("in_progress") != 1:
            errors.append("in_progress without exactly one in-progress attempt")
    elif status == "completed":
        succeeded = statuses == [*(["failed"] * len(ordinary)), "succeeded"] and len(ordinary) <= 2
        exhausted = statuses == ["failed"] * 3 and len(ordinary) == 3
        if not (succeeded or exhausted) or killed:
            errors.append(f"completed with attempts {statuses}")
    else:
        wrong = "session_cancelled" if status == "expired" else "session_expired"
        if "in_progress" in statuses or "succeeded" in statuses or len(ordinary) > 2:
            errors.append(f"{status} with attempts {statuses}")
        if any(a.failure_code == wrong for a in attempts) or len(killed) > 1:
            errors.append(f"{status} carries {wrong}")
    return errors


__all__ = [
    "ADMIN_KEY",
    "API_KEY",
    "AUTH",
    "BASE_URL",
    "DEFAULT_ANCHOR",
    "EXTRA_KEYS",
    "FORBIDDEN",
    "READ_ONLY_KEY",
    "SECURITY_HEADERS",
    "UNAUTHORIZED",
    "UNKNOWN_ID",
    "WEBHOOKS_KEY",
    "WRITE_ONLY_KEY",
    "client_for",
    "consistency_errors",
    "iso",
    "make_app",
    "zod_body",
]
