"""Who is calling, and may they call now: identity and per-client limits at the edge.

Runs before any GraphQL work on `/graphql`: a request without valid credentials (where
authentication is enforced) gets 401 with `WWW-Authenticate: Bearer` (RFC 6750) and
`UNAUTHENTICATED`; a client over its requests or upstream calls per minute gets 429 with
`Retry-After` and `RATE_LIMITED`. The caller's tenant is chosen here too (docs/tenants.md):
where several tenants are served a credential must name one (401 otherwise), and a
tenant the gateway does not serve is 403. The verified `Caller` and its tenant go into
the request's state for the GraphQL layer, and the client's upstream budget into the
request's context; limits count per tenant and client.
`/healthz`, `/readyz`, `/metrics` and GraphiQL's static page and files need no caller.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from idv_gateway.domain import Caller, CallerKind
from idv_gateway.http.identity import (
    ApiKeys,
    IdentityUnavailable,
    JwksCache,
    TokenVerifier,
    Unauthenticated,
)
from idv_gateway.http.responses import send_error
from idv_gateway.http.scope import is_graphql, is_graphql_path
from idv_gateway.observability.metrics import Metrics
from idv_gateway.resilience.client_limits import ClientLimiter, upstream_budget
from idv_gateway.service import SessionService
from idv_gateway.tenants_file import DEFAULT_TENANT

__all__ = [
    "ADMIT",
    "CALLER",
    "CURRENT_TENANT",
    "TENANT",
    "CallerEdge",
    "Credentials",
    "Refused",
    "ServedTenant",
    "TenantLookup",
]

ADMIT = "admit_caller"  # a socket without credentials in its upgrade: checks them later
CURRENT_TENANT = "current_tenant"  # a long-lived stream looks its tenant up again
CALLER = "caller"  # key of the verified caller in the ASGI scope's state
TENANT = "tenant"  # key of the caller's `ServedTenant` in the ASGI scope's state
_REALM = b'Bearer realm="idv-gateway"'
logger = logging.getLogger("idv_gateway.auth")


@dataclass(frozen=True)
class Credentials:
    """What the gateway accepts; `verifiers` by the issuer their tokens carry."""

    enforced: bool
    verifiers: dict[str, TokenVerifier]
    api_keys: ApiKeys | None
    jwks: JwksCache | None = None  # the identity provider's keys, for readiness


class ServedTenant(Protocol):
    """What the edge and the GraphQL layer use of a tenant (`idv_gateway.tenancy.Tenant`)."""

    @property
    def id(self) -> str: ...
    @property
    def service(self) -> SessionService: ...
    @property
    def requests(self) -> ClientLimiter: ...
    @property
    def upstream_calls(self) -> ClientLimiter: ...


class TenantLookup(Protocol):
    @property
    def names_required(self) -> bool:
        """Several tenants are served: a credential must name its own."""

    def find(self, tenant: str) -> ServedTenant | None: ...


class UnknownTenant(Exception):
    pass


class CallerEdge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        credentials: Credentials,
        tenants: TenantLookup,
        tenant_claim: str = "tenant",
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.credentials = credentials
        self.tenants = tenants
        self.tenant_claim = tenant_claim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and is_graphql_path(scope):
            await self._websocket(scope, receive, send)
            return
        if not is_graphql(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if scope.get("method") == "OPTIONS" or wants_graphiql(scope, headers):
            await self.app(scope, receive, send)  # a CORS preflight, the GraphiQL page
            return
        try:
            caller, tenant = await self.admit(scope, headers)
        except Refused as refused:
            await refused.send(send)
            return
        state = scope.setdefault("state", {})
        state[CALLER] = caller
        state[TENANT] = tenant
        token = upstream_budget(tenant.upstream_calls, caller.client)
        try:
            await self.app(scope, receive, send)
        finally:
            token.var.reset(token)

    async def admit(self, scope: Scope, headers: dict[bytes, bytes]) -> tuple[Caller, ServedTenant]:
        """The verified caller and its tenant, counted against the tenant's limits; or
        `Refused`, holding the HTTP answer (401, 403, 429 or 503) that says why."""
        try:
            caller = await self._identify(scope, headers)
            caller, tenant = self._tenant_of(caller)
        except UnknownTenant as unknown:
            self._refused("FORBIDDEN")
            raise Refused(403, str(unknown), "FORBIDDEN") from None
        except Unauthenticated as refused:
            self._refused("UNAUTHENTICATED")
            raise Refused(
                401, refused.reason, "UNAUTHENTICATED", [(b"www-authenticate", _challenge(refused))]
            ) from None
        except IdentityUnavailable as down:
            logger.warning("caller not verified: %s", down)
            self._refused("IDENTITY_UNAVAILABLE")
            raise Refused(
                503, str(down), "IDENTITY_UNAVAILABLE", [(b"retry-after", b"5")], retryable=True
            ) from None
        wait = tenant.requests.take(caller.client) or tenant.upstream_calls.wait(caller.client)
        if wait is not None:
            self._refused("RATE_LIMITED")
            raise Refused(
                429,
                f"rate limit of this client reached; retry after {wait:g} s",
                "RATE_LIMITED",
                [(b"retry-after", f"{wait:g}".encode())],
                retryable=True,
                retry_after=wait,
            )
        return caller, tenant

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A socket's credential is in its upgrade request or, since browsers cannot set
        headers on one, in `connection_init`'s payload: then the GraphQL layer calls
        `state[ADMIT]` with it (and closes with 4403 when it is refused)."""
        headers = dict(scope.get("headers") or [])
        state = scope.setdefault("state", {})
        tenants = self.tenants
        if b"authorization" in headers or b"x-api-key" in headers:
            try:
                caller, tenant = await self.admit(scope, headers)
            except Refused as refused:
                await _refuse_handshake(receive, send, refused)
                return
            state[CALLER], state[TENANT] = caller, tenant
        else:

            async def admit_later(credentials: dict[bytes, bytes]) -> tuple[Caller, ServedTenant]:
                return await self.admit(scope, {**headers, **credentials})

            state[ADMIT] = admit_later
        state[CURRENT_TENANT] = tenants.find
        await self.app(scope, receive, send)

    def _refused(self, code: str) -> None:
        if self.metrics is not None:
            self.metrics.refusals.labels(code).inc()

    def _tenant_of(self, caller: Caller) -> tuple[Caller, ServedTenant]:
        """Never the tenant `default` by accident: where several tenants are served, only
        an open caller (authentication off) is `default` without naming it."""
        name = caller.tenant
        if caller.kind is CallerKind.OPEN:
            name = DEFAULT_TENANT
        elif name is None:
            if self.tenants.names_required:
                raise Unauthenticated(
                    f"the credential names no tenant: this gateway serves several, and a "
                    f"token must carry the `{self.tenant_claim}` claim (an API key its "
                    "`tenant` entry)"
                )
            name = DEFAULT_TENANT
        tenant = self.tenants.find(name)
        if tenant is None:
            shown = name if len(name) <= 64 else name[:64] + "…"
            raise UnknownTenant(f"the tenant {shown!r} is not served by this gateway")
        return dataclasses.replace(caller, tenant=tenant.id), tenant

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


def wants_graphiql(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    """A browser opening /graphql gets the GraphiQL page, which holds no data."""
    return (
        scope.get("method") == "GET"
        and not scope.get("query_string")
        and b"text/html" in headers.get(b"accept", b"")
    )


def _challenge(refused: Unauthenticated) -> bytes:
    challenge = _REALM
    if refused.presented:
        description = refused.reason.replace('"', "'").encode("ascii", "replace")
        challenge += b', error="invalid_token", error_description="' + description + b'"'
    return challenge


class Refused(Exception):
    """A caller turned away at the edge, with the answer it gets."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        headers: list[tuple[bytes, bytes]] | None = None,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or []
        self.retryable = retryable
        self.retry_after = retry_after

    async def send(self, send: Send) -> None:
        extra: dict[str, float | bool] = {}
        if self.retryable:
            extra["retryable"] = True
        if self.retry_after is not None:
            extra["retryAfterSeconds"] = self.retry_after
        await send_error(
            send,
            status=self.status,
            message=self.message,
            code=self.code,
            headers=self.headers,
            **extra,
        )


async def _refuse_handshake(receive: Receive, send: Send, refused: Refused) -> None:
    """Closing before accepting: the server answers the upgrade with HTTP 403."""
    message = await receive()
    if message["type"] == "websocket.connect":
        reason = f"{refused.code}: {refused.message}"[:120]
        await send({"type": "websocket.close", "code": 4403, "reason": reason})
