"""The FastAPI application: `/graphql` (with GraphiQL), `/healthz`, `/readyz`, `/metrics`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from idv_gateway.config import Settings, get_settings
from idv_gateway.domain import Provider
from idv_gateway.http import (
    Admission,
    BodyGuard,
    RequestObserver,
    graphiql_assets_router,
    graphql_router,
)
from idv_gateway.observability import Metrics, metrics_response
from idv_gateway.observability.tracing import configure_tracing
from idv_gateway.pagination import CursorCodec
from idv_gateway.providers import DiditProvider, KayleProvider
from idv_gateway.resilience.breaker import BreakerState
from idv_gateway.schema.limits import Limits
from idv_gateway.service import SessionService
from idv_gateway.service.readiness import Readiness
from idv_gateway.upstreams import Upstreams, open_upstreams

__all__ = ["create_app"]

_CIRCUIT_GAUGE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


def _circuit_states(upstreams: Upstreams) -> dict[str, int]:
    return {
        upstream.provider.value: _CIRCUIT_GAUGE[upstream.breaker.state]
        for upstream in (upstreams.didit, upstreams.kayle)
        if upstream is not None
    }


logger = logging.getLogger("idv_gateway")


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
    codec = CursorCodec(settings.cursor_key())
    metrics = Metrics(known_operations=settings.known_operations())
    configure_tracing(settings.otel_exporter, endpoint=settings.otel_endpoint)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            upstreams = await open_upstreams(settings, stack, transports, metrics)
            app.state.upstreams = upstreams
            if upstreams.cache is not None:
                metrics.watch_cache(upstreams.cache)
            metrics.watch_circuits(lambda: _circuit_states(upstreams))
            didit = None if upstreams.didit is None else DiditProvider(upstream=upstreams.didit)
            kayle = None if upstreams.kayle is None else KayleProvider(upstream=upstreams.kayle)
            app.state.readiness = Readiness({Provider.DIDIT: didit, Provider.KAYLE: kayle})
            app.state.service = SessionService(
                didit=didit,
                kayle=kayle,
                codec=codec,
                # A first page keeps its read plan while its answers can still be cached.
                hint_reuse_seconds=settings.cache_list_ttl_seconds if settings.cache_enabled else 0,
            )
            if upstreams.demo:
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
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    # Read per request by the GraphQL layer: the deadline and the query limits.
    app.state.settings = settings
    app.state.limits = Limits.from_settings(settings)
    app.state.metrics = metrics
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
    # Outermost: every response gets its request id, every request is counted and logged.
    app.add_middleware(RequestObserver, metrics=metrics)
    app.include_router(graphql_router(metrics), prefix="/graphql")
    app.include_router(graphiql_assets_router())

    @app.get("/metrics")
    async def prometheus_metrics() -> Response:
        return metrics_response(metrics)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        readiness: Readiness | None = getattr(request.app.state, "readiness", None)
        if readiness is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        report = await readiness.check()
        body = {
            "status": "ready" if report.ready else "not ready",
            "providers": {p.value: state for p, state in report.providers.items()},
            "demo": bool(request.app.state.upstreams.demo),
        }
        return JSONResponse(body, status_code=200 if report.ready else 503)

    return app
