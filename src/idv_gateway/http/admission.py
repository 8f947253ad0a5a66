"""Admission control: a bounded number of GraphQL operations run at once in a worker.

Under a flood, letting every request in makes all of them slow: they share the event
loop and the providers' connection pools, and past the deadline none completes. So at
most `max_inflight` operations run; up to `max_queued` more wait, each for at most
`queue_seconds`, in arrival order; anything beyond is refused at once with HTTP 503,
`Retry-After` and a JSON error `OVERLOADED`, which a client can retry elsewhere or
later. The time an operation waited is taken off its deadline (`queued_seconds` in the
ASGI scope's state), so the deadline holds from arrival, not from admission.
`/healthz`, `/readyz` and `/metrics` are never queued.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from idv_gateway.http.responses import send_error
from idv_gateway.http.scope import is_graphql

__all__ = ["QUEUED_SECONDS", "Admission"]

QUEUED_SECONDS = "queued_seconds"


class Admission:
    def __init__(
        self, app: ASGIApp, *, max_inflight: int, max_queued: int, queue_seconds: float
    ) -> None:
        self.app = app
        self.max_inflight = max_inflight
        self.max_queued = max_queued
        self.queue_seconds = queue_seconds
        self.inflight = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self.refused = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_graphql(scope) or _event_stream(scope):
            await self.app(scope, receive, send)
            return
        arrived = time.monotonic()
        if not await self._admit():
            self.refused += 1
            await _overloaded(send, retry_after=max(1, math.ceil(self.queue_seconds)))
            return
        scope.setdefault("state", {})[QUEUED_SECONDS] = time.monotonic() - arrived
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _admit(self) -> bool:
        if self.inflight < self.max_inflight and not self._waiting:
            self.inflight += 1
            return True
        if len(self._waiting) >= self.max_queued:
            return False
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.queue_seconds)
        except TimeoutError:
            if turn.done():  # handed a slot just as the wait ran out: take it
                return True
            self._waiting.remove(turn)
            turn.cancel()
            return False
        except asyncio.CancelledError:  # the client went away while waiting
            if turn.done():
                self._release()
            else:
                self._waiting.remove(turn)
                turn.cancel()
            raise
        return True

    def _release(self) -> None:
        """Hand the slot to the longest waiter, or free it."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.inflight -= 1


async def _overloaded(send: Send, *, retry_after: int) -> None:
    await send_error(
        send,
        status=503,
        message=f"the gateway is at capacity; retry after {retry_after} s or on another instance",
        code="OVERLOADED",
        headers=[(b"retry-after", str(retry_after).encode())],
        retryable=True,
        retryAfterSeconds=retry_after,
    )


def _event_stream(scope: Scope) -> bool:
    """An SSE subscription lasts for as long as the client listens: it counts against
    `IDV_GATEWAY_MAX_SUBSCRIPTIONS`, not against the operations in flight."""
    for name, value in scope.get("headers") or []:
        if name == b"accept":
            return b"text/event-stream" in value.lower()
    return False
