"""A scripted webhook receiver (a small Starlette app) for the simulators' delivery tests.

Deliveries reach it in-process through `webhook_transport`; it records every request
(method, path, headers, raw body) and answers from a script of status codes, then 200.
Requests to `DOWN_HOST` fail with a connection error instead, like a dead receiver.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

RECEIVER = "https://receiver.test"
DOWN_HOST = "down.test"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """`statuses` are answered in order (3xx with a `Location`); afterwards `then`."""

    statuses: list[int] = field(default_factory=list)
    then: int = 200
    received: list[Received] = field(default_factory=list)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            self.received.append(
                Received(request.url.path, dict(request.headers), await request.body())
            )
            status = self.statuses.pop(0) if self.statuses else self.then
            headers = {"location": f"{RECEIVER}/elsewhere"} if 300 <= status < 400 else None
            return Response(status_code=status, headers=headers)

        return Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])

    def transport(self) -> httpx.AsyncBaseTransport:
        return _Routing(httpx.ASGITransport(app=self.app()))


class _Routing(httpx.AsyncBaseTransport):
    """Into the receiver app, except `DOWN_HOST`, which refuses connections."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == DOWN_HOST:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


def stepping_clock(start: int = 1_796_400_000, step: int = 7) -> Callable[[], float]:
    """A fake epoch clock that advances `step` seconds per reading."""
    counter = itertools.count(start, step)
    return lambda: float(next(counter))
