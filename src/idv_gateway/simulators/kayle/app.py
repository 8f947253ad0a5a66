"""Starlette app serving Kayle's partner API v1 session routes, with Kayle's edge behaviour.

Request pipeline, outermost first, as in the real service:
`/_sim` operations (SimOps) → body-size limit and security headers → API-key auth and
scope check on every `/v1/*` path (so 401/403 beat 400 and 404) → routing (strict: no
trailing-slash redirects; unknown paths and methods are a plain-text 404) → handlers.
Webhook management routes live in `webhook_api`; `app.state.webhooks` delivers events.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idv_gateway.simulators import DEFAULT_ANCHOR, DEFAULT_KAYLE_API_KEY, DEFAULT_KAYLE_SESSIONS
from idv_gateway.simulators._delivery import closing_lifespan
from idv_gateway.simulators._ops import SimOps
from idv_gateway.simulators.kayle.contract import Rejection, parse_create_body
from idv_gateway.simulators.kayle.dataset import generate_sessions
from idv_gateway.simulators.kayle.jscompat import js_trim, parse_query, zod_error_body
from idv_gateway.simulators.kayle.models import SESSION_STATUSES, render_session
from idv_gateway.simulators.kayle.store import OUTCOMES, KayleStore
from idv_gateway.simulators.kayle.validation import (
    include_attempts,
    validate_list_query,
    validate_session_id,
)
from idv_gateway.simulators.kayle.webhook_api import WEBHOOK_ROUTES, WEBHOOK_SCOPES, webhook_routes
from idv_gateway.simulators.kayle.webhooks import KayleWebhooks

__all__ = ["ROUTES", "SESSION_SCOPES", "create_kayle_app"]

LIST, CREATE = "GET /v1/sessions", "POST /v1/sessions"
GET, CANCEL = "GET /v1/sessions/{id}", "POST /v1/sessions/{id}/cancel"
ROUTES = (LIST, CREATE, GET, CANCEL, *WEBHOOK_ROUTES)
SESSION_SCOPES = frozenset({"sessions:read", "sessions:write"})
_SECURITY_HEADERS = (
    (b"content-security-policy", b"base-uri 'self'; frame-ancestors 'none'; object-src 'none'"),
    (b"permissions-policy", b"camera=(), geolocation=(), microphone=(), payment=(), usb=()"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_MAX_BODY = 2 * 1024 * 1024
_UNAUTHORIZED = {"error": {"code": "UNAUTHORIZED", "message": "Unauthorized"}}
_FORBIDDEN = {"error": {"code": "FORBIDDEN", "message": "Forbidden"}}
_TOO_LARGE = {"error": {"code": "PAYLOAD_TOO_LARGE", "message": "Request body is too large."}}
# zod-openapi validates a body only for this prefix; Hono's validator then parses it only
# when the full header matches the stricter pattern (otherwise the body counts as `{}`).
_JSON_PREFIX = re.compile(r"application/([a-z-.]+\+)?json")
_JSON_STRICT = re.compile(r"application/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*")


class _KayleEdge:
    """Security headers on every response, then Kayle's `authenticate` + scope middleware."""

    def __init__(self, app: ASGIApp, keys: Mapping[str, frozenset[str]]) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*_SECURITY_HEADERS, *([_HSTS] if scope.get("scheme") == "https" else [])]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        request = Request(scope)
        if _declared_length(request) > _MAX_BODY:
            await JSONResponse(_TOO_LARGE, 413)(scope, receive, send_with_headers)
            return
        path: str = scope["path"]
        if path == "/v1" or path.startswith("/v1/"):
            denied = self._authorize(request, path)
            if denied is not None:
                await denied(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)

    def _authorize(self, request: Request, path: str) -> Response | None:
        header = request.headers.get("authorization", "")
        token = js_trim(header[len("Bearer ") :]) if header.startswith("Bearer ") else ""
        scopes = self.keys.get(token) if token else None
        if scopes is None:
            return JSONResponse(_UNAUTHORIZED, 401)
        area = _scope_area(path)
        if area is None:
            return None
        needed = {f"{area}:write"}
        if request.method in ("GET", "HEAD") or area == "analytics":
            needed.add(f"{area}:read")
        return None if scopes & needed else JSONResponse(_FORBIDDEN, 403)


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0


def _scope_area(path: str) -> str | None:
    rest = path[len("/v1") :]
    for prefix, area in (
        ("/sessions", "sessions"),
        ("/webhooks", "webhooks"),
        ("/events", "webhooks"),
        ("/analytics", "analytics"),
    ):
        if rest == prefix or rest.startswith(prefix + "/"):
            return area
    return None


class _KayleApp(Starlette):
    """Starlette whose outermost layer is SimOps, so `reset` faults reach the raw transport."""

    def build_middleware_stack(self) -> ASGIApp:
        ops: SimOps = self.state.ops
        return ops.middleware(super().build_middleware_stack())


async def _not_found(_: Request, __: Exception) -> Response:
    """Hono's notFound: unknown paths and unsupported methods alike."""
    return PlainTextResponse("404 Not Found", 404, media_type="text/plain; charset=UTF-8")


def _not_found_envelope(anchor: str) -> JSONResponse:
    error = {
        "code": "NOT_FOUND",
        "message": "Session not found.",
        "hint": "The session with the given ID was not found.",
        "docs": f"https://kayle.id/docs/api/sessions#{anchor}",
    }
    return JSONResponse({"data": None, "error": error}, 404)


def _store(request: Request) -> KayleStore:
    store: KayleStore = request.app.state.store
    return store


async def list_sessions(request: Request) -> Response:
    parsed = validate_list_query(parse_query(request.scope["query_string"]))
    if isinstance(parsed, list):
        return JSONResponse(zod_error_body(parsed), 400)
    page, has_more = _store(request).list_page(parsed)
    request.app.state.ops.count_rows(LIST, len(page))
    data = [render_session(s, include_attempts=parsed.include_attempts) for s in page]
    pagination = {
        "limit": parsed.limit,
        "has_more": has_more,
        "next_cursor": page[-1].id if has_more else None,
    }
    return JSONResponse({"data": data, "error": None, "pagination": pagination})


async def get_session(request: Request) -> Response:
    query = parse_query(request.scope["query_string"])
    session_id: str = request.path_params["id"]
    if issues := validate_session_id(session_id):
        return JSONResponse(zod_error_body(issues), 400)
    session = _store(request).get(session_id)
    if session is None:
        return _not_found_envelope("get-by-id")
    request.app.state.ops.count_rows(GET, 1)
    data = render_session(session, include_attempts=include_attempts(query))
    return JSONResponse({"data": data, "error": None})


async def create_session(request: Request) -> Response:
    query = parse_query(request.scope["query_string"])
    body: object = {}
    content_type = request.headers.get("content-type", "")
    if _JSON_PREFIX.match(content_type) and _JSON_STRICT.fullmatch(content_type):
        try:
            body = json.loads(
                (await request.body()).decode("utf-8-sig", "replace"),
                parse_constant=_reject_constant,
            )
        except ValueError:
            return PlainTextResponse(
                "Malformed JSON in request body", 400, media_type="text/plain;charset=UTF-8"
            )
    parsed = parse_create_body(body)
    if isinstance(parsed, Rejection):
        return JSONResponse(parsed.body, 400)
    session, token = _store(request).create(
        redirect_url=parsed.redirect_url, share_fields=parsed.share_fields
    )
    data = render_session(session, include_attempts=include_attempts(query), cancel_token=token)
    return JSONResponse({"data": data, "error": None})


async def cancel_session(request: Request) -> Response:
    session_id: str = request.path_params["id"]
    if issues := validate_session_id(session_id):
        return JSONResponse(zod_error_body(issues), 400)
    if not _store(request).cancel(session_id):
        return _not_found_envelope("cancel-by-id")
    return Response(status_code=204)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"JSON.parse rejects {name}")


def _default_clock(anchor: datetime) -> Callable[[], datetime]:
    """Wall time, but never before the anchor: sessions created through the API are the newest."""
    started = time.monotonic()

    def clock() -> datetime:
        return max(datetime.now(UTC), anchor + timedelta(seconds=time.monotonic() - started))

    return clock


def create_kayle_app(
    *,
    seed: int = 7,
    sessions: int = DEFAULT_KAYLE_SESSIONS,
    latency_ms: int = 0,
    api_key: str = DEFAULT_KAYLE_API_KEY,
    anchor: datetime = DEFAULT_ANCHOR,
    extra_keys: Mapping[str, frozenset[str]] | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    webhook_public_jwk: dict[str, Any] | None = None,
    webhook_key_id: str = "sim-key-1",
    webhook_time_scale: float = 1.0,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """Kayle's partner API (v1.5.0) over `sessions` seeded sessions created before `anchor`.

    `api_key` holds the sessions and webhooks scopes. `webhook_url` pre-registers an
    endpoint for all four event types (signing secret `webhook_secret`, a random
    `whsec_…` when None) and, given `webhook_public_jwk`, its active encryption key
    `webhook_key_id`; without a key its deliveries fail unsent, as Kayle's do.
    `webhook_time_scale` multiplies the retry pauses; `webhook_transport` is the httpx
    transport deliveries use (default: the network).
    """
    store = KayleStore(
        generate_sessions(seed, sessions, anchor),
        clock=_default_clock(anchor),
        rng=random.Random(f"kayle-api-{seed}"),
    )

    async def set_status(session_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        status, outcome = body.get("status"), body.get("outcome")
        if store.get(session_id) is None:
            return 404, {"error": f"unknown session {session_id}"}
        if status not in SESSION_STATUSES:
            return 400, {"error": f"status must be one of {', '.join(SESSION_STATUSES)}"}
        if outcome is not None and (status != "completed" or outcome not in OUTCOMES):
            return 400, {"error": 'outcome is "succeeded" or "failed", and only for "completed"'}
        session = store.set_status(session_id, status, outcome or "succeeded")
        return 200, {"data": render_session(session, include_attempts=True), "error": None}

    webhooks = KayleWebhooks(time_scale=webhook_time_scale, transport=webhook_transport)
    if webhook_url is not None:
        webhooks.register(webhook_url, webhook_secret, webhook_public_jwk, webhook_key_id)
    store.on_event = webhooks.store_event
    ops = SimOps(ROUTES, latency_ms=latency_ms, set_status=set_status, webhooks=webhooks.records)
    keys = {api_key: SESSION_SCOPES | WEBHOOK_SCOPES, **(extra_keys or {})}
    app = _KayleApp(
        routes=[
            Route("/v1/sessions", list_sessions, methods=["GET"]),
            Route("/v1/sessions", create_session, methods=["POST"]),
            Route("/v1/sessions/{id}", get_session, methods=["GET"]),
            Route("/v1/sessions/{id}/cancel", cancel_session, methods=["POST"]),
            *webhook_routes(),
        ],
        middleware=[Middleware(_KayleEdge, keys=keys)],
        exception_handlers={404: _not_found, 405: _not_found},
        lifespan=closing_lifespan(webhooks),
    )
    app.router.redirect_slashes = False
    app.state.ops = ops
    app.state.store = store
    app.state.webhooks = webhooks
    return app
