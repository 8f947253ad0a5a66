"""Tokens for trying scopes in the embedded demo (`idv-gateway demo-token`).

The signing key is derived from a fixed, public seed, so `demo-token` and the demo
gateway agree on it without sharing anything: these tokens prove nothing, which is why
only the embedded demo (fake data, in-process simulators) accepts them. A gateway with
providers configured never trusts this key.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from idv_gateway.domain import ALL_SCOPES
from idv_gateway.tenants_file import DEFAULT_TENANT

__all__ = ["DEMO_AUDIENCE", "DEMO_ISSUER", "demo_key_set", "demo_token"]

DEMO_ISSUER = "urn:idv-gateway:demo"
DEMO_AUDIENCE = "urn:idv-gateway:demo"
_KID = "idv-gateway-demo"
_SEED = hashlib.sha256(b"idv-gateway demo tokens: public, accepted by the embedded demo only")


# The order of P-256: any integer in [1, n) is a private key.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _private_key() -> ECKey:
    secret = int.from_bytes(_SEED.digest(), "big") % (_P256_ORDER - 1) + 1
    private = ec.derive_private_key(secret, ec.SECP256R1())
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return ECKey.import_key(pem, {"kid": _KID, "alg": "ES256", "use": "sig"})


def demo_key_set() -> KeySet:
    """The public half only."""
    public = _private_key().as_dict(private=False)
    return KeySet.import_key_set({"keys": [public]})


def demo_token(
    scopes: Iterable[str],
    *,
    tenant: str | None = DEFAULT_TENANT,
    subject: str = "demo-user",
    lifetime_seconds: int = 3_600,
) -> str:
    chosen = sorted(set(scopes))
    unknown = sorted(set(chosen) - ALL_SCOPES)
    if unknown:
        raise ValueError(
            f"unknown scope(s): {', '.join(unknown)} (known: {', '.join(sorted(ALL_SCOPES))})"
        )
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": DEMO_ISSUER,
        "aud": DEMO_AUDIENCE,
        "sub": subject,
        "azp": "demo-token",
        "iat": now,
        "nbf": now,
        "exp": now + lifetime_seconds,
        "scope": " ".join(chosen),
    }
    if tenant is not None:
        claims["tenant"] = tenant
    return jwt.encode({"alg": "ES256", "kid": _KID}, claims, _private_key(), algorithms=["ES256"])
