"""The policy pieces on their own: retry decisions, the breaker's states, error mapping."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import httpx
import pytest

from idv_gateway.domain import Provider
from idv_gateway.errors import (
    ProviderAuthFailed,
    ProviderError,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
)
from idv_gateway.providers._http import get_json
from idv_gateway.providers._upstream import Upstream
from idv_gateway.resilience import CircuitBreaker, RetryPolicy, retry_delay, start_deadline
from idv_gateway.resilience.breaker import BreakerState

KAYLE = Provider.KAYLE


def test_only_transient_failures_are_retried_within_the_attempts() -> None:
    policy = RetryPolicy(attempts=3, backoff_base=0.1, backoff_max=1.0)
    unavailable = ProviderUnavailable(KAYLE, "x", status=503, transient=True)
    assert retry_delay(policy, ProviderUnavailable(KAYLE, "x", status=500), 0) is None
    assert retry_delay(policy, ProviderTimeout(KAYLE, "x"), 0) is None
    assert retry_delay(policy, ProviderAuthFailed(KAYLE, "x"), 0) is None
    assert retry_delay(policy, unavailable, 2) is None  # the third attempt was the last
    rng = random.Random(1)
    for attempt, ceiling in ((0, 0.1), (1, 0.2), (2, 0.4), (5, 1.0)):
        wide = RetryPolicy(attempts=10, backoff_base=0.1, backoff_max=1.0)
        delays = [retry_delay(wide, unavailable, attempt, rng) for _ in range(50)]
        assert all(d is not None and ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1, "jittered"


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(retry_after_cap=2.0)
    assert retry_delay(policy, ProviderRateLimited(KAYLE, "x", retry_after=1.5), 0) == 1.5
    assert retry_delay(policy, ProviderRateLimited(KAYLE, "x", retry_after=2.5), 0) is None
    backoff = retry_delay(policy, ProviderRateLimited(KAYLE, "x", retry_after=None), 0)
    assert backoff is not None and backoff <= policy.backoff_base


def test_the_breaker_opens_fails_fast_probes_once_and_closes() -> None:
    now = [0.0]
    breaker = CircuitBreaker("Kayle", threshold=2, cooldown=10, clock=lambda: now[0])
    for _ in range(2):
        permit = breaker.allow()
        assert permit is not None
        breaker.failure(permit)
    assert breaker.state is BreakerState.OPEN
    assert breaker.allow() is None
    assert breaker.retry_in() == 10
    now[0] = 10.0
    probe = breaker.allow()
    assert probe is not None and probe.probe
    assert breaker.allow() is None, "one probe at a time"
    breaker.failure(probe)
    assert breaker.state is BreakerState.OPEN and breaker.retry_in() == 10
    now[0] = 20.0
    probe = breaker.allow()
    assert probe is not None
    breaker.release(probe)  # cancelled: another call may probe
    probe = breaker.allow()
    assert probe is not None
    breaker.success(probe)
    assert breaker.state.value == "closed"  # (`is` would be narrowed away by mypy)
    assert breaker.allow() == breaker.allow()


def test_a_success_resets_the_count_of_consecutive_failures() -> None:
    breaker = CircuitBreaker("Didit", threshold=2, cooldown=10)
    for verdict in (breaker.failure, breaker.success, breaker.failure):
        permit = breaker.allow()
        assert permit is not None
        verdict(permit)
    assert breaker.state is BreakerState.CLOSED


def _client(handler: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://p")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("failure", "error", "transient"),
    [
        (httpx.ConnectTimeout("slow"), ProviderTimeout, True),
        (httpx.ReadTimeout("slow"), ProviderTimeout, False),
        (httpx.ConnectError("refused"), ProviderUnavailable, True),
        (httpx.RemoteProtocolError("reset"), ProviderUnavailable, True),
        (ConnectionResetError("reset"), ProviderUnavailable, True),
        (aiohttp.ClientResponseError(None, (), status=0), ProviderUnavailable, True),  # type: ignore[arg-type]
    ],
)
async def test_transport_failures_say_whether_to_retry(
    failure: Exception, error: type[ProviderError], transient: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    async with _client(handler) as client:
        with pytest.raises(error) as raised:
            await get_json(client, KAYLE, "/x")
    assert raised.value.transient is transient


async def test_an_aiohttp_reset_mapped_to_connect_timeout_is_a_connection_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise aiohttp.ServerDisconnectedError()
        except aiohttp.ClientError as exc:  # what httpx-aiohttp does with it
            raise httpx.ConnectTimeout(str(exc)) from exc

    async with _client(handler) as client:
        with pytest.raises(ProviderUnavailable):
            await get_json(client, KAYLE, "/x")


@pytest.mark.parametrize(
    ("status", "transient"), [(500, False), (502, True), (503, True), (504, True), (501, False)]
)
async def test_only_502_503_504_are_transient(status: int, transient: bool) -> None:
    async with _client(lambda request: httpx.Response(status)) as client:
        with pytest.raises(ProviderUnavailable) as raised:
            await get_json(client, KAYLE, "/x")
    assert raised.value.transient is transient


async def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    response = httpx.Response(429, headers={"retry-after": when})
    async with _client(lambda request: response) as client:
        with pytest.raises(ProviderRateLimited) as raised:
            await get_json(client, KAYLE, "/x")
    assert raised.value.retry_after is not None and 28 <= raised.value.retry_after <= 30


async def test_a_slot_not_freed_before_the_deadline_is_a_timeout() -> None:
    release = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json={})

    async with _client(handler) as client:
        upstream = Upstream(provider=KAYLE, client=client, credential="k", max_concurrency=1)
        start_deadline(0.2)
        first = asyncio.ensure_future(upstream.get_json("/a"))
        await asyncio.sleep(0.01)
        with pytest.raises(ProviderTimeout):
            await upstream.get_json("/b")  # waits for the only slot, past the deadline
        release.set()
        with pytest.raises(ProviderTimeout):
            await first  # the first call is held to the same deadline
    assert upstream.breaker.state is BreakerState.CLOSED  # the deadline's doing, not Kayle's


async def test_per_provider_settings_override_the_shared_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import contextlib

    from idv_gateway.config import Settings
    from idv_gateway.upstreams import open_upstreams, with_transports

    monkeypatch.setenv("IDV_GATEWAY_UPSTREAM_RETRY_ATTEMPTS", "4")
    monkeypatch.setenv("IDV_GATEWAY_KAYLE_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("IDV_GATEWAY_DIDIT_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("IDV_GATEWAY_KAYLE_BREAKER_COOLDOWN_SECONDS", "30")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    async with contextlib.AsyncExitStack() as stack:
        transports = {Provider.DIDIT: transport, Provider.KAYLE: transport}
        tenant = with_transports(None, transports)
        upstreams = await open_upstreams(Settings(), stack, tenant, transports=transports)
    assert upstreams.didit is not None and upstreams.kayle is not None
    assert (upstreams.didit.retry.attempts, upstreams.kayle.retry.attempts) == (4, 1)
    assert (upstreams.didit.timeout, upstreams.kayle.timeout) == (2.5, 5.0)
    assert (upstreams.didit.breaker.cooldown, upstreams.kayle.breaker.cooldown) == (10.0, 30.0)
