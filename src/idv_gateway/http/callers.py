"""Who is calling, and may they call now: identity and per-client limits at the edge.

Runs before any GraphQL work on `/graphql`: a request without valid credentials (where
authentication is enforced) gets 401 with `WWW-Authenticate: Bearer` (RFC 6750) and
`UNAUTHENTICATED`; a client over its requests or upstream calls per minute gets 429 with
`Retry-After` and `RATE_LIMITED`. The verified `Caller` goes into the request's state for
the GraphQL layer, and the client's upstream budget into the request's context.
`/healthz`, `/readyz`, `/metrics` and GraphiQL's static page and files need no caller.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from idv_gateway.domain import Caller
from idv_gateway.http.identity import (
    ApiKeys,
    IdentityUnavailable,
    JwksCache,
    TokenVerifier,
    Unauthenticated,
)
from idv_gateway.http.responses import send_error
from idv_gateway.http.scope import is_graphql
from idv_gateway.observability.metrics import Metrics
from idv_gateway.resilience.client_limits import ClientLimiter, upstream_budget

__all__ = ["CALLER", "CallerEdge", "Credentials"]

CALLER = "caller"  # key of the verified caller in the ASGI scope's state
_REALM = b'Bearer realm="idv-gateway"'
logger = logging.getLogger("idv_gateway.auth")


@dataclass(frozen=True)
class Credentials:
    """What the gateway accepts; `verifiers` by the issuer their tokens carry."""

    enforced: bool
    verifiers: dict[str, TokenVerifier]
    api_keys: ApiKeys | None
    jwks: JwksCache | None = None  # the identity provider's keys, for readiness


class CallerEdge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        credentials: Credentials,
        requests: ClientLimiter,
        upstream_calls: ClientLimiter,
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.credentials = credentials
        self.requests = requests
        self.upstream_calls = upstream_calls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_graphql(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope.get("method") == "OPTIONS" or _wants_graphiql(scope, headers):
            await self.app(scope, receive, send)  # a CORS preflight, the GraphiQL page
            return
        try:
            caller = await self._identify(scope, headers)
        except Unauthenticated as refused:
            self._refused("UNAUTHENTICATED")
            await _unauthenticated(send, refused)
            return
        except IdentityUnavailable as down:
            logger.warning("caller not verified: %s", down)
            self._refused("IDENTITY_UNAVAILABLE")
            await send_error(
                send,
                status=503,
                message=str(down),
                code="IDENTITY_UNAVAILABLE",
                headers=[(b"retry-after", b"5")],
                retryable=True,
            )
            return
        wait = self.requests.take(caller.client) or self.upstream_calls.wait(caller.client)
        if wait is not None:
            self._refused("RATE_LIMITED")
            await send_error(
                send,
                status=429,
                message=f"rate limit of this client reached; retry after {wait:g} s",
                code="RATE_LIMITED",
                headers=[(b"retry-after", f"{wait:g}".encode())],
                retryable=True,
                retryAfterSeconds=wait,
            )
            return
        scope.setdefault("state", {})[CALLER] = caller
        token = upstream_budget(self.upstream_calls, caller.client)
        try:
            await self.app(scope, receive, send)
        finally:
            token.var.reset(token)

    def _refused(self, code: str) -> None:
        if self.metrics is not None:
            self.metrics.refusals.labels(code).inc()

    async def _identify(self, scope: Scope, headers: dict[bytes, bytes]) -> Caller:
        authorization = headers.get(b"authorization")
        api_key = headers.get(b"x-api-key")
        if authorization is not None and api_key is not None:
            raise Unauthenticated("send one credential: `Authorization` or `X-API-Key`, not both")
        if api_key is not None:
            if self.credentials.api_keys is None:
                raise Unauthenticated("this gateway does not accept API keys")
            return self.credentials.api_keys.verify(api_key)
        if authorization is not None:
            scheme, _, token = authorization.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated("`Authorization` must be `Bearer <token>`")
            return await self._verify_token(token.strip())
        if self.credentials.enforced:
            raise Unauthenticated(
                "no credentials: send `Authorization: Bearer <token>` or `X-API-Key: <key>`",
                presented=False,
            )
        client = scope.get("client")
        return Caller.open(client[0] if client else "unknown")

    async def _verify_token(self, token: str) -> Caller:
        verifiers = self.credentials.verifiers
        if not verifiers:
            raise Unauthenticated("this gateway does not accept bearer tokens")
        verifier = verifiers.get(_unverified_issuer(token) or "")
        if verifier is None:
            if len(verifiers) > 1:
                raise Unauthenticated("the token's issuer is not one this gateway trusts")
            verifier = next(iter(verifiers.values()))  # its own check names the problem
        return await verifier.verify(token)


def _unverified_issuer(token: str) -> str | None:
    """Only to pick which verifier checks the token; nothing is trusted from it."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[1]) > 8_192:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, RecursionError):
        return None
    issuer = payload.get("iss") if isinstance(payload, dict) else None
    return issuer if isinstance(issuer, str) else None


def _wants_graphiql(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    """A browser opening /graphql gets the GraphiQL page, which holds no data."""
    return (
        scope.get("method") == "GET"
        and not scope.get("query_string")
        and b"text/html" in headers.get(b"accept", b"")
    )


async def _unauthenticated(send: Send, refused: Unauthenticated) -> None:
    challenge = _REALM
    if refused.presented:
        description = refused.reason.replace('"', "'").encode("ascii", "replace")
        challenge += b', error="invalid_token", error_description="' + description + b'"'
    await send_error(
        send,
        status=401,
        message=refused.reason,
        code="UNAUTHENTICATED",
        headers=[(b"www-authenticate", challenge)],
    )
