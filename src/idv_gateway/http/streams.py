"""What the WebSocket and SSE transports of `/graphql` add to Strawberry's.

- Heartbeats: the server pings every `HEARTBEAT_SECONDS` on an acknowledged
  `graphql-transport-ws` socket (clients answer with `pong`, as the protocol requires),
  so idle subscriptions survive proxies that close quiet connections; SSE streams get
  Strawberry's comment heartbeat every 15 s.
- Credentials in `connection_init`: `{"Authorization": "Bearer …"}` or
  `{"X-API-Key": "…"}`, any letter case, as the upgrade's headers would carry them.
- A subscriber cut off for being too slow is closed with 4029 after its error is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
from typing import Any

from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from idv_gateway.pagination import CursorCodec
from idv_gateway.service import SessionService

__all__ = [
    "HEARTBEAT_SECONDS",
    "HeartbeatTransportWS",
    "accepts_event_stream",
    "close_later",
    "connection_credentials",
    "placeholder_service",
]

HEARTBEAT_SECONDS = 15.0
_CLOSE_GRACE_SECONDS = 0.05  # lets the error `next`/`complete` go out first
_CLOSE_TIMEOUT_SECONDS = 5.0
_closing: set[asyncio.Task[None]] = set()


class HeartbeatTransportWS(BaseGraphQLTransportWSHandler[Any, Any]):
    heartbeat_seconds = HEARTBEAT_SECONDS

    async def handle(self) -> None:
        beat = asyncio.create_task(self._beat())
        try:
            await super().handle()
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _beat(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.heartbeat_seconds)
                if self.connection_acknowledged:
                    await self.send_message({"type": "ping"})


def accepts_event_stream(accept: str | None) -> bool:
    return accept is not None and any(
        part.split(";", 1)[0].strip().lower() == "text/event-stream" for part in accept.split(",")
    )


def connection_credentials(params: object) -> dict[bytes, bytes]:
    """The credential headers a `connection_init` payload carries (strings only)."""
    found: dict[bytes, bytes] = {}
    if not isinstance(params, dict):
        return found
    for name, value in params.items():
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        lowered = name.lower()
        if lowered in ("authorization", "x-api-key") and len(value) <= 16_384:
            found[lowered.encode()] = value.encode("utf-8", "replace")
    return found


def close_later(socket: WebSocket, code: int, reason: str) -> None:
    async def close() -> None:
        await asyncio.sleep(_CLOSE_GRACE_SECONDS)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(_CLOSE_TIMEOUT_SECONDS):
                await socket.close(code=code, reason=reason[:120])

    task = asyncio.get_running_loop().create_task(close())
    _closing.add(task)
    task.add_done_callback(_closing.discard)


@functools.cache
def placeholder_service() -> SessionService:
    """Serves nothing: a socket's context holds it until its caller is known."""
    return SessionService(didit=None, kayle=None, codec=CursorCodec(secrets.token_bytes(32)))
