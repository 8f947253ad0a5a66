"""Caller identity: JWTs checked against the identity provider's JWKS, and API keys.

Tokens: asymmetric algorithms only (RS256, ES256, EdDSA/Ed25519), pinned here and never read
from the token (RFC 8725 §3.1: `none` and HS256-signed-with-the-public-key are refused
before any key is looked up); `iss` must equal the configured issuer, `aud` must
contain the configured audience, `exp` is required, `exp`/`nbf` get 30 s of leeway.
The JWKS is fetched with the gateway's own HTTP client, reused for 10 minutes, and a
token naming an unknown `kid` refetches it at most once a minute (so unknown kids cannot
make the gateway hammer the identity provider). Verification is joserfc's.

API keys: the keys file holds each key's SHA-256, never the key; a presented key is
hashed and compared with every entry in constant time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidTokenError,
    JoseError,
    MissingClaimError,
    SecurityWarning,
)
from joserfc.jwk import KeySet

from idv_gateway.domain import ALL_SCOPES, Caller, CallerKind

__all__ = [
    "ACCEPTED_ALGORITHMS",
    "ApiKeys",
    "IdentityUnavailable",
    "JwksCache",
    "TokenVerifier",
    "Unauthenticated",
    "load_api_keys",
]

ACCEPTED_ALGORITHMS = ("RS256", "ES256", "EdDSA", "Ed25519")  # Ed25519: EdDSA's RFC 9864 name
LEEWAY_SECONDS = 30
JWKS_REUSE_SECONDS = 600.0
JWKS_MIN_REFETCH_SECONDS = 60.0
JWKS_FETCH_SECONDS = 3.0
MAX_TOKEN_BYTES = 8_192
# What joserfc raises, besides its own errors, on values of the wrong JSON type.
_MALFORMED = (
    TypeError,
    ValueError,
    KeyError,
    AttributeError,
    IndexError,
    OverflowError,
    RecursionError,
)
_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Unauthenticated(Exception):
    """401: the credentials are missing or do not hold; `str()` is safe to show."""

    def __init__(self, reason: str, *, presented: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.presented = presented  # RFC 6750: `error="invalid_token"` only when one was sent


class IdentityUnavailable(Exception):
    """503: the identity provider's keys could not be fetched (not the caller's fault)."""


# --- API keys -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    sha256: bytes
    scopes: frozenset[str]
    tenant: str | None
    revoked: bool


def load_api_keys(path: Path) -> list[ApiKey]:
    """The keys file, or ValueError with one line per problem (never a key's hash)."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    tables = document.get("keys")
    if not isinstance(tables, dict) or not tables:
        raise ValueError(f"{path} has no [keys.<id>] table")
    keys: list[ApiKey] = []
    problems: list[str] = []
    for key_id, entry in tables.items():
        where = f"{path}: [keys.{key_id}]"
        if not _KEY_ID.fullmatch(key_id) or not isinstance(entry, dict):
            problems.append(f"{where}: an id is letters, digits, '_', '.', '-' (64 at most)")
            continue
        unknown = set(entry) - {"sha256", "scopes", "tenant", "revoked", "description"}
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        digest = entry.get("sha256")
        if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest.lower()):
            problems.append(f"{where}: `sha256` must be the key's SHA-256 in 64 hex digits")
            continue
        scopes = entry.get("scopes", [])
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            problems.append(f"{where}: `scopes` must be a list of strings")
            continue
        if bad := sorted(set(scopes) - ALL_SCOPES):
            problems.append(f"{where}: unknown scope(s) {', '.join(bad)}")
        tenant = entry.get("tenant")
        revoked = entry.get("revoked", False)
        if (tenant is not None and not isinstance(tenant, str)) or not isinstance(revoked, bool):
            problems.append(f"{where}: `tenant` is a string and `revoked` a boolean")
            continue
        keys.append(ApiKey(key_id, bytes.fromhex(digest), frozenset(scopes), tenant, revoked))
    if problems:
        raise ValueError("\n".join(problems))
    return keys


class ApiKeys:
    def __init__(self, keys: list[ApiKey]) -> None:
        self._keys = keys

    def verify(self, presented: bytes) -> Caller:
        """`presented`: the header's bytes as sent, the bytes whose SHA-256 the file holds."""
        digest = hashlib.sha256(presented).digest()
        found: ApiKey | None = None
        for key in self._keys:  # every entry, so the time does not say which one matched
            if hmac.compare_digest(key.sha256, digest):
                found = key
        if found is None:
            raise Unauthenticated("the API key is not known to this gateway")
        if found.revoked:
            raise Unauthenticated(f"the API key {found.id!r} is revoked")
        return Caller(CallerKind.API_KEY, found.id, found.id, found.scopes, found.tenant)


# --- Tokens -------------------------------------------------------------------------------


class JwksCache:
    """The identity provider's public keys; `extra` keys (the demo's) are always included."""

    def __init__(
        self,
        url: str | None,
        client: httpx.AsyncClient | None,
        *,
        extra: KeySet | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._client = client
        self._extra = extra
        self._clock = clock
        self._keys: KeySet | None = None
        self._kids: frozenset[str] = frozenset()
        self._fetched_at = -1e18
        self._forced_at = -1e18
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def keys_for(self, kid: str | None) -> KeySet:
        now = self._clock()
        if self._url is not None:
            if now - self._fetched_at >= JWKS_REUSE_SECONDS:
                await self._refresh()
            elif (  # a rotated key, or a forged kid: refetch, but at most once a minute
                kid is not None
                and kid not in self._kids
                and now - self._forced_at >= JWKS_MIN_REFETCH_SECONDS
            ):
                self._forced_at = now
                await self._refresh()
        keys = [
            *(self._keys.keys if self._keys else []),
            *(self._extra.keys if self._extra else []),
        ]
        if kid is not None and not any(k.kid == kid for k in keys):
            raise Unauthenticated("the token's key (`kid`) is not one the identity provider lists")
        return KeySet(keys)

    async def readiness(self) -> str:
        """`ok` once the keys are known (fetching them if needed), else why not."""
        if self._url is None:
            return "ok"
        try:
            await self.keys_for(None)
        except IdentityUnavailable as down:
            return f"unreachable: {down}"
        return "ok" if self._keys is not None else "unreachable"

    async def _refresh(self) -> None:
        seen = self.fetches
        async with self._lock:
            if self.fetches != seen and self._keys is not None:
                return  # another request refreshed while this one waited
            assert self._url is not None
            assert self._client is not None
            self.fetches += 1
            try:
                response = await self._client.get(self._url, timeout=JWKS_FETCH_SECONDS)
                response.raise_for_status()
                keys = KeySet.import_key_set(response.json())
            except (httpx.HTTPError, ValueError, JoseError, TypeError) as exc:
                if self._keys is None:
                    raise IdentityUnavailable(
                        f"the identity provider's keys could not be fetched ({type(exc).__name__})"
                    ) from None
                self._fetched_at = self._clock()  # keep the old keys; try again later
                return
            self._keys = keys
            self._kids = frozenset(k.kid for k in keys.keys if k.kid)
            self._fetched_at = self._clock()


@dataclass(frozen=True, slots=True)
class TokenRules:
    issuer: str
    audience: str
    tenant_claim: str = "tenant"


class TokenVerifier:
    def __init__(
        self,
        jwks: JwksCache,
        rules: TokenRules,
        *,
        now: Callable[[], int] = lambda: int(time.time()),
    ) -> None:
        self._jwks = jwks
        self._rules = rules
        self._claims = JWTClaimsRegistry(rules, now)

    async def verify(self, token: str) -> Caller:
        if len(token) > MAX_TOKEN_BYTES:
            raise Unauthenticated(f"the token is longer than {MAX_TOKEN_BYTES} bytes")
        try:
            header = jws.extract_compact(token.encode("ascii")).headers()
        except (JoseError, UnicodeError, *_MALFORMED):
            raise Unauthenticated("the bearer token is not a JWT") from None
        if not isinstance(header, dict):
            raise Unauthenticated("the bearer token is not a JWT")
        algorithm = header.get("alg")
        if algorithm not in ACCEPTED_ALGORITHMS:
            raise Unauthenticated(
                f"the token's algorithm {str(algorithm)[:16]!r} is not accepted "
                f"({', '.join(ACCEPTED_ALGORITHMS)} only)"
            )
        kid = header.get("kid")
        keys = await self._jwks.keys_for(kid if isinstance(kid, str) else None)
        try:
            with warnings.catch_warnings():
                # joserfc flags EdDSA as superseded (RFC 9864) but it is what IdPs still send.
                warnings.simplefilter("ignore", SecurityWarning)
                decoded = jwt.decode(token, keys, algorithms=list(ACCEPTED_ALGORITHMS))
        except BadSignatureError:
            raise Unauthenticated("the token's signature does not verify") from None
        except JoseError as exc:
            raise Unauthenticated(f"the token cannot be verified ({exc.error})") from None
        except _MALFORMED:  # joserfc trusts header value types (a dict `crit`, a list `kid`)
            raise Unauthenticated("the token's header is malformed") from None
        claims = decoded.claims
        self._claims.validate(claims)
        return _caller(claims, self._rules.tenant_claim)


class JWTClaimsRegistry:
    """joserfc's claim checks, with its errors turned into reasons a client can act on."""

    def __init__(self, rules: TokenRules, now: Callable[[], int]) -> None:
        self._rules = rules
        self._registry = jwt.JWTClaimsRegistry(
            now=now,
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": rules.issuer},
            aud={"essential": True, "value": rules.audience},
            exp={"essential": True},
        )

    def validate(self, claims: Mapping[str, Any]) -> None:
        if not isinstance(claims, Mapping):
            raise Unauthenticated("the token's claims are not a JSON object")
        try:
            self._registry.validate(dict(claims))
        except ExpiredTokenError:
            raise Unauthenticated("the token has expired") from None
        except MissingClaimError as exc:
            raise Unauthenticated(f"the token has no `{exc.claim}` claim") from None
        except InvalidClaimError as exc:
            if exc.claim == "nbf" and "not yet valid" in str(exc.description):
                raise Unauthenticated(
                    "the token is not valid yet (`nbf` is in the future)"
                ) from None
            if exc.claim == "iss":
                raise Unauthenticated(
                    "the token's issuer is not the one this gateway trusts"
                ) from None
            if exc.claim == "aud":
                raise Unauthenticated(
                    f"the token's audience does not include {self._rules.audience!r}"
                ) from None
            raise Unauthenticated(f"the token's `{exc.claim}` claim is not valid") from None
        except InvalidTokenError:
            raise Unauthenticated("the token is not valid yet (`iat` is in the future)") from None
        except JoseError as exc:
            raise Unauthenticated(f"the token's claims are not valid ({exc.error})") from None
        except _MALFORMED:
            raise Unauthenticated("the token's claims are malformed") from None


def _scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    """`scope` (space-separated, RFC 8693) or `scp` (a string or a list, as Okta and Entra do)."""
    found: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return frozenset(found)


def _caller(claims: Mapping[str, Any], tenant_claim: str) -> Caller:
    subject = claims.get("sub")
    subject = subject if isinstance(subject, str) and subject else "unknown"
    client = claims.get("azp") or claims.get("client_id") or subject
    tenant = claims.get(tenant_claim)
    if tenant is not None and not isinstance(tenant, str):
        # Never read as "no tenant" (which a single-tenant gateway serves as `default`).
        raise Unauthenticated(f"the token's `{tenant_claim}` claim must be a string")
    return Caller(
        CallerKind.TOKEN,
        subject[:200],
        str(client)[:200],
        _scopes(claims),
        tenant,
    )
