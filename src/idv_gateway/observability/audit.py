"""The audit trail: one JSON line per response that returned personal data.

Who (subject, client), when, which request, which operation, which sessions and which
fields (`KycSession.fullName`) — never a value. Writing never holds a response: events
go into a bounded in-memory queue and a background task appends them to the sink (a
file is written from a thread, so a slow disk stalls only the writer). Nothing is lost
silently: an event that does not fit the queue, or that the sink refuses, is counted
(`idv_gateway_audit_events_dropped_total`), logged, and turns `/readyz` to 503 with the
reason until the sink works again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from prometheus_client import Counter

__all__ = ["AuditLog"]

MAX_PENDING = 10_000
logger = logging.getLogger("idv_gateway.audit")


class AuditLog:
    """`target`: a JSONL path, `-` for stdout, or None (events are only counted)."""

    def __init__(self, target: str | None, *, written: Counter, dropped: Counter) -> None:
        self.target = target
        self._written = written
        self._dropped = dropped
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(MAX_PENDING)
        self._task: asyncio.Task[None] | None = None
        self._stream: TextIO | None = None
        self.problem: str | None = None  # the last failure, until a write succeeds

    @property
    def enabled(self) -> bool:
        return self.target is not None

    async def start(self) -> None:
        if self.target is None:
            return
        if self.target == "-":
            self._stream = sys.stdout
        else:
            path = Path(self.target)
            self._stream = await asyncio.to_thread(path.open, "a", encoding="utf-8")
        self._task = asyncio.create_task(self._drain(), name="idv-gateway-audit")

    async def stop(self) -> None:
        """Writes what is queued, then closes the file."""
        if self._task is None:
            return
        await self.flush()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._stream is not None and self._stream is not sys.stdout:
            try:
                await asyncio.to_thread(self._stream.close)
            except OSError as exc:  # what a failed write left in the buffer: already counted
                logger.error("audit log not closed cleanly: %s", exc)

    def record(self, event: dict[str, Any]) -> None:
        if self.target is None:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._dropped.inc()
            self.problem = f"audit queue full ({MAX_PENDING} events waiting): events dropped"
            logger.error("audit event dropped: %s", self.problem)

    async def flush(self) -> None:
        """Waits until every event recorded so far is written (tests, shutdown)."""
        await self._queue.join()

    async def _drain(self) -> None:
        assert self._stream is not None
        stream = self._stream
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < 500:
                batch.append(self._queue.get_nowait())
            lines = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in batch)
            try:  # from a thread, stdout too: a slow reader of a pipe stalls only the writer
                await asyncio.to_thread(_append, stream, lines)
            except (OSError, ValueError) as exc:
                self._dropped.inc(len(batch))
                self.problem = f"audit log not writable ({type(exc).__name__}: {exc})"[:200]
                logger.error("audit events dropped: %s", self.problem)
            else:
                self._written.inc(len(batch))
                self.problem = None
            finally:
                for _ in batch:
                    self._queue.task_done()


def _append(stream: TextIO, lines: str) -> None:
    stream.write(lines)
    stream.flush()
