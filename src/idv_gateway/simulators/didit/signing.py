"""Didit's webhook body and its three signatures, byte for byte (didit-api-reference.md §6.5).

The server sends exactly the compact, key-sorted, ASCII-escaped JSON it signed, so a
receiver can verify `X-Signature` over the raw bytes. `X-Signature-V2` covers the same
canonical form without ASCII escaping (it differs only for non-ASCII payloads), and
`X-Signature-Simple` covers four envelope fields only. None of them includes anything
but the payload: the timestamp is inside the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

__all__ = ["USER_AGENT", "shorten_floats", "signed_headers", "webhook_body"]

USER_AGENT = "DiditWebhook/2.0 +https://didit.me"


def shorten_floats(value: Any) -> Any:
    """Whole-valued floats become ints, recursively (`100.0` is signed as `100`)."""
    if isinstance(value, dict):
        return {key: shorten_floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shorten_floats(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical(payload: dict[str, Any], *, ascii_only: bool) -> str:
    return json.dumps(
        shorten_floats(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only
    )


def webhook_body(payload: dict[str, Any]) -> str:
    """The HTTP body Didit sends, which is also what `X-Signature` signs."""
    return _canonical(payload, ascii_only=True)


def _hmac_hex(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _field(payload: dict[str, Any], name: str) -> str:
    """`str()` of a top-level field, `""` when it is missing (as the server does)."""
    return str(payload.get(name, ""))


def signed_headers(payload: dict[str, Any], secret: str) -> tuple[dict[str, str], bytes]:
    """The transport headers (§6.4) and body bytes for one send of `payload`."""
    body = webhook_body(payload)
    simple = ":".join(
        _field(payload, name) for name in ("timestamp", "session_id", "status", "webhook_type")
    )
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Signature": _hmac_hex(secret, body),
        "X-Signature-V2": _hmac_hex(secret, _canonical(payload, ascii_only=False)),
        "X-Signature-Simple": _hmac_hex(secret, simple),
        "X-Timestamp": _field(payload, "timestamp"),
    }
    return headers, body.encode()
