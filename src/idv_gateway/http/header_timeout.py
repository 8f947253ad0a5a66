"""uvicorn's HTTP/1.1 protocol with a deadline on request headers.

uvicorn times out idle keep-alive connections but not a client that opens a connection
and sends its request line and headers a byte at a time, or never finishes them: each
such client holds a socket and a file descriptor for as long as it likes, and a few
thousand exhaust a worker. Here the headers of every request must be complete within
`HEADER_READ_TIMEOUT_SECONDS` of its first byte (or of the connection's opening); past
that the connection is closed. Bodies have their own deadline (`BodyGuard`).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ENV_VARIABLE", "HeaderTimeoutProtocol"]

# uvicorn builds the protocol itself (in each worker), so the setting travels in the
# environment that `serve` sets from the validated settings.
ENV_VARIABLE = "IDV_GATEWAY_HEADER_READ_TIMEOUT_SECONDS"


class HeaderTimeoutProtocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_seconds = float(os.environ.get(ENV_VARIABLE, "10"))
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            if self._header_timer is None:
                self._arm()  # the next request has started arriving
        else:
            self._disarm()  # its headers are complete

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self._header_seconds, self._expire)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expire(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
