"""Kayle's webhook endpoints, encryption keys and JWE deliveries (reference §5).

`KayleWebhooks` is `app.state.webhooks`. The store reports every subscribable event
(`StoreEvent`); each enabled endpoint subscribed to the type gets one delivery
(`whd_…`): the JSON payload encrypted once as a compact JWE (RSA-OAEP-256 + A256GCM,
`kid` = the integrator's key id) to the endpoint's single active key, then POSTed with
`X-Kayle-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, `t` fresh on
every attempt. With no active key the delivery is recorded as failed and nothing is
sent. Any non-2xx (3xx included: redirects are not followed) is retried on the code's
schedule: 8 attempts at 0, +5 s, +5 min, +30 min, +2 h, +5 h, +10 h, +10 h.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from joserfc import jwe
from joserfc.jwk import RSAKey

from idv_gateway.simulators._delivery import DeliveryJob, Outgoing, WebhookHub
from idv_gateway.simulators.kayle.claims import attempt_claims
from idv_gateway.simulators.kayle.jscompat import iso_ms
from idv_gateway.simulators.kayle.models import CONTRACT_VERSION
from idv_gateway.simulators.kayle.store import StoreEvent

__all__ = [
    "EVENT_TYPES",
    "ORGANIZATION_ID",
    "RETRY_DELAYS_S",
    "EncryptionKey",
    "Endpoint",
    "KayleWebhooks",
    "kayle_id",
    "public_jwk_problem",
]

ORGANIZATION_ID = "5d0b6c1e-8f3a-4b27-9e46-1c7a2d9f0b35"
EVENT_TYPES = (
    "verification.attempt.succeeded",
    "verification.attempt.failed",
    "verification.session.expired",
    "verification.session.cancelled",
)
RETRY_DELAYS_S = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
ALGORITHM, KEY_TYPE, ENCRYPTION = "RSA-OAEP-256", "RSA", "A256GCM"
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth"})
_UNSAFE_KEY_OPS = frozenset({"decrypt", "deriveBits", "deriveKey", "sign", "unwrapKey"})
_MIN_MODULUS_BYTES = 2048 // 8
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def kayle_id(prefix: str, length: int) -> str:
    """`<prefix>_` + `length` random `[a-z0-9]`, Kayle's id and secret format."""
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _now() -> str:
    return iso_ms(datetime.now(UTC))


def public_jwk_problem(jwk: dict[str, Any]) -> str | None:
    """Why Kayle would refuse this JWK (its `validateWebhookEncryptionPublicJwk`), or None."""
    if jwk.get("kty") != KEY_TYPE:
        return "webhook_encryption_key_type_invalid"
    n, e = jwk.get("n"), jwk.get("e")
    if not isinstance(n, str) or not n.strip() or not isinstance(e, str) or not e.strip():
        return "webhook_encryption_rsa_parameters_invalid"
    try:
        modulus = base64.urlsafe_b64decode(n + "=" * (-len(n) % 4))
    except (binascii.Error, ValueError):
        return "webhook_encryption_rsa_modulus_too_small"
    if len(modulus) < _MIN_MODULUS_BYTES:
        return "webhook_encryption_rsa_modulus_too_small"
    if isinstance(jwk.get("alg"), str) and jwk["alg"] != ALGORITHM:
        return "webhook_encryption_algorithm_invalid"
    if isinstance(jwk.get("use"), str) and jwk["use"] != "enc":
        return "webhook_encryption_key_use_invalid"
    if _PRIVATE_MEMBERS & jwk.keys():
        return "webhook_encryption_private_key_rejected"
    ops = jwk.get("key_ops")
    if ops is not None and not (
        isinstance(ops, list)
        and "encrypt" in ops
        and all(isinstance(op, str) and op not in _UNSAFE_KEY_OPS for op in ops)
    ):
        return "webhook_encryption_key_ops_invalid"
    try:
        RSAKey.import_key({"kty": KEY_TYPE, "n": n, "e": e})
    except Exception:  # joserfc raises several types for malformed parameters
        return "webhook_encryption_jwk_invalid"
    return None


@dataclass(slots=True, eq=False)
class EncryptionKey:
    """A registered public key; only the normalised public members are kept (as Kayle does)."""

    id: str
    webhook_endpoint_id: str
    key_id: str
    jwk: dict[str, Any]
    is_active: bool = True
    created_at: str = field(default_factory=_now)
    updated_at: str = ""
    disabled_at: str | None = None

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "webhook_endpoint_id": self.webhook_endpoint_id,
            "key_id": self.key_id,
            "algorithm": ALGORITHM,
            "key_type": KEY_TYPE,
            "jwk": dict(self.jwk),
            "is_active": self.is_active,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "disabled_at": self.disabled_at,
        }


@dataclass(slots=True, eq=False)
class Endpoint:
    """A webhook endpoint with its signing secret (shown once, in the create response)."""

    id: str
    url: str
    signing_secret: str
    name: str | None = None
    enabled: bool = True
    subscribed_event_types: list[str] = field(default_factory=lambda: list(EVENT_TYPES))
    keys: list[EncryptionKey] = field(default_factory=list)
    created_at: str = field(default_factory=_now)
    updated_at: str = ""
    disabled_at: str | None = None

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at
        if not self.enabled and self.disabled_at is None:
            self.disabled_at = self.created_at

    @property
    def active_key(self) -> EncryptionKey | None:
        return next((key for key in self.keys if key.is_active), None)

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "organization_id": ORGANIZATION_ID,
            "name": self.name,
            "url": self.url,
            "enabled": self.enabled,
            "subscribed_event_types": list(self.subscribed_event_types),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "disabled_at": self.disabled_at,
        }


class KayleWebhooks(WebhookHub):
    """The organization's endpoints plus the hub that delivers to them."""

    def __init__(
        self, *, time_scale: float = 1.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        super().__init__(time_scale=time_scale, transport=transport)
        self.endpoints: list[Endpoint] = []

    # -- registry ---------------------------------------------------------------
    def add_endpoint(
        self,
        url: str,
        *,
        name: str | None = None,
        enabled: bool = True,
        subscribed_event_types: list[str] | None = None,
        signing_secret: str | None = None,
    ) -> Endpoint:
        endpoint = Endpoint(
            id=kayle_id("whe", 32),
            url=url,
            signing_secret=signing_secret or kayle_id("whsec", 32),
            name=name,
            enabled=enabled,
            subscribed_event_types=list(
                EVENT_TYPES if subscribed_event_types is None else subscribed_event_types
            ),
        )
        self.endpoints.append(endpoint)
        return endpoint

    def register(
        self, url: str, secret: str | None, public_jwk: dict[str, Any] | None, key_id: str
    ) -> Endpoint:
        """An endpoint for every event type plus, given a public JWK, its active key."""
        endpoint = self.add_endpoint(url, signing_secret=secret)
        if public_jwk is not None:
            self.add_key(endpoint, key_id, public_jwk)
        return endpoint

    def get_endpoint(self, endpoint_id: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.id == endpoint_id), None)

    def add_key(self, endpoint: Endpoint, key_id: str, jwk: dict[str, Any]) -> EncryptionKey:
        """Register a public key as the endpoint's only active one; ValueError if refused."""
        if problem := public_jwk_problem(jwk):
            raise ValueError(problem)
        now = _now()
        for old in endpoint.keys:
            if old.is_active:
                old.is_active, old.disabled_at, old.updated_at = False, now, now
        stored = {"alg": ALGORITHM, "e": jwk["e"], "key_ops": ["encrypt"], "kty": KEY_TYPE}
        stored["n"] = jwk["n"]
        key = EncryptionKey(kayle_id("whk", 32), endpoint.id, key_id, stored, created_at=now)
        endpoint.keys.append(key)
        return key

    # -- events -----------------------------------------------------------------
    def store_event(self, event: StoreEvent) -> None:
        """Fan one state-machine event out to the subscribed endpoints."""
        targets = [
            e for e in self.endpoints if e.enabled and event.type in e.subscribed_event_types
        ]
        if not targets:
            return
        payload = self.payload(event, event_id=kayle_id("evt", 64))
        plaintext = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        for endpoint in targets:
            self._deliver(endpoint, payload, plaintext)

    def payload(self, event: StoreEvent, *, event_id: str) -> dict[str, Any]:
        """The §5.2 plaintext for one event."""
        metadata: dict[str, Any] = {"contract_version": CONTRACT_VERSION, "event_id": event_id}
        data: dict[str, Any] = {}
        attempt = event.attempt
        if attempt is not None:
            metadata["verification_attempt_id"] = attempt.id
            if event.type == "verification.attempt.succeeded":
                claims = attempt_claims(
                    dict(event.session.share_fields),
                    attempt.id,
                    ORGANIZATION_ID,
                    datetime.now(UTC),
                )
                data = {"claims": claims, "selected_field_keys": sorted(claims)}
            else:
                data = {"failure_code": attempt.failure_code}
        metadata["verification_session_id"] = event.session.id
        return {"type": event.type, "metadata": metadata, "data": data}

    def _deliver(self, endpoint: Endpoint, payload: dict[str, Any], plaintext: bytes) -> None:
        key = endpoint.active_key
        job = DeliveryJob(
            event_id=payload["metadata"]["event_id"],
            event_type=payload["type"],
            url=endpoint.url,
            prepare=lambda _: Outgoing({}, b""),
            delays=RETRY_DELAYS_S,
            retryable=lambda _: True,
            delivery_id=kayle_id("whd", 64),
        )
        if key is None:
            self.record_unsent(job, "no active encryption key: nothing was sent")
            return
        protected = {"alg": ALGORITHM, "enc": ENCRYPTION, "kid": key.key_id}
        public = RSAKey.import_key({"kty": KEY_TYPE, "n": key.jwk["n"], "e": key.jwk["e"]})
        body = jwe.encrypt_compact(protected, plaintext, public, algorithms=[ALGORITHM, ENCRYPTION])

        def prepare(_: int) -> Outgoing:
            # `t` is recomputed on every attempt; the secret is read at send time (rotation).
            t = int(self.clock())
            digest = hmac.new(
                endpoint.signing_secret.encode(), f"{t}.{body}".encode(), hashlib.sha256
            ).hexdigest()
            headers = {
                "Content-Type": "application/jose",
                "X-Kayle-Delivery-Id": job.delivery_id or "",
                "X-Kayle-Event": payload["type"],
                "X-Kayle-Signature": f"t={t},v1={digest}",
            }
            return Outgoing(headers, body.encode())

        job.prepare = prepare
        self.submit(job)
