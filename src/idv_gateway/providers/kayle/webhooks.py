"""Kayle's webhooks in: signature, replay window, JWE body → `SessionEvent`.

Kayle (kayle-api-reference §5) signs `"<t>.<raw body>"` with HMAC-SHA256 under the
endpoint's `whsec_…` secret (`X-Kayle-Signature: t=<unix>,v1=<hex>`) and encrypts the
JSON payload as a compact JWE (RSA-OAEP-256 + A256GCM) to the public key registered
for the endpoint. The signature is checked first, on the bytes as received; only a
signed body is decrypted. Decryption is joserfc's, restricted to those two algorithms.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from idv_gateway.domain import SessionSource, SessionStatus
from idv_gateway.domain.events import SessionEvent, SessionEventType
from idv_gateway.errors import WebhookRejected

__all__ = ["JWE_ALGORITHMS", "REPLAY_WINDOW_SECONDS", "read_kayle_webhook", "sign"]

REPLAY_WINDOW_SECONDS = 300
JWE_ALGORITHMS = ["RSA-OAEP-256", "A256GCM"]
_MAX_SIGNATURE_HEADER = 1_024
# type → (event type, provider status, unified status); None: the session read tells.
_TYPES: dict[str, tuple[SessionEventType, str | None, SessionStatus | None]] = {
    "verification.attempt.succeeded": (
        SessionEventType.STATUS_CHANGED,
        "completed",
        SessionStatus.APPROVED,
    ),
    "verification.attempt.failed": (SessionEventType.ATTEMPT_FAILED, None, None),
    "verification.session.expired": (
        SessionEventType.STATUS_CHANGED,
        "expired",
        SessionStatus.EXPIRED,
    ),
    "verification.session.cancelled": (
        SessionEventType.STATUS_CHANGED,
        "cancelled",
        SessionStatus.CANCELLED,
    ),
}


def sign(secret: str, t: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def _signature_parts(header: str) -> tuple[int, list[str]]:
    if len(header) > _MAX_SIGNATURE_HEADER:
        raise WebhookRejected("X-Kayle-Signature is too long", outcome="bad_signature")
    t: int | None = None
    v1: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            t = int(value)
        elif name == "v1" and value:
            v1.append(value.strip().lower())
    if t is None or not v1:
        raise WebhookRejected(
            "X-Kayle-Signature must be `t=<unix seconds>,v1=<hex>`", outcome="bad_signature"
        )
    return t, v1


def read_kayle_webhook(
    body: bytes, headers: Mapping[str, str], secret: str, private_key: RSAKey, *, now: float
) -> SessionEvent | None:
    """The event a verified delivery carries (None for a type the gateway ignores);
    WebhookRejected for anything not proven to come from Kayle for this endpoint."""
    header = headers.get("x-kayle-signature")
    if header is None:
        raise WebhookRejected("no X-Kayle-Signature header", outcome="missing_signature")
    t, given = _signature_parts(header)
    expected = sign(secret, t, body)
    wanted = expected.encode()
    if not any(hmac.compare_digest(wanted, v.encode("utf-8", "replace")) for v in given):
        raise WebhookRejected("the signature does not match", outcome="bad_signature")
    if abs(now - t) > REPLAY_WINDOW_SECONDS:
        raise WebhookRejected(
            f"the signed time is {int(now - t)} s from now (window ±{REPLAY_WINDOW_SECONDS} s)",
            outcome="stale",
        )
    payload = _decrypt(body, private_key)
    return _event(payload, t)


def _decrypt(body: bytes, private_key: RSAKey) -> dict[str, Any]:
    try:
        token = body.decode("ascii")
        plaintext = jwe.decrypt_compact(token, private_key, algorithms=JWE_ALGORITHMS).plaintext
    except (UnicodeDecodeError, ValueError, JoseError):
        # Signed by Kayle but not for our key: a rotated or another endpoint's key.
        raise WebhookRejected(
            "the body does not decrypt with IDV_GATEWAY_KAYLE_WEBHOOK_PRIVATE_JWK (RSA-OAEP-256 "
            "+ A256GCM): is the endpoint's active encryption key this key's public half?",
            outcome="undecryptable",
            status=400,
        ) from None
    try:
        payload = json.loads(plaintext or b"")
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        raise WebhookRejected(
            "the decrypted payload is not a JSON object", outcome="bad_body", status=400
        )
    return payload


def _event(payload: dict[str, Any], t: int) -> SessionEvent | None:
    known = _TYPES.get(str(payload.get("type")))
    if known is None:
        return None
    kind, provider_status, status = known
    metadata = payload.get("metadata")
    if not isinstance(metadata, dict):
        raise WebhookRejected("`metadata` is missing", outcome="bad_body", status=400)
    event_id, session_id = metadata.get("event_id"), metadata.get("verification_session_id")
    if not isinstance(event_id, str) or not event_id:
        raise WebhookRejected("`metadata.event_id` is missing", outcome="bad_body", status=400)
    if not isinstance(session_id, str) or not session_id:
        raise WebhookRejected(
            "`metadata.verification_session_id` is missing", outcome="bad_body", status=400
        )
    return SessionEvent(
        event_id=f"kayle:{event_id}",
        type=kind,
        source=SessionSource.KAYLE,
        provider_session_id=session_id,
        status=status,
        provider_status=provider_status,
        occurred_at=datetime.fromtimestamp(t, UTC),
    )
