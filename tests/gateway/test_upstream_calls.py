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
