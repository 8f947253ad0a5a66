"""Retries, Retry-After, the circuit breaker, the retry budget and the deadline, observed
through the simulators' request counters (`/_sim/stats`)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.harness import Harness
from tests.resilience.conftest import FAST, fault, local_harness, upstream_requests

UNIFIED = "{ sessions(first: 6) { edges { node { source providerSessionId } } } }"
KAYLE_IDS = "{ kayleSessions(first: 5) { edges { node { id } } } }"
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"
FAST_ATTEMPTS = 3  # the default number of attempts per call


async def _timed(harness: Harness, document: str, **variables: Any) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    body = await harness.query(document, variables)
    return body, time.monotonic() - started


async def _kayle_calls_of(harness: Harness, document: str) -> int:
    """Kayle requests one healthy run of `document` makes (nothing is cached)."""
    await harness.reset_stats()
    await harness.data(document)
    calls = (await upstream_requests(harness))["KAYLE"]
    await harness.reset_stats()
    return calls


async def test_a_503_once_is_retried_and_the_page_is_complete() -> None:
    async with local_harness(**FAST) as harness:
        healthy = await harness.data(UNIFIED)
        calls = await _kayle_calls_of(harness, UNIFIED)
        await fault(harness.kayle, mode="status", status=503, times=1)
        assert await harness.data(UNIFIED) == healthy  # no error: the retry succeeded
        assert (await upstream_requests(harness))["KAYLE"] == calls + 1


async def test_retry_after_within_the_cap_is_waited_out() -> None:
    async with local_harness(**{**FAST, "upstream_retry_after_max_seconds": 1.0}) as harness:
        calls = await _kayle_calls_of(harness, UNIFIED)
        await fault(harness.kayle, mode="status", status=429, retry_after=1, times=1)
        body, elapsed = await _timed(harness, UNIFIED)
        assert "errors" not in body
        assert elapsed >= 1.0  # Retry-After: 1 honoured
        assert (await upstream_requests(harness))["KAYLE"] == calls + 1


async def test_retry_after_beyond_the_cap_fails_at_once_and_tells_the_client() -> None:
    async with local_harness(**{**FAST, "upstream_retry_after_max_seconds": 1.0}) as harness:
        calls = await _kayle_calls_of(harness, UNIFIED)
        await fault(harness.kayle, mode="status", status=429, retry_after=30)
        body, elapsed = await _timed(harness, UNIFIED)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "PROVIDER_RATE_LIMITED"
        assert error["extensions"]["retryAfterSeconds"] == 30
        assert elapsed < 1.0  # not 30 s
        assert (await upstream_requests(harness))["KAYLE"] == calls  # no retry


async def test_a_dead_provider_opens_the_breaker_and_then_costs_nothing() -> None:
    settings = {**FAST, "upstream_breaker_threshold": 3, "upstream_breaker_cooldown_seconds": 60}
    async with local_harness(**settings) as harness:
        calls = await _kayle_calls_of(harness, UNIFIED)
        await fault(harness.kayle, mode="status", status=503)
        for _ in range(3):  # three failed calls, each after its retries
            body = await harness.query(UNIFIED)
            assert body["errors"][0]["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
        assert (await upstream_requests(harness))["KAYLE"] == 3 * calls * FAST_ATTEMPTS
        await harness.reset_stats()

        for _ in range(5):
            body, elapsed = await _timed(harness, UNIFIED)
            [error] = body["errors"]
            assert error["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
            assert error["extensions"]["provider"] == "KAYLE"
            assert error["extensions"]["retryable"] is True
            assert 0 < error["extensions"]["retryAfterSeconds"] <= 60
            assert "circuit open" in error["message"]
            assert body["data"]["sessions"]["edges"], "Didit is still served"
            assert elapsed < 1.0  # no attempt, no backoff
        assert (await upstream_requests(harness))["KAYLE"] == 0


async def test_after_the_cooldown_one_probe_closes_the_breaker() -> None:
    settings = {**FAST, "upstream_breaker_threshold": 1, "upstream_breaker_cooldown_seconds": 0.3}
    async with local_harness(**settings) as harness:
        await fault(harness.kayle, mode="status", status=503)
        await harness.query(UNIFIED)  # opens
        await harness.kayle.delete("/_sim/faults")
        await harness.reset_stats()
        body = await harness.query(UNIFIED)
        assert "circuit open" in body["errors"][0]["message"]
        assert (await upstream_requests(harness))["KAYLE"] == 0

        await asyncio.sleep(0.35)
        await harness.data(UNIFIED)  # the probe succeeds: closed
        await harness.data(UNIFIED)
        assert (await upstream_requests(harness))["KAYLE"] > 0


async def test_a_failed_probe_opens_the_breaker_again() -> None:
    settings = {**FAST, "upstream_breaker_threshold": 1, "upstream_breaker_cooldown_seconds": 0.2}
    async with local_harness(**settings) as harness:
        await fault(harness.kayle, mode="status", status=503)
        await harness.query(UNIFIED)  # opens
        await asyncio.sleep(0.25)
        await harness.reset_stats()
        await harness.query(UNIFIED)  # the probe: a single attempt, which fails
        assert (await upstream_requests(harness))["KAYLE"] == 1
        body = await harness.query(UNIFIED)
        assert "circuit open" in body["errors"][0]["message"]
        assert (await upstream_requests(harness))["KAYLE"] == 1


async def test_the_retry_budget_bounds_the_retries_of_one_request() -> None:
    settings = {**FAST, "upstream_retry_budget": 2}
    async with local_harness(**settings) as harness:
        data = await harness.data(KAYLE_IDS)
        ids = [edge["node"]["id"] for edge in data["kayleSessions"]["edges"]]
        await fault(harness.kayle, mode="status", status=503)
        await harness.reset_stats()
        body = await harness.query(NODES, {"ids": ids})
        assert body["data"]["nodes"] == [None] * 5
        assert {e["extensions"]["code"] for e in body["errors"]} == {"PROVIDER_UNAVAILABLE"}
        # five calls, and two retries in all (not two per call)
        assert (await upstream_requests(harness))["KAYLE"] == 5 + 2


async def test_the_deadline_bounds_the_request_whatever_the_call_timeout() -> None:
    settings = {**FAST, "upstream_timeout_seconds": 5.0, "request_deadline_seconds": 1.0}
    async with local_harness(**settings) as harness:
        await fault(harness.kayle, mode="delay", delay_ms=3000)
        body, elapsed = await _timed(harness, UNIFIED)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "PROVIDER_TIMEOUT"
        assert error["extensions"]["provider"] == "KAYLE"
        assert body["data"]["sessions"]["edges"]
        assert 0.9 < elapsed < 1.6


async def test_no_retry_waits_past_the_deadline() -> None:
    settings = {
        **FAST,
        "request_deadline_seconds": 0.8,
        "upstream_retry_backoff_seconds": 2.0,  # the first retry would wait 1 to 2 s
        "upstream_retry_backoff_max_seconds": 2.0,
    }
    async with local_harness(**settings) as harness:
        calls = await _kayle_calls_of(harness, UNIFIED)
        await fault(harness.kayle, mode="status", status=503)
        body, elapsed = await _timed(harness, UNIFIED)
        assert body["errors"][0]["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
        assert elapsed < 0.7
        assert (await upstream_requests(harness))["KAYLE"] == calls


async def test_failures_are_never_cached() -> None:
    async with local_harness(**{**FAST, "cache_enabled": True}) as harness:
        await fault(harness.kayle, mode="status", status=503, times=FAST_ATTEMPTS)
        failed = await harness.query(UNIFIED)
        assert failed["errors"][0]["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
        again = await harness.query(UNIFIED)
        assert "errors" not in again
