"""`/readyz` probes each configured provider for real; `/healthz` stays a liveness probe."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import pytest
from pydantic import SecretStr

from idv_gateway.service.readiness import PROBE_TIMEOUT_SECONDS
from tests.resilience.conftest import LiveSims, fault, live_harness, upstream_requests


async def _ready(harness: Any) -> tuple[int, dict[str, Any]]:
    response = await harness.gateway.get("/readyz")
    return response.status_code, response.json()


def _closed_port() -> str:
    with socket.socket() as sock:  # bound, then closed: nothing listens there
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def test_both_providers_answering_is_ready_and_probes_are_reused(live_sims: LiveSims) -> None:
    async with live_harness(live_sims) as harness:
        status, body = await _ready(harness)
        assert (status, body) == (
            200,
            {
                "status": "ready",
                "providers": {"DIDIT": "ok", "KAYLE": "ok"},
                "demo": False,
                # The harness runs with IDV_GATEWAY_AUTH_DISABLED=true, and /readyz says so.
                "warnings": ["authentication is off: anyone who reaches this port reads it all"],
            },
        )
        # Ten probes at once and again right after: one authenticated call per provider.
        answers = await asyncio.gather(*(_ready(harness) for _ in range(10)))
        assert {a[0] for a in answers} == {200}
        assert await upstream_requests(harness) == {"DIDIT": 1, "KAYLE": 1}
        assert (await harness.gateway.get("/healthz")).json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("overrides", "didit"),
    [
        (
            {"didit_api_key": SecretStr("didit-wrong-key-for-tests")},
            "auth rejected (HTTP 403)",
        ),  # Didit answers 403
        ({"didit_base_url": "kayle"}, "bad URL (HTTP 404 for GET /v3/sessions/)"),  # swapped
        ({"didit_base_url": "closed"}, "unreachable"),
    ],
    ids=["wrong-key", "wrong-url", "nothing-listening"],
)
async def test_a_misconfigured_provider_is_named_with_its_reason(
    live_sims: LiveSims, overrides: dict[str, Any], didit: str
) -> None:
    if overrides.get("didit_base_url") == "kayle":
        overrides = {"didit_base_url": live_sims.kayle_url}
    elif overrides.get("didit_base_url") == "closed":
        overrides = {"didit_base_url": _closed_port()}
    async with live_harness(live_sims, **overrides) as harness:
        status, body = await _ready(harness)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["providers"] == {"DIDIT": didit, "KAYLE": "ok"}
    assert "wrong-key" not in str(body)


async def test_a_provider_down_or_too_slow_is_not_ready_within_the_probe_timeout(
    live_sims: LiveSims,
) -> None:
    async with live_harness(live_sims) as harness:
        await fault(harness.kayle, mode="status", status=503)
        status, body = await _ready(harness)
        assert (status, body["providers"]["KAYLE"]) == (503, "failing (HTTP 503)")
        await harness.kayle.delete("/_sim/faults")
    async with live_harness(live_sims) as harness:
        await fault(harness.didit, mode="delay", delay_ms=int(PROBE_TIMEOUT_SECONDS * 1000) + 2000)
        started = time.monotonic()
        status, body = await _ready(harness)
        elapsed = time.monotonic() - started
    assert status == 503
    assert (
        body["providers"]["DIDIT"] == f"unreachable (no answer within {PROBE_TIMEOUT_SECONDS:g} s)"
    )
    assert elapsed < PROBE_TIMEOUT_SECONDS + 1.0


async def test_one_configured_provider_is_ready_and_says_which(live_sims: LiveSims) -> None:
    async with live_harness(live_sims, kayle_base_url=None, kayle_api_key=None) as harness:
        status, body = await _ready(harness)
    assert status == 200
    assert body["providers"] == {"DIDIT": "ok", "KAYLE": "not configured"}


async def test_a_probe_does_not_touch_the_breaker_or_the_cache(live_sims: LiveSims) -> None:
    # One counted failure would open the circuit: three failed probes must count for none.
    async with live_harness(live_sims, cache_enabled=True, upstream_breaker_threshold=1) as harness:
        await fault(harness.didit, mode="status", status=503)
        for _ in range(3):
            status, _ = await _ready(harness)
            assert status == 503
            await asyncio.sleep(0)
        await harness.didit.delete("/_sim/faults")
        # Probes do not count as failures: the first query still reaches Didit.
        data = await harness.data("{ kycSessions(first: 1) { edges { cursor } } }")
        assert len(data["kycSessions"]["edges"]) == 1
