"""Upstream calls counted by the simulators: caching, coalescing and per-request loading."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.harness import Harness

from .queries import SESSIONS


def _calls(stats: dict[str, Any]) -> dict[str, int]:
    return {**stats["didit"]["requests"], **stats["kayle"]["requests"]}


async def test_the_same_query_within_the_ttl_makes_no_upstream_call(harness: Harness) -> None:
    await harness.reset_stats()
    first = await harness.data(SESSIONS, {"first": 30})
    made = _calls(await harness.stats())
    assert made["GET /v3/sessions/"] >= 2  # KYC and KYB
    assert made["GET /v1/sessions"] >= 1
    await harness.reset_stats()
    again = await harness.data(SESSIONS, {"first": 30})
    assert again == first
    assert (await harness.stats())["didit"]["total"] == 0
    assert (await harness.stats())["kayle"]["total"] == 0


@pytest.mark.parametrize("gateway_overrides", [{"cache_enabled": False}])
async def test_without_the_cache_every_query_goes_upstream(harness: Harness) -> None:
    await harness.data(SESSIONS, {"first": 30})
    await harness.reset_stats()
    await harness.data(SESSIONS, {"first": 30})
    assert (await harness.stats())["didit"]["total"] >= 2


async def test_concurrent_identical_queries_share_upstream_calls(harness: Harness) -> None:
    await harness.reset_stats()
    pages = await asyncio.gather(*(harness.data(SESSIONS, {"first": 20}) for _ in range(20)))
    assert all(page == pages[0] for page in pages)
    stats = await harness.stats()
    # What one such query costs: one list call per Didit kind; for Kayle a sampling call
    # and the window it narrows to. Twenty at once cost the same, not twenty times it.
    assert stats["didit"]["requests"] == {"GET /v3/sessions/": 2}
    assert stats["kayle"]["requests"]["GET /v1/sessions"] <= 3


async def test_kayle_attempts_come_with_the_list_call(harness: Harness) -> None:
    await harness.reset_stats()
    data = await harness.data(
        "{ kayleSessions(first: 40) { edges { node { status attempts { id status } } } } }"
    )
    nodes = [e["node"] for e in data["kayleSessions"]["edges"]]
    assert any(n["attempts"] for n in nodes)
    requests = (await harness.stats())["kayle"]["requests"]
    assert "GET /v1/sessions/{id}" not in requests
    assert set(requests) == {"GET /v1/sessions"}


async def test_aliases_and_fragments_load_each_node_once(harness: Harness) -> None:
    listed = await harness.data("{ kayleSessions(first: 2) { edges { node { id } } } }")
    a, b = (e["node"]["id"] for e in listed["kayleSessions"]["edges"])
    await harness.reset_stats()
    data = await harness.data(
        """query($a: ID!, $b: ID!) {
          x: node(id: $a) { id }
          y: node(id: $a) { ... on KayleSession { verificationUrl } }
          z: nodes(ids: [$a, $b, $a]) { id }
          w: node(id: $b) { ...F }
        }
        fragment F on Session { status }""",
        {"a": a, "b": b},
    )
    assert data["x"]["id"] == a
    assert [n["id"] for n in data["z"]] == [a, b, a]
    assert (await harness.stats())["kayle"]["requests"] == {"GET /v1/sessions/{id}": 2}


DECISIONS = """{
  kycSessions(first: 30) { edges { node {
    providerSessionId
    decision { status idVerifications { nodeId status warnings { risk nodeId } } }
    again: decision { status }
    ... on KycSession { decision { livenessChecks { score } } }
  } } }
}"""


async def test_a_page_with_details_makes_one_call_per_session_and_one_list_call(
    harness: Harness,
) -> None:
    await harness.reset_stats()
    data = await harness.data(DECISIONS)
    nodes = [e["node"] for e in data["kycSessions"]["edges"]]
    assert len(nodes) == 30
    assert all(n["decision"] is not None for n in nodes)
    assert all(n["again"]["status"] == n["decision"]["status"] for n in nodes)
    assert (await harness.stats())["didit"]["requests"] == {
        "GET /v3/sessions/": 1,
        "GET /v3/session/{session_id}/decision/": 30,
    }
    await harness.reset_stats()
    assert await harness.data(DECISIONS) == data
    assert (await harness.stats())["didit"]["total"] == 0


async def test_decision_status_matches_the_session_row(harness: Harness) -> None:
    data = await harness.data(
        "{ kybSessions(first: 10) { edges { node { status decision { status "
        "registryChecks { nodeId status } } } } } }"
    )
    for edge in data["kybSessions"]["edges"]:
        node = edge["node"]
        assert node["decision"]["status"] == node["status"]


@pytest.mark.parametrize("gateway_overrides", [{"cache_enabled": False}])
async def test_failing_decision_calls_null_only_the_decision_fields(harness: Harness) -> None:
    fault = {"route": "GET /v3/session/{session_id}/decision/", "mode": "status", "status": 503}
    assert (await harness.didit.post("/_sim/faults", json=fault)).status_code == 201
    body = await harness.query(
        "{ kycSessions(first: 5) { edges { node { providerSessionId decision { status } } } } }"
    )
    nodes = [e["node"] for e in body["data"]["kycSessions"]["edges"]]
    assert len(nodes) == 5
    assert all(n["providerSessionId"] for n in nodes)
    assert all(n["decision"] is None for n in nodes)
    assert body["errors"]
    for error in body["errors"]:
        assert error["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
        assert error["extensions"]["provider"] == "DIDIT"
        assert error["path"][-1] == "decision"


@pytest.mark.parametrize("sim_sizes", [{"kyc": 2000, "kyb": 300, "kayle": 1500}])
@pytest.mark.parametrize("gateway_overrides", [{"cache_enabled": False}])
async def test_a_repeated_first_page_uses_what_the_last_one_learned(harness: Harness) -> None:
    """Without a cursor Kayle first needs a sampling call; the next first page does not."""
    await harness.reset_stats()
    first = await harness.data(SESSIONS, {"first": 20})
    cold = (await harness.stats())["kayle"]["requests"]["GET /v1/sessions"]
    await harness.reset_stats()
    again = await harness.data(SESSIONS, {"first": 20})
    warm = (await harness.stats())["kayle"]["requests"]["GET /v1/sessions"]
    nodes = [e["node"] for e in first["page"]["edges"]]
    assert [e["node"] for e in again["page"]["edges"]] == nodes  # same page, fewer calls
    assert cold >= 2
    assert warm == 1
