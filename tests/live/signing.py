"""Webhooks as the providers send them, built here from the references (not from the
gateway's code), so the receiver is checked against an independent signer."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from joserfc import jwe
from joserfc.jwk import RSAKey

DIDIT_SECRET = "test-didit-webhook-secret-not-a-secret"
KAYLE_SECRET = "whsec_" + "test0000notasecret0000test000000"


def _shorten(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def didit_envelope(session_id: str, status: str, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "event_id": str(uuid.uuid4()),
        "webhook_type": "status.updated",
        "timestamp": now,
        "created_at": now - 2,
        "application_id": "11111111-2222-3333-4444-555555555555",
        "environment": "live",
        "session_id": session_id,
        "status": status,
        "workflow_id": "22222222-3333-4444-5555-666666666666",
        "workflow_version": 4,
        **extra,
    }


def didit_delivery(
    payload: dict[str, Any], secret: str = DIDIT_SECRET
) -> tuple[bytes, dict[str, str]]:
    """§6.5: the body is the key-sorted compact JSON, non-ASCII escaped."""
    body = json.dumps(_shorten(payload), sort_keys=True, separators=(",", ":")).encode()
    unescaped = json.dumps(
        _shorten(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    simple = ":".join(
        "" if payload.get(k) is None else str(payload.get(k))
        for k in ("timestamp", "session_id", "status", "webhook_type")
    )
    headers = {
        "content-type": "application/json",
        "user-agent": "DiditWebhook/2.0 +https://didit.me",
        "x-signature": _hmac(secret, body),
        "x-signature-v2": _hmac(secret, unescaped),
        "x-signature-simple": _hmac(secret, simple.encode()),
        "x-timestamp": str(payload["timestamp"]),
    }
    return body, headers


def kayle_payload(session_id: str, kind: str = "verification.session.cancelled") -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "contract_version": 1,
        "event_id": "evt_" + uuid.uuid4().hex[:24],
        "verification_session_id": session_id,
    }
    data: dict[str, Any] = {}
    if kind.startswith("verification.attempt."):
        metadata["verification_attempt_id"] = "va_" + uuid.uuid4().hex[:24]
        if kind.endswith("failed"):
            data = {"failure_code": "selfie_face_mismatch"}
    return {"type": kind, "metadata": metadata, "data": data}


def kayle_delivery(
    payload: dict[str, Any],
    public_key: RSAKey,
    *,
    secret: str = KAYLE_SECRET,
    t: int | None = None,
    key_id: str = "gateway-key-1",
) -> tuple[bytes, dict[str, str]]:
    """§5.1: a compact JWE (RSA-OAEP-256 + A256GCM) signed as `t.<body>`."""
    token = jwe.encrypt_compact(
        {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": key_id},
        json.dumps(payload).encode(),
        public_key,
        algorithms=["RSA-OAEP-256", "A256GCM"],
    )
    body = token.encode()
    t = int(time.time()) if t is None else t
    headers = {
        "content-type": "application/jose",
        "x-kayle-delivery-id": "whd_" + uuid.uuid4().hex[:24],
        "x-kayle-event": payload["type"],
        "x-kayle-signature": f"t={t},v1={_hmac(secret, f'{t}.'.encode() + body)}",
    }
    return body, headers
