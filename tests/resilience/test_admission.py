"""Admission control: bounded operations at once, a short FIFO queue, then 503 OVERLOADED."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from idv_gateway.http.admission import QUEUED_SECONDS, Admission
from tests.resilience.conftest import local_harness


class Blocked:
    """An app whose `/graphql` requests wait until released; it records what it saw."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.running = 0
        self.most = 0
        self.queued: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        del receive  # no body is read
        if scope["path"] == "/graphql":
            self.running += 1
            self.most = max(self.most, self.running)
            self.queued.append(scope["state"][QUEUED_SECONDS])
            await self.release.wait()
            self.running -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


async def test_beyond_the_slots_and_the_queue_the_answer_is_an_immediate_503() -> None:
    inner = Blocked()
    admission = Admission(inner, max_inflight=2, max_queued=2, queue_seconds=5.0)
    async with _client(admission) as client:
        running = [asyncio.create_task(client.post("/graphql")) for _ in range(4)]
        await asyncio.sleep(0.05)
        assert inner.running == 2 and len(admission._waiting) == 2
        refused = await asyncio.wait_for(client.post("/graphql"), 1.0)  # no waiting
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "5"
        [error] = refused.json()["errors"]
        assert error["extensions"] == {
            "code": "OVERLOADED",
            "retryable": True,
            "retryAfterSeconds": 5,
        }
        health = await asyncio.wait_for(client.get("/healthz"), 1.0)  # never queued
        assert health.status_code == 200
        inner.release.set()
        answers = await asyncio.gather(*running)
    assert [a.status_code for a in answers] == [200] * 4
    assert inner.most == 2  # never more than the slots
    assert admission.inflight == 0 and not admission._waiting
    queued = sorted(inner.queued)
    assert queued[:2] == pytest.approx([0, 0], abs=0.02) and queued[-1] >= 0.04


async def test_a_wait_longer_than_the_queue_allows_is_a_503() -> None:
    inner = Blocked()
    admission = Admission(inner, max_inflight=1, max_queued=5, queue_seconds=0.1)
    async with _client(admission) as client:
        first = asyncio.create_task(client.post("/graphql"))
        await asyncio.sleep(0.02)
        late = await client.post("/graphql")
        assert late.status_code == 503
        assert json.loads(late.text)["errors"][0]["extensions"]["code"] == "OVERLOADED"
        inner.release.set()
        assert (await first).status_code == 200
    assert admission.inflight == 0 and not admission._waiting


async def test_the_gateway_refuses_with_overloaded_past_its_settings() -> None:
    """End to end: one slot, no queue; a second concurrent operation is refused."""
    async with local_harness(
        max_inflight_operations=1, max_queued_operations=0, cache_enabled=False
    ) as harness:
        query = {"query": "{ sessions(first: 100) { edges { node { id } } } }"}
        answers = await asyncio.gather(
            *(harness.gateway.post("/graphql", json=query) for _ in range(6))
        )
    codes = sorted(a.status_code for a in answers)
    assert 200 in codes and 503 in codes, codes
    for answer in answers:
        if answer.status_code == 503:
            assert answer.json()["errors"][0]["extensions"]["code"] == "OVERLOADED"
        else:
            assert "errors" not in answer.json()
