"""The FastAPI application: `/graphql` (with GraphiQL), `/healthz`, `/readyz`, `/metrics`."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response

from idv_gateway.cache import UpstreamCache
from idv_gateway.config import Settings, get_settings
from idv_gateway.domain import Provider
from idv_gateway.events import SubscriberSlots
from idv_gateway.http import (
    Admission,
    BodyGuard,
    RequestObserver,
    graphiql_assets_router,
    graphql_router,
)
from idv_gateway.http.callers import CallerEdge
from idv_gateway.http.credentials import build_credentials
from idv_gateway.http.lockdown import AllowedHosts
from idv_gateway.http.responses import error_response
from idv_gateway.http.trusted_documents import TrustedDocuments, load_manifest
from idv_gateway.http.webhooks import webhook_router
from idv_gateway.intake import WebhookIntake
from idv_gateway.observability import Metrics, metrics_response
from idv_gateway.observability.audit import AuditLog
from idv_gateway.observability.tracing import configure_tracing
from idv_gateway.resilience.breaker import BreakerState
from idv_gateway.schema.limits import Limits
from idv_gateway.tenancy import TenantDirectory
from idv_gateway.tenants_file import DEFAULT_TENANT, env_tenant
from idv_gateway.upstreams import DemoLoopback, demo_tenants, with_transports

__all__ = ["create_app"]

_CIRCUIT_GAUGE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}
logger = logging.getLogger("idv_gateway")


def _circuit_states(tenants: TenantDirectory) -> dict[tuple[str, str], int]:
    return {
        (tenant.id, upstream.provider.value): _CIRCUIT_GAUGE[upstream.breaker.state]
        for tenant in tenants.all()
        for upstream in (tenant.upstreams.didit, tenant.upstreams.kayle)
        if upstream is not None
    }


def _caches(tenants: TenantDirectory) -> dict[str, UpstreamCache]:
    return {t.id: t.upstreams.cache for t in tenants.all() if t.upstreams.cache is not None}


def _directory(
    settings: Settings,
    transports: Mapping[Provider, httpx.AsyncBaseTransport] | None,
    metrics: Metrics,
    loopback: DemoLoopback,
) -> TenantDirectory:
    """The embedded demo's three tenants, or `default` from the environment (when set)
    beside the tenants file's."""
    if settings.demo_mode and not transports:
        fixed = list(demo_tenants(settings, loopback))
        return TenantDirectory(
            settings, metrics=metrics, fixed=fixed, names_required=True, demo=True
        )
    default = env_tenant(settings)
    if transports:
        default = with_transports(default, transports)
    chosen = [] if default is None else [(default, transports)]
    return TenantDirectory(settings, metrics=metrics, fixed=chosen)


def _install_sighup(tenants: TenantDirectory) -> Callable[[], None]:
    """`kill -HUP` re-reads the tenants file (one worker; uvicorn's supervisor restarts
    its workers on SIGHUP, which re-reads it as well)."""
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[str]] = set()

    def reload() -> None:
        task = loop.create_task(tenants.reload())
        pending.add(task)
        task.add_done_callback(pending.discard)

    try:
        loop.add_signal_handler(signal.SIGHUP, reload)
    except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
        return lambda: None

    def remove() -> None:
        loop.remove_signal_handler(signal.SIGHUP)

    return remove


def _unprefixed(simulator: Any, prefix: str) -> Any:
    """The simulator sees its own paths (its `/_sim` layer reads `path` as sent)."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        path: str = scope.get("path", "")
        if path.startswith(prefix):
            path = path[len(prefix) :] or "/"
            scope = {**scope, "path": path, "raw_path": path.encode(), "root_path": ""}
        await simulator(scope, receive, send)

    return app


def create_app(
    settings: Settings | None = None,
    *,
    transports: Mapping[Provider, httpx.AsyncBaseTransport] | None = None,
) -> FastAPI:
    """`transports` replaces the providers' network transports (tests, benchmarks)."""
    settings = settings or get_settings()
    if settings.cursor_secret is None and not (settings.demo_mode or transports):
        raise RuntimeError(
            "IDV_GATEWAY_CURSOR_SECRET must be set when providers are configured: it signs "
            "pagination cursors and must be the same on every worker"
        )
    manifest = (
        None if settings.trusted_documents is None else load_manifest(settings.trusted_documents)
    )
    # Names the operator ships (trusted documents, the allow-list) are labels first.
    known = [*settings.known_operations(), *(sorted(manifest.names) if manifest else [])]
    metrics = Metrics(known_operations=known)
    configure_tracing(settings.otel_exporter, endpoint=settings.otel_endpoint)
    jwks_client = httpx.AsyncClient(follow_redirects=False)
    credentials = build_credentials(settings, jwks_client)
    audit = AuditLog(
        settings.audit_log, written=metrics.audit_written, dropped=metrics.audit_dropped
    )
    loopback = DemoLoopback()  # the demo's simulators deliver their webhooks through it
    tenants = _directory(settings, transports, metrics, loopback)
    metrics.watch_caches(lambda: _caches(tenants))
    metrics.watch_circuits(lambda: _circuit_states(tenants))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(jwks_client.aclose)
            await audit.start()
            stack.push_async_callback(audit.stop)
            await tenants.start()
            stack.push_async_callback(tenants.close)
            stack.push_async_callback(loopback.aclose)
            if settings.tenants_file is not None:
                stack.callback(_install_sighup(tenants))
            app.state.started = True
            if not credentials.enforced:
                logger.warning(
                    "AUTHENTICATION OFF: anyone who reaches this port reads everything it "
                    "serves (%s)",
                    "the open embedded demo" if tenants.demo else "IDV_GATEWAY_AUTH_DISABLED",
                )
            if tenants.demo:
                logger.warning(
                    "EMBEDDED DEMO: no provider configured; serving simulated Didit and Kayle "
                    "data in-process. Set IDV_GATEWAY_DIDIT_BASE_URL / IDV_GATEWAY_KAYLE_BASE_URL "
                    "to use real providers."
                )
            yield

    # FastAPI's own HTTP telemetry records `url.query` (GET variables: names, emails,
    # document numbers) and exception messages; the gateway's spans and logs carry
    # neither, so FastAPI's is off.
    app = FastAPI(
        title="idv-gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    # Read per request by the GraphQL layer: the deadline and the query limits.
    app.state.settings = settings
    app.state.limits = Limits.from_settings(settings)
    app.state.metrics = metrics
    app.state.audit = audit
    app.state.tenants = tenants
    slots = SubscriberSlots(settings.max_subscriptions)
    app.state.subscriber_slots = slots
    metrics.subscriptions.set_function(lambda: slots.active)
    if manifest is not None:  # inside BodyGuard: it sees whole, well-formed bodies
        app.add_middleware(TrustedDocuments, manifest=manifest)
    app.add_middleware(
        BodyGuard,
        max_bytes=settings.max_request_bytes,
        read_seconds=settings.body_read_timeout_seconds,
    )
    # Before the body is read: a refused request costs next to nothing.
    app.add_middleware(
        Admission,
        max_inflight=settings.max_inflight_operations,
        max_queued=settings.max_queued_operations,
        queue_seconds=settings.admission_queue_seconds,
    )
    # Who calls, and may they call now: before a refused request takes an admission slot.
    app.add_middleware(
        CallerEdge,
        credentials=credentials,
        tenants=tenants,
        tenant_claim=settings.auth_tenant_claim,
        metrics=metrics,
    )
    if settings.cors_origin_list():
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list(),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-api-key", "x-request-id"],
            expose_headers=["x-request-id", "retry-after"],
            max_age=600,
        )
    if settings.host_allow_list():
        app.add_middleware(AllowedHosts, hosts=settings.host_allow_list())
    # Outermost: every response gets its request id, every request is counted and logged.
    app.add_middleware(RequestObserver, metrics=metrics)
    app.include_router(
        graphql_router(
            metrics,
            graphiql=settings.graphiql_on,
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            allowed_origins=tuple(settings.cors_origin_list()),
        ),
        prefix="/graphql",
    )
    app.include_router(webhook_router(WebhookIntake(tenants, metrics=metrics)))
    if settings.graphiql_on:
        app.include_router(graphiql_assets_router())

    metrics_token = settings.metrics_token

    @app.get("/metrics")
    async def prometheus_metrics(request: Request) -> Response:
        if metrics_token is not None:
            expected = f"Bearer {metrics_token.get_secret_value()}".encode()
            given = request.headers.get("authorization", "").encode("latin-1", "replace")
            if not hmac.compare_digest(given, expected):
                return error_response(
                    401,
                    "`/metrics` needs its bearer token (IDV_GATEWAY_METRICS_TOKEN)",
                    "UNAUTHENTICATED",
                    {"www-authenticate": 'Bearer realm="idv-gateway-metrics"'},
                )
        return metrics_response(metrics)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        if not getattr(request.app.state, "started", False):
            return JSONResponse({"status": "starting"}, status_code=503)
        served = tenants.all()
        reports = await asyncio.gather(*(tenant.readiness.check() for tenant in served))
        by_tenant = dict(zip((t.id for t in served), reports, strict=True))
        identity = None if credentials.jwks is None else await credentials.jwks.readiness()
        healthy = audit.problem is None and identity in (None, "ok")
        # One tenant's bad key or failing provider must not take the gateway away from
        # the others: ready while any tenant can be served, "degraded" names who cannot.
        serving = [tenant for tenant, report in by_tenant.items() if report.ready]
        ready = healthy and bool(serving)
        status = "ready" if ready and len(serving) == len(by_tenant) else "not ready"
        if ready and status != "ready":
            status = "degraded"
        body: dict[str, Any] = {"status": status, "demo": tenants.demo}
        default = by_tenant.get(DEFAULT_TENANT)
        if default is not None:
            body["providers"] = {p.value: state for p, state in default.providers.items()}
        if tenants.names_required:
            body["tenants"] = {
                tenant: {
                    "status": "ready" if report.ready else "not ready",
                    "providers": {p.value: state for p, state in report.providers.items()},
                }
                for tenant, report in sorted(by_tenant.items())
            }
        if tenants.last_reload_problem is not None:
            body["tenantsFile"] = "last reload rejected: " + tenants.last_reload_problem
        if audit.enabled:
            body["audit"] = audit.problem or "ok"
        if identity is not None:
            body["identityProvider"] = identity
        if not credentials.enforced:
            body["warnings"] = ["authentication is off: anyone who reaches this port reads it all"]
        return JSONResponse(body, status_code=200 if ready else 503)

    # The demo's simulators, so a reader can move a session and watch the webhook
    # arrive in a subscription: POST /demo/<tenant>/<provider>/_sim/sessions/<id>/status.
    for (tenant_id, provider), simulator in loopback.simulators.items():
        prefix = f"/demo/{tenant_id}/{provider}"
        app.mount(prefix, _unprefixed(simulator, prefix))
    loopback.target = app
    return app
