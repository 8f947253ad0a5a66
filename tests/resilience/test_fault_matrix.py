"""Every simulator fault × each provider × each kind of query, over real sockets.

Each case asserts what a client relies on: HTTP 200, the healthy provider's data, one
error naming the failed provider with the right `extensions.code`, and an answer within
the request's deadline. One gateway serves the whole matrix (its breaker never opens
here, and nothing is cached), so a case costs little more than its fault.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.harness import Harness
from tests.resilience.conftest import FAST, LiveSims, fault, live_harness, upstream_requests

pytestmark = pytest.mark.asyncio(loop_scope="module")

# mode → (fault spec, expected code, extra extensions)
FAULTS: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    "delay": ({"mode": "delay", "delay_ms": 1600}, "PROVIDER_TIMEOUT", {}),
    "status-5xx": ({"mode": "status", "status": 503}, "PROVIDER_UNAVAILABLE", {"httpStatus": 503}),
    "status-429": (
        {"mode": "status", "status": 429, "retry_after": 30},
        "PROVIDER_RATE_LIMITED",
        {"httpStatus": 429, "retryAfterSeconds": 30},
    ),
    "malformed": ({"mode": "malformed"}, "PROVIDER_BAD_RESPONSE", {}),
    "reset": ({"mode": "reset"}, "PROVIDER_UNAVAILABLE", {}),
    "slow_body": ({"mode": "slow_body", "delay_ms": 1600}, "PROVIDER_TIMEOUT", {}),
}
# Upstream requests one failed call makes: transient faults are retried (3 attempts); on a
# reset, aiohttp itself retries each attempt once on a fresh connection when the dropped
# one was a kept-alive one (RFC 9112 §9.3.1), so 3 to 6.
REQUESTS = {"status-5xx": range(3, 4), "reset": range(3, 7)}
OTHER = {"DIDIT": "KAYLE", "KAYLE": "DIDIT"}
SOURCES = {"DIDIT": {"DIDIT_KYC", "DIDIT_KYB"}, "KAYLE": {"KAYLE"}}

UNIFIED = "{ sessions(first: 6) { edges { node { source } } } }"
PER_SOURCE = """{
  DIDIT: kycSessions(first: 3) { edges { node { source } } }
  KAYLE: kayleSessions(first: 3) { edges { node { source } } }
}"""
NODES = """query ($didit: ID!, $kayle: ID!) {
  DIDIT: node(id: $didit) { ... on Session { source } }
  KAYLE: node(id: $kayle) { ... on Session { source } }
}"""
IDS = """{
  kycSessions(first: 1) { edges { node { id } } }
  kayleSessions(first: 1) { edges { node { id } } }
}"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def matrix(live_sims: LiveSims) -> AsyncIterator[tuple[Harness, dict[str, str]]]:
    settings = {**FAST, "upstream_breaker_threshold": 10_000}
    async with live_harness(live_sims, **settings) as harness:
        await harness.data(UNIFIED)  # warm every route the cases use
        data = await harness.data(IDS)
        ids = {
            "didit": data["kycSessions"]["edges"][0]["node"]["id"],
            "kayle": data["kayleSessions"]["edges"][0]["node"]["id"],
        }
        yield harness, ids


def _check_data(kind: str, data: dict[str, Any], failed: str) -> None:
    healthy = OTHER[failed]
    if kind == "unified":
        sources = {edge["node"]["source"] for edge in data["sessions"]["edges"]}
        assert sources, "the healthy provider's sessions are served"
        assert sources <= SOURCES[healthy]
    elif kind == "per-source":
        assert data[failed]["edges"] == []
        assert len(data[healthy]["edges"]) == 3
    else:
        assert data[failed] is None
        assert data[healthy]["source"] in SOURCES[healthy]


@pytest.mark.parametrize("kind", ["unified", "per-source", "node"])
@pytest.mark.parametrize("provider", ["DIDIT", "KAYLE"])
@pytest.mark.parametrize("mode", list(FAULTS))
async def test_fault_matrix(
    matrix: tuple[Harness, dict[str, str]], mode: str, provider: str, kind: str
) -> None:
    harness, ids = matrix
    spec, code, extra = FAULTS[mode]
    document = {"unified": UNIFIED, "per-source": PER_SOURCE, "node": NODES}[kind]
    failing = harness.didit if provider == "DIDIT" else harness.kayle
    await fault(failing, **spec)
    await harness.reset_stats()
    try:
        started = time.monotonic()
        response = await harness.gateway.post(
            "/graphql", json={"query": document, "variables": ids if kind == "node" else {}}
        )
        elapsed = time.monotonic() - started
        requests = (await upstream_requests(harness))[provider]
    finally:
        await failing.delete("/_sim/faults")

    assert response.status_code == 200
    body = response.json()
    _check_data(kind, body["data"], provider)
    [error] = body["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == code, error
    assert extensions["provider"] == provider
    assert extensions["retryable"] is True
    assert extra.items() <= extensions.items()
    assert error["path"][0] == ("sessions" if kind == "unified" else provider)
    assert elapsed < FAST["request_deadline_seconds"] + 0.5
    if kind == "node":  # one call to the failed provider
        assert requests in REQUESTS.get(mode, range(1, 2))
