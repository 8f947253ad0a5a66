"""Didit's session webhooks in: signature, replay window, envelope → `SessionEvent`.

Didit signs three ways (didit-api-reference §6.5), all HMAC-SHA256 with the
destination's `secret_shared_key`, lowercase hex:
- `X-Signature`: over the raw body, which is the key-sorted compact JSON with non-ASCII
  escaped; checked on the bytes as received, so nothing is re-serialised;
- `X-Signature-V2`: over the same canonical JSON *without* escaping (whole-valued floats
  written as integers), for deliveries a proxy re-encoded;
- `X-Signature-Simple`: over `"{timestamp}:{session_id}:{status}:{webhook_type}"` only.
  With it, nothing else of the body is trusted: the event id is derived from the signed
  fields, and the decision, metadata and vendor data are ignored.
Freshness is judged on the *signed* `timestamp`, never on the `X-Timestamp` header
alone (a replayed body with a freshened header must fail).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from idv_gateway.domain import SessionSource
from idv_gateway.domain.events import SessionEvent, SessionEventType
from idv_gateway.errors import WebhookRejected
from idv_gateway.providers.didit._wire import normalise_status

__all__ = ["REPLAY_WINDOW_SECONDS", "read_didit_webhook", "sign_simple", "signature"]

REPLAY_WINDOW_SECONDS = 300
_SESSION_EVENTS = {
    "status.updated": SessionEventType.STATUS_CHANGED,
    "data.updated": SessionEventType.DATA_UPDATED,
}


def signature(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _shorten_floats(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shorten_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten_floats(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical_unescaped(payload: dict[str, Any]) -> bytes:
    text = json.dumps(
        _shorten_floats(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return text.encode("utf-8")


def sign_simple(secret: bytes, payload: Mapping[str, Any]) -> str:
    fields = (payload.get(name) for name in ("timestamp", "session_id", "status", "webhook_type"))
    message = ":".join("" if value is None else str(value) for value in fields)
    return signature(secret, message.encode("utf-8"))


def _matches(expected: str, given: str | None) -> bool:
    # Bytes: `compare_digest` refuses non-ASCII text, and a header may hold anything.
    return given is not None and hmac.compare_digest(
        expected.encode(), given.strip().lower().encode("utf-8", "replace")
    )


def _parse(body: bytes, *, signed: bool) -> dict[str, Any]:
    # Unsigned garbage is a forgery (401); a signed body that is not an object is ours
    # to refuse as unreadable (400).
    outcome, status = ("bad_body", 400) if signed else ("bad_signature", 401)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise WebhookRejected("the body is not JSON", outcome=outcome, status=status) from None
    if not isinstance(payload, dict):
        raise WebhookRejected("the body is not a JSON object", outcome=outcome, status=status)
    return payload


def read_didit_webhook(
    body: bytes, headers: Mapping[str, str], secret: str, *, now: float
) -> SessionEvent | None:
    """The event a verified delivery carries; None for a type the gateway ignores (user,
    business, transaction events). Raises WebhookRejected for anything not proven."""
    key = secret.encode("utf-8")
    raw, v2, simple = (
        headers.get(name) for name in ("x-signature", "x-signature-v2", "x-signature-simple")
    )
    if raw is None and v2 is None and simple is None:
        raise WebhookRejected("no X-Signature header", outcome="missing_signature")
    if _matches(signature(key, body), raw):
        payload, whole_body_signed = _parse(body, signed=True), True
    else:
        payload = _parse(body, signed=False)
        if _matches(signature(key, _canonical_unescaped(payload)), v2):
            whole_body_signed = True
        elif _matches(sign_simple(key, payload), simple):
            whole_body_signed = False
        else:
            raise WebhookRejected("the signature does not match", outcome="bad_signature")
    timestamp = payload.get("timestamp")
    if type(timestamp) is not int:
        raise WebhookRejected("the signed `timestamp` is missing", outcome="bad_body", status=400)
    if abs(now - timestamp) > REPLAY_WINDOW_SECONDS:
        raise WebhookRejected(
            f"the signed timestamp is {int(now - timestamp)} s from now (window "
            f"±{REPLAY_WINDOW_SECONDS} s)",
            outcome="stale",
        )
    header_time = headers.get("x-timestamp")
    if header_time is not None and header_time.strip() != str(timestamp):
        raise WebhookRejected("X-Timestamp differs from the signed timestamp", outcome="stale")
    return _event(payload, trusted_body=whole_body_signed)


def _event(payload: dict[str, Any], *, trusted_body: bool) -> SessionEvent | None:
    kind = _SESSION_EVENTS.get(str(payload.get("webhook_type")))
    if kind is None:
        return None
    session_id, status, timestamp = (
        payload.get("session_id"),
        payload.get("status"),
        payload["timestamp"],
    )
    if not isinstance(session_id, str) or not session_id:
        raise WebhookRejected("`session_id` is missing", outcome="bad_body", status=400)
    if kind is SessionEventType.STATUS_CHANGED and not isinstance(status, str):
        raise WebhookRejected("`status` is missing", outcome="bad_body", status=400)
    event_id = payload.get("event_id") if trusted_body else None
    if not isinstance(event_id, str) or not event_id:
        # Simple signs these fields only: they are the event's identity.
        event_id = f"{timestamp}:{session_id}:{status}:{payload.get('webhook_type')}"
    # Unsigned under Simple, but only a hint of where to look in the tenant's own data.
    business = payload.get("session_kind") == "business"
    created = payload.get("created_at") if trusted_body else None
    occurred = created if type(created) is int else timestamp
    return SessionEvent(
        event_id=f"didit:{event_id}",
        type=kind,
        source=SessionSource.DIDIT_KYB if business else SessionSource.DIDIT_KYC,
        provider_session_id=session_id,
        status=normalise_status(status) if isinstance(status, str) else None,
        provider_status=status if isinstance(status, str) else None,
        occurred_at=datetime.fromtimestamp(occurred, UTC),
    )
