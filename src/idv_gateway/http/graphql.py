"""GraphQL over HTTP: the `/graphql` router, its per-request context and response shaping.

Responses follow the GraphQL-over-HTTP spec's content negotiation. A client that accepts
`application/graphql-response+json` gets that media type, and a request error (the
document does not parse or validate, or the variables do not coerce: nothing was
executed) comes back as HTTP 400 without a `data` entry, so it can tell "your request is
wrong" from "your request ran". A client that accepts only `application/json` (or sends
no `Accept`, or `*/*`) keeps the traditional shape: HTTP 200 with `data: null` and
`errors`. Anything that executed, including a partial failure (data from the healthy
providers plus an error naming the failed one), is HTTP 200 under both media types.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from fastapi import HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from graphql import GraphQLError
from starlette import status
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL, GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from idv_gateway.http.admission import QUEUED_SECONDS
from idv_gateway.http.callers import (
    ADMIT,
    CALLER,
    CURRENT_TENANT,
    TENANT,
    Refused,
    ServedTenant,
    wants_graphiql,
)
from idv_gateway.http.graphiql import graphiql_page
from idv_gateway.http.media import GRAPHQL_RESPONSE_JSON, JSON, negotiate_media_type
from idv_gateway.http.streams import (
    HeartbeatTransportWS,
    accepts_event_stream,
    close_later,
    connection_credentials,
    placeholder_service,
)
from idv_gateway.observability.audit import AuditLog
from idv_gateway.observability.logs import current_request_id
from idv_gateway.observability.metrics import Metrics
from idv_gateway.resilience import DEFAULT_DEADLINE_SECONDS, start_deadline
from idv_gateway.schema import GatewayContext, build_schema
from idv_gateway.schema.audit_trail import AuditTrail
from idv_gateway.schema.errors import format_error

__all__ = ["graphql_router"]


def _is_request_error(result: ExecutionResult, partial_errors: list[GraphQLError]) -> bool:
    """Nothing executed: parse, validation or variable-coercion errors (they carry no path)."""
    return (
        result.data is None
        and bool(result.errors)
        and not partial_errors
        and all(error.path is None for error in result.errors or [])
    )


class _Router(GraphQLRouter[GatewayContext, None]):
    graphql_transport_ws_handler_class = HeartbeatTransportWS

    async def on_ws_connect(self, context: GatewayContext) -> UnsetType | dict[str, object] | None:
        """`connection_init`: a socket that had no credential in its upgrade presents one
        in the payload (`Authorization` or `X-API-Key`), or is closed with 4403."""
        socket = context.request
        if not isinstance(socket, WebSocket):
            raise ConnectionRejectionError()
        state = socket.state
        admit = getattr(state, ADMIT, None)
        if admit is not None:
            params = getattr(context, "connection_params", None)
            try:
                caller, tenant = await admit(connection_credentials(params))
            except Refused as refused:
                raise ConnectionRejectionError({"code": refused.code}) from None
            _bind(context, socket, caller, tenant)
        return await super().on_ws_connect(context)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        del request
        return graphiql_page()  # the gateway's own files, not Strawberry's CDN page

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        context: GatewayContext | None = getattr(request.state, "gateway_context", None)
        partial_errors = list(context.partial_errors) if context is not None else []
        media_type = negotiate_media_type(request.headers.get("accept"))
        request_error = media_type == GRAPHQL_RESPONSE_JSON and _is_request_error(
            result, partial_errors
        )
        formatted = [format_error(e) for e in [*(result.errors or []), *partial_errors]]

        response: GraphQLHTTPResponse = {} if request_error else {"data": result.data}
        if formatted:
            response["errors"] = [*formatted]
        if result.extensions:
            response["extensions"] = result.extensions

        sub_response: Response | None = getattr(request.state, "sub_response", None)
        if sub_response is not None:
            sub_response.media_type = media_type
            if request_error:
                sub_response.status_code = _request_error_status(formatted)
        if context is not None:
            context.partial_errors.clear()  # an SSE stream reports each event's own
            if context.transport == "http" and not context.audit.empty:
                _audit(request.app, context)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = Response(
            self.encode_json(response_data),
            media_type=sub_response.media_type or JSON,
            status_code=sub_response.status_code or status.HTTP_200_OK,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        # Answers carry people's data: no shared cache may keep them, no browser sniff them.
        response.headers["cache-control"] = "no-store"
        response.headers["x-content-type-options"] = "nosniff"
        return response


def _request_error_status(errors: list[dict[str, Any]]) -> int:
    # A pathless error can also be a masked failure of our own before execution: that is
    # the server's fault, not the request's.
    if any(e.get("extensions", {}).get("code") == "INTERNAL" for e in errors):
        return status.HTTP_500_INTERNAL_SERVER_ERROR
    return status.HTTP_400_BAD_REQUEST


async def _context(connection: HTTPConnection, response: Response = None) -> GatewayContext | None:  # type: ignore[assignment]
    # FastAPI hands the route and its dependencies the same `response`; the router's
    # `create_response` reads the status and media type that `process_result` sets on it.
    # The request's deadline starts here and bounds every upstream call it makes.
    if isinstance(connection, WebSocket):
        return _socket_context(connection)
    request = connection
    settings = getattr(request.app.state, "settings", None)
    seconds = settings.request_deadline_seconds if settings else DEFAULT_DEADLINE_SECONDS
    queued = float(getattr(request.state, QUEUED_SECONDS, 0.0))
    start_deadline(max(0.0, seconds - queued))  # the deadline runs from arrival
    caller = getattr(request.state, CALLER, None)
    tenant: ServedTenant | None = getattr(request.state, TENANT, None)
    if caller is None or tenant is None:  # the edge sets both on every GraphQL request
        if wants_graphiql(request.scope, dict(request.scope.get("headers") or [])):
            return None  # the GraphiQL page: static files, nothing executes
        raise HTTPException(status.HTTP_403_FORBIDDEN, "no caller was identified")
    # The tenant's own service: its upstreams, caches, hints and cursor key only.
    context = GatewayContext(service=tenant.service, caller=caller)
    if accepts_event_stream(request.headers.get("accept")):
        context.transport = "sse"
        _streaming(context, request)
    request.state.gateway_context = context
    request.state.sub_response = response
    return context


def _socket_context(socket: WebSocket) -> GatewayContext:
    """Made at the upgrade, before `connection_init` may name the caller: until then
    it holds no tenant's service, and no operation runs before the acknowledgement."""
    context = GatewayContext(service=placeholder_service(), transport="websocket")
    caller = getattr(socket.state, CALLER, None)
    tenant = getattr(socket.state, TENANT, None)
    if caller is not None and tenant is not None:
        _bind(context, socket, caller, tenant)
    return context


def _bind(context: GatewayContext, socket: WebSocket, caller: Any, tenant: ServedTenant) -> None:
    context.caller = caller
    context.service = tenant.service
    context.fresh_loaders()
    _streaming(context, socket)

    def end(reason: str) -> None:
        close_later(socket, 4029, reason)

    context.end_stream = end


def _streaming(context: GatewayContext, connection: HTTPConnection) -> None:
    """What a long-lived stream needs: its tenant's service as it is now, the event
    buffer, and the audit record written after every event."""
    app = connection.app
    settings = getattr(app.state, "settings", None)
    if settings is not None:
        context.event_buffer = settings.subscription_buffer_events
    context.subscriber_slots = getattr(app.state, "subscriber_slots", None)
    find = getattr(connection.state, CURRENT_TENANT, None)
    tenant_id = context.caller.tenant
    if find is not None and tenant_id is not None:

        def current() -> Any:
            tenant = find(tenant_id)
            return None if tenant is None else tenant.service

        context.current_service = current

    def flush(done: GatewayContext) -> None:
        if not done.audit.empty:
            _audit(app, done)
        done.audit = AuditTrail(operation=done.audit.operation)

    context.flush_audit = flush


def _audit(app: Any, context: GatewayContext) -> None:
    audit: AuditLog | None = getattr(app.state, "audit", None)
    if audit is None or not audit.enabled:
        return
    caller = context.caller
    read = context.audit.read
    audit.record(
        {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "requestId": current_request_id(),
            "subject": caller.subject,
            "client": caller.client,
            "callerKind": caller.kind.value,
            "tenant": caller.tenant,
            "operation": context.audit.operation,
            "sessions": sorted(gid for gid in read if gid),
            "fields": sorted({coordinate for fields in read.values() for coordinate in fields}),
        }
    )


def graphql_router(
    metrics: Metrics | None = None,
    *,
    graphiql: bool = True,
    max_subscriptions_per_connection: int = 20,
    allowed_origins: tuple[str, ...] = (),
) -> GraphQLRouter[GatewayContext, None]:
    ide: Literal["graphiql"] | None = "graphiql" if graphiql else None
    return _Router(
        build_schema(metrics),
        context_getter=_context,
        graphql_ide=ide,
        # Only the current WebSocket protocol (the legacy `graphql-ws` one is not served)
        # and GraphQL over SSE in distinct-connections mode.
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL),
        connection_init_wait_timeout=timedelta(seconds=10),
        max_subscriptions_per_connection=max_subscriptions_per_connection,
        allowed_origins=allowed_origins,
    )
