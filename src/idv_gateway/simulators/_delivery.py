"""Outbound webhook delivery shared by both simulators: attempts, retry schedule, drain, shutdown.

A provider module turns a session change into `DeliveryJob`s (one per subscribed
destination) and hands them to a `WebhookHub`. Every job runs in its own asyncio task,
so the route that changed the status never waits for a receiver. Each attempt asks the
job for fresh headers and body (providers re-sign with a new timestamp per attempt),
posts it without following redirects, records the outcome in `hub.deliveries`, and
sleeps `delay * time_scale` before the next one: tests compress hours into
milliseconds with `time_scale=0.001`. Signed timestamps stay real wall time
(`hub.clock`, replaceable in tests), so a receiver's replay window still holds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

__all__ = [
    "DeliveryJob",
    "DeliveryRecord",
    "Outgoing",
    "WebhookHub",
    "closing_lifespan",
    "iso_now",
]

DEFAULT_TIMEOUT_S = 15.0


def iso_now() -> str:
    """Wall time in UTC with milliseconds, for delivery records."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One attempt's request: provider headers and the exact body bytes that were signed."""

    headers: dict[str, str]
    body: bytes


@dataclass(slots=True)
class DeliveryRecord:
    """One attempt, or an unsent delivery (`attempt == 0`), as `/_sim/webhooks` shows it.

    `outcome` is `succeeded`, `retrying` (another attempt is scheduled) or `failed`.
    """

    event_id: str
    event_type: str
    url: str
    attempt: int
    status_code: int | None
    error: str | None
    outcome: str
    at: str
    delivery_id: str | None = None
    duration_ms: float | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DeliveryJob:
    """Everything needed to deliver one event to one destination, retries included.

    `prepare(attempt)` builds that attempt's request (1-based); `delays` are the pauses
    before attempts 2, 3, ... (so `len(delays) + 1` attempts at most); `retryable` says
    whether a non-2xx status (None: transport error or timeout) earns another attempt.
    `observe` sees every record, e.g. to keep per-destination statistics.
    """

    event_id: str
    event_type: str
    url: str
    prepare: Callable[[int], Outgoing]
    delays: Sequence[float]
    retryable: Callable[[int | None], bool]
    delivery_id: str | None = None
    observe: Callable[[DeliveryRecord], None] | None = None


class WebhookHub:
    """Runs delivery jobs in tracked background tasks; `drain()` waits, `aclose()` cancels."""

    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if time_scale < 0:
            raise ValueError("webhook_time_scale must be >= 0")
        self.time_scale = time_scale
        # Epoch seconds for signed timestamps; tests may swap in a fake clock.
        self.clock: Callable[[], float] = time.time
        self.deliveries: list[DeliveryRecord] = []
        self._transport = transport
        self._timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- public -----------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Deliveries still in flight or waiting for a retry."""
        return len(self._tasks)

    def submit(self, job: DeliveryJob) -> None:
        """Start delivering `job` in the background (needs a running event loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.record_unsent(job, "no running event loop: delivery not started")
            return
        task = loop.create_task(self._run(job), name=f"webhook {job.event_id} -> {job.url}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def record_unsent(self, job: DeliveryJob, error: str) -> None:
        """A delivery that fails before any request (e.g. Kayle with no active key)."""
        self._record(job, attempt=0, status=None, error=error, outcome="failed")

    def records(self) -> list[dict[str, Any]]:
        """JSON-ready copies of every record; they never contain secrets or bodies."""
        return [record.as_json() for record in self.deliveries]

    async def drain(self) -> None:
        """Wait until no delivery is in flight or scheduled (retry pauses included, scaled)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def aclose(self) -> None:
        """Cancel every pending delivery and close the HTTP client (app shutdown)."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    # -- internals --------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._transport, follow_redirects=False, timeout=self._timeout_s
            )
        return self._client

    async def _run(self, job: DeliveryJob) -> None:
        attempts = len(job.delays) + 1
        for attempt in range(1, attempts + 1):
            status, error, elapsed = await self._attempt(job, attempt)
            succeeded = status is not None and 200 <= status < 300
            retry = not succeeded and attempt < attempts and job.retryable(status)
            outcome = "succeeded" if succeeded else "retrying" if retry else "failed"
            self._record(job, attempt, status, error, outcome, elapsed)
            if not retry:
                return
            await asyncio.sleep(job.delays[attempt - 1] * self.time_scale)

    async def _attempt(
        self, job: DeliveryJob, attempt: int
    ) -> tuple[int | None, str | None, float]:
        started = time.perf_counter()
        try:
            outgoing = job.prepare(attempt)
            response = await self._http().post(
                job.url, content=outgoing.body, headers=outgoing.headers
            )
        except Exception as exc:  # any failure of one attempt is that attempt's result
            return None, f"{type(exc).__name__}: {exc}", _ms_since(started)
        return response.status_code, None, _ms_since(started)

    def _record(
        self,
        job: DeliveryJob,
        attempt: int,
        status: int | None,
        error: str | None,
        outcome: str,
        elapsed: float | None = None,
    ) -> None:
        record = DeliveryRecord(
            event_id=job.event_id,
            event_type=job.event_type,
            url=job.url,
            attempt=attempt,
            status_code=status,
            error=error,
            outcome=outcome,
            at=iso_now(),
            delivery_id=job.delivery_id,
            duration_ms=elapsed,
        )
        self.deliveries.append(record)
        if job.observe is not None:
            job.observe(record)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def closing_lifespan(hub: WebhookHub) -> Callable[[Any], Any]:
    """A Starlette lifespan that cancels pending deliveries and closes the client on shutdown."""

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await hub.aclose()

    return lifespan
