"""One provider's outbound side: its HTTP client, the upstream policy, the cache.

Every call goes through `get_json`, which applies the policy (docs/errors.md): the
circuit breaker first (an open one fails fast), then a bounded wait for one of
`max_concurrency` slots, then attempts capped by the per-call timeout and by what is left
of the GraphQL request's deadline, retried on transient failures with jittered backoff
within the request's retry budget.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from opentelemetry import trace

from idv_gateway.cache import UpstreamCache
from idv_gateway.domain import Provider
from idv_gateway.errors import (
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
)
from idv_gateway.observability.metrics import Metrics
from idv_gateway.providers._http import get_json
from idv_gateway.resilience import (
    CircuitBreaker,
    Deadline,
    RetryPolicy,
    current_deadline,
    retry_delay,
)
from idv_gateway.resilience.breaker import Permit
from idv_gateway.resilience.client_limits import charge_upstream_call

__all__ = ["CachePolicy", "Upstream"]

tracer = trace.get_tracer("idv_gateway")
# Provider ids in paths (UUIDs, `vs_…`) become `{id}`, so routes stay few as metric labels.
_ID_SEGMENT = re.compile(r"(?<=/)(?:[0-9a-fA-F-]{36}|vs_[A-Za-z0-9]{64})(?=/|$)")
logger = logging.getLogger("idv_gateway.upstream")

# A timeout with less than this left of the request's deadline was the deadline's doing.
_OUT_OF_TIME = 0.01
# A retry is not worth starting with less time than this left after its backoff.
_MIN_ATTEMPT = 0.05

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """Seconds an upstream answer is reused: short for lists, longer for settled details."""

    lists: float = 5.0
    details: float = 15.0
    final_details: float = 300.0

    def list_ttl(self, _value: object) -> float:
        return self.lists

    def detail_ttl(self, final: bool) -> float:
        return self.final_details if final else self.details


class Upstream:
    def __init__(
        self,
        *,
        provider: Provider,
        client: httpx.AsyncClient,
        credential: str,
        cache: UpstreamCache | None = None,
        policy: CachePolicy | None = None,
        max_concurrency: int = 32,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        metrics: Metrics | None = None,
        tenant: str = "default",
    ) -> None:
        self.provider = provider
        self.tenant = tenant  # a label of its metrics; the credential says whose data it is
        self._metrics = metrics
        self.policy = policy or CachePolicy()
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker(provider.value.title())
        self._client = client
        # Cache keys carry this, never the credential itself.
        self._fingerprint = hashlib.sha256(credential.encode()).hexdigest()[:16]
        self._cache = cache
        self._slots = asyncio.Semaphore(max_concurrency)

    async def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        missing: Collection[int] = (),
    ) -> Any:
        deadline = current_deadline()
        if deadline is not None and deadline.remaining() <= 0:
            raise self._out_of_time()
        permit = self.breaker.allow()
        if permit is None:
            raise self._open()
        try:
            return await self._call(permit, deadline, path, params, missing)
        finally:
            self.breaker.release(permit)  # no-op once a verdict was given

    async def _call(
        self,
        permit: Permit,
        deadline: Deadline | None,
        path: str,
        params: Mapping[str, str] | None,
        missing: Collection[int],
    ) -> Any:
        attempt = 0
        while True:
            try:
                result = await self._attempt(deadline, path, params, missing)
            except ProviderError as error:
                delay = None if permit.probe else self._retry_after(error, attempt, deadline)
                if delay is None:
                    self._verdict(permit, error, deadline)
                    raise
                logger.warning(
                    "%s: GET %s failed (%s); retry %d in %.2f s",
                    self.breaker.name,
                    path,
                    error.code,
                    attempt + 1,
                    delay,
                )
                await asyncio.sleep(delay)
                attempt += 1
            else:
                self.breaker.success(permit)
                return result

    async def _attempt(
        self,
        deadline: Deadline | None,
        path: str,
        params: Mapping[str, str] | None,
        missing: Collection[int],
    ) -> Any:
        try:
            async with asyncio.timeout(None if deadline is None else deadline.remaining()):
                await self._slots.acquire()
        except TimeoutError:
            raise self._out_of_time() from None
        try:
            left = self.timeout if deadline is None else deadline.remaining()
            if left <= 0:
                raise self._out_of_time()
            return await self._observed(path, params, missing, min(self.timeout, left))
        finally:
            self._slots.release()

    async def _observed(
        self,
        path: str,
        params: Mapping[str, str] | None,
        missing: Collection[int],
        within: float,
    ) -> Any:
        """One HTTP call, as a span and in the upstream metrics (by route template)."""
        route = "GET " + _ID_SEGMENT.sub("{id}", path)
        charge_upstream_call()  # to the calling client's per-minute budget
        started = time.perf_counter()
        status = "200"
        with tracer.start_as_current_span(
            route,
            attributes={
                "idv.provider": self.provider.value,
                "idv.tenant": self.tenant,
                "http.route": route,
            },
        ) as span:
            try:
                result = await get_json(
                    self._client, self.provider, path, params=params, missing=missing, within=within
                )
                if result is None:
                    status = "404"
                return result
            except ProviderError as error:
                status = str(error.status) if error.status else error.code.lower()
                span.set_attribute("idv.error.code", error.code)
                raise
            finally:
                span.set_attribute("http.status", status)
                if self._metrics is not None:
                    provider = self.provider.value
                    labels = (self.tenant, provider, route)
                    self._metrics.upstream_calls.labels(*labels, status).inc()
                    self._metrics.upstream_seconds.labels(*labels).observe(
                        time.perf_counter() - started
                    )

    def _retry_after(
        self, error: ProviderError, attempt: int, deadline: Deadline | None
    ) -> float | None:
        """The wait before the next attempt, or None when this failure is final."""
        delay = retry_delay(self.retry, error, attempt)
        if delay is None or self.breaker.retry_in() > 0:
            return None  # not retryable, out of attempts, or the breaker opened meanwhile
        if deadline is not None:
            # Leave the next attempt some time, and spend the request's budget last.
            if delay + _MIN_ATTEMPT >= deadline.remaining():
                return None
            if not deadline.take_retry(self.provider, self.retry.budget):
                return None
        return delay

    def _verdict(self, permit: Permit, error: ProviderError, deadline: Deadline | None) -> None:
        """Tell the breaker what a final failure says about the provider's health."""
        out_of_time = deadline is not None and deadline.remaining() <= _OUT_OF_TIME
        if isinstance(error, ProviderTimeout) and out_of_time:
            return  # the request ran out of time, not necessarily the provider
        if isinstance(error, ProviderTimeout | ProviderUnavailable) and (
            error.status is None or error.status >= 500
        ):
            self.breaker.failure(permit)
        else:
            self.breaker.success(permit)

    async def probe(self, path: str, params: Mapping[str, str], within: float) -> str | None:
        """One authenticated call, outside the breaker, retries and cache: None when it
        shows the provider usable, else the reason an operator can act on."""
        try:
            await self._observed(path, params, (), within)
        except ProviderRateLimited:
            return None  # the key works and the provider answers: ready, if busy
        except ProviderAuthFailed as error:
            return f"auth rejected (HTTP {error.status})"
        except ProviderBadResponse as error:
            if error.status == 404:
                return f"bad URL (HTTP 404 for GET {path})"
            return f"bad response: {error.detail}"
        except ProviderTimeout:
            return f"unreachable (no answer within {within:g} s)"
        except ProviderUnavailable as error:
            return f"failing (HTTP {error.status})" if error.status else "unreachable"
        except ProviderError as error:
            return f"failing: {error.detail}"
        return None

    def _open(self) -> ProviderUnavailable:
        wait = round(self.breaker.retry_in(), 1)
        return ProviderUnavailable(
            self.provider,
            f"failing; calls are paused for {wait:g} s (circuit open)",
            retry_after=wait,
        )

    def _out_of_time(self) -> ProviderTimeout:
        return ProviderTimeout(self.provider, "no answer before the request's deadline")

    async def cached(
        self,
        key: Hashable,
        fetch: Callable[[], Awaitable[T]],
        ttl: Callable[[T], float],
        *,
        fresh: bool = False,
    ) -> T:
        """`fetch()` once per key across concurrent callers, then reuse it for `ttl(value)`;
        `fresh` skips a stored value (and stores the new one)."""
        if self._cache is None:
            return await fetch()
        return await self._cache.get_or_fetch(
            (self.provider.value, self._fingerprint, key), fetch, ttl, fresh=fresh
        )

    def forget(self, match: Callable[[Hashable], bool]) -> int:
        """Evicts this provider's cached answers whose key `match`es (a webhook said
        they changed); returns how many entries and running fetches it let go."""
        if self._cache is None:
            return 0
        own = (self.provider.value, self._fingerprint)

        def ours(key: Hashable) -> bool:
            return isinstance(key, tuple) and key[:2] == own and match(key[2])

        return self._cache.evict(ours)
