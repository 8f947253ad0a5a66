"""ASGI middleware: a request id on every request (echoed as `x-request-id`), an access
log line and HTTP metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idv_gateway.http.scope import own_state
from idv_gateway.observability.logs import REQUEST_ID
from idv_gateway.observability.metrics import Metrics

__all__ = ["REQUEST_ID_HEADER", "RequestObserver"]

REQUEST_ID_HEADER = "x-request-id"
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # fullmatch: no trailing newline
# Metric labels and log fields take these methods as they are, any other as "OTHER".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})
access_log = logging.getLogger("idv_gateway.access")


class RequestObserver:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            own_state(scope)  # the outermost layer: everything inside writes its own
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self._request_id(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            path = scope["path"]
            route = path if path in _ROUTES else "other"
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            access_log.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            REQUEST_ID.reset(token)

    @staticmethod
    def _request_id(scope: Scope) -> str:
        """A caller's id is kept when it is short and plain; otherwise a fresh one."""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                text: str = value.decode("latin-1")
                if _CLIENT_ID.fullmatch(text):
                    return text
        return uuid.uuid4().hex
